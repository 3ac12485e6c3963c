# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-4 the rules of the pool (公海规则): protection period, notice, daily
claims, potential customers per salesperson, cool-down."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "CRM Pool Rules"
    __name__ = 'hopu.crm.configuration'

    protection_days = fields.Integer(
        "Protection Period (Days)", required=True,
        domain=[('protection_days', '>=', 0)],
        help="How long a salesperson holds a potential customer.")
    notice_days = fields.Integer(
        "Notice Before Lapse (Days)",
        domain=['OR',
            ('notice_days', '=', None),
            ('notice_days', '>=', 0),
            ],
        help="Notify the owner this many days before the protection "
        "period lapses; empty: no notice.")
    daily_claim_limit = fields.Integer(
        "Daily Claim Limit",
        domain=['OR',
            ('daily_claim_limit', '=', None),
            ('daily_claim_limit', '>=', 0),
            ],
        help="How many customers one salesperson may claim from the pool "
        "per day; empty or 0: no limit.")
    max_potential_customers = fields.Integer(
        "Maximum Potential Customers",
        domain=['OR',
            ('max_potential_customers', '=', None),
            ('max_potential_customers', '>=', 0),
            ],
        help="How many potential customers one salesperson may hold; "
        "empty or 0: no limit.")
    cooldown_days = fields.Integer(
        "Re-claim Cool-down (Days)",
        domain=['OR',
            ('cooldown_days', '=', None),
            ('cooldown_days', '>=', 0),
            ],
        help="During these days the previous owner may not claim again a "
        "customer they let return to the pool.")

    @classmethod
    def default_protection_days(cls):
        return 30

    @classmethod
    def default_notice_days(cls):
        return 3

    @classmethod
    def default_daily_claim_limit(cls):
        return 10

    @classmethod
    def default_max_potential_customers(cls):
        return 200

    @classmethod
    def default_cooldown_days(cls):
        return 7
