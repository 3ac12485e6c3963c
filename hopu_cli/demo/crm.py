"""hopu_crm's demo data (CRM-1 … CRM-19, CRM-32): the salesperson codes,
the rights of the demo roles on the CRM programs, the customers of each
demo salesperson at every stage with contacts, daily reports and cold
visits, two customers in the pool (公海); and, once every module's data is
there (finish), the business alerts (业务警示)."""
import datetime as dt

from .sysadmin import (
    ALL, HEAD_COMPANY, USERS, WORK, grant_rights, grant_role_rights)
from .tools import get_or_create, ref


def setup(config, activated, data):
    employees = data['employees']
    names = load_organisation(config, data['companies'], employees)
    customers = load_customers(config, employees)
    return {'customers': names, 'crm_customers': len(customers)}


def finish(config, activated, data):
    "After the data of every module: the alerts they give"
    return {'alerts': load_alerts(config, data['employees'])}


# CRM-1: the agent prefix of the head company and the salesperson codes
SALESPERSON_PREFIX = 'GD01'
SALESPERSON_CODES = {
    'chengang': 'GD0101',
    'zhangwei': 'GD0102',
    'wangfang': 'GD0103',
    'liuyang': 'GD0104',
    }
# (name, owner login or None for the pool 公海, stage, category)
CUSTOMERS = [
    ('广州市天河区星辰贸易有限公司', 'wangfang', 'potential', '重点客户'),
    ('佛山市南海区恒通五金制品厂', 'wangfang', 'follow_up', None),
    ('深圳市福田区华信电子有限公司', 'wangfang', 'existing', '重点客户'),
    ('东莞市长安镇鑫达模具有限公司', 'liuyang', 'potential', None),
    ('珠海市香洲区海韵酒店管理有限公司', 'liuyang', 'follow_up', '服务业'),
    ('中山市古镇灯饰城明亮照明有限公司', 'liuyang', 'existing', None),
    ('广州市越秀区博雅文化传播有限公司', 'zhangwei', 'potential', '服务业'),
    ('惠州市仲恺高新区创新科技有限公司', None, 'potential', None),
    ('江门市蓬江区顺发物流有限公司', None, 'potential', None),
    ]
# SYS-5 rights of each role on the CRM programs (admin has every right)
# SYS-5 rights of each role on the CRM programs (admin has every right)
CRM_RIGHTS = {
    'hopu_crm.group_crm_supervisor': {
        'CRM-2': ALL, 'CRM-3': ALL, 'CRM-4': ALL, 'CRM-4-E': ALL,
        'CRM-5': ALL, 'CRM-5-B': ALL,
        'CRM-32': ['read', 'print', 'export'],
        },
    'hopu_crm.group_crm_salesperson': {
        'CRM-2': WORK, 'CRM-4': ['read', 'write'],
        'CRM-4-E': ['read', 'create', 'write'], 'CRM-5': ['read'],
        'CRM-5-B': ['read', 'write'],
        'CRM-32': ['read'],
        },
    }


def load_organisation(config, companies, employees):
    """CRM-1…CRM-5: salesperson codes, rights of the demo logins on the CRM
    programs, a few customers each and two in the pool (公海)"""
    from proteus import Model
    Company = Model.get('company.company', config=config)
    Party = Model.get('party.party', config=config)
    Category = Model.get('party.category', config=config)

    head = Company(companies[HEAD_COMPANY].id)
    if head.salesperson_code_prefix != SALESPERSON_PREFIX:
        head.salesperson_code_prefix = SALESPERSON_PREFIX
        head.save()
    for login, employee in employees.items():
        code = SALESPERSON_CODES.get(login)
        if code and employee.salesperson_code != code:
            employee.salesperson_code = code
            employee.save()

    grant_role_rights(config, CRM_RIGHTS)

    names = []
    for name, owner, stage, category in CUSTOMERS:
        with config.set_context(active_test=False):
            found = Party.find([('name', '=', name)])
        if found:
            names.append(name)
            continue
        customer = Party(name=name, crm_stage=stage)
        if owner:
            customer.salesperson = employees[owner]
        if category:
            category, _ = get_or_create(
                Category, [('name', '=', category)], name=category)
            customer.categories.append(Category(category.id))
        customer.save()
        names.append(name)
    return names


# CRM-10 … CRM-19: the customers of each demo salesperson, at every stage
# (name, salesperson login, stage, follow-up stage, industry, region, phone,
#  contacts [(name, title, mobile, email, decision maker)],
#  reports [(days ago, contact index, visit type, purpose, content, feedback,
#            next plan)])
CRM_CUSTOMERS = [
    ('上海华新科技有限公司', 'wangfang', 'potential', None,
        "软件和信息技术服务业", "上海", '021-50801234',
        [("李明", "行政经理", '13916001234', 'liming@huaxin.example.cn',
                False)],
        [(9, 0, 'visit', 'first_contact', "陌拜后首次正式拜访,介绍皓普ERP-CRM",
                "对客户管理模块有兴趣", "约总经理面谈")]),
    ('杭州云帆贸易有限公司', 'wangfang', 'follow_up', 'stage_quotation',
        "批发和零售业", "杭州", '0571-88001234',
        [("赵云帆", "总经理", '13857101234', 'zhao@yunfan.example.cn', True),
            ("钱会计", "财务主管", '13857105678', None, False)],
        [(20, 0, 'visit', 'needs', "了解销售和库存管理需求",
          "希望统一管理业务员客户", "准备方案"),
            (6, 0, 'meeting', 'quotation', "来访讲解方案并报价",
                "价格需内部讨论", "一周后电话跟进")]),
    ('苏州恒达精密机械有限公司', 'wangfang', 'existing', None,
        "制造业", "苏州", '0512-66001234',
        [("孙恒达", "董事长", '13962101234', 'sun@hengda.example.cn', True),
            ("周工", "信息部经理", '13962105678', 'zhou@hengda.example.cn',
                False)],
        [(30, 1, 'visit', 'service', "系统上线培训", "操作人员掌握良好",
          "月底回访")]),
    ('广州南粤物流有限公司', 'liuyang', 'potential', None,
        "交通运输、仓储和邮政业", "广州", '020-38001234',
        [("陈南", "运营总监", '13802201234', 'chen@nanyue.example.cn', True)],
        [(5, 0, 'phone', 'first_contact', "电话介绍产品", "可以安排演示",
                "下周上门演示")]),
    ('深圳前海数据有限公司', 'liuyang', 'follow_up', 'stage_needs',
        "信息传输、软件和信息技术服务业", "深圳", '0755-86001234',
        [("林总", "总经理", '13925201234', 'lin@qianhai.example.cn', True)],
        [(12, 0, 'visit', 'needs', "调研客户管理流程", "关注数据安全",
          "提交安全方案")]),
    ('东莞华盛电子有限公司', 'liuyang', 'existing', None,
        "制造业", "东莞", '0769-22001234',
        [("黄经理", "采购经理", '13712201234', 'huang@huasheng.example.cn',
          True)],
        [(15, 0, 'visit', 'relationship', "季度回访", "对服务满意",
          "洽谈续约")]),
    ]

# CRM-10: a cold visit of each salesperson, not yet a potential customer
# (salesperson, company, address, person met, phone, content, result, next)
CRM_COLD_VISITS = [
    ('wangfang', '上海明远包装材料有限公司', '上海市闵行区莘庄工业区春东路18号',
        "吴主任", '021-64001234', "陌生拜访,介绍皓普ERP-CRM",
        "对方正在选型,留下资料", "一周后电话回访"),
    ('liuyang', '佛山顺德家电配件有限公司', '佛山市顺德区大良街道新城路6号',
        "郑经理", '0757-22001234', "陌生拜访,了解订单管理情况",
        "老板出差,经理有兴趣", "约老板回来后再访"),
    ]

CRM_PROGRAMS = ['CRM-10', 'CRM-11', 'CRM-12', 'CRM-13', 'CRM-13-calendar',
    'CRM-13-next', 'CRM-15', 'CRM-15-converted', 'CRM-16', 'CRM-17',
    'CRM-19']


def load_customers(config, employees):
    """CRM-10 … CRM-19: potential, follow-up and existing customers with
    contacts and daily reports for each demo salesperson, and the rights of
    the demo users on the CRM programs"""
    from proteus import Model
    Party = Model.get('party.party', config=config)
    Contact = Model.get('hopu.crm.contact', config=config)
    Report = Model.get('hopu.crm.daily_report', config=config)

    for login, *_ in USERS:
        for code in CRM_PROGRAMS:
            grant_rights(config, login, code, {
                    'read', 'create', 'write', 'print', 'export'})

    today = dt.date.today()
    skip_warning = config.skip_warning
    config.skip_warning = True
    try:
        customers = []
        for (name, login, stage, follow_up, industry, region, phone,
                contacts, reports) in CRM_CUSTOMERS:
            found = Party.find([('name', '=', name)])
            party = found[0] if found else Party(name=name)
            if party.crm_stage and party.crm_stage != stage:
                # Someone moved it on: leave it where it is
                customers.append(party)
                continue
            if not party.crm_stage:
                party.crm_stage = 'existing' if stage == 'existing' else (
                    'potential')
            party.salesperson = employees[login]
            party.crm_industry = industry
            party.crm_region = region
            party.crm_source = 'cold_visit'
            if not party.phone:
                party.phone = phone
            if follow_up:
                Stage = Model.get('hopu.crm.stage', config=config)
                party.crm_follow_up_stage = Stage(
                    ref(config, f'hopu_crm.{follow_up}'))
            party.save()
            records = []
            for c_name, title, mobile, email, decision_maker in contacts:
                contact, _ = get_or_create(
                    Contact, [
                        ('customer', '=', party.id), ('name', '=', c_name)],
                    customer=party, name=c_name, title=title, mobile=mobile,
                    email=email, decision_maker=decision_maker)
                records.append(contact)
            for (days, index, visit_type, purpose, content, feedback,
                    plan) in reports:
                get_or_create(
                    Report, [
                        ('customer', '=', party.id),
                        ('content', '=', content)],
                    kind='customer', customer=party,
                    contact=records[index], salesperson=employees[login],
                    date=today - dt.timedelta(days=days),
                    visit_type=visit_type, purpose=purpose, content=content,
                    feedback=feedback, next_plan=plan,
                    next_date=today + dt.timedelta(days=7))
            customers.append(party)
        for (login, company, address, person, phone, content, result,
                step) in CRM_COLD_VISITS:
            get_or_create(
                Report, [
                    ('kind', '=', 'cold_visit'),
                    ('visited_company', '=', company)],
                kind='cold_visit', salesperson=employees[login],
                date=today - dt.timedelta(days=1), visited_company=company,
                address=address, person_met=person, person_phone=phone,
                content=content, result=result, next_step=step)
    finally:
        config.skip_warning = skip_warning
    return customers


# CRM-32: what the demo's business alerts are about: a visit planned for
# yesterday and not made, (customer, salesperson login, days ago, content,
# next plan); a protection period lapsing in two days (customer)
ALERT_OVERDUE_VISITS = [
    ('东莞华盛电子有限公司', 'liuyang', 4, "电话确认续约意向",
        "昨天上门洽谈续约"),
    ]
ALERT_PROTECTION_LAPSING = ['上海华新科技有限公司']


def load_alerts(config, employees):
    """CRM-32 业务警示: an overdue next visit, a protection period about to
    lapse (and, with hopu_contract, the contract about to expire loaded
    with the contracts), then the scheduled task run once, so that the
    demo users find alerts and notifications when they log in. Return the
    kinds of the alerts."""
    from proteus import Model
    Party = Model.get('party.party', config=config)
    Report = Model.get('hopu.crm.daily_report', config=config)
    Cron = Model.get('ir.cron', config=config)
    Alert = Model.get('hopu.crm.alert', config=config)
    today = dt.date.today()
    for name, login, days, content, plan in ALERT_OVERDUE_VISITS:
        customer, = Party.find([('name', '=', name)])
        if customer.salesperson != employees[login]:
            continue
        get_or_create(
            Report, [
                ('customer', '=', customer.id), ('content', '=', content)],
            kind='customer', customer=customer,
            salesperson=employees[login],
            date=today - dt.timedelta(days=days),
            visit_type='phone', purpose='relationship', content=content,
            next_plan=plan, next_date=today - dt.timedelta(days=1))
    for name in ALERT_PROTECTION_LAPSING:
        customer, = Party.find([('name', '=', name)])
        end = today + dt.timedelta(days=2)
        if (customer.crm_stage == 'potential' and customer.salesperson
                and customer.protection_end != end):
            Party.write([customer.id], {'protection_end': end},
                config.context)
    cron, = Cron.find([('method', '=', 'hopu.crm.alert|run_alerts')])
    cron.click('run_once')
    return sorted(a.kind for a in Alert.find([]))


# CRM-10 … CRM-19: the customers of each demo salesperson, at every stage
