# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-1 5.1 采购申请与审批 on Tryton's purchase requisition: numbered
QG+YYYYMM+serial, submitted (提交审批, the official 「等待」) to the approval
engine of hopu_approval, whose rules by amount band give the steps (the
department head — the applicant's supervisor — then finance above an
amount); the last approval approves the requisition the official way, which
makes its purchase requests (请购单), turned into orders grouped by supplier
by purchase_request's 「创建采购订单」."""
from trytond.model import ModelView, fields
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

REQUISITION_PREFIX = 'QG'
INTERNAL = '_hopu_purchase_requisition_approval'


class Requisition(ApprovalMixin, metaclass=PoolMeta):
    __name__ = 'purchase.requisition'
    approvals = fields.Function(fields.One2Many(
            'hopu.approval', None, "Approval Flow", readonly=True),
        'get_approvals', setter='set_approvals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # 审核 is the approval engine's (hopu_approval): the official
        # approve and reject are pressed by its last step only
        cls._buttons['approve']['invisible'] = True
        cls._buttons['reject']['invisible'] = True
        cls._buttons.update({
                'unapprove': {
                    'invisible': ~Eval('state').in_(
                        ['approved', 'processing']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_approvals(cls, requisitions, name):
        "审批流: every round of the requisition's approval"
        pool = Pool()
        Approval = pool.get('hopu.approval')
        result = {r.id: [] for r in requisitions}
        steps = Approval.search([
                ('document', 'in', [str(r) for r in requisitions]),
                ], order=[('round', 'ASC'), ('sequence', 'ASC')])
        for step in steps:
            result[step.document.id].append(step.id)
        return result

    @classmethod
    def set_approvals(cls, requisitions, name, value):
        "The steps are the approval engine's to write"
        pass

    @classmethod
    def preprocess_values(cls, mode, values):
        "ERP-8: 采购申请 QG + YYYYMM + serial of the month, per company"
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        if mode == 'create' and not values.get('number'):
            company = values.get('company', cls.default_company())
            if company is not None:
                values = values.copy()
                values['number'] = Number.next_number(
                    REQUISITION_PREFIX, company=company)
        return super().preprocess_values(mode, values)

    @property
    def approval_amount(self):
        return self.total_amount

    @property
    def approval_currency(self):
        return self.currency

    @property
    def approval_employee(self):
        "The applicant, whose supervisor (the department head) approves"
        return self.employee

    @property
    def approval_party(self):
        return None

    @classmethod
    def wait(cls, requisitions):
        "提交审批: the rules of the amount band give the steps"
        super().wait(requisitions)
        cls.approval_start(requisitions)

    @classmethod
    def draft(cls, requisitions):
        "Withdrawn while waiting: the open steps are cancelled"
        pool = Pool()
        Approval = pool.get('hopu.approval')
        Approval.cancel_round(
            [r for r in requisitions if r.state == 'waiting'])
        super().draft(requisitions)

    @classmethod
    def approval_done(cls, requisitions):
        with Transaction().set_context(**{INTERNAL: True}):
            cls.approve(requisitions)

    @classmethod
    def approval_rejected(cls, requisitions):
        with Transaction().set_context(**{INTERNAL: True}):
            cls.reject(requisitions)

    def approval_can_unapprove(self):
        """反审核 while no purchase request became an order: the requests
        are still 草稿 (or cancelled)"""
        return (self.state in {'approved', 'processing'}
            and all(r.state in {'draft', 'cancelled'} and not r.purchase_line
                for l in self.lines for r in l.purchase_requests))

    @classmethod
    @ModelView.button
    def unapprove(cls, requisitions):
        "反审核: an approver takes the requisition back to draft"
        cls.approval_unapprove(requisitions)

    @classmethod
    def approval_unapproved(cls, requisitions):
        pool = Pool()
        Request = pool.get('purchase.request')
        requests = [r for q in requisitions for l in q.lines
            for r in l.purchase_requests]
        Request.delete(requests)
        with Transaction().set_context(**{INTERNAL: True}):
            cls.write(requisitions, {'state': 'approved'})
            cls.draft(requisitions)
