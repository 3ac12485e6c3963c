# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class HopuCrmTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Hopu CRM module"
    module = 'hopu_crm'


del ModuleTestCase
