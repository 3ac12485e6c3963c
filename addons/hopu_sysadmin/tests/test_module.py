# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os

import polib

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import find_path


class HopuTranslationTestMixin:
    "Every translatable string of the module has its zh_CN translation"

    @with_transaction()
    def test_zh_cn_translation_complete(self):
        "Chinese first: each label, menu and message is translated to zh_CN"
        pool = Pool()
        Translation = pool.get('ir.translation')

        template = Translation.translation_export('en', self.module)
        sources = polib.pofile(template.decode('utf-8')) if template else []
        po_path = find_path(
            os.path.join(self.module, 'locale', 'zh_CN.po'), _test=None)
        self.assertTrue(os.path.isfile(po_path), msg=po_path)
        chinese = {
            (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(po_path)
            if not e.obsolete and 'fuzzy' not in e.flags}
        missing = [
            f"{e.msgctxt} {e.msgid!r}" for e in sources
            if e.msgid and not e.msgctxt.endswith(':None')
            and not chinese.get((e.msgctxt, e.msgid))]
        self.assertFalse(
            missing, msg="Missing zh_CN translations:\n" + "\n".join(missing))


class HopuSysadminTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Hopu System Administration module"
    module = 'hopu_sysadmin'

    @property
    def _skip_company_rule(self):
        # The parent of a company is the company tree itself, not an
        # ownership: a subsidiary is no record "of" its parent.
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            # the company of the user the right belongs to, for filtering
            ('hopu.user.right', 'user_company'),
            ('hopu.user.right.overview', 'company'),
            }

    @with_transaction()
    def test_company_tree(self):
        "SYS-1: a company has a parent and cycles are refused"
        pool = Pool()
        Company = pool.get('company.company')

        head = create_company(name="Head Office")
        with set_company(head):
            branch = create_company(name="Branch", currency=head.currency)
            branch.parent = head
            branch.save()
            self.assertEqual(head.children, (branch,))
            self.assertEqual(
                Company.search([('parent', 'child_of', [head.id])]),
                [head, branch] if head.id < branch.id else [branch, head])

            head.parent = branch
            with self.assertRaises(Exception) as cm:
                head.save()
            self.assertIn('recursion', type(cm.exception).__name__.lower())


del ModuleTestCase
