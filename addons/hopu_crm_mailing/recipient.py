# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 the recipient lines of a mass email and their delivery through
the SMTP server, one result per line"""
import datetime
import html
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.hopu_sysadmin.security import readable_ids
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import get_smtp_server, send_message
from trytond.transaction import Transaction, without_check_access
from trytond.url import host, http_base

from .address import check_addresses_own, normalize_email
from .exceptions import RecipientError
from .template import PLACEHOLDERS, MailTemplate, html_to_text, is_html, render


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
        if mode == 'create':
            if not values.get('token'):
                # Each line has its own secret for its unsubscribe link
                values['token'] = secrets.token_urlsafe(32)
            values = cls._fill_email(values)
        if values.get('email'):
            values['email'] = values['email'].strip()
        return values

    @classmethod
    def check_modification(
            cls, mode, recipients, values=None, external=False):
        super().check_modification(
            mode, recipients, values=values, external=external)
        if mode == 'create':
            check_addresses_own((r.email for r in recipients), external)
        elif mode == 'write':
            check_addresses_own([values.get('email')], external)

    @classmethod
    def create(cls, vlist):
        """An override, not a hook: the customers are checked before
        hopu_sysadmin's check of every reference (in _before_create), so
        that the user reads why (CRM-2)"""
        cls.check_customers_readable(
            [v['customer'] for v in vlist if v.get('customer')])
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        "An override for the same reason as create"
        cls.check_customers_readable(
            [v['customer'] for v in args[1::2] if v.get('customer')])
        super().write(*args)

    @classmethod
    def _fill_email(cls, values):
        "The address of the contact, else of the customer, unless given"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('hopu.crm.contact')
        if 'email' not in values:
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
        transaction = Transaction()
        if (not customer_ids or not transaction.user
                or not transaction.check_access):
            return
        customer_ids = set(customer_ids)
        if customer_ids - readable_ids(Party, customer_ids):
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
