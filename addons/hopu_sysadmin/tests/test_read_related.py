# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The related fields of a list (read_related.py): the same rows as
trytond's read, the targets read in the same contexts; its entry of
trytond_patches.py guards the function it wraps."""
import contextlib
import unittest
from unittest import mock

from trytond.model import ModelSQL
from trytond.modules.company.tests import create_company, create_employee
from trytond.modules.hopu_sysadmin import (
    read_related, rec_name_cache, trytond_patches)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .list_queries import counted_queries, forget_records


class ReadRelatedTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    def test_entry_fingerprint(self):
        "SYS-7 (issue 14 item 8): the patch's entry guards the same source"
        entry, = [p for p in trytond_patches.PATCHES
            if p.name == 'speed.read_related']
        self.assertEqual(entry.fingerprint, read_related.FINGERPRINT)
        self.assertEqual(entry.target, read_related.TARGET)
        self.assertIsNone(entry.problem())

    def test_installed(self):
        "SYS-7 (issue 14 item 8): read is the wrapper"
        self.assertTrue(getattr(ModelSQL.read.__func__, 'hopu', False))

    def read_both(self, Model, ids, fields_names):
        """The rows of the patched and of upstream's read, and the
        (context company, ids) of each read of the parties"""
        Party = Pool().get('party.party')
        upstream = trytond_patches.upstream(read_related.TARGET)
        results = []
        for read in [None, upstream]:
            calls = []

            def recording(cls, ids, fields_names):
                calls.append((Transaction().context.get('company'),
                        tuple(sorted(ids))))
                # the read of the run (trytond's or the wrapper)
                return vars(ModelSQL)['read'].__func__(
                    cls, ids, fields_names)
            patches = [mock.patch.object(
                    Party, 'read', classmethod(recording))]
            if read is not None:
                patches.append(mock.patch.object(ModelSQL, 'read', read))
            for patch in patches:
                patch.start()
            forget_records()
            try:
                rows = Model.read(ids, fields_names)
            finally:
                for patch in reversed(patches):
                    patch.stop()
            results.append((
                    sorted(rows, key=lambda r: r['id']),
                    sorted(calls, key=repr)))
        return results

    @with_transaction()
    def test_same_as_upstream(self):
        """SYS-7 (issue 14 item 8): the names of many2one columns (the
        employee's party read in the context of its company), labels of
        selection columns, limits of the related reads: as trytond reads
        them"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Keyword = pool.get('ir.action.keyword')
        first = create_company("First")
        second = create_company("Second")
        employees = [create_employee(first, "Ann"),
            create_employee(second, "Bob"), create_employee(first, "Cy")]
        ids = [e.id for e in employees]
        fields_names = ['party.rec_name', 'company.rec_name',
            'company.party.rec_name', 'rec_name']
        (patched, _), (upstream, _) = self.read_both(
            Employee, ids, fields_names)
        self.assertEqual(patched, upstream)
        self.assertNotIn('party', patched[0])
        self.assertEqual(patched[0]['party.']['rec_name'], "Ann")

        # (the getter of the employee's rec_name reads the parties
        # depending on what the transaction has read before)
        (patched, patched_calls), (upstream, upstream_calls) = (
            self.read_both(Employee, ids, ['party.rec_name']))
        self.assertEqual(patched, upstream)
        # each party read in the same context (trytond sorts the rows by
        # their frozen context, a frozenset, which does not order them:
        # it reads the parties of one context in several statements)
        self.assertEqual(
            {(c, i) for c, ids in patched_calls for i in ids},
            {(c, i) for c, ids in upstream_calls for i in ids})
        self.assertEqual(len(patched_calls), 2)
        # each employee's party in its company's context
        self.assertEqual({c for c, _ in patched_calls},
            {first.id, second.id})

        with Transaction().set_context(related_read_limit=1):
            (patched, _), (upstream, _) = self.read_both(
                Employee, ids, ['party', 'company.rec_name'])
        self.assertEqual(patched, upstream)

        keywords = Keyword.search([], limit=20)
        fields_names = ['keyword', 'keyword:string', 'action.rec_name',
            'model']
        (patched, _), (upstream, _) = self.read_both(
            Keyword, [k.id for k in keywords], fields_names)
        self.assertEqual(patched, upstream)
        self.assertTrue(all(r['keyword:string'] for r in patched))

    @with_transaction()
    def test_names_in_one_statement(self):
        """SYS-7 (issue 14 item 8): the names of the many2one columns whose
        target's rec_name is an SQL column (a company, a party in the
        context of one company) are read in one statement, as trytond reads
        them; a name read in several contexts or with more than rec_name
        goes to the target's read"""
        pool = Pool()
        Employee = pool.get('company.employee')
        company = create_company("First")
        employees = [create_employee(company, name)
            for name in ["Ann", "Bob", "Cy"]]
        ids = [e.id for e in employees]
        upstream = trytond_patches.upstream(read_related.TARGET)
        fields_names = ['party.rec_name', 'company.rec_name', 'company']
        counts = []
        results = []
        for read in [None, upstream]:
            forget_records()
            # the names kept across requests (rec_name_cache) forgotten:
            # the companies are read
            rec_name_cache.clear_names()
            with (mock.patch.object(ModelSQL, 'read', read) if read
                    else contextlib.nullcontext()), \
                    counted_queries() as counter:
                rows = Employee.read(ids, fields_names)
            counts.append(counter['queries'])
            results.append(sorted(rows, key=lambda r: r['id']))
        patched, upstream_rows = results
        self.assertEqual(patched, upstream_rows)
        self.assertEqual(
            [r['party.']['rec_name'] for r in patched], ["Ann", "Bob", "Cy"])
        self.assertEqual(
            {r['company.']['rec_name'] for r in patched}, {"First"})
        # the employees, then the names of both columns (trytond: the
        # parties, then the companies)
        self.assertEqual(counts, [2, 3])
        # the companies' names now kept: the parties' alone are selected,
        # the same names
        forget_records()
        with counted_queries() as counter:
            rows = Employee.read(ids, fields_names)
        self.assertEqual(counter['queries'], 2)
        self.assertEqual(sorted(rows, key=lambda r: r['id']), patched)
        with counted_queries() as counter:
            Employee.read(ids, ['company.rec_name'])
        self.assertEqual(counter['queries'], 1, "the employees alone")
