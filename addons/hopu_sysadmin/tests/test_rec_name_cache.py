# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The names of companies, employees and currencies kept across requests
(rec_name_cache.py): no statement once read, the text trytond's read
gives, forgotten when what they are made of changes, trytond's read where
a record rule applies."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from .list_queries import counted_queries, forget_records


class RecNameCacheTestCase(unittest.TestCase):
    "Names kept across requests (issue 14 item 8, issue 15)"

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    @with_transaction()
    def test_names_kept_and_forgotten(self):
        """SYS-1 (issue 14 item 8): the name of a company, an employee and
        a currency read alone (as every list reads a many2one's name) costs
        no statement once read, is the one trytond gives, and is read again
        when the company's or the employee's party or the currency is
        renamed"""
        pool = Pool()
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        company = create_company("杭州皓普科技")
        with set_company(company):
            employee = create_employee(company, "王芳")
        records = [(Company, company.id), (Employee, employee.id),
            (Currency, company.currency.id)]

        def names():
            forget_records()
            with check_access(), counted_queries() as counter:
                read = [M.read([i], ['rec_name'])[0]['rec_name']
                    for M, i in records]
            return read, counter['queries']

        def tryton():
            forget_records()
            return [M(i).get_rec_name(None) for M, i in records]

        expected = tryton()
        names()
        self.assertEqual(names(), (expected, 0))

        Party.write([company.party], {'name': "杭州皓普"})
        Party.write([employee.party], {'name': "王芳芳"})
        Currency.write([company.currency], {'name': "Yuan"})
        read, _ = names()
        self.assertEqual(read, ["杭州皓普", "王芳芳", "Yuan"])
        self.assertEqual(read, tryton())
        self.assertEqual(names()[1], 0)

    @with_transaction()
    def test_rule_read_by_trytond(self):
        """SYS-5 (issue 14 item 8): a model with a record rule is read by
        trytond, which applies it, even when its names were kept"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        RuleGroup = pool.get('ir.rule.group')
        company = create_company()
        currency = company.currency
        with check_access():
            Currency.read([currency.id], ['rec_name'])
        RuleGroup.create([{
                    'name': "No currency", 'model': 'currency.currency',
                    'global_p': True,
                    'rules': [('create', [{
                                    'domain': '[["id", "<", 0]]'}])],
                    }])
        forget_records()
        with Transaction().set_user(0), check_access():
            # the root user is above the rules; the rule applies to others
            Currency.read([currency.id], ['rec_name'])
        with Transaction().set_user(1), check_access(), \
                self.assertRaises(AccessError):
            Currency.read([currency.id], ['rec_name'])
