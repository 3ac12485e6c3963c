# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 邮件群发: mass email to customers and their contacts.

A mailing (hopu.crm.mailing) holds a subject and a body with placeholders
and one recipient line per address (a customer's own email or one of its
contacts'). 「发送」 moves it to *sending* and pushes the recipients to the
task queue (ir.queue) in batches; each task sends one message per
recipient through the SMTP server of [email] uri and records the result on
the line: sent, or failed with the server's answer (a 550 refusal of one
address fails that line only). When no line is pending the mailing is
*done*; 「重发失败」 puts the failed lines back in the queue.

Every message carries its own unsubscribe link (a random token of the
recipient line, served by the route of routes.py); an unsubscribed address
is recorded as an opt-out (hopu.crm.mailing.optout) on the customer and
skipped by every later mailing.

The recipient lines are in recipient.py, the opt-outs in optout.py, the
message template in template.py and the wizard from the customer lists
in mailing_create.py."""
import datetime
from collections import defaultdict
from email.utils import getaddresses

from sql.aggregate import Count

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.url import http_base

from .address import normalize_email
from .exceptions import MailingError, TemplateError
from .template import EMAIL_RE, PLACEHOLDERS, check_template


class Mailing(Workflow, ModelSQL, ModelView):
    "Mass Email"
    __name__ = 'hopu.crm.mailing'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    name = fields.Char("Name", required=True, states=_states)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Who sends the mailing; "
        "the salesperson and their supervisors see it.")
    from_ = fields.Char(
        "From", states=_states,
        help="The sender address; leave empty for the one of the "
        "server configuration ([email] from).")
    subject = fields.Char(
        "Subject", required=True, states=_states,
        help="May use the placeholders ${customer}, ${contact}, "
        "${salesperson}, ${company}.")
    body = fields.Text(
        "Body", required=True, states=_states,
        help="The message with placeholders: ${customer} (客户), "
        "${contact} (联系人), ${salesperson} (业务员), ${company} (公司), "
        "${email} (邮箱), ${unsubscribe_url} (退订链接). "
        "The unsubscribe link is added at the end when the body "
        "does not place it.")
    recipients = fields.One2Many(
        'hopu.crm.mailing.recipient', 'mailing', "Recipients",
        states={
            'readonly': Eval('state') != 'draft',
            })
    url_base = fields.Char("Link Base", readonly=True)
    send_date = fields.DateTime("Sent On", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('sending', "Sending"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    total = fields.Function(fields.Integer("Recipients"), 'get_counts')
    pending = fields.Function(fields.Integer("Pending"), 'get_counts')
    sent = fields.Function(fields.Integer("Sent"), 'get_counts')
    failed = fields.Function(fields.Integer("Failed"), 'get_counts')
    skipped = fields.Function(fields.Integer("Skipped"), 'get_counts')
    progress = fields.Function(fields.Float("Progress"), 'get_counts')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.state, Index.Equality(cardinality='low')),
                where=t.state.in_(['draft', 'sending'])))
        cls._order.insert(0, ('id', 'DESC'))
        cls._transitions |= {
            ('draft', 'sending'),
            ('sending', 'done'),
            ('done', 'sending'),
            ('sending', 'draft'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('recipients', []),
                    'depends': ['state', 'recipients'],
                    },
                'retry': {
                    'invisible': ~((Eval('state') == 'done')
                        & (Eval('failed', 0) > 0)),
                    'depends': ['state', 'failed'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'sending',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~((Eval('state') == 'sending')
                        & (Eval('sent', 0) == 0)
                        & (Eval('failed', 0) == 0)),
                    'depends': ['state', 'sent', 'failed'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_salesperson():
        return Transaction().context.get('employee')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_body(cls):
        return gettext('hopu_crm_mailing.msg_default_body')

    @classmethod
    def get_counts(cls, mailings, names):
        pool = Pool()
        Recipient = pool.get('hopu.crm.mailing.recipient')
        recipient = Recipient.__table__()
        cursor = Transaction().connection.cursor()
        counts = defaultdict(lambda: defaultdict(int))
        for sub_ids in grouped_slice(mailings, backend.MAX_QUERY_PARAMS):
            cursor.execute(*recipient.select(
                    recipient.mailing, recipient.state, Count(recipient.id),
                    where=recipient.mailing.in_([int(m) for m in sub_ids]),
                    group_by=[recipient.mailing, recipient.state]))
            for mailing, state, count in cursor:
                counts[mailing][state] = count
        result = {n: {} for n in names}
        for mailing in mailings:
            by_state = counts[mailing.id]
            total = sum(by_state.values())
            values = {
                'total': total,
                'pending': by_state['pending'],
                'sent': by_state['sent'],
                'failed': by_state['failed'],
                'skipped': by_state['skipped'],
                'progress': (
                    (total - by_state['pending']) / total if total else 0.0),
                }
            for name in names:
                result[name][mailing.id] = values[name]
        return result

    @classmethod
    def validate_fields(cls, mailings, field_names):
        super().validate_fields(mailings, field_names)
        if field_names and not (field_names & {'subject', 'body'}):
            return
        for mailing in mailings:
            for text in [mailing.subject, mailing.body]:
                unknown = check_template(text)
                if unknown is None or unknown:
                    raise TemplateError(gettext(
                            'hopu_crm_mailing.msg_template_invalid',
                            mailing=mailing.rec_name,
                            names=', '.join(unknown or []) or '$',
                            placeholders=', '.join(
                                '${%s}' % n for n in PLACEHOLDERS)))

    @classmethod
    def copy(cls, mailings, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('send_date', None)
        default.setdefault('url_base', None)
        default.setdefault('recipients.state', 'pending')
        default.setdefault('recipients.error', None)
        default.setdefault('recipients.sent_date', None)
        default.setdefault('recipients.token', None)
        return super().copy(mailings, default=default)

    @classmethod
    def check_modification(cls, mode, mailings, values=None, external=False):
        super().check_modification(
            mode, mailings, values=values, external=external)
        if mode == 'delete':
            for mailing in mailings:
                if mailing.state != 'draft':
                    raise MailingError(gettext(
                            'hopu_crm_mailing.msg_mailing_delete_sent',
                            mailing=mailing.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, mailings):
        pool = Pool()
        Recipient = pool.get('hopu.crm.mailing.recipient')
        recipients = [r for m in mailings for r in m.recipients]
        Recipient.write(recipients, {'state': 'pending', 'error': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('sending')
    def send(cls, mailings):
        """Skip what may not be sent (unsubscribed, no email, repeated
        address), then queue the others"""
        pool = Pool()
        Recipient = pool.get('hopu.crm.mailing.recipient')
        OptOut = pool.get('hopu.crm.mailing.optout')
        for mailing in mailings:
            if not mailing.recipients:
                raise MailingError(gettext(
                        'hopu_crm_mailing.msg_mailing_no_recipient',
                        mailing=mailing.rec_name))
        url_base = (config.get('hopu_crm_mailing', 'url')
            or http_base())
        cls.write(mailings, {
                'send_date': datetime.datetime.now(),
                'url_base': url_base.rstrip('/'),
                })
        to_skip = defaultdict(list)
        with without_check_access():
            for mailing in mailings:
                emails = [normalize_email(r.email)
                    for r in mailing.recipients]
                opted_out = OptOut.opted_out(emails)
                seen = set()
                for recipient in mailing.recipients:
                    if recipient.state != 'pending':
                        continue
                    email = normalize_email(recipient.email)
                    if not email:
                        reason = 'msg_recipient_no_email'
                    elif not EMAIL_RE.match(email):
                        reason = 'msg_recipient_invalid_email'
                    elif email in opted_out:
                        reason = 'msg_recipient_unsubscribed'
                    elif email in seen:
                        reason = 'msg_recipient_duplicate'
                    else:
                        seen.add(email)
                        continue
                    to_skip[reason].append(recipient)
            for reason, recipients in to_skip.items():
                Recipient.write(recipients, {
                        'state': 'skipped',
                        'error': gettext(f'hopu_crm_mailing.{reason}'),
                        })
        cls.enqueue(mailings)

    @classmethod
    @ModelView.button
    def retry(cls, mailings):
        "Put the failed recipients back in the queue"
        pool = Pool()
        Recipient = pool.get('hopu.crm.mailing.recipient')
        mailings = [m for m in mailings if m.state in {'done', 'sending'}]
        failed = Recipient.search([
                ('mailing', 'in', [m.id for m in mailings]),
                ('state', '=', 'failed'),
                ])
        Recipient.write(failed, {'state': 'pending', 'error': None})
        cls.write(
            [m for m in mailings if m.state == 'done'], {'state': 'sending'})
        cls.enqueue(mailings)

    @classmethod
    @ModelView.button
    def resume(cls, mailings):
        "Queue again the pending recipients (after a worker was stopped)"
        cls.enqueue([m for m in mailings if m.state == 'sending'])

    @classmethod
    def enqueue(cls, mailings):
        """Push the pending recipients to the task queue in batches: each
        batch is one task and one transaction, so the counts move while the
        mailing is sent. Without a worker ([queue] worker = False) Tryton
        runs the tasks once the request is committed."""
        pool = Pool()
        Recipient = pool.get('hopu.crm.mailing.recipient')
        size = config.getint('hopu_crm_mailing', 'batch_size', default=50)
        with without_check_access():
            pending = Recipient.search([
                    ('mailing', 'in', [m.id for m in mailings]),
                    ('state', '=', 'pending'),
                    ], order=[('mailing', 'ASC'), ('id', 'ASC')])
        for batch in grouped_slice(pending, count=size):
            Recipient.__queue__.deliver(list(batch))
        # A mailing with nothing left to send is done at once
        cls.check_done(mailings)

    @classmethod
    def check_done(cls, mailings):
        pool = Pool()
        Recipient = pool.get('hopu.crm.mailing.recipient')
        with without_check_access():
            mailings = cls.browse(mailings)
            pending = {r.mailing.id for r in Recipient.search([
                        ('mailing', 'in', [m.id for m in mailings]),
                        ('state', '=', 'pending'),
                        ])}
            cls.done([m for m in mailings
                    if m.state == 'sending' and m.id not in pending])

    @classmethod
    @Workflow.transition('done')
    def done(cls, mailings):
        pass

    def get_sender(self):
        "The From header and the envelope sender"
        from_ = self.from_ or config.get('email', 'from')
        addresses = getaddresses([from_ or ''])
        address = addresses[0][1] if addresses else from_
        return from_, address
