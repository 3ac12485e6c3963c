# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A search leaves out the clauses implied by another clause of the same
AND (implied_domain.py): the same records, the record rules applied; its
entry of trytond_patches.py guards what it wraps."""
import unittest

from trytond.model import ModelSQL, fields
from trytond.modules.hopu_sysadmin import trytond_patches
from trytond.modules.hopu_sysadmin.implied_domain import drop_implied
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import check_access

from .test_rpc_search import rpc_call
from .test_security import hide_party


class Model:
    "The fields drop_implied looks at"
    _fields = {
        'state': fields.Selection([('a', "A"), ('b', "B")], "State"),
        'name': fields.Char("Name"),
        'title': fields.Char("Title", translate=True),
        'number': fields.Integer("Number"),
        'party': fields.Many2One('party.party', "Party"),
        'computed': fields.Function(fields.Char("Computed"), 'get'),
        'flag': fields.Boolean("Flag"),
        }


class ImpliedDomainTestCase(unittest.TestCase):
    "The clauses implied by another (issue 14 item 8)"

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    def test_entry(self):
        "SYS-7 (issue 14 item 8): the entry fits and is applied"
        entry, = [p for p in trytond_patches.PATCHES
            if p.name == 'speed.implied_domain']
        self.assertIsNone(entry.problem())
        self.assertTrue(entry.active)
        self.assertTrue(getattr(
                ModelSQL.search.__func__, 'hopu_implied_domain', False))

    def test_dropped(self):
        """SYS-7 (issue 14 item 8): an 'in' implied by an '=' or a smaller
        'in' of the same AND, nested ANDs taken together, is left out"""
        cases = [
            # an action's domain and its tab's
            ([[('state', 'in', ['a', 'b'])], [('state', '=', 'a')]],
                [[('state', '=', 'a')]]),
            ([('state', 'in', ['a', 'b']), ('state', 'in', ['a'])],
                [('state', 'in', ['a'])]),
            ([('state', 'in', ['a']), ('state', 'in', ['a', 'b'])],
                [('state', 'in', ['a'])]),
            # the same clause twice: one kept
            ([('state', 'in', ['a', 'b']), ('state', 'in', ['b', 'a'])],
                [('state', 'in', ['b', 'a'])]),
            (['AND', ('name', 'in', ['x', 'y']), ('name', '=', 'x')],
                ['AND', ('name', '=', 'x')]),
            ([('number', 'in', [1, 2]), ('number', '=', 2)],
                [('number', '=', 2)]),
            ([('party', 'in', (1, 2)), ('party', '=', 1)],
                [('party', '=', 1)]),
            # within each branch of an OR
            (['OR', [('state', 'in', ['a', 'b']), ('state', '=', 'a')],
                ('number', '=', 1)],
                ['OR', [('state', '=', 'a')], ('number', '=', 1)]),
            ]
        for domain, expected in cases:
            with self.subTest(domain=domain):
                self.assertEqual(drop_implied(Model, domain), expected)

    def test_kept(self):
        """SYS-7 (issue 14 item 8): anything else is the domain as given
        (the same object)"""
        cases = [
            [],
            [('state', '=', 'a')],
            # not implied
            [('state', 'in', ['a', 'b']), ('state', '=', 'c')],
            [('state', 'in', ['a', 'b']), ('name', '=', 'a')],
            # across an OR
            [('state', 'in', ['a', 'b']),
                ['OR', ('state', '=', 'a'), ('number', '=', 2)]],
            ['OR', ('state', 'in', ['a', 'b']), ('state', '=', 'a')],
            # None, which 'in' and '=' treat differently
            [('state', 'in', ['a', None]), ('state', '=', 'a')],
            [('party', 'in', [1, None]), ('party', '=', None)],
            # values of another type: a name for a many2one, True for 1
            [('party', 'in', ['A', 'B']), ('party', '=', 'A')],
            [('number', 'in', [1, 2]), ('number', '=', True)],
            # fields not compared as their column
            [('title', 'in', ['a', 'b']), ('title', '=', 'a')],
            [('computed', 'in', ['a', 'b']), ('computed', '=', 'a')],
            [('flag', 'in', [True, False]), ('flag', '=', True)],
            [('party.name', 'in', ['a', 'b']), ('party.name', '=', 'a')],
            [('party', 'in', [1, 2], 'party.party'), ('party', '=', 1)],
            [('unknown', 'in', ['a', 'b']), ('unknown', '=', 'a')],
            [('state', 'not in', ['a', 'b']), ('state', '=', 'a')],
            # malformed (the search itself refuses them: user errors)
            [('id', 'DROP', 1)],
            [('state', 'in', ['a', 'b']), ('id', 'DROP', 1)],
            ['id', '='],
            [['rec_name', 'x']],
            [('id', '=', {'a': 1}), 5, None],
            ]
        for domain in cases:
            with self.subTest(domain=domain):
                self.assertIs(drop_implied(Model, domain), domain)

    @with_transaction(user=1)
    def test_search(self):
        """SYS-7 (issue 14 item 8): searches with an implied clause find the
        records of the domain without it, the record rules applied"""
        Party = Pool().get('party.party')
        parties = Party.create([{'name': f"P {n:02d}"} for n in range(6)])
        hide_party("P 01")
        names = [p.name for p in parties]
        ids = [p.id for p in parties]
        cases = [
            ([[('name', 'in', names)], [('name', '=', "P 02")]],
                [('name', '=', "P 02")]),
            ([('id', 'in', ids), ('id', 'in', ids[:3])],
                [('id', 'in', ids[:3])]),
            # the hidden party stays hidden
            ([('id', 'in', ids), ('id', '=', ids[1])],
                [('id', '=', ids[1])]),
            ]
        for domain, expected in cases:
            with self.subTest(domain=domain):
                with check_access():
                    found = rpc_call(Party, 'search', domain, 0, None,
                        [('name', 'ASC')])
                    self.assertEqual(found, list(map(int, Party.search(
                                    expected, order=[('name', 'ASC')]))))
                    self.assertEqual(
                        rpc_call(Party, 'search_count', domain),
                        len(found))
                    self.assertNotIn(ids[1], found)
