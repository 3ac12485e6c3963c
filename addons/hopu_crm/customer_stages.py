# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The customer stages as the history records them (party.py's and converted)"

CRM_STAGE_SELECTION = [
    (None, ""),
    ('potential', "Potential Customer"),
    ('follow_up', "Follow-up Customer"),
    ('existing', "Existing Customer"),
    ('converted', "Converted"),
    ]
