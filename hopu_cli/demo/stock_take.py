"""hopu_stock_take's demo data (ERP-3 6.2 库存盘点): the warehouse clerk
李保管 (login libaoguan, under 张伟), the rights of the stock-take programs,
the approval rule of the differences (the supervisor of the person in
charge) and a stock take in progress on 总部仓库: the raw materials
(category 01 原材料) counted, one sheet line still to count.

The warehouses and materials are hopu_erp's demo data (erp.py); without
them (or without stock on hand) the stock take is not made. Looked up
before made: loading twice leaves one stock take."""
from decimal import Decimal

from .sysadmin import DEMO_PASSWORD, HEAD_COMPANY, grant_rights
from .tools import get_or_create, work_at_head_warehouse

CLERK = ('libaoguan', '李保管', 'zhangwei')
PROGRAMS = ['ERP-3-TAKE', 'ERP-3-TAKE-COUNT', 'ERP-3-TAKE-DIFF',
    'ERP-3-TAKE-REPORT']
RULE_NAME = "盘点差异审核"
DESCRIPTION = "2026年度原材料月末盘点"
# material code: (stock on hand when the demo has none, the difference
# counted: 实盘 − 账面; None: not counted yet)
STOCK = {
    '01010001': (1250, -3.5),
    '01010002': (80, 0),
    '01020001': (20000, -50),
    '01020002': (5000, 10),
    '01020003': (300, None),
    }


def setup(config, activated, data):
    employee = load_clerk(config, data)
    load_rights(config)
    load_rule(config)
    take = load_take(config, employee)
    return {'stock_take': take.number if take else None}


def load_clerk(config, data):
    "李保管, the warehouse clerk of the head company, under 张伟"
    from proteus import Model
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)
    Lang = Model.get('ir.lang', config=config)
    login, name, supervisor = CLERK
    head = data['companies'][HEAD_COMPANY]
    found = Employee.find([
            ('party.name', '=', name), ('company', '=', head.id)])
    if found:
        employee = found[0]
    else:
        party, _ = get_or_create(Party, [('name', '=', name)], name=name)
        employee = Employee(party=party, company=Company(head.id))
        employee.supervisor = Employee(data['employees'][supervisor].id)
        employee.save()
    if not User.find([('login', '=', login)]):
        zh_cn, = Lang.find([('code', '=', 'zh_CN')])
        user = User(login=login, name=name, language=zh_cn)
        user.companies.append(Company(head.id))
        user.company = Company(head.id)
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.password = DEMO_PASSWORD
        user.save()
        User._proxy.write(
            [user.id], {'hopu_password_change': False}, config.context)
    work_at_head_warehouse(config, [login])
    return employee


def load_rights(config):
    """SYS-5: the clerk plans and counts; the supervisors (陈刚, 张伟) read
    and approve"""
    for code in PROGRAMS:
        grant_rights(config, CLERK[0], code,
            ['read', 'create', 'write', 'print', 'export'])
        for login in ['zhangwei', 'chengang']:
            grant_rights(config, login, code,
                ['read', 'print', 'export', 'approve'])


def load_rule(config):
    "The differences are approved by the supervisor of the person in charge"
    from proteus import Model
    Rule = Model.get('hopu.approval.rule', config=config)
    if Rule.find([('name', '=', RULE_NAME)]):
        return
    rule = Rule(name=RULE_NAME, document='hopu.stock.take')
    rule.steps.new(name="仓库主管审核", approver_type='supervisor', level=1)
    rule.save()


def load_take(config, employee):
    """A stock take of the raw materials on 总部仓库, counting: the lines
    counted but one"""
    from proteus import Model
    Take = Model.get('hopu.stock.take', config=config)
    Location = Model.get('stock.location', config=config)
    Category = Model.get('product.category', config=config)
    Product = Model.get('product.product', config=config)
    Move = Model.get('stock.move', config=config)
    Line = Model.get('stock.inventory.line', config=config)
    Company = Model.get('company.company', config=config)

    found = Take.find([('description', '=', DESCRIPTION)])
    if found:
        return found[0]
    warehouses = Location.find([
            ('code', '=', 'WH'), ('type', '=', 'warehouse')])
    categories = Category.find([('code', '=', '01')])
    products = {p.code: p for p in Product.find([
                ('code', 'in', list(STOCK))])}
    if not warehouses or not categories or not products:
        return None
    warehouse, = warehouses
    storage = warehouse.storage_location
    supplier, = Location.find([('code', '=', 'SUP')])
    company = Company(config.context['company'])

    # Stock on hand for the materials that have none
    with config.set_context(locations=[storage.id]):
        in_stock = {p.code: p.quantity for p in Product.find([
                    ('id', 'in', [p.id for p in products.values()])])}
    moves = []
    for code, (quantity, _) in STOCK.items():
        product = products.get(code)
        if not product or in_stock.get(code):
            continue
        moves.append(Move(product=product, quantity=quantity,
                unit=product.default_uom, from_location=supplier,
                to_location=storage,
                unit_price=product.cost_price or Decimal(1),
                currency=company.currency))
    if moves:
        Move.save(moves)
        Move.click(moves, 'do')

    take = Take(warehouse=warehouse, scope='category',
        employee=employee, description=DESCRIPTION)
    take.categories.append(Category(categories[0].id))
    take.save()
    take.click('start')
    for line in Line.find([('stock_take', '=', take.id)]):
        difference = STOCK.get(line.product.code, (None, None))[1]
        if difference is None:
            continue
        line.quantity = line.expected_quantity + difference
        line.save()
    return take
