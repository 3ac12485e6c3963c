# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The search a client calls over RPC (rpc_search.py): the same ids as
trytond's search, with the record rules, order, offset and limit, the ids
only selected; its entries of trytond_patches.py guard what they wrap."""
import unittest

from trytond.model import ModelSQL
from trytond.modules.hopu_sysadmin import rpc_search, trytond_patches
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from .test_security import hide_party


def rpc_call(Model, method, *args):
    "Model.method called as the dispatcher calls it"
    rpc = Model.__rpc__[method]
    return rpc.result(rpc.decorate(getattr(Model, method))(*args))


def cached_names(Model, records):
    "The names of the records found in the transaction's record cache"
    cache = Transaction().get_cache()[Model.__name__]
    return {r.id: cache[r.id]._get('name') for r in records
        if r.id in cache and cache[r.id]._get('name')}


class RPCSearchTestCase(unittest.TestCase):
    "The RPC search of a list (issue 14 item 8)"

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    def test_entries(self):
        "SYS-7 (issue 14 item 8): both entries fit and are applied"
        for name in ['speed.rpc_search', 'speed.rpc_search_ids']:
            entry, = [p for p in trytond_patches.PATCHES if p.name == name]
            self.assertIsNone(entry.problem(), name)
            self.assertTrue(entry.active, name)
        self.assertTrue(getattr(
                ModelSQL.search.__func__, 'hopu_rpc_search', False))

    def create_parties(self):
        Party = Pool().get('party.party')
        parties = Party.create([
                {'name': f"{letter} {n:02d}"}
                for letter in "ABC" for n in range(12)])
        hide_party("B 03")
        return parties

    @with_transaction(user=1)
    def test_same_ids(self):
        """SYS-7 (issue 14 item 8): a list page searched over RPC finds the
        records, in the order, of trytond's search, with the rules"""
        Party = Pool().get('party.party')
        self.create_parties()
        cases = [
            ([('name', 'like', 'B%')], 0, None, None),
            ([('name', 'like', 'B%')], 2, 5, [('name', 'DESC')]),
            (['OR', ('name', 'like', 'A%'), ('name', 'like', 'C 1%')],
                3, 8, [('name', 'ASC'), ('id', 'DESC')]),
            ([], 0, 80, None),
            ]
        for domain, offset, limit, order in cases:
            with self.subTest(domain=domain, offset=offset):
                with check_access():
                    expected = list(map(int, Party.search(
                                domain, offset, limit, order)))
                    found = rpc_call(
                        Party, 'search', domain, offset, limit, order)
                self.assertEqual(found, expected)
                self.assertTrue(found)
        with check_access():
            hidden = rpc_call(Party, 'search', [('name', '=', "B 03")])
        self.assertEqual(hidden, [], "the record rule applies")

    @with_transaction(user=1)
    def test_ids_only(self):
        """SYS-7 (issue 14 item 8): the RPC's search selects the ids only;
        the server's own searches, before and after it, fill the record
        cache as trytond does"""
        Party = Pool().get('party.party')
        parties = self.create_parties()
        Transaction().cache.clear()
        domain = [('name', 'like', 'A%')]
        with check_access():
            ids = rpc_call(Party, 'search', domain, 0, 10, None)
        self.assertEqual(len(ids), 10)
        self.assertEqual(cached_names(Party, Party.browse(ids)), {})
        self.assertIsNone(getattr(Transaction(), rpc_search.MARK, None))

        with check_access():
            records = Party.search(domain, 0, 10)
        self.assertEqual(list(map(int, records)), ids)
        self.assertEqual(cached_names(Party, records),
            {p.id: p.name for p in parties if p.id in ids})

    @with_transaction(user=1)
    def test_count_and_other_models(self):
        """SYS-7 (issue 14 item 8): a count, and a search through another
        model, are trytond's"""
        pool = Pool()
        Party = pool.get('party.party')
        self.create_parties()
        with check_access():
            self.assertEqual(
                rpc_call(Party, 'search_count', [('name', 'like', 'B%')]),
                11)
            domain = [('contact_mechanisms', '=', None),
                ('name', 'like', 'C%')]
            found = rpc_call(Party, 'search', domain)
            self.assertEqual(found, list(map(int, Party.search(domain))))
            self.assertEqual(len(found), 12)
        self.assertIsNone(getattr(Transaction(), rpc_search.MARK, None))
