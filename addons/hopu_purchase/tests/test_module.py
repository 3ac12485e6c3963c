# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.hopu_approval.exceptions import ApprovalError
from trytond.modules.hopu_erp.tests.tools import (
    MoveRuleTestMixin, as_user, move_program, move_values, other_moves)
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..exceptions import PurchaseApprovalError, ReceiptError


class HopuPurchaseTestCase(MoveRuleTestMixin,
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test hopu_purchase"
    module = 'hopu_purchase'

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            ('hopu.erp.document_number', 'company'),
            ('hopu.approval.rule', 'company'),
            }

    def _user(self, login, company, employee=None):
        User = Pool().get('res.user')
        user, = User.create([{
                    'login': login, 'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])] if employee else [],
                    'employee': employee.id if employee else None,
                    'email': f'{login}@example.com',
                    }])
        return user

    def _grant(self, user, codes, rights=(
                'read', 'create', 'write', 'delete', 'approve')):
        pool = Pool()
        Program = pool.get('hopu.program')
        UserRight = pool.get('hopu.user.right')
        for code in codes:
            program, = Program.search([('code', '=', code)])
            right, = (UserRight.search([
                        ('user', '=', user.id),
                        ('program', '=', program.id)])
                or [UserRight(user=user, program=program)])
            for name in ['read', 'create', 'write', 'delete', 'print',
                    'export', 'approve']:
                setattr(right, UserRight._field(name), name in rights)
            right.save()

    def _material(self, name="冷轧钢板", price=Decimal('10')):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('symbol', '=', 'u')])
        template, = Template.create([{
                    'name': name, 'type': 'goods', 'purchasable': True,
                    'default_uom': unit.id, 'purchase_uom': unit.id,
                    'list_price': price,
                    'products': [('create', [{}])],
                    }])
        return template.products[0]

    def _supplier(self, name="宁波钢铁贸易有限公司"):
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'name': name,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'sales@nbsteel.example.cn'}])],
                    'addresses': [('create', [{}])],
                    }])
        return party

    def _purchase(self, supplier, product, quantity=10,
            price=Decimal('10'), invoice_method='manual'):
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Location = pool.get('stock.location')
        warehouse, = Location.search([('code', '=', 'WH')])
        purchase, = Purchase.create([{
                    'party': supplier.id,
                    'invoice_address': supplier.addresses[0].id,
                    'warehouse': warehouse.id,
                    'invoice_method': invoice_method,
                    'purchase_date': dt.date(2026, 11, 30),
                    'lines': [('create', [{
                                    'product': product.id,
                                    'quantity': quantity,
                                    'unit': product.default_uom.id,
                                    'unit_price': price,
                                    }])],
                    }])
        return purchase

    @with_transaction()
    def test_purchase_number(self):
        "ERP-1/ERP-8: 采购订单 numbered CG + YYYYMM + serial when quoted"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        company = create_company()
        with set_company(company):
            supplier = self._supplier()
            product = self._material()
            first = self._purchase(supplier, product)
            second = self._purchase(supplier, product)
            Purchase.quote([first, second])
            self.assertEqual(first.number, 'CG2026110001')
            self.assertEqual(second.number, 'CG2026110002')

    @with_transaction()
    def test_confirm_own_refused_and_unapprove(self):
        """ERP-1 审核: the clerk who made the order cannot approve it, the
        purchasing manager (approve right) can; 反审核 back to draft
        while nothing is received, refused once a receipt move is done;
        a clerk without the approve right cannot press 审核"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            clerk = self._user('caigou', company)
            other = self._user('caigou2', company)
            manager = self._user('caigou_zhuguan', company)
            self._grant(clerk, ['ERP-1-PO'])
            self._grant(other, ['ERP-1-PO'],
                ['read', 'create', 'write', 'delete'])
            self._grant(manager, ['ERP-1-PO'])
            supplier = self._supplier()
            product = self._material()
            with as_user(clerk):
                purchase = self._purchase(supplier, product)
                Purchase.quote([purchase])
            with as_user(other):
                with self.assertRaises(AccessButtonError):
                    # no approve right: the button is the program's
                    Purchase.confirm([Purchase(purchase.id)])
            with as_user(clerk):
                # the approve right, but her own order
                with self.assertRaises(PurchaseApprovalError):
                    Purchase.confirm([Purchase(purchase.id)])
            Purchase.write([purchase], {'state': 'quotation'})  # rollback
            with as_user(manager):
                Purchase.confirm([Purchase(purchase.id)])
            # the queue processes the confirmed order after the commit
            Purchase.process([purchase])
            purchase = Purchase(purchase.id)
            self.assertEqual(purchase.state, 'processing')
            self.assertTrue(purchase.moves)
            # SYS-5: 采购订单's rights show the order's moves, they do not
            # change them (采购到货 does), nor make or delete any
            move = purchase.moves[0]
            with as_user(other):
                self.assertEqual(
                    Move.read([move.id], ['quantity'])[0]['quantity'], 10)
                with self.assertRaises(AccessError):
                    Move.write([Move(move.id)], {'quantity': 1})
                with self.assertRaises(AccessError):
                    Move.delete([Move(move.id)])
                with self.assertRaises(AccessError):
                    Move.create([{
                                'product': move.product.id,
                                'unit': move.unit.id,
                                'quantity': 1,
                                'from_location': move.from_location.id,
                                'to_location': move.to_location.id,
                                'company': company.id}])
            self.assertEqual(Move(move.id).quantity, 10)
            # every change logged (ir.model.log, written at the commit)
            self.assertIn(('button', 'confirm'), [
                    (l.event, l.target)
                    for l in Transaction().log_records
                    if l.resource == purchase])

            with as_user(manager):
                Purchase.unapprove([purchase])
            purchase = Purchase(purchase.id)
            self.assertEqual(purchase.state, 'draft')
            self.assertFalse(purchase.moves)

            Purchase.quote([purchase])
            with as_user(manager):
                Purchase.confirm([purchase])
            Purchase.process([purchase])
            purchase = Purchase(purchase.id)
            move, = purchase.moves
            Move.do([move])
            with as_user(manager):
                with self.assertRaises(PurchaseApprovalError):
                    Purchase.unapprove([Purchase(purchase.id)])

    def _rules(self, finance):
        "部门负责人 below 10000 元; 部门负责人 then 财务 from 10000 元 on"
        Rule = Pool().get('hopu.approval.rule')
        Rule.create([{
                    'name': "采购申请 万元以下", 'sequence': 10,
                    'document': 'purchase.requisition',
                    'max_amount': Decimal('10000'),
                    'steps': [('create', [{
                                    'name': "部门负责人",
                                    'approver_type': 'supervisor',
                                    'level': 1}])],
                    }, {
                    'name': "采购申请 万元及以上", 'sequence': 20,
                    'document': 'purchase.requisition',
                    'min_amount': Decimal('10000'),
                    'steps': [('create', [{
                                    'name': "部门负责人",
                                    'approver_type': 'supervisor',
                                    'level': 1, 'sequence': 1,
                                    }, {
                                    'name': "财务审核",
                                    'approver_type': 'user',
                                    'user': finance.id, 'sequence': 2,
                                    }])],
                    }])

    def _requisition(self, employee, product, quantity, price):
        pool = Pool()
        Requisition = pool.get('purchase.requisition')
        Location = pool.get('stock.location')
        warehouse, = Location.search([('code', '=', 'WH')])
        requisition, = Requisition.create([{
                    'employee': employee.id,
                    'supply_date': dt.date(2026, 12, 15),
                    'warehouse': warehouse.id,
                    'description': "生产线备料",
                    'lines': [('create', [{
                                    'product': product.id,
                                    'quantity': quantity,
                                    'unit': product.default_uom.id,
                                    'unit_price': price,
                                    }])],
                    }])
        return requisition

    @with_transaction()
    def test_requisition_approval(self):
        """ERP-1 5.1.2 审批流程: a requisition below 10000 元 is approved
        by the department head; from 10000 元 on by the head, then
        finance; the applicant never approves their own; approved, it
        makes its purchase requests; 反审核 while they are not ordered"""
        pool = Pool()
        Requisition = pool.get('purchase.requisition')
        Employee = pool.get('company.employee')
        company = create_company()
        with set_company(company):
            head_employee = create_employee(company, "李经理")
            applicant_employee = create_employee(company, "赵工")
            Employee.write([applicant_employee], {
                    'supervisor': head_employee.id})
            applicant = self._user('zhao', company, applicant_employee)
            head = self._user('li', company, head_employee)
            finance = self._user('caiwu', company)
            self._grant(applicant, ['ERP-1-REQ'],
                ['read', 'create', 'write'])
            for user in [head, finance]:
                self._grant(user, ['ERP-1-REQ'], ['read', 'approve'])
                self._grant(user, ['ERP-1-APPROVAL'], ['read', 'approve'])
            self._rules(finance)
            product = self._material()

            small = self._requisition(
                applicant_employee, product, 10, Decimal('100'))
            self.assertTrue(small.number.startswith('QG'))
            Requisition.wait([small])
            self.assertEqual(small.state, 'waiting')
            with as_user(applicant):
                with self.assertRaises(ApprovalError):
                    Requisition.approval_decide(
                        [Requisition(small.id)], 'approved')
            with as_user(head):
                Requisition.approval_decide(
                    [Requisition(small.id)], 'approved')
            self.assertEqual(Requisition(small.id).state, 'approved')
            # the queue makes the requests after the commit
            Requisition.process([small])
            small = Requisition(small.id)
            self.assertEqual(small.state, 'processing')
            request, = small.lines[0].purchase_requests
            self.assertEqual(request.quantity, 10)
            self.assertEqual(
                [s.state for s in small.approvals], ['approved'])

            with as_user(head):
                Requisition.unapprove([small])
            small = Requisition(small.id)
            self.assertEqual(small.state, 'draft')
            self.assertFalse(small.lines[0].purchase_requests)

            large = self._requisition(
                applicant_employee, product, 100, Decimal('150'))
            Requisition.wait([large])
            with as_user(head):
                Requisition.approval_decide(
                    [Requisition(large.id)], 'approved')
            self.assertEqual(Requisition(large.id).state, 'waiting')
            with as_user(finance):
                Requisition.approval_decide(
                    [Requisition(large.id)], 'approved')
            self.assertEqual(Requisition(large.id).state, 'approved')

    @with_transaction()
    def test_receipt_rejected_quantity(self):
        """ERP-1 5.3.2 采购验收: of 10 delivered, 3 rejected: 7 enter stock,
        3 never do and the order shows the exception"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            manager = self._user('caigou_zhuguan', company)
            self._grant(manager, ['ERP-1-PO'])
            supplier = self._supplier()
            product = self._material()
            purchase = self._purchase(supplier, product)
            Purchase.quote([purchase])
            with as_user(manager):
                Purchase.confirm([purchase])
            Purchase.process([purchase])
            purchase = Purchase(purchase.id)
            move, = purchase.moves
            shipment, = Shipment.create([{
                        'supplier': supplier.id,
                        'company': company.id,
                        'warehouse': purchase.warehouse.id,
                        'warehouse_input': (
                            purchase.warehouse.input_location.id),
                        'warehouse_storage': (
                            purchase.warehouse.storage_location.id),
                        'incoming_moves': [('add', [move.id])],
                        }])
            self.assertTrue(shipment.number.startswith('DH'))
            Move.write([move], {'rejected_quantity': 11})
            with self.assertRaises(ReceiptError):
                Shipment.receive([shipment])
            Move.write([move], {'rejected_quantity': 3})
            self.assertEqual(Move(move.id).accepted_quantity, 7)
            Shipment.receive([shipment])
            Shipment.do([shipment])
            shipment = Shipment(shipment.id)
            self.assertEqual(
                sorted((m.state, m.quantity) for m in shipment.incoming_moves),
                [('cancelled', 3), ('done', 7)])
            self.assertEqual(
                [m.quantity for m in shipment.inventory_moves], [7])
            with Transaction().set_context(
                    locations=[shipment.warehouse.id]):
                self.assertEqual(
                    pool.get('product.product')(product.id).quantity, 7)
            Purchase.process([purchase])  # the queue, after the commit
            purchase = Purchase(purchase.id)
            self.assertEqual(purchase.shipment_state, 'exception')

    @with_transaction()
    def test_receipt_clerk_move_write_refused(self):
        """ERP-1 5.3 采购到货, SYS-5: the receiving clerk (采购到货's rights
        only) adds the order's moves to his receipt, enters the rejected
        quantity, receives and puts away, and creates a move in his receipt;
        the moves of other documents (a customer shipment, a supplier
        return, a stock take, a move of 库存移动) he reads as before but
        may not write, delete or create: refused by the record rule, the
        move unchanged. With a program on every move (库存移动: stock.move
        alone) he changes them too"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            keeper = self._user('wumin', company)
            self._grant(keeper, ['ERP-1-RECEIPT'],
                rights=('read', 'create', 'write', 'delete'))
            mover = self._user('mover', company)
            # 库存移动 (ERP-3-MOVE of hopu_stock, not a dependency here)
            move_program()
            self._grant(mover, ['ERP-1-RECEIPT', 'ERP-3-MOVE'],
                rights=('read', 'create', 'write', 'delete'))
            supplier = self._supplier()
            product = self._material()
            purchase = self._purchase(supplier, product)
            manager = self._user('caigou_zhuguan', company)
            self._grant(manager, ['ERP-1-PO'])
            Purchase.quote([purchase])
            with as_user(manager):
                Purchase.confirm([purchase])
            Purchase.process([purchase])
            # documents 采购到货 does not cover
            others = other_moves(company, product, [
                    'customer shipment', 'supplier return', 'stock take',
                    'stock move'], supplier=supplier)
            move, = Purchase(purchase.id).moves
            warehouse = purchase.warehouse

        with as_user(keeper):
            # the manual's steps: the order's move into the receipt, the
            # rejected quantity, 收货 and 入库
            shipment, = Shipment.create([{
                        'supplier': supplier.id,
                        'company': company.id,
                        'warehouse': warehouse.id,
                        'warehouse_input': warehouse.input_location.id,
                        'warehouse_storage': warehouse.storage_location.id,
                        'incoming_moves': [('add', [move.id])],
                        }])
            Move.write([Move(move.id)], {'rejected_quantity': 2})
            extra, = Move.create([move_values(company, product,
                        move.from_location, warehouse.input_location,
                        quantity=1, shipment=str(shipment))])
            Move.delete([extra])
            Shipment.receive([Shipment(shipment.id)])
            Shipment.do([Shipment(shipment.id)])
        self.assertMovesRefused(keeper, others, 'write', readable=True)
        shipment = Shipment(shipment.id)
        self.assertEqual(shipment.state, 'done')
        self.assertEqual(
            sorted((m.state, m.quantity) for m in shipment.incoming_moves),
            [('cancelled', 2), ('done', 8)])
        self.assertEqual(
            [(m.state, m.quantity) for m in shipment.inventory_moves],
            [('done', 8)])

        self.assertMovesChanged(mover, others, move_values(company, product,
                move.from_location, warehouse.storage_location, quantity=1))

        self.assertMovesRefused(keeper, others, 'delete')
        # nor a move of his own, outside any receipt (last: a create)
        self.assertMoveCreateRefused(keeper, move_values(company, product,
                move.from_location, warehouse.storage_location))

    @with_transaction()
    def test_stock_alert(self):
        """ERP-3 6.3.1/6.3.2 库存预警: a material below its order point's
        minimum is alerted; 预警处理 makes its purchase request; back in
        stock, the alert is resolved"""
        pool = Pool()
        OrderPoint = pool.get('stock.order_point')
        Alert = pool.get('hopu.stock.alert')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        company = create_company()
        with set_company(company):
            warehouse, = Location.search([('code', '=', 'WH')])
            supplier_location, = Location.search([('code', '=', 'SUP')])
            product = self._material()
            OrderPoint.create([{
                        'product': product.id,
                        'location': warehouse.id,
                        'type': 'purchase',
                        'min_quantity': 10,
                        'target_quantity': 50,
                        'company': company.id,
                        }])
            keeper = self._user('cangguan', company)
            self._grant(keeper, ['ERP-3-ALERT'])
            alert, = Alert.generate()
            self.assertEqual(alert.state, 'open')
            self.assertEqual(alert.quantity, 0)
            self.assertIn(product.rec_name, alert.description)
            with as_user(keeper):
                Alert.handle([Alert(alert.id)])
            alert = Alert(alert.id)
            self.assertEqual(alert.state, 'requested')
            request, = alert.requests
            self.assertEqual(request.product, product)
            self.assertEqual(request.quantity, 50)
            self.assertEqual(Alert.generate(), [alert])

            move, = Move.create([{
                        'product': product.id,
                        'unit': product.default_uom.id,
                        'quantity': 20,
                        'from_location': supplier_location.id,
                        'to_location': warehouse.storage_location.id,
                        'unit_price': Decimal('10'),
                        'currency': company.currency.id,
                        'company': company.id,
                        }])
            with Transaction().set_context(_skip_warnings=True):
                Move.do([move])
            self.assertEqual(Alert.generate(), [])
            self.assertEqual(Alert(alert.id).state, 'resolved')


del ModuleTestCase
