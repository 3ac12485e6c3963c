# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The labels of a list's selection columns (selection_string.py): its
entry of trytond_patches.py guards the function it replaces."""
import unittest

from trytond.modules.hopu_sysadmin import selection_string, trytond_patches
from trytond.tests.test_tryton import activate_module


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
