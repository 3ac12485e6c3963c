# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers for the tests of the record rules on the stock moves (SYS-5) of
the modules that depend on hopu_erp (hopu_purchase, hopu_sale, hopu_stock)"""
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction

# hopu_erp's record rule that keeps the moves to the programs' documents
RULE = "Moves of the documents of the programs"
ALL_RIGHTS = [
    'read', 'create', 'write', 'delete', 'print', 'export', 'approve']
# The documents other_moves makes a move of
DOCUMENTS = [
    'supplier shipment', 'supplier return', 'customer shipment',
    'customer return', 'stock take', 'stock move']


@contextmanager
def as_user(user, company=None):
    """Act as the user would from the client (rights and rules checked),
    in the company when given"""
    transaction = Transaction()
    context = {'_check_access': True}
    if company:
        context.update(company=company.id, companies=[company.id])
    with transaction.set_user(user.id), transaction.set_context(context):
        yield


def grant(user, codes, rights=ALL_RIGHTS):
    "SYS-5: give the user these rights on the programs of these codes"
    pool = Pool()
    Program = pool.get('hopu.program')
    UserRight = pool.get('hopu.user.right')
    UserRight.create([{
                'user': user.id, 'program': p.id,
                **{f'perm_{r}': True for r in rights}}
            for p in Program.search([('code', 'in', list(codes))])])


def create_user(company, login, codes, rights=ALL_RIGHTS):
    "A user of the company with the rights on the programs of these codes"
    User = Pool().get('res.user')
    user, = User.create([{
                'login': login, 'name': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                }])
    grant(user, codes, rights)
    return user


@contextmanager
def counted_calls(Model, name):
    """The list of the calls (args, kwargs) of the class method name of the
    pool model meanwhile"""
    calls = []
    method = getattr(Model, name)

    def counting(*args, **kwargs):
        calls.append((args, kwargs))
        return method(*args, **kwargs)
    with patch.object(Model, name, counting):
        yield calls


def move_program():
    """库存移动 (ERP-3-MOVE): a program on every move (stock.move alone);
    where hopu_stock, which defines it, is not activated, the same program
    as hopu_stock defines it"""
    Program = Pool().get('hopu.program')
    program = Program.search([('code', '=', 'ERP-3-MOVE')])
    if not program:
        program = Program.create([{
                    'code': 'ERP-3-MOVE', 'name': "库存移动",
                    'model_names': 'stock.move'}])
    return program[0]


def move_values(company, product, from_location, to_location, **values):
    "The values of a draft move of 5 of the product"
    if {from_location.type, to_location.type} & {'supplier', 'customer'}:
        values = {
            'unit_price': Decimal('10'), 'currency': company.currency.id,
            **values}
    return {
        'product': product.id, 'unit': product.default_uom.id,
        'quantity': 5, 'from_location': from_location.id,
        'to_location': to_location.id, 'company': company.id, **values}


def other_moves(company, product, documents, supplier=None, customer=None):
    """A draft move of 5 of the product for each of the documents named (of
    DOCUMENTS), name → move: a supplier shipment's (采购到货), a supplier
    return's, a customer shipment's (发货通知), a customer return's
    (销售退货), a stock take's (盘点) and a move of no document (库存移动)"""
    pool = Pool()
    Location = pool.get('stock.location')
    Move = pool.get('stock.move')
    ShipmentIn = pool.get('stock.shipment.in')
    ShipmentInReturn = pool.get('stock.shipment.in.return')
    ShipmentOut = pool.get('stock.shipment.out')
    ShipmentOutReturn = pool.get('stock.shipment.out.return')
    Inventory = pool.get('stock.inventory')
    Party = pool.get('party.party')
    assert set(documents) <= set(DOCUMENTS), documents
    warehouse, = Location.search([('code', '=', 'WH')])
    storage = warehouse.storage_location
    customer_location, = Location.search([('code', '=', 'CUS')])
    supplier_location, = Location.search([('code', '=', 'SUP')])
    lost_found, = Location.search([('type', '=', 'lost_found')])
    if not supplier:
        supplier, = Party.create([{
                    'name': "宁波钢铁贸易有限公司",
                    'addresses': [('create', [{}])]}])
    if not customer:
        customer, = Party.create([{
                    'name': "上海华东机电设备有限公司",
                    'addresses': [('create', [{}])]}])

    def move(from_, to, **values):
        return move_values(company, product, from_, to, **values)
    warehouse_values = {
        'company': company.id, 'warehouse': warehouse.id,
        'warehouse_input': warehouse.input_location.id,
        'warehouse_storage': storage.id,
        }
    moves = {}
    for name in documents:
        if name == 'supplier shipment':
            receipt, = ShipmentIn.create([{
                        'supplier': supplier.id, **warehouse_values,
                        'incoming_moves': [('create', [move(
                                        supplier_location,
                                        warehouse.input_location)])],
                        }])
            moves[name], = receipt.incoming_moves
        elif name == 'supplier return':
            supplier_return, = ShipmentInReturn.create([{
                        'supplier': supplier.id, 'company': company.id,
                        'from_location': storage.id,
                        'to_location': supplier_location.id,
                        'moves': [('create', [move(
                                        storage, supplier_location)])],
                        }])
            moves[name], = supplier_return.moves
        elif name == 'customer shipment':
            shipment, = ShipmentOut.create([{
                        'customer': customer.id,
                        'delivery_address': customer.addresses[0].id,
                        'company': company.id, 'warehouse': warehouse.id,
                        'warehouse_storage': storage.id,
                        'warehouse_output': warehouse.output_location.id,
                        'outgoing_moves': [('create', [move(
                                        warehouse.output_location,
                                        customer_location)])],
                        }])
            moves[name], = shipment.outgoing_moves
        elif name == 'customer return':
            customer_return, = ShipmentOutReturn.create([{
                        'customer': customer.id, **warehouse_values,
                        'incoming_moves': [('create', [move(
                                        customer_location,
                                        warehouse.input_location)])],
                        }])
            moves[name], = customer_return.incoming_moves
        elif name == 'stock take':
            inventory, = Inventory.create([{
                        'location': storage.id, 'company': company.id,
                        'lines': [('create', [{
                                        'product': product.id,
                                        'quantity': 5}])],
                        }])
            moves[name], = Move.create([move(lost_found, storage,
                        origin=str(inventory.lines[0]))])
        elif name == 'stock move':
            moves[name], = Move.create([move(lost_found, storage)])
    return moves


class MoveRuleTestMixin:
    "Assertions on hopu_erp's record rule on the stock moves (SYS-5)"

    def assertMovesRefused(self, user, moves, operation, company=None,
            readable=False):
        """Each of the moves (name → move) is refused to the user for the
        operation ('write' or 'delete') by hopu_erp's record rule, and
        stays as it was: its quantity and state, still there. With
        readable, the user reads each first. A delete is tried once per
        move (the transaction remembers the records whose delete was
        tried)"""
        Move = Pool().get('stock.move')
        assert operation in {'write', 'delete'}, operation

        def values():
            return sorted(
                (m['id'], m['quantity'], m['state']) for m in Move.read(
                    [m.id for m in moves.values()], ['quantity', 'state']))
        before = values()
        with as_user(user, company):
            for name, move in moves.items():
                with self.subTest(document=name, operation=operation):
                    if readable:
                        Move.read([move.id], ['quantity'])
                    with self.assertRaisesRegex(AccessError, RULE):
                        if operation == 'write':
                            Move.write([Move(move.id)], {'quantity': 50})
                        else:
                            Move.delete([Move(move.id)])
        self.assertEqual(values(), before)

    def assertMovesChanged(self, user, moves, values, company=None):
        """The user writes each of the moves (name → move) and creates a
        move of the values, then deletes it"""
        Move = Pool().get('stock.move')
        with as_user(user, company):
            for name, move in moves.items():
                with self.subTest(document=name):
                    Move.write([Move(move.id)], {'quantity': 6})
            own, = Move.create([values])
            Move.delete([own])
        self.assertEqual([Move(m.id).quantity for m in moves.values()],
            [6] * len(moves))
        self.assertFalse(Move.search([('id', '=', own.id)]))

    def assertMoveCreateRefused(self, user, values, company=None):
        """A move of these values is refused to the user's create by
        hopu_erp's record rule. The RPC rolls back the row inserted before
        the check, a test does not: try it last in the transaction"""
        Move = Pool().get('stock.move')
        with as_user(user, company):
            with self.assertRaisesRegex(AccessError, RULE):
                Move.create([values])
