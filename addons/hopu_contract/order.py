# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-5 change orders and CON-6 termination orders.

A change order holds a proposed copy of the contract's fields, lines and
commission; its diff shows before → after. Approved (CON-4 flow), the
contract keeps its old values in a numbered version and takes the new ones.
A termination order, approved, terminates the contract and flags the
customer for a demotion review (CRM-18)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .commission import CommissionMixin, check_commission_total
from .contract_line import LineMixin
from .document import (
    ApprovalDocumentMixin, ParentLockedMixin, internal, is_internal)
from .exceptions import ContractReadOnlyError, ContractValidationError

ORDER_STATES = [
    ('draft', "Draft"),
    ('submitted', "Pending Approval"),
    ('approved', "Approved"),
    ('cancelled', "Cancelled"),
    ]
# Fields a change order may change, in the order the diff shows them
CHANGE_FIELDS = [
    'amount', 'signing_date', 'start_date', 'end_date', 'salesperson',
    'payment_terms', 'delivery_terms', 'description',
    ]


class OrderMixin(ApprovalDocumentMixin):
    "What change and termination orders share: states, approval, locking"
    __slots__ = ()

    state = fields.Selection(
        ORDER_STATES, "State", readonly=True, required=True)
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    approvals = fields.One2Many(
        'hopu.approval', 'document', "Approval Flow", readonly=True,
        order=[('round', 'ASC'), ('id', 'ASC')])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'approved'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @property
    def approval_contract(self):
        return self.contract

    @fields.depends('contract', '_parent_contract.currency')
    def on_change_with_currency(self, name=None):
        return self.contract.currency if self.contract else None

    @classmethod
    def create(cls, vlist):
        # Kept: only here, not in preprocess_values, is a client's call known
        if not is_internal():
            vlist = [{**values, 'state': 'draft'} for values in vlist]
        return super().create(vlist)

    @classmethod
    def check_modify(cls, orders, values=None, external=None):
        """Refuse a client's change of the orders but in draft
        (CON-5/CON-6); values None: a change of their lines or commission
        shares"""
        if is_internal(external):
            return
        for order in orders:
            if values is not None and {'state', 'number'} & set(values):
                raise ContractReadOnlyError(gettext(
                        'hopu_contract.msg_order_readonly',
                        order=order.rec_name))
            if order.state != 'draft':
                raise ContractReadOnlyError(gettext(
                        'hopu_contract.msg_order_readonly',
                        order=order.rec_name))

    @classmethod
    def check_modification(cls, mode, orders, values=None, external=False):
        super().check_modification(
            mode, orders, values=values, external=external)
        if mode == 'create':
            for order in orders:
                order.check_contract()
        elif mode == 'write':
            cls.check_modify(orders, values, external=external)
        elif mode == 'delete':
            for order in orders:
                if (order.state not in {'draft', 'cancelled'}
                        or order.approvals):
                    raise ContractReadOnlyError(gettext(
                            'hopu_contract.msg_order_delete',
                            order=order.rec_name))

    def check_contract(self):
        if self.contract.state != 'approved':
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_order_contract_state',
                    contract=self.contract.rec_name))

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} #{self.id}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('contract.rec_name',) + tuple(clause[1:])]

    @classmethod
    def copy(cls, orders, default=None):
        default = default.copy() if default else {}
        default.setdefault('state', 'draft')
        default.setdefault('approvals', None)
        if 'version' in cls._fields:
            default.setdefault('version', None)
        return super().copy(orders, default=default)

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('submitted')
    def submit(cls, orders):
        for order in orders:
            order.check_contract()
            order.check_submit()
            others = [o for o in cls.search([
                        ('contract', '=', order.contract.id),
                        ('state', '=', 'submitted'),
                        ('id', '!=', order.id),
                        ])]
            if others:
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_contract_order_pending',
                        contract=order.contract.rec_name))
        cls.approval_start(orders)

    @classmethod
    @internal
    @Workflow.transition('draft')
    def reject(cls, orders):
        pass

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        pass

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('draft')
    def draft(cls, orders):
        pass


class Change(OrderMixin, Workflow, ModelSQL, ModelView):
    "Contract Change Order"
    __name__ = 'hopu.contract.change'

    _draft = {'readonly': Eval('state') != 'draft'}

    contract = fields.Many2One(
        'hopu.contract', "Contract", required=True, ondelete='RESTRICT',
        domain=[If(Eval('state') == 'draft',
                ('state', '=', 'approved'), ())],
        states={'readonly': Eval('id', -1) >= 0})
    contract_type = fields.Function(
        fields.Selection('get_contract_types', "Contract Type"),
        'on_change_with_contract_type')
    reason = fields.Text("Reason for Change", states=_draft)
    amount = Monetary(
        "Contract Amount", currency='currency', digits='currency',
        required=True, states=_draft)
    signing_date = fields.Date("Signing Date", required=True, states=_draft)
    start_date = fields.Date("Start Date", required=True, states=_draft)
    end_date = fields.Date("End Date", required=True, states=_draft)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True, states=_draft)
    payment_terms = fields.Text("Payment Terms", states=_draft)
    delivery_terms = fields.Text("Delivery Terms", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('contract_type') != 'product',
            })
    description = fields.Text("Remarks", states=_draft)
    lines = fields.One2Many(
        'hopu.contract.change.line', 'change', "Lines", states=_draft)
    commissions = fields.One2Many(
        'hopu.contract.change.commission', 'change', "Commission Accrual",
        states=_draft)
    diff = fields.Function(fields.Text("Changes"), 'get_diff')
    version = fields.Many2One(
        'hopu.contract.version', "Old Version", readonly=True)

    del _draft

    @classmethod
    def get_contract_types(cls):
        pool = Pool()
        Contract = pool.get('hopu.contract')
        return Contract.fields_get(['type'])['type']['selection']

    @fields.depends('contract', '_parent_contract.type')
    def on_change_with_contract_type(self, name=None):
        return self.contract.type if self.contract else None

    @classmethod
    def values_from_contract(cls, contract):
        values = {'contract': contract.id}
        for name in CHANGE_FIELDS:
            value = getattr(contract, name)
            values[name] = value.id if hasattr(value, 'id') else value
        values['lines'] = [('create', [
                    l.line_values() for l in contract.lines])]
        values['commissions'] = [('create', [
                    c.commission_values() for c in contract.commissions])]
        return values

    @fields.depends('contract', *CHANGE_FIELDS, 'lines', 'commissions')
    def on_change_contract(self):
        pool = Pool()
        Line = pool.get('hopu.contract.change.line')
        Commission = pool.get('hopu.contract.change.commission')
        if not self.contract:
            return
        for name in CHANGE_FIELDS:
            setattr(self, name, getattr(self.contract, name))
        lines = []
        for contract_line in self.contract.lines:
            line = Line(**contract_line.line_values())
            # the client shows what it receives: the computed columns too
            line.contract_type = self.contract.type
            line.currency = self.contract.currency
            line.amount = line.on_change_with_amount()
            lines.append(line)
        self.lines = lines
        currency = self.contract.currency
        self.commissions = [
            Commission(**c.commission_values(), currency=currency)
            for c in self.contract.commissions]

    @fields.depends('lines', 'amount')
    def on_change_lines(self):
        "The amount follows the lines, as on the contract"
        if self.lines:
            self.amount = sum(
                (getattr(l, 'amount', None) or 0 for l in self.lines),
                Decimal(0))

    @property
    def approval_amount(self):
        return self.amount

    @property
    def approval_salesperson(self):
        return self.contract.salesperson

    @staticmethod
    def _format(value):
        if value is None or value == '':
            return '—'
        if hasattr(value, 'rec_name'):
            return value.rec_name
        if isinstance(value, Decimal):
            return f'{value:.2f}'
        return str(value)

    @staticmethod
    def _lines_text(lines):
        return '; '.join(
            f'{l.description} {l.quantity:g} × {l.unit_price:.2f}'
            for l in lines) or '—'

    @staticmethod
    def _commissions_text(commissions):
        def share(c):
            return (f'{c.share_percent:.2f}%' if c.share_type == 'percent'
                else f'{c.share_fixed:.2f}')
        return '; '.join(
            f'{c.salesperson.rec_name} {share(c)} @ {c.rate:.2f}%'
            for c in commissions) or '—'

    def _diff_pairs(self, before):
        """(label, before, after) of what changes; before is the contract
        or the version the change left behind"""
        pairs = []
        fields_ = self.fields_get(CHANGE_FIELDS + ['lines', 'commissions'])
        for name in CHANGE_FIELDS:
            old, new = getattr(before, name), getattr(self, name)
            if self._format(old) != self._format(new):
                pairs.append((fields_[name]['string'],
                        self._format(old), self._format(new)))
        old, new = (self._lines_text(before.lines),
            self._lines_text(self.lines))
        if old != new:
            pairs.append((fields_['lines']['string'], old, new))
        old, new = (self._commissions_text(before.commissions),
            self._commissions_text(self.commissions))
        if old != new:
            pairs.append((fields_['commissions']['string'], old, new))
        return pairs

    def get_diff(self, name):
        before = self.version if self.version else self.contract
        return '\n'.join(f'{label}: {old} → {new}'
            for label, old, new in self._diff_pairs(before))

    def check_submit(self):
        if not (self.reason or '').strip():
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_change_reason',
                    order=self.rec_name))
        if not self._diff_pairs(self.contract):
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_change_nothing',
                    order=self.rec_name))
        if self.end_date <= self.start_date:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_dates',
                    contract=self.rec_name))
        if self.amount <= 0:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_amount',
                    contract=self.rec_name))
        if self.lines:
            total = sum((l.amount for l in self.lines), Decimal(0))
            if total != self.amount:
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_contract_lines_amount',
                        contract=self.rec_name, lines=total,
                        amount=self.amount))
        if self.contract.type == 'product' and not self.lines:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_product_lines',
                    contract=self.rec_name))
        check_commission_total(self, self.amount, self.commissions)

    @classmethod
    @internal
    @Workflow.transition('approved')
    def approve(cls, changes):
        "The contract keeps its old values in a version, takes the new ones"
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Version = pool.get('hopu.contract.version')
        Line = pool.get('hopu.contract.line')
        Commission = pool.get('hopu.contract.commission')
        for change in changes:
            contract = change.contract
            Contract.lock([contract])
            version, = Version.create([
                    {**contract.snapshot(), 'change': change.id}])
            values = {name: getattr(change, name) for name in CHANGE_FIELDS}
            values['salesperson'] = change.salesperson.id
            values['version'] = contract.version + 1
            Line.delete(list(contract.lines))
            Commission.delete(list(contract.commissions))
            Contract.write([contract], values)
            Line.create([{**l.line_values(), 'contract': contract.id}
                    for l in change.lines])
            Commission.create([
                    {**c.commission_values(), 'contract': contract.id}
                    for c in change.commissions])
            cls.write([change], {'version': version.id})


class ChangeLine(ParentLockedMixin, LineMixin, ModelSQL, ModelView):
    "Contract Change Order Line"
    __name__ = 'hopu.contract.change.line'
    _parent_field = 'change'
    change = fields.Many2One(
        'hopu.contract.change', "Change Order", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._contract_type_states(Eval('_parent_change', {}).get(
                'contract_type', Eval('contract_type')))

    @fields.depends('change', '_parent_change.contract_type')
    def on_change_with_contract_type(self, name=None):
        return self.change.contract_type if self.change else None

    @fields.depends('change', '_parent_change.currency')
    def on_change_with_currency(self, name=None):
        return self.change.currency if self.change else None


class ChangeCommission(
        ParentLockedMixin, CommissionMixin, ModelSQL, ModelView):
    "Contract Change Order Commission"
    __name__ = 'hopu.contract.change.commission'
    _parent_field = 'change'
    change = fields.Many2One(
        'hopu.contract.change', "Change Order", required=True,
        ondelete='CASCADE')

    @fields.depends('change', '_parent_change.currency')
    def on_change_with_currency(self, name=None):
        return self.change.currency if self.change else None


class Termination(OrderMixin, Workflow, ModelSQL, ModelView):
    "Contract Termination Order"
    __name__ = 'hopu.contract.termination'

    _draft = {'readonly': Eval('state') != 'draft'}

    contract = fields.Many2One(
        'hopu.contract', "Contract", required=True, ondelete='RESTRICT',
        domain=[If(Eval('state') == 'draft',
                ('state', '=', 'approved'), ())],
        states={'readonly': Eval('id', -1) >= 0})
    reason = fields.Text(
        "Reason for Termination", states=_draft)
    effective_date = fields.Date(
        "Effective Date", required=True, states=_draft)
    settlement_amount = Monetary(
        "Settlement / Refund Amount", currency='currency', digits='currency',
        states=_draft,
        help="Positive: the customer pays; negative: refunded.")

    del _draft

    @staticmethod
    def default_settlement_amount():
        return Decimal(0)

    @property
    def approval_amount(self):
        return self.contract.amount

    def check_submit(self):
        if not (self.reason or '').strip():
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_termination_reason',
                    order=self.rec_name))
        if self.effective_date < self.contract.start_date:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_termination_date',
                    order=self.rec_name))

    @classmethod
    @internal
    @Workflow.transition('approved')
    def approve(cls, terminations):
        "The contract is terminated, the customer flagged for review"
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Party = pool.get('party.party')
        for termination in terminations:
            contract = termination.contract
            Contract.terminate([contract], termination.effective_date)
            with Transaction().set_context(_check_access=False):
                Party.write([contract.party], {
                        'contract_demotion_review': True})
