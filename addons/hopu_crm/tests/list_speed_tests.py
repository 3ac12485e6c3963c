# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The lists a salesperson opens every day cost the same number of SQL
statements for a page of 8 and of 80 rows (issue 14 item 8; the speed
itself is measured by bench/lists.py, not here)."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.hopu_sysadmin.implied_domain import drop_implied
from trytond.modules.hopu_sysadmin.tests.list_queries import (
    ListQueriesMixin, counted_queries, forget_records, list_request_queries)
from trytond.modules.hopu_sysadmin.tests.test_rpc_search import rpc_call
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

from .organisation_tests import _salesperson

ROWS = 85


def grant_read(user, model):
    "The read right on the programs of the model (SYS-5)"
    pool = Pool()
    Program = pool.get('hopu.program')
    UserRight = pool.get('hopu.user.right')
    programs = Program.search([('model_names', 'like', f'%{model}%')])
    UserRight.create([{
                'user': user.id, 'program': p.id, 'perm_read': True}
            for p in programs])


class CrmListSpeedTestMixin(ListQueriesMixin):

    def _list_organisation(self, company):
        supervisor, user = _salesperson(
            company, "主管", 'GD0131', login='list_speed_supervisor',
            group='group_crm_supervisor')
        salespeople = [
            _salesperson(company, name, code, supervisor=supervisor)
            for name, code in [("王芳", 'GD0132'), ("刘洋", 'GD0133')]]
        return user, salespeople

    def _salesperson_user(self, company, employee, login):
        "The salesperson's user (王芳) of employee, in the salespeople's group"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        seller = User(login=login, name="王芳", companies=[company],
            company=company, employees=[employee], employee=employee)
        seller.save()
        User.write([seller], {'groups': [('add', [ModelData.get_id(
                            'hopu_crm', 'group_crm_salesperson')])]})
        return seller

    def _customers(self, salespeople, stage='potential'):
        pool = Pool()
        Party = pool.get('party.party')
        return Party.create([{
                    'name': f"客户{n:03d}有限公司",
                    'crm_stage': stage,
                    'salesperson': salespeople[n % 2].id,
                    'contact_mechanisms': [('create', [{
                                    'type': 'phone',
                                    'value': f'0208888{n:04d}'}])],
                    } for n in range(ROWS)])

    @with_transaction()
    def test_customer_list_queries_flat(self):
        "CRM-2 CRM-15: a page of the customer list costs no statement per row"
        pool = Pool()
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        view = ModelData.get_id('hopu_crm', 'customer_view_list')
        company = create_company()
        with set_company(company):
            user, salespeople = self._list_organisation(company)
            self._customers(salespeople)
            with Transaction().set_user(user.id):
                self.assertListQueriesFlat(
                    Party, [('crm_stage', 'in', ['potential', 'follow_up'])],
                    view_id=view)
                # the phone is the first active phone, read in the SELECT
                _, rows = list_request_queries(
                    Party, [('crm_stage', '=', 'potential')], 1,
                    view_id=view, order=[('name', 'ASC')])
                self.assertEqual(rows[0]['crm_phone'], '02088880000')

    @with_transaction()
    def test_lead_list_first_tab(self):
        """CRM-2 CRM-15 (issue 14 item 8): the lead list's first tab
        (潜在客户) as a salesperson opens it over RPC, its action's domain
        AND its tab's: the stage said once to the database
        (speed.implied_domain), her potential customers and the pool's,
        never another salesperson's nor a follow-up customer; another
        salesperson's customer refused to a read"""
        pool = Pool()
        Party = pool.get('party.party')
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        action = Action(ModelData.get_id('hopu_crm', 'act_lead_form'))
        tab = action.act_window_domains[0]
        domain = [PYSONDecoder().decode(action.domain),
            PYSONDecoder().decode(tab.domain)]
        self.assertEqual(drop_implied(Party, domain),
            [[['crm_stage', '=', 'potential']]])
        company = create_company()
        with set_company(company):
            _, salespeople = self._list_organisation(company)
            wang, liu = salespeople
            seller = self._salesperson_user(company, wang, 'lead_list_wang')
            customers = self._customers(salespeople)
            follow_up = Party.create([{
                        'name': f"跟进客户{n}", 'crm_stage': 'follow_up',
                        'salesperson': salespeople[n % 2].id,
                        } for n in range(4)])
            pool_customers = Party.create([{
                        'name': f"公海客户{n}", 'crm_stage': stage,
                        } for n, stage in enumerate(
                        ['potential', 'follow_up'])])
            expected = sorted(
                [c for c in customers if c.salesperson == wang]
                + pool_customers[:1], key=lambda c: (c.name, c.id))
            with Transaction().set_user(seller.id), check_access():
                found = rpc_call(Party, 'search', domain, 0, 80,
                    [('name', 'ASC'), ('id', 'ASC')])
                self.assertEqual(found, [c.id for c in expected][:80])
                self.assertEqual(
                    rpc_call(Party, 'search_count', domain), len(expected))
                for other in [c for c in customers + follow_up
                        if c.salesperson == liu][:3]:
                    self.assertEqual(rpc_call(Party, 'search', domain + [
                                ('id', '=', other.id)]), [])
                    with self.assertRaises(AccessError):
                        rpc_call(Party, 'read', [other.id], ['name'])
                self.assertNotIn(pool_customers[1].id, found)
                self.assertFalse(set(found) & {c.id for c in follow_up})

    @with_transaction()
    def test_daily_report_list_queries_flat(self):
        "CRM-13: a page of the daily reports costs no statement per row"
        pool = Pool()
        Report = pool.get('hopu.crm.daily_report')
        Contact = pool.get('hopu.crm.contact')
        ModelData = pool.get('ir.model.data')
        view = ModelData.get_id('hopu_crm', 'daily_report_view_list')
        company = create_company()
        with set_company(company):
            user, salespeople = self._list_organisation(company)
            customers = self._customers(salespeople)
            contacts = Contact.create([{
                        'customer': c.id, 'name': f"联系人{n:03d}",
                        } for n, c in enumerate(customers)])
            today = dt.date.today()
            Report.save([Report(
                        kind='customer', customer=c, contact=contact,
                        salesperson=c.salesperson,
                        date=today - dt.timedelta(days=n % 30),
                        visit_type='visit', purpose='needs',
                        content="拜访客户,介绍产品")
                    for n, (c, contact) in enumerate(
                        zip(customers, contacts))])
            for model in [Report.__name__, Contact.__name__]:
                grant_read(user, model)
            with Transaction().set_user(user.id):
                self.assertListQueriesFlat(Report, view_id=view)

    @with_transaction()
    def test_contact_record_list_queries(self):
        """CRM-19: a page of the contact records costs three statements
        for the supervisor and for a salesperson, whatever its size: the
        search, the read, the names of the customers, contacts and
        salespeople (each with its record rules); a customer the user may
        no longer read fails the list as trytond's read fails it"""
        pool = Pool()
        Record = pool.get('hopu.crm.contact_record')
        Contact = pool.get('hopu.crm.contact')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        view = ModelData.get_id('hopu_crm', 'contact_record_view_list')
        company = create_company()
        with set_company(company):
            user, salespeople = self._list_organisation(company)
            wang = salespeople[0]
            seller = self._salesperson_user(company, wang, 'list_speed_wang')
            customers = self._customers(salespeople)
            contacts = Contact.create([{
                        'customer': c.id, 'name': f"联系人{n:03d}",
                        } for n, c in enumerate(customers)])
            Record.create([{
                        'customer': c.id, 'contact': contact.id,
                        'kind': 'visit', 'salesperson': c.salesperson.id,
                        'date': dt.datetime(2026, 11, 1, 9, 0)
                        + dt.timedelta(hours=n),
                        'place': "客户公司", 'purpose': "拜访",
                        } for n, (c, contact) in enumerate(
                        zip(customers, contacts))])
            for login_user in [user, seller]:
                # (the programs of the contacts and of the records)
                grant_read(login_user, Contact.__name__)
            for login_user in [user, seller]:
                with Transaction().set_user(login_user.id):
                    counts = self.assertListQueriesFlat(
                        Record, view_id=view, pages=(8, 40))
                    self.assertEqual(set(counts.values()), {3}, msg=counts)
                    _, rows = list_request_queries(
                        Record, [], 40, view_id=view)
                    for row in rows:
                        self.assertEqual(row['customer.']['rec_name'],
                            Party(row['customer']).rec_name)
                        self.assertEqual(row['contact.']['rec_name'],
                            Contact(row['contact']).rec_name)
                        self.assertEqual(
                            row['salesperson.']['rec_name'],
                            wang.rec_name if login_user == seller
                            else Pool().get('company.employee')(
                                row['salesperson']).rec_name)
            # 王芳 sees her records only; a customer of hers given to
            # another salesperson: her record of it can no longer be listed
            with Transaction().set_user(seller.id):
                _, rows = list_request_queries(Record, [], 200, view_id=view)
            self.assertEqual(len(rows), (ROWS + 1) // 2)
            self.assertEqual(
                {r['salesperson'] for r in rows}, {wang.id})
            mine = customers[-1]
            Party.write([mine], {'salesperson': salespeople[1].id})
            with Transaction().set_user(seller.id):
                with self.assertRaises(AccessError):
                    list_request_queries(Record, [], 200, view_id=view)

    @with_transaction()
    def test_contact_name_in_sql(self):
        """CRM-12: the contact column of a list (「联系人 (客户)」) is read
        in the SELECT of the contacts, the same text get_rec_name gives"""
        pool = Pool()
        Contact = pool.get('hopu.crm.contact')
        company = create_company()
        with set_company(company):
            _, salespeople = self._list_organisation(company)
            customer, other = self._customers(salespeople)[:2]
            contacts = Contact.create([
                    {'customer': customer.id, 'name': "李经理"},
                    {'customer': other.id, 'name': "张先生"},
                    ])
            forget_records()
            with counted_queries() as counter:
                rows = Contact.read(list(map(int, contacts)), ['rec_name'])
            self.assertEqual(counter['queries'], 1)
            self.assertEqual(
                [r['rec_name'] for r in rows],
                [f"李经理 ({customer.name})", f"张先生 ({other.name})"])
            self.assertEqual(
                [r['rec_name'] for r in rows],
                [c.get_rec_name(None) for c in Contact.browse(contacts)])
            self.assertEqual(
                Contact.search([('rec_name', 'ilike', '%李经理%')]),
                contacts[:1])

    @with_transaction()
    def test_record_names_in_sql(self):
        """CRM-13 CRM-19: the names of daily reports and contact records
        (日期 客户, 客户 主题) are read in their SELECT, the same text
        get_rec_name gives"""
        pool = Pool()
        Report = pool.get('hopu.crm.daily_report')
        Record = pool.get('hopu.crm.contact_record')
        company = create_company()
        with set_company(company):
            _, salespeople = self._list_organisation(company)
            customer, = self._customers(salespeople)[:1]
            reports = Report.create([{
                        'kind': 'customer', 'customer': customer.id,
                        'salesperson': customer.salesperson.id,
                        'date': dt.date(2026, 11, 20), 'visit_type': 'visit',
                        'purpose': 'needs', 'content': "拜访客户",
                        }, {
                        'kind': 'cold_visit', 'visited_company': "星辰贸易",
                        'salesperson': customer.salesperson.id,
                        'date': dt.date(2026, 11, 21), 'address': "天河路1号",
                        'person_met': "李经理", 'result': "留下资料",
                        'next_step': "下周电话", 'content': "陌生拜访",
                        }])
            records = Record.create([{
                        'customer': customer.id, 'kind': 'email',
                        'salesperson': customer.salesperson.id,
                        'date': dt.datetime(2026, 11, 21, 9, 30, 15, 120000),
                        'recipients': "zhang@huaxin.example.cn",
                        'subject': "皓普ERP-CRM 方案", 'body': "您好",
                        }, {
                        'customer': customer.id, 'kind': 'call',
                        'salesperson': customer.salesperson.id,
                        'date': dt.datetime(2026, 11, 22, 14, 5, 59),
                        'content': "电话回访", 'number': '02088880000',
                        }])
            for Model, instances, names in [
                    (Report, reports, [
                            f"2026-11-20 {customer.name}",
                            "2026-11-21 星辰贸易"]),
                    (Record, records, [
                            f"{customer.name} 皓普ERP-CRM 方案",
                            f"{customer.name} 2026-11-22 14:05"]),
                    ]:
                forget_records()
                with counted_queries() as counter:
                    rows = Model.read(
                        list(map(int, instances)), ['rec_name'])
                self.assertEqual(counter['queries'], 1)
                self.assertEqual([r['rec_name'] for r in rows], names)
                self.assertEqual(names, [
                        i.get_rec_name(None)
                        for i in Model.browse(instances)])

    @with_transaction()
    def test_alert_list_queries_flat(self):
        "CRM-32: a page of the business alerts costs no statement per row"
        pool = Pool()
        Alert = pool.get('hopu.crm.alert')
        ModelData = pool.get('ir.model.data')
        view = ModelData.get_id('hopu_crm', 'alert_view_list')
        company = create_company()
        with set_company(company):
            user, salespeople = self._list_organisation(company)
            customers = self._customers(salespeople)
            today = dt.date.today()
            Alert.create([{
                        'kind': 'protection' if n % 2 else 'overdue_visit',
                        'customer': c.id, 'salesperson': c.salesperson.id,
                        'origin': str(c), 'due_date': today, 'date': today,
                        } for n, c in enumerate(customers)])
            grant_read(user, Alert.__name__)
            with Transaction().set_user(user.id):
                self.assertListQueriesFlat(Alert, view_id=view)
                # rec_name is the description, made once per alert
                _, rows = list_request_queries(
                    Alert, [('kind', '=', 'protection')], 1, view_id=view)
                self.assertEqual(rows[0]['rec_name'], rows[0]['description'])
                self.assertIn(customers[1].name, rows[0]['description'])
