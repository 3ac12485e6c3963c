# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond import config
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.hopu_crm.customer import (
    normalize_code, normalize_name, normalize_phone)
from trytond.modules.hopu_crm.exceptions import (
    ContactValidationError, EmailError, ReportValidationError)
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.modules.hopu_sysadmin.tests.mail import free_port, smtp_server
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .alert_tests import CrmAlertTestMixin
from .list_speed_tests import CrmListSpeedTestMixin
from .organisation_tests import CrmOrganisationTestMixin


class HopuCrmTestCase(
        CrmOrganisationTestMixin, CrmAlertTestMixin, CrmListSpeedTestMixin,
        HopuTranslationTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test Hopu CRM module"
    module = 'hopu_crm'

    def test_normalize_name(self):
        "CRM-11: name variants of one company have one key"
        key = normalize_name("上海华新科技有限公司")
        for variant in [
                "上海华新科技有限责任公司",
                "上海华新科技　有限公司",
                " 上海 华新科技 股份有限公司",
                "上海华新科技公司",
                "上海华新科技（有限公司）".replace("（有限公司）", "有限公司"),
                ]:
            self.assertEqual(normalize_name(variant), key, variant)
        self.assertEqual(
            normalize_name("ＡＢＣ科技有限公司"), normalize_name("abc科技"))
        self.assertNotEqual(key, normalize_name("上海华新软件有限公司"))

    def test_normalize_phone_code(self):
        "CRM-11: phone and tax id keys ignore format and width"
        self.assertEqual(
            normalize_phone("+86 21 5080 1234"),
            normalize_phone("021-50801234"))
        self.assertEqual(
            normalize_phone("+86 139 1234 5678"),
            normalize_phone("１３９１２３４５６７８"))
        self.assertEqual(
            normalize_code("91310115 ma1k4abc1x"),
            normalize_code("９１３１０１１５ＭＡ１Ｋ４ＡＢＣ１Ｘ"))

    def _customer(self, name="上海华新科技有限公司"):
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        employee = create_employee(company, "王芳")
        party, = Party.create([{
                    'name': name,
                    'crm_stage': 'potential',
                    'salesperson': employee.id,
                    }])
        return company, employee, party

    @with_transaction()
    def test_contact_formats(self):
        "CRM-12: wrong phone, mobile and email formats are refused"
        pool = Pool()
        Contact = pool.get('hopu.crm.contact')
        company, employee, party = self._customer()
        for values in [
                {'phone': "abc"},
                {'mobile': "1391234567"},
                {'mobile': "23912345678"},
                {'email': "li@"},
                {'email': "li ming@example.com"},
                ]:
            with self.subTest(values=values):
                with self.assertRaises(ContactValidationError):
                    Contact.create([{
                                'customer': party.id, 'name': "李明",
                                **values}])
        contact, = Contact.create([{
                    'customer': party.id, 'name': "李明",
                    'phone': "021-5080 1234 转 808",
                    'mobile': "+86 139 1234 5678",
                    'email': "Li.Ming@Huaxin.example.cn",
                    }])
        self.assertEqual(contact.mobile_key, '13912345678')
        self.assertEqual(contact.email_key, 'li.ming@huaxin.example.cn')

    @with_transaction()
    def test_errors_in_chinese(self):
        "CRM-12: a zh_CN user reads the errors in the manual's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Contact = pool.get('hopu.crm.contact')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([zh_cn])
        company, employee, party = self._customer()
        with Transaction().set_context(language='zh_CN'):
            with self.assertRaises(ContactValidationError) as cm:
                Contact.create([{
                            'customer': party.id, 'name': "李明",
                            'email': "li@"}])
        self.assertEqual(
            cm.exception.message,
            "联系人「李明」的电子邮件「li@」不是有效的邮箱地址。")

    @with_transaction()
    def test_report_dates(self):
        "CRM-13: the end before the start, the next visit before the date"
        pool = Pool()
        Report = pool.get('hopu.crm.daily_report')
        company, employee, party = self._customer()
        values = {
            'kind': 'customer', 'customer': party.id,
            'salesperson': employee.id, 'date': dt.date(2026, 11, 5),
            'visit_type': 'visit', 'purpose': 'needs', 'content': "拜访",
            }
        with self.assertRaises(ReportValidationError):
            Report.create([{**values,
                        'start': dt.datetime(2026, 11, 5, 10),
                        'end': dt.datetime(2026, 11, 5, 9)}])
        with self.assertRaises(ReportValidationError):
            Report.create([{**values, 'next_date': dt.date(2026, 11, 4)}])
        report, = Report.create([{**values,
                    'start': dt.datetime(2026, 11, 5, 9),
                    'end': dt.datetime(2026, 11, 5, 10),
                    'next_date': dt.date(2026, 11, 12)}])
        self.assertTrue(report.id)

    def _email(self, party, employee):
        pool = Pool()
        Record = pool.get('hopu.crm.contact_record')
        record, = Record.create([{
                    'customer': party.id,
                    'kind': 'email',
                    'salesperson': employee.id,
                    'date': dt.datetime(2026, 11, 21, 9),
                    'recipients': "张经理 <zhang@huaxin.example.cn>, "
                    "wang@huaxin.example.cn",
                    'subject': "皓普ERP-CRM 方案",
                    'body': "张经理您好:\n附上方案,请查收。",
                    }])
        return record

    @with_transaction()
    def test_email_sent_through_smtp(self):
        "CRM-19: an email is sent to a real SMTP server and received"
        company, employee, party = self._customer()
        with smtp_server() as handler, set_company(company):
            record = self._email(party, employee)
            record.__class__.send([record])
        self.assertEqual(record.state, 'done')
        self.assertTrue(record.sent_date)
        self.assertEqual(len(handler.messages), 1)
        mail_from, rcpt_tos, message = handler.messages[0]
        self.assertEqual(
            rcpt_tos, ['zhang@huaxin.example.cn', 'wang@huaxin.example.cn'])
        self.assertEqual(message['Subject'], "皓普ERP-CRM 方案")
        self.assertIn("请查收", message.get_content())

    @with_transaction()
    def test_email_smtp_down(self):
        "CRM-19: SMTP down gives a clear error and the email stays a draft"
        company, employee, party = self._customer()
        uri = config.get('email', 'uri')
        try:
            # Nothing listens on that port
            config.set('email', 'uri', f'smtp://127.0.0.1:{free_port()}')
            with set_company(company):
                record = self._email(party, employee)
                with self.assertRaises(EmailError) as cm:
                    record.__class__.send([record])
        finally:
            config.set('email', 'uri', uri)
        self.assertIn(record.subject, cm.exception.message)
        record = record.__class__(record.id)
        self.assertEqual(record.state, 'draft')
        self.assertIsNone(record.sent_date)

    @with_transaction()
    def test_email_recipients(self):
        "CRM-19: wrong recipients are refused"
        pool = Pool()
        Record = pool.get('hopu.crm.contact_record')
        company, employee, party = self._customer()
        with self.assertRaises(ReportValidationError):
            Record.create([{
                        'customer': party.id, 'kind': 'email',
                        'salesperson': employee.id,
                        'date': dt.datetime(2026, 11, 21, 9),
                        'recipients': "zhang at huaxin",
                        'subject': "方案", 'body': "您好"}])

    @with_transaction()
    def test_stage_history_immutable(self):
        "CRM-14: the stage history is written by stage changes only"
        pool = Pool()
        History = pool.get('hopu.crm.stage.history')
        company, employee, party = self._customer()
        history, = History.search([('party', '=', party.id)])
        self.assertEqual(
            (history.from_crm_stage, history.to_crm_stage),
            (None, 'potential'))
        with Transaction().set_context(_check_access=True):
            for call in [
                    lambda: History.write([history], {'reason': "x"}),
                    lambda: History.delete([history]),
                    lambda: History.create([{'party': party.id}]),
                    ]:
                with self.assertRaises(AccessError) as cm:
                    call()
                self.assertIn("stage history", cm.exception.message)

    @with_transaction()
    def test_preferences(self):
        "CRM-20: a user edits their own name, phone, email and language"
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        user, = User.create([{'login': 'wangfang', 'name': "Wang"}])
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.write([zh_cn], {'translatable': True})
        with Transaction().set_user(user.id):
            User.set_preferences({
                    'name': "王芳",
                    'phone': "021-5080 1234",
                    'email': "wangfang@hopu.example.cn",
                    'language': 'zh_CN',
                    })
            preferences = User.get_preferences()
        user = User(user.id)
        self.assertEqual(user.name, "王芳")
        self.assertEqual(user.phone, "021-5080 1234")
        self.assertEqual(user.email, "wangfang@hopu.example.cn")
        self.assertEqual(user.language, zh_cn)
        self.assertEqual(preferences['phone'], "021-5080 1234")
        with Transaction().set_user(user.id):
            for values in [{'phone': "电话"}, {'email': "wangfang"}]:
                with self.assertRaises(ContactValidationError):
                    User.set_preferences(values)


del ModuleTestCase
