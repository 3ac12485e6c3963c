# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class HopuCrmTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Hopu CRM module"
    module = 'hopu_crm'

    @property
    def _skip_company_rule(self):
        # The company tree of hopu_sysadmin (see its test)
        return super()._skip_company_rule | {('company.company', 'parent')}


del ModuleTestCase
