# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The labels of a list's selection columns (selection_string.py): the
trytond function it replaces is the one it was written for."""
import hashlib
import inspect
import textwrap
import unittest

from trytond.model.fields.selection import SelectionMixin
from trytond.modules.hopu_sysadmin import selection_string


class SelectionStringTestCase(unittest.TestCase):

    def test_upstream_unchanged(self):
        "SYS-7 (issue 14 item 3): trytond's get_selection is the one patched"
        source = textwrap.dedent(
            inspect.getsource(selection_string.ORIGINAL.__func__))
        self.assertEqual(
            hashlib.sha256(source.encode('utf-8')).hexdigest()[:16],
            selection_string.FINGERPRINT,
            msg="trytond's SelectionMixin.get_selection changed: adapt "
            "make_get_selection or drop it if upstream fixed the report")

    def test_installed(self):
        "SYS-7 (issue 14 item 8): the labels of a list use the patched one"
        self.assertTrue(getattr(SelectionMixin.get_selection, 'hopu', False))
