# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The contract (CON-1 service contracts, CON-3 product sales contracts):
its workflow from draft to approval (CON-4), renewal (CON-7) and closing
(CON-8), and its entry rules (CON-9).

A contract is edited only in draft. Once submitted it changes only through
its approval (CON-4), its change orders (CON-5), its termination order
(CON-6) or closing (CON-8): check_modification refuses anything else on the
server, whatever the client shows. Its lines are in contract_line.py, its
commission shares in commission.py, its versions in version.py and its sale
order in sale.py."""
import datetime as dt

from sql import Cast
from sql.conditionals import Coalesce, NullIf

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.hopu_sysadmin.party import RecNameColumnMixin
from trytond.modules.hopu_sysadmin.sqlcolumn import SQLColumn
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction, without_check_access

from .alert import contract_expiry_days
from .commission import check_commission_total
from .document import ZERO, ApprovalDocumentMixin, internal, is_internal
from .exceptions import ContractReadOnlyError, ContractValidationError
from .sale import ContractSaleMixin

CONTRACT_TYPES = [
    ('service', "Service Contract"),
    ('product', "Product Sales Contract"),
    ]
STATES = [
    ('draft', "Draft"),
    ('submitted', "Pending Approval"),
    ('approved', "Effective"),
    ('terminated', "Terminated"),
    ('closed', "Closed"),
    ]
# Fields only the contract's own workflow and orders write
INTERNAL_FIELDS = {
    'state', 'number', 'company', 'version', 'sale', 'approved_date',
    'terminated_date', 'closed_date', 'renewal_of', 'approvals', 'versions',
    'renewals', 'changes', 'terminations',
    }
# Fields that may still be written on an effective contract (CON-8)
EFFECTIVE_WRITABLE = {'close_reason'}


class Contract(
        RecNameColumnMixin, ContractSaleMixin, ApprovalDocumentMixin,
        Workflow, ModelSQL, ModelView):
    "Contract"
    __name__ = 'hopu.contract'
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': True})
    number = fields.Char("Number", readonly=True)
    type = fields.Selection(
        CONTRACT_TYPES, "Type", required=True, states=_draft)
    party = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='RESTRICT',
        states=_draft,
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Contracts are made with existing customers only.")
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True,
        ondelete='RESTRICT', states=_draft)
    signing_date = fields.Date("Signing Date", required=True, states=_draft)
    start_date = fields.Date("Start Date", required=True, states=_draft)
    end_date = fields.Date(
        "End Date", required=True, states=_draft,
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>', Eval('start_date')), ())])
    # the company's, read in the SELECT of the contracts (a list of 80
    # contracts loaded each one's company otherwise)
    currency = SQLColumn(fields.Many2One('currency.currency', "Currency"))
    amount = Monetary(
        "Contract Amount", currency='currency', digits='currency',
        required=True, states=_draft)
    payment_terms = fields.Text("Payment Terms", states=_draft)
    delivery_terms = fields.Text(
        "Delivery Terms", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('type') != 'product',
            })
    description = fields.Text("Remarks", states=_draft)
    lines = fields.One2Many(
        'hopu.contract.line', 'contract', "Lines", states=_draft)
    lines_amount = fields.Function(
        Monetary("Lines Total", currency='currency', digits='currency'),
        'on_change_with_lines_amount')
    commissions = fields.One2Many(
        'hopu.contract.commission', 'contract', "Commission Accrual",
        states=_draft)
    create_sale = fields.Boolean(
        "Create Sale Order on Approval", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('type') != 'product',
            })
    sale = fields.Many2One(
        'sale.sale', "Sale Order", readonly=True, ondelete='RESTRICT',
        states={'invisible': Eval('type') != 'product'})
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    state_string = state.translated('state')
    version = fields.Integer("Version", readonly=True)
    approved_date = fields.Date("Effective Date", readonly=True)
    approvals = fields.One2Many(
        'hopu.approval', 'contract', "Approval Flow", readonly=True,
        order=[('id', 'ASC')])
    versions = fields.One2Many(
        'hopu.contract.version', 'contract', "Versions", readonly=True)
    changes = fields.One2Many(
        'hopu.contract.change', 'contract', "Change Orders", readonly=True)
    terminations = fields.One2Many(
        'hopu.contract.termination', 'contract', "Termination Orders",
        readonly=True)
    renewal_of = fields.Many2One(
        'hopu.contract', "Renewal Of", readonly=True, ondelete='RESTRICT')
    renewals = fields.One2Many(
        'hopu.contract', 'renewal_of', "Renewals", readonly=True)
    terminated_date = fields.Date("Termination Date", readonly=True)
    close_reason = fields.Text(
        "Close Reason", states={
            'readonly': Eval('state') != 'approved',
            'invisible': ~Eval('state').in_(['approved', 'closed']),
            })
    closed_date = fields.Date("Closing Date", readonly=True)
    expiring = fields.Function(
        fields.Boolean("Expiring"), 'get_expiring',
        searcher='search_expiring')

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('signing_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.salesperson, Index.Range()),
                    (t.state, Index.Equality())),
                Index(t, (t.end_date, Index.Range()),
                    where=t.state == 'approved'),
                })
        cls.number.search_unaccented = False
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'approved'),
            ('approved', 'draft'),
            ('approved', 'terminated'),
            ('approved', 'closed'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'renew': {
                    'invisible': ~Eval('state').in_(['approved', 'closed']),
                    'depends': ['state'],
                    },
                'unapprove': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'new_change': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'new_termination': {
                    'invisible': Eval('state') != 'approved',
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
    def default_version():
        return 1

    @staticmethod
    def default_type():
        type_ = Transaction().context.get('contract_type', 'service')
        # the context comes from the client: only a type of contract
        if isinstance(type_, str) and type_ in dict(CONTRACT_TYPES):
            return type_
        return 'service'

    @staticmethod
    def default_salesperson():
        return Transaction().context.get('employee')

    @classmethod
    def default_signing_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('party', 'salesperson')
    def on_change_party(self):
        if self.party and not self.salesperson:
            self.salesperson = self.party.salesperson

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def column_currency(cls, tables):
        Company = Pool().get('company.company')
        contract, _ = tables[None]
        company = Company.__table__()
        return company.select(
            company.currency, where=company.id == contract.company)

    @fields.depends('lines')
    def on_change_with_lines_amount(self, name=None):
        return sum((l.amount or ZERO for l in self.lines or []), ZERO)

    @fields.depends('lines', 'amount')
    def on_change_lines(self):
        if self.lines:
            self.amount = self.on_change_with_lines_amount()

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def column_rec_name(cls, tables):
        "The SQL of get_rec_name (read with the contract's columns)"
        contract, _ = tables[None]
        return Coalesce(
            NullIf(contract.number, ''),
            Cast(contract.id, cls.number.sql_type().base))

    @property
    def approval_contract(self):
        return self

    @property
    def approval_amount(self):
        return self.amount

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('party.name', operator, operand, *extra),
            ]

    def get_expiring(self, name):
        today = Pool().get('ir.date').today()
        days = contract_expiry_days()
        return (self.state == 'approved'
            and self.end_date <= today + dt.timedelta(days=days))

    @classmethod
    def search_expiring(cls, name, clause):
        _, operator, value = clause
        today = Pool().get('ir.date').today()
        domain = [
            ('state', '=', 'approved'),
            ('end_date', '<=',
                today + dt.timedelta(days=contract_expiry_days())),
            ]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    # Constraints (CON-9)

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        for contract in contracts:
            contract.check_entry_rules(field_names)

    def check_entry_rules(self, field_names=None):
        if self.start_date and self.end_date \
                and self.end_date <= self.start_date:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_dates',
                    contract=self.rec_name))
        if self.amount is not None and self.amount <= 0:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_amount',
                    contract=self.rec_name))
        if self.state == 'draft' and self.party \
                and self.party.crm_stage != 'existing':
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_existing_customer',
                    customer=self.party.rec_name))

    def check_submit(self):
        "Entry rules checked when the contract leaves draft"
        self.check_entry_rules()
        if self.type == 'product' and not self.lines:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_product_lines',
                    contract=self.rec_name))
        if self.lines and self.lines_amount != self.amount:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_contract_lines_amount',
                    contract=self.rec_name, lines=self.lines_amount,
                    amount=self.amount))
        for line in self.lines:
            if (line.quantity or 0) <= 0 or (line.unit_price or 0) < 0:
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_line_quantity',
                        contract=self.rec_name))
        check_commission_total(self, self.amount, self.commissions)

    # CRUD

    @classmethod
    def _new_number(cls, company_id, type_):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        sequence_type = ModelData.get_id(
            'hopu_contract', f'sequence_type_contract_{type_}')
        with without_check_access():
            sequences = Sequence.search([
                    ('sequence_type', '=', sequence_type),
                    ('company', '=', company_id),
                    ], limit=1) or Sequence.search([
                        ('sequence_type', '=', sequence_type),
                        ('company', '=', None),
                    ], limit=1)
            if not sequences:
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_contract_no_sequence'))
            return sequences[0].get()

    @classmethod
    def create(cls, vlist):
        # Kept: only here, not in preprocess_values, is a client's call known
        if not is_internal():
            vlist = [{
                    **{k: v for k, v in values.items()
                        if k not in INTERNAL_FIELDS - {'company'}},
                    'state': 'draft',
                    } for values in vlist]
        return super().create(vlist)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values.setdefault('company', cls.default_company())
            values.setdefault('type', cls.default_type())
            values['number'] = cls._new_number(
                values['company'], values['type'])
        return values

    @classmethod
    def check_modify(cls, contracts, values=None, external=None):
        """Refuse a client's change of the contracts but in draft, or of
        the close reason of an effective one (CON-8/CON-9); values None:
        a change of their lines or commission shares"""
        if is_internal(external):
            return
        for contract in contracts:
            if values is not None and INTERNAL_FIELDS & set(values):
                raise ContractReadOnlyError(gettext(
                        'hopu_contract.msg_contract_internal_field',
                        contract=contract.rec_name))
            if contract.state == 'draft':
                continue
            if (values is not None and contract.state == 'approved'
                    and set(values) <= EFFECTIVE_WRITABLE):
                continue
            raise ContractReadOnlyError(gettext(
                    'hopu_contract.msg_contract_readonly',
                    contract=contract.rec_name,
                    state=contract.state_string))

    @classmethod
    def check_modification(
            cls, mode, contracts, values=None, external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        if mode == 'write':
            cls.check_modify(contracts, values, external=external)
        elif mode == 'delete':
            for contract in contracts:
                if contract.state != 'draft' or contract.approvals:
                    raise ContractReadOnlyError(gettext(
                            'hopu_contract.msg_contract_delete',
                            contract=contract.rec_name))

    @classmethod
    def copy(cls, contracts, default=None):
        default = default.copy() if default else {}
        for name in ['approvals', 'versions', 'changes', 'terminations',
                'renewals', 'sale', 'approved_date', 'terminated_date',
                'closed_date', 'close_reason', 'renewal_of', 'number']:
            default.setdefault(name, None)
        default.setdefault('version', 1)
        default.setdefault('state', 'draft')
        return super().copy(contracts, default=default)

    # Buttons

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('submitted')
    def submit(cls, contracts):
        "CON-4: submit for approval; the rules pick the steps"
        for contract in contracts:
            contract.check_submit()
        cls.approval_start(contracts)

    @classmethod
    @internal
    @Workflow.transition('draft')
    def reject(cls, contracts):
        "Called by the approval flow: back to draft"
        pass

    @classmethod
    @internal
    @Workflow.transition('approved')
    def approve(cls, contracts):
        "Called by the approval flow once the last step is approved"
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(contracts, {'approved_date': Date.today()})
        cls.create_sales([c for c in contracts
                if c.type == 'product' and c.create_sale and not c.sale])

    def approval_can_unapprove(self):
        """反审核 (CON-4) while nothing was built on the approval: no sale
        order, change or termination order, version or renewal"""
        return (self.state == 'approved' and not self.sale
            and not self.changes and not self.terminations
            and not self.renewals and self.version == 1)

    @classmethod
    @ModelView.button
    def unapprove(cls, contracts):
        "反审核: an approver takes the approved contract back to draft"
        cls.approval_unapprove(contracts)

    @classmethod
    @internal
    @Workflow.transition('draft')
    def approval_unapproved(cls, contracts):
        cls.write(contracts, {'approved_date': None})

    @classmethod
    @ModelView.button
    @internal
    @Workflow.transition('closed')
    def close(cls, contracts):
        "CON-8: close a finished contract with a reason"
        pool = Pool()
        Date = pool.get('ir.date')
        for contract in contracts:
            if not (contract.close_reason or '').strip():
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_contract_close_reason',
                        contract=contract.rec_name))
            if contract.changes_pending() or contract.terminations_pending():
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_contract_order_pending',
                        contract=contract.rec_name))
        cls.write(contracts, {'closed_date': Date.today()})

    @classmethod
    @internal
    @Workflow.transition('terminated')
    def terminate(cls, contracts, date):
        "Called by an approved termination order (CON-6)"
        cls.write(contracts, {'terminated_date': date})

    def changes_pending(self):
        return [c for c in self.changes if c.state == 'submitted']

    def terminations_pending(self):
        return [t for t in self.terminations if t.state == 'submitted']

    def _renewal_values(self):
        duration = self.end_date - self.start_date
        start = self.end_date + dt.timedelta(days=1)
        return {
            'renewal_of': self.id,
            'start_date': start,
            'end_date': start + duration,
            'signing_date': Pool().get('ir.date').today(),
            }

    @classmethod
    @ModelView.button
    @internal
    def renew(cls, contracts):
        "CON-7: a new draft prefilled from the contract and linked to it"
        renewals = []
        for contract in contracts:
            if contract.state not in {'approved', 'closed'}:
                raise ContractValidationError(gettext(
                        'hopu_contract.msg_contract_renew_state',
                        contract=contract.rec_name))
            renewal, = cls.copy([contract], contract._renewal_values())
            renewals.append(renewal)
        return cls._open_action(
            'hopu_contract.act_contract_form', renewals)

    @classmethod
    @ModelView.button
    def new_change(cls, contracts):
        "CON-5: open a change order prefilled with the contract"
        pool = Pool()
        Change = pool.get('hopu.contract.change')
        changes = Change.create([Change.values_from_contract(c)
                for c in contracts])
        return cls._open_action('hopu_contract.act_change_form', changes)

    @classmethod
    @ModelView.button
    def new_termination(cls, contracts):
        "CON-6: open a termination order for the contract"
        pool = Pool()
        Termination = pool.get('hopu.contract.termination')
        Date = pool.get('ir.date')
        terminations = Termination.create([{
                    'contract': c.id,
                    'effective_date': Date.today(),
                    } for c in contracts])
        return cls._open_action(
            'hopu_contract.act_termination_form', terminations)

    @staticmethod
    def _open_action(xml_id, records):
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        action_id = Action.get_action_id(
            ModelData.get_id(*xml_id.split('.')))
        action, = Action.get_action_values(
            'ir.action.act_window', [action_id])
        action['res_id'] = [r.id for r in records]
        if len(records) == 1:
            action['views'].reverse()
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', [r.id for r in records])])
        return action

    # Business methods

    def snapshot(self):
        "The values a version keeps (CON-5)"
        return {
            'contract': self.id,
            'number': self.version,
            'amount': self.amount,
            'signing_date': self.signing_date,
            'start_date': self.start_date,
            'end_date': self.end_date,
            'salesperson': self.salesperson.id,
            'payment_terms': self.payment_terms,
            'delivery_terms': self.delivery_terms,
            'description': self.description,
            'lines': [('create', [l.line_values() for l in self.lines])],
            'commissions': [('create', [
                        c.commission_values() for c in self.commissions])],
            }
