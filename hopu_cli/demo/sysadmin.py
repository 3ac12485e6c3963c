"""hopu_sysadmin's demo data (SYS-1, SYS-2, SYS-5): the companies and the
head-office department, the administrator and the demo logins with their
employees, the head company's account set; and the rights of a role on the
programs, which the other modules' loaders grant with grant_role_rights."""
from decimal import Decimal

from .tools import get_or_create, ref

# The demo logins, also listed in the README.
DEMO_PASSWORD = 'Hopu@2026'
ADMIN_PASSWORD = 'admin'

HEAD_COMPANY = '皓普科技集团有限公司'
COMPANIES = [
    # (name, parent): the legal companies, each with its books
    ('皓普科技上海分公司', HEAD_COMPANY),
    ('皓普科技广州分公司', HEAD_COMPANY),
    ]
SYSADMIN_COMPANIES = [
    # (full name, code, short name, phone, fax)
    (HEAD_COMPANY, 'HP00', '皓普集团', '010-88886666', '010-88886667'),
    ('皓普科技上海分公司', 'SH01', '上海分公司', '021-66668888', '021-66668889'),
    ('皓普科技广州分公司', 'GZ01', '广州分公司', '020-38886666', '020-38886667'),
    ]
DEPARTMENTS = [
    # (full name, company, code, short name, phone, fax): the head office's
    # departments book in the head company's books
    ('总部财务部', HEAD_COMPANY, 'CW01', '财务部', '010-88886668', None),
    ]

# (login, name, role group xml id, supervisor login); the role is given
# when its module is activated
USERS = [
    ('chengang', '陈刚', 'hopu_crm.group_crm_supervisor', None),
    ('zhangwei', '张伟', 'hopu_crm.group_crm_supervisor', 'chengang'),
    ('wangfang', '王芳', 'hopu_crm.group_crm_salesperson', 'zhangwei'),
    ('liuyang', '刘洋', 'hopu_crm.group_crm_salesperson', 'zhangwei'),
    ]

# SYS-5: the rights of a program (the administrator has every right)
ALL = ['read', 'create', 'write', 'delete', 'print', 'export', 'approve']
WORK = ['read', 'create', 'write', 'delete', 'print', 'export']


def setup(config, activated, data):
    """Load the companies, the users and the account set; put the companies
    (by name) and the employees (by login) in data for the other loaders"""
    from proteus import Model
    companies = data['companies'] = load_companies(config)
    codes = load_company_details(config, companies)
    employees = data['employees'] = load_users(config, activated, companies)
    # The administrator now works for the head company
    User = Model.get('res.user', config=config)
    config._context = User.get_preferences(True, {})
    load_account_set(config, companies)
    return {
        'companies': sorted(companies),
        'company_codes': codes,
        'employees': sorted(employees),
        }


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
    right, _ = get_or_create(
        UserRight, [('user', '=', user.id), ('program', '=', programs[0].id)],
        user=user, program=programs[0])
    wanted = {f'perm_{r}': r in rights for r in ALL}
    if any(getattr(right, k) != v for k, v in wanted.items()):
        for key, value in wanted.items():
            setattr(right, key, value)
        right.save()


def grant_role_rights(config, rights_of_role):
    """SYS-5: set the rights of each demo login on the programs, from
    {role group xml id: {program code: rights}}"""
    for login, _, group, _ in USERS:
        for code, rights in rights_of_role.get(group, {}).items():
            grant_rights(config, login, code, rights)


def load_companies(config):
    """SYS-1: the head company, two branches and a head-office department
    (a department of the head company, not a company: its costs go to the
    head company's books). Return the companies by name."""
    from proteus import Model
    Currency = Model.get('currency.currency', config=config)
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)
    Department = Model.get('company.department', config=config)

    cny, _ = get_or_create(
        Currency, [('code', '=', 'CNY')],
        name="人民币", code='CNY', symbol='¥', rounding=Decimal('0.01'),
        digits=2)

    companies = {}
    for name, parent in [(HEAD_COMPANY, None)] + COMPANIES:
        found = Company.find([('party.name', '=', name)])
        if found:
            companies[name] = found[0]
            continue
        party, _ = get_or_create(Party, [('name', '=', name)], name=name)
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


def load_company_details(config, companies):
    """SYS-1: codes, short names, phone and fax of the demo companies.
    Return the codes."""
    from proteus import Model
    Company = Model.get('company.company', config=config)
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
    return [c[1] for c in SYSADMIN_COMPANIES if c[0] in companies]


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


def load_users(config, activated, companies):
    """CRM-1/CRM-2/SYS-3: the administrator in Chinese for every company,
    the sales organisation (employees and their supervisors) and the demo
    logins with their role; they keep their documented password (no forced
    change). Return the employees by login."""
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
            party, _ = get_or_create(Party, [('name', '=', name)], name=name)
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
        if group.split('.')[0] in activated:
            user.groups.append(Group(ref(config, group)))
        user.password = DEMO_PASSWORD
        user.save()

    users = User.find([
            ('login', 'in', [u[0] for u in USERS]),
            ('hopu_password_change', '=', True)])
    if users:
        User._proxy.write(
            [u.id for u in users], {'hopu_password_change': False},
            config.context)
    return employees


def load_account_set(config, companies):
    "SYS-2: the head company's account set (registered, not created)"
    from proteus import Model
    Company = Model.get('company.company', config=config)
    AccountSet = Model.get('hopu.account_set', config=config)
    if not AccountSet.find([('database', '=', 'hopu_hp00')]):
        account_set = AccountSet(
            company=Company(companies[HEAD_COMPANY].id), server='localhost',
            database='hopu_hp00')
        account_set.save()
