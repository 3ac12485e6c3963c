# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-19 contact records (联系记录): visits, calls and emails on a
customer's timeline. An email is sent through the SMTP server of the
``[email] uri`` configuration; a failed send is reported and the record
stays a draft."""
import datetime
from email.message import EmailMessage
from email.utils import formataddr, getaddresses

from sql import Literal, Null
from sql.conditionals import Case
from sql.functions import Substring
from sql.operators import Concat

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.hopu_sysadmin.party import (
    RecNameColumnMixin, party_name_of)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import send_message
from trytond.transaction import Transaction

from .contact import check_email, check_phone
from .customer_stages import ACTIVE_STAGES
from .exceptions import EmailError, ReportValidationError

_draft = {
    'readonly': Eval('state') != 'draft',
    }


def _kind(kind, required=False):
    states = {
        'invisible': Eval('kind') != kind,
        'readonly': Eval('state') != 'draft',
        }
    if required:
        states['required'] = Eval('kind') == kind
    return states


class ContactRecord(RecNameColumnMixin, Workflow, ModelSQL, ModelView):
    "Contact Record"
    __name__ = 'hopu.crm.contact_record'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_stage', 'in', ACTIVE_STAGES)],
        states=_draft)
    lead = fields.Many2One(
        'party.party', "Lead", readonly=True, ondelete='SET NULL',
        states={
            'invisible': ~Eval('lead'),
            })
    contact = fields.Many2One(
        'hopu.crm.contact', "Contact", ondelete='SET NULL',
        domain=['OR',
            ('customer', '=', Eval('customer', -1)),
            ('customer', '=', Eval('lead', -1)),
            ],
        states=_draft)
    kind = fields.Selection([
            ('visit', "Visit"),
            ('call', "Phone Call"),
            ('email', "Email"),
            ], "Kind", required=True, states=_draft)
    date = fields.DateTime("Time", required=True, states=_draft)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True,
        ondelete='RESTRICT', states=_draft)
    # Visit
    place = fields.Char("Place", states=_kind('visit', required=True))
    purpose = fields.Char("Purpose", states=_kind('visit', required=True))
    # Call
    number = fields.Char("Number", states=_kind('call', required=True))
    feedback = fields.Text("Feedback", states=_kind('call'))
    content = fields.Text("Content", states={
            'invisible': Eval('kind') == 'email',
            'readonly': Eval('state') != 'draft',
            })
    # Email
    recipients = fields.Char(
        "Recipients", states=_kind('email', required=True),
        help="Email addresses separated by commas.")
    subject = fields.Char("Subject", states=_kind('email', required=True))
    body = fields.Text("Body", states=_kind('email', required=True))
    sent_date = fields.DateTime("Sent", readonly=True, states={
            'invisible': Eval('kind') != 'email',
            })
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))
        cls._transitions |= {
            ('draft', 'done'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': (
                        (Eval('kind') != 'email')
                        | (Eval('state') != 'draft')),
                    'depends': ['kind', 'state'],
                    },
                'done': {
                    'invisible': (
                        (Eval('kind') == 'email')
                        | (Eval('state') != 'draft')),
                    'depends': ['kind', 'state'],
                    },
                })

    @staticmethod
    def default_customer():
        return Transaction().context.get('hopu_crm_customer')

    @staticmethod
    def default_kind():
        return 'visit'

    @staticmethod
    def default_date():
        return datetime.datetime.now().replace(microsecond=0)

    @staticmethod
    def default_salesperson():
        return Transaction().context.get('employee')

    @staticmethod
    def default_state():
        return 'draft'

    @fields.depends('contact', 'kind', 'number', 'recipients')
    def on_change_contact(self):
        if not self.contact:
            return
        if self.kind == 'call' and not self.number:
            self.number = self.contact.mobile or self.contact.phone
        if self.kind == 'email' and not self.recipients:
            self.recipients = self.contact.email

    def get_rec_name(self, name):
        if self.kind == 'email' and self.subject:
            return f'{self.customer.rec_name} {self.subject}'
        date = self.date.strftime('%Y-%m-%d %H:%M') if self.date else ''
        return f'{self.customer.rec_name} {date}'

    @classmethod
    def column_rec_name(cls, tables):
        "get_rec_name in SQL: a list's names cost no query of the customers"
        record, _ = tables[None]
        suffix = Case(
            ((record.kind == 'email') & (record.subject != Null)
                & (record.subject != ''), record.subject),
            else_=Substring(record.date.cast('VARCHAR'),
                Literal(1), Literal(16)))
        return Concat(
            Concat(party_name_of(record.customer), ' '), suffix)

    @property
    def recipient_addresses(self):
        return [a for _, a in getaddresses([self.recipients or '']) if a]

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.kind == 'email' and record.recipients:
                addresses = record.recipient_addresses
                if not addresses or not all(
                        check_email(a) for a in addresses):
                    raise ReportValidationError(gettext(
                            'hopu_crm.msg_record_recipients_invalid',
                            value=record.recipients))
            if record.kind == 'call' and record.number:
                if not check_phone(record.number):
                    raise ReportValidationError(gettext(
                            'hopu_crm.msg_record_number_invalid',
                            value=record.number))

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('sent_date', None)
        default.setdefault('lead', None)
        return super().copy(records, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, records):
        for record in records:
            if record.kind == 'email':
                raise EmailError(gettext(
                        'hopu_crm.msg_record_email_send',
                        record=record.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def send(cls, records):
        """Send the emails now through the SMTP server; on failure raise a
        clear error: the transaction is rolled back and the email stays a
        draft, ready to send again"""
        for record in records:
            if record.kind != 'email':
                continue
            record.send_email()
        cls.write(
            [r for r in records if r.kind == 'email'],
            {'sent_date': datetime.datetime.now()})

    def _email_sender(self):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        from_ = config.get('email', 'from')
        if user.email:
            return formataddr((user.name or '', user.email)), user.email
        return from_, from_

    def get_email(self):
        header, _ = self._email_sender()
        msg = EmailMessage()
        msg['From'] = header
        msg['To'] = ', '.join(self.recipient_addresses)
        msg['Subject'] = self.subject
        msg.set_content(self.body or '')
        return msg

    def send_email(self):
        msg = self.get_email()
        _, sender = self._email_sender()
        try:
            send_message(
                msg, from_addr=sender, to_addrs=self.recipient_addresses,
                strict=True)
        except Exception as exception:
            raise EmailError(gettext(
                    'hopu_crm.msg_record_email_failed',
                    record=self.rec_name,
                    error=str(exception) or exception.__class__.__name__)
                ) from exception
