# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    contracts = fields.One2Many(
        'hopu.contract', 'party', "Contracts", readonly=True)
    contract_demotion_review = fields.Boolean(
        "Demotion Review",
        help="Set when a contract of the customer is terminated (CON-6): "
        "review whether the customer goes back to potential (CRM-18).")
