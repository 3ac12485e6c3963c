# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta

CRM_STAGES = [
    (None, ""),
    ('potential', "Potential Customer"),
    ('follow_up', "Follow-up Customer"),
    ('existing', "Existing Customer"),
    ]


class Party(metaclass=PoolMeta):
    "A customer of the CRM is a party with a stage and an owner"
    __name__ = 'party.party'

    crm_stage = fields.Selection(
        CRM_STAGES, "Customer Stage",
        help="Where the customer stands: potential, follow-up or existing.")
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", ondelete='RESTRICT',
        help="The salesperson who owns this customer.")
