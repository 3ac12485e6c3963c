# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-11, CRM-14, CRM-15, CRM-18: the customer life cycle on party.party.

A potential customer (线索), a follow-up customer and an existing customer
are the same party.party record at different stages (``crm_stage``), so
that every ERP document sees one customer. This file adds the lead data,
the duplicate check, the follow-up stage with its history and the
conversion and demotion buttons. A mixin of the one ``party.party``
extension of the module (party.py)."""
import re
import unicodedata

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.hopu_sysadmin.security import readable_ids
from trytond.modules.hopu_sysadmin.sqlcolumn import SQLColumn
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .customer_stages import ACTIVE_STAGES, LEAD_STAGES
from .exceptions import DuplicateCustomerWarning, StageChangeError

COMPANY_SUFFIXES = [
    '股份有限公司', '有限责任公司', '有限公司', '集团公司', '公司',
    'co.,ltd.', 'co.,ltd', 'co.ltd.', 'co.ltd', 'ltd.', 'ltd',
    ]


def normalize_name(name):
    """The key of a company name: full-width folded to half-width, spaces
    and punctuation removed, the legal-form suffix dropped"""
    if not name:
        return None
    name = unicodedata.normalize('NFKC', name).lower()
    name = re.sub(r'\s+', '', name)
    for suffix in COMPANY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[:-len(suffix)]
            break
    name = ''.join(c for c in name if c.isalnum())
    return name or None


def normalize_phone(phone):
    "The key of a phone number: its digits, without the +86 / 0086 prefix"
    if not phone:
        return None
    digits = ''.join(
        c for c in unicodedata.normalize('NFKC', phone) if c.isdigit())
    for prefix in ['0086', '86']:
        if digits.startswith(prefix) and len(digits) > 11:
            digits = digits[len(prefix):]
            if not digits.startswith('1'):
                # A fixed line: the trunk prefix 0 comes back
                digits = '0' + digits
            break
    return digits or None


def normalize_code(code):
    "The key of a tax id: half-width, upper case, letters and digits only"
    if not code:
        return None
    code = unicodedata.normalize('NFKC', code).upper()
    return ''.join(c for c in code if c.isalnum()) or None


def normalize_email(email):
    if not email:
        return None
    return unicodedata.normalize('NFKC', email).strip().lower() or None


_lead_states = {
    'readonly': Eval('crm_stage') == 'converted',
    }


class CustomerMixin:
    "The life cycle of a customer: lead data, stages, duplicates"
    __slots__ = ()

    crm_industry = fields.Char("Industry", states=_lead_states, loading='lazy')

    crm_region = fields.Char("Region", states=_lead_states, loading='lazy')

    crm_size = fields.Selection([
            (None, ""),
            ('micro', "1-20 employees"),
            ('small', "21-100 employees"),
            ('medium', "101-500 employees"),
            ('large', "More than 500 employees"),
            ], "Company Size", states=_lead_states, loading='lazy')

    crm_source = fields.Selection([
            (None, ""),
            ('cold_visit', "Cold Visit"),
            ('phone', "Phone Call"),
            ('referral', "Referral"),
            ('exhibition', "Exhibition"),
            ('internet', "Internet"),
            ('other', "Other"),
            ], "Source", states=_lead_states, loading='lazy')

    crm_address = fields.Char("Address", states=_lead_states, loading='lazy')

    crm_tax_id = fields.Char(
        "Tax ID", states=_lead_states,
        help="The unified social credit code of the company.",
        loading='lazy')

    crm_name_key = fields.Char("Name Key", readonly=True, loading='lazy')

    crm_phone_key = fields.Char("Phone Key", readonly=True, loading='lazy')

    crm_tax_key = fields.Char("Tax ID Key", readonly=True, loading='lazy')

    crm_follow_up_stage = fields.Many2One(
        'hopu.crm.stage', "Follow-up Stage", ondelete='RESTRICT',
        states={
            'readonly': ~Eval('crm_stage').in_(LEAD_STAGES),
            'invisible': ~Eval('crm_stage').in_(LEAD_STAGES),
            },
        help="Setting a stage turns a potential customer into a "
        "follow-up customer.",
        loading='lazy')

    crm_converted_into = fields.Many2One(
        'party.party', "Converted Into", readonly=True, ondelete='RESTRICT',
        states={
            'invisible': ~Eval('crm_converted_into'),
            },
        help="The existing customer this lead was converted into.",
        loading='lazy')

    crm_converted_leads = fields.One2Many(
        'party.party', 'crm_converted_into', "Converted Leads",
        readonly=True)

    crm_cold_visit = fields.Many2One(
        'hopu.crm.daily_report', "Cold Visit", readonly=True,
        ondelete='SET NULL',
        states={
            'invisible': ~Eval('crm_cold_visit'),
            },
        loading='lazy')

    crm_contacts = fields.One2Many(
        'hopu.crm.contact', 'customer', "Contacts",
        states={
            'readonly': Eval('crm_stage') == 'converted',
            })

    crm_reports = fields.One2Many(
        'hopu.crm.daily_report', 'customer', "Daily Reports",
        readonly=True)

    crm_records = fields.One2Many(
        'hopu.crm.contact_record', 'customer', "Contact Records",
        readonly=True)

    crm_stage_history = fields.One2Many(
        'hopu.crm.stage.history', 'party', "Stage History", readonly=True)
    crm_phone = SQLColumn(fields.Char(
            "Phone", help="The first phone number of the customer."),
        searcher='search_crm_phone')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_convert': {
                    'invisible': Eval('crm_stage') != 'follow_up',
                    'depends': ['crm_stage'],
                    },
                'crm_demote': {
                    'invisible': Eval('crm_stage') != 'existing',
                    'depends': ['crm_stage'],
                    },
                })

    @classmethod
    def column_crm_phone(cls, tables):
        """The customer lists read the phone in their one SELECT: the first
        active phone of the contact mechanisms, as party's phone field
        finds it, without its getter walking the mechanisms row by row"""
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        party, _ = tables[None]
        mechanism = ContactMechanism.__table__()
        return mechanism.select(mechanism.value,
            where=((mechanism.party == party.id) & mechanism.active
                & (mechanism.type == 'phone')),
            order_by=[mechanism.sequence.asc.nulls_first, mechanism.id.asc],
            limit=1)

    @classmethod
    def search_crm_phone(cls, name, clause):
        return [('phone', *clause[1:])]

    @fields.depends('crm_follow_up_stage', 'crm_stage')
    def on_change_crm_follow_up_stage(self):
        if self.crm_follow_up_stage and self.crm_stage == 'potential':
            self.crm_stage = 'follow_up'

    @classmethod
    def _crm_keys(cls, party):
        return {
            'crm_name_key': normalize_name(party.name),
            'crm_phone_key': normalize_phone(party.phone),
            'crm_tax_key': normalize_code(party.crm_tax_id),
            }

    @classmethod
    def _crm_update_keys(cls, parties):
        to_write = []
        for party in parties:
            keys = cls._crm_keys(party)
            if any(getattr(party, k) != v for k, v in keys.items()):
                to_write.extend(([party], keys))
        if to_write:
            with Transaction().set_context(_hopu_crm_bookkeeping=True):
                cls.write(*to_write)

    def crm_duplicates(self, stages=None):
        "Other customers that look like the same company (CRM-11)"
        keys = self._crm_keys(self)
        clauses = [(k, '=', v) for k, v in keys.items() if v]
        if not clauses:
            return []
        domain = [
            ('id', '!=', self.id),
            ('crm_stage', 'in', stages or ACTIVE_STAGES),
            ['OR'] + clauses,
            ]
        with without_check_access():
            return self.search(domain, order=[('id', 'ASC')])

    @classmethod
    def _crm_check_duplicates(cls, parties):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        if Transaction().context.get('_hopu_crm_skip_duplicate'):
            return
        for party in parties:
            if not party.crm_stage or party.crm_stage == 'converted':
                continue
            duplicates = party.crm_duplicates()
            if duplicates:
                key = Warning.format(
                    'hopu_crm_duplicate', [party] + list(duplicates))
                if Warning.check(key):
                    raise DuplicateCustomerWarning(key, gettext(
                            'hopu_crm.msg_customer_duplicate',
                            customer=party.rec_name,
                            duplicates=cls._crm_duplicate_names(duplicates)))

    @classmethod
    def _crm_duplicate_names(cls, duplicates):
        """Names of the duplicates the user may see, the others untold (the
        check runs after the write, without the access checks: every user
        but root is limited)"""
        transaction = Transaction()
        readable = {d.id for d in duplicates}
        if transaction.user:
            readable = readable_ids(cls, readable)
        names = [d.rec_name for d in duplicates if d.id in readable]
        if len(names) < len(duplicates):
            names.append(gettext('hopu_crm.msg_customer_duplicate_other'))
        return ', '.join(names)

    @classmethod
    def _crm_history(cls, parties, old, reason=None):
        "Record the stage changes of the parties (CRM-14, CRM-18)"
        pool = Pool()
        History = pool.get('hopu.crm.stage.history')
        reason = reason or Transaction().context.get('_hopu_crm_reason')
        to_create = []
        for party in parties:
            from_crm_stage, from_stage = old.get(party.id, (None, None))
            to_stage = (
                party.crm_follow_up_stage.id
                if party.crm_follow_up_stage else None)
            if (from_crm_stage, from_stage) == (party.crm_stage, to_stage):
                continue
            if not party.crm_stage and not from_crm_stage:
                continue
            to_create.append({
                    'party': party.id,
                    'from_crm_stage': from_crm_stage,
                    'to_crm_stage': party.crm_stage,
                    'from_stage': from_stage,
                    'to_stage': to_stage,
                    'reason': reason,
                    })
        if to_create:
            with without_check_access():
                History.create(to_create)

    @classmethod
    def _crm_promote(cls, parties):
        "A potential customer entering a follow-up stage is followed up"
        promote = [p for p in parties
            if p.crm_stage == 'potential' and p.crm_follow_up_stage]
        if promote:
            with Transaction().set_context(_hopu_crm_bookkeeping=True):
                cls.write(promote, {'crm_stage': 'follow_up'})

    # The stage changes a plain write may do; the others go through the
    # conversion and demotion wizards (CRM-15, CRM-18)
    _crm_free_transitions = {
        (None, 'potential'), (None, 'existing'),
        ('potential', 'follow_up'), ('follow_up', 'potential'),
        }

    # The fields whose change asks for the duplicate check (CRM-11)
    _crm_duplicate_fields = {
        'name', 'phone', 'crm_tax_id', 'crm_stage', 'contact_mechanisms'}

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if Transaction().context.get('_hopu_crm_stage_change'):
            return
        if mode == 'create':
            for party in parties:
                if party.crm_stage == 'converted':
                    raise StageChangeError(gettext(
                            'hopu_crm.msg_customer_stage_change',
                            customer=party.name or ''))
        elif mode == 'write' and 'crm_stage' in values:
            for party in parties:
                if party.crm_stage == values['crm_stage']:
                    continue
                if (party.crm_stage, values['crm_stage']) not in (
                        cls._crm_free_transitions):
                    raise StageChangeError(gettext(
                            'hopu_crm.msg_customer_stage_change',
                            customer=party.rec_name))

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if (mode == 'delete'
                or Transaction().context.get('_hopu_crm_bookkeeping')):
            return
        cls._crm_promote(parties)
        cls._crm_update_keys(cls.browse(parties))
        if mode == 'create':
            parties = cls.browse(parties)
            cls._crm_history(parties, {})
            cls._crm_check_duplicates(parties)

    @classmethod
    def on_write(cls, parties, values):
        """The stage history and the duplicate check compare with the
        values before the write: they run once the write is done"""
        callbacks = super().on_write(parties, values)
        if Transaction().context.get('_hopu_crm_bookkeeping'):
            return callbacks
        old = {p.id: (
                p.crm_stage,
                p.crm_follow_up_stage.id if p.crm_follow_up_stage else None)
            for p in parties}
        checked = set(values) & cls._crm_duplicate_fields

        def history():
            written = cls.browse(list(old))
            cls._crm_history(written, old)
            if checked - {'crm_stage'} or 'crm_stage' in checked and any(
                    old[p.id][0] in {None, 'converted'} for p in written):
                cls._crm_check_duplicates(written)
        callbacks.append(history)
        return callbacks

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('crm_converted_into', None)
        default.setdefault('crm_converted_leads', None)
        default.setdefault('crm_reports', None)
        default.setdefault('crm_records', None)
        default.setdefault('crm_stage_history', None)
        default.setdefault('crm_cold_visit', None)
        return super().copy(parties, default=default)

    @classmethod
    @ModelView.button_action('hopu_crm.wizard_convert')
    def crm_convert(cls, parties):
        pass

    @classmethod
    @ModelView.button_action('hopu_crm.wizard_demote')
    def crm_demote(cls, parties):
        pass
