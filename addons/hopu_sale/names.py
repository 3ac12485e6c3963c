# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The names of the records every line of a list points to (the company,
the currency, the warehouse, the salesperson of 销售订单) from a cache
kept across requests (issue 15, bench/sale_orders.py).

sao asks ``company.rec_name``, ``currency.rec_name`` … of every list: each
is a ``read`` of the target, a statement, its access checks and the
building of its SQL, for one record on every row of the page (the company,
the currency, the warehouse) or a handful (the salespeople). Here the read
of ``rec_name`` alone of these models goes through ``RecNameCacheMixin``:

- trytond's checks first, as its read makes them: the model's and the
  field's access (``_before_read``, hopu_sysadmin's input checks with
  them); a model with a record rule for the user is read as before, so is
  a read in the past (``_datetime``) or of other fields;
- the names found in ``_names`` (a ``trytond.cache.Cache``: kept by the
  process, cleared by a modification in any process, Tryton's way of its
  own caches), per model, language and record; the ones missing read by
  trytond's read (which checks that the records exist) and kept.

The cache is cleared (``clear_names``) when what a name is made of
changes: a record of these models created, written or deleted, the name or
code of a party (the name of a company, of an employee), a translation of
their names (``ir.translation``'s ``_clear_cache_for``). Within the
transaction that cleared it, trytond's cache is the transaction's own:
the names written are read again there and not seen by the others until
the commit. Names changed by plain SQL (bench/, an upgrade script) are not
seen until the processes restart, as for trytond's own caches."""
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

_names = Cache('hopu_sale.rec_names', context=False)

#: the models whose names are kept (the classes registered below and
#: stock.Location)
CACHED = {
    'company.company', 'company.employee', 'currency.currency',
    'stock.location'}
#: the models whose changes change a kept name
SOURCES = CACHED | {'party.party'}


def clear_names():
    "Forget every name kept (in every process, from the commit)"
    _names.clear()


class RecNameCacheMixin:
    "rec_name read from the cache above (see the docstring of the module)"
    __slots__ = ()

    @classmethod
    def read(cls, ids, fields_names):
        pool = Pool()
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        context = transaction.context
        if (not ids
                or not isinstance(fields_names, (list, tuple))
                or 'rec_name' not in fields_names
                or not set(fields_names) <= {'id', 'rec_name'}
                or context.get('_datetime')
                or Rule.domain_get(cls.__name__, mode='read')):
            return super().read(ids, fields_names)
        ids, fields_names = cls._before_read(ids, fields_names)
        prefix = (cls.__name__, transaction.language,
            bool(context.get('fuzzy_translation')))
        ids = list(dict.fromkeys(map(int, ids)))
        names = {}
        for id_ in ids:
            name = _names.get(prefix + (id_,), names)
            if name is not names:
                names[id_] = name
        missing = [i for i in ids if i not in names]
        if missing:
            for row in super().read(missing, ['rec_name']):
                names[row['id']] = _names.set(
                    prefix + (row['id'],), row['rec_name'])
        return cls._after_read(
            [{'id': i, 'rec_name': names[i]} for i in ids])

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_names()


class Company(RecNameCacheMixin, metaclass=PoolMeta):
    __name__ = 'company.company'


class Employee(RecNameCacheMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'


class Currency(RecNameCacheMixin, metaclass=PoolMeta):
    __name__ = 'currency.currency'


class Party(metaclass=PoolMeta):
    "The name of a company or an employee is its party's"
    __name__ = 'party.party'

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if mode == 'delete' or (mode == 'write'
                and set(field_names or ()) & {'name', 'code'}):
            clear_names()


class Translation(metaclass=PoolMeta):
    "The names of currencies and locations are translated"
    __name__ = 'ir.translation'

    @classmethod
    def _clear_cache_for(cls, types, models):
        super()._clear_cache_for(types, models)
        if 'model' in types and SOURCES & set(models):
            clear_names()
