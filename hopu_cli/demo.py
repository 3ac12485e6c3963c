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


def _ref(config, xml_id):
    from proteus import Model
    module, fs_id = xml_id.split('.')
    ModelData = Model.get('ir.model.data', config=config)
    data, = ModelData.find([('module', '=', module), ('fs_id', '=', fs_id)])
    return Model.get(data.model, config=config)(data.db_id)


def load_companies(config):
    "SYS-1: the head company, two branches and a head-office department"
    from proteus import Model
    Currency = Model.get('currency.currency', config=config)
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)

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
    admin.name = "系统管理员"
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
        user.companies.append(head)
        user.company = head
        user.employees.append(employee)
        user.employee = employee
        user.groups.append(_ref(config, group))
        user.password = DEMO_PASSWORD
        user.save()
    return employees


SYSADMIN_COMPANIES = [
    # (full name, code, short name, phone, fax)
    (HEAD_COMPANY, 'HP00', '皓普集团', '010-88886666', '010-88886667'),
    ('皓普科技上海分公司', 'SH01', '上海分公司', '021-66668888', '021-66668889'),
    ('皓普科技广州分公司', 'GZ01', '广州分公司', '020-38886666', '020-38886667'),
    ('总部财务部', 'CW01', '财务部', '010-88886668', None),
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
    if 'hopu_sysadmin' in activated:
        summary['company_codes'] = load_sysadmin(config, companies)
    summary['date'] = dt.date.today().isoformat()
    return summary
