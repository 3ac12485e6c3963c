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
skipped by every later mailing."""
import datetime
import html
import re
import secrets
import smtplib
import string
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr, getaddresses, make_msgid
from html.parser import HTMLParser

from sql.aggregate import Count

from trytond.config import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.hopu_sysadmin.security import readable_ids
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.sendmail import get_smtp_server, send_message
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.url import host, http_base
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import MailingError, RecipientError, TemplateError

EMAIL_RE = re.compile(r'^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$')

# The placeholders of a template, by their English and Chinese names
PLACEHOLDERS = {
    'customer': 'customer', '客户': 'customer',
    'contact': 'contact', '联系人': 'contact',
    'salesperson': 'salesperson', '业务员': 'salesperson',
    'company': 'company', '公司': 'company',
    'email': 'email', '邮箱': 'email',
    'unsubscribe_url': 'unsubscribe_url', '退订链接': 'unsubscribe_url',
    }


class MailTemplate(string.Template):
    "${customer} or ${客户}; $$ is a dollar sign"
    idpattern = r'(?:[_a-zA-Z][_a-zA-Z0-9]*|[\u4e00-\u9fff]+)'
    flags = 0


def check_template(text):
    """Return the names a template uses that are not placeholders, or None
    when its syntax is wrong"""
    template = MailTemplate(text or '')
    if not template.is_valid():
        return None
    return [n for n in template.get_identifiers() if n not in PLACEHOLDERS]


def render(text, values, escape=False):
    "Fill the placeholders of text; escape the values for HTML when asked"
    mapping = {}
    for name, key in PLACEHOLDERS.items():
        value = values.get(key) or ''
        mapping[name] = html.escape(value) if escape else value
    return MailTemplate(text or '').safe_substitute(mapping)


def is_html(text):
    return bool(re.search(r'<[a-zA-Z][^>]*>', text or ''))


class _TextExtractor(HTMLParser):
    "The text of an HTML body, for the text/plain part of a message"
    _blocks = {'p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag in self._blocks:
            self.parts.append('\n')
        if tag == 'a':
            self.links.append(dict(attrs).get('href'))

    def handle_endtag(self, tag):
        if tag == 'a' and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f' <{href}>')
        elif tag in self._blocks - {'br'}:
            self.parts.append('\n')

    def handle_data(self, data):
        # Line breaks of the HTML source are no breaks of the text
        self.parts.append(re.sub(r'\s*\n\s*', ' ', data))

    def text(self):
        text = ''.join(self.parts)
        text = re.sub(r' *\n *', '\n', text)
        return re.sub(r'\n{3,}', '\n\n', text).strip() + '\n'


def html_to_text(content):
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    return parser.text()


def normalize_email(value):
    return (value or '').strip().lower()


def _escape_like(value):
    return value.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')


def check_addresses_own(emails, external=None):
    """CRM-33: over RPC, no recipient line or opt-out carries the address
    of a customer the user may not read: its unsubscribe link would stop
    another salesperson's mailings to that customer (issue 13)"""
    pool = Pool()
    Party = pool.get('party.party')
    Mechanism = pool.get('party.contact_mechanism')
    Contact = pool.get('hopu.crm.contact')
    transaction = Transaction()
    if external is None:
        external = transaction.check_access
    if not external or not transaction.user:
        return
    emails = sorted({normalize_email(e) for e in emails} - {''})
    owners = set()
    with without_check_access():
        for sub_emails in grouped_slice(emails, 100):
            sub_emails = list(sub_emails)
            owners.update(m.party.id for m in Mechanism.search([
                        ('type', '=', 'email'),
                        ['OR'] + [('value', 'ilike', _escape_like(e))
                            for e in sub_emails],
                        ]))
            owners.update(c.customer.id for c in Contact.search([
                        ('email_key', 'in', sub_emails),
                        ]) if c.customer)
        customers = [p.id for p in Party.browse(list(owners))
            if p.crm_stage]
    if set(customers) - readable_ids(Party, customers):
        raise RecipientError(gettext(
                'hopu_crm_mailing.msg_address_of_other_customer'))


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
        for sub_ids in grouped_slice(mailings):
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
    def delete(cls, mailings):
        for mailing in mailings:
            if mailing.state != 'draft':
                raise MailingError(gettext(
                        'hopu_crm_mailing.msg_mailing_delete_sent',
                        mailing=mailing.rec_name))
        super().delete(mailings)

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


class Recipient(ModelSQL, ModelView):
    "Mass Email Recipient"
    __name__ = 'hopu.crm.mailing.recipient'
    _rec_name = 'email'

    _states = {
        'readonly': Eval('mailing_state') != 'draft',
        }

    mailing = fields.Many2One(
        'hopu.crm.mailing', "Mailing", required=True, ondelete='CASCADE')
    mailing_state = fields.Function(fields.Selection(
            'get_mailing_states', "Mailing State"),
        'on_change_with_mailing_state')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_stage', '!=', None)], states=_states)
    contact = fields.Many2One(
        'hopu.crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))], states=_states)
    email = fields.Char("Email", states=_states)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ('skipped', "Skipped"),
            ], "State", readonly=True, required=True, sort=False)
    error = fields.Text("Error", readonly=True,
        help="The answer of the mail server, or why the address was "
        "skipped.")
    sent_date = fields.DateTime("Sent On", readonly=True)
    token = fields.Char("Token", readonly=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_unique', Unique(t, t.token),
                'hopu_crm_mailing.msg_recipient_token_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.token, Index.Equality(cardinality='high'))),
                Index(t,
                    (t.mailing, Index.Range()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order.insert(0, ('mailing', 'DESC'))
        cls._order.insert(1, ('id', 'ASC'))

    @staticmethod
    def default_state():
        return 'pending'

    @classmethod
    def get_mailing_states(cls):
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        return Mailing.fields_get(['state'])['state']['selection']

    @fields.depends('mailing', '_parent_mailing.state')
    def on_change_with_mailing_state(self, name=None):
        return self.mailing.state if self.mailing else 'draft'

    @fields.depends('customer', 'contact')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None
        self.email = self._default_email()

    @fields.depends('customer', 'contact')
    def on_change_contact(self):
        if self.contact:
            self.customer = self.contact.customer
        self.email = self._default_email()

    def _default_email(self):
        if self.contact:
            return self.contact.email or None
        if self.customer:
            return self.customer.email or None
        return None

    def get_rec_name(self, name):
        who = self.contact.name if self.contact else (
            self.customer.rec_name if self.customer else '')
        return f'{who} <{self.email or ""}>'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('email', operator, operand, *extra),
            ('customer.rec_name', operator, operand, *extra),
            ('contact.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('token'):
            # Each line has its own secret for its unsubscribe link
            values['token'] = secrets.token_urlsafe(32)
        if values.get('email'):
            values['email'] = values['email'].strip()
        return values

    @classmethod
    def create(cls, vlist):
        cls.check_customers_readable(
            [v['customer'] for v in vlist if v.get('customer')])
        vlist = [cls._fill_email(v) for v in vlist]
        check_addresses_own(v.get('email') for v in vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        customers = [
            v['customer'] for v in args[1::2] if v.get('customer')]
        cls.check_customers_readable(customers)
        check_addresses_own(v.get('email') for v in args[1::2])
        super().write(*args)

    @classmethod
    def _fill_email(cls, values):
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('hopu.crm.contact')
        if 'email' not in values:
            values = values.copy()
            if values.get('contact'):
                values['email'] = Contact(values['contact']).email
            elif values.get('customer'):
                values['email'] = Party(values['customer']).email
        return values

    @classmethod
    def check_customers_readable(cls, customer_ids):
        """CRM-2: a user mails only the customers they may read; the record
        rules of party.party decide"""
        pool = Pool()
        Party = pool.get('party.party')
        if not customer_ids or not Transaction().check_access:
            return
        customer_ids = set(customer_ids)
        readable = set()
        for sub_ids in grouped_slice(list(customer_ids)):
            readable.update(map(int, Party.search([
                            ('id', 'in', list(sub_ids)),
                            ])))
        if customer_ids - readable:
            raise RecipientError(gettext(
                    'hopu_crm_mailing.msg_recipient_customer_not_readable'))

    @classmethod
    def copy(cls, recipients, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'pending')
        default.setdefault('error', None)
        default.setdefault('sent_date', None)
        default.setdefault('token', None)
        return super().copy(recipients, default=default)

    def placeholder_values(self):
        mailing = self.mailing
        return {
            'customer': self.customer.rec_name if self.customer else '',
            'contact': (self.contact.name if self.contact
                else (self.customer.rec_name if self.customer else '')),
            'salesperson': (mailing.salesperson.party.rec_name
                if mailing.salesperson else ''),
            'company': (mailing.company.party.rec_name
                if mailing.company else ''),
            'email': self.email or '',
            'unsubscribe_url': self.unsubscribe_url,
            }

    @property
    def unsubscribe_url(self):
        base = self.mailing.url_base or http_base().rstrip('/')
        database = Transaction().database.name
        return f'{base}/{database}/hopu_crm_mailing/unsubscribe/{self.token}'

    def get_message(self):
        "The message of this recipient, placeholders filled"
        mailing = self.mailing
        values = self.placeholder_values()
        body = mailing.body or ''
        placed = any(
            PLACEHOLDERS[n] == 'unsubscribe_url'
            for n in MailTemplate(body).get_identifiers()
            if n in PLACEHOLDERS)
        url = self.unsubscribe_url
        if is_html(body):
            content = render(body, values, escape=True)
            if not placed:
                content += gettext(
                    'hopu_crm_mailing.msg_unsubscribe_footer',
                    url=html.escape(url, quote=True))
            text = html_to_text(content)
        else:
            # Plain text: the HTML part is the escaped text
            text = render(body, values)
            content = '<p>' + render(
                html.escape(body), values, escape=True).replace(
                '\n\n', '</p>\n<p>').replace('\n', '<br/>\n') + '</p>'
            if not placed:
                text += '\n\n' + gettext(
                    'hopu_crm_mailing.msg_unsubscribe_footer_text', url=url)
                content += gettext(
                    'hopu_crm_mailing.msg_unsubscribe_footer',
                    url=html.escape(url, quote=True))
        content = (
            '<html><head><meta charset="utf-8"/></head><body>'
            f'{content}</body></html>')

        from_, _ = mailing.get_sender()
        msg = EmailMessage()
        msg['From'] = from_
        name = values['contact']
        msg['To'] = formataddr((name, self.email)) if name else self.email
        msg['Subject'] = render(mailing.subject, values)
        msg['Message-ID'] = make_msgid(domain=host())
        msg['List-Unsubscribe'] = f'<{self.unsubscribe_url}>'
        msg['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
        msg.set_content(text)
        msg.add_alternative(content, subtype='html')
        return msg

    @classmethod
    def deliver(cls, recipients):
        """Send each pending recipient its message (a queue task). A
        refusal or an error is recorded on its line and the others go on."""
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        OptOut = pool.get('hopu.crm.mailing.optout')
        with without_check_access():
            recipients = cls.browse(recipients)
            # A mailing put back to draft meanwhile keeps its lines
            recipients = [r for r in recipients
                if r.state == 'pending' and r.mailing.state == 'sending']
            opted_out = OptOut.opted_out(
                [normalize_email(r.email) for r in recipients])
            unsubscribed = [r for r in recipients
                if normalize_email(r.email) in opted_out]
            if unsubscribed:
                cls.write(unsubscribed, {
                        'state': 'skipped',
                        'error': gettext(
                            'hopu_crm_mailing.msg_recipient_unsubscribed'),
                        })
            server = None
            sent, failed = [], []
            try:
                for recipient in recipients:
                    if recipient in unsubscribed:
                        continue
                    try:
                        _, sender = recipient.mailing.get_sender()
                        msg = recipient.get_message()
                    except Exception as exception:
                        # Whatever this line has, the others go on
                        failed.append((recipient, _error(exception)))
                        continue
                    try:
                        if server is None:
                            server = get_smtp_server(strict=True)
                        server = send_message(
                            msg, from_addr=sender, to_addrs=[recipient.email],
                            server=server, strict=True)
                    except smtplib.SMTPRecipientsRefused as exception:
                        failed.append((recipient, _refusal(exception)))
                    except Exception as exception:
                        failed.append((recipient, _error(exception)))
                        if not isinstance(
                                exception, smtplib.SMTPResponseException):
                            # The connection may be lost: a new one next
                            server = _quit(server)
                    else:
                        sent.append(recipient)
            finally:
                _quit(server)
                if sent:
                    cls.write(sent, {
                            'state': 'sent',
                            'error': None,
                            'sent_date': datetime.datetime.now(),
                            })
                for recipient, error in failed:
                    cls.write([recipient], {
                            'state': 'failed',
                            'error': error,
                            })
            Mailing.check_done(list({r.mailing for r in recipients}))


def _refusal(exception):
    return '\n'.join(
        f'{code} {_decode(message)}'
        for code, message in exception.recipients.values())


def _error(exception):
    if isinstance(exception, smtplib.SMTPResponseException):
        return f'{exception.smtp_code} {_decode(exception.smtp_error)}'
    return str(exception) or exception.__class__.__name__


def _decode(message):
    if isinstance(message, bytes):
        return message.decode('utf-8', 'replace')
    return str(message)


def _quit(server):
    if server is not None:
        try:
            server.quit()
        except Exception:
            pass
    return None


class OptOut(ModelSQL, ModelView):
    "Mass Email Opt-out"
    __name__ = 'hopu.crm.mailing.optout'
    _rec_name = 'email'

    email = fields.Char("Email", required=True)
    customer = fields.Many2One(
        'party.party', "Customer", ondelete='CASCADE',
        domain=[('crm_stage', '!=', None)])
    contact = fields.Many2One(
        'hopu.crm.contact', "Contact", ondelete='SET NULL',
        domain=[If(Bool(Eval('customer')),
                ('customer', '=', Eval('customer', -1)),
                ())])
    mailing = fields.Many2One(
        'hopu.crm.mailing', "Mailing", readonly=True, ondelete='SET NULL')
    date = fields.DateTime("Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('email_unique', Unique(t, t.email),
                'hopu_crm_mailing.msg_optout_email_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @staticmethod
    def default_date():
        return datetime.datetime.now()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('email'):
            values['email'] = normalize_email(values['email'])
        return values

    @classmethod
    def check_modification(cls, mode, optouts, values=None, external=False):
        super().check_modification(
            mode, optouts, values=values, external=external)
        if mode == 'create':
            check_addresses_own((o.email for o in optouts), external)
        elif mode == 'write' and 'email' in values:
            check_addresses_own([values['email']], external)

    @classmethod
    def opted_out(cls, emails):
        "The addresses among emails (normalized) that unsubscribed"
        result = set()
        emails = sorted({e for e in emails if e})
        with without_check_access():
            for sub_emails in grouped_slice(emails):
                result.update(o.email for o in cls.search([
                            ('email', 'in', list(sub_emails)),
                            ]))
        return result

    @classmethod
    def unsubscribe(cls, recipient):
        "Record the address of the recipient as unsubscribed (once)"
        email = normalize_email(recipient.email)
        if not email:
            return
        with without_check_access():
            if cls.search([('email', '=', email)]):
                return
            cls.create([{
                        'email': email,
                        'customer': recipient.customer.id,
                        'contact': (
                            recipient.contact.id if recipient.contact
                            else None),
                        'mailing': recipient.mailing.id,
                        }])


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    mailing_optouts = fields.One2Many(
        'hopu.crm.mailing.optout', 'customer', "Unsubscribed Emails",
        readonly=True)
    mailing_unsubscribed = fields.Function(
        fields.Boolean("Unsubscribed"), 'get_mailing_unsubscribed')

    def get_mailing_unsubscribed(self, name):
        pool = Pool()
        OptOut = pool.get('hopu.crm.mailing.optout')
        email = normalize_email(self.email)
        return bool(email and OptOut.opted_out([email]))


class MailingCreateStart(ModelView):
    "Mass Email to Customers"
    __name__ = 'hopu.crm.mailing.create.start'

    mailing = fields.Many2One(
        'hopu.crm.mailing', "Mailing",
        domain=[('state', '=', 'draft')],
        help="A draft mailing to add the customers to; "
        "leave empty for a new one.")
    name = fields.Char(
        "Name",
        states={
            'required': ~Eval('mailing'),
            'invisible': Bool(Eval('mailing')),
            })
    subject = fields.Char(
        "Subject",
        states={
            'required': ~Eval('mailing'),
            'invisible': Bool(Eval('mailing')),
            })
    customer_email = fields.Boolean(
        "Customer Email", help="Mail the customer's own address.")
    contact_email = fields.Boolean(
        "Contacts' Emails", help="Mail each contact of the customer.")
    customers = fields.Integer("Customers", readonly=True)

    @staticmethod
    def default_customer_email():
        return True

    @staticmethod
    def default_contact_email():
        return True


class MailingCreate(Wizard):
    "Mass Email to Customers"
    __name__ = 'hopu.crm.mailing.create'

    start = StateView(
        'hopu.crm.mailing.create.start',
        'hopu_crm_mailing.mailing_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    open_ = StateAction('hopu_crm_mailing.act_mailing_form')

    def default_start(self, fields):
        return {
            'customers': len(self.records),
            }

    def transition_create_(self):
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        Recipient = pool.get('hopu.crm.mailing.recipient')
        mailing = self.start.mailing
        if not mailing:
            mailing = Mailing(
                name=self.start.name, subject=self.start.subject)
            mailing.save()
        existing = {
            (r.customer.id, r.contact.id if r.contact else None)
            for r in mailing.recipients}
        to_create = []
        for party in self.records:
            if not party.crm_stage:
                continue
            keys = []
            if self.start.customer_email and party.email:
                keys.append((party.id, None, party.email))
            if self.start.contact_email:
                for contact in party.crm_contacts:
                    if contact.active and contact.email:
                        keys.append((party.id, contact.id, contact.email))
            for customer, contact, email in keys:
                if (customer, contact) in existing:
                    continue
                existing.add((customer, contact))
                to_create.append({
                        'mailing': mailing.id,
                        'customer': customer,
                        'contact': contact,
                        'email': email,
                        })
        if to_create:
            Recipient.create(to_create)
        self.start.mailing = mailing
        return 'open_'

    def do_open_(self, action):
        return action, {'res_id': [self.start.mailing.id]}
