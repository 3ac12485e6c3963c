# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The customer stages (CRM-11, CRM-15, CRM-18): the one list that the
customer's ``crm_stage``, the stage history and every screen showing a
customer's stage use"""
from trytond.pool import Pool

CRM_STAGES = [
    (None, ""),
    ('potential', "Potential Customer"),
    ('follow_up', "Follow-up Customer"),
    ('existing', "Existing Customer"),
    ('converted', "Converted"),
    ]
# The stages of a customer in use: a converted lead lives on in the customer
# it was converted into
ACTIVE_STAGES = ['potential', 'follow_up', 'existing']
# The stages of a customer not yet existing (a lead, 线索)
LEAD_STAGES = ['potential', 'follow_up']


def customer_stages():
    """The customer stages in the user's language, as the customer's own
    field shows them (for the selections computed by a method, which
    Tryton does not translate)"""
    Party = Pool().get('party.party')
    return Party.fields_get(['crm_stage'])['crm_stage']['selection']
