# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ``search`` a client calls over RPC selects the ids only (issue 14
item 8, bench/lists.py).

trytond's ``ModelSQL.search`` selects every eager column of the records it
finds (about a dozen for a customer) to fill the transaction's record
cache, then builds the records. Over RPC the dispatcher turns the records
into their ids and ends the transaction: the columns are fetched, the cache
filled and thrown away. For a list page this was a fifth to a half of the
search request (the lead list: 1.1–1.7 ms of 3–5 ms).

``decorate`` wraps ``RPC.decorate`` (which only the dispatcher calls):
the ``search`` of a ModelSQL model called by the dispatcher marks its
transaction with the model's name; ``search`` (wrapping ``ModelSQL.search``
outside the access checks of ``security``) takes the mark once, for the
first search of that model without ``count`` nor ``query``, and runs
trytond's own search as ``query=True`` (the same domain, record rules,
access checks, order, offset and limit, the id column only), then returns
the records of the ids it selects. A model's ``search`` override runs as
before around it (the records it gets back are the same); the searches
made by the server's own code, and any other search of the request, fill
the cache as trytond does."""
import functools

from trytond.transaction import Transaction

#: the transaction's attribute naming the model whose search is the RPC's
MARK = '_hopu_rpc_search'


def make_decorate(original):
    "RPC.decorate marking the transaction for the search of a ModelSQL"
    from trytond.model import ModelSQL

    def decorate(self, func):
        func = original(self, func)
        owner = getattr(func, '__self__', None)
        if (getattr(func, '__name__', None) != 'search'
                or not isinstance(owner, type)
                or not issubclass(owner, ModelSQL)):
            return func
        name = owner.__name__

        @functools.wraps(func)
        def search(*args, **kwargs):
            transaction = Transaction()
            setattr(transaction, MARK, name)
            try:
                return func(*args, **kwargs)
            finally:
                setattr(transaction, MARK, None)
        return search
    return decorate


def make_search(original):
    "ModelSQL.search selecting the ids only for the RPC's search"

    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        transaction = Transaction()
        if (not count and not query
                and getattr(transaction, MARK, None) == cls.__name__):
            setattr(transaction, MARK, None)
            select = original(cls, domain, offset=offset, limit=limit,
                order=order, query=True)
            cursor = transaction.connection.cursor()
            cursor.execute(*select)
            return cls.browse([row[0] for row in cursor])
        return original(cls, domain, offset=offset, limit=limit, order=order,
            count=count, query=query)
    search.hopu_rpc_search = True
    return search
