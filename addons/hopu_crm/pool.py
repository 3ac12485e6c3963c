# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-3 ownership history; CRM-4 assignment, protection period, extension
requests (客户延期, approved through hopu_approval) and the rules of the pool
(公海)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ExtensionError

OWNER_KINDS = [
    ('create', "Created"),
    ('assign', "Assigned"),
    ('transfer', "Moved"),
    ('claim', "Claimed from Pool"),
    ('release', "Returned to Pool"),
    ('lapse', "Protection Lapsed"),
    ]


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "CRM Pool Rules"
    __name__ = 'hopu.crm.configuration'

    protection_days = fields.Integer(
        "Protection Period (Days)", required=True,
        domain=[('protection_days', '>=', 0)],
        help="How long a salesperson holds a potential customer.")
    notice_days = fields.Integer(
        "Notice Before Lapse (Days)",
        domain=['OR',
            ('notice_days', '=', None),
            ('notice_days', '>=', 0),
            ],
        help="Notify the owner this many days before the protection "
        "period lapses; empty: no notice.")
    daily_claim_limit = fields.Integer(
        "Daily Claim Limit",
        domain=['OR',
            ('daily_claim_limit', '=', None),
            ('daily_claim_limit', '>=', 0),
            ],
        help="How many customers one salesperson may claim from the pool "
        "per day; empty or 0: no limit.")
    max_potential_customers = fields.Integer(
        "Maximum Potential Customers",
        domain=['OR',
            ('max_potential_customers', '=', None),
            ('max_potential_customers', '>=', 0),
            ],
        help="How many potential customers one salesperson may hold; "
        "empty or 0: no limit.")
    cooldown_days = fields.Integer(
        "Re-claim Cool-down (Days)",
        domain=['OR',
            ('cooldown_days', '=', None),
            ('cooldown_days', '>=', 0),
            ],
        help="During these days the previous owner may not claim again a "
        "customer they let return to the pool.")

    @classmethod
    def default_protection_days(cls):
        return 30

    @classmethod
    def default_notice_days(cls):
        return 3

    @classmethod
    def default_daily_claim_limit(cls):
        return 10

    @classmethod
    def default_max_potential_customers(cls):
        return 200

    @classmethod
    def default_cooldown_days(cls):
        return 7


class CustomerOwner(ModelSQL, ModelView):
    "CRM-3: Customer Ownership History"
    __name__ = 'hopu.crm.customer.owner'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE')
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", ondelete='RESTRICT',
        help="The owner from this date; empty: the pool.")
    previous_salesperson = fields.Many2One(
        'company.employee', "Previous Salesperson", ondelete='RESTRICT')
    kind = fields.Selection(OWNER_KINDS, "Kind", required=True)
    date = fields.Date("Date", required=True)
    user = fields.Many2One('res.user', "By", ondelete='SET NULL')
    reason = fields.Char("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('customer')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Range())),
                Index(t,
                    (t.salesperson, Index.Range()),
                    (t.kind, Index.Equality()),
                    (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        # Written only by the server when a customer changes hands
        for name in ['create', 'write', 'delete']:
            cls.__rpc__.pop(name, None)


class Extension(ApprovalMixin, Workflow, ModelSQL, ModelView):
    """CRM-4: Customer Extension Request (客户延期)

    Requested, it goes through the approval rules of hopu.crm.extension
    (by default the salesperson's direct supervisor); 审批 and 驳回 on the
    request decide its pending step, the last approval extends the
    protection period."""
    __name__ = 'hopu.crm.extension'

    _states = {'readonly': Eval('state') != 'draft'}

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[
            ('crm_stage', '=', 'potential'),
            ('salesperson', '!=', None),
            ],
        states=_states)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", readonly=True,
        ondelete='RESTRICT')
    protection_end = fields.Date(
        "Protection Until", readonly=True,
        help="The end of the protection period when requested.")
    days = fields.Integer(
        "Days", required=True, states=_states,
        domain=[('days', '>', 0)],
        help="By how many days to extend the protection period.")
    reason = fields.Text("Reason", required=True, states=_states)
    new_protection_end = fields.Date("Extended Until", readonly=True)
    approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='SET NULL')
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "State", readonly=True, required=True, sort=False)
    approvals = fields.One2Many(
        'hopu.approval', 'document', "Approval Flow", readonly=True,
        order=[('round', 'ASC'), ('id', 'ASC')])
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.salesperson, Index.Range())))
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'approved'),
            ('requested', 'rejected'),
            ('requested', 'draft'),
            ('rejected', 'draft'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(['requested', 'rejected']),
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_days(cls):
        return 30

    def get_rec_name(self, name):
        return self.customer.rec_name

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Party = pool.get('party.party')
        values = super().preprocess_values(mode, values)
        if values.get('customer'):
            with without_check_access():
                customer = Party(values['customer'])
                values['salesperson'] = (
                    customer.salesperson.id if customer.salesperson else None)
                values['protection_end'] = customer.protection_end
        return values

    @property
    def approval_party(self):
        return self.customer

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, extensions):
        Pool().get('hopu.approval').cancel_round(extensions)

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, extensions):
        for extension in extensions:
            if extension.customer.salesperson != extension.salesperson:
                raise ExtensionError(gettext(
                        'hopu_crm.msg_extension_owner_changed',
                        customer=extension.customer.rec_name))
        cls.approval_start(extensions)

    @classmethod
    @ModelView.button
    def approve(cls, extensions):
        "Approve the step of the request that waits for the user"
        cls.approval_decide(
            [e for e in extensions if e.state == 'requested'], 'approved')

    @classmethod
    @ModelView.button
    def reject(cls, extensions):
        "Reject the step of the request that waits for the user"
        cls.approval_decide(
            [e for e in extensions if e.state == 'requested'], 'rejected')

    @classmethod
    def approval_done(cls, extensions):
        cls.extend(extensions)

    @classmethod
    def approval_rejected(cls, extensions):
        cls.refuse(extensions)

    @classmethod
    @Workflow.transition('approved')
    def extend(cls, extensions):
        "The last step is approved: the protection period is extended"
        pool = Pool()
        Party = pool.get('party.party')
        Date = pool.get('ir.date')
        today = Date.today()
        user = Transaction().user or None
        with without_check_access():
            for extension in extensions:
                customer = Party(extension.customer.id)
                if (customer.salesperson != extension.salesperson
                        or customer.crm_stage != 'potential'):
                    raise ExtensionError(gettext(
                            'hopu_crm.msg_extension_owner_changed',
                            customer=customer.rec_name))
                start = max(customer.protection_end or today, today)
                end = start + dt.timedelta(days=extension.days)
                with Transaction().set_context(_hopu_owner_checked=True):
                    Party.write([customer], {
                            'protection_end': end,
                            'protection_notified': None,
                            })
                extension.new_protection_end = end
                extension.approved_by = user
            cls.save(extensions)

    @classmethod
    @Workflow.transition('rejected')
    def refuse(cls, extensions):
        "A step is rejected"
        pass


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('party.party|crm_release_lapsed',
                    "Return Lapsed Customers to the Pool"),
                ('party.party|crm_notify_lapsing',
                    "Notify Lapsing Protection Periods"),
                ])


class CustomerAssignStart(ModelView):
    "Assign Customers"
    __name__ = 'hopu.crm.customer.assign.start'

    customers = fields.Many2Many(
        'party.party', None, None, "Customers", readonly=True)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True,
        domain=[('salesperson_code', '!=', None)])
    reason = fields.Char("Reason")


class CustomerAssign(Wizard):
    "CRM-4 客户分配: an administrator or supervisor assigns customers"
    __name__ = 'hopu.crm.customer.assign'

    start = StateView('hopu.crm.customer.assign.start',
        'hopu_crm.customer_assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        return {
            'customers': [r.id for r in self.records if r.crm_stage],
            }

    def transition_assign(self):
        pool = Pool()
        Party = pool.get('party.party')
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check('party.party', 'write')
        customers = [c for c in self.start.customers
            if c.salesperson != self.start.salesperson]
        Party._crm_check_assign(customers, self.start.salesperson.id)
        Party._crm_check_cap(self.start.salesperson, customers)
        Party.crm_change_owner(
            customers, self.start.salesperson, 'assign',
            reason=self.start.reason)
        return 'end'
