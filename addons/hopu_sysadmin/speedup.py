# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Request-level speed of every Hopu list (measured on the customer list,
issue 4, CRM-2). Installed with the base module, as it changes trytond
for every model.

- ``transaction_memo``: a dict that lives for one transaction and is dropped
  as soon as the transaction writes anything (``Transaction.counter``), for
  values read several times per request (the user's employees, the owners'
  names). Nothing outlives the request, so a change made by another worker
  is seen by the next request without any cache invalidation.
- ``cursor_dict``: trytond's ``cursor_dict`` reads ``cursor.description``
  once per row; with psycopg 3 that property builds a new Column object per
  column each time (psycopg issue #446), which made ``search`` of 80 parties
  (about 35 eager columns) cost 2,800 Column objects. The same function with
  the column names taken once per result and the rows fetched by the
  thousand instead of one by one (psycopg 3's ``arraysize`` is 1),
  installed in ``trytond.tools`` and ``trytond.model.modelsql`` when the
  module is imported.
- ``browse``: ``ModelStorage.__init__`` asserts that every id of the batch
  is an int, once per record, so a browse of n ids checks n² ids (6,400 for
  a list of 80, three browses per customer list). ``browse`` has made them
  ints already; the instances are built without the batch and given it
  afterwards, which is all the check would have left behind.
"""
from trytond import tools
from trytond.model import modelsql
from trytond.model.modelstorage import ModelStorage, local_cache
from trytond.transaction import Transaction


def transaction_memo(name):
    "The memo dict ``name`` of the current transaction, empty after a write"
    transaction = Transaction()
    key = (id(transaction), transaction.started_at, transaction.counter)
    memo = getattr(transaction, '_hopu_memo', None)
    if memo is None or memo[0] != key:
        memo = (key, {})
        transaction._hopu_memo = memo
    return memo[1].setdefault(name, {})


def cursor_dict(cursor, size=None):
    # psycopg 3's arraysize is 1: a page of 80 records fetched row by row
    size = max(cursor.arraysize, 1000) if size is None else size
    names = None
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        if names is None:
            names = [d[0] for d in cursor.description]
        for row in rows:
            yield dict(zip(names, row))


cursor_dict.hopu = True
for _module in [tools, modelsql]:
    if not getattr(_module.cursor_dict, 'hopu', False):
        _module.cursor_dict = cursor_dict


@classmethod
def browse(cls, ids):
    "Return a list of instance for the ids"
    transaction = Transaction()
    ids = list(map(int, ids))
    _local_cache = local_cache(cls, transaction)
    transaction_cache = transaction.get_cache()
    records = [cls(x,
            _local_cache=_local_cache,
            _transaction_cache=transaction_cache,
            _transaction=transaction) for x in ids]
    for record in records:
        record._ids = ids
    return records


browse.__func__.hopu = True
if not getattr(ModelStorage.browse, 'hopu', False):
    ModelStorage.browse = browse
