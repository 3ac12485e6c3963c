# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-15, CRM-16 conversion of a follow-up customer into an existing
customer; CRM-18 demotion of an existing customer to potential.

The wizard runs in one transaction: either everything converts or, on the
first error, nothing changes."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.hopu_sysadmin.wizard_record import wizard_record
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import ConversionError, DemotionError


def open_form(action, customer):
    "The action showing the form of the customer"
    action['res_id'] = [customer.id]
    action['views'] = list(reversed(action.get('views') or []))
    return action


class ConvertStart(ModelView):
    "Convert to Existing Customer"
    __name__ = 'hopu.crm.convert.start'

    lead = fields.Many2One('party.party', "Lead", readonly=True)
    mode = fields.Selection([
            ('new', "New Existing Customer"),
            ('link', "Link to Existing Customer"),
            ('contact', "Contact of Existing Customer"),
            ], "Conversion", required=True,
        help="New: the lead itself becomes the existing customer.\n"
        "Link: the lead is merged into an existing customer "
        "(the same company).\n"
        "Contact: the lead becomes a contact of an existing customer.")
    duplicates = fields.Many2Many(
        'party.party', None, None, "Duplicates Found", readonly=True)
    customer = fields.Many2One(
        'party.party', "Existing Customer",
        domain=[('crm_stage', '=', 'existing')],
        states={
            'required': Eval('mode').in_(['link', 'contact']),
            'invisible': Eval('mode') == 'new',
            })
    contacts = fields.Many2Many(
        'hopu.crm.contact', None, None, "Contacts to Carry Over",
        domain=[('customer', '=', Eval('lead', -1))])
    preview = fields.Text("Preview", readonly=True)

    @fields.depends('lead', 'mode', 'customer', 'contacts')
    def on_change_with_preview(self):
        return preview(self.lead, self.mode, self.customer, self.contacts)


def all_contacts(customer):
    """The active contacts of the customer, also those the user does not
    see: a contact is never duplicated because it is out of sight"""
    pool = Pool()
    Contact = pool.get('hopu.crm.contact')
    with without_check_access():
        return Contact.search([('customer', '=', customer.id)])


def preview(lead, mode, customer, contacts):
    "What the conversion will create or link, in words"
    if not lead or not mode:
        return ''
    lines = []
    if mode == 'new':
        lines.append(gettext(
                'hopu_crm.msg_preview_new', lead=lead.rec_name))
    elif customer:
        key = ('hopu_crm.msg_preview_link' if mode == 'link'
            else 'hopu_crm.msg_preview_contact')
        lines.append(gettext(
                key, lead=lead.rec_name, customer=customer.rec_name))
    for contact in contacts or []:
        match = None
        if mode != 'new' and customer:
            match = next((c for c in all_contacts(customer)
                    if c.same_person(contact)), None)
        if match:
            lines.append(gettext(
                    'hopu_crm.msg_preview_contact_link',
                    contact=contact.name, existing=match.name))
        else:
            lines.append(gettext(
                    'hopu_crm.msg_preview_contact_carry',
                    contact=contact.name))
    return '\n'.join(lines)


class Convert(Wizard):
    "Convert to Existing Customer"
    __name__ = 'hopu.crm.convert'
    start = StateView(
        'hopu.crm.convert.start',
        'hopu_crm.convert_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Convert", 'convert', 'tryton-ok', default=True),
            ])
    convert = StateTransition()
    open_ = StateAction('hopu_crm.act_customer_form')

    def default_start(self, fields):
        lead = wizard_record(self, 'party.party')
        self.check_lead(lead)
        duplicates = lead.crm_duplicates(stages=['existing'])
        contacts = [c for c in lead.crm_contacts if c.active]
        values = {
            'lead': lead.id,
            'mode': 'link' if duplicates else 'new',
            'duplicates': [d.id for d in duplicates],
            'customer': duplicates[0].id if duplicates else None,
            'contacts': [c.id for c in contacts],
            }
        values['preview'] = preview(
            lead, values['mode'], duplicates[0] if duplicates else None,
            contacts)
        return values

    @staticmethod
    def check_lead(lead):
        if lead.crm_stage != 'follow_up':
            raise ConversionError(gettext(
                    'hopu_crm.msg_convert_not_follow_up',
                    lead=lead.rec_name))

    def transition_convert(self):
        lead = wizard_record(self, 'party.party')
        self.check_lead(lead)
        mode = self.start.mode
        contacts = list(self.start.contacts)
        for contact in contacts:
            if contact.customer != lead:
                raise ConversionError(gettext(
                        'hopu_crm.msg_convert_contact_not_lead',
                        contact=contact.rec_name, lead=lead.rec_name))
        if mode == 'new':
            self.convert_new(lead, contacts)
        else:
            customer = self.start.customer
            if not customer or customer.crm_stage != 'existing':
                raise ConversionError(gettext(
                        'hopu_crm.msg_convert_customer_required',
                        lead=lead.rec_name))
            if customer == lead:
                raise ConversionError(gettext(
                        'hopu_crm.msg_convert_into_itself',
                        lead=lead.rec_name))
            self.convert_into(lead, customer, contacts, mode)
        return 'open_'

    def do_open_(self, action):
        "The existing customer, where the manual goes on"
        customer = (
            self.record if self.start.mode == 'new' else self.start.customer)
        return open_form(action, customer), {}

    def convert_new(self, lead, contacts):
        "The lead itself becomes the existing customer"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('hopu.crm.contact')
        left = [c for c in lead.crm_contacts if c.active and c not in contacts]
        with Transaction().set_context(
                _hopu_crm_skip_duplicate=True, _hopu_crm_stage_change=True):
            Party.write([lead], {'crm_stage': 'existing'})
        if left:
            Contact.write(left, {'active': False})
        for contact in Contact.browse(contacts):
            contact.check_reachable()

    def convert_into(self, lead, customer, contacts, mode):
        """The lead is merged into an existing customer, or becomes one of
        its contacts: its reports and records move to the customer, the
        chosen contacts are linked to the customer's own when they are the
        same person (mobile or email), moved otherwise"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('hopu.crm.contact')
        Report = pool.get('hopu.crm.daily_report')
        Record = pool.get('hopu.crm.contact_record')

        with Transaction().set_context(
                _hopu_crm_skip_duplicate=True, _hopu_crm_stage_change=True):
            Party.write([lead], {
                    'crm_stage': 'converted',
                    'crm_converted_into': customer.id,
                    })
        if mode == 'link':
            # The company data the customer lacks come from the lead
            values = {name: getattr(lead, name)
                for name in ['crm_industry', 'crm_region', 'crm_size',
                    'crm_address', 'crm_tax_id']
                if not getattr(customer, name) and getattr(lead, name)}
            if values:
                with Transaction().set_context(_hopu_crm_skip_duplicate=True):
                    Party.write([customer], values)
        existing = all_contacts(customer)
        if mode == 'contact':
            own = Contact(
                customer=lead, name=lead.name, phone=lead.phone,
                email=lead.email, mobile=lead.mobile)
            own.mobile_key = Contact._keys({'mobile': own.mobile}).get(
                'mobile_key')
            own.email_key = Contact._keys({'email': own.email}).get(
                'email_key')
            if not any(c.same_person(own) for c in existing + contacts):
                own.comment = gettext(
                    'hopu_crm.msg_contact_from_lead', lead=lead.rec_name)
                own.save()
                contacts.append(own)

        mapping = {}
        to_move = []
        for contact in contacts:
            match = next(
                (c for c in existing if c.same_person(contact)), None)
            if match:
                # Never a second copy of a contact the customer has
                mapping[contact.id] = match.id
            else:
                to_move.append(contact)
        if mapping:
            for contact_id, match_id in mapping.items():
                Contact.write(
                    [Contact(contact_id)], {'merged_into': match_id})
        if to_move:
            Contact.write(to_move, {'customer': customer.id})
            for contact in Contact.browse(to_move):
                contact.check_reachable()

        for Model in [Report, Record]:
            to_write = []
            # Every report of the lead follows it, whoever wrote it
            with without_check_access():
                records = Model.search([('customer', '=', lead.id)])
            for record in records:
                values = {'customer': customer.id, 'lead': lead.id}
                if record.contact and record.contact.id in mapping:
                    values['contact'] = mapping[record.contact.id]
                to_write.extend(([record], values))
            if to_write:
                with without_check_access():
                    Model.write(*to_write)


class DemoteStart(ModelView):
    "Demote to Potential Customer"
    __name__ = 'hopu.crm.demote.start'
    customer = fields.Many2One('party.party', "Customer", readonly=True)
    reason = fields.Text("Reason", required=True)


class Demote(Wizard):
    "Demote to Potential Customer"
    __name__ = 'hopu.crm.demote'
    start = StateView(
        'hopu.crm.demote.start',
        'hopu_crm.demote_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Demote", 'demote', 'tryton-ok', default=True),
            ])
    demote = StateTransition()
    open_ = StateAction('hopu_crm.act_lead_form')

    def default_start(self, fields):
        customer = wizard_record(self, 'party.party')
        self.check_customer(customer)
        return {'customer': customer.id}

    @staticmethod
    def check_customer(customer):
        if customer.crm_stage != 'existing':
            raise DemotionError(gettext(
                    'hopu_crm.msg_demote_not_existing',
                    customer=customer.rec_name))

    def transition_demote(self):
        pool = Pool()
        Party = pool.get('party.party')
        customer = wizard_record(self, 'party.party')
        self.check_customer(customer)
        reason = (self.start.reason or '').strip()
        if not reason:
            raise DemotionError(gettext(
                    'hopu_crm.msg_demote_reason_required',
                    customer=customer.rec_name))
        with Transaction().set_context(
                _hopu_crm_reason=reason, _hopu_crm_skip_duplicate=True,
                _hopu_crm_stage_change=True):
            Party.write([customer], {
                    'crm_stage': 'potential',
                    'crm_follow_up_stage': None,
                    })
        return 'open_'

    def do_open_(self, action):
        "The customer among the potential customers again"
        return open_form(action, self.record), {}
