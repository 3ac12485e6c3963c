# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class HopuErpTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test hopu_erp"
    module = 'hopu_erp'

    @property
    def _skip_company_rule(self):
        # The company tree of hopu_sysadmin (see its test); the material
        # code counters belong to no company, the rule keeps them readable
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            ('hopu.erp.document_number', 'company')}

    @with_transaction()
    def test_document_number_per_month(self):
        """ERP-8: numbers per type and month — CG2026110001, 0002, then
        CG2026120001 in December; another type and another company count
        on their own"""
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        november = datetime.date(2026, 11, 30)
        december = datetime.date(2026, 12, 1)
        company = create_company()
        other = create_company(name="皓普科技上海分公司")
        with set_company(company):
            self.assertEqual(
                Number.next_number('CG', november), 'CG2026110001')
            self.assertEqual(
                Number.next_numbers('CG', 2, november),
                ['CG2026110002', 'CG2026110003'])
            self.assertEqual(
                Number.next_number('CG', december), 'CG2026120001')
            self.assertEqual(
                Number.next_number('XS', november), 'XS2026110001')
        self.assertEqual(
            Number.next_number('CG', november, company=other),
            'CG2026110001')
        self.assertEqual(
            Number.next_number('CG', november, company=company),
            'CG2026110004')

    @with_transaction()
    def test_material_code(self):
        """ERP-3 物料编码管理: a material without a code is numbered by its
        category's code; a code typed by the user is kept"""
        pool = Pool()
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('symbol', '=', 'u')])
        steel, = Category.create([{'name': "钢材", 'code': '0101'}])
        office, = Category.create([{'name': "办公用品"}])
        first, second, typed, uncoded = Template.create([{
                    'name': name, 'default_uom': unit.id,
                    'categories': [('add', [category.id])],
                    'products': [('create', [{}])],
                    **({'code': code} if code else {}),
                    } for name, category, code in [
                    ("冷轧钢板", steel, None),
                    ("镀锌钢管", steel, None),
                    ("不锈钢板", steel, 'GB-304'),
                    ("A4 打印纸", office, None),
                    ]])
        self.assertEqual(first.code, '01010001')
        self.assertEqual(second.code, '01010002')
        self.assertEqual(first.products[0].code, '01010001')
        self.assertEqual(typed.code, 'GB-304')
        self.assertFalse(uncoded.code)

    @with_transaction()
    def test_main_menu_order(self):
        "ERP-8: 销售管理, 库存管理, 财务管理 in the order of the manuals"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        order = [Menu(ModelData.get_id(*r)).sequence for r in [
                ('sale', 'menu_sale'), ('stock', 'menu_stock'),
                ('account', 'menu_account')]]
        self.assertEqual(order, sorted(order))
        crm_and_contracts = Menu(ModelData.get_id(
                'hopu_sysadmin', 'menu_sysadmin')).sequence
        self.assertLess(crm_and_contracts, order[0])


del ModuleTestCase
