# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Request-level speed of every Hopu list (measured on the customer list,
issue 4, CRM-2).

- ``transaction_memo``: a dict that lives for one transaction and is dropped
  as soon as the transaction writes anything (``Transaction.counter``), for
  values read several times per request (the user's employees, the owners'
  names). Nothing outlives the request, so a change made by another worker
  is seen by the next request without any cache invalidation.

trytond's row fetching (``cursor_dict``) and ``ModelStorage.browse`` are
replaced by faster equivalents in ``trytond_patches`` (``speed.*``), with
the upstream reports they amount to.
"""
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
