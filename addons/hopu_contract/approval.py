# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-4 approval flow: rules pick the steps, steps open one after another.

Submitting a contract, change order or termination order starts a round:
the first approval rule (by sequence) matching the document kind, the
contract type and the amount gives the steps. A step of kind 'supervisor'
with level N becomes N steps, one per level of the salesperson's supervisor
chain; each finds its approver only when it opens, so a reorganisation in
between is followed, and a level beyond the top of the chain is skipped.
The document takes effect only when the last step of its round is
approved; a rejection cancels the rest of the round and sends the document
back to draft. Earlier rounds stay in the visible flow."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .contract import CONTRACT_TYPES, internal, is_internal
from .exceptions import ApprovalError, ContractReadOnlyError

DOCUMENTS = [
    ('hopu.contract', "Contract"),
    ('hopu.contract.change', "Change Order"),
    ('hopu.contract.termination', "Termination Order"),
    ]
APPROVER_TYPES = [
    ('supervisor', "Salesperson's Supervisor Chain"),
    ('group', "Group"),
    ('user', "User"),
    ]


class ApprovalRule(sequence_ordered(), ModelSQL, ModelView):
    "Contract Approval Rule"
    __name__ = 'hopu.contract.approval.rule'
    name = fields.Char("Name", required=True, translate=True)
    document = fields.Selection(
        DOCUMENTS, "Document", required=True)
    contract_type = fields.Selection(
        [(None, "")] + CONTRACT_TYPES, "Contract Type",
        help="Leave empty for every type.")
    min_amount = fields.Numeric(
        "From Amount", digits=(16, 2),
        help="The rule applies from this amount on (included).")
    max_amount = fields.Numeric(
        "Below Amount", digits=(16, 2),
        help="The rule applies below this amount (excluded).")
    steps = fields.One2Many(
        'hopu.contract.approval.rule.step', 'rule', "Steps")

    @classmethod
    def default_document(cls):
        return 'hopu.contract'

    def match(self, document, contract_type, amount):
        if self.document != document:
            return False
        if self.contract_type and self.contract_type != contract_type:
            return False
        if self.min_amount is not None and (amount or 0) < self.min_amount:
            return False
        if self.max_amount is not None and (amount or 0) >= self.max_amount:
            return False
        return True

    @classmethod
    def find(cls, document, contract_type, amount):
        with without_check_access():
            for rule in cls.search([]):
                if rule.match(document, contract_type, amount) \
                        and rule.steps:
                    return rule


class ApprovalRuleStep(sequence_ordered(), ModelSQL, ModelView):
    "Contract Approval Rule Step"
    __name__ = 'hopu.contract.approval.rule.step'
    rule = fields.Many2One(
        'hopu.contract.approval.rule', "Rule", required=True,
        ondelete='CASCADE')
    name = fields.Char("Step", required=True, translate=True)
    approver_type = fields.Selection(
        APPROVER_TYPES, "Approver", required=True)
    level = fields.Integer(
        "Up to Level", states={
            'required': Eval('approver_type') == 'supervisor',
            'invisible': Eval('approver_type') != 'supervisor',
            },
        domain=[('level', '>', 0)],
        help="The supervisors of the salesperson, one step per level "
        "from the direct supervisor (1) up to this level.")
    group = fields.Many2One(
        'res.group', "Group", ondelete='RESTRICT', states={
            'required': Eval('approver_type') == 'group',
            'invisible': Eval('approver_type') != 'group',
            })
    user = fields.Many2One(
        'res.user', "User", ondelete='RESTRICT', states={
            'required': Eval('approver_type') == 'user',
            'invisible': Eval('approver_type') != 'user',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Who may change the approval rules may change their steps, nobody
        # else (they decide who approves)
        cls.__access__.add('rule')

    @classmethod
    def default_approver_type(cls):
        return 'supervisor'

    @classmethod
    def default_level(cls):
        return 1

    def approval_values(self):
        "The values of the approval steps this rule step gives"
        base = {
            'approver_type': self.approver_type,
            'approver_group': self.group.id if self.group else None,
            'approver_user': self.user.id if self.user else None,
            'name': self.name,
            }
        if self.approver_type == 'supervisor':
            return [{**base, 'level': level}
                for level in range(1, (self.level or 1) + 1)]
        return [base]


class Approval(ModelSQL, ModelView):
    "Contract Approval Step"
    __name__ = 'hopu.contract.approval'
    contract = fields.Many2One(
        'hopu.contract', "Contract", required=True, ondelete='CASCADE',
        readonly=True)
    document = fields.Reference(
        "Document", selection=DOCUMENTS, required=True, readonly=True)
    document_kind = fields.Function(
        fields.Selection(DOCUMENTS, "Kind"), 'get_document_kind')
    round = fields.Integer("Round", readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)
    name = fields.Char("Step", readonly=True)
    approver_type = fields.Selection(
        APPROVER_TYPES, "Approver Type", readonly=True)
    level = fields.Integer("Level", readonly=True)
    approver_group = fields.Many2One(
        'res.group', "Approver Group", readonly=True, ondelete='RESTRICT')
    approver_user = fields.Many2One(
        'res.user', "Approver User", readonly=True, ondelete='RESTRICT')
    approver_employee = fields.Many2One(
        'company.employee', "Approver Employee", readonly=True,
        ondelete='RESTRICT')
    approver = fields.Function(fields.Char("Approver"), 'get_approver')
    state = fields.Selection([
            ('waiting', "Waiting"),
            ('pending', "Pending"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('skipped', "Skipped"),
            ('cancelled', "Cancelled"),
            ], "Result", readonly=True, required=True)
    opened = fields.Timestamp("Opened", readonly=True)
    decided_by = fields.Many2One(
        'res.user', "Decided By", readonly=True, ondelete='RESTRICT')
    decided = fields.Timestamp("Decided", readonly=True)
    comment = fields.Text(
        "Comment", states={'readonly': Eval('state') != 'pending'})
    to_approve_by_me = fields.Function(
        fields.Boolean("To Approve by Me"), 'get_to_approve_by_me',
        searcher='search_to_approve_by_me')
    party = fields.Function(
        fields.Many2One('party.party', "Customer"), 'get_contract_field')
    salesperson = fields.Function(
        fields.Many2One('company.employee', "Salesperson"),
        'get_contract_field')
    amount = fields.Function(
        fields.Numeric("Contract Amount", digits=(16, 2)),
        'get_contract_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.contract, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state == 'pending'),
                # the approver record rule and 「待我审批」 look steps up by
                # approver
                Index(t, (t.approver_employee, Index.Equality())),
                Index(t, (t.approver_user, Index.Equality())),
                Index(t, (t.approver_group, Index.Equality())),
                Index(t, (t.document, Index.Equality())),
                })
        cls._order = [('contract', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'waiting'

    def get_rec_name(self, name):
        return f'{self.document.rec_name if self.document else ""} ' \
            f'{self.name}'

    def get_document_kind(self, name):
        return self.document.__name__ if self.document else None

    def get_contract_field(self, name):
        value = getattr(self.contract, name)
        return value.id if hasattr(value, 'id') else value

    def get_approver(self, name):
        if self.approver_type == 'user' and self.approver_user:
            return self.approver_user.rec_name
        if self.approver_type == 'group' and self.approver_group:
            return self.approver_group.rec_name
        if self.approver_employee:
            return self.approver_employee.rec_name
        return ''

    @classmethod
    def _my_clause(cls):
        pool = Pool()
        User = pool.get('res.user')
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        return ['OR',
            ('approver_user', '=', transaction.user),
            ('approver_group', 'in', list(User.get_groups())),
            ('approver_employee', 'in', list(Rule._hopu_employees())),
            ]

    def is_approver(self):
        pool = Pool()
        User = pool.get('res.user')
        Rule = pool.get('ir.rule')
        user = Transaction().user
        if self.approver_type == 'user':
            return self.approver_user and self.approver_user.id == user
        if self.approver_type == 'group':
            return self.approver_group \
                and self.approver_group.id in User.get_groups()
        return self.approver_employee \
            and self.approver_employee.id in Rule._hopu_employees()

    def get_to_approve_by_me(self, name):
        return self.state == 'pending' and bool(self.is_approver())

    @classmethod
    def search_to_approve_by_me(cls, name, clause):
        _, operator, value = clause
        domain = [('state', '=', 'pending'), cls._my_clause()]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def write(cls, *args):
        if not is_internal():
            actions = iter(args)
            for steps, values in zip(actions, actions):
                for step in steps:
                    if set(values) - {'comment'} or step.state != 'pending' \
                            or not step.is_approver():
                        raise ContractReadOnlyError(gettext(
                                'hopu_contract.msg_approval_readonly',
                                step=step.rec_name))
        super().write(*args)

    @classmethod
    def create(cls, vlist):
        if not is_internal():
            raise ContractReadOnlyError(gettext(
                    'hopu_contract.msg_approval_create'))
        return super().create(vlist)

    @classmethod
    def delete(cls, steps):
        if not is_internal():
            raise ContractReadOnlyError(gettext(
                    'hopu_contract.msg_approval_create'))
        super().delete(steps)

    # Starting and moving on

    @classmethod
    @internal
    def start(cls, documents):
        "Start a new approval round for each document"
        pool = Pool()
        Rule = pool.get('hopu.contract.approval.rule')
        to_open = []
        for document in documents:
            contract = document.approval_contract
            rule = Rule.find(
                document.__name__, contract.type, document.approval_amount)
            if not rule:
                raise ApprovalError(gettext(
                        'hopu_contract.msg_approval_no_rule',
                        document=document.rec_name))
            with without_check_access():
                previous = cls.search([
                        ('document', '=', str(document)),
                        ], order=[('round', 'DESC')], limit=1)
            round_ = (previous[0].round + 1) if previous else 1
            vlist = []
            for step in rule.steps:
                vlist.extend(step.approval_values())
            for i, values in enumerate(vlist, 1):
                values.update({
                        'contract': contract.id,
                        'document': str(document),
                        'round': round_,
                        'sequence': i,
                        'state': 'waiting',
                        })
            steps = cls.create(vlist)
            to_open.append(steps)
        for steps in to_open:
            cls.open_next(steps)

    @classmethod
    def supervisor_at(cls, employee, level):
        "The supervisor `level` levels above the employee, read now"
        for _ in range(level):
            if not employee:
                return None
            employee = employee.supervisor
        return employee

    @classmethod
    @internal
    def open_next(cls, steps):
        """Open the first waiting step of the round; when none is left the
        document takes effect"""
        steps = sorted(steps, key=lambda s: s.sequence)
        for step in steps:
            step = cls(step.id)
            if step.state in {'approved', 'skipped'}:
                continue
            if step.state != 'waiting':
                return
            values = {'opened': dt.datetime.now()}
            if step.approver_type == 'supervisor':
                salesperson = step.document.approval_salesperson
                employee = cls.supervisor_at(salesperson, step.level)
                if not employee:
                    values['state'] = 'skipped'
                    cls.write([step], values)
                    continue
                values['approver_employee'] = employee.id
            values['state'] = 'pending'
            cls.write([step], values)
            return
        document = steps[0].document
        document.__class__.approval_done([document])

    @classmethod
    def _check_decision(cls, steps):
        pool = Pool()
        Rule = pool.get('ir.rule')
        user = Transaction().user
        transaction = Transaction()
        # Lock the steps: two approvers clicking at once are serialised and
        # the later one finds the step decided (CON-4)
        cls.lock(steps)
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        for step in steps:
            cursor.execute(*table.select(
                    table.state, where=table.id == step.id))
            state, = cursor.fetchone()
            if state != 'pending':
                raise ApprovalError(gettext(
                        'hopu_contract.msg_approval_not_pending',
                        step=step.rec_name))
            if not step.is_approver():
                raise ApprovalError(gettext(
                        'hopu_contract.msg_approval_not_approver',
                        step=step.rec_name))
            document = step.document
            if user == document.create_uid.id \
                    or document.approval_salesperson.id \
                    in Rule._hopu_employees():
                raise ApprovalError(gettext(
                        'hopu_contract.msg_approval_own',
                        document=document.rec_name))

    @classmethod
    @ModelView.button
    @internal
    def approve(cls, steps):
        "CON-4: approve the step; the next one opens"
        cls._check_decision(steps)
        cls.write(steps, {
                'state': 'approved',
                'decided_by': Transaction().user,
                'decided': dt.datetime.now(),
                })
        for step in steps:
            with without_check_access():
                round_steps = cls.search([
                        ('document', '=', str(step.document)),
                        ('round', '=', step.round),
                        ])
            cls.open_next(round_steps)

    @classmethod
    @ModelView.button
    @internal
    def reject(cls, steps):
        "CON-4: reject with a comment; the document goes back to draft"
        cls._check_decision(steps)
        for step in steps:
            if not (step.comment or '').strip():
                raise ApprovalError(gettext(
                        'hopu_contract.msg_approval_reject_comment',
                        step=step.rec_name))
        cls.write(steps, {
                'state': 'rejected',
                'decided_by': Transaction().user,
                'decided': dt.datetime.now(),
                })
        for step in steps:
            with without_check_access():
                rest = cls.search([
                        ('document', '=', str(step.document)),
                        ('round', '=', step.round),
                        ('state', '=', 'waiting'),
                        ])
            cls.write(rest, {'state': 'cancelled'})
            step.document.__class__.approval_rejected([step.document])
