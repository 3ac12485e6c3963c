# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.hopu_crm.tests.organisation_tests import _salesperson
from trytond.modules.hopu_crm_mailing.exceptions import (
    RecipientError, TemplateError)
from trytond.modules.hopu_crm_mailing.template import (
    check_template, html_to_text, render)
from trytond.modules.hopu_sysadmin.tests import HopuTranslationTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import body_html, body_text, smtp_server

REFUSED = 'nobody@kehu050.example.cn'


def run_queue():
    "Run the tasks pushed in this transaction as trytond-worker would"
    pool = Pool()
    Queue = pool.get('ir.queue')
    transaction = Transaction()
    count = 0
    while transaction.tasks:
        Queue(transaction.tasks.pop(0)).run()
        count += 1
    return count


class HopuCrmMailingTestCase(
        HopuTranslationTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test hopu_crm_mailing"
    module = 'hopu_crm_mailing'

    @property
    def _skip_company_rule(self):
        # The company tree of hopu_sysadmin (see its test)
        return super()._skip_company_rule | {('company.company', 'parent')}

    def _organisation(self):
        "张伟 supervises 王芳 and 刘洋 (CRM-2)"
        pool = Pool()
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        Program = pool.get('hopu.program')
        Right = pool.get('hopu.user.right')
        company = create_company()
        zhangwei, zhangwei_user = _salesperson(
            company, "张伟", 'GD0101', login='zhangwei')
        wangfang, wangfang_user = _salesperson(
            company, "王芳", 'GD0102', supervisor=zhangwei, login='wangfang')
        liuyang, liuyang_user = _salesperson(
            company, "刘洋", 'GD0103', supervisor=zhangwei, login='liuyang')
        supervisor = Group(ModelData.get_id(
                'hopu_crm', 'group_crm_supervisor'))
        salesperson = Group(ModelData.get_id(
                'hopu_crm', 'group_crm_salesperson'))
        Group.write([supervisor], {'users': [('add', [zhangwei_user.id])]})
        Group.write([salesperson], {
                'users': [('add', [wangfang_user.id, liuyang_user.id])]})
        programs = Program.search([
                ('code', 'in', ['CRM-11', 'CRM-12', 'CRM-33'])])
        Right.create([{
                    'user': u.id, 'program': p.id,
                    'perm_read': True, 'perm_create': True,
                    'perm_write': True,
                    } for u in [zhangwei_user, wangfang_user, liuyang_user]
                for p in programs])
        return company, {
            'zhangwei': (zhangwei, zhangwei_user),
            'wangfang': (wangfang, wangfang_user),
            'liuyang': (liuyang, liuyang_user),
            }

    def _customers(self, salesperson, count, contacts=2, prefix="客户"):
        "count customers of salesperson, each with contacts with an email"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('hopu.crm.contact')
        parties = Party.create([{
                    'name': f"{prefix}{i:03d}科技有限公司",
                    'crm_stage': 'potential',
                    'salesperson': salesperson.id,
                    } for i in range(1, count + 1)])
        Contact.create([{
                    'customer': party.id,
                    'name': ["李明", "王丽"][j % 2] + f"{i:03d}",
                    'email': f"c{j}@{salesperson.salesperson_code}kehu"
                    f"{i:03d}.example.cn".lower()
                    if prefix != "客户" else f"c{j}@kehu{i:03d}.example.cn",
                    } for i, party in enumerate(parties, 1)
                for j in range(contacts)])
        return parties

    def _mailing(self, company, salesperson, parties, **values):
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        values.setdefault('body', "${联系人}您好:\n\n感谢${客户}一直以来的支持。\n"
            "业务员 ${业务员}\n${公司}")
        mailing = Mailing(
            company=company, salesperson=salesperson,
            name="产品推介", subject="${客户}:皓普ERP-CRM 新版发布",
            recipients=[{
                    'customer': c.customer.id, 'contact': c.id,
                    'email': c.email,
                    } for p in parties for c in p.crm_contacts],
            **values)
        mailing.save()
        return mailing

    def test_template(self):
        "CRM-33: placeholders by English or Chinese names, HTML-escaped"
        self.assertEqual(check_template("${客户} ${customer} $$"), [])
        self.assertEqual(check_template("${客户名}"), ["客户名"])
        self.assertIsNone(check_template("${客户"))
        values = {'customer': "<b>A&B</b>", 'contact': "李明"}
        self.assertEqual(
            render("<p>${customer}, ${联系人}</p>", values, escape=True),
            "<p>&lt;b&gt;A&amp;B&lt;/b&gt;, 李明</p>")
        self.assertEqual(render("${客户} $$5", values), "<b>A&B</b> $5")
        self.assertEqual(
            html_to_text('<p>您好</p><p><a href="http://x/u">退订</a></p>'),
            "您好\n\n退订 <http://x/u>\n")

    @with_transaction()
    def test_template_invalid(self):
        "CRM-33: an unknown placeholder is refused with its name"
        company, people = self._organisation()
        employee, _ = people['wangfang']
        with set_company(company):
            with self.assertRaises(TemplateError) as cm:
                self._mailing(
                    company, employee, [], body="${客户名称}您好")
        self.assertIn("客户名称", cm.exception.message)

    @with_transaction()
    def test_mass_email_200(self):
        """CRM-33: 200 recipients through the queue to a real SMTP server
        that refuses one address with 550: that line failed with the
        server's answer, 199 delivered, placeholders filled for each, and
        the failed one sent again by 重发失败"""
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        Contact = pool.get('hopu.crm.contact')
        company, people = self._organisation()
        employee, _ = people['wangfang']
        with set_company(company):
            parties = self._customers(employee, 100)
            refused, = Contact.search([
                    ('email', '=', 'c0@kehu050.example.cn')])
            refused.email = REFUSED
            refused.save()
            mailing = self._mailing(company, employee, parties)
            self.assertEqual((mailing.total, mailing.pending), (200, 200))

            with smtp_server(refused=[REFUSED]) as server:
                Mailing.send([mailing])
                self.assertEqual(mailing.state, 'sending')
                # Batches of 50: four tasks, run as trytond-worker would
                self.assertEqual(run_queue(), 4)
            mailing = Mailing(mailing.id)
            self.assertEqual(mailing.state, 'done')
            self.assertEqual(
                (mailing.total, mailing.sent, mailing.failed,
                    mailing.pending, mailing.skipped),
                (200, 199, 1, 0, 0))
            self.assertEqual(mailing.progress, 1.0)
            self.assertEqual(len(server.messages), 199)
            failed, = [r for r in mailing.recipients if r.state == 'failed']
            self.assertEqual(failed.email, REFUSED)
            self.assertIn("550", failed.error)
            self.assertIn("User unknown", failed.error)
            self.assertTrue(all(r.sent_date for r in mailing.recipients
                    if r.state == 'sent'))

            message, = server.received('c1@kehu007.example.cn')
            self.assertEqual(
                message['Subject'], "客户007科技有限公司:皓普ERP-CRM 新版发布")
            self.assertIn("王丽007", message['To'])
            text = body_text(message)
            self.assertIn("王丽007您好", text)
            self.assertIn("感谢客户007科技有限公司一直以来的支持", text)
            self.assertIn("业务员 王芳", text)
            html = body_html(message)
            self.assertIn("/hopu_crm_mailing/unsubscribe/", html)
            recipient, = [r for r in mailing.recipients
                if r.email == 'c1@kehu007.example.cn']
            self.assertIn(recipient.token, message['List-Unsubscribe'])
            self.assertEqual(
                message['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click')
            # Each message its own link
            other, = server.received('c0@kehu007.example.cn')
            self.assertNotEqual(
                other['List-Unsubscribe'], message['List-Unsubscribe'])

            with smtp_server() as server:
                Mailing.retry([mailing])
                self.assertEqual(run_queue(), 1)
            mailing = Mailing(mailing.id)
            self.assertEqual(
                (mailing.state, mailing.sent, mailing.failed),
                ('done', 200, 0))
            self.assertEqual(
                [rcpt for _, rcpt, _ in server.messages], [[REFUSED]])

    @with_transaction()
    def test_smtp_down(self):
        """CRM-33: with the mail server down every line fails with the
        error, the mailing is done and can be retried"""
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        company, people = self._organisation()
        employee, _ = people['wangfang']
        with set_company(company):
            parties = self._customers(employee, 2)
            mailing = self._mailing(company, employee, parties)
            with smtp_server():
                pass
            # Nothing listens on the port any more
            from trytond import config
            uri = config.get('email', 'uri')
            from .tools import free_port
            config.set('email', 'uri', f'smtp://127.0.0.1:{free_port()}')
            try:
                Mailing.send([mailing])
                run_queue()
            finally:
                config.set('email', 'uri', uri)
            mailing = Mailing(mailing.id)
            self.assertEqual(
                (mailing.state, mailing.failed, mailing.sent), ('done', 4, 0))
            self.assertTrue(all(
                    "refused" in r.error.lower() or "errno" in r.error.lower()
                    for r in mailing.recipients))
            with smtp_server() as server:
                Mailing.retry([mailing])
                run_queue()
            self.assertEqual(Mailing(mailing.id).sent, 4)
            self.assertEqual(len(server.messages), 4)

    @with_transaction()
    def test_back_to_draft(self):
        """CRM-33: a mailing put back to draft before the queue ran sends
        nothing; sent again it sends everything once"""
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        company, people = self._organisation()
        employee, _ = people['wangfang']
        with set_company(company):
            parties = self._customers(employee, 2)
            mailing = self._mailing(company, employee, parties)
            with smtp_server() as server:
                Mailing.send([mailing])
                Mailing.draft([mailing])
                run_queue()
                self.assertEqual(server.messages, [])
                mailing = Mailing(mailing.id)
                self.assertEqual(
                    (mailing.state, mailing.pending), ('draft', 4))
                Mailing.send([mailing])
                run_queue()
                self.assertEqual(len(server.messages), 4)
            self.assertEqual(Mailing(mailing.id).state, 'done')

    @with_transaction()
    def test_skipped(self):
        """CRM-33: unsubscribed, repeated and missing addresses are
        skipped with the reason"""
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        OptOut = pool.get('hopu.crm.mailing.optout')
        Recipient = pool.get('hopu.crm.mailing.recipient')
        company, people = self._organisation()
        employee, _ = people['wangfang']
        with set_company(company):
            party, = self._customers(employee, 1)
            mailing = self._mailing(company, employee, [party])
            first, second = mailing.recipients
            OptOut.unsubscribe(first)
            Recipient.create([
                    {'mailing': mailing.id, 'customer': party.id,
                        'email': second.email.upper()},
                    {'mailing': mailing.id, 'customer': party.id},
                    ])
            with smtp_server() as server:
                Mailing.send([mailing])
                run_queue()
            mailing = Mailing(mailing.id)
            self.assertEqual(
                (mailing.sent, mailing.skipped, mailing.failed), (1, 3, 0))
            self.assertEqual(len(server.messages), 1)
            errors = sorted(r.error for r in mailing.recipients
                if r.state == 'skipped')
            self.assertEqual(errors, sorted([
                        "The address unsubscribed from mass emails.",
                        "The address is already a recipient of this mailing.",
                        "No email address."]))
            self.assertTrue(party.__class__(party.id).mailing_unsubscribed
                is False)
            self.assertEqual(
                [o.email for o in party.__class__(party.id).mailing_optouts],
                [first.email])

    @with_transaction()
    def test_visibility(self):
        """CRM-33, CRM-2: a salesperson sees and mails their own customers
        only, the supervisor sees the mailings of the people below"""
        pool = Pool()
        Mailing = pool.get('hopu.crm.mailing')
        Recipient = pool.get('hopu.crm.mailing.recipient')
        company, people = self._organisation()
        wangfang, wangfang_user = people['wangfang']
        liuyang, liuyang_user = people['liuyang']
        zhangwei, zhangwei_user = people['zhangwei']
        with set_company(company):
            wang_parties = self._customers(wangfang, 2)
            liu_parties = self._customers(liuyang, 1, prefix="刘洋客户")
            wang_mailing = self._mailing(company, wangfang, wang_parties)
            liu_mailing = self._mailing(company, liuyang, liu_parties)

            def visible(user):
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True):
                    return (
                        {m.id for m in Mailing.search([])},
                        len(Recipient.search([])))

            self.assertEqual(
                visible(wangfang_user), ({wang_mailing.id}, 4))
            self.assertEqual(visible(liuyang_user), ({liu_mailing.id}, 2))
            self.assertEqual(
                visible(zhangwei_user),
                ({wang_mailing.id, liu_mailing.id}, 6))

            with Transaction().set_user(liuyang_user.id), \
                    Transaction().set_context(_check_access=True):
                # 王芳's customer cannot be put in 刘洋's mailing
                with self.assertRaises(RecipientError):
                    Recipient.create([{
                                'mailing': liu_mailing.id,
                                'customer': wang_parties[0].id,
                                'email': 'x@example.cn'}])
                with self.assertRaises(AccessError):
                    Mailing.read([wang_mailing.id], ['name'])
                # His own customer he may
                Recipient.create([{
                            'mailing': liu_mailing.id,
                            'customer': liu_parties[0].id,
                            'email': 'y@kehu001.example.cn'}])


del ModuleTestCase
