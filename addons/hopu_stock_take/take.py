# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-3 6.2 库存盘点 on Tryton's stock.inventory.

A stock-take plan (盘点计划, hopu.stock.take) says which warehouse and
locations, which materials (all, by category or a list), when and who is in
charge. 开始盘点 makes one stock.inventory per location (the 盘点单, counting
sheets) with its lines and freezes their expected quantities and cost
prices; the counts are entered on the lines (a narrow list for a phone) and
printed on paper. The differences (counted − expected, valued at the cost
price) are submitted for 审核 through hopu_approval; the approval confirms
the inventories, so that Tryton makes the stock moves. Nothing of the
counting or of the moves is re-implemented here."""
from decimal import Decimal
from functools import wraps

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.modules.hopu_sysadmin.report import SofficeReport
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import StockTakeError

INTERNAL = '_hopu_stock_take_internal'
SCOPES = [
    ('all', "All Materials in Stock"),
    ('category', "Materials of Categories"),
    ('list', "Listed Materials"),
    ]
STATES = [
    ('draft', "Draft"),
    ('counting', "Counting"),
    ('submitted', "Pending Approval"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
# Fields only the plan's own workflow writes
INTERNAL_FIELDS = {'number', 'state', 'company', 'inventories', 'started',
    'approved_by', 'approved_date'}


def internal(func):
    "Run func as the plan's own workflow"
    @wraps(func)
    def wrapper(*args, **kwargs):
        with Transaction().set_context(**{INTERNAL: True}):
            return func(*args, **kwargs)
    return wrapper


def is_internal(external):
    return not external or bool(Transaction().context.get(INTERNAL))


class StockTake(ApprovalMixin, Workflow, ModelSQL, ModelView):
    "Stock Take"
    __name__ = 'hopu.stock.take'
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': True})
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')], states=_draft)
    locations = fields.Many2Many(
        'hopu.stock.take-stock.location', 'take', 'location', "Locations",
        domain=[
            ('type', '=', 'storage'),
            If(Bool(Eval('warehouse')),
                ('parent', 'child_of', [Eval('warehouse', -1)]),
                ()),
            ],
        states=_draft,
        help="The storage locations counted; "
        "empty: the warehouse's storage location.")
    scope = fields.Selection(
        SCOPES, "Material Scope", required=True, states=_draft)
    categories = fields.Many2Many(
        'hopu.stock.take-product.category', 'take', 'category',
        "Categories",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('scope') != 'category',
            'required': (Eval('scope') == 'category')
            & (Eval('state') == 'draft'),
            })
    products = fields.Many2Many(
        'hopu.stock.take-product.product', 'take', 'product', "Materials",
        domain=[('type', '=', 'goods')],
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('scope') != 'list',
            'required': (Eval('scope') == 'list')
            & (Eval('state') == 'draft'),
            })
    planned_date = fields.Date("Planned Date", required=True, states=_draft)
    employee = fields.Many2One(
        'company.employee', "Person in Charge", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    description = fields.Text("Remarks", states=_draft)
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    started = fields.Date("Counting Started", readonly=True)
    inventories = fields.One2Many(
        'stock.inventory', 'stock_take', "Counting Sheets", readonly=True)
    lines = fields.Function(fields.Many2Many(
            'stock.inventory.line', None, None, "Differences"),
        'get_lines')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    line_count = fields.Function(
        fields.Integer("Lines"), 'get_totals')
    counted_count = fields.Function(
        fields.Integer("Counted"), 'get_totals')
    difference_count = fields.Function(
        fields.Integer("Lines with a Difference"), 'get_totals')
    gain_amount = fields.Function(Monetary(
            "Gain Amount", currency='currency', digits='currency'),
        'get_totals')
    loss_amount = fields.Function(Monetary(
            "Loss Amount", currency='currency', digits='currency'),
        'get_totals')
    difference_amount = fields.Function(Monetary(
            "Difference Amount", currency='currency', digits='currency'),
        'get_totals')
    approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='RESTRICT')
    approved_date = fields.Date("Approval Date", readonly=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.number.search_unaccented = False
        cls._order = [('planned_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'counting'),
            ('counting', 'submitted'),
            ('submitted', 'counting'),
            ('submitted', 'done'),
            ('draft', 'cancelled'),
            ('counting', 'cancelled'),
            }
        cls._buttons.update({
                'start': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'counting',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'unapprove': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'counting']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_scope():
        return 'all'

    @staticmethod
    def default_employee():
        return Transaction().context.get('employee')

    @classmethod
    def default_planned_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('warehouse.rec_name', operator, operand, *extra),
            ]

    def get_lines(self, name):
        return [l.id for i in self.inventories for l in i.lines]

    @classmethod
    def get_totals(cls, takes, names):
        result = {n: {} for n in names}
        for take in takes:
            lines = [l for i in take.inventories for l in i.lines]
            amounts = [l.difference_amount or 0 for l in lines]
            values = {
                'line_count': len(lines),
                'counted_count': len(
                    [l for l in lines if l.quantity is not None]),
                'difference_count': len(
                    [l for l in lines if l.difference_quantity]),
                'gain_amount': sum((a for a in amounts if a > 0), Decimal(0)),
                'loss_amount': sum((a for a in amounts if a < 0), Decimal(0)),
                'difference_amount': sum(amounts, Decimal(0)),
                }
            for name in names:
                result[name][take.id] = values[name]
        return result

    # Approval (hopu_approval)

    @property
    def approval_employee(self):
        return self.employee

    @property
    def approval_amount(self):
        "The value of the differences, gains and losses alike"
        return self.gain_amount - self.loss_amount

    @property
    def approval_party(self):
        return None

    # CRUD

    @classmethod
    def create(cls, vlist):
        # Kept: only here is a client's call known
        if Transaction().check_access and not Transaction().context.get(
                INTERNAL):
            vlist = [{
                    **{k: v for k, v in values.items()
                        if k not in INTERNAL_FIELDS - {'company'}},
                    'state': 'draft',
                    } for values in vlist]
        return super().create(vlist)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values.setdefault('company', cls.default_company())
            values['number'] = Number.next_number(
                'PD', company=values['company'])
        return values

    @classmethod
    def check_modification(cls, mode, takes, values=None, external=False):
        super().check_modification(
            mode, takes, values=values, external=external)
        if mode == 'write' and not is_internal(external):
            for take in takes:
                if INTERNAL_FIELDS & set(values) or take.state != 'draft':
                    raise StockTakeError(gettext(
                            'hopu_stock_take.msg_take_readonly',
                            take=take.rec_name))
        elif mode == 'delete':
            for take in takes:
                if take.state not in {'draft', 'cancelled'} or (
                        take.state == 'cancelled' and take.inventories):
                    raise StockTakeError(gettext(
                            'hopu_stock_take.msg_take_delete',
                            take=take.rec_name))

    @classmethod
    def copy(cls, takes, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'inventories', 'started', 'approved_by',
                'approved_date']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(takes, default=default)

    # 6.2.1 → 6.2.2: the counting sheets

    def counted_locations(self):
        if self.locations:
            return list(self.locations)
        if not self.warehouse.storage_location:
            raise StockTakeError(gettext(
                    'hopu_stock_take.msg_take_no_location',
                    take=self.rec_name))
        return [self.warehouse.storage_location]

    def chosen_products(self):
        "The materials of the plan, or None for every material in stock"
        pool = Pool()
        Product = pool.get('product.product')
        domain = [('type', '=', 'goods'), ('consumable', '=', False)]
        if self.scope == 'category':
            return Product.search(domain + [
                    ('template.categories', 'child_of',
                        [c.id for c in self.categories], 'parent'),
                    ], order=[('code', 'ASC'), ('id', 'ASC')])
        elif self.scope == 'list':
            return [p for p in self.products
                if p.type == 'goods' and not p.consumable]
        return None

    def sheet_values(self, date):
        "The values of the counting sheets, their lines frozen now"
        pool = Pool()
        Product = pool.get('product.product')
        products = self.chosen_products()
        values = []
        for i, location in enumerate(self.counted_locations(), 1):
            with Transaction().set_context(
                    company=self.company.id, stock_date_end=date):
                if products is None:
                    pbl = Product.products_by_location(
                        [location.id], grouping=('product',))
                    quantities = {key[1]: qty for key, qty in pbl.items()
                        if qty}
                    chosen = [p for p in Product.browse(list(quantities))
                        if p.type == 'goods' and not p.consumable]
                else:
                    pbl = Product.products_by_location(
                        [location.id], grouping=('product',),
                        grouping_filter=([p.id for p in products],))
                    quantities = {key[1]: qty for key, qty in pbl.items()}
                    chosen = products
            with Transaction().set_context(company=self.company.id):
                lines = [{
                        'product': p.id,
                        'expected_quantity': quantities.get(p.id, 0.0),
                        'cost_price': p.cost_price,
                        } for p in Product.browse(chosen)]
            values.append({
                    'number': f'{self.number}-{i:02d}',
                    'stock_take': self.id,
                    'company': self.company.id,
                    'location': location.id,
                    'date': date,
                    'empty_quantity': None,
                    'lines': [('create', lines)],
                    })
        return values

    # Buttons

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('counting')
    def start(cls, takes):
        """6.2.2 开始盘点: one counting sheet (stock.inventory) per location
        with the expected quantities of now"""
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Date = pool.get('ir.date')
        today = Date.today()
        for take in takes:
            for location in take.counted_locations():
                if location.type != 'storage' or not (
                        location.left >= take.warehouse.left
                        and location.right <= take.warehouse.right):
                    raise StockTakeError(gettext(
                            'hopu_stock_take.msg_take_location_warehouse',
                            take=take.rec_name, location=location.rec_name,
                            warehouse=take.warehouse.rec_name))
        vlist = [v for t in takes for v in t.sheet_values(today)]
        Inventory.create(vlist)
        cls.write(takes, {'started': today})

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('submitted')
    def submit(cls, takes):
        "6.2.3 盘点差异处理: every line counted, the differences to 审核"
        for take in takes:
            missing = [l for l in take.lines if l.quantity is None]
            if missing:
                raise StockTakeError(gettext(
                        'hopu_stock_take.msg_take_not_counted',
                        take=take.rec_name, count=len(missing),
                        line=missing[0].rec_name))
        cls.approval_start(takes)

    @classmethod
    @ModelView.button
    def approve(cls, takes):
        "审核: approve the pending step that waits for the user"
        cls.approval_decide(takes, 'approved')

    @classmethod
    @ModelView.button
    def reject(cls, takes):
        "驳回: the plan goes back to counting"
        cls.approval_decide(takes, 'rejected')

    @classmethod
    @ModelView.button
    def unapprove(cls, takes):
        "反审核: refused once the inventories are confirmed"
        cls.approval_unapprove(takes)

    @classmethod
    @internal
    def approval_done(cls, takes):
        cls.confirm(takes)

    @classmethod
    @internal
    def approval_rejected(cls, takes):
        cls.recount(takes)

    def approval_can_unapprove(self):
        "反审核 only while no counting sheet is confirmed (no stock move)"
        return self.state == 'done' and not any(
            i.state == 'done' for i in self.inventories)

    @classmethod
    @internal
    @Workflow.transition('counting')
    def approval_unapproved(cls, takes):
        cls.write(takes, {'approved_by': None, 'approved_date': None})

    @classmethod
    @internal
    @Workflow.transition('counting')
    def recount(cls, takes):
        "Rejected: back to counting"
        pass

    @classmethod
    @internal
    @Workflow.transition('done')
    def confirm(cls, takes):
        """Approved: the counting sheets are confirmed and Tryton makes the
        stock moves of the differences"""
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Date = pool.get('ir.date')
        Inventory.confirm([i for t in takes for i in t.inventories
                if i.state == 'draft'])
        cls.write(takes, {
                'approved_by': Transaction().user,
                'approved_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('cancelled')
    def cancel(cls, takes):
        "The plan is given up: its counting sheets are cancelled"
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Inventory.cancel([i for t in takes for i in t.inventories
                if i.state == 'draft'])


class _TakeRelation(ModelSQL):
    "What the plan lists belongs to the plan (__access__)"
    __slots__ = ()
    take = fields.Many2One(
        'hopu.stock.take', "Stock Take", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('take')

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        pool = Pool()
        Take = pool.get('hopu.stock.take')
        super().check_modification(
            mode, records, values=values, external=external)
        takes = {r.take for r in records}
        if mode == 'write' and values.get('take') is not None:
            takes.add(Take(values['take']))
        if not is_internal(external):
            for take in takes:
                if take.state != 'draft':
                    raise StockTakeError(gettext(
                            'hopu_stock_take.msg_take_readonly',
                            take=take.rec_name))


class StockTakeLocation(_TakeRelation):
    "Stock Take - Location"
    __name__ = 'hopu.stock.take-stock.location'
    location = fields.Many2One(
        'stock.location', "Location", required=True, ondelete='CASCADE')


class StockTakeCategory(_TakeRelation):
    "Stock Take - Category"
    __name__ = 'hopu.stock.take-product.category'
    category = fields.Many2One(
        'product.category', "Category", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The categories are under record rules: a row shows to who may
        # read its category too
        cls.__access__.add('category')


class StockTakeProduct(_TakeRelation):
    "Stock Take - Material"
    __name__ = 'hopu.stock.take-product.product'
    product = fields.Many2One(
        'product.product', "Material", required=True, ondelete='CASCADE')


class Inventory(metaclass=PoolMeta):
    """A counting sheet (盘点单) of a stock-take plan: confirmed, cancelled
    and completed only by its plan"""
    __name__ = 'stock.inventory'
    stock_take = fields.Many2One(
        'hopu.stock.take', "Stock Take", readonly=True, ondelete='RESTRICT')

    @classmethod
    def _check_take(cls, inventories):
        if Transaction().context.get(INTERNAL):
            return
        for inventory in inventories:
            if inventory.stock_take:
                raise StockTakeError(gettext(
                        'hopu_stock_take.msg_inventory_take',
                        inventory=inventory.rec_name,
                        take=inventory.stock_take.rec_name))

    @classmethod
    def confirm(cls, inventories):
        cls._check_take(inventories)
        super().confirm(inventories)

    @classmethod
    def cancel(cls, inventories):
        cls._check_take(inventories)
        super().cancel(inventories)

    @classmethod
    def complete_lines(cls, inventories, fill=True):
        # The expected quantities of a plan's sheet are frozen when the
        # counting starts (6.2.2)
        super().complete_lines(
            [i for i in inventories if not i.stock_take], fill=fill)

    @classmethod
    def check_modification(
            cls, mode, inventories, values=None, external=False):
        super().check_modification(
            mode, inventories, values=values, external=external)
        if is_internal(external):
            return
        # The sheets of a plan are made, changed and removed by their plan
        if mode == 'write' and values.get('stock_take'):
            raise StockTakeError(gettext(
                    'hopu_stock_take.msg_inventory_take',
                    inventory=inventories[0].rec_name,
                    take=str(values['stock_take'])))
        cls._check_take(inventories)

    @classmethod
    def copy(cls, inventories, default=None):
        default = default.copy() if default else {}
        default.setdefault('stock_take', None)
        return super().copy(inventories, default=default)


class InventoryLine(metaclass=PoolMeta):
    """A line of a counting sheet: the count typed on a phone, the
    difference valued at the cost price frozen when counting started"""
    __name__ = 'stock.inventory.line'
    stock_take = fields.Function(fields.Many2One(
            'hopu.stock.take', "Stock Take"),
        'get_stock_take', searcher='search_stock_take')
    take_state = fields.Function(fields.Selection(
            STATES + [(None, "")], "Stock Take State"),
        'get_stock_take', searcher='search_stock_take')
    cost_price = fields.Numeric(
        "Cost Price", digits=price_digits, readonly=True,
        help="The cost price of the material when the counting started.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    difference_quantity = fields.Function(
        fields.Float("Difference", digits='unit'), 'get_difference')
    difference_amount = fields.Function(Monetary(
            "Difference Amount", currency='currency', digits='currency'),
        'get_difference')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Counted on the phone only while the plan counts
        cls.quantity.states = {
            **cls.quantity.states,
            'readonly': (cls.quantity.states.get('readonly', False)
                | (Bool(Eval('take_state'))
                    & (Eval('take_state') != 'counting'))),
            }
        cls.quantity.depends.add('take_state')

    def get_stock_take(self, name):
        take = self.inventory.stock_take
        if name == 'take_state':
            return take.state if take else None
        return take.id if take else None

    @classmethod
    def search_stock_take(cls, name, clause):
        nested = clause[0][len(name):]
        field = 'stock_take' if name == 'stock_take' else 'stock_take.state'
        return [(f'inventory.{field}' + nested, *clause[1:])]

    def get_currency(self, name):
        return self.inventory.company.currency.id

    def get_difference(self, name):
        if self.quantity is None:
            return None
        difference = self.unit.round(
            self.quantity - (self.expected_quantity or 0))
        if name == 'difference_quantity':
            return difference
        if self.cost_price is None:
            return None
        currency = self.inventory.company.currency
        return currency.round(
            Decimal(str(difference)) * self.cost_price)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        super().check_modification(
            mode, lines, values=values, external=external)
        if is_internal(external):
            return
        inventories = {l.inventory for l in lines}
        if mode == 'write' and values.get('inventory') is not None:
            inventories.add(Inventory(values['inventory']))
        for inventory in inventories:
            take = inventory.stock_take
            if not take:
                continue
            # A count, on a sheet of a plan being counted: nothing else
            if (mode != 'write' or set(values) - {'quantity'}
                    or take.state != 'counting'):
                raise StockTakeError(gettext(
                        'hopu_stock_take.msg_line_take',
                        inventory=inventory.rec_name,
                        take=take.rec_name))


class _TakeReportMixin:
    __slots__ = ()

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Lang = pool.get('ir.lang')
        context = super().get_context(records, header, data)
        lang = Lang.get()

        def number(value, digits=2):
            if value is None:
                return ''
            return lang.format_number(value, digits=digits, grouping=True)
        context['number'] = number
        context['states'] = dict(
            pool.get('hopu.stock.take').fields_get(
                ['state'])['state']['selection'])
        return context


class CountingSheet(_TakeReportMixin, SofficeReport):
    """6.2.2 盘点单: the counting sheets of the plans, a blank count
    column for the pen (the template counting_sheet.fodt, converted to
    PDF by LibreOffice)"""
    __name__ = 'hopu.stock.take.counting_sheet'


class TakeReport(_TakeReportMixin, SofficeReport):
    """6.2.4 盘点报告: the differences of the plans in quantity and value
    per material and location, and each plan's state"""
    __name__ = 'hopu.stock.take.report'
