# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One approval engine (审核) for every Workflow document of Hopu.

A document class inherits ApprovalMixin and calls ``approval_start`` from its
submit transition. The first rule (by sequence) of the document's model
whose company, amount band and condition (a domain on the document) match
gives the steps of a new round: by user, by group, by the document's
employee's supervisor chain (N levels, one step per level, each read when
the step opens so that a reorganisation in between is followed, a level
beyond the top skipped) or by a field of the document (a user or an
employee). Steps open one after another; the last approval calls
``approval_done`` on the document, a rejection cancels the rest of the round
and calls ``approval_rejected``. Earlier rounds stay. Nobody approves their
own document; a step is decided once, whoever clicks at the same time
(locked, state re-read). 反审核 (un-approve) is allowed where the document
says so and is kept as a step of its own. Every pending step shows in one
「待我审批」 list, with the document's name, customer and amount stored on
the step so that the list needs no query per row; its approvers get a
notification when it opens and a daily e-mail digest while it waits."""
import datetime as dt
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from sql.aggregate import Max
from sql.conditionals import Coalesce
from sql.functions import Trim
from sql.operators import Concat

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.currency.fields import Monetary
from trytond.modules.hopu_sysadmin.party import RecNameColumnMixin
from trytond.modules.hopu_sysadmin.speedup import transaction_memo
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONDecoder
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    ApprovalAccessError, ApprovalError, ApprovalRuleValidationError)

APPROVER_TYPES = [
    ('supervisor', "Salesperson's Supervisor Chain"),
    ('group', "Group"),
    ('user', "User"),
    ('field', "Field of the Document"),
    ]
STATES = [
    ('waiting', "Waiting"),
    ('pending', "Pending"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('skipped', "Skipped"),
    ('cancelled', "Cancelled"),
    ('unapproved', "Un-approved"),
    ]
INTERNAL = '_hopu_approval_internal'


def internal():
    "The context under which the engine writes its steps"
    return Transaction().set_context(**{INTERNAL: True})


def approval_documents():
    """The models of the pool that inherit ApprovalMixin, with their names;
    from the cache of ir.model, once per transaction and language (the label
    of 「待我审批」's kind column asks for it on every row)"""
    Model = Pool().get('ir.model')
    memo = transaction_memo('hopu_approval_documents')
    language = Transaction().language
    if language not in memo:
        with without_check_access():
            memo[language] = sorted(Model.get_name_items(ApprovalMixin))
    return list(memo[language])


def user_employees():
    "The employees of the user, whatever the current company"
    pool = Pool()
    Rule = pool.get('ir.rule')
    if hasattr(Rule, '_hopu_employees'):
        return set(Rule._hopu_employees())
    table = pool.get('res.user-company.employee').__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            table.employee, where=table.user == Transaction().user))
    return {e for e, in cursor}


def send_to_user(user, subject, body, datamanager=None):
    """Send an e-mail to the user's address through the [email] uri server
    when the transaction commits"""
    from_ = config.get('email', 'from')
    msg = EmailMessage()
    msg['From'] = from_
    msg['To'] = formataddr((user.name or '', user.email))
    msg['Subject'] = subject
    msg.set_content(body)
    send_message_transactional(
        msg, from_addr=parseaddr(from_)[1] or from_, to_addrs=[user.email],
        datamanager=datamanager)


class ApprovalMixin:
    """A Workflow document approved through hopu_approval.

    The document calls ``approval_start`` when submitted and implements
    ``approval_done`` and ``approval_rejected`` (and
    ``approval_unapproved`` where 反审核 is allowed). The properties give
    what the rules match and what 「待我审批」 shows."""
    __slots__ = ()

    @property
    def approval_amount(self):
        "The amount the rules' bands and the inbox use"
        return None

    @property
    def approval_currency(self):
        company = self.approval_company
        return company.currency if company else None

    @property
    def approval_employee(self):
        "The employee whose supervisor chain approves (the salesperson)"
        return getattr(self, 'salesperson', None)

    @property
    def approval_party(self):
        return getattr(self, 'party', None)

    @property
    def approval_company(self):
        company = getattr(self, 'company', None)
        if company is None and self.approval_employee:
            company = self.approval_employee.company
        return company

    @property
    def approval_name(self):
        return self.rec_name

    @classmethod
    def approval_start(cls, documents):
        "Start a new approval round for each document"
        Pool().get('hopu.approval').start(documents)

    @classmethod
    def approval_done(cls, documents):
        "The last step of the round is approved"
        raise NotImplementedError

    @classmethod
    def approval_rejected(cls, documents):
        "A step of the round is rejected"
        raise NotImplementedError

    def approval_can_unapprove(self):
        "Whether the approved document may be un-approved (反审核) now"
        return False

    @classmethod
    def approval_unapproved(cls, documents):
        "The approval of the documents is withdrawn (反审核)"
        raise NotImplementedError

    @classmethod
    def approval_decide(cls, documents, decision, comment=None):
        """Decide, as the current user, the pending step of each document
        that waits for them: decision is 'approved' or 'rejected'"""
        Pool().get('hopu.approval').decide_documents(
            documents, decision, comment=comment)

    @classmethod
    def approval_unapprove(cls, documents, comment=None):
        "反审核: withdraw the approval of the documents, recorded"
        Pool().get('hopu.approval').unapprove(documents, comment=comment)


class ApprovalRule(sequence_ordered(), ModelSQL, ModelView):
    "Approval Rule"
    __name__ = 'hopu.approval.rule'
    name = fields.Char("Name", required=True, translate=True)
    document = fields.Selection(
        'get_documents', "Document", required=True)
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty for every company.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    min_amount = Monetary(
        "From Amount", currency='currency', digits='currency',
        help="The rule applies from this amount on (included).")
    max_amount = Monetary(
        "Below Amount", currency='currency', digits='currency',
        help="The rule applies below this amount (excluded).")
    condition = fields.Char(
        "Condition",
        help="A domain the document must match (PYSON encoded), "
        "e.g. its type or department; empty: every document.")
    steps = fields.One2Many(
        'hopu.approval.rule.step', 'rule', "Steps")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.document, Index.Equality())))

    @classmethod
    def get_documents(cls):
        return approval_documents()

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        "The currency of the amount bands: the rule's company's or the user's"
        pool = Pool()
        Company = pool.get('company.company')
        company = self.company
        if not company:
            company_id = Transaction().context.get('company')
            if company_id is not None and company_id >= 0:
                company = Company(company_id)
        return company.currency if company else None

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if field_names and not field_names & {'condition', 'document'}:
            return
        pool = Pool()
        for rule in rules:
            if not rule.condition:
                continue
            try:
                domain = rule.condition_domain()
                with without_check_access():
                    pool.get(rule.document).search(domain, limit=1)
            except Exception as exception:
                raise ApprovalRuleValidationError(gettext(
                        'hopu_approval.msg_rule_condition',
                        rule=rule.rec_name,
                        condition=rule.condition)) from exception

    def condition_domain(self):
        if not self.condition:
            return []
        domain = PYSONDecoder({}).decode(self.condition)
        if not isinstance(domain, list):
            raise ValueError(self.condition)
        return domain

    def match(self, document):
        if self.document != document.__name__:
            return False
        if self.company and document.approval_company != self.company:
            return False
        amount = document.approval_amount or 0
        if self.min_amount is not None and amount < self.min_amount:
            return False
        if self.max_amount is not None and amount >= self.max_amount:
            return False
        domain = self.condition_domain()
        if domain:
            with without_check_access():
                if not document.__class__.search(
                        [('id', '=', document.id), domain], count=True):
                    return False
        return True

    @classmethod
    def find(cls, document):
        "The first rule with steps that matches the document"
        with without_check_access():
            for rule in cls.search([
                        ('document', '=', document.__name__),
                        ]):
                if rule.steps and rule.match(document):
                    return rule


class ApprovalRuleStep(sequence_ordered(), ModelSQL, ModelView):
    "Approval Rule Step"
    __name__ = 'hopu.approval.rule.step'
    rule = fields.Many2One(
        'hopu.approval.rule', "Rule", required=True, ondelete='CASCADE')
    name = fields.Char("Step", required=True, translate=True)
    approver_type = fields.Selection(
        APPROVER_TYPES, "Approver", required=True)
    level = fields.Integer(
        "Up to Level", states={
            'required': Eval('approver_type') == 'supervisor',
            'invisible': Eval('approver_type') != 'supervisor',
            },
        domain=['OR',
            ('level', '=', None),
            ('level', '>', 0),
            ],
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
    field = fields.Char(
        "Field", states={
            'required': Eval('approver_type') == 'field',
            'invisible': Eval('approver_type') != 'field',
            },
        help="The field of the document naming the approver: "
        "a user or an employee.")

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
            'approver_field': self.field,
            'name': self.name,
            }
        if self.approver_type == 'supervisor':
            return [{**base, 'level': level}
                for level in range(1, (self.level or 1) + 1)]
        return [base]


class Approval(RecNameColumnMixin, ModelSQL, ModelView):
    "Approval Step"
    __name__ = 'hopu.approval'
    document = fields.Reference(
        "Document", selection='get_readable_documents', required=True,
        readonly=True)
    document_kind = fields.Selection(
        'get_documents', "Kind", readonly=True)
    document_name = fields.Char("Document", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", readonly=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='SET NULL',
        context={'company': Eval('company', -1)}, depends={'company'})
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", readonly=True,
        ondelete='SET NULL')
    currency = fields.Many2One(
        'currency.currency', "Currency", readonly=True, ondelete='RESTRICT')
    amount = Monetary(
        "Amount", currency='currency', digits='currency', readonly=True)
    round = fields.Integer("Round", readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)
    name = fields.Char("Step", readonly=True)
    approver_type = fields.Selection(
        APPROVER_TYPES, "Approver Type", readonly=True)
    level = fields.Integer("Level", readonly=True)
    approver_field = fields.Char("Approver Field", readonly=True)
    approver_group = fields.Many2One(
        'res.group', "Approver Group", readonly=True, ondelete='RESTRICT')
    approver_user = fields.Many2One(
        'res.user', "Approver User", readonly=True, ondelete='RESTRICT')
    approver_employee = fields.Many2One(
        'company.employee', "Approver Employee", readonly=True,
        ondelete='RESTRICT')
    approver = fields.Char("Approver", readonly=True)
    state = fields.Selection(STATES, "Result", readonly=True, required=True)
    opened = fields.Timestamp("Opened", readonly=True)
    decided_by = fields.Many2One(
        'res.user', "Decided By", readonly=True, ondelete='RESTRICT')
    decided = fields.Timestamp("Decided", readonly=True)
    comment = fields.Text(
        "Comment", states={'readonly': Eval('state') != 'pending'})
    to_approve_by_me = fields.Function(
        fields.Boolean("To Approve by Me"), 'get_to_approve_by_me',
        searcher='search_to_approve_by_me')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.document, Index.Equality()),
                    (t.round, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state == 'pending'),
                # the approver record rule and 「待我审批」 look steps up by
                # approver
                Index(t, (t.approver_employee, Index.Equality())),
                Index(t, (t.approver_user, Index.Equality())),
                Index(t, (t.approver_group, Index.Equality())),
                Index(t, (t.salesperson, Index.Range())),
                })
        cls._order = [('document', 'ASC'), ('id', 'ASC')]
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
    def get_documents(cls):
        return approval_documents()

    @classmethod
    def get_readable_documents(cls):
        """The kinds of document the user may read: a reference to a model
        the user cannot read would hide the field from them altogether"""
        ModelAccess = Pool().get('ir.model.access')
        return [(name, string) for name, string in approval_documents()
            if ModelAccess.check(name, 'read', raise_exception=False)]

    @classmethod
    def default_state(cls):
        return 'waiting'

    def get_rec_name(self, name):
        return f'{self.document_name or ""} {self.name or ""}'.strip()

    @classmethod
    def column_rec_name(cls, tables):
        "The SQL of get_rec_name (read with the step's columns)"
        step, _ = tables[None]
        return Trim(Concat(Concat(Coalesce(step.document_name, ''), ' '),
                Coalesce(step.name, '')))

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('document_name', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def _my_clause(cls):
        pool = Pool()
        User = pool.get('res.user')
        return ['OR',
            ('approver_user', '=', Transaction().user),
            ('approver_group', 'in', list(User.get_groups())),
            ('approver_employee', 'in', list(user_employees())),
            ]

    def is_approver(self):
        pool = Pool()
        User = pool.get('res.user')
        if self.approver_user and self.approver_user.id == Transaction().user:
            return True
        if self.approver_group and self.approver_group.id in User.get_groups():
            return True
        return bool(self.approver_employee
            and self.approver_employee.id in user_employees())

    def get_to_approve_by_me(self, name):
        return self.state == 'pending' and self.is_approver()

    @classmethod
    def search_to_approve_by_me(cls, name, clause):
        _, operator, value = clause
        domain = [('state', '=', 'pending'), cls._my_clause()]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def check_modification(cls, mode, steps, values=None, external=False):
        super().check_modification(
            mode, steps, values=values, external=external)
        if not external or Transaction().context.get(INTERNAL):
            return
        if mode in {'create', 'delete'}:
            raise ApprovalAccessError(gettext(
                    'hopu_approval.msg_approval_create'))
        for step in steps:
            if set(values) - {'comment'} or step.state != 'pending' \
                    or not step.is_approver():
                raise ApprovalAccessError(gettext(
                        'hopu_approval.msg_approval_readonly',
                        step=step.rec_name))

    # Starting and moving on

    @classmethod
    def _document_values(cls, document):
        "The values of the document the steps keep for the lists"
        def id_(record):
            return record.id if record else None
        return {
            'document': str(document),
            'document_kind': document.__name__,
            'document_name': document.approval_name,
            'company': id_(document.approval_company),
            'party': id_(document.approval_party),
            'salesperson': id_(document.approval_employee),
            'currency': id_(document.approval_currency),
            'amount': document.approval_amount,
            }

    @classmethod
    def _last_round(cls, document):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Max(table.round), where=table.document == str(document)))
        round_, = cursor.fetchone()
        return round_ or 0

    @classmethod
    def start(cls, documents):
        "Start a new approval round for each document"
        pool = Pool()
        Rule = pool.get('hopu.approval.rule')
        rounds = []
        with internal(), without_check_access():
            for document in documents:
                rule = Rule.find(document)
                if not rule:
                    raise ApprovalError(gettext(
                            'hopu_approval.msg_approval_no_rule',
                            document=document.rec_name))
                round_ = cls._last_round(document) + 1
                base = cls._document_values(document)
                vlist = []
                for step in rule.steps:
                    vlist.extend(step.approval_values())
                for i, values in enumerate(vlist, 1):
                    values.update(base)
                    values.update({
                            'round': round_,
                            'sequence': i,
                            'state': 'waiting',
                            })
                    values['approver'] = cls._approver_string(values)
                rounds.append(cls.create(vlist))
            for steps in rounds:
                cls.open_next(steps)

    @classmethod
    def _approver_string(cls, values):
        pool = Pool()
        if values.get('approver_user'):
            return pool.get('res.user')(values['approver_user']).rec_name
        if values.get('approver_group'):
            return pool.get('res.group')(values['approver_group']).rec_name
        if values.get('approver_employee'):
            return pool.get('company.employee')(
                values['approver_employee']).rec_name
        return ''

    @classmethod
    def supervisor_at(cls, employee, level):
        "The supervisor `level` levels above the employee, read now"
        for _ in range(level):
            if not employee:
                return None
            employee = employee.supervisor
        return employee

    def _resolve(self):
        """The values naming the approver when the step opens; None when
        nobody is there to approve (the step is skipped)"""
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        document = self.document
        if self.approver_type == 'supervisor':
            employee = self.supervisor_at(
                document.approval_employee, self.level or 1)
            return {'approver_employee': employee.id} if employee else None
        if self.approver_type == 'field':
            value = getattr(document, self.approver_field or '', None)
            if isinstance(value, User):
                return {'approver_user': value.id}
            if isinstance(value, Employee):
                return {'approver_employee': value.id}
            return None
        return {}

    @classmethod
    def open_next(cls, steps):
        """Open the first waiting step of the round; when none is left the
        document takes effect"""
        steps = sorted(steps, key=lambda s: s.sequence)
        with internal(), without_check_access():
            for step in steps:
                step = cls(step.id)
                if step.state in {'approved', 'skipped'}:
                    continue
                if step.state != 'waiting':
                    return
                values = step._resolve()
                if values is None:
                    cls.write([step], {
                            'state': 'skipped',
                            'opened': dt.datetime.now(),
                            })
                    continue
                if values:
                    values['approver'] = cls._approver_string(values)
                values.update({
                        'state': 'pending',
                        'opened': dt.datetime.now(),
                        })
                cls.write([step], values)
                cls.notify([step])
                return
            document = steps[0].document
        document.__class__.approval_done([document])

    # Notifications

    @classmethod
    def approver_users(cls, step):
        "The users who may decide the step"
        pool = Pool()
        User = pool.get('res.user')
        if step.approver_user:
            return [step.approver_user]
        if step.approver_group:
            return list(step.approver_group.users)
        if step.approver_employee:
            return User.search([
                    ('employees', '=', step.approver_employee.id)])
        return []

    @classmethod
    def notify(cls, steps):
        "The bell of the approvers of the steps that just opened"
        pool = Pool()
        Notification = pool.get('res.notification')
        notifications = []
        with without_check_access():
            for step in steps:
                for user in cls.approver_users(step):
                    if not user.active:
                        continue
                    language = user.language.code if user.language else None
                    with Transaction().set_context(language=language):
                        notifications.append(Notification(
                                user=user,
                                label=gettext(
                                    'hopu_approval.msg_pending_label'),
                                description=gettext(
                                    'hopu_approval.msg_pending_line',
                                    document=step.document_name,
                                    step=step.name),
                                model=cls.__name__,
                                records=str([step.id]),
                                unread=True))
            Notification.save(notifications)
        return notifications

    @classmethod
    def send_pending_digest(cls, datamanager=None):
        """Scheduled task: one e-mail per user listing the steps waiting
        for them (the users without an address have the bell only)"""
        by_user = {}
        with without_check_access():
            for step in cls.search([('state', '=', 'pending')],
                    order=[('opened', 'ASC'), ('id', 'ASC')]):
                for user in cls.approver_users(step):
                    if user.active and user.email:
                        by_user.setdefault(user, []).append(step)
            for user, steps in by_user.items():
                language = user.language.code if user.language else None
                with Transaction().set_context(language=language):
                    lines = [gettext('hopu_approval.msg_digest_line',
                            document=s.document_name, step=s.name,
                            amount='' if s.amount is None else s.amount)
                        for s in steps]
                    send_to_user(
                        user,
                        gettext('hopu_approval.msg_digest_subject',
                            count=len(steps)),
                        '\n'.join([
                                gettext('hopu_approval.msg_digest_intro',
                                    name=user.name or user.login),
                                '',
                                *lines,
                                ]),
                        datamanager=datamanager)
        return by_user

    # Deciding

    @classmethod
    def _check_decision(cls, steps):
        user = Transaction().user
        # Lock the steps: two approvers clicking at once are serialised and
        # the later one finds the step decided (CON-4)
        cls.lock(steps)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        for step in steps:
            cursor.execute(*table.select(
                    table.state, where=table.id == step.id))
            state, = cursor.fetchone()
            if state != 'pending':
                raise ApprovalError(gettext(
                        'hopu_approval.msg_approval_not_pending',
                        step=step.rec_name))
            if not step.is_approver():
                raise ApprovalError(gettext(
                        'hopu_approval.msg_approval_not_approver',
                        step=step.rec_name))
            with without_check_access():
                document = step.document
                employee = document.approval_employee
                own = (user == document.create_uid.id
                    or (employee and employee.id in user_employees()))
            if own:
                raise ApprovalError(gettext(
                        'hopu_approval.msg_approval_own',
                        document=step.document_name))

    @classmethod
    def decide(cls, steps, decision):
        """Approve or reject the steps as the current user; the engine reads
        and writes the steps and documents itself, once the user is known to
        be their approver"""
        assert decision in {'approved', 'rejected'}
        with internal(), without_check_access():
            steps = cls.browse(steps)
            cls._check_decision(steps)
            if decision == 'rejected':
                for step in steps:
                    if not (step.comment or '').strip():
                        raise ApprovalError(gettext(
                                'hopu_approval.msg_approval_reject_comment',
                                step=step.rec_name))
            cls.write(steps, {
                    'state': decision,
                    'decided_by': Transaction().user,
                    'decided': dt.datetime.now(),
                    })
            for step in steps:
                round_steps = cls.search([
                        ('document', '=', str(step.document)),
                        ('round', '=', step.round),
                        ])
                if decision == 'approved':
                    cls.open_next(round_steps)
                else:
                    cls.write([s for s in round_steps
                            if s.state == 'waiting'], {'state': 'cancelled'})
                    document = step.document
                    document.__class__.approval_rejected([document])

    @classmethod
    def cancel_round(cls, documents):
        """The documents are withdrawn before the end of their round: the
        steps still open are cancelled"""
        with internal(), without_check_access():
            steps = cls.search([
                    ('document', 'in', [str(d) for d in documents]),
                    ('state', 'in', ['waiting', 'pending']),
                    ])
            cls.write(steps, {'state': 'cancelled'})

    @classmethod
    @ModelView.button
    def approve(cls, steps):
        "CON-4: approve the step; the next one opens"
        cls.decide(steps, 'approved')

    @classmethod
    @ModelView.button
    def reject(cls, steps):
        "CON-4: reject with a comment; the document goes back to draft"
        cls.decide(steps, 'rejected')

    @classmethod
    def pending_steps(cls, documents):
        "The pending steps of the documents"
        with without_check_access():
            return cls.search([
                    ('document', 'in', [str(d) for d in documents]),
                    ('state', '=', 'pending'),
                    ])

    @classmethod
    def decide_documents(cls, documents, decision, comment=None):
        """Decide from the document's own button: its pending step that
        waits for the user"""
        steps = []
        with internal(), without_check_access():
            for document in documents:
                pending = [s for s in cls.pending_steps([document])
                    if s.is_approver()]
                if not pending:
                    raise ApprovalError(gettext(
                            'hopu_approval.msg_approval_document_not_approver',
                            document=document.rec_name))
                steps.append(pending[0])
            if not comment and decision == 'rejected':
                comment = gettext('hopu_approval.msg_rejected_on_document')
            if comment:
                cls.write(steps, {'comment': comment})
        cls.decide(steps, decision)

    @classmethod
    def unapprove(cls, documents, comment=None):
        """反审核: the approval of the documents is withdrawn by an approver
        of their last round, where the document allows it; kept as a step
        of the round"""
        user = Transaction().user
        to_create = []
        with internal(), without_check_access():
            for document in documents:
                if not document.approval_can_unapprove():
                    raise ApprovalError(gettext(
                            'hopu_approval.msg_unapprove_refused',
                            document=document.rec_name))
                round_ = cls._last_round(document)
                steps = cls.search([
                        ('document', '=', str(document)),
                        ('round', '=', round_),
                        ], order=[('sequence', 'DESC')])
                approved = [s for s in steps if s.state == 'approved']
                if not approved or not any(
                        s.decided_by and s.decided_by.id == user
                        or s.is_approver() for s in approved):
                    raise ApprovalError(gettext(
                            'hopu_approval.msg_unapprove_not_approver',
                            document=document.rec_name))
                to_create.append({
                        **cls._document_values(document),
                        'round': round_,
                        'sequence': (steps[0].sequence or 0) + 1,
                        'name': gettext('hopu_approval.msg_unapprove_step'),
                        'approver_type': 'user',
                        'approver_user': user,
                        'approver': cls._approver_string(
                            {'approver_user': user}),
                        'state': 'unapproved',
                        'opened': dt.datetime.now(),
                        'decided_by': user,
                        'decided': dt.datetime.now(),
                        'comment': comment,
                        })
            cls.create(to_create)
            by_class = {}
            for document in documents:
                by_class.setdefault(document.__class__, []).append(document)
            for klass, records in by_class.items():
                klass.approval_unapproved(records)
