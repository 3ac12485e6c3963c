# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import io
import os
import subprocess
import tempfile
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.hopu_crm_opportunity.exceptions import (
    CloseError, FollowUpValidationError)
from trytond.modules.hopu_sysadmin.tests import (
    HopuProgramTestMixin, HopuTranslationTestMixin)
from trytond.modules.hopu_sysadmin.tests.list_queries import ListQueriesMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = dt.date
ANALYSIS = {
    'from_date': D(2026, 1, 1),
    'to_date': D(2026, 12, 31),
    'period': 'month',
    'date': D(2026, 3, 25),
    }


def _salesperson(company, name, code, supervisor=None, login=None,
        role=None, programs=()):
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Program = pool.get('hopu.program')
    UserRight = pool.get('hopu.user.right')
    party, = Party.create([{'name': name}])
    employee, = Employee.create([{
                'party': party.id, 'company': company.id,
                'salesperson_code': code,
                'supervisor': supervisor.id if supervisor else None,
                }])
    if not login:
        return employee, None
    user, = User.create([{
                'login': login, 'name': name,
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'groups': [('add', [ModelData.get_id('hopu_crm', role)])],
                }])
    rights = ['read', 'create', 'write', 'delete', 'print', 'export']
    UserRight.create([{
                'user': user.id, 'program': p.id,
                **{f'perm_{r}': True for r in rights}}
            for p in Program.search([('code', 'in', list(programs))])])
    return employee, user


class HopuCrmOpportunityTestCase(
        ListQueriesMixin, HopuTranslationTestMixin, HopuProgramTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test hopu_crm_opportunity (CRM-30, CRM-31)"
    module = 'hopu_crm_opportunity'

    @property
    def _skip_company_rule(self):
        # The company tree of hopu_sysadmin (see its test)
        return super()._skip_company_rule | {('company.company', 'parent')}

    def _stage(self, fs_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Stage = pool.get('hopu.crm.opportunity.stage')
        return Stage(ModelData.get_id('hopu_crm_opportunity', fs_id))

    def _reason(self, fs_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Reason = pool.get('hopu.crm.opportunity.reason')
        return Reason(ModelData.get_id('hopu_crm_opportunity', fs_id))

    def _data(self):
        """The known data set: 陈刚 supervises 张伟 and 赵磊, 张伟 supervises
        王芳 and 刘洋; opportunities, daily reports, contact records and
        follow-ups of each in March and April 2026"""
        pool = Pool()
        Party = pool.get('party.party')
        Opportunity = pool.get('sale.opportunity')
        Report = pool.get('hopu.crm.daily_report')
        Record = pool.get('hopu.crm.contact_record')
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')

        company = create_company()
        crm30 = ['CRM-30', 'CRM-31', 'CRM-31-statistics', 'CRM-31-activity',
            'CRM-2']
        chengang, _ = _salesperson(company, "陈刚", 'GD0101')
        zhangwei, u_zhangwei = _salesperson(
            company, "张伟", 'GD0102', chengang, 'zhangwei',
            'group_crm_supervisor', crm30)
        zhaolei, _ = _salesperson(company, "赵磊", 'GD0103', chengang)
        wangfang, u_wangfang = _salesperson(
            company, "王芳", 'GD0104', zhangwei, 'wangfang',
            'group_crm_salesperson', crm30)
        liuyang, u_liuyang = _salesperson(
            company, "刘洋", 'GD0105', zhangwei, 'liuyang',
            'group_crm_salesperson', crm30)
        admin = User(ModelData.get_id('res', 'user_admin'))
        User.write([admin], {
                'companies': [('add', [company.id])],
                'company': company.id,
                })

        def customer(name, salesperson, stage='follow_up'):
            party, = Party.create([{
                        'name': name, 'crm_stage': stage,
                        'salesperson': salesperson.id,
                        }])
            return party
        c1 = customer("上海华新科技有限公司", wangfang)
        c2 = customer("杭州云帆网络有限公司", wangfang, 'existing')
        c3 = customer("广州恒达贸易有限公司", liuyang, 'potential')
        c4 = customer("深圳远景电子有限公司", zhaolei)

        def opportunity(party, employee, stage, amount, state='opportunity',
                end_date=None, reason=None, start_date=D(2026, 3, 1)):
            stage = self._stage(stage)
            record, = Opportunity.create([{
                        'party': party.id,
                        'employee': employee.id,
                        'company': company.id,
                        'currency': company.currency.id,
                        'description': f"{party.name} 年度采购",
                        'stage': stage.id,
                        'conversion_probability': stage.probability,
                        'amount': Decimal(amount),
                        'start_date': start_date,
                        'state': state,
                        'end_date': end_date,
                        'close_reason': (
                            self._reason(reason).id if reason else None),
                        }])
            return record
        opportunities = {
            'A': opportunity(c1, wangfang, 'stage_contact', 10000),
            'B': opportunity(c2, wangfang, 'stage_quotation', 20000),
            'C': opportunity(c1, wangfang, 'stage_signing', 30000, 'won',
                D(2026, 3, 15), 'reason_contract'),
            'D': opportunity(c2, wangfang, 'stage_needs', 8000, 'lost',
                D(2026, 3, 18), 'reason_price'),
            'E': opportunity(c3, liuyang, 'stage_quotation', 40000),
            'F': opportunity(c3, liuyang, 'stage_signing', 50000, 'won',
                D(2026, 3, 20), 'reason_order'),
            'G': opportunity(c3, liuyang, 'stage_signing', 5000, 'won',
                D(2026, 4, 2)),
            'H': opportunity(c4, zhaolei, 'stage_quotation', 100000),
            'I': opportunity(c4, zhaolei, 'stage_signing', 70000, 'won',
                D(2026, 3, 10)),
            }

        def report(salesperson, customer, date, next_date=None):
            Report.create([{
                        'kind': 'customer', 'salesperson': salesperson.id,
                        'customer': customer.id, 'date': date,
                        'visit_type': 'visit', 'purpose': 'needs',
                        'content': "拜访客户,了解需求",
                        'next_date': next_date,
                        }])
        report(wangfang, c1, D(2026, 3, 2), D(2026, 3, 5))
        report(wangfang, c2, D(2026, 3, 4), D(2026, 3, 20))
        report(liuyang, c3, D(2026, 3, 3), D(2026, 3, 10))
        report(liuyang, c3, D(2026, 3, 11))
        report(zhaolei, c4, D(2026, 3, 3), D(2026, 3, 9))
        Record.create([{
                    'customer': c1.id, 'kind': 'visit',
                    'date': dt.datetime(2026, 3, 3, 10, 0),
                    'salesperson': wangfang.id, 'place': "客户办公室",
                    'purpose': "演示产品",
                    }])
        FollowUp.create([{
                    'opportunity': opportunities['A'].id,
                    'date': D(2026, 3, 4), 'salesperson': wangfang.id,
                    'content': "电话沟通报价", 'next_date': D(2026, 3, 6),
                    }])
        return {
            'company': company,
            'employees': {
                'chengang': chengang, 'zhangwei': zhangwei,
                'zhaolei': zhaolei, 'wangfang': wangfang,
                'liuyang': liuyang},
            'users': {
                'admin': admin, 'zhangwei': u_zhangwei,
                'wangfang': u_wangfang, 'liuyang': u_liuyang},
            'customers': [c1, c2, c3, c4],
            'opportunities': opportunities,
            }

    def _as(self, user, company, **context):
        "Act as the user, through the RPC checks (access and record rules)"
        transaction = Transaction()
        context = {
            'company': company.id, 'companies': [company.id],
            '_check_access': True, **context}
        return transaction.set_user(user.id), transaction.set_context(context)

    @with_transaction()
    def test_opportunity_list_queries_flat(self):
        "CRM-30: a page of the opportunities costs no statement per row"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        ModelData = pool.get('ir.model.data')
        data = self._data()
        company = data['company']
        wangfang = data['employees']['wangfang']
        customer = data['customers'][0]
        stage = self._stage('stage_contact')
        opportunities = Opportunity.create([{
                    'party': customer.id, 'employee': wangfang.id,
                    'company': company.id, 'currency': company.currency.id,
                    'description': f"年度采购 {n}", 'stage': stage.id,
                    'amount': Decimal(1000 + n),
                    'start_date': D(2026, 3, 1) + dt.timedelta(days=n % 20),
                    } for n in range(85)])
        FollowUp.create([{
                    'opportunity': o.id, 'salesperson': wangfang.id,
                    'date': D(2026, 3, 4) + dt.timedelta(days=d),
                    'content': "电话沟通", 'next_date': D(2026, 4, 1 + n % 20),
                    } for n, o in enumerate(opportunities) for d in [0, 1]])
        view = ModelData.get_id('sale_opportunity', 'opportunity_view_tree')
        user_ctx, ctx = self._as(data['users']['zhangwei'], company)
        with user_ctx, ctx:
            self.assertListQueriesFlat(
                Opportunity,
                [('state', 'in', ['lead', 'opportunity', 'converted'])],
                view_id=view)
        # the next date of the latest follow-up, read in the SELECT
        self.assertEqual(Opportunity(opportunities[3].id).next_date,
            D(2026, 4, 4))
        self.assertIsNone(data['opportunities']['B'].next_date)

    def _funnel(self, data, login, **context):
        pool = Pool()
        Funnel = pool.get('hopu.crm.opportunity.funnel')
        user_ctx, ctx = self._as(
            data['users'][login], data['company'], **{**ANALYSIS, **context})
        with user_ctx, ctx:
            return [
                (r.stage.name, r.number, r.amount, r.weighted_amount)
                for r in Funnel.search([])]

    @with_transaction()
    def test_funnel_figures_per_role(self):
        "CRM-31: the funnel by stage as admin, supervisor and salesperson"
        data = self._data()
        self.assertEqual(self._funnel(data, 'admin'), [
                ("Initial Contact", 1, Decimal('10000'), Decimal('1000')),
                ("Proposal and Quotation", 3, Decimal('160000'),
                    Decimal('80000')),
                ])
        self.assertEqual(self._funnel(data, 'zhangwei'), [
                ("Initial Contact", 1, Decimal('10000'), Decimal('1000')),
                ("Proposal and Quotation", 2, Decimal('60000'),
                    Decimal('30000')),
                ])
        self.assertEqual(self._funnel(data, 'wangfang'), [
                ("Initial Contact", 1, Decimal('10000'), Decimal('1000')),
                ("Proposal and Quotation", 1, Decimal('20000'),
                    Decimal('10000')),
                ])
        # The salesperson filter narrows, never widens, what the rules allow
        liuyang = data['employees']['liuyang'].id
        self.assertEqual(
            self._funnel(data, 'zhangwei', salesperson=liuyang), [
                ("Proposal and Quotation", 1, Decimal('40000'),
                    Decimal('20000')),
                ])
        self.assertEqual(
            self._funnel(data, 'wangfang', salesperson=liuyang), [])

    def _statistics(self, data, login, **context):
        pool = Pool()
        Statistics = pool.get('hopu.crm.opportunity.statistics')
        user_ctx, ctx = self._as(
            data['users'][login], data['company'], **{**ANALYSIS, **context})
        with user_ctx, ctx:
            return [
                (r.date, r.employee.party.name, r.won, r.won_amount, r.lost)
                for r in Statistics.search([])]

    @with_transaction()
    def test_statistics_figures_per_role(self):
        """CRM-31: won amount and count per salesperson and month, as
        admin, supervisor and salesperson"""
        data = self._data()
        march, april = D(2026, 3, 1), D(2026, 4, 1)
        self.assertEqual(sorted(self._statistics(data, 'admin')), [
                (march, "刘洋", 1, Decimal('50000'), 0),
                (march, "王芳", 1, Decimal('30000'), 1),
                (march, "赵磊", 1, Decimal('70000'), 0),
                (april, "刘洋", 1, Decimal('5000'), 0),
                ])
        self.assertEqual(sorted(self._statistics(data, 'zhangwei')), [
                (march, "刘洋", 1, Decimal('50000'), 0),
                (march, "王芳", 1, Decimal('30000'), 1),
                (april, "刘洋", 1, Decimal('5000'), 0),
                ])
        self.assertEqual(sorted(self._statistics(data, 'wangfang')), [
                (march, "王芳", 1, Decimal('30000'), 1),
                ])
        self.assertEqual(
            sorted(self._statistics(data, 'zhangwei', period='year')), [
                (D(2026, 1, 1), "刘洋", 2, Decimal('55000'), 0),
                (D(2026, 1, 1), "王芳", 1, Decimal('30000'), 1),
                ])
        self.assertEqual(sorted(self._statistics(
                    data, 'zhangwei', from_date=D(2026, 4, 1))), [
                (april, "刘洋", 1, Decimal('5000'), 0),
                ])

    @with_transaction()
    def test_tryton_reporting_under_rules(self):
        "CRM-2: Tryton's own opportunity reporting counts visible records"
        pool = Pool()
        Main = pool.get('sale.opportunity.reporting.main')
        data = self._data()
        for login, number in [('admin', 9), ('zhangwei', 7), ('wangfang', 4)]:
            user_ctx, ctx = self._as(
                data['users'][login], data['company'], **ANALYSIS)
            with user_ctx, ctx, Transaction().set_context(
                    _check_access=False):
                main, = Main.search([])
                self.assertEqual(main.number, number, login)

    def _activity(self, data, login, **context):
        pool = Pool()
        Activity = pool.get('hopu.crm.opportunity.activity')
        user_ctx, ctx = self._as(
            data['users'][login], data['company'], **{**ANALYSIS, **context})
        with user_ctx, ctx:
            return sorted(
                (r.week, r.salesperson.party.name, r.daily_reports,
                    r.contact_records, r.follow_ups, r.overdue)
                for r in Activity.search([]))

    @with_transaction()
    def test_activity_per_week_with_overdue(self):
        """CRM-31 查看业务员销售跟进情况: reports, contact records and
        follow-ups per salesperson and week, overdue next visits counted"""
        data = self._data()
        w2, w9, w16 = D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)
        wangfang = [
            (w2, "王芳", 2, 1, 1, 2),
            (w16, "王芳", 0, 0, 0, 1),
            ]
        self.assertEqual(self._activity(data, 'wangfang'), wangfang)
        self.assertEqual(self._activity(data, 'zhangwei'), sorted(wangfang + [
                    (w2, "刘洋", 1, 0, 0, 0),
                    (w9, "刘洋", 1, 0, 0, 0),
                    ]))
        self.assertEqual(self._activity(data, 'admin'), sorted(wangfang + [
                    (w2, "刘洋", 1, 0, 0, 0),
                    (w9, "刘洋", 1, 0, 0, 0),
                    (w2, "赵磊", 1, 0, 0, 0),
                    (w9, "赵磊", 0, 0, 0, 1),
                    ]))
        # Before the planned dates nothing is overdue yet
        self.assertEqual(
            self._activity(data, 'wangfang', date=D(2026, 3, 5)), [
                (w2, "王芳", 2, 1, 1, 0),
                ])

    @with_transaction()
    def test_activity_overdue_agrees_with_alerts(self):
        """CRM-31/CRM-32: the overdue next visits of 查看业务员销售跟进情况
        are those of 业务警示 (one definition): a later daily report
        follows a report even before its next visit date, a contact
        record done on a later day follows it, a draft one does not"""
        pool = Pool()
        Alert = pool.get('hopu.crm.alert')
        Report = pool.get('hopu.crm.daily_report')
        Record = pool.get('hopu.crm.contact_record')
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        data = self._data()
        c1, c2, c3, c4 = data['customers']
        wangfang = data['employees']['wangfang']
        zhaolei = data['employees']['zhaolei']
        # The opportunity follow-ups are the activity report's own
        FollowUp.delete(FollowUp.search([]))
        # 王芳 reports on 杭州云帆 again before the planned 3-20: the new
        # report's next visit (3-24) is the one that counts
        Report.create([{
                    'kind': 'customer', 'salesperson': wangfang.id,
                    'customer': c2.id, 'date': D(2026, 3, 6),
                    'visit_type': 'visit', 'purpose': 'needs',
                    'content': "再次拜访", 'next_date': D(2026, 3, 24),
                    }])
        # 赵磊's visit of 3-5 is done: the report of 3-3 is followed
        record, = Record.create([{
                    'customer': c4.id, 'kind': 'visit',
                    'date': dt.datetime(2026, 3, 5, 9, 0),
                    'salesperson': zhaolei.id, 'place': "客户办公室",
                    'purpose': "回访",
                    }])
        Record.done([record])
        date = ANALYSIS['date']

        overdue = Report.overdue_reports(date)
        self.assertEqual(
            sorted((r.customer.name, r.date) for r in overdue), [
                ("上海华新科技有限公司", D(2026, 3, 2)),
                ("杭州云帆网络有限公司", D(2026, 3, 6)),
                ])
        Alert.generate(date)
        alerts = Alert.search([('kind', '=', 'overdue_visit')])
        self.assertEqual(
            sorted(str(a.origin) for a in alerts),
            sorted(str(r) for r in overdue))
        by_salesperson = {}
        for alert in alerts:
            name = alert.salesperson.party.name
            by_salesperson[name] = by_salesperson.get(name, 0) + 1
        activity = {}
        for week, name, *_, late in self._activity(
                data, 'admin', date=date):
            if late:
                activity[name] = activity.get(name, 0) + late
        self.assertEqual(activity, by_salesperson)
        self.assertEqual(activity, {"王芳": 2})

    @with_transaction()
    def test_opportunity_visibility_per_role(self):
        """CRM-30/CRM-2: a salesperson reaches their opportunities, a
        supervisor their subtree's, the administrator all"""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        data = self._data()
        opportunities = data['opportunities']
        for login, names in [
                ('admin', 'ABCDEFGHI'),
                ('zhangwei', 'ABCDEFG'),
                ('wangfang', 'ABCD'),
                ('liuyang', 'EFG'),
                ]:
            user_ctx, ctx = self._as(data['users'][login], data['company'])
            with user_ctx, ctx:
                self.assertEqual(
                    {o.id for o in Opportunity.search([])},
                    {opportunities[n].id for n in names}, login)
                self.assertEqual(
                    len(FollowUp.search([])), 1 if 'A' in names else 0)
        user_ctx, ctx = self._as(data['users']['wangfang'], data['company'])
        with user_ctx, ctx:
            with self.assertRaises(AccessError):
                Opportunity.read([opportunities['E'].id], ['amount'])
            with self.assertRaises(AccessError):
                Opportunity.write(
                    [Opportunity(opportunities['E'].id)],
                    {'description': "改"})
            # Creating one for someone else's customer is refused too
            with self.assertRaises(AccessError):
                Opportunity.create([{
                            'party': data['customers'][2].id,
                            'employee': data['employees']['liuyang'].id,
                            'company': data['company'].id,
                            'currency': data['company'].currency.id,
                            }])

    @with_transaction()
    def test_owner_and_probability_defaults(self):
        """CRM-30: the owner comes from the customer, the probability
        from the stage"""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        data = self._data()
        with set_company(data['company']):
            defaults = Opportunity.default_get(
                ['stage', 'conversion_probability'])
            self.assertEqual(
                defaults['stage'], self._stage('stage_contact').id)
            self.assertEqual(defaults['conversion_probability'], 0.1)
            opportunity = Opportunity(**{
                    k: v for k, v in defaults.items() if '.' not in k})
            opportunity.party = data['customers'][2]
            opportunity.on_change_party()
            self.assertEqual(
                opportunity.employee, data['employees']['liuyang'])
            self.assertEqual(opportunity.customer_stage, 'potential')
            opportunity.stage = self._stage('stage_negotiation')
            opportunity.on_change_stage()
            self.assertEqual(opportunity.conversion_probability, 0.7)

    @with_transaction()
    def test_follow_up_moves_stage(self):
        "CRM-30 阶段跟进: a follow-up moves the opportunity to its stage"
        pool = Pool()
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        data = self._data()
        opportunity = data['opportunities']['A']
        follow_up, = FollowUp.create([{
                    'opportunity': opportunity.id, 'date': D(2026, 3, 10),
                    'content': "确认需求,准备方案",
                    'stage': self._stage('stage_needs').id,
                    'next_date': D(2026, 3, 17),
                    }])
        Opportunity = type(opportunity)
        opportunity = Opportunity(opportunity.id)
        self.assertEqual(opportunity.stage, self._stage('stage_needs'))
        self.assertEqual(opportunity.conversion_probability, 0.3)
        self.assertEqual(opportunity.next_date, D(2026, 3, 17))
        # Correcting the text of an old follow-up leaves the stage alone
        negotiation = self._stage('stage_negotiation')
        Opportunity.write([opportunity], {'stage': negotiation.id})
        FollowUp.write([follow_up], {'content': "确认需求,方案已发送"})
        self.assertEqual(Opportunity(opportunity.id).stage, negotiation)
        with self.assertRaises(FollowUpValidationError):
            FollowUp.create([{
                        'opportunity': opportunity.id,
                        'date': D(2026, 3, 10), 'content': "错误",
                        'next_date': D(2026, 3, 9),
                        }])

    @with_transaction()
    def test_close_won_and_lost_with_reason(self):
        "CRM-30: closing as lost needs a lost reason; won may have one"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        data = self._data()
        a, b = data['opportunities']['A'], data['opportunities']['B']
        user_ctx, ctx = self._as(data['users']['wangfang'], data['company'])
        with user_ctx, ctx:
            a, b = Opportunity.browse([a.id, b.id])
            with self.assertRaises(CloseError):
                Opportunity.lost([a])
            with self.assertRaises(CloseError):
                Opportunity.crm_close(
                    [a], 'lost', self._reason('reason_contract'))
            Opportunity.crm_close(
                [a], 'lost', self._reason('reason_competitor'),
                note="对方报价低 15%")
            Opportunity.crm_close([b], 'won', self._reason('reason_order'))
            a, b = Opportunity.browse([a.id, b.id])
            self.assertEqual(a.state, 'lost')
            self.assertEqual(a.close_reason, self._reason('reason_competitor'))
            self.assertIn("对方报价低 15%", a.lost_reason)
            self.assertEqual(b.state, 'won')
            self.assertTrue(b.end_date)
            with self.assertRaises(CloseError):
                Opportunity.crm_close(
                    [b], 'lost', self._reason('reason_price'))

    @with_transaction()
    def test_transfer_moves_open_opportunities(self):
        """CRM-3: moving a customer to another salesperson moves its open
        opportunities; the closed ones keep their salesperson"""
        pool = Pool()
        Party = pool.get('party.party')
        Opportunity = pool.get('sale.opportunity')
        data = self._data()
        c1 = data['customers'][0]
        liuyang = data['employees']['liuyang']
        wangfang = data['employees']['wangfang']
        Party.crm_change_owner([c1], liuyang, 'transfer', reason="离职")
        a = Opportunity(data['opportunities']['A'].id)
        c = Opportunity(data['opportunities']['C'].id)
        b = Opportunity(data['opportunities']['B'].id)
        self.assertEqual(a.employee, liuyang)
        self.assertEqual(c.employee, wangfang)
        self.assertEqual(b.employee, wangfang)
        # Back to the pool: the opportunities wait for the next owner
        Party.crm_change_owner([c1], None, 'release')
        self.assertEqual(Opportunity(a.id).employee, liuyang)

    def _print(self, data, login, kind, language='zh_CN'):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Lang = pool.get('ir.lang')
        Report = pool.get('hopu.crm.opportunity.analysis', type='report')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([zh_cn])
        action_id = ModelData.get_id(
            'hopu_crm_opportunity', f'report_analysis_{kind}')
        user_ctx, ctx = self._as(
            data['users'][login], data['company'], **ANALYSIS,
            language=language)
        with user_ctx, ctx:
            return Report.execute([], {
                    'action_id': action_id,
                    'model': 'hopu.crm.opportunity.funnel',
                    'ids': [],
                    })

    @with_transaction()
    def test_analysis_pdf_in_chinese(self):
        """CRM-31: the printed analysis is a PDF with the Chinese text and
        a CJK font embedded, with the supervisor's figures"""
        data = self._data()
        oext, content, _, name = self._print(data, 'zhangwei', 'pdf')
        self.assertEqual(oext, 'pdf')
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'analysis.pdf')
            with open(path, 'wb') as fp:
                fp.write(content)
            text = subprocess.run(
                ['pdftotext', '-layout', path, '-'], check=True,
                capture_output=True, text=True).stdout
            fonts = subprocess.run(
                ['pdffonts', path], check=True,
                capture_output=True, text=True).stdout
        for words in ["销售分析", "销售漏斗", "销售统计", "业务员销售跟进情况",
                "王芳", "刘洋", "方案报价", "60000"]:
            self.assertIn(words, text)
        self.assertNotIn("赵磊", text)
        self.assertIn('CJK', fonts)
        self.assertRegex(fonts, r'(?m)CJK.*\byes\b')

    @with_transaction()
    def test_analysis_spreadsheet_figures(self):
        """CRM-31: the spreadsheet export opens in a spreadsheet program
        with the figures of the screen"""
        import openpyxl
        data = self._data()
        oext, content, _, name = self._print(data, 'wangfang', 'spreadsheet')
        self.assertEqual(oext, 'xlsx')
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["销售漏斗", "销售统计", "跟进情况"])
        funnel = [tuple(r) for r in book["销售漏斗"].iter_rows(
                min_row=2, values_only=True) if any(r)]
        self.assertEqual(
            [(s, n, float(a), float(w)) for s, n, a, w in funnel],
            [(stage, n, float(a), float(w))
                for stage, n, a, w in self._funnel(
                    data, 'wangfang', language='zh_CN')])
        statistics = [tuple(r) for r in book["销售统计"].iter_rows(
                min_row=2, values_only=True) if any(r)]
        self.assertEqual(len(statistics), 1)
        date, salesperson, won, won_amount, lost = statistics[0]
        self.assertEqual(
            (date.date(), salesperson, won, won_amount, lost),
            (D(2026, 3, 1), "[GD0104] 王芳", 1, 30000, 1))
        activity = [tuple(r) for r in book["跟进情况"].iter_rows(
                min_row=2, values_only=True) if any(r)]
        self.assertEqual(
            sorted((r[0].date(), *r[2:]) for r in activity), [
                (D(2026, 3, 2), 2, 1, 1, 2),
                (D(2026, 3, 16), 0, 0, 0, 1),
                ])

    @with_transaction()
    def test_report_needs_print_right(self):
        "SYS-5: printing the analysis needs the print right of 报表分析"
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        data = self._data()
        user = data['users']['liuyang']
        rights = UserRight.search([('user', '=', user.id)])
        UserRight.write(rights, {'perm_print': False})
        with self.assertRaises(AccessError):
            self._print(data, 'liuyang', 'spreadsheet')


del ModuleTestCase
