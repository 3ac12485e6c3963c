# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-4 extension requests (客户延期), approved through hopu_approval."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ExtensionError


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
