# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33 on the customer: its unsubscribed addresses"""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .address import normalize_email


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
