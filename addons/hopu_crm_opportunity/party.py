# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .opportunity import OPEN_STATES


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def crm_move_records(cls, parties, salesperson):
        """CRM-3: the open opportunities of the customers follow them to
        their new salesperson: those of the previous owner (a supervisor's
        own stay theirs, as for the reports); a customer returned to the
        pool keeps them until someone claims it, and the claimer takes
        them over"""
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
            previous = Transaction().context.get(
                '_hopu_previous_owners') or {}
            opportunities = [o for o in opportunities
                if previous.get(o.party.id) is None
                or previous[o.party.id] == (
                    o.employee.id if o.employee else None)]
            if opportunities:
                Opportunity.write(opportunities, {
                        'employee': salesperson.id,
                        })
