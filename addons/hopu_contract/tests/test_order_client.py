# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-5 what the web client asks of the change order form: the values the
on_change calls send back, as sao receives them (the 合同变更单 step of the
browser journey, tests/browser/test_journey_contract.py)"""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


class ChangeOrderClientTestCase(unittest.TestCase):
    "Change order: the on_change calls of its form"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('hopu_contract')

    def _effective_contract(self, type_='service'):
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Party = pool.get('party.party')
        company = Transaction().context['company']
        employee = create_employee(pool.get('company.company')(company))
        party, = Party.create([{
                    'name': "上海明远贸易有限公司", 'crm_stage': 'existing'}])
        contract, = Contract.create([{
                    'type': type_,
                    'party': party.id,
                    'salesperson': employee.id,
                    'signing_date': dt.date(2026, 3, 1),
                    'start_date': dt.date(2026, 4, 1),
                    'end_date': dt.date(2027, 3, 31),
                    'amount': Decimal('120000'),
                    'lines': [('create', [{
                                    'description': "年度运维服务",
                                    'quantity': 2,
                                    'unit_price': Decimal('60000'),
                                    }])],
                    'commissions': [('create', [{
                                    'salesperson': employee.id,
                                    'share_type': 'percent',
                                    'share_percent': Decimal('100'),
                                    'rate': Decimal('5'),
                                    }])],
                    }])
        with Transaction().set_context(_hopu_contract_internal=True):
            Contract.write([contract], {'state': 'approved'})
        return contract

    @with_transaction()
    def test_con5_contract_fills_lines_with_amounts(self):
        """CON-5: choosing the contract sends its lines with their amount
        and type, the columns the order's list shows (sao computes neither
        for lines it receives)"""
        pool = Pool()
        Change = pool.get('hopu.contract.change')
        company = create_company()
        with set_company(company):
            contract = self._effective_contract()
            change = Change(contract=contract.id)
            change.on_change(['contract'])
            values = change._changed_values()
        self.assertEqual(values['amount'], Decimal('120000'))
        self.assertEqual(values['end_date'], dt.date(2027, 3, 31))
        (_, line), = values['lines']['add']
        self.assertEqual(line['description'], "年度运维服务")
        self.assertEqual(line['amount'], Decimal('120000.00'))
        self.assertEqual(line['contract_type'], 'service')
        (_, commission), = values['commissions']['add']
        self.assertEqual(commission['share_percent'], Decimal('100'))

    @with_transaction()
    def test_con5_amount_follows_lines(self):
        """CON-5: a line's new price changes the order's amount, as on the
        contract (the lines must add up to it to be submitted)"""
        pool = Pool()
        Change = pool.get('hopu.contract.change')
        company = create_company()
        with set_company(company):
            contract = self._effective_contract()
            # the form's values as the client sends them: the edited line
            # with the amount it computed
            change = Change(contract=contract.id, amount=Decimal('120000'),
                lines=[{
                        'description': "年度运维服务", 'quantity': 2.0,
                        'unit_price': Decimal('66000'),
                        'amount': Decimal('132000.00'),
                        }])
            change.on_change(['lines'])
            self.assertEqual(
                change._changed_values()['amount'], Decimal('132000.00'))

            # no line: the amount is the user's
            change = Change(contract=contract.id, amount=Decimal('90000'),
                lines=[])
            change.on_change(['lines'])
            self.assertEqual(change.amount, Decimal('90000'))

    @with_transaction()
    def test_con5_product_columns(self):
        """CON-5: the product and unit of a change order's line show for a
        product sales contract only, known from the order before the line
        has its own type (a new line of the editable list); delivery terms
        likewise"""
        pool = Pool()
        Change = pool.get('hopu.contract.change')
        Line = pool.get('hopu.contract.change.line')
        line_states = Line.fields_get(['product'])['product']['states']
        self.assertIn('_parent_change', line_states)
        delivery = Change.fields_get(['delivery_terms'])['delivery_terms']
        self.assertIn('contract_type', delivery['states'])
