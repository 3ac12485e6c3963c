"""hopu_sale's demo data (ERP-2 销售管理): the rights of the sales roles on
the sales programs, and quotations and orders of the CRM customers made by
the demo salespeople: 王芳's quotation waiting for 张伟's approval, 刘洋's
approved quotation, and 王芳's order approved by 张伟 with its delivery
notice (发货通知) waiting to be shipped."""
from contextlib import contextmanager
from decimal import Decimal

from .sysadmin import grant_rights
from .tools import ref

WORK = {'read', 'create', 'write', 'delete', 'print', 'export'}
ALL = WORK | {'approve'}
SALES = ['ERP-2-QUOTE', 'ERP-2-SO', 'ERP-2-QUERY', 'ERP-2-AMEND']
# SYS-5: 业务员 王芳 and 刘洋 enter quotations and orders; the supervisors
# 张伟 and 陈刚 approve them (报价审批, 审核, 反审核, 变更审批) and handle the
# delivery notices and returns of their team
RIGHTS = {
    'wangfang': {code: WORK for code in SALES},
    'liuyang': {code: WORK for code in SALES},
    'zhangwei': {code: ALL for code in SALES + [
                'ERP-2-APPROVAL', 'ERP-2-SHIP', 'ERP-2-RETURN']},
    'chengang': {code: ALL for code in SALES + [
                'ERP-2-APPROVAL', 'ERP-2-SHIP', 'ERP-2-RETURN']},
    }
# (description, salesperson, customer, [(product, quantity)], up to)
ORDERS = [
    ("温控器年度备货", 'wangfang', '深圳市福田区华信电子有限公司',
        [("皓普智能温控器 HP-T100", 50), ("皓普工业网关 HP-G200", 5)],
        'shipping'),
    ("网关试点项目报价", 'wangfang', '深圳市福田区华信电子有限公司',
        [("皓普工业网关 HP-G200", 10)], 'quoted'),
    ("灯饰城温控改造", 'liuyang', '中山市古镇灯饰城明亮照明有限公司',
        [("皓普智能温控器 HP-T100", 20)], 'approved'),
    ]


def setup(config, activated, data):
    for login, rights in RIGHTS.items():
        for code, wanted in rights.items():
            grant_rights(config, login, code, wanted)
    return {'sales': load_orders(config)}


@contextmanager
def acting(config, login):
    "Act as the demo user (their rights, their record rules)"
    from proteus import Model
    User = Model.get('res.user', config=config)
    user, = User.find([('login', '=', login)])
    user_before, context_before = config.user, config._context
    config.user = user.id
    config._context = User.get_preferences(True, {})
    try:
        yield
    finally:
        config.user, config._context = user_before, context_before


def load_orders(config):
    """The quotations and orders of ORDERS, each made by its salesperson
    and taken as far as it says"""
    from proteus import Model
    numbers = []
    for description, login, customer, lines, up_to in ORDERS:
        Sale = Model.get('sale.sale', config=config)
        found = Sale.find([('description', '=', description)])
        if found:
            numbers.append(found[0].number)
            continue
        Party = Model.get('party.party', config=config)
        Template = Model.get('product.template', config=config)
        parties = Party.find([('name', '=', customer)])
        templates = {t.name: t for t in Template.find([
                    ('name', 'in', [p for p, _ in lines])])}
        if not parties or len(templates) < len(lines):
            continue
        with acting(config, login):
            Sale = Model.get('sale.sale', config=config)
            Product = Model.get('product.product', config=config)
            sale = Sale(description=description)
            sale.party = Model.get('party.party', config=config)(
                parties[0].id)
            sale.warehouse = Model.get('stock.location', config=config)(
                ref(config, 'stock.location_warehouse'))
            for name, quantity in lines:
                line = sale.lines.new()
                line.product = Product(templates[name].products[0].id)
                line.quantity = quantity
                line.unit_price = line.unit_price or Decimal('0')
            sale.save()
            sale.click('quote')
        if up_to != 'quoted':
            # 报价审批: 张伟, the supervisor of both salespeople
            with acting(config, 'zhangwei'):
                Approval = Model.get('hopu.approval', config=config)
                for step in Approval.find([
                            ('document', '=', f'sale.sale,{sale.id}'),
                            ('state', '=', 'pending')]):
                    step.click('approve')
        if up_to == 'shipping':
            with acting(config, 'zhangwei'):
                Sale = Model.get('sale.sale', config=config)
                sale = Sale(sale.id)
                sale.click('confirm')
        sale = Model.get('sale.sale', config=config)(sale.id)
        numbers.append(sale.number)
    return numbers
