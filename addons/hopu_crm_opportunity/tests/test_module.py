# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class HopuCrmOpportunityTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test hopu_crm_opportunity (CRM-30, CRM-31)"
    module = 'hopu_crm_opportunity'

    @property
    def _skip_company_rule(self):
        # The company tree of hopu_sysadmin (see its test)
        return super()._skip_company_rule | {('company.company', 'parent')}


del ModuleTestCase
