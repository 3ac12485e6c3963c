# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import threading

from trytond import backend
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.hopu_crm.exceptions import ClaimError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction, check_access


def _salesperson(
        company, name, code, supervisor=None, login=None, group=None):
    "An employee with a salesperson code, and a user for a login"
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    party = Party(name=name)
    party.save()
    employee = Employee(
        party=party, company=company, salesperson_code=code,
        supervisor=supervisor)
    employee.save()
    if login:
        user = User(
            login=login, name=name, companies=[company], company=company,
            employees=[employee], employee=employee)
        user.save()
        if group:
            User.write([user], {'groups': [
                        ('add', [ModelData.get_id('hopu_crm', group)])]})
        return employee, user
    return employee


class CrmOrganisationTestMixin:
    "Salespeople, ownership, pool and recycle bin (CRM-1 … CRM-5)"

    @property
    def _skip_company_rule(self):
        # The company tree of hopu_sysadmin (see its test)
        return super()._skip_company_rule | {('company.company', 'parent')}

    @with_transaction()
    def test_salesperson_code_validation(self):
        "CRM-1: the salesperson code is two letters and four digits, 01-99"
        pool = Pool()
        Employee = pool.get('company.employee')
        company = create_company()
        with set_company(company):
            employee = _salesperson(company, "王芳", 'GD0107')
            self.assertEqual(employee.rec_name, "[GD0107] 王芳")
            self.assertEqual(
                Employee.search([('rec_name', 'ilike', '%gd0107%')]),
                [employee])
            for code in ['GD107', 'GD01077', '1D0107', 'GD0A07', 'GD0100']:
                with self.subTest(code=code):
                    employee.salesperson_code = code
                    with self.assertRaises(ValidationError):
                        employee.save()

    @with_transaction()
    def test_protection_lapse_and_notice(self):
        """CRM-4: the scheduled tasks notify the owner N days before and
        return lapsed potential customers to the pool (fixed dates)"""
        pool = Pool()
        Party = pool.get('party.party')
        Notification = pool.get('res.notification')
        Configuration = pool.get('hopu.crm.configuration')
        company = create_company()
        with set_company(company):
            configuration = Configuration(1)
            configuration.notice_days = 3
            configuration.cooldown_days = 7
            configuration.save()
            employee, user = _salesperson(
                company, "王芳", 'GD0104', login='wangfang')
            lapsing, = Party.create([{
                        'name': "潜在客户甲", 'crm_stage': 'potential',
                        'salesperson': employee.id,
                        'protection_end': dt.date(2026, 3, 10),
                        }])
            later, existing = Party.create([{
                        'name': "潜在客户乙", 'crm_stage': 'potential',
                        'salesperson': employee.id,
                        'protection_end': dt.date(2026, 3, 20),
                        }, {
                        'name': "现有客户", 'crm_stage': 'existing',
                        'salesperson': employee.id,
                        'protection_end': dt.date(2026, 3, 1),
                        }])

            self.assertEqual(
                Party.crm_notify_lapsing(date=dt.date(2026, 3, 7)), [lapsing])
            notification, = Notification.search([('user', '=', user.id)])
            self.assertIn("潜在客户甲", notification.description)
            # Notified once only
            self.assertEqual(
                Party.crm_notify_lapsing(date=dt.date(2026, 3, 8)), [])

            # The last protected day is kept
            self.assertEqual(
                Party.crm_release_lapsed(date=dt.date(2026, 3, 10)), [])
            self.assertEqual(
                Party.crm_release_lapsed(date=dt.date(2026, 3, 11)),
                [lapsing])
            self.assertIsNone(lapsing.salesperson)
            self.assertTrue(lapsing.in_pool)
            self.assertEqual(lapsing.previous_salesperson, employee)
            self.assertEqual(lapsing.pool_date, dt.date(2026, 3, 11))
            self.assertIn('lapse', [h.kind for h in lapsing.owner_history])
            # Existing customers and those still protected stay
            self.assertEqual(later.salesperson, employee)
            self.assertEqual(existing.salesperson, employee)

    @with_transaction()
    def test_copy_customer(self):
        "CRM-3: a copied customer starts without ownership history or bin"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            employee = _salesperson(company, "王芳", 'GD0104')
            customer, = Party.create([{
                        'name': "潜在客户", 'crm_stage': 'potential',
                        'salesperson': employee.id}])
            Party.delete([customer])
            self.assertTrue(customer.recycled)
            copy, = Party.copy([customer], default={'active': True})
            self.assertFalse(copy.recycled)
            self.assertEqual(
                [h.kind for h in copy.owner_history], ['create'])
            self.assertIsNotNone(copy.protection_end)

    @with_transaction()
    def test_subtree_follows_writes_in_transaction(self):
        """CRM-2: the subtree (ir.Rule._hopu_organisation, a Tryton cache)
        and the owners' names follow a supervisor change or a renaming made
        in the same transaction"""
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        company = create_company()
        with set_company(company):
            supervisor, user = _salesperson(
                company, "主管", 'GD0111', login='subtree_supervisor',
                group='group_crm_supervisor')
            below = _salesperson(company, "甲", 'GD0112', supervisor=supervisor)
            other = _salesperson(company, "乙", 'GD0113')
            mine, theirs = Party.create([{
                        'name': "客户甲", 'crm_stage': 'potential',
                        'salesperson': below.id,
                        }, {
                        'name': "客户乙", 'crm_stage': 'potential',
                        'salesperson': other.id,
                        }])
            domain = [('crm_stage', '!=', None), ('salesperson', '!=', None)]

            def reached():
                with Transaction().set_user(user.id), check_access():
                    parties = Party.search(domain)
                    return {
                        r['id']: r['salesperson.']['rec_name']
                        for r in Party.read(list(map(int, parties)), [
                                'salesperson_code', 'salesperson.rec_name'])}

            self.assertEqual(reached(), {mine.id: "[GD0112] 甲"})
            Employee.write([other], {'supervisor': supervisor.id})
            Party.write([other.party], {'name': "乙二"})
            self.assertEqual(reached(), {
                    mine.id: "[GD0112] 甲", theirs.id: "[GD0113] 乙二"})
            Employee.write([other], {'supervisor': None})
            self.assertEqual(reached(), {mine.id: "[GD0112] 甲"})

    @with_transaction()
    def test_customer_list_owner_columns(self):
        "CRM-1: the customer lists show the owner's name and code"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            supervisor, user = _salesperson(
                company, "主管", 'GD0121', login='list_supervisor',
                group='group_crm_supervisor')
            zhang = _salesperson(
                company, "张伟", 'GD0122', supervisor=supervisor)
            wang = _salesperson(company, "王芳", 'GD0123', supervisor=supervisor)
            Party.create([{
                        'name': "甲公司", 'crm_stage': 'potential',
                        'salesperson': zhang.id,
                        }, {
                        'name': "乙公司", 'crm_stage': 'follow_up',
                        'salesperson': wang.id,
                        }, {
                        'name': "丙公司", 'crm_stage': 'potential',
                        }])
            columns = ['name', 'salesperson_name', 'salesperson_code']

            def customer_list(domain=(), order=[('name', 'ASC')]):
                with Transaction().set_user(user.id), check_access():
                    parties = Party.search(
                        [('crm_stage', '!=', None), *domain], order=order)
                    rows = {r['id']: r
                        for r in Party.read(list(map(int, parties)), columns)}
                    return [(rows[p.id]['name'],
                            rows[p.id]['salesperson_name'],
                            rows[p.id]['salesperson_code']) for p in parties]

            self.assertEqual(customer_list(), [
                    ("丙公司", None, None),
                    ("乙公司", "王芳", 'GD0123'),
                    ("甲公司", "张伟", 'GD0122'),
                    ])
            self.assertEqual(
                customer_list([('salesperson_name', 'ilike', '%张%')]),
                [("甲公司", "张伟", 'GD0122')])
            self.assertEqual(
                customer_list([('salesperson_code', '=', 'GD0123')]),
                [("乙公司", "王芳", 'GD0123')])
            for direction, expected in [
                    ('ASC', ["甲公司", "乙公司"]), ('DESC', ["乙公司", "甲公司"])]:
                self.assertEqual(
                    [n for n, *_ in customer_list(
                                [('salesperson', '!=', None)],
                                order=[('salesperson_name', direction)])],
                    expected)

            # A new name is on the next list: nothing kept across requests
            Party.write([zhang.party], {'name': "张伟强"})
            self.assertIn(("甲公司", "张伟强", 'GD0122'), customer_list())
            customer, = Party.search([('name', '=', "甲公司")])
            self.assertEqual(
                (customer.salesperson_name, customer.salesperson_code),
                ("张伟强", 'GD0122'))

    @with_transaction()
    def test_claim_cooldown(self):
        "CRM-4: the previous owner cannot re-claim during the cool-down"
        pool = Pool()
        Party = pool.get('party.party')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            employee, user = _salesperson(
                company, "王芳", 'GD0104', login='wangfang')
            other, other_user = _salesperson(
                company, "刘洋", 'GD0105', login='liuyang')
            customer, = Party.create([{
                        'name': "潜在客户", 'crm_stage': 'potential',
                        'salesperson': employee.id,
                        'protection_end': Date.today() - dt.timedelta(1),
                        }])
            Party.crm_release_lapsed()
            with Transaction().set_user(user.id):
                with self.assertRaises(ClaimError):
                    Party.crm_claim([customer])
            with Transaction().set_user(other_user.id):
                Party.crm_claim([customer])
            self.assertEqual(customer.salesperson, other)

    def test_claim_concurrent(self):
        """CRM-4: two salespeople claim the same pool customer at once, each
        on their own database connection: exactly one wins, the other gets
        the message that it was claimed"""
        concurrent = backend.name == 'postgresql'
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Party = pool.get('party.party')
            company = create_company(name="并发测试公司")
            with set_company(company):
                _, user1 = _salesperson(
                    company, "甲", 'BJ0101', login='concurrent1')
                _, user2 = _salesperson(
                    company, "乙", 'BJ0102', login='concurrent2')
                customer, = Party.create([{
                            'name': "公海客户", 'crm_stage': 'potential'}])
            ids = {
                'users': [user1.id, user2.id], 'customer': customer.id,
                'company': company.id}
            transaction.commit()

        barrier = threading.Barrier(2 if concurrent else 1)
        results = {}

        def claim(user_id):
            waited = False
            for _ in range(5):
                try:
                    with Transaction().start(
                            DB_NAME, user_id,
                            context={'company': ids['company']}) as t:
                        Party = Pool().get('party.party')
                        customer = Party(ids['customer'])
                        customer.name
                        if not waited:
                            waited = True
                            barrier.wait(timeout=30)
                        Party.crm_claim([customer])
                        # Hold the row so that the other one collides
                        threading.Event().wait(0.3)
                        t.commit()
                    results[user_id] = 'won'
                    return
                except backend.DatabaseOperationalError:
                    # What the RPC dispatcher does: retry
                    continue
                except ClaimError as exception:
                    results[user_id] = exception.message
                    return

        try:
            if concurrent:
                threads = [threading.Thread(target=claim, args=(u,))
                    for u in ids['users']]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=60)
            else:
                # SQLite serialises writers: one after the other
                for user_id in ids['users']:
                    claim(user_id)
            outcomes = sorted(results.values(), key=lambda r: r != 'won')
            self.assertEqual(len(outcomes), 2, results)
            self.assertEqual(outcomes[0], 'won')
            self.assertIn("公海客户", outcomes[1])
            self.assertIn("claimed", outcomes[1])

            with Transaction().start(DB_NAME, 0):
                Party = Pool().get('party.party')
                Owner = Pool().get('hopu.crm.customer.owner')
                User = Pool().get('res.user')
                customer = Party(ids['customer'])
                winner, = [u for u, r in results.items() if r == 'won']
                self.assertEqual(customer.salesperson, User(winner).employee)
                # No duplicate claim in the history
                self.assertEqual(Owner.search_count([
                            ('customer', '=', customer.id),
                            ('kind', '=', 'claim'),
                            ]), 1)
        finally:
            self._cleanup_concurrent(ids)

    def _cleanup_concurrent(self, ids):
        "Committed data: free the natural keys for another run"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            Employee = pool.get('company.employee')
            users = User.browse(ids['users'])
            Employee.write(
                [u.employee for u in users], {'salesperson_code': None})
            for user in users:
                user.login = f'{user.login}-{user.id}'
                user.active = False
            User.save(users)
            transaction.commit()
