# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-12, CRM-16 contacts of a customer (联系人).

A contact belongs to one customer (party.party) at any stage; a contact of
an existing customer must be reachable (phone, mobile or email)."""
import re

from sql.conditionals import Coalesce
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.modules.hopu_sysadmin.party import (
    RecNameColumnMixin, party_name_of)
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .customer import normalize_email, normalize_phone
from .customer_stages import customer_stages
from .exceptions import ContactValidationError

EMAIL_RE = re.compile(r'^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$')
PHONE_RE = re.compile(r'^\+?[0-9 ()\-]{5,20}(\s*(ext|转|-)\s*[0-9]{1,6})?$')
MOBILE_RE = re.compile(r'^1[3-9][0-9]{9}$')


def check_email(value):
    return bool(EMAIL_RE.match(value.strip()))


def check_phone(value):
    return bool(PHONE_RE.match(value.strip()))


def check_mobile(value):
    digits = normalize_phone(value) or ''
    return bool(MOBILE_RE.match(digits)) and bool(
        re.match(r'^[+0-9 \-]+$', value.strip()))


class Contact(RecNameColumnMixin, DeactivableMixin, ModelSQL, ModelView):
    "Contact"
    __name__ = 'hopu.crm.contact'
    _rec_name = 'name'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_stage', '!=', None)])
    customer_stage = fields.Function(fields.Selection(
            'get_customer_stages', "Customer Stage"),
        'on_change_with_customer_stage', searcher='search_customer_stage')
    name = fields.Char("Name", required=True)
    title = fields.Char("Title")
    department = fields.Char("Department")
    phone = fields.Char("Phone")
    mobile = fields.Char("Mobile")
    email = fields.Char("Email")
    wechat = fields.Char("WeChat")
    decision_maker = fields.Boolean("Decision Maker")
    comment = fields.Text("Comment")
    mobile_key = fields.Char("Mobile Key", readonly=True)
    email_key = fields.Char("Email Key", readonly=True)
    merged_into = fields.Many2One(
        'hopu.crm.contact', "Merged Into", readonly=True, ondelete='SET NULL',
        states={
            'invisible': ~Eval('merged_into'),
            },
        help="The contact of the existing customer this contact was "
        "recognised as when its lead was converted.")
    reports = fields.One2Many(
        'hopu.crm.daily_report', 'contact', "Daily Reports", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('customer', 'ASC'))
        cls._order.insert(1, ('decision_maker', 'DESC'))
        cls._order.insert(2, ('name', 'ASC'))

    @staticmethod
    def default_customer():
        return Transaction().context.get('hopu_crm_customer')

    @classmethod
    def get_customer_stages(cls):
        return customer_stages()

    @fields.depends('customer', '_parent_customer.crm_stage')
    def on_change_with_customer_stage(self, name=None):
        return self.customer.crm_stage if self.customer else None

    @classmethod
    def search_customer_stage(cls, name, clause):
        return [('customer.crm_stage',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        if self.customer:
            return f'{self.name} ({self.customer.rec_name})'
        return self.name

    @classmethod
    def column_rec_name(cls, tables):
        "get_rec_name in SQL: the contact column of a list costs no query"
        contact, _ = tables[None]
        customer = party_name_of(contact.customer)
        return Coalesce(
            Concat(Concat(Concat(contact.name, ' ('), customer), ')'),
            contact.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('mobile', operator, operand, *extra),
            ('email', operator, operand, *extra),
            ]

    @classmethod
    def _keys(cls, values):
        keys = {}
        if 'mobile' in values:
            keys['mobile_key'] = normalize_phone(values['mobile'])
        if 'email' in values:
            keys['email_key'] = normalize_email(values['email'])
        return keys

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        values.update(cls._keys(values))
        return values

    @classmethod
    def copy(cls, contacts, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('reports', None)
        default.setdefault('merged_into', None)
        return super().copy(contacts, default=default)

    @classmethod
    def validate_fields(cls, contacts, field_names):
        super().validate_fields(contacts, field_names)
        for contact in contacts:
            contact.check_formats()

    @classmethod
    def validate(cls, contacts):
        super().validate(contacts)
        for contact in contacts:
            contact.check_reachable()

    def check_formats(self):
        for field, check, msg in [
                ('phone', check_phone, 'msg_contact_phone_invalid'),
                ('mobile', check_mobile, 'msg_contact_mobile_invalid'),
                ('email', check_email, 'msg_contact_email_invalid'),
                ]:
            value = getattr(self, field)
            if value and not check(value):
                raise ContactValidationError(gettext(
                        f'hopu_crm.{msg}', contact=self.name, value=value))

    def check_reachable(self):
        "CRM-16: a contact of an existing customer can be reached"
        if (self.active and self.customer
                and self.customer.crm_stage == 'existing'
                and not (self.phone or self.mobile or self.email)):
            raise ContactValidationError(gettext(
                    'hopu_crm.msg_contact_unreachable',
                    contact=self.name, customer=self.customer.rec_name))

    def same_person(self, other):
        "The contacts are the same person: same mobile or same email"
        return bool(
            (self.mobile_key and self.mobile_key == other.mobile_key)
            or (self.email_key and self.email_key == other.email_key))
