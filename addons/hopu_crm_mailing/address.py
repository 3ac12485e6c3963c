# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 the email addresses of the mass emails: their normal form and
whose customer's they are (a user mails and unsubscribes only the
addresses of the customers they may read, issue 13)"""
from trytond.i18n import gettext
from trytond.modules.hopu_sysadmin.security import readable_ids
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import RecipientError


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
