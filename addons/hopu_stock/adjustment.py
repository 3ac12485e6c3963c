# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""库存调整 (ERP-3 6.1.4): a document (TZ2026110001) whose lines say by how
much the stock of a material in a location of the warehouse must change and
why. It is 审核-ed through hopu_approval — never by its author — and the
last approval creates the stock moves (from or to the lost and found
location) and does them. Done moves cannot be undone: 反审核 is refused
once the adjustment is done; a new adjustment corrects it."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import AdjustmentError, AdjustmentReadOnlyError

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('done', "Done"),
    ('rejected', "Rejected"),
    ('cancelled', "Cancelled"),
    ]


class Adjustment(ApprovalMixin, Workflow, ModelSQL, ModelView):
    "ERP-3 库存调整: Stock Adjustment"
    __name__ = 'hopu.stock.adjustment'
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True,
        domain=[('type', '=', 'warehouse')],
        states={
            'readonly': (Eval('state') != 'draft') | Eval('lines', [0]),
            })
    date = fields.Date("Date", required=True, states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    lines = fields.One2Many(
        'hopu.stock.adjustment.line', 'adjustment', "Lines",
        states={
            'readonly': (Eval('state') != 'draft') | ~Eval('warehouse'),
            })
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    approvals = fields.One2Many(
        'hopu.approval', 'document', "Approval Flow", readonly=True,
        order=[('round', 'ASC'), ('id', 'ASC')])
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.number, Index.Similarity())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'done'),
            ('submitted', 'rejected'),
            ('rejected', 'draft'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'depends': ['state', 'lines'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'rejected', 'cancelled']),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
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
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def preprocess_values(cls, mode, values):
        "TZ + year and month + serial, from hopu_erp (ERP-8)"
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        Company = pool.get('company.company')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company = values.get('company') or cls.default_company()
            values['number'] = Number.next_number(
                'TZ', date=values.get('date'),
                company=Company(company) if company is not None else None)
        return values

    @classmethod
    def check_modification(
            cls, mode, adjustments, values=None, external=False):
        super().check_modification(
            mode, adjustments, values=values, external=external)
        if mode == 'delete':
            for adjustment in adjustments:
                if adjustment.state not in {'draft', 'cancelled'}:
                    raise AdjustmentReadOnlyError(gettext(
                            'hopu_stock.msg_adjustment_delete',
                            adjustment=adjustment.rec_name))
        elif mode == 'write' and external:
            if set(values or {}) - {'reason'}:
                for adjustment in adjustments:
                    if adjustment.state != 'draft':
                        raise AdjustmentReadOnlyError(gettext(
                                'hopu_stock.msg_adjustment_readonly',
                                adjustment=adjustment.rec_name))

    @classmethod
    def copy(cls, adjustments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('approvals', None)
        return super().copy(adjustments, default=default)

    @property
    def approval_employee(self):
        return None

    @property
    def approval_party(self):
        return None

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, adjustments):
        Pool().get('hopu.approval').cancel_round(adjustments)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, adjustments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, adjustments):
        "提交: the approval round of the rules starts"
        for adjustment in adjustments:
            if not adjustment.lines:
                raise AdjustmentError(gettext(
                        'hopu_stock.msg_adjustment_no_line',
                        adjustment=adjustment.rec_name))
        cls.approval_start(adjustments)

    @classmethod
    @ModelView.button
    def approve(cls, adjustments):
        "审核: approve the step of the adjustment that waits for the user"
        cls.approval_decide(
            [a for a in adjustments if a.state == 'submitted'], 'approved')

    @classmethod
    @ModelView.button
    def reject(cls, adjustments):
        "驳回: reject the step of the adjustment that waits for the user"
        cls.approval_decide(
            [a for a in adjustments if a.state == 'submitted'], 'rejected')

    @classmethod
    @ModelView.button
    def unapprove(cls, adjustments):
        "反审核: refused, the stock moves are done"
        cls.approval_unapprove(adjustments)

    @classmethod
    def approval_done(cls, adjustments):
        cls.do(adjustments)

    @classmethod
    def approval_rejected(cls, adjustments):
        cls.refuse(adjustments)

    def approval_can_unapprove(self):
        "Done stock moves cannot be undone: 反审核 is refused once done"
        return self.state == 'done' and not any(
            l.move and l.move.state == 'done' for l in self.lines)

    @classmethod
    def approval_unapproved(cls, adjustments):
        cls.write(adjustments, {'state': 'draft'})

    @classmethod
    @Workflow.transition('rejected')
    def refuse(cls, adjustments):
        pass

    @classmethod
    @Workflow.transition('done')
    def do(cls, adjustments):
        """The last approval: the moves of the lines are created and done,
        from the lost and found location for a gain, to it for a loss"""
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('hopu.stock.adjustment.line')
        ModelData = pool.get('ir.model.data')
        lost_found = ModelData.get_id('stock', 'location_lost_found')
        lines, moves = [], []
        with without_check_access():
            for adjustment in cls.browse(adjustments):
                for line in adjustment.lines:
                    move = line.get_move(lost_found)
                    if move:
                        lines.append(line)
                        moves.append(move)
            Move.save(moves)
            Move.do(moves)
            for line, move in zip(lines, moves):
                line.move = move
            Line.save(lines)


class AdjustmentLine(ModelSQL, ModelView):
    "ERP-3 库存调整: Stock Adjustment Line"
    __name__ = 'hopu.stock.adjustment.line'

    adjustment = fields.Many2One(
        'hopu.stock.adjustment', "Adjustment", required=True,
        ondelete='CASCADE')
    warehouse = fields.Function(
        fields.Many2One('stock.location', "Warehouse"),
        'on_change_with_warehouse')
    product = fields.Many2One(
        'product.product', "Material", required=True,
        domain=[('type', '=', 'goods')])
    location = fields.Many2One(
        'stock.location', "Location", required=True,
        domain=[
            ('type', '=', 'storage'),
            If(Eval('warehouse'),
                ('parent', 'child_of', [Eval('warehouse', -1)]),
                ()),
            ])
    quantity = fields.Float(
        "Quantity Difference", required=True, digits='unit',
        help="Positive: stock found (盘盈); negative: stock lost (盘亏).")
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    reason = fields.Char("Reason")
    move = fields.Many2One(
        'stock.move', "Move", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('adjustment')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.adjustment, Index.Range())))
        cls._order = [('adjustment', 'ASC'), ('id', 'ASC')]

    @fields.depends('adjustment', '_parent_adjustment.warehouse')
    def on_change_with_warehouse(self, name=None):
        if self.adjustment and self.adjustment.warehouse:
            return self.adjustment.warehouse

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('adjustment', '_parent_adjustment.warehouse', 'location')
    def on_change_adjustment(self):
        if (not self.location and self.adjustment
                and self.adjustment.warehouse):
            self.location = self.adjustment.warehouse.storage_location

    @classmethod
    def default_quantity(cls):
        return 0

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names and 'quantity' not in field_names:
            return
        for line in lines:
            if not line.quantity:
                raise AdjustmentError(gettext(
                        'hopu_stock.msg_adjustment_line_zero',
                        product=line.product.rec_name))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            for line in lines:
                if line.adjustment.state != 'draft':
                    raise AdjustmentReadOnlyError(gettext(
                            'hopu_stock.msg_adjustment_readonly',
                            adjustment=line.adjustment.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Adjustment = pool.get('hopu.stock.adjustment')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('adjustment') is not None:
            adjustment = Adjustment(values['adjustment'])
            if adjustment.state != 'draft':
                raise AdjustmentReadOnlyError(gettext(
                        'hopu_stock.msg_adjustment_readonly',
                        adjustment=adjustment.rec_name))
        return values

    def get_move(self, lost_found):
        "The stock move of the line: a gain comes from lost and found"
        pool = Pool()
        Move = pool.get('stock.move')
        if not self.quantity:
            return
        adjustment = self.adjustment
        gain = self.quantity > 0
        return Move(
            product=self.product,
            unit=self.product.default_uom,
            quantity=abs(self.quantity),
            from_location=lost_found if gain else self.location,
            to_location=self.location if gain else lost_found,
            company=adjustment.company,
            planned_date=adjustment.date,
            effective_date=adjustment.date,
            origin=self,
            )
