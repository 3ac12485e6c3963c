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
    if 'hopu_contract' in activated:
        contracts = load_contracts(config, employees)
        summary['contracts'] = sorted(c.number for c in contracts)
    summary['date'] = dt.date.today().isoformat()
    return summary


# (customer, salesperson login, type, amount, state wanted)
CONTRACTS = [
    ('上海明远贸易有限公司', 'wangfang', 'service', '120000', 'approved'),
    ('上海明远贸易有限公司', 'wangfang', 'service', '36000', 'submitted'),
    ('广州华南机电有限公司', 'liuyang', 'product', '60000', 'approved'),
    ('广州华南机电有限公司', 'liuyang', 'service', '18000', 'draft'),
    ]


def load_contracts(config, employees):
    """CON-1..8: approval rules, an existing customer for each demo
    salesperson and a few contracts in different states"""
    from decimal import Decimal

    from proteus import Model
    Party = Model.get('party.party', config=config)
    Contract = Model.get('hopu.contract', config=config)
    Rule = Model.get('hopu.contract.approval.rule', config=config)
    Approval = Model.get('hopu.contract.approval', config=config)
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
    for name, login, type_, amount, state in CONTRACTS:
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
        Approval = Model.get('hopu.contract.approval', config=config)
        step = Approval(step_id)
        step.comment = "同意"
        step.click('approve')
    finally:
        config.user, config._context = saved
