# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The one extension of ``party.party`` by the CRM: a customer is a party
with a stage. Its topics are mixins of their own files: the life cycle
(customer.py: CRM-11, CRM-14, CRM-15, CRM-18), the owner (customer_owner.py:
CRM-2, CRM-3), the protection period and the pool (protection.py: CRM-4)
and the recycle bin (recycle_bin.py: CRM-5)."""
from sql import Null

from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .customer import CustomerMixin
from .customer_owner import CustomerOwnerMixin
from .customer_stages import CRM_STAGES
from .protection import CustomerPoolMixin
from .recycle_bin import RecycleBinMixin


class Party(
        CustomerMixin, CustomerOwnerMixin, CustomerPoolMixin, RecycleBinMixin,
        metaclass=PoolMeta):
    "A customer of the CRM is a party with a stage and an owner"
    __name__ = 'party.party'

    crm_stage = fields.Selection(
        CRM_STAGES, "Customer Stage",
        help="Where the customer stands: potential, follow-up or existing.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Every search fills the cache with the eager fields of the records
        # found; those that no list nor process needs at once for many
        # customers are read when asked for
        for name in ['code_alnum', 'code_digit', 'replaced_by',
                'create_uid', 'write_uid']:
            getattr(cls, name).loading = 'lazy'
        t = cls.__table__()
        # The customer lists: customers only, in the default order
        cls._sql_indexes.add(Index(t,
                (t.name, Index.Range()), (t.id, Index.Range()),
                where=t.crm_stage != Null))

    @classmethod
    def default_crm_stage(cls):
        return Transaction().context.get('hopu_crm_stage')
