# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.modules.hopu_sysadmin.tests.list_queries import ListQueriesMixin
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.sendmail import SMTPDataManager
from trytond.tests.test_tryton import DB_NAME, ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..exceptions import ApprovalError, ApprovalRuleValidationError
from .race import decide_at_once


class MailBox(SMTPDataManager):
    "A data manager of trytond.sendmail that keeps the messages"

    def __init__(self):
        super().__init__()
        self.messages = []

    def put(self, from_addr, to_addrs, msg):
        self.messages.append((to_addrs, msg))


class HopuApprovalTestCase(
        HopuTranslationTestMixin, ListQueriesMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Hopu Approval module"
    module = 'hopu_approval'
    # the documents of the tests: contracts and CRM-4 extension requests
    extras = ['hopu_contract']
    # a rule without company applies to every company
    _skip_company_rule = {('hopu.approval.rule', 'company')}

    def _customer(self, stage='existing', salesperson=None):
        Party = Pool().get('party.party')
        number = Party.search([], count=True) + 1
        party, = Party.create([{
                    'name': f"客户{number:03d}", 'crm_stage': stage,
                    'salesperson': salesperson.id if salesperson else None,
                    }])
        return party

    def _contract(self, party, employee, **values):
        Contract = Pool().get('hopu.contract')
        contract, = Contract.create([{
                    'type': 'service',
                    'party': party.id,
                    'salesperson': employee.id,
                    'signing_date': dt.date(2026, 1, 1),
                    'start_date': dt.date(2026, 1, 1),
                    'end_date': dt.date(2026, 12, 31),
                    'amount': Decimal('10000'),
                    **values,
                    }])
        return contract

    def _user(self, login, company, employee=None, groups=()):
        User = Pool().get('res.user')
        user, = User.create([{
                    'login': login, 'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])] if employee else [],
                    'employee': employee.id if employee else None,
                    'groups': [('add', [g.id for g in groups])],
                    'email': f'{login}@example.com',
                    }])
        return user

    def _rule(self, name, document='hopu.contract', steps=None, **values):
        Rule = Pool().get('hopu.approval.rule')
        steps = steps or [{'name': "主管", 'approver_type': 'supervisor',
                'level': 1}]
        rule, = Rule.create([{
                    'name': name, 'document': document,
                    'steps': [('create', steps)], **values}])
        return rule

    @with_transaction()
    def test_con4_rule_condition_amount_company(self):
        """CON-4: the first rule of the model whose condition (type),
        amount band and company match gives the steps"""
        pool = Pool()
        Rule = pool.get('hopu.approval.rule')
        company = create_company()
        other = create_company("Other")
        with set_company(company):
            employee = create_employee(company)
            party = self._customer()
            encode = PYSONEncoder().encode
            product = self._rule("产品合同", sequence=1,
                condition=encode([('type', '=', 'product')]))
            other_company = self._rule("其他公司", sequence=2,
                company=other.id)
            large = self._rule("大额", sequence=3,
                min_amount=Decimal('100000'))
            small = self._rule("小额", sequence=4,
                max_amount=Decimal('100000'), company=company.id)
            service = self._contract(party, employee)
            self.assertEqual(Rule.find(service), small)
            service_large = self._contract(
                party, employee, amount=Decimal('100000'))
            self.assertEqual(Rule.find(service_large), large)
            self.assertNotIn(other_company,
                [Rule.find(service), Rule.find(service_large)])
            product_contract = self._contract(
                party, employee, type='product')
            self.assertEqual(Rule.find(product_contract), product)

    @with_transaction()
    def test_con4_rule_condition_valid(self):
        "CON-4: a condition that is not a domain of the document is refused"
        company = create_company()
        with set_company(company):
            with self.assertRaises(ApprovalRuleValidationError):
                self._rule("坏条件", condition=PYSONEncoder().encode(
                        [('no_such_field', '=', 1)]))

    @with_transaction()
    def test_con4_supervisor_chain_rounds_and_self_approval(self):
        """CON-4: N levels of the supervisor chain read when each step
        opens, the top skipped; a rejection ends the round, the next
        submission is round 2; nobody approves their own document"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Approval = pool.get('hopu.approval')
        company = create_company()
        with set_company(company):
            boss = create_employee(company, "Boss")
            lead = create_employee(company, "Lead")
            seller = create_employee(company, "Seller")
            lead.supervisor = boss
            lead.save()
            seller.supervisor = lead
            seller.save()
            u_lead = self._user('lead', company, lead)
            u_boss = self._user('boss', company, boss)
            u_seller = self._user('seller', company, seller)
            self._rule("三级", steps=[{'name': "主管", 'approver_type':
                        'supervisor', 'level': 3}])
            contract = self._contract(self._customer(), seller)
            Contract.submit([contract])
            steps = sorted(contract.approvals, key=lambda s: s.sequence)
            self.assertEqual([s.state for s in steps],
                ['pending', 'waiting', 'waiting'])
            self.assertEqual(steps[0].approver_employee, lead)
            self.assertEqual(steps[0].document_name, contract.number)
            self.assertEqual(steps[0].amount, Decimal('10000'))

            # the seller cannot approve the step of their own contract
            with Transaction().set_user(u_seller.id), \
                    Transaction().set_context(_check_access=True):
                with self.assertRaises(ApprovalError):
                    Approval.decide([steps[0]], 'approved')

            # a reorganisation before the second step opens is followed
            new_boss = create_employee(company, "New Boss")
            u_new_boss = self._user('newboss', company, new_boss)
            lead.supervisor = new_boss
            lead.save()
            with Transaction().set_user(u_lead.id):
                Approval.decide([steps[0]], 'approved')
            steps = Approval.browse(steps)
            self.assertEqual(steps[1].approver_employee, new_boss)
            with Transaction().set_user(u_new_boss.id):
                Approval.write([steps[1]], {'comment': "不同意"})
                Approval.decide([steps[1]], 'rejected')
            steps = Approval.browse(steps)
            self.assertEqual([s.state for s in steps],
                ['approved', 'rejected', 'cancelled'])
            self.assertEqual(contract.state, 'draft')

            Contract.submit([contract])
            round2 = Approval.search([
                    ('document', '=', str(contract)), ('round', '=', 2)])
            self.assertEqual(len(round2), 3)
            del u_boss

    @with_transaction()
    def test_con4_field_step(self):
        """CON-4: a step may name its approver through a field of the
        document (here the salesperson, who then cannot approve it)"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Approval = pool.get('hopu.approval')
        company = create_company()
        with set_company(company):
            seller = create_employee(company, "Seller")
            u_seller = self._user('seller', company, seller)
            self._rule("字段", steps=[{'name': "业务员确认",
                        'approver_type': 'field', 'field': 'salesperson'}])
            contract = self._contract(self._customer(), seller)
            Contract.submit([contract])
            step, = contract.approvals
            self.assertEqual(step.approver_employee, seller)
            self.assertEqual(step.state, 'pending')
            with Transaction().set_user(u_seller.id):
                with self.assertRaises(ApprovalError):
                    Approval.decide([step], 'approved')

    @with_transaction()
    def test_con4_notification_and_digest(self):
        """CON-4: the approver of a step that opens gets a notification (the
        bell) and the daily digest e-mail lists what waits for them"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Approval = pool.get('hopu.approval')
        Notification = pool.get('res.notification')
        company = create_company()
        with set_company(company):
            lead = create_employee(company, "Lead")
            seller = create_employee(company, "Seller")
            seller.supervisor = lead
            seller.save()
            u_lead = self._user('lead', company, lead)
            self._rule("主管")
            contract = self._contract(self._customer(), seller)
            Contract.submit([contract])
            notification, = Notification.search([('user', '=', u_lead.id)])
            self.assertIn(contract.number, notification.description)
            self.assertEqual(notification.model, 'hopu.approval')

            mailbox = MailBox()
            by_user = Approval.send_pending_digest(datamanager=mailbox)
            self.assertEqual(list(by_user), [u_lead])
            (to_addrs, msg), = mailbox.messages
            self.assertEqual(to_addrs, ['lead@example.com'])
            self.assertIn(contract.number, msg.get_content())

    @with_transaction()
    def test_con4_unapprove(self):
        """CON-4 反审核: the approver takes an approved contract back to
        draft, recorded as a step; the salesperson cannot; not once a
        change order exists"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Approval = pool.get('hopu.approval')
        company = create_company()
        with set_company(company):
            lead = create_employee(company, "Lead")
            seller = create_employee(company, "Seller")
            seller.supervisor = lead
            seller.save()
            u_lead = self._user('lead', company, lead)
            u_seller = self._user('seller', company, seller)
            self._rule("主管")
            contract = self._contract(self._customer(), seller)
            Contract.submit([contract])
            step, = contract.approvals
            with Transaction().set_user(u_lead.id):
                Approval.decide([step], 'approved')
            self.assertEqual(contract.state, 'approved')
            with Transaction().set_user(u_seller.id):
                with self.assertRaises(ApprovalError):
                    Contract.approval_unapprove([contract])
            with Transaction().set_user(u_lead.id):
                Contract.approval_unapprove([contract], comment="金额有误")
            contract = Contract(contract.id)
            self.assertEqual(contract.state, 'draft')
            self.assertEqual(contract.approved_date, None)
            self.assertEqual(
                [(s.state, s.decided_by, s.comment)
                    for s in contract.approvals],
                [('approved', u_lead, None),
                    ('unapproved', u_lead, "金额有误")])

    @with_transaction()
    def test_con4_inbox_stored(self):
        """「待我审批」: the list request as the web client makes it (its
        view's fields, the names and labels, the user's rules) costs the
        same three statements whatever the number of rows (no query per
        row)"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Approval = pool.get('hopu.approval')
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        Access = pool.get('ir.model.access')
        company = create_company()
        with set_company(company):
            lead = create_employee(company, "Lead")
            seller = create_employee(company, "Seller")
            seller.supervisor = lead
            seller.save()
            # the read right a program of SYS-5 gives; the record rules
            # of the steps are the module's
            group, = Group.create([{'name': "审批人"}])
            Access.create([{'model': 'hopu.approval', 'group': group.id,
                        'perm_read': True}])
            supervisor = Group(ModelData.get_id(
                    'hopu_crm', 'group_crm_supervisor'))
            u_lead = self._user(
                'lead', company, lead, groups=[group, supervisor])
            self._rule("主管")
            party = self._customer(salesperson=seller)
            for i in range(6):
                Contract.submit([self._contract(party, seller)])
            with Transaction().set_user(u_lead.id), \
                    Transaction().set_context(companies=[company.id]):
                counts = self.assertListQueriesFlat(
                    Approval, [('to_approve_by_me', '=', True)],
                    view_id=ModelData.get_id(
                        'hopu_approval', 'approval_view_list'),
                    order=[('opened', 'ASC'), ('id', 'ASC')], pages=(2, 6))
                # the search, the read, the names of the customers (one
                # statement); the names of the companies, salespeople and
                # the currency are kept across requests (hopu_sysadmin's
                # rec_name_cache.py)
                self.assertEqual(set(counts.values()), {3}, msg=counts)

    def test_crm4_extension_race(self):
        """CRM-4 客户延期 on the engine: two approvers of the request's
        group clicking 审批 at once (two connections on PostgreSQL)
        extend the protection period once"""
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            pool.init()
            Extension = pool.get('hopu.crm.extension')
            Rule = pool.get('hopu.approval.rule')
            Group = pool.get('res.group')
            Approval = pool.get('hopu.approval')
            company = create_company("Race Co")
            with set_company(company):
                seller = create_employee(company, "Seller")
                group, = Group.create([{'name': "Extension Approvers"}])
                users = [self._user(f'race{i}', company, groups=[group])
                    for i in range(2)]
                Rule.create([{
                            'name': "Race", 'sequence': 1,
                            'document': 'hopu.crm.extension',
                            'steps': [('create', [{
                                            'name': "Group",
                                            'approver_type': 'group',
                                            'group': group.id}])],
                            }])
                customer = self._customer('potential', seller)
                extension, = Extension.create([{
                            'customer': customer.id, 'days': 10,
                            'reason': "下月签约"}])
                Extension.request([extension])
                step, = Approval.search([('document', '=', str(extension))])
                self.assertEqual(step.state, 'pending')
            extension_id = extension.id
            user_ids = [u.id for u in users]
            transaction.commit()

        def read(pool):
            return pool.get('hopu.crm.extension')(extension_id)

        def decide(pool, extension):
            extension.__class__.approval_decide([extension], 'approved')
        outcomes = decide_at_once(user_ids, read, decide)

        self.assertEqual(
            sorted(outcomes.values()).count('approved'), 1, outcomes)
        self.assertEqual(len(outcomes), 2, outcomes)
        with Transaction().start(DB_NAME, 0):
            Extension = pool.get('hopu.crm.extension')
            Approval = pool.get('hopu.approval')
            extension = Extension(extension_id)
            self.assertEqual(extension.state, 'approved')
            approved = Approval.search([
                    ('document', '=', str(extension)),
                    ('state', '=', 'approved')])
            self.assertEqual(len(approved), 1)
            self.assertIn(approved[0].decided_by.id, user_ids)


del ModuleTestCase
