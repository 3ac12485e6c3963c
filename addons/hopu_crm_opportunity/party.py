# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .opportunity import OPEN_STATES


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def crm_move_records(cls, parties, salesperson):
        """CRM-3: the open opportunities of the customers follow them to
        their new salesperson (a customer returned to the pool keeps them
        until someone claims it)"""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        super().crm_move_records(parties, salesperson)
        if not salesperson or not parties:
            return
        with without_check_access():
            opportunities = Opportunity.search([
                    ('party', 'in', [p.id for p in parties]),
                    ('state', 'in', OPEN_STATES),
                    ('employee', '!=', salesperson.id),
                    ], order=[('id', 'ASC')])
            if opportunities:
                Opportunity.write(opportunities, {
                        'employee': salesperson.id,
                        })
