# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The generic checks of security.py (issue 13) on Tryton's own models, as
a request over RPC makes them (``_check_access``) by the administrator
limited by one record rule on parties."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access


def hide_party(name):
    "A global record rule: no one reaches the parties called name"
    RuleGroup = Pool().get('ir.rule.group')
    RuleGroup.create([{
                'name': "Hidden party",
                'model': 'party.party',
                'global_p': True,
                'rules': [('create', [{
                                'domain': PYSONEncoder().encode(
                                    [('name', '!=', name)]),
                                }])],
                }])


class SecurityTestCase(unittest.TestCase):
    "Security checks of every model (SYS-3, SYS-5)"

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    def setup_records(self):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        company = create_company()
        secret, visible = Party.create([
                {'name': "Secret"}, {'name': "Visible"}])
        with set_company(company):
            employee, = Employee.create([{
                        'party': secret.id, 'company': company.id}])
        hide_party("Secret")
        return company, secret, visible, employee

    @with_transaction(user=1)
    def test_1_no_search_on_secret_fields(self):
        "SYS-4: passwords are neither searched nor sorted on over RPC"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        with check_access():
            for domain in [
                    [('password_hash', '!=', None)],
                    [('password_reset', 'like', 'a%')],
                    ['OR', [('login', '=', 'x')], [('password', '=', 'x')]],
                    ]:
                with self.subTest(domain=domain):
                    with self.assertRaises(AccessError):
                        User.search(domain)
            with self.assertRaises(AccessError):
                User.search([], order=[('password_hash', 'ASC')])
            with self.assertRaises(AccessError):
                Party.search_count([('create_uid.password_hash', '!=', None)])
            self.assertTrue(User.search([('login', '=', 'admin')]))
        # server code is not limited
        User.search([('password_hash', '!=', None)])

    @with_transaction(user=1)
    def test_4_no_reference_to_unreadable_records(self):
        "SYS-5: a value naming a record the user may not read is refused"
        pool = Pool()
        Employee = pool.get('company.employee')
        company, secret, visible, employee = self.setup_records()
        with set_company(company), check_access():
            with self.assertRaises(AccessError):
                Employee.create([{
                            'party': secret.id, 'company': company.id}])
            with self.assertRaises(AccessError):
                Employee.copy([Employee(employee.id)], default={
                        'party': secret.id})
            other, = Employee.create([{
                        'party': visible.id, 'company': company.id}])
            with self.assertRaises(AccessError):
                Employee.write([other], {'party': secret.id})
        self.assertEqual(Employee(other.id).party, visible)

    @with_transaction(user=1)
    def test_5_domains_through_relations(self):
        "SYS-5: domains through a relation see the readable targets only"
        pool = Pool()
        Employee = pool.get('company.employee')
        company, secret, visible, employee = self.setup_records()
        with set_company(company):
            self.assertEqual(
                Employee.search([('party.name', '=', "Secret")]), [employee])
            with check_access():
                for domain in [
                        [('party.name', '=', "Secret")],
                        [('party', 'ilike', "Secr%")],
                        [('party', 'where', [('name', '=', "Secret")])],
                        ]:
                    with self.subTest(domain=domain):
                        self.assertEqual(Employee.search(domain), [])

    @with_transaction(user=1)
    def test_6_attachments_and_notes(self):
        "SYS-5: attachments and notes export only with their record"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Note = pool.get('ir.note')
        company, secret, visible, employee = self.setup_records()
        resource = str(secret)
        attachment, = Attachment.create([{
                    'name': "a.txt", 'resource': resource,
                    'data': b"secret"}])
        note, = Note.create([{'resource': resource, 'message': "secret"}])
        with check_access():
            with self.assertRaises(AccessError):
                Attachment.export_data([attachment], ['name', 'data'])
            with self.assertRaises(AccessError):
                Note.export_data([note], ['message'])

    @with_transaction(user=1)
    def test_7_readonly_fields_not_written(self):
        "SYS-5: a client gives create and write no read-only field"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company, secret, visible, employee = self.setup_records()
        attachment, = Attachment.create([{
                    'name': "a.txt", 'resource': str(visible),
                    'data': b"x"}])
        clerk, = User.create([{
                    'login': 'clerk', 'name': "Clerk",
                    'groups': [('add', [
                                ModelData.get_id('party', 'group_party_admin'),
                                ])],
                    }])
        write = Attachment.__rpc__['write']
        create = Attachment.__rpc__['create']
        with Transaction().set_user(clerk.id):
            with self.assertRaises(AccessError):
                write.convert(
                    Attachment, [attachment.id], {'file_id': 'other'}, {})
            with self.assertRaises(AccessError):
                create.convert(Attachment, [{
                            'name': "b.txt", 'resource': str(visible),
                            'file_id': 'other'}], {})
            args, _, context, _ = write.convert(
                Attachment, [attachment.id], {'name': "b.txt"}, {})
            with Transaction().set_context(context):
                Attachment.write(*args)
        self.assertEqual(attachment.name, "b.txt")
        # Tryton's administrators correct data by hand
        write.convert(Attachment, [attachment.id], {'file_id': 'other'}, {})
