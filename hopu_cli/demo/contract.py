"""hopu_contract's demo data (CON-1 … CON-8): the rights of the demo roles
on the contract programs, an existing customer for each demo salesperson
and a few contracts in different states, approved by their supervisors
(the rules are hopu_approval's data, approval.py)."""
import datetime as dt
from decimal import Decimal

from .sysadmin import USERS, grant_role_rights
from .tools import get_or_create


def setup(config, activated, data):
    contracts = load_contracts(config, data['employees'])
    return {'contracts': sorted(c.number for c in contracts)}


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
    """CON-1..8: the rights of the demo roles, an existing customer for
    each demo salesperson and a few contracts in different states"""
    from proteus import Model
    grant_role_rights(config, CONTRACT_RIGHTS)
    Party = Model.get('party.party', config=config)
    Contract = Model.get('hopu.contract', config=config)
    Approval = Model.get('hopu.approval', config=config)
    User = Model.get('res.user', config=config)

    users = {u.login: u for u in User.find([
                ('login', 'in', [login for login, *_ in USERS])])}
    today = dt.date.today()
    for name, login, type_, amount, state, *expiring in CONTRACTS:
        employee = employees[login]
        customer, _ = get_or_create(
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
            product = demo_product(config)
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
                approve_as(config, approver[0], step.id)
    return Contract.find([])


def demo_product(config):
    "The product of the product contracts"
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


def approve_as(config, user, step_id):
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
