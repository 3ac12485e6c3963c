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
    # (name, parent)
    ('皓普科技上海分公司', HEAD_COMPANY),
    ('皓普科技广州分公司', HEAD_COMPANY),
    ('总部财务部', HEAD_COMPANY),
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


# ir.model.data is not searchable over RPC: the groups by their source name
_GROUP_NAMES = {
    'hopu_crm.group_crm_admin': "CRM Administrator",
    'hopu_crm.group_crm_supervisor': "Sales Supervisor",
    'hopu_crm.group_crm_salesperson': "Salesperson",
    }


def _ref(config, xml_id):
    from proteus import Model
    Group = Model.get('res.group', config=config)
    with config.set_context(language='en'):
        group, = Group.find([('name', '=', _GROUP_NAMES[xml_id])])
    return Group(group.id)


def load_companies(config):
    "SYS-1: the head company, two branches and a head-office department"
    from proteus import Model
    Currency = Model.get('currency.currency', config=config)
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)

    cny, _ = _get_or_create(
        Currency, [('code', '=', 'CNY')],
        name="人民币", code='CNY', symbol='¥', rounding=Decimal('0.01'), digits=2)

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
    return companies


def load_users(config, companies):
    "CRM-1/CRM-2: the sales organisation and the demo logins"
    from proteus import Model
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    Lang = Model.get('ir.lang', config=config)

    head = companies[HEAD_COMPANY]
    zh_cn, = Lang.find([('code', '=', 'zh_CN')])

    admin, = User.find([('login', '=', 'admin')])
    # The name of admin is base configuration (ir.model.data): kept
    admin.language = zh_cn
    if head not in admin.companies:
        admin.companies.extend(
            c for c in companies.values() if c not in admin.companies)
    admin.company = head
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
        Company = Model.get('company.company', config=config)
        user.companies.append(Company(head.id))
        user.company = Company(head.id)
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.groups.append(_ref(config, group))
        user.password = DEMO_PASSWORD
        user.save()
    return employees


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
        },
    'hopu_crm.group_crm_salesperson': {
        'CRM-2': _WORK, 'CRM-4': ['read', 'write'],
        'CRM-4-E': ['read', 'create', 'write'], 'CRM-5': ['read'],
        'CRM-5-B': ['read', 'write'],
        },
    }


def load_crm_organisation(config, companies, employees):
    """CRM-1…CRM-5: salesperson codes, rights of the demo logins on the CRM
    programs, a few customers each and two in the pool (公海)"""
    from proteus import Model
    Company = Model.get('company.company', config=config)
    Party = Model.get('party.party', config=config)
    Category = Model.get('party.category', config=config)
    User = Model.get('res.user', config=config)
    Program = Model.get('hopu.program', config=config)
    UserRight = Model.get('hopu.user.right', config=config)

    head = Company(companies[HEAD_COMPANY].id)
    if head.salesperson_code_prefix != SALESPERSON_PREFIX:
        head.salesperson_code_prefix = SALESPERSON_PREFIX
        head.save()
    for login, employee in employees.items():
        code = SALESPERSON_CODES.get(login)
        if code and employee.salesperson_code != code:
            employee.salesperson_code = code
            employee.save()

    programs = {p.code: p for p in Program.find([('code', 'like', 'CRM-%')])}
    for login, _, group, _ in USERS:
        user, = User.find([('login', '=', login)])
        for code, rights in CRM_RIGHTS.get(group, {}).items():
            if code not in programs:
                continue
            right, _ = _get_or_create(
                UserRight, [
                    ('user', '=', user.id),
                    ('program', '=', programs[code].id)],
                user=user, program=programs[code])
            wanted = {f'perm_{r}': r in rights for r in _ALL}
            if any(getattr(right, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(right, key, value)
                right.save()

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
    from proteus import config as pconfig
    config = config or pconfig.get_config()
    activated = _activated(config)
    summary = {}
    if 'hopu_sysadmin' in activated:
        companies = load_companies(config)
        summary['companies'] = sorted(companies)
    if 'hopu_crm' in activated:
        employees = load_users(config, companies)
        summary['employees'] = sorted(employees)
        summary['customers'] = load_crm_organisation(
            config, companies, employees)
    summary['date'] = dt.date.today().isoformat()
    return summary
