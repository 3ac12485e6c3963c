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


def translated_stages():
    "The stages in the user's language, for the selections computed from them"
    History = Pool().get('hopu.crm.stage.history')
    return History.fields_get(['to_crm_stage'])['to_crm_stage']['selection']
