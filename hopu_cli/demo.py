"""Chinese demo data: what makes the product alive on first login.

Idempotent: every record is looked up by its natural key first, so loading
twice leaves one set of demo data. The tests load it too (tests/test_demo.py).
Each section belongs to the module that brings the models it fills; a
section runs only when its module is activated."""
import datetime as dt
from decimal import Decimal

# The demo logins, also listed in the README.
DEMO_PASSWORD = 'Hopu@2026'
ADMIN_PASSWORD = 'admin'

HEAD_COMPANY = '皓普科技集团有限公司'
COMPANIES = [
    # (name, parent): the legal companies, each with its books
    ('皓普科技上海分公司', HEAD_COMPANY),
    ('皓普科技广州分公司', HEAD_COMPANY),
    ]
DEPARTMENTS = [
    # (full name, company, code, short name, phone, fax): the head office's
    # departments book in the head company's books
    ('总部财务部', HEAD_COMPANY, 'CW01', '财务部', '010-88886668', None),
    ]

# (login, name, role group xml id, supervisor login)
USERS = [
    ('chengang', '陈刚', 'hopu_crm.group_crm_supervisor', None),
    ('zhangwei', '张伟', 'hopu_crm.group_crm_supervisor', 'chengang'),
    ('wangfang', '王芳', 'hopu_crm.group_crm_salesperson', 'zhangwei'),
    ('liuyang', '刘洋', 'hopu_crm.group_crm_salesperson', 'zhangwei'),
    ]


def _get_or_create(Model, domain, **values):
    records = Model.find(domain)
    if records:
        return records[0], False
    record = Model(**values)
    record.save()
    return record, True


def _activated(config):
    from proteus import Model
    Module = Model.get('ir.module', config=config)
    return {m.name for m in Module.find([('state', '=', 'activated')])}


def _ref(config, xml_id):
    from proteus import Model
    ModelData = Model.get('ir.model.data', config=config)
    return ModelData.get_id(*xml_id.split('.'), config.context)


def grant_rights(config, login, code, rights):
    "SYS-5: set the rights of a demo login on a program (when it exists)"
    from proteus import Model
    User = Model.get('res.user', config=config)
    Program = Model.get('hopu.program', config=config)
    UserRight = Model.get('hopu.user.right', config=config)
    programs = Program.find([('code', '=', code)])
    if not programs:
        return
    user, = User.find([('login', '=', login)])
    right, _ = _get_or_create(
        UserRight, [('user', '=', user.id), ('program', '=', programs[0].id)],
        user=user, program=programs[0])
    wanted = {f'perm_{r}': r in rights for r in _ALL}
    if any(getattr(right, k) != v for k, v in wanted.items()):
        for key, value in wanted.items():
            setattr(right, key, value)
        right.save()


def load_companies(config):
    """SYS-1: the head company, two branches and a head-office department
    (a department of the head company, not a company: its costs go to the
    head company's books). Return the companies by name."""
    from proteus import Model
    Currency = Model.get('currency.currency', config=config)
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)
    Department = Model.get('company.department', config=config)

    cny, _ = _get_or_create(
        Currency, [('code', '=', 'CNY')],
        name="人民币", code='CNY', symbol='¥', rounding=Decimal('0.01'),
        digits=2)

    companies = {}
    for name, parent in [(HEAD_COMPANY, None)] + COMPANIES:
        found = Company.find([('party.name', '=', name)])
        if found:
            companies[name] = found[0]
            continue
        party, _ = _get_or_create(Party, [('name', '=', name)], name=name)
        company = Company(party=party, currency=cny, timezone='Asia/Shanghai')
        if parent:
            company.parent = companies[parent]
        company.save()
        companies[name] = company

    for name, company, code, short_name, phone, fax in DEPARTMENTS:
        with config.set_context(active_test=False):
            if Department.find([('name', '=', name)]):
                continue
        Department(
            company=Company(companies[company].id), name=name,
            code=code, short_name=short_name, phone=phone, fax=fax).save()
    return companies


def rename_admin(config):
    """README's demo logins: the administrator is 后台管理员. The record
    comes from res/user.xml, which only root may change, and an update of
    res keeps the name changed in the database. The demo's administrator
    has always been 后台管理员: written in the table, the rename leaves no
    line in 使用者帐号修改记录."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(config.database_name, 0) as transaction:
        User = Pool(config.database_name).get('res.user')
        table = User.__table__()
        transaction.connection.cursor().execute(*table.update(
                [table.name], ['后台管理员'], where=table.login == 'admin'))


def load_users(config, companies):
    "CRM-1/CRM-2: the sales organisation and the demo logins"
    from proteus import Model
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    Lang = Model.get('ir.lang', config=config)
    Group = Model.get('res.group', config=config)
    Company = Model.get('company.company', config=config)

    head = companies[HEAD_COMPANY]
    zh_cn, = Lang.find([('code', '=', 'zh_CN')])

    rename_admin(config)
    admin, = User.find([('login', '=', 'admin')])
    admin.language = zh_cn
    for company in companies.values():
        if company not in admin.companies:
            admin.companies.append(Company(company.id))
    admin.company = Company(head.id)
    admin.save()

    employees = {}
    for login, name, group, supervisor in USERS:
        found = Employee.find([
                ('party.name', '=', name), ('company', '=', head.id)])
        if found:
            employee = found[0]
        else:
            party, _ = _get_or_create(Party, [('name', '=', name)], name=name)
            employee = Employee(party=party, company=head)
        if supervisor:
            employee.supervisor = employees[supervisor]
        employee.save()
        employees[login] = employee

        found = User.find([('login', '=', login)])
        if found:
            continue
        user = User(login=login, name=name, language=zh_cn)
        user.companies.append(Company(head.id))
        user.company = Company(head.id)
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.groups.append(Group(_ref(config, group)))
        user.password = DEMO_PASSWORD
        user.save()
    return employees


def skip_config_wizard(config):
    "The demo is configured: the module configuration wizard stays closed"
    from proteus import Model
    Item = Model.get('ir.module.config_wizard.item', config=config)
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)


SYSADMIN_COMPANIES = [
    # (full name, code, short name, phone, fax)
    (HEAD_COMPANY, 'HP00', '皓普集团', '010-88886666', '010-88886667'),
    ('皓普科技上海分公司', 'SH01', '上海分公司', '021-66668888', '021-66668889'),
    ('皓普科技广州分公司', 'GZ01', '广州分公司', '020-38886666', '020-38886667'),
    ]


def load_sysadmin(config, companies):
    """SYS-1/SYS-2: codes, short names, phone and fax of the demo companies;
    the head company's account set (registered, not created); the demo
    logins keep their documented password (no forced change)"""
    from proteus import Model
    Company = Model.get('company.company', config=config)
    AccountSet = Model.get('hopu.account_set', config=config)
    User = Model.get('res.user', config=config)

    for name, code, short_name, phone, fax in SYSADMIN_COMPANIES:
        company = companies.get(name)
        if not company:
            continue
        company = Company(company.id)
        if company.code != code and not Company.find(
                [('code', '=', code), ('id', '!=', company.id)]):
            company.code = code
        company.short_name = company.short_name or short_name
        company.phone = company.phone or phone
        company.fax = company.fax or fax
        company.save()

    head = companies[HEAD_COMPANY]
    admin, = User.find([('login', '=', 'admin')])
    if head.id not in [c.id for c in admin.companies]:
        admin.companies.append(Company(head.id))
    if not admin.company:
        admin.company = Company(head.id)
    admin.save()
    if not AccountSet.find([('database', '=', 'hopu_hp00')]):
        account_set = AccountSet(
            company=Company(head.id), server='localhost',
            database='hopu_hp00')
        account_set.save()

    users = User.find([
            ('login', 'in', [u[0] for u in USERS]),
            ('hopu_password_change', '=', True)])
    if users:
        User._proxy.write(
            [u.id for u in users], {'hopu_password_change': False},
            config.context)
    return [c[1] for c in SYSADMIN_COMPANIES if c[0] in companies]


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
_ALL = ['read', 'create', 'write', 'delete', 'print', 'export', 'approve']
_WORK = ['read', 'create', 'write', 'delete', 'print', 'export']
CRM_RIGHTS = {
    'hopu_crm.group_crm_supervisor': {
        'CRM-2': _ALL, 'CRM-3': _ALL, 'CRM-4': _ALL, 'CRM-4-E': _ALL,
        'CRM-5': _ALL, 'CRM-5-B': _ALL,
        'CRM-32': ['read', 'print', 'export'],
        },
    'hopu_crm.group_crm_salesperson': {
        'CRM-2': _WORK, 'CRM-4': ['read', 'write'],
        'CRM-4-E': ['read', 'create', 'write'], 'CRM-5': ['read'],
        'CRM-5-B': ['read', 'write'],
        'CRM-32': ['read'],
        },
    }


def load_crm_organisation(config, companies, employees):
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

    for login, _, group, _ in USERS:
        for code, rights in CRM_RIGHTS.get(group, {}).items():
            grant_rights(config, login, code, rights)

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
            category, _ = _get_or_create(
                Category, [('name', '=', category)], name=category)
            customer.categories.append(Category(category.id))
        customer.save()
        names.append(name)
    return names


def load(config=None):
    """Load the demo data into the database proteus is connected to.
    Return a summary of what exists afterwards."""
    from proteus import Model
    from proteus import config as pconfig
    config = config or pconfig.get_config()
    activated = _activated(config)
    summary = {}
    skip_config_wizard(config)
    if 'hopu_sysadmin' in activated:
        companies = load_companies(config)
        summary['companies'] = sorted(companies)
    if 'hopu_crm' in activated:
        employees = load_users(config, companies)
        summary['employees'] = sorted(employees)
        # The administrator now works for the head company
        User = Model.get('res.user', config=config)
        config._context = User.get_preferences(True, {})
        summary['customers'] = load_crm_organisation(
            config, companies, employees)
        customers = load_crm_customers(config, employees)
        summary['crm_customers'] = len(customers)
    if 'hopu_sysadmin' in activated:
        summary['company_codes'] = load_sysadmin(config, companies)
    if 'hopu_contract' in activated:
        contracts = load_contracts(config, employees)
        summary['contracts'] = sorted(c.number for c in contracts)
    if 'hopu_crm_opportunity' in activated:
        opportunities = load_opportunities(config, employees)
        summary['opportunities'] = len(opportunities)
    if 'hopu_crm' in activated:
        summary['alerts'] = load_crm_alerts(config, employees)
    if 'hopu_crm_mailing' in activated:
        summary['mailings'] = load_mailings(config, employees)
    return summary


# CRM-32: what the demo's business alerts are about: a visit planned for
# yesterday and not made, (customer, salesperson login, days ago, content,
# next plan); a protection period lapsing in two days (customer)
ALERT_OVERDUE_VISITS = [
    ('东莞华盛电子有限公司', 'liuyang', 4, "电话确认续约意向",
        "昨天上门洽谈续约"),
    ]
ALERT_PROTECTION_LAPSING = ['上海华新科技有限公司']


def load_crm_alerts(config, employees):
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
        _get_or_create(
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


def load_crm_customers(config, employees):
    """CRM-10 … CRM-19: potential, follow-up and existing customers with
    contacts and daily reports for each demo salesperson, and the rights of
    the demo users on the CRM programs"""
    from proteus import Model
    Party = Model.get('party.party', config=config)
    Contact = Model.get('hopu.crm.contact', config=config)
    Report = Model.get('hopu.crm.daily_report', config=config)

    for login, _, _, _ in USERS:
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
                    _ref(config, f'hopu_crm.{follow_up}'))
            party.save()
            records = []
            for c_name, title, mobile, email, decision_maker in contacts:
                contact, _ = _get_or_create(
                    Contact, [
                        ('customer', '=', party.id), ('name', '=', c_name)],
                    customer=party, name=c_name, title=title, mobile=mobile,
                    email=email, decision_maker=decision_maker)
                records.append(contact)
            for (days, index, visit_type, purpose, content, feedback,
                    plan) in reports:
                _get_or_create(
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
            _get_or_create(
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


# (customer, salesperson login, type, amount, state wanted)
CONTRACTS = [
    ('上海明远贸易有限公司', 'wangfang', 'service', '120000', 'approved'),
    ('上海明远贸易有限公司', 'wangfang', 'service', '36000', 'submitted'),
    ('广州华南机电有限公司', 'liuyang', 'product', '60000', 'approved'),
    ('广州华南机电有限公司', 'liuyang', 'service', '18000', 'draft'),
    # CRM-32/CON-7: ends in 20 days, alerted as 合同即将到期
    ('苏州恒达精密机械有限公司', 'wangfang', 'service', '24000', 'approved',
        20),
    ]


# SYS-5 rights of the demo roles on the contract programs
CONTRACT_RIGHTS = {
    'hopu_crm.group_crm_salesperson': {
        code: {'read', 'create', 'write', 'print', 'export'}
        for code in ['CON-1', 'CON-2', 'CON-3', 'CON-5', 'CON-6', 'CON-7']},
    }
CONTRACT_RIGHTS['hopu_crm.group_crm_salesperson']['CON-4'] = {'read'}
CONTRACT_RIGHTS['hopu_crm.group_crm_supervisor'] = {
    **CONTRACT_RIGHTS['hopu_crm.group_crm_salesperson'],
    'CON-4': {'read', 'write', 'print', 'export', 'approve'},
    }


def load_contracts(config, employees):
    """CON-1..8: approval rules, the rights of the demo roles, an existing
    customer for each demo salesperson and a few contracts in different
    states"""
    from decimal import Decimal

    from proteus import Model
    for login, _, group, _ in USERS:
        for code, rights in CONTRACT_RIGHTS.get(group, {}).items():
            grant_rights(config, login, code, rights)
    Party = Model.get('party.party', config=config)
    Contract = Model.get('hopu.contract', config=config)
    Rule = Model.get('hopu.approval.rule', config=config)
    Approval = Model.get('hopu.approval', config=config)
    User = Model.get('res.user', config=config)

    rules = [
        ("小额合同", 'hopu.contract', None, Decimal('100000'), 1),
        ("大额合同", 'hopu.contract', Decimal('100000'), None, 2),
        ("合同变更单", 'hopu.contract.change', None, None, 1),
        ("合同终止单", 'hopu.contract.termination', None, None, 1),
        ]
    for name, document, min_amount, max_amount, level in rules:
        if Rule.find([('name', '=', name)]):
            continue
        rule = Rule(name=name, document=document, min_amount=min_amount,
            max_amount=max_amount)
        rule.steps.new(name="上级主管审批", approver_type='supervisor',
            level=level)
        rule.save()

    users = {u.login: u for u in User.find([
                ('login', 'in', [login for login, *_ in USERS])])}
    today = dt.date.today()
    for name, login, type_, amount, state, *expiring in CONTRACTS:
        employee = employees[login]
        customer, _ = _get_or_create(
            Party, [('name', '=', name)], name=name)
        if customer.crm_stage != 'existing' or not customer.salesperson:
            customer.crm_stage = 'existing'
            customer.salesperson = employee
            customer.save()
        if Contract.find([
                    ('party', '=', customer.id), ('type', '=', type_),
                    ('amount', '=', Decimal(amount))]):
            continue
        contract = Contract(type=type_, party=customer,
            salesperson=employee, signing_date=dt.date(2026, 3, 1),
            start_date=dt.date(2026, 4, 1), end_date=dt.date(2027, 3, 31),
            amount=Decimal(amount), payment_terms="签约后30日内付款")
        if expiring:
            # A year that ends in so many days
            contract.end_date = today + dt.timedelta(days=expiring[0])
            contract.start_date = contract.end_date - dt.timedelta(days=364)
            contract.signing_date = contract.start_date
        if type_ == 'product':
            contract.delivery_terms = "签约后30日内送货"
        if type_ == 'product':
            product = _demo_product(config)
            contract.lines.new(product=product, description=product.name,
                quantity=2, unit=product.default_uom,
                unit_price=Decimal(amount) / 2)
            contract.create_sale = True
        else:
            contract.lines.new(description="年度运维服务", quantity=1,
                unit_price=Decimal(amount))
        contract.commissions.new(salesperson=employee, share_type='percent',
            share_percent=Decimal('100'), rate=Decimal('5'))
        contract.save()
        if state == 'draft':
            continue
        contract.click('submit')
        if state == 'approved':
            # the supervisors approve, each as their own user
            for _ in range(3):
                steps = Approval.find([
                        ('contract', '=', contract.id),
                        ('state', '=', 'pending')])
                if not steps:
                    break
                step, = steps
                approver = [u for u in users.values()
                    if step.approver_employee and u.employee
                    and u.employee.id == step.approver_employee.id]
                if not approver:
                    break
                _approve_as(config, approver[0], step.id)
    return Contract.find([])


def _demo_product(config):
    from decimal import Decimal

    from proteus import Model
    Product = Model.get('product.product', config=config)
    Template = Model.get('product.template', config=config)
    Uom = Model.get('product.uom', config=config)
    products = Product.find([('name', '=', "皓普服务器 H100")])
    if products:
        return products[0]
    unit, = Uom.find([('symbol', '=', 'u')], limit=1)
    template = Template(name="皓普服务器 H100", type='goods',
        default_uom=unit, salable=True, list_price=Decimal('30000'))
    template.save()
    return template.products[0]


def _approve_as(config, user, step_id):
    "Approve a step as the approver (proteus trytond config only)"
    from proteus import Model
    saved = config.user, config._context
    try:
        config.user = user.id
        User = Model.get('res.user', config=config)
        config._context = User.get_preferences(True, {})
        Approval = Model.get('hopu.approval', config=config)
        step = Approval(step_id)
        step.comment = "同意"
        step.click('approve')
    finally:
        config.user, config._context = saved


# CRM-30: opportunities of the demo salespeople at several stages
# (description, customer, stage xml id, amount, days since start,
#  days to expected close, result: None (open), 'won' or 'lost',
#  close reason xml id, follow-ups [(days ago, content, next in days)])
OPPORTUNITIES = [
    ("华新 ERP-CRM 一期", '上海华新科技有限公司', 'stage_contact', '80000',
        20, 60, None, None,
        [(10, "首次电话沟通,客户关注移动端", 7)]),
    ("云帆进销存升级", '杭州云帆贸易有限公司', 'stage_quotation', '150000',
        40, 30, None, None,
        [(25, "需求调研完成", None), (5, "提交方案和报价", 10)]),
    ("恒达年度维护合同", '苏州恒达精密机械有限公司', 'stage_negotiation',
        '36000', 60, 15, None, None,
        [(3, "商务谈判,客户要求九折", 5)]),
    ("恒达生产模块扩容", '苏州恒达精密机械有限公司', 'stage_signing', '120000',
        90, 0, 'won', 'reason_contract', []),
    ("南粤物流调度系统", '广州南粤物流有限公司', 'stage_needs', '200000',
        30, 90, None, None,
        [(12, "确认调度和对账需求", 14)]),
    ("前海数据报表平台", '深圳前海数据有限公司', 'stage_quotation', '95000',
        50, 20, None, None, []),
    ("华盛电子 MES 对接", '东莞华盛电子有限公司', 'stage_needs', '60000',
        70, 0, 'lost', 'reason_competitor', []),
    ("华盛电子续费", '东莞华盛电子有限公司', 'stage_signing', '24000',
        35, 0, 'won', 'reason_order', []),
    ]
OPPORTUNITY_RIGHTS = {
    'hopu_crm.group_crm_supervisor': {
        'CRM-30': _ALL, 'CRM-30-stage': ['read'], 'CRM-30-reason': ['read'],
        'CRM-31': _WORK, 'CRM-31-statistics': _WORK,
        'CRM-31-activity': _WORK,
        },
    'hopu_crm.group_crm_salesperson': {
        'CRM-30': _WORK, 'CRM-30-stage': ['read'], 'CRM-30-reason': ['read'],
        'CRM-31': ['read', 'print', 'export'],
        'CRM-31-statistics': ['read', 'print', 'export'],
        'CRM-31-activity': ['read', 'print', 'export'],
        },
    }


def load_opportunities(config, employees):
    """CRM-30/31: opportunities of the demo salespeople in several stages,
    with follow-ups, some won or lost, and the rights of the demo roles"""
    from decimal import Decimal

    from proteus import Model, Wizard
    for login, _, group, _ in USERS:
        for code, rights in OPPORTUNITY_RIGHTS.get(group, {}).items():
            grant_rights(config, login, code, rights)
    Party = Model.get('party.party', config=config)
    Opportunity = Model.get('sale.opportunity', config=config)
    Stage = Model.get('hopu.crm.opportunity.stage', config=config)
    Reason = Model.get('hopu.crm.opportunity.reason', config=config)
    FollowUp = Model.get('hopu.crm.opportunity.follow_up', config=config)
    today = dt.date.today()
    opportunities = []
    for (description, customer, stage, amount, start, close, result,
            reason, follow_ups) in OPPORTUNITIES:
        found = Opportunity.find([('description', '=', description)])
        if found:
            opportunities.append(found[0])
            continue
        parties = Party.find([('name', '=', customer)])
        if not parties or not parties[0].salesperson:
            continue
        party, = parties
        stage = Stage(_ref(config, f'hopu_crm_opportunity.{stage}'))
        opportunity = Opportunity(
            description=description, party=party,
            employee=party.salesperson, stage=stage,
            conversion_probability=stage.probability,
            amount=Decimal(amount),
            start_date=today - dt.timedelta(days=start),
            expected_close_date=today + dt.timedelta(days=close))
        opportunity.save()
        opportunity.click('opportunity')
        for days, content, next_days in follow_ups:
            FollowUp(
                opportunity=opportunity, salesperson=party.salesperson,
                date=today - dt.timedelta(days=days), content=content,
                next_date=(today - dt.timedelta(days=days)
                    + dt.timedelta(days=next_days)) if next_days else None,
                ).save()
        if result:
            close = Wizard(
                'hopu.crm.opportunity.close', [opportunity], config=config)
            close.form.result = result
            close.form.reason = Reason(
                _ref(config, f'hopu_crm_opportunity.{reason}'))
            close.execute('close')
        opportunities.append(opportunity)
    return opportunities


# CRM-33 邮件群发: a draft mailing of 王芳 to the contacts of her customers
MAILING_RIGHTS = {
    'hopu_crm.group_crm_supervisor': {'CRM-33': _ALL, 'CRM-33-optout': _ALL},
    'hopu_crm.group_crm_salesperson': {
        'CRM-33': _WORK, 'CRM-33-optout': ['read']},
    }
MAILING_NAME = "2026年冬季新品推介"
MAILING_SUBJECT = "${客户}:皓普ERP-CRM 冬季新版发布"
MAILING_BODY = (
    "${联系人}您好:\n\n"
    "感谢${客户}一直以来对皓普的支持。皓普ERP-CRM 冬季新版已经发布,"
    "新增销售机会、业务报表和邮件群发等功能。\n"
    "如需演示,请直接回复本邮件或致电您的业务员。\n\n"
    "此致\n敬礼\n${业务员}\n${公司}")


def load_mailings(config, employees):
    """CRM-33: the rights of the demo roles on 「邮件群发」 and a draft
    mailing of 王芳 to the contacts of her customers, ready to send"""
    from proteus import Model
    for login, _, group, _ in USERS:
        for code, rights in MAILING_RIGHTS.get(group, {}).items():
            grant_rights(config, login, code, rights)
    Mailing = Model.get('hopu.crm.mailing', config=config)
    Contact = Model.get('hopu.crm.contact', config=config)
    mailings = Mailing.find([('name', '=', MAILING_NAME)])
    if mailings:
        return [m.name for m in mailings]
    employee = employees['wangfang']
    mailing = Mailing(
        name=MAILING_NAME, subject=MAILING_SUBJECT, body=MAILING_BODY,
        salesperson=employee)
    for contact in Contact.find([
                ('customer.salesperson', '=', employee.id),
                ('email', '!=', None),
                ], order=[('customer', 'ASC'), ('id', 'ASC')]):
        recipient = mailing.recipients.new()
        recipient.customer = contact.customer
        recipient.contact = contact
        recipient.email = contact.email
    mailing.save()
    return [mailing.name]
