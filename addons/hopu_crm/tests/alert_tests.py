# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.hopu_sysadmin.tests.mail import smtp_server
from trytond.pool import Pool
from trytond.sendmail import SMTPDataManager
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .organisation_tests import _salesperson


def commit_mails(datamanager):
    """What the commit of the transaction does with the e-mails queued on
    the datamanager: send them (the test transaction is rolled back)"""
    transaction = Transaction()
    datamanager.tpc_vote(transaction)
    datamanager.tpc_finish(transaction)
    drop_mails(datamanager)


def drop_mails(datamanager):
    "Forget the datamanager: the end of the test must not send again"
    transaction = Transaction()
    datamanager.tpc_abort(transaction)
    if datamanager in transaction._datamanagers:
        transaction._datamanagers.remove(datamanager)


def chinese():
    pool = Pool()
    Lang = pool.get('ir.lang')
    zh_cn, = Lang.search([('code', '=', 'zh_CN')])
    Lang.write([zh_cn], {'translatable': True})
    Lang.load_translations([zh_cn])
    return zh_cn


class CrmAlertTestMixin:
    "Lapse notices by e-mail (CRM-4) and business alerts (CRM-32)"

    def _alert_organisation(self, company):
        """陈刚 supervises 张伟 who supervises 王芳 and 刘洋; 王芳 and 陈刚 read
        Chinese"""
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        zh_cn = chinese()
        chengang, u_chengang = _salesperson(
            company, "陈刚", 'GD0101', login='chengang')
        zhangwei, u_zhangwei = _salesperson(
            company, "张伟", 'GD0102', supervisor=chengang, login='zhangwei')
        wangfang, u_wangfang = _salesperson(
            company, "王芳", 'GD0104', supervisor=zhangwei, login='wangfang')
        liuyang, u_liuyang = _salesperson(
            company, "刘洋", 'GD0105', supervisor=zhangwei, login='liuyang')
        supervisor = Group(
            ModelData.get_id('hopu_crm', 'group_crm_supervisor'))
        salesperson = Group(
            ModelData.get_id('hopu_crm', 'group_crm_salesperson'))
        Program = pool.get('hopu.program')
        UserRight = pool.get('hopu.user.right')
        program, = Program.search([('code', '=', 'CRM-32')])
        for user, email, language, group in [
                (u_chengang, 'chengang@hopu.example.cn', zh_cn, supervisor),
                (u_zhangwei, None, None, supervisor),
                (u_wangfang, 'wangfang@hopu.example.cn', zh_cn, salesperson),
                (u_liuyang, 'liuyang@hopu.example.cn', None, salesperson),
                ]:
            User.write([user], {
                    'email': email, 'language': language,
                    'groups': [('add', [group.id])],
                    })
            UserRight.create([{
                        'user': user.id, 'program': program.id,
                        'perm_read': True,
                        }])
        return {
            'chengang': (chengang, u_chengang),
            'zhangwei': (zhangwei, u_zhangwei),
            'wangfang': (wangfang, u_wangfang),
            'liuyang': (liuyang, u_liuyang),
            }

    def _report(self, customer, salesperson, date, next_date=None):
        pool = Pool()
        Report = pool.get('hopu.crm.daily_report')
        report, = Report.create([{
                    'kind': 'customer', 'customer': customer.id,
                    'salesperson': salesperson.id, 'date': date,
                    'visit_type': 'visit', 'purpose': 'needs',
                    'content': "拜访", 'next_date': next_date,
                    }])
        return report

    @with_transaction()
    def test_protection_notice_email(self):
        """CRM-4: the lapse notice also goes by e-mail to the owner, in
        Chinese for a zh_CN user, through a real SMTP server"""
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            people = self._alert_organisation(company)
            wangfang, u_wangfang = people['wangfang']
            liuyang, u_liuyang = people['liuyang']
            Party.create([{
                        'name': "潜在客户甲", 'crm_stage': 'potential',
                        'salesperson': wangfang.id,
                        'protection_end': dt.date(2026, 3, 10),
                        }, {
                        'name': "潜在客户乙", 'crm_stage': 'potential',
                        'salesperson': liuyang.id,
                        'protection_end': dt.date(2026, 3, 9),
                        }])
            datamanager = SMTPDataManager()
            with smtp_server() as smtp:
                notified = Party.crm_notify_lapsing(
                    date=dt.date(2026, 3, 7), datamanager=datamanager)
                commit_mails(datamanager)
            self.assertEqual(len(notified), 2)
            messages = {tuple(to): m for _, to, m in smtp.messages}
            self.assertEqual(set(messages), {
                    ('wangfang@hopu.example.cn',),
                    ('liuyang@hopu.example.cn',)})
            chinese = messages[('wangfang@hopu.example.cn',)]
            self.assertEqual(chinese['Subject'], "客户保护期即将到期")
            self.assertIn("潜在客户甲", chinese.get_content())
            self.assertIn("2026-03-10", chinese.get_content())
            self.assertIn("王芳，您好", chinese.get_content())
            english = messages[('liuyang@hopu.example.cn',)]
            self.assertEqual(english['Subject'], "Protection period lapsing")
            self.assertIn("潜在客户乙", english.get_content())

            # Not twice for the same protection period
            with smtp_server() as smtp:
                self.assertEqual(Party.crm_notify_lapsing(
                        date=dt.date(2026, 3, 8), datamanager=datamanager),
                    [])
                commit_mails(datamanager)
            self.assertEqual(smtp.messages, [])

    @with_transaction()
    def test_alerts_scheduled_task(self):
        """CRM-32: the scheduled task raises the alerts of a known date,
        shows them to the owner and the supervisors only, tells them in the
        client and by one digest e-mail a day, and drops resolved ones"""
        pool = Pool()
        Party = pool.get('party.party')
        Alert = pool.get('hopu.crm.alert')
        Record = pool.get('hopu.crm.contact_record')
        Notification = pool.get('res.notification')
        Configuration = pool.get('hopu.crm.configuration')
        company = create_company()
        with set_company(company):
            configuration = Configuration(1)
            configuration.notice_days = 3
            configuration.save()
            people = self._alert_organisation(company)
            wangfang, u_wangfang = people['wangfang']
            liuyang, u_liuyang = people['liuyang']
            visited, protected, later, other = Party.create([{
                        'name': "跟进客户甲", 'crm_stage': 'follow_up',
                        'salesperson': wangfang.id,
                        }, {
                        'name': "潜在客户乙", 'crm_stage': 'potential',
                        'salesperson': wangfang.id,
                        'protection_end': dt.date(2026, 3, 12),
                        }, {
                        'name': "潜在客户丙", 'crm_stage': 'potential',
                        'salesperson': wangfang.id,
                        'protection_end': dt.date(2026, 3, 20),
                        }, {
                        'name': "刘洋的客户", 'crm_stage': 'follow_up',
                        'salesperson': liuyang.id,
                        }])
            overdue = self._report(
                visited, wangfang, dt.date(2026, 3, 1), dt.date(2026, 3, 5))
            # Followed by a later report: not overdue
            self._report(
                other, liuyang, dt.date(2026, 3, 1), dt.date(2026, 3, 3))
            self._report(other, liuyang, dt.date(2026, 3, 4))
            # Next visit still to come
            self._report(
                later, wangfang, dt.date(2026, 3, 2), dt.date(2026, 3, 15))

            datamanager = SMTPDataManager()
            with smtp_server() as smtp:
                sent = Alert.run_alerts(
                    date=dt.date(2026, 3, 10), datamanager=datamanager)
                commit_mails(datamanager)
            self.assertEqual(
                sorted((a.kind, a.customer.name, a.due_date) for a in sent),
                [('overdue_visit', "跟进客户甲", dt.date(2026, 3, 5)),
                    ('protection', "潜在客户乙", dt.date(2026, 3, 12))])
            alert_overdue, = [a for a in sent if a.kind == 'overdue_visit']
            self.assertEqual(alert_overdue.origin, overdue)
            self.assertEqual(alert_overdue.salesperson, wangfang)

            # Who sees them, under the record rules
            def visible(name):
                user = people[name][1]
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    return len(Alert.search([]))
            self.assertEqual(
                {n: visible(n) for n in people},
                {'chengang': 2, 'zhangwei': 2, 'wangfang': 2, 'liuyang': 0})

            # A notification for 王芳, 张伟 and 陈刚 (who log in), in Chinese
            # for 王芳
            with Transaction().set_context(language='zh_CN'):
                notifications = Notification.search([
                        ('model', '=', 'hopu.crm.alert'),
                        ])
            self.assertEqual(
                sorted(n.user.login for n in notifications),
                ['chengang', 'chengang', 'wangfang', 'wangfang',
                    'zhangwei', 'zhangwei'])
            self.assertIn("逾期未拜访", [n.label for n in notifications
                    if n.user == u_wangfang])

            # One digest per user with an address: 王芳 and 陈刚, not 刘洋
            messages = {tuple(to): m for _, to, m in smtp.messages}
            self.assertEqual(len(smtp.messages), 2)
            digest = messages[('wangfang@hopu.example.cn',)]
            self.assertEqual(digest['Subject'], "业务警示 2026-03-10：2 条")
            body = digest.get_content()
            self.assertIn("【逾期未拜访】「跟进客户甲」", body)
            self.assertIn("2026-03-05", body)
            self.assertIn("【保护期即将到期】「潜在客户乙」", body)
            self.assertIn("潜在客户乙", messages[
                    ('chengang@hopu.example.cn',)].get_content())

            # Not sent twice the same day
            with smtp_server() as smtp:
                self.assertEqual(Alert.run_alerts(
                        date=dt.date(2026, 3, 10), datamanager=datamanager),
                    [])
                commit_mails(datamanager)
            self.assertEqual(smtp.messages, [])

            # 王芳 calls the customer: the overdue visit is resolved and
            # disappears with its notifications; the other is sent again the
            # next day, with no new notification
            call, = Record.create([{
                        'customer': visited.id, 'kind': 'call',
                        'salesperson': wangfang.id,
                        'date': dt.datetime(2026, 3, 11, 9),
                        'number': "021-50801234",
                        }])
            Record.done([call])
            with smtp_server() as smtp:
                sent = Alert.run_alerts(
                    date=dt.date(2026, 3, 11), datamanager=datamanager)
                commit_mails(datamanager)
            self.assertEqual(
                [(a.kind, a.customer.name) for a in Alert.search([])],
                [('protection', "潜在客户乙")])
            self.assertEqual(len(sent), 1)
            self.assertEqual(len(smtp.messages), 2)
            self.assertEqual(Notification.search_count([
                        ('model', '=', 'hopu.crm.alert'),
                        ]), 3)

    @with_transaction()
    def test_alert_follows_transfer(self):
        """CRM-3/CRM-32: a moved customer's overdue report and alert go to
        the new owner, who is told"""
        pool = Pool()
        Party = pool.get('party.party')
        Alert = pool.get('hopu.crm.alert')
        Date = pool.get('ir.date')
        today = Date.today()
        company = create_company()
        with set_company(company):
            people = self._alert_organisation(company)
            wangfang, _ = people['wangfang']
            liuyang, _ = people['liuyang']
            customer, = Party.create([{
                        'name': "跟进客户", 'crm_stage': 'follow_up',
                        'salesperson': wangfang.id,
                        }])
            report = self._report(
                customer, wangfang, today - dt.timedelta(days=10),
                today - dt.timedelta(days=3))
            datamanager = SMTPDataManager()
            alert, = Alert.run_alerts(date=today, datamanager=datamanager)
            Party.crm_change_owner([customer], liuyang, 'transfer')
            self.assertEqual(report.salesperson, liuyang)
            sent = Alert.run_alerts(date=today, datamanager=datamanager)
            drop_mails(datamanager)
            self.assertEqual(sent, [alert])
            self.assertEqual(alert.salesperson, liuyang)
