# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The labels of a list's selection columns (selection_string.py): its
entry of trytond_patches.py guards the function it replaces."""
import unittest
from unittest import mock

from trytond.modules.hopu_sysadmin import selection_string, trytond_patches
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


class SelectionStringTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    def test_entry_fingerprint(self):
        "SYS-7 (issue 14 item 3): the patch's entry guards the same source"
        entry, = [p for p in trytond_patches.PATCHES
            if p.name == 'speed.selection_string']
        self.assertEqual(entry.fingerprint, selection_string.FINGERPRINT)
        self.assertIsNone(entry.problem())

    def test_installed(self):
        "SYS-7 (issue 14 item 8): the labels of a list use the patched one"
        from trytond.model.fields.selection import SelectionMixin
        self.assertTrue(getattr(
                SelectionMixin.get_selection.__func__, 'hopu', False))

    @with_transaction()
    def test_labels_kept_across_requests(self):
        """SYS-7 (issue 14 item 8): the labels of a selection listed in the
        code are built once per language, not once per request, and again
        when a translation of a selection changes"""
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        Translation = pool.get('ir.translation')
        field = Mechanism._fields['type']
        transaction = Transaction()
        selection_string.clear_labels()
        with mock.patch.object(Mechanism, 'fields_get',
                wraps=Mechanism.fields_get) as fields_get:
            labels = field.get_selection(Mechanism, 'type', None)
            # the next request
            transaction.counter += 1
            self.assertEqual(
                field.get_selection(Mechanism, 'type', None), labels)
            self.assertEqual(fields_get.call_count, 1)
            self.assertEqual(labels['phone'], "Phone")
            Translation.create([{
                        'name': 'party.contact_mechanism,type',
                        'lang': 'en', 'type': 'selection', 'src': "Phone",
                        'value': "Telephone", 'module': 'party',
                        }])
            transaction.counter += 1
            field.get_selection(Mechanism, 'type', None)
            self.assertEqual(fields_get.call_count, 2)
