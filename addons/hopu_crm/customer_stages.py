# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The customer stages as the history records them (party.py's and converted)"
from trytond.pool import Pool

CRM_STAGE_SELECTION = [
    (None, ""),
    ('potential', "Potential Customer"),
    ('follow_up', "Follow-up Customer"),
    ('existing', "Existing Customer"),
    ('converted', "Converted"),
    ]


def customer_stages():
    """The customer stages in the user's language, as the customer's own
    field shows them (for the selections computed by a method, which
    Tryton does not translate)"""
    Party = Pool().get('party.party')
    return Party.fields_get(['crm_stage'])['crm_stage']['selection']
