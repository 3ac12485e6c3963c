# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.hopu_sysadmin.tests import (
    HopuProgramTestMixin, HopuTranslationTestMixin)
from trytond.modules.hopu_sysadmin.tests.test_module import (
    as_user, grant, make_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

CLERK_RIGHTS = ['read', 'create', 'write', 'print']


class HopuStockTakeTestCase(
        HopuTranslationTestMixin, HopuProgramTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test hopu_stock_take"
    module = 'hopu_stock_take'

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            ('hopu.erp.document_number', 'company'),
            }

    def _materials(self, company):
        "Three materials with a cost price, stock in the warehouse"
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Category = pool.get('product.category')
        unit, = Uom.search([('symbol', '=', 'u')])
        kg, = Uom.search([('symbol', '=', 'kg')])
        raw, = Category.create([{'name': "原材料", 'code': '01'}])
        steel, = Category.create([{
                    'name': "钢材", 'code': '0101', 'parent': raw.id}])
        office, = Category.create([{'name': "办公用品", 'code': '03'}])
        templates = Template.create([{
                    'name': name, 'type': 'goods', 'default_uom': uom.id,
                    'categories': [('add', [category.id])],
                    'products': [('create', [{
                                    'cost_price': cost}])],
                    } for name, uom, category, cost in [
                    ("冷轧钢板 1.0mm", kg, steel, Decimal('6.5')),
                    ("镀锌钢管 DN50", unit, steel, Decimal('85')),
                    ("A4 复印纸", unit, office, Decimal('25')),
                    ]])
        products = [t.products[0] for t in templates]
        supplier, = Location.search([('code', '=', 'SUP')])
        storage, = Location.search([('code', '=', 'STO')])
        moves = Move.create([{
                    'product': p.id, 'unit': p.default_uom.id,
                    'quantity': qty, 'from_location': supplier.id,
                    'to_location': storage.id, 'unit_price': p.cost_price,
                    'currency': company.currency.id,
                    'effective_date': dt.date.today(),
                    } for p, qty in zip(products, [1000, 40, 200])])
        Move.do(moves)
        return products

    def _users(self, company):
        """A warehouse clerk (保管员) in charge of the stock take, an
        approver (仓库主管) and a stranger; the rule: the approvers of the
        program's 审核 right"""
        pool = Pool()
        User = pool.get('res.user')
        Program = pool.get('hopu.program')
        Rule = pool.get('hopu.approval.rule')
        clerk_employee = create_employee(company, "李保管")
        boss_employee = create_employee(company, "赵主管")
        users = []
        for login, employee in [('libg', clerk_employee),
                ('zhaozg', boss_employee), ('stranger', None)]:
            user = make_user(login)
            values = {
                'companies': [('add', [company.id])],
                'company': company.id,
                }
            if employee:
                values['employees'] = [('add', [employee.id])]
                values['employee'] = employee.id
            User.write([user], values)
            users.append(user)
        clerk, boss, stranger = users
        for code in ['ERP-3-TAKE', 'ERP-3-TAKE-COUNT', 'ERP-3-TAKE-DIFF',
                'ERP-3-TAKE-REPORT']:
            grant(clerk, code, CLERK_RIGHTS)
            grant(boss, code, ['read', 'approve', 'print'])
        # the clerk has the 审核 right too: never on their own stock take
        grant(clerk, 'ERP-3-TAKE-DIFF', CLERK_RIGHTS + ['approve'])
        program, = Program.search([('code', '=', 'ERP-3-TAKE-DIFF')])
        Rule.create([{
                    'name': "盘点审核", 'document': 'hopu.stock.take',
                    'steps': [('create', [{
                                    'name': "仓库主管审核",
                                    'approver_type': 'group',
                                    'group': program.group_approve.id,
                                    }])],
                    }])
        return clerk_employee, clerk, boss, stranger

    def _context(self, user):
        User = Pool().get('res.user')
        with Transaction().set_user(user.id):
            return User.get_preferences(context_only=True)

    @with_transaction()
    def test_take_flow(self):
        """ERP-3 6.2 库存盘点: 盘点计划 PD numbered → 开始盘点 freezes the
        expected quantities and cost prices on one counting sheet per
        location → counts entered by the clerk → differences valued →
        审核 (never by the clerk who made it) → the inventories confirmed,
        Tryton's moves made; 反审核 refused once confirmed; every transition
        logged"""
        pool = Pool()
        Take = pool.get('hopu.stock.take')
        Line = pool.get('stock.inventory.line')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            plate, pipe, paper = self._materials(company)
            employee, clerk, boss, stranger = self._users(company)
            warehouse, = Location.search([('code', '=', 'WH')])
            storage, = Location.search([('code', '=', 'STO')])

            with Transaction().set_context(self._context(clerk)), \
                    as_user(clerk):
                take, = Take.create([{
                            'warehouse': warehouse.id,
                            'scope': 'category',
                            'categories': [('add', [
                                        plate.template.categories[0]
                                        .parent.id])],
                            'planned_date': dt.date(2026, 11, 30),
                            'employee': employee.id,
                            }])
                self.assertRegex(take.number, r'^PD\d{6}\d{4}$')
                Take.start([take])
                take = Take(take.id)
                self.assertEqual(take.state, 'counting')
                inventory, = take.inventories
                self.assertEqual(inventory.number, f'{take.number}-01')
                self.assertEqual(inventory.location, storage)
                # 钢材 is under 原材料: the plate and the pipe, not the paper
                lines = {l.product: l for l in inventory.lines}
                self.assertEqual(set(lines), {plate, pipe})
                self.assertEqual(lines[plate].expected_quantity, 1000)
                self.assertEqual(lines[plate].cost_price, Decimal('6.5'))

            # Stock moves in while counting: the sheet keeps its quantities
            supplier, = Location.search([('code', '=', 'SUP')])
            move, = Move.create([{
                        'product': pipe.id, 'unit': pipe.default_uom.id,
                        'quantity': 5, 'from_location': supplier.id,
                        'to_location': storage.id, 'unit_price': 85,
                        'currency': company.currency.id,
                        'effective_date': dt.date.today()}])
            Move.do([move])

            with Transaction().set_context(self._context(clerk)), \
                    as_user(clerk):
                lines = Line.search([('take_state', '=', 'counting')])
                self.assertEqual(len(lines), 2)
                Line.write([lines[0]], {'quantity': 0})
                with self.assertRaises(UserError):
                    # not every line counted
                    Take.submit([take])
                counted = {plate: 995.5, pipe: 42}
                for line in lines:
                    Line.write([line], {'quantity': counted[line.product]})
                with self.assertRaises(UserError):
                    # only the count: no expected quantity nor cost price
                    Line.write(lines, {'expected_quantity': 0})
                with self.assertRaises(UserError):
                    Line.write(lines, {'cost_price': 0})
                # the sheet is confirmed only through the approval
                with self.assertRaises(UserError):
                    inventory.__class__.confirm([inventory])
                take = Take(take.id)
                lines = {l.product: l for l in take.lines}
                self.assertEqual(lines[plate].expected_quantity, 1000)
                self.assertEqual(lines[pipe].expected_quantity, 40)
                self.assertEqual(lines[plate].difference_quantity, -4.5)
                self.assertEqual(
                    lines[plate].difference_amount, Decimal('-29.25'))
                self.assertEqual(lines[pipe].difference_amount, Decimal(170))
                self.assertEqual(take.gain_amount, Decimal(170))
                self.assertEqual(take.loss_amount, Decimal('-29.25'))
                self.assertEqual(take.difference_amount, Decimal('140.75'))
                Take.submit([take])
                self.assertEqual(Take(take.id).state, 'submitted')
                # no more counting once submitted
                with self.assertRaises(UserError):
                    Line.write([lines[pipe]], {'quantity': 41})
                # the clerk has the 审核 right but made the stock take
                with self.assertRaises(UserError):
                    Take.approve([take])

            with Transaction().set_context(self._context(stranger)), \
                    as_user(stranger):
                with self.assertRaises(AccessError):
                    Take.approve([take])

            with Transaction().set_context(self._context(boss)), \
                    as_user(boss):
                Take.approve([take])
                take = Take(take.id)
                self.assertEqual(take.state, 'done')
                self.assertEqual(take.approved_by, boss)
                self.assertEqual(take.inventories[0].state, 'done')
                with self.assertRaises(UserError):
                    # 反审核 refused: the stock moved
                    Take.unapprove([take])
            self.assertEqual(Take(take.id).state, 'done')

            moves = Move.search([
                    ('origin', 'like', 'stock.inventory.line,%'),
                    ('state', '=', 'done')])
            self.assertEqual(
                sorted((m.product.id, m.from_location.type, m.quantity)
                    for m in moves),
                sorted([(plate.id, 'storage', 4.5),
                        (pipe.id, 'lost_found', 2)]))
            # every transition logged (ir.model.log, stored at commit)
            logged = {(str(l.resource), l.event, l.target)
                for l in Transaction().log_records}
            for state in ['counting', 'submitted', 'done']:
                self.assertIn(
                    (str(take), 'transition', f'state:{state}'), logged)

    @with_transaction()
    def test_take_rights(self):
        """ERP-3 SYS-5: a warehouse clerk with the programs' rights plans
        and counts; a stranger without them reads nothing; a started plan
        no longer changes; a rejected take goes back to counting"""
        pool = Pool()
        Take = pool.get('hopu.stock.take')
        Line = pool.get('stock.inventory.line')
        Inventory = pool.get('stock.inventory')
        Location = pool.get('stock.location')
        Approval = pool.get('hopu.approval')
        company = create_company()
        with set_company(company):
            plate, pipe, paper = self._materials(company)
            employee, clerk, boss, stranger = self._users(company)
            warehouse, = Location.search([('code', '=', 'WH')])
            with Transaction().set_context(self._context(clerk)), \
                    as_user(clerk):
                take, = Take.create([{
                            'warehouse': warehouse.id, 'scope': 'list',
                            'products': [('add', [paper.id])],
                            'planned_date': dt.date(2026, 11, 30),
                            'employee': employee.id,
                            'state': 'done', 'number': 'X'}])
                self.assertEqual(take.state, 'draft')
                self.assertNotEqual(take.number, 'X')
                with self.assertRaises(UserError):
                    Take.write([take], {'state': 'done'})
                Take.start([take])
                with self.assertRaises(UserError):
                    Take.write([take], {'description': "改计划"})
                with self.assertRaises(UserError):
                    Inventory.delete(list(take.inventories))
                line, = Take(take.id).lines
                self.assertEqual(line.expected_quantity, 200)
                Line.write([line], {'quantity': 190})
                Take.submit([take])

            with Transaction().set_context(self._context(stranger)), \
                    as_user(stranger):
                with self.assertRaises(AccessError):
                    Take.read([take.id], ['number'])
                with self.assertRaises(AccessError):
                    Line.read([line.id], ['quantity'])
                with self.assertRaises(AccessError):
                    Take.create([{'warehouse': warehouse.id,
                                'planned_date': dt.date(2026, 11, 30),
                                'employee': employee.id}])

            with Transaction().set_context(self._context(boss)), \
                    as_user(boss):
                with self.assertRaises(AccessError):
                    # 审核 right, not the write right
                    Line.write([line], {'quantity': 1})
                Take.reject([take])
            step, = Approval.search([
                    ('document', '=', str(take)), ('state', '=', 'rejected')])
            self.assertTrue(step.comment)
            self.assertEqual(Take(take.id).state, 'counting')


del ModuleTestCase
