# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-3 6.3.1 库存预警设置 / 6.3.2 预警处理: the reorder points of
stock_supply (订货点: a material, a warehouse, its minimal and target
quantities) are the settings; a material whose stock in the warehouse falls
below its minimal quantity is a 库存预警, made by the daily scheduled task
(or 刷新预警) in the manner of the CRM's 业务警示 and handled by generating
its purchase requests (请购单), shown on the alert, which the purchasing
clerk turns into orders. An alert is resolved when the stock is back."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

STATES = [
    ('open', "Open"),
    ('requested', "Purchase Requested"),
    ('resolved', "Resolved"),
    ]


class StockAlert(ModelSQL, ModelView):
    "Stock Alert"
    __name__ = 'hopu.stock.alert'

    order_point = fields.Many2One(
        'stock.order_point', "Order Point", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Material", required=True, readonly=True,
        ondelete='CASCADE',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, readonly=True,
        ondelete='CASCADE')
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    quantity = fields.Float(
        "Quantity", digits='unit', readonly=True,
        help="The stock of the material in the warehouse when last "
        "checked.")
    min_quantity = fields.Float(
        "Minimal Quantity", digits='unit', readonly=True)
    target_quantity = fields.Float(
        "Target Quantity", digits='unit', readonly=True)
    date = fields.Date("Date", required=True, readonly=True,
        help="The day the stock fell below the minimal quantity.")
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    requests = fields.Function(fields.One2Many(
            'purchase.request', None, "Purchase Requests", readonly=True),
        'get_requests', setter='set_requests')
    description = fields.Function(
        fields.Char("Description"), 'get_description')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.order_point, Index.Range()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['open', 'requested'])),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'handle': {
                    'invisible': Eval('state') == 'resolved',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    def get_rec_name(self, name):
        return f'{self.product.rec_name} @ {self.warehouse.rec_name}'

    @classmethod
    def get_requests(cls, alerts, name):
        pool = Pool()
        Request = pool.get('purchase.request')
        result = {a.id: [] for a in alerts}
        by_point = {}
        for alert in alerts:
            by_point.setdefault(str(alert.order_point), []).append(alert)
        for request in Request.search([
                    ('origin', 'in', list(by_point)),
                    ], order=[('id', 'DESC')]):
            for alert in by_point.get(str(request.origin), []):
                # both in UTC: the alert's day is the company's
                if request.create_date >= alert.create_date:
                    result[alert.id].append(request.id)
        return result

    @classmethod
    def set_requests(cls, alerts, name, value):
        "The requests are stock_supply's to make"
        pass

    def get_description(self, name):
        return gettext('hopu_purchase.msg_stock_alert_description',
            product=self.product.rec_name,
            warehouse=self.warehouse.rec_name,
            quantity=self.quantity, minimum=self.min_quantity)

    @classmethod
    def _quantities(cls, order_points, date):
        "The stock of each order point's material in its warehouse at date"
        pool = Pool()
        Product = pool.get('product.product')
        by_warehouse = {}
        for point in order_points:
            by_warehouse.setdefault(point.location.id, set()).add(
                point.product.id)
        quantities = {}
        for warehouse, products in by_warehouse.items():
            with Transaction().set_context(
                    stock_date_end=date, forecast=False):
                quantities.update(Product.products_by_location(
                        [warehouse], with_childs=True,
                        grouping_filter=(list(products),)))
        return {p: quantities.get((p.location.id, p.product.id), 0)
            for p in order_points}

    @classmethod
    def generate(cls, date=None):
        """The scheduled task (and 刷新预警): an alert for each purchase
        order point whose material is below its minimal quantity; open
        alerts of materials back in stock are resolved"""
        pool = Pool()
        OrderPoint = pool.get('stock.order_point')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        points = OrderPoint.search([
                ('type', '=', 'purchase'),
                ('min_quantity', '!=', None),
                ])
        quantities = cls._quantities(points, date)
        current = {a.order_point: a for a in cls.search([
                    ('state', 'in', ['open', 'requested']),
                    ])}
        to_save = []
        for point in points:
            quantity = quantities[point]
            alert = current.pop(point, None)
            if quantity < point.min_quantity:
                if alert is None:
                    alert = cls(
                        order_point=point, company=point.company,
                        product=point.product, warehouse=point.location,
                        date=date, state='open')
                alert.quantity = quantity
                alert.min_quantity = point.min_quantity
                alert.target_quantity = point.target_quantity
                to_save.append(alert)
            elif alert:
                alert.quantity = quantity
                alert.state = 'resolved'
                to_save.append(alert)
        for alert in current.values():
            # its order point is no longer a purchase one
            alert.state = 'resolved'
            to_save.append(alert)
        cls.save(to_save)
        return [a for a in to_save if a.state != 'resolved']

    @classmethod
    @ModelView.button
    def handle(cls, alerts):
        """预警处理: generate the purchase requests (请购单) of the alerts'
        materials in their warehouses"""
        pool = Pool()
        Request = pool.get('purchase.request')
        by_company = {}
        for alert in alerts:
            if alert.state == 'resolved':
                continue
            by_company.setdefault(alert.company, []).append(alert)
        for company, c_alerts in by_company.items():
            # the button is the program's approve right; stock_supply
            # creates the requests as the server (never a client)
            with Transaction().set_context(company=company.id), \
                    without_check_access():
                Request.generate_requests(
                    products=list({a.product for a in c_alerts}),
                    warehouses=list({a.warehouse for a in c_alerts}))
            cls.write(c_alerts, {'state': 'requested'})


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('hopu.stock.alert|generate', "Stock Alerts"))
