# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SQL statements of one list request as the web client makes it (issue
14 item 8): a search of a page and the read of the fields sao asks for a
list view. A list must cost the same number of statements whatever the
size of the page (no statement per row). Used by the tests of the modules
and by bench/lists.py."""
from contextlib import contextmanager

from trytond.transaction import Transaction, check_access


def list_fields(Model, view_id=None):
    """The fields sao reads for the rows of a list view (Sao.Record.load of
    a list): every field of the view, the name of each many2one and
    reference, the label of each eager selection, rec_name, and the access
    fields"""
    view = Model.fields_view_get(view_id, 'tree')
    fields = list(view['fields'])
    for name, description in view['fields'].items():
        if description['type'] in {'many2one', 'one2one', 'reference'}:
            fields.append(name + '.rec_name')
        elif (description['type'] in {'selection', 'multiselection'}
                and description.get('loading', 'lazy') == 'eager'):
            fields.append(name + ':string')
    if 'rec_name' not in fields:
        fields.append('rec_name')
    return fields + ['_timestamp', '_write', '_delete']


@contextmanager
def counted_queries():
    "counter['queries']: the statements sent to the database meanwhile"
    counter = {'queries': 0}
    cursor_class = type(Transaction().connection.cursor())
    execute = cursor_class.execute

    def counting(cursor, *args, **kwargs):
        counter['queries'] += 1
        return execute(cursor, *args, **kwargs)
    cursor_class.execute = counting
    try:
        yield counter
    finally:
        cursor_class.execute = execute


def forget_records():
    """What a new request starts with: no record read before in the
    transaction's caches"""
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        cache.clear()


def list_request_queries(Model, domain, limit, view_id=None, order=None):
    """The number of statements and the rows of one list request of a page
    of `limit` records, with the access rules of the transaction's user"""
    fields = list_fields(Model, view_id)
    forget_records()
    with check_access(), counted_queries() as counter:
        records = Model.search(domain, 0, limit, order)
        rows = Model.read(list(map(int, records)), fields)
    return counter['queries'], rows


class ListQueriesMixin:

    def assertListQueriesFlat(
            self, Model, domain=(), view_id=None, order=None, pages=(8, 80)):
        """A page of each size costs the same number of statements; the
        pages are full"""
        domain = list(domain)
        # the caches kept across requests (rules, views, access) filled
        list_request_queries(Model, domain, pages[-1], view_id, order)
        counts = {}
        for limit in pages:
            counts[limit], rows = list_request_queries(
                Model, domain, limit, view_id, order)
            self.assertEqual(len(rows), limit, msg="page not full")
        self.assertEqual(len(set(counts.values())), 1,
            msg=f"{Model.__name__}: statements per page size {counts}")
        return counts
