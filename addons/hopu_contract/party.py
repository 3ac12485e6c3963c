# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    contracts = fields.One2Many(
        'hopu.contract', 'party', "Contracts", readonly=True)
    contract_demotion_review = fields.Boolean(
        "Demotion Review",
        help="Set when a contract of the customer is terminated (CON-6): "
        "review whether the customer goes back to potential (CRM-18).",
        loading='lazy')

    @classmethod
    def crm_move_records(cls, parties, salesperson):
        """CRM-3: the contracts of the customers not yet ended (draft,
        pending approval or effective) of their previous owner follow them
        to the new owner, who then sees them as the customers (CRM-2).
        Terminated and closed contracts stay with their salesperson, as do
        the commission lines and the approval steps already opened."""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        super().crm_move_records(parties, salesperson)
        if not salesperson or not parties:
            return
        contracts = []
        with without_check_access():
            for sub_parties in grouped_slice(
                    parties, backend.MAX_QUERY_PARAMS):
                contracts.extend(Contract.search([
                            ('party', 'in', [p.id for p in sub_parties]),
                            ('state', 'in',
                                ['draft', 'submitted', 'approved']),
                            ('salesperson', '!=', salesperson.id),
                            ], order=[]))
            contracts = [c for c in contracts
                if cls.crm_moves_record(c.party, c.salesperson)]
            if contracts:
                with Transaction().set_context(
                        _hopu_contract_internal=True):
                    Contract.write(contracts, {'salesperson': salesperson.id})
