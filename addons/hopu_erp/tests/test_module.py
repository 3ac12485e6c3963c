# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime
from collections import Counter

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import as_user, counted_calls, create_user, grant


def _move_programs(prefix='TEST'):
    """发货 (<prefix>-SHIP: the customer shipments and their moves) and
    库存移动 (<prefix>-MOVE: the moves alone)"""
    Program = Pool().get('hopu.program')
    return Program.create([{
                'code': f'{prefix}-SHIP', 'name': "发货",
                'model_names': 'stock.shipment.out\nstock.move',
                }, {
                'code': f'{prefix}-MOVE', 'name': "库存移动",
                'model_names': 'stock.move',
                }])


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

    @with_transaction()
    def test_move_documents_once_per_transaction(self):
        """SYS-5: trytond's ir.rule.get asks the rules' context once per
        rule of stock.move; the documents whose moves the user changes are
        computed once per transaction and operation, again after a write
        of the transaction (a right given is seen at once)"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            _move_programs()
            clerk = create_user(company, 'clerk', ['TEST-SHIP'])
        with counted_calls(Rule, '_hopu_move_documents') as computed, \
                counted_calls(Rule, '_get_context') as asked:
            with as_user(clerk, company):
                for _ in range(2):
                    for mode in Rule.modes:
                        Rule.get('stock.move', mode=mode)
                Move.search([])
                self.assertEqual(
                    Rule.hopu_move_documents('write'),
                    {'stock.shipment.out'})
            self.assertGreater(
                [a[0] for a, _ in asked].count('stock.move'), 2)
            self.assertEqual(Counter(a[0] for a, _ in computed),
                {'write': 1, 'create': 1, 'delete': 1})

            # 库存移动 given to him, in the same transaction
            grant(clerk, ['TEST-MOVE'], ['read', 'write'])
            computed.clear()
            with as_user(clerk, company):
                for _ in range(2):
                    Rule.get('stock.move', mode='write')
                self.assertIsNone(Rule.hopu_move_documents('write'))
                self.assertEqual(
                    Rule.hopu_move_documents('delete'),
                    {'stock.shipment.out'})
            self.assertEqual(Counter(a[0] for a, _ in computed),
                {'write': 1, 'create': 1, 'delete': 1})

    def test_move_documents_new_transaction(self):
        """SYS-5: a right given in another transaction is seen by the next
        one: the documents whose moves the user changes are not kept past
        their transaction (nor the record rule, whose cache is by groups)"""
        with Transaction().start(DB_NAME, 0) as transaction:
            company = create_company(name="新事务测试公司")
            with set_company(company):
                _move_programs('NEWTX')
                clerk = create_user(company, 'newtx_clerk', ['NEWTX-SHIP'])
            ids = {'company': company.id, 'clerk': clerk.id}
            transaction.commit()
        try:
            context = {'company': ids['company'],
                'companies': [ids['company']], '_check_access': True}
            with Transaction().start(
                    DB_NAME, ids['clerk'], context=context):
                Rule = Pool().get('ir.rule')
                self.assertEqual(
                    Rule.hopu_move_documents('write'),
                    {'stock.shipment.out'})
                self.assertTrue(Rule.domain_get('stock.move', 'write'))
            with Transaction().start(DB_NAME, 0) as transaction:
                User = Pool().get('res.user')
                grant(User(ids['clerk']), ['NEWTX-MOVE'], ['read', 'write'])
                transaction.commit()
            with Transaction().start(
                    DB_NAME, ids['clerk'], context=context):
                Rule = Pool().get('ir.rule')
                self.assertIsNone(Rule.hopu_move_documents('write'))
                self.assertEqual(
                    Rule.hopu_move_documents('delete'),
                    {'stock.shipment.out'})
                decoder_context = Rule._get_context('stock.move')
                self.assertTrue(decoder_context['hopu_move_all_write'])
                self.assertFalse(decoder_context['hopu_move_all_delete'])
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                pool = Pool()
                User = pool.get('res.user')
                UserRight = pool.get('hopu.user.right')
                Program = pool.get('hopu.program')
                UserRight.delete(
                    UserRight.search([('user', '=', ids['clerk'])]))
                User.write([User(ids['clerk'])], {
                        'login': f'newtx_clerk-{ids["clerk"]}',
                        'active': False})
                programs = Program.search(
                    [('code', 'in', ['NEWTX-SHIP', 'NEWTX-MOVE'])])
                for program in programs:
                    program.code = f'{program.code}-{program.id}'
                    program.active = False
                Program.save(programs)
                transaction.commit()


del ModuleTestCase
