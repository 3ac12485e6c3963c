# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-2 销售订单变更 on sale_amendment: an amendment of an order in
progress is submitted for approval (提交审批) to the approval engine of
hopu_approval — the rules of ``sale.amendment``, by default the
salesperson's supervisor — and applied (the official validation) only by
the last approval; rejected, it goes back to draft."""
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import AmendmentApprovalError
from .sale import acting_user, check_rules

INTERNAL = '_hopu_sale_amendment_approval'


class Amendment(ApprovalMixin, metaclass=PoolMeta):
    __name__ = 'sale.amendment'
    approvals = fields.Function(fields.One2Many(
            'hopu.approval', None, "Approval Flow", readonly=True),
        'get_approvals', setter='set_approvals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('sale')
        cls.state.selection = [
            ('draft', "Draft"),
            ('waiting', "Waiting for Approval"),
            ('validated', "Validated"),
            ]
        cls._transitions |= {
            ('draft', 'waiting'),
            ('waiting', 'draft'),
            ('waiting', 'validated'),
            }
        # the approval engine validates: the official button is its own
        cls._buttons['validate_amendment']['invisible'] = True
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'lines'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_approvals(cls, amendments, name):
        "审批流: every round of the amendment's approval"
        pool = Pool()
        Approval = pool.get('hopu.approval')
        result = {a.id: [] for a in amendments}
        steps = Approval.search([
                ('document', 'in', [str(a) for a in amendments]),
                ], order=[('round', 'ASC'), ('sequence', 'ASC')])
        for step in steps:
            result[step.document.id].append(step.id)
        return result

    @classmethod
    def set_approvals(cls, amendments, name, value):
        "The steps are the approval engine's to write"
        pass

    def get_rec_name(self, name):
        return f'{self.sale.rec_name} ({self.date})' if self.sale else ''

    @property
    def approval_amount(self):
        return self.sale.total_amount if self.sale else None

    @property
    def approval_currency(self):
        return self.sale.currency if self.sale else None

    @property
    def approval_employee(self):
        return self.sale.salesperson if self.sale else None

    @property
    def approval_party(self):
        return self.sale.party if self.sale else None

    @property
    def approval_company(self):
        return self.sale.company if self.sale else None

    @classmethod
    @ModelView.button
    @Workflow.transition('waiting')
    def submit(cls, amendments):
        "提交审批: the rules of sale.amendment give the steps"
        check_rules(cls, amendments)
        cls.approval_start(amendments)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, amendments):
        "Withdrawn while waiting: the open steps are cancelled"
        pool = Pool()
        Approval = pool.get('hopu.approval')
        check_rules(cls, amendments)
        Approval.cancel_round(amendments)

    @classmethod
    def validate_amendment(cls, amendments):
        "Applied to the order only by the approval (or the server itself)"
        check_rules(cls, amendments)
        if (acting_user() is not None
                and not Transaction().context.get(INTERNAL)):
            raise AmendmentApprovalError(gettext(
                    'hopu_sale.msg_amendment_not_approved',
                    amendment=amendments[0].rec_name if amendments else ''))
        super().validate_amendment(amendments)

    @classmethod
    def approval_done(cls, amendments):
        with Transaction().set_context(**{INTERNAL: True}):
            cls.validate_amendment(amendments)

    @classmethod
    def approval_rejected(cls, amendments):
        with Transaction().set_context(**{INTERNAL: True}):
            cls.draft(amendments)
