# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 the unsubscribed addresses (opt-outs), skipped by every later
mass email"""
import datetime

from trytond import backend
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import without_check_access

from .address import check_addresses_own, normalize_email


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
            for sub_emails in grouped_slice(emails, backend.MAX_QUERY_PARAMS):
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
