# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from sql import Table

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.hopu_approval.tests.race import decide_at_once
from trytond.modules.hopu_crm.tests.alert_tests import chinese, commit_mails
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.modules.hopu_sysadmin.tests.mail import smtp_server
from trytond.pool import Pool
from trytond.sendmail import SMTPDataManager
from trytond.tests.test_tryton import DB_NAME, ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def _contract_values(party, employee, **values):
    return {
        'type': 'service',
        'party': party.id,
        'salesperson': employee.id,
        'signing_date': dt.date(2026, 1, 1),
        'start_date': dt.date(2026, 1, 1),
        'end_date': dt.date(2026, 12, 31),
        'amount': Decimal('10000'),
        **values,
        }


class HopuContractTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Hopu Contract module"
    module = 'hopu_contract'
    # an approval rule without company applies to every company
    _skip_company_rule = {('hopu.approval.rule', 'company')}

    def _customer(self, stage='existing'):
        Party = Pool().get('party.party')
        # Each a company of its own (CRM-11 warns of duplicate names)
        number = Party.search([], count=True) + 1
        party, = Party.create([{
                    'name': f"客户{number:03d}", 'crm_stage': stage}])
        return party

    @with_transaction()
    def test_con9_entry_rules(self):
        "CON-9: end after start, amount above zero, existing customer"
        pool = Pool()
        Contract = pool.get('hopu.contract')
        company = create_company()
        with set_company(company):
            employee = create_employee(company)
            party = self._customer()
            for values in [
                    {'end_date': dt.date(2025, 12, 31)},
                    {'amount': Decimal('0')},
                    {'amount': Decimal('-5')},
                    ]:
                with self.subTest(values=values), \
                        self.assertRaises(UserError):
                    with Transaction().set_context(_check_access=True):
                        Contract.create([
                                _contract_values(party, employee, **values)])
            potential = self._customer('potential')
            with self.assertRaisesRegex(UserError, 'existing'):
                Contract.create([_contract_values(potential, employee)])
            # Required fields are refused with Tryton's own translated
            # message
            with self.assertRaises(UserError):
                Contract.create([{'type': 'service', 'party': party.id}])

    @with_transaction()
    def test_con9_commission_total(self):
        "CON-2/CON-9: commission shares must add up to the contract amount"
        pool = Pool()
        Contract = pool.get('hopu.contract')
        company = create_company()
        with set_company(company):
            employee = create_employee(company)
            other = create_employee(company, "Jim")
            party = self._customer()
            contract, = Contract.create([_contract_values(
                        party, employee, commissions=[('create', [{
                                        'salesperson': employee.id,
                                        'share_type': 'amount',
                                        'share_fixed': Decimal('6000'),
                                        'rate': Decimal('3'),
                                        }, {
                                        'salesperson': other.id,
                                        'share_type': 'percent',
                                        'share_percent': Decimal('30'),
                                        'rate': Decimal('3'),
                                        }])])])
            with self.assertRaisesRegex(UserError, '9000'):
                contract.check_submit()
            contract.commissions[1].share_percent = Decimal('40')
            contract.commissions[1].save()
            contract = Contract(contract.id)
            contract.check_submit()
            self.assertEqual(
                [c.commission_amount for c in contract.commissions],
                [Decimal('180.00'), Decimal('120.00')])

    @with_transaction()
    def test_con8_internal_fields(self):
        "CON-8/CON-9: state and number cannot be written by a client"
        pool = Pool()
        Contract = pool.get('hopu.contract')
        company = create_company()
        with set_company(company):
            employee = create_employee(company)
            party = self._customer()
            contract, = Contract.create([_contract_values(party, employee)])
            with Transaction().set_context(_check_access=True):
                for values in [{'state': 'approved'}, {'number': 'X'}]:
                    with self.subTest(values=values), \
                            self.assertRaises(AccessError):
                        Contract.write([contract], values)
                contract, = Contract.create([_contract_values(
                            party, employee, state='approved',
                            lines=[('create', [{
                                            'description': "服务",
                                            'quantity': 1,
                                            'unit_price': Decimal('10000'),
                                            }])])])
                self.assertEqual(contract.state, 'draft')
            # Once submitted, its lines cannot change either, even when
            # written directly (CON-9)
            Contract.write([contract], {'state': 'submitted'})
            Line = pool.get('hopu.contract.line')
            with Transaction().set_context(_check_access=True):
                line, = contract.lines
                with self.assertRaises(AccessError):
                    Line.write([line], {'unit_price': Decimal('1')})
                with self.assertRaises(AccessError):
                    Line.delete([line])
                with self.assertRaises(AccessError):
                    Line.create([{'contract': contract.id,
                                'description': "x", 'quantity': 1,
                                'unit_price': Decimal('1')}])

    @with_transaction()
    def test_con3_sale_lines_get_product_taxes(self):
        """CON-3: the sale order of an approved product sales contract has
        the contract as origin and its lines are made as in the sale form:
        the product's customer tax and unit, at the contract's agreed price;
        the sale's tax amount follows"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        AccountType = pool.get('account.account.type')
        Account = pool.get('account.account')
        Tax = pool.get('account.tax')
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company = create_company()
        with set_company(company):
            employee = create_employee(company)
            party = self._customer()
            type_, = AccountType.create([{
                        'name': "应交税费", 'company': company.id,
                        'statement': 'balance'}])
            account, = Account.create([{
                        'name': "应交增值税", 'company': company.id,
                        'type': type_.id}])
            tax, = Tax.create([{
                        'name': "增值税13%", 'description': "增值税13%",
                        'company': company.id, 'type': 'percentage',
                        'rate': Decimal('0.13'),
                        'invoice_account': account.id,
                        'credit_note_account': account.id}])
            category, = Category.create([{
                        'name': "服务器", 'accounting': True,
                        'customer_taxes': [('add', [tax.id])]}])
            unit, = Uom.search([('name', '=', "Unit")])
            template, = Template.create([{
                        'name': "皓普服务器 H100", 'type': 'goods',
                        'default_uom': unit.id, 'sale_uom': unit.id,
                        'salable': True,
                        'list_price': Decimal('30000'),
                        'account_category': category.id,
                        'products': [('create', [{}])]}])
            product, = template.products
            contract, = Contract.create([_contract_values(
                        party, employee, type='product',
                        amount=Decimal('50000'), create_sale=True,
                        lines=[('create', [{
                                        'product': product.id,
                                        'description': "皓普服务器 H100 两台",
                                        'quantity': 2,
                                        'unit': unit.id,
                                        'unit_price': Decimal('25000'),
                                        }])])])
            self._set_state([contract], 'submitted')
            Contract.approve([contract])

            sale = Contract(contract.id).sale
            self.assertEqual(sale.origin, contract)
            self.assertEqual(sale.reference, contract.number)
            line, = sale.lines
            self.assertEqual(line.taxes, (tax,))
            self.assertEqual(
                (line.product, line.description, line.quantity, line.unit,
                    line.unit_price),
                (product, "皓普服务器 H100 两台", 2.0, unit,
                    Decimal('25000')))
            self.assertEqual(
                (sale.untaxed_amount, sale.tax_amount, sale.total_amount),
                (Decimal('50000.00'), Decimal('6500.00'),
                    Decimal('56500.00')))

    def _set_state(self, contracts, state, **values):
        Contract = Pool().get('hopu.contract')
        with Transaction().set_context(_hopu_contract_internal=True):
            Contract.write(contracts, {'state': state, **values})

    @with_transaction()
    def test_crm3_transfer_moves_contracts(self):
        """CRM-3: a customer moved to another salesperson takes its contracts
        not yet ended along; terminated and closed ones stay"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            wangfang = create_employee(company, "王芳")
            liuyang = create_employee(company, "刘洋")
            party = self._customer()
            Party.write([party], {'salesperson': wangfang.id})
            draft, submitted, effective, terminated, closed = (
                Contract.create([
                    _contract_values(party, wangfang) for _ in range(5)]))
            self._set_state([submitted], 'submitted')
            self._set_state([effective], 'approved')
            self._set_state([terminated], 'terminated')
            self._set_state([closed], 'closed')
            Party.crm_change_owner([party], liuyang, 'transfer')
            self.assertEqual(
                [c.salesperson.party.name for c in Contract.browse([
                            draft, submitted, effective, terminated,
                            closed])],
                ["刘洋", "刘洋", "刘洋", "王芳", "王芳"])
            # Back to the pool: the contracts keep their salesperson
            Party.crm_change_owner([party], None, 'release')
            self.assertEqual(Contract(draft.id).salesperson, liuyang)

    @with_transaction()
    def test_crm32_contract_expiring_alert(self):
        """CRM-32/CON-7: the scheduled task alerts the salesperson of an
        effective contract ending within the configured days, until it is
        renewed or closed; the digest e-mail names it in Chinese"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Party = pool.get('party.party')
        Alert = pool.get('hopu.crm.alert')
        User = pool.get('res.user')
        Configuration = pool.get('hopu.crm.configuration')
        company = create_company()
        with set_company(company):
            zh_cn = chinese()
            wangfang = create_employee(company, "王芳")
            user, = User.create([{
                        'login': 'wangfang', 'name': "王芳",
                        'email': 'wangfang@hopu.example.cn',
                        'language': zh_cn.id,
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [wangfang.id])],
                        'employee': wangfang.id,
                        }])
            party = self._customer()
            Party.write([party], {'salesperson': wangfang.id})
            ending, later, closed, renewed = Contract.create([
                    _contract_values(party, wangfang,
                        end_date=dt.date(2026, 12, 31)),
                    _contract_values(party, wangfang,
                        end_date=dt.date(2027, 6, 30)),
                    _contract_values(party, wangfang,
                        end_date=dt.date(2026, 12, 20)),
                    _contract_values(party, wangfang,
                        end_date=dt.date(2026, 12, 25)),
                    ])
            self._set_state([ending, later, renewed], 'approved')
            self._set_state([closed], 'closed')
            renewal, = Contract.create([_contract_values(party, wangfang,
                        start_date=dt.date(2026, 12, 26),
                        end_date=dt.date(2027, 12, 25))])
            self._set_state([renewal], 'draft', renewal_of=renewed.id)

            datamanager = SMTPDataManager()
            with smtp_server() as smtp:
                sent = Alert.run_alerts(
                    date=dt.date(2026, 12, 10), datamanager=datamanager)
                commit_mails(datamanager)
            # (other tests may have committed contracts of their own)
            sent = [a for a in sent if a.salesperson == wangfang]
            self.assertEqual(
                [(a.kind, str(a.origin), a.due_date) for a in sent],
                [('contract_expiring', str(ending), dt.date(2026, 12, 31))])
            alert, = sent
            self.assertEqual(alert.kind, 'contract_expiring')
            self.assertEqual(alert.origin, ending)
            self.assertEqual(alert.due_date, dt.date(2026, 12, 31))
            self.assertEqual(alert.salesperson, wangfang)
            (_, to, message), = [m for m in smtp.messages
                if m[1] == ['wangfang@hopu.example.cn']]
            body = message.get_content()
            self.assertIn("【合同即将到期】", body)
            self.assertIn(
                f"的合同 {ending.number} 将于 2026-12-31 到期", body)

            def mine():
                return Alert.search([('salesperson', '=', wangfang.id)])

            # Fewer notice days: not expiring yet
            configuration = Configuration(1)
            configuration.contract_expiry_days = 10
            configuration.save()
            Alert.generate(date=dt.date(2026, 12, 10))
            self.assertEqual(mine(), [])

            # Closed: resolved
            configuration.contract_expiry_days = 30
            configuration.save()
            Alert.generate(date=dt.date(2026, 12, 10))
            self.assertEqual(len(mine()), 1)
            self._set_state([ending], 'closed')
            Alert.generate(date=dt.date(2026, 12, 10))
            self.assertEqual(mine(), [])

    @with_transaction()
    def test_con4_migrate_old_approval_tables(self):
        """CON-4: the rules and steps of the contract flow before
        hopu_approval move to its tables on update, ids kept"""
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Approval = pool.get('hopu.approval')
        Rule = pool.get('hopu.approval.rule')
        cursor = Transaction().connection.cursor()
        company = create_company()
        with set_company(company):
            employee = create_employee(company)
            lead = create_employee(company, "Lead")
            employee.supervisor = lead
            employee.save()
            contract, = Contract.create([
                    _contract_values(self._customer(), employee)])
            audit = ('id INTEGER PRIMARY KEY, create_uid INTEGER, '
                'create_date TIMESTAMP, write_uid INTEGER, '
                'write_date TIMESTAMP')
            cursor.execute(
                f'CREATE TABLE hopu_contract_approval_rule ({audit}, '
                'sequence INTEGER, name VARCHAR, document VARCHAR, '
                'contract_type VARCHAR, min_amount NUMERIC, '
                'max_amount NUMERIC)')
            cursor.execute(
                f'CREATE TABLE hopu_contract_approval_rule_step ({audit}, '
                'sequence INTEGER, rule INTEGER, name VARCHAR, '
                'approver_type VARCHAR, level INTEGER, "group" INTEGER, '
                '"user" INTEGER)')
            cursor.execute(
                f'CREATE TABLE hopu_contract_approval ({audit}, '
                'contract INTEGER, document VARCHAR, round INTEGER, '
                'sequence INTEGER, name VARCHAR, approver_type VARCHAR, '
                'level INTEGER, approver_group INTEGER, '
                'approver_user INTEGER, approver_employee INTEGER, '
                'state VARCHAR, opened TIMESTAMP, decided_by INTEGER, '
                'decided TIMESTAMP, comment VARCHAR)')
            now = dt.datetime.now()
            old_rule = Table('hopu_contract_approval_rule')
            cursor.execute(*old_rule.insert(
                    [old_rule.id, old_rule.create_uid, old_rule.create_date,
                        old_rule.sequence, old_rule.name, old_rule.document,
                        old_rule.contract_type, old_rule.min_amount],
                    [[900, 0, now, 5, "大额服务合同", 'hopu.contract',
                        'service', Decimal(100000)]]))
            old_step = Table('hopu_contract_approval_rule_step')
            cursor.execute(*old_step.insert(
                    [old_step.id, old_step.create_uid, old_step.create_date,
                        old_step.sequence, old_step.rule, old_step.name,
                        old_step.approver_type, old_step.level],
                    [[901, 0, now, 1, 900, "主管逐级审批", 'supervisor', 2]]))
            old = Table('hopu_contract_approval')
            cursor.execute(*old.insert(
                    [old.id, old.create_uid, old.create_date, old.contract,
                        old.document, old.round, old.sequence, old.name,
                        old.approver_type, old.level, old.approver_employee,
                        old.state],
                    [[902, 0, now, contract.id, str(contract), 1, 1,
                        "主管逐级审批", 'supervisor', 1, lead.id, 'pending']]))

            Rule.__register__('hopu_contract')
            Approval.__register__('hopu_contract')

            rule = Rule(900)
            self.assertEqual(
                (rule.name, rule.document, rule.contract_type,
                    rule.min_amount, [s.level for s in rule.steps]),
                ("大额服务合同", 'hopu.contract', 'service',
                    Decimal(100000), [2]))
            step = Approval(902)
            self.assertEqual(
                (step.contract, step.document, step.state,
                    step.approver_employee, step.document_name,
                    step.company, step.approver),
                (contract, contract, 'pending', lead, contract.number,
                    company, lead.rec_name))
            # done once: the old tables are kept aside
            self.assertFalse(backend.TableHandler.table_exist(
                    'hopu_contract_approval'))
            self.assertTrue(backend.TableHandler.table_exist(
                    'hopu_contract_approval_migrated'))

    def test_con4_approval_race(self):
        """CON-4: two approvers approving the same step at once (two
        connections on PostgreSQL) record exactly one approval"""
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, 0) as transaction:
            pool.init()
            Contract = pool.get('hopu.contract')
            Approval = pool.get('hopu.approval')
            Rule = pool.get('hopu.approval.rule')
            Group = pool.get('res.group')
            User = pool.get('res.user')
            Program = pool.get('hopu.program')
            UserRight = pool.get('hopu.user.right')
            company = create_company("Race Co")
            with set_company(company):
                seller = create_employee(company, "Seller")
                group, = Group.create([{'name': "Race Approvers"}])
                users = User.create([{
                            'login': f'race{i}', 'name': f"Approver {i}",
                            'companies': [('add', [company.id])],
                            'company': company.id,
                            'groups': [('add', [group.id])],
                            } for i in range(2)])
                program, = Program.search([('code', '=', 'CON-4')])
                UserRight.create([{
                            'user': u.id, 'program': program.id,
                            'perm_read': True, 'perm_write': True,
                            'perm_approve': True} for u in users])
                Rule.create([{
                            'name': "Race", 'document': 'hopu.contract',
                            'steps': [('create', [{
                                            'name': "Group",
                                            'approver_type': 'group',
                                            'group': group.id}])],
                            }])
                party = self._customer()
                contract, = Contract.create([
                        _contract_values(party, seller)])
                Contract.submit([contract])
                step, = Approval.search([('contract', '=', contract.id)])
                self.assertEqual(step.state, 'pending')
            step_id, contract_id = step.id, contract.id
            user_ids = [u.id for u in users]
            transaction.commit()

        def read(pool):
            step = pool.get('hopu.approval')(step_id)
            step.state  # both read it pending, then click
            return step

        def decide(pool, step):
            step.__class__.approve([step])
        outcomes = decide_at_once(user_ids, read, decide)

        self.assertEqual(
            sorted(outcomes.values()).count('approved'), 1, outcomes)
        self.assertEqual(len(outcomes), 2, outcomes)
        with Transaction().start(DB_NAME, 0) as transaction:
            Approval = pool.get('hopu.approval')
            Contract = pool.get('hopu.contract')
            approved = Approval.search([
                    ('contract', '=', contract_id),
                    ('state', '=', 'approved')])
            self.assertEqual(len(approved), 1)
            self.assertIn(approved[0].decided_by.id, user_ids)
            self.assertEqual(Contract(contract_id).state, 'approved')


del ModuleTestCase
