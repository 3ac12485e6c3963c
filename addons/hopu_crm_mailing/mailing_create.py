# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 「邮件群发」 from the customer lists: a draft mass email to the
chosen customers and their contacts"""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)


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
