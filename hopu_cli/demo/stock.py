"""hopu_stock's demo data (ERP-3 库存管理): the warehouse clerk 李强 with the
rights of the stock programs (审核 of 库存调整 stays with the administrator),
the opening stock of 总部仓库 and 上海仓库 as 库存调整 approved by the
administrator, an 入库单 and an 出库单 done, and a 调拨单 from 总部仓库 to
上海仓库 in transit. Builds on the master data of hopu_erp's loader
(erp.py): materials by name, warehouses by code."""
import contextlib
import datetime as dt

from .sysadmin import DEMO_PASSWORD, HEAD_COMPANY, WORK
from .tools import ref, work_at_head_warehouse

CLERK = ('liqiang', '李强')
# SYS-5 rights of the clerk: every stock screen; 审核 of the shipments
# (完成), not of the adjustments
CLERK_RIGHTS = {
    **{code: WORK for code in [
            'ERP-3-MAT', 'ERP-3-CAT', 'ERP-3-QUERY', 'ERP-3-TZ',
            'ERP-3-WH', 'ERP-3-LOC', 'ERP-3-MOVE', 'ERP-3-INV',
            'ERP-3-DB-track', 'ERP-3-DB-report']},
    **{code: WORK + ['approve'] for code in [
            'ERP-3-RK', 'ERP-3-CK', 'ERP-3-DB']},
    }
# (warehouse code, material, quantity): the opening stock
OPENING = [
    ('WH', "冷轧钢板 1.0mm", 2500),
    ('WH', "镀锌钢管 DN50", 300),
    ('WH', "贴片电阻 0603 10kΩ", 50000),
    ('WH', "电解电容 100μF", 8000),
    ('WH', "STM32 单片机", 600),
    ('WH', "皓普智能温控器 HP-T100", 120),
    ('WH', "皓普工业网关 HP-G200", 40),
    ('WH', "A4 复印纸", 200),
    ('SH', "皓普智能温控器 HP-T100", 30),
    ('SH', "皓普工业网关 HP-G200", 8),
    ('SH', "A4 复印纸", 50),
    ]
OPENING_REASON = "期初库存"
# (kind, reason, [(material, quantity)], state wanted)
DOCUMENTS = [
    ('in', "客户退回样品", [("皓普智能温控器 HP-T100", 5)], 'done'),
    ('out', "研发部领用", [("STM32 单片机", 20), ("贴片电阻 0603 10kΩ", 2000)],
        'done'),
    ('transfer', "上海仓库补货", [
            ("皓普智能温控器 HP-T100", 40), ("皓普工业网关 HP-G200", 10)],
        'shipped'),
    ]


def setup(config, activated, data):
    clerk = load_clerk(config, data['companies'][HEAD_COMPANY])
    adjustments = load_opening_stock(config, clerk)
    shipments = load_documents(config)
    return {'adjustments': adjustments, 'shipments': shipments}


def load_clerk(config, company):
    "The warehouse clerk 李强 and his rights (SYS-5)"
    from proteus import Model

    from .sysadmin import grant_rights
    User = Model.get('res.user', config=config)
    Company = Model.get('company.company', config=config)
    Lang = Model.get('ir.lang', config=config)
    login, name = CLERK
    users = User.find([('login', '=', login)])
    if users:
        user, = users
    else:
        zh_cn, = Lang.find([('code', '=', 'zh_CN')])
        user = User(login=login, name=name, language=zh_cn)
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.password = DEMO_PASSWORD
        user.save()
        User._proxy.write(
            [user.id], {'hopu_password_change': False}, config.context)
    for code, rights in CLERK_RIGHTS.items():
        grant_rights(config, login, code, rights)
    work_at_head_warehouse(config, [login])
    return user


@contextlib.contextmanager
def as_user(config, user):
    "Act as the user (proteus trytond config only)"
    from proteus import Model
    saved = config.user, config._context
    try:
        config.user = user.id
        User = Model.get('res.user', config=config)
        config._context = User.get_preferences(True, {})
        yield
    finally:
        config.user, config._context = saved


def _warehouses(config):
    from proteus import Model
    Location = Model.get('stock.location', config=config)
    return {w.code: w for w in Location.find([('type', '=', 'warehouse')])}


def _materials(config):
    from proteus import Model
    Product = Model.get('product.product', config=config)
    return {p.name: p for p in Product.find([('type', '=', 'goods')])}


def load_opening_stock(config, clerk):
    """The opening stock (期初库存) of each warehouse: a 库存调整 entered by
    the clerk, approved by the administrator (not its author)"""
    from proteus import Model
    Adjustment = Model.get('hopu.stock.adjustment', config=config)
    warehouses = _warehouses(config)
    materials = _materials(config)
    numbers = []
    for code in ['WH', 'SH']:
        warehouse = warehouses.get(code)
        if not warehouse:
            continue
        found = Adjustment.find([
                ('warehouse', '=', warehouse.id),
                ('reason', '=', OPENING_REASON)])
        if found:
            numbers.append(found[0].number)
            continue
        with as_user(config, clerk):
            Adjustment = Model.get('hopu.stock.adjustment', config=config)
            Location = Model.get('stock.location', config=config)
            Product = Model.get('product.product', config=config)
            adjustment = Adjustment(
                warehouse=Location(warehouse.id), reason=OPENING_REASON,
                date=dt.date.today() - dt.timedelta(days=30))
            for wh, name, quantity in OPENING:
                if wh != code or name not in materials:
                    continue
                line = adjustment.lines.new()
                line.product = Product(materials[name].id)
                line.location = Location(warehouse.storage_location.id)
                line.quantity = quantity
                line.reason = OPENING_REASON
            adjustment.save()
            adjustment.click('submit')
        Adjustment = Model.get('hopu.stock.adjustment', config=config)
        adjustment = Adjustment(adjustment.id)
        adjustment.click('approve')
        numbers.append(adjustment.number)
    return numbers


def load_documents(config):
    "An 入库单 and an 出库单 done, a 调拨单 in transit"
    from proteus import Model
    Shipment = Model.get('stock.shipment.internal', config=config)
    Move = Model.get('stock.move', config=config)
    warehouses = _warehouses(config)
    materials = _materials(config)
    lost_found = ref(config, 'stock.location_lost_found')
    head, shanghai = warehouses.get('WH'), warehouses.get('SH')
    if not head or not shanghai:
        return []
    numbers = []
    for kind, reason, lines, state in DOCUMENTS:
        found = Shipment.find([
                ('hopu_kind', '=', kind), ('hopu_reason', '=', reason)])
        if found:
            numbers.append(found[0].number)
            continue
        from_, to = {
            'in': (lost_found, head.storage_location.id),
            'out': (head.storage_location.id, lost_found),
            'transfer': (head.storage_location.id,
                shanghai.storage_location.id),
            }[kind]
        shipment = Shipment(hopu_kind=kind, hopu_reason=reason)
        shipment.from_location = Model.get(
            'stock.location', config=config)(from_)
        shipment.to_location = Model.get(
            'stock.location', config=config)(to)
        for name, quantity in lines:
            product = materials[name]
            shipment.moves.append(Move(
                    product=product, unit=product.default_uom,
                    quantity=quantity, from_location=shipment.from_location,
                    to_location=shipment.to_location))
        if kind == 'transfer':
            shipment.planned_date = dt.date.today() + dt.timedelta(days=2)
            shipment.planned_start_date = dt.date.today()
        shipment.save()
        shipment.click('wait')
        shipment.click('assign_try')
        if kind == 'transfer':
            shipment.click('pack')
            shipment.click('ship')
        else:
            shipment.click('do')
        numbers.append(shipment.number)
    return numbers
