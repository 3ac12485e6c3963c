# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The names of the records every line of a list points to (the company,
the currency, the warehouse, the salesperson) from a cache kept across
requests (issue 15, bench/sale_orders.py; issue 14 item 8).

sao asks ``company.rec_name``, ``currency.rec_name`` … of every list: each
is a ``read`` of the target, a statement, its access checks and the
building of its SQL, for one record on every row of the page (the company,
the currency, the warehouse) or a handful (the salespeople). The read of
``rec_name`` alone of the models with ``RecNameCacheMixin`` (here the
company, the employee and the currency; hopu_sale's locations) goes
through it:

- trytond's checks first, as its read makes them: the model's and the
  field's access (``_before_read``, the input checks with them); a model
  with a record rule for the user is read as before, so is a read in the
  past (``_datetime``) or of other fields;
- the names found in ``_names`` (a ``trytond.cache.Cache``: kept by the
  process, cleared by a modification in any process, Tryton's way of its
  own caches), per model, language and record; the ones missing read by
  trytond's read (which checks that the records exist) and kept.

The cache is cleared (``clear_names``) when what a name is made of
changes: a record of these models created, written or deleted, the name or
code of a party (the name of a company, of an employee: ``party.Party``),
a translation of their names (``translation.Translation``). Within the
transaction that cleared it, trytond's cache is the transaction's own:
the names written are read again there and not seen by the others until
the commit. Names changed by plain SQL (bench/, an upgrade script) are not
seen until the processes restart, as for trytond's own caches."""
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

_names = Cache('hopu_sysadmin.rec_names', context=False)

#: the models whose names are kept (filled by RecNameCacheMixin)
CACHED = set()


def sources():
    "The models whose changes change a kept name"
    return CACHED | {'party.party'}


def clear_names():
    "Forget every name kept (in every process, from the commit)"
    _names.clear()


def _prefix(Model):
    transaction = Transaction()
    return (Model.__name__, transaction.language,
        bool(transaction.context.get('fuzzy_translation')))


def kept_names(Model, ids):
    "The names kept of the records of ids ({id: name})"
    prefix = _prefix(Model)
    names = {}
    for id_ in ids:
        name = _names.get(prefix + (id_,), names)
        if name is not names:
            names[id_] = name
    return names


def keep_names(Model, names):
    "Keep the names ({id: name}) of records of Model"
    prefix = _prefix(Model)
    for id_, name in names.items():
        _names.set(prefix + (id_,), name)


def uses_kept_names(Model):
    """Whether the names of Model's records are read from the names kept:
    Model has the mixin, no record rule for the user, no date in the
    past"""
    Rule = Pool().get('ir.rule')
    return (issubclass(Model, RecNameCacheMixin)
        and not Transaction().context.get('_datetime')
        and not Rule.domain_get(Model.__name__, mode='read'))


class RecNameCacheMixin:
    "rec_name read from the cache above (see the docstring of the module)"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        CACHED.add(cls.__name__)

    @classmethod
    def read(cls, ids, fields_names):
        if (not ids
                or not isinstance(fields_names, (list, tuple))
                or 'rec_name' not in fields_names
                or not set(fields_names) <= {'id', 'rec_name'}
                or not uses_kept_names(cls)):
            return super().read(ids, fields_names)
        ids, fields_names = cls._before_read(ids, fields_names)
        ids = list(dict.fromkeys(map(int, ids)))
        names = kept_names(cls, ids)
        missing = [i for i in ids if i not in names]
        if missing:
            read = {row['id']: row['rec_name']
                for row in super().read(missing, ['rec_name'])}
            keep_names(cls, read)
            names.update(read)
        return cls._after_read(
            [{'id': i, 'rec_name': names[i]} for i in ids])

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_names()


class Currency(RecNameCacheMixin, metaclass=PoolMeta):
    __name__ = 'currency.currency'
