"""hopu_purchase's demo data (ERP-1 采购管理, ERP-3 库存预警): the
purchasing staff and their rights, the approval rules of 采购申请, the
suppliers' prices of the materials (供应商价格), a chain requisition →
purchase request → order → receipt with inspection → supplier invoice, and
a material under its reorder point with its purchase request."""
from contextlib import contextmanager
from decimal import Decimal

from .sysadmin import DEMO_PASSWORD, HEAD_COMPANY, grant_rights
from .tools import get_or_create, ref, work_at_head_warehouse

# (login, name, supervisor login)
STAFF = [
    ('zhouqiang', "周强", None),
    ('sunli', "孙丽", 'zhouqiang'),
    ('wumin', "吴敏", 'zhouqiang'),
    ('lina', "李娜", None),
    ]
WORK = {'read', 'create', 'write', 'delete', 'print', 'export'}
ALL = WORK | {'approve'}
# SYS-5: 采购员 孙丽, 采购主管 周强 (审核), 仓管员 吴敏, 财务 李娜
RIGHTS = {
    'sunli': {code: WORK for code in [
            'ERP-1-REQ', 'ERP-1-REQUEST', 'ERP-1-PO', 'ERP-1-TRACK',
            'ERP-1-INVOICE']},
    'zhouqiang': {code: ALL for code in [
            'ERP-1-REQ', 'ERP-1-REQUEST', 'ERP-1-PO', 'ERP-1-TRACK',
            'ERP-1-RECEIPT', 'ERP-1-INVOICE', 'ERP-1-APPROVAL',
            'ERP-3-ALERT-SET', 'ERP-3-ALERT']},
    'wumin': {
        'ERP-1-REQ': WORK, 'ERP-1-RECEIPT': WORK,
        'ERP-3-ALERT-SET': WORK, 'ERP-3-ALERT': ALL},
    'lina': {
        'ERP-1-REQ': {'read'}, 'ERP-1-INVOICE': ALL,
        'ERP-1-APPROVAL': {'read', 'write', 'approve'}},
    }
# (material, supplier, price)
SUPPLIER_PRICES = [
    ("冷轧钢板 1.0mm", "宁波钢铁贸易有限公司", '6.20'),
    ("镀锌钢管 DN50", "宁波钢铁贸易有限公司", '49.00'),
    ("贴片电阻 0603 10kΩ", "深圳华强电子元件有限公司", '0.02'),
    ("电解电容 100μF", "深圳华强电子元件有限公司", '0.28'),
    ("STM32 单片机", "深圳华强电子元件有限公司", '11.50'),
    ("A4 复印纸", "上海晨光办公用品有限公司", '24.00'),
    ]
REQUISITION = "生产线备料：温控器主板"
REJECTED = 20
ACCOUNT_CATEGORY = "采购物料核算"


def setup(config, activated, data):
    from proteus import Model
    Company = Model.get('company.company', config=config)
    company, = Company.find([('party.name', '=', HEAD_COMPANY)])
    users = load_staff(config, company)
    work_at_head_warehouse(config, users)
    for login, rights in RIGHTS.items():
        for code, wanted in rights.items():
            grant_rights(config, login, code, wanted)
    load_rules(config, users)
    category = load_chart(config, company)
    load_supplier_prices(config, category)
    chain = load_chain(config, users)
    return {'purchase_chain': chain}


def finish(config, activated, data):
    """The stock alert, once every loader put its stock in the warehouses
    (hopu_stock's opening stock comes after this loader)"""
    from proteus import Model
    Company = Model.get('company.company', config=config)
    User = Model.get('res.user', config=config)
    company, = Company.find([('party.name', '=', HEAD_COMPANY)])
    users = {u.login: u for u in User.find(
            [('login', 'in', [login for login, *_ in STAFF])])}
    return {'stock_alert': load_alert(config, company, users)}


@contextmanager
def acting(config, user):
    "Act as the demo user (their rights, their record rules)"
    from proteus import Model
    User = Model.get('res.user', config=config)
    user_before, context_before = config.user, config._context
    config.user = user.id
    config._context = User.get_preferences(True, {})
    try:
        yield
    finally:
        config.user, config._context = user_before, context_before


def load_staff(config, company):
    "The purchasing staff: employees of the head company with their logins"
    from proteus import Model
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    Lang = Model.get('ir.lang', config=config)
    Company = Model.get('company.company', config=config)
    zh_cn, = Lang.find([('code', '=', 'zh_CN')])
    employees, users = {}, {}
    for login, name, supervisor in STAFF:
        found = Employee.find([
                ('party.name', '=', name), ('company', '=', company.id)])
        if found:
            employee = found[0]
        else:
            party, _ = get_or_create(Party, [('name', '=', name)], name=name)
            employee = Employee(party=party, company=company)
            if supervisor:
                employee.supervisor = employees[supervisor]
            employee.save()
        employees[login] = employee
        found = User.find([('login', '=', login)])
        if found:
            users[login] = found[0]
            continue
        user = User(login=login, name=name, language=zh_cn,
            email=f'{login}@hopu.example.cn')
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.password = DEMO_PASSWORD
        user.save()
        users[login] = user
    found = User.find([
            ('login', 'in', list(users)),
            ('hopu_password_change', '=', True)])
    if found:
        User._proxy.write(
            [u.id for u in found], {'hopu_password_change': False},
            config.context)
    return users


def load_rules(config, users):
    """5.1.2 审批流程: below 10000 元 the department head; from 10000 元
    the department head, then finance (李娜)"""
    from proteus import Model
    Rule = Model.get('hopu.approval.rule', config=config)
    if Rule.find([('document', '=', 'purchase.requisition')]):
        return
    small = Rule(name="采购申请（一万元以下）",
        document='purchase.requisition', max_amount=Decimal('10000'),
        sequence=50)
    small.steps.new(name="部门负责人审批", approver_type='supervisor', level=1)
    small.save()
    large = Rule(name="采购申请（一万元及以上）",
        document='purchase.requisition', min_amount=Decimal('10000'),
        sequence=51)
    large.steps.new(name="部门负责人审批", approver_type='supervisor', level=1)
    large.steps.new(name="财务审批", approver_type='user',
        user=Model.get('res.user', config=config)(users['lina'].id))
    large.save()


def load_chart(config, company):
    """The accounts the supplier invoices need (采购开票) when the company
    has none yet: 应付账款 for the suppliers and 原材料采购 for the
    materials, the defaults of the account configuration"""
    from proteus import Model
    Account = Model.get('account.account', config=config)
    Category = Model.get('product.category', config=config)
    if not Account.find([('company', '=', company.id)], limit=1):
        create_accounts(config, company)
    expense = Account.find([
            ('company', '=', company.id), ('type.expense', '=', True)],
        limit=1)
    category, _ = get_or_create(
        Category, [('name', '=', ACCOUNT_CATEGORY)], name=ACCOUNT_CATEGORY,
        accounting=True)
    if expense and not category.account_expense:
        category.account_expense = expense[0]
        category.save()
    return category


def create_accounts(config, company):
    "应付账款 and 原材料采购, the defaults of the account configuration"
    from proteus import Model
    Account = Model.get('account.account', config=config)
    Type = Model.get('account.account.type', config=config)
    Configuration = Model.get('account.configuration', config=config)
    payable_type = Type(name="应付账款", statement='balance',
        payable=True, company=company)
    payable_type.save()
    expense_type = Type(name="采购费用", statement='income',
        expense=True, company=company)
    expense_type.save()
    payable = Account(name="应付账款", code='2202', type=payable_type,
        party_required=True, reconcile=True, company=company)
    payable.save()
    expense = Account(name="原材料采购", code='1403', type=expense_type,
        company=company)
    expense.save()
    configuration = Configuration(1)
    configuration.default_account_payable = payable
    configuration.default_category_account_expense = expense
    configuration.save()


def load_supplier_prices(config, category):
    "供应商价格: each material bought from its supplier at its price"
    from proteus import Model
    Template = Model.get('product.template', config=config)
    Party = Model.get('party.party', config=config)
    ProductSupplier = Model.get('purchase.product_supplier', config=config)
    for name, supplier_name, price in SUPPLIER_PRICES:
        templates = Template.find([('name', '=', name)])
        suppliers = Party.find([('name', '=', supplier_name)])
        if not templates or not suppliers:
            continue
        template, = templates
        if not template.purchasable or not template.account_category:
            template.purchasable = True
            template.account_category = category
            template.save()
        if ProductSupplier.find([('template', '=', template.id)]):
            continue
        product_supplier = ProductSupplier(
            template=template, party=suppliers[0], lead_time=None)
        product_supplier.prices.new(quantity=0, unit_price=Decimal(price))
        product_supplier.save()


def load_chain(config, users):
    """A requisition of 吴敏 approved by 周强, its purchase request ordered
    by 孙丽, the order approved by 周强, received by 吴敏 with 20 rejected
    at the inspection, and its supplier invoice from the accepted
    quantity"""
    from proteus import Model, Wizard
    Requisition = Model.get('purchase.requisition', config=config)
    found = Requisition.find([('description', '=', REQUISITION)])
    if found:
        purchases = [r.purchase_line.purchase.number
            for l in found[0].lines for r in l.purchase_requests
            if r.purchase_line]
        return purchases
    Template = Model.get('product.template', config=config)
    Location = Model.get('stock.location', config=config)
    templates = Template.find([('name', '=', "电解电容 100μF")])
    if not templates:
        return []
    product, = templates[0].products
    warehouse = Location(ref(config, 'stock.location_warehouse'))
    today = Model.get('ir.date', config=config).today(config.context)
    with acting(config, users['wumin']):
        Requisition = Model.get('purchase.requisition', config=config)
        requisition = Requisition(description=REQUISITION,
            supply_date=today, warehouse=warehouse.id)
        line = requisition.lines.new()
        line.product = Model.get('product.product', config=config)(
            product.id)
        line.quantity = 2000
        line.unit_price = Decimal('0.28')
        requisition.save()
        requisition.click('wait')
        line_id = requisition.lines[0].id
    with acting(config, users['zhouqiang']):
        # 待我审批: the department head approves
        Approval = Model.get('hopu.approval', config=config)
        step, = Approval.find([
                ('document', '=', f'purchase.requisition,{requisition.id}'),
                ('state', '=', 'pending')])
        step.click('approve')
    with acting(config, users['sunli']):
        Request = Model.get('purchase.request', config=config)
        requests = Request.find([
                ('origin', '=', f'purchase.requisition.line,{line_id}')])
        Wizard('purchase.request.create_purchase', requests, config=config)
        Purchase = Model.get('purchase.purchase', config=config)
        purchase, = Purchase.find([('lines.requests', 'in',
                    [r.id for r in requests])])
        purchase.click('quote')
    with acting(config, users['zhouqiang']):
        Purchase = Model.get('purchase.purchase', config=config)
        purchase = Purchase(purchase.id)
        purchase.click('confirm')
        purchase.reload()
        party_id = purchase.party.id
        warehouse_id = purchase.warehouse.id
        move_ids = [m.id for m in purchase.moves]
    with acting(config, users['wumin']):
        Shipment = Model.get('stock.shipment.in', config=config)
        Move = Model.get('stock.move', config=config)
        Party = Model.get('party.party', config=config)
        Location = Model.get('stock.location', config=config)
        shipment = Shipment(supplier=Party(party_id),
            warehouse=Location(warehouse_id))
        for move_id in move_ids:
            shipment.incoming_moves.append(Move(move_id))
        shipment.save()
        incoming = shipment.incoming_moves[0]
        incoming.rejected_quantity = REJECTED
        shipment.save()
        shipment.click('receive')
        shipment.click('do')
    return [purchase.number]


# 6.3.1 库存预警设置 of STM32 单片机 in 总部仓库: its minimal and target
# quantities, above its stock (580 after the opening stock and the 出库单)
ALERT_MATERIAL = "STM32 单片机"
ALERT_MIN, ALERT_TARGET = 1000, 1500


def load_alert(config, company, users):
    """6.3.1 库存预警设置: STM32 单片机 in 总部仓库 from 1000 up to 1500;
    below its minimum it is alerted, and 周强's 预警处理 makes its purchase
    request"""
    from proteus import Model
    Template = Model.get('product.template', config=config)
    OrderPoint = Model.get('stock.order_point', config=config)
    Alert = Model.get('hopu.stock.alert', config=config)
    templates = Template.find([('name', '=', ALERT_MATERIAL)])
    if not templates:
        return None
    product, = templates[0].products
    warehouse = ref(config, 'stock.location_warehouse')
    if not OrderPoint.find([('product', '=', product.id)]):
        OrderPoint(product=product, location=warehouse, type='purchase',
            min_quantity=ALERT_MIN, target_quantity=ALERT_TARGET,
            company=company).save()
    # the daily task, run now
    Cron = Model.get('ir.cron', config=config)
    cron, = Cron.find([('method', '=', 'hopu.stock.alert|generate')])
    cron.click('run_once')
    alerts = Alert.find([
            ('product', '=', product.id), ('state', '=', 'open')])
    if alerts:
        with acting(config, users['zhouqiang']):
            Alert = Model.get('hopu.stock.alert', config=config)
            Alert(alerts[0].id).click('handle')
    return templates[0].code
