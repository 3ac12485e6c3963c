"""hopu_erp's demo data: the master data every ERP module works with (ERP-3
物料编码管理, ERP-1/ERP-2): material categories with their codes, materials
numbered by them, two warehouses (总部仓库, Tryton's own warehouse renamed,
and 上海仓库) and three suppliers. The ERP modules' loaders find them by
code and name."""
from decimal import Decimal

from .tools import get_or_create, ref

# (code, name, parent code)
CATEGORIES = [
    ('01', "原材料", None),
    ('0101', "钢材", '01'),
    ('0102', "电子元器件", '01'),
    ('02', "产成品", None),
    ('0201', "智能控制产品", '02'),
    ('03', "办公用品", None),
    ('0301', "纸张", '03'),
    ]
# (category code, name, unit symbol, list price, cost price): numbered
# by the category in this order (01010001, 01010002 …)
MATERIALS = [
    ('0101', "冷轧钢板 1.0mm", 'kg', '8.50', '6.50'),
    ('0101', "镀锌钢管 DN50", 'u', '68.00', '52.00'),
    ('0102', "贴片电阻 0603 10kΩ", 'u', '0.05', '0.02'),
    ('0102', "电解电容 100μF", 'u', '0.50', '0.30'),
    ('0102', "STM32 单片机", 'u', '18.00', '12.00'),
    ('0201', "皓普智能温控器 HP-T100", 'u', '380.00', '150.00'),
    ('0201', "皓普工业网关 HP-G200", 'u', '1280.00', '520.00'),
    ('0301', "A4 复印纸", 'u', '28.00', '25.00'),
    ]
HEAD_WAREHOUSE = "总部仓库"
# (name, code, input, output, storage)
WAREHOUSES = [
    ("上海仓库", 'SH', "上海仓库收货区", "上海仓库发货区", "上海仓库存储区"),
    ]
SUPPLIERS = [
    ("宁波钢铁贸易有限公司", "0574-87651234"),
    ("深圳华强电子元件有限公司", "0755-83216688"),
    ("上海晨光办公用品有限公司", "021-64381122"),
    ]


def setup(config, activated, data):
    categories = load_categories(config)
    materials = load_materials(config, categories)
    warehouses = load_warehouses(config)
    suppliers = load_suppliers(config)
    data.update(materials=materials, warehouses=warehouses)
    return {
        'materials': materials,
        'warehouses': warehouses,
        'suppliers': suppliers,
        }


def load_categories(config):
    "物料分类 with the codes that number their materials"
    from proteus import Model
    Category = Model.get('product.category', config=config)
    categories = {}
    for code, name, parent in CATEGORIES:
        category, _ = get_or_create(
            Category, [('code', '=', code)], code=code, name=name,
            parent=categories[parent] if parent else None)
        categories[code] = category
    return categories


def load_materials(config, categories):
    """The materials, numbered by their category (hopu_erp's rule): the
    code of each material by name"""
    from proteus import Model
    Template = Model.get('product.template', config=config)
    Uom = Model.get('product.uom', config=config)
    units = {}
    materials = {}
    for category, name, symbol, list_price, cost_price in MATERIALS:
        templates = Template.find([('name', '=', name)])
        if templates:
            template, = templates
        else:
            if symbol not in units:
                units[symbol], = Uom.find([('symbol', '=', symbol)], limit=1)
            template = Template(
                name=name, type='goods', default_uom=units[symbol],
                salable=True, list_price=Decimal(list_price))
            template.categories.append(
                Model.get('product.category', config=config)(
                    categories[category].id))
            product, = template.products
            product.cost_price = Decimal(cost_price)
            template.save()
        materials[name] = template.code
    return materials


def load_warehouses(config):
    """总部仓库 (Tryton's warehouse, renamed) and 上海仓库 with its
    收货区, 发货区 and 存储区"""
    from proteus import Model
    Location = Model.get('stock.location', config=config)
    head = Location(ref(config, 'stock.location_warehouse'))
    if head.name != HEAD_WAREHOUSE:
        head.name = HEAD_WAREHOUSE
        head.save()
    lost_found = Location(ref(config, 'stock.location_lost_found'))
    warehouses = {HEAD_WAREHOUSE: head.code}
    for name, code, input_, output, storage in WAREHOUSES:
        if not Location.find(
                [('code', '=', code), ('type', '=', 'warehouse')]):
            zones = []
            for zone in [input_, output, storage]:
                location, _ = get_or_create(
                    Location, [('name', '=', zone)], name=zone,
                    type='storage')
                zones.append(location)
            warehouse = Location(
                name=name, code=code, type='warehouse',
                input_location=zones[0], output_location=zones[1],
                storage_location=zones[2], lost_found_location=lost_found)
            warehouse.save()
            for zone in zones:
                zone.parent = warehouse
            Location.save(zones)
        warehouses[name] = code
    return warehouses


def load_suppliers(config):
    "The suppliers (往来单位) the purchases of the demo buy from"
    from proteus import Model
    Party = Model.get('party.party', config=config)
    suppliers = []
    for name, phone in SUPPLIERS:
        party, created = get_or_create(Party, [('name', '=', name)], name=name)
        if created:
            party.contact_mechanisms.new(type='phone', value=phone)
            party.save()
        suppliers.append(name)
    return suppliers
