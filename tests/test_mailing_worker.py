"""CRM-33 邮件群发 in the production shape: a trytond server with
`[queue] worker = True` and a separate `trytond-worker` process on the demo
database. 「发送」 over JSON-RPC only queues the messages; the worker sends
them to a real SMTP server (which refuses one address with 550) and the
counts reach sent/failed; the unsubscribe link of a received message is
served by the real server. trytond-worker waits for the queue on
PostgreSQL's LISTEN/NOTIFY, so this suite belongs to the PostgreSQL run
only (with SQLite Tryton runs the queued tasks after the request)."""
import os
import re
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller

from hopu_cli import demo, paths
from trytond.modules.hopu_crm_mailing.tests.tools import SMTPHandler, body_html

from .support import (
    Client, backend_uri, demo_database, free_port, service_env, start_services)

REFUSED = 'zhou@hengda.example.cn'
# A generous bound for a busy machine: the test waits for the worker, it
# does not measure it
DEADLINE = 180


def load_tests(loader, tests, pattern):
    if backend_uri() == 'sqlite':
        return unittest.TestSuite()
    return tests


class MailingWorkerTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.name, _ = demo_database()
        cls.smtp = SMTPHandler(refused=[REFUSED])
        smtp_port = free_port()
        controller = Controller(
            cls.smtp, hostname='127.0.0.1', port=smtp_port)
        controller.start()
        cls.addClassCleanup(controller.stop)

        port = free_port()
        cls.url = f'http://127.0.0.1:{port}'
        config = paths.write_config(
            cls.db_uri, f'127.0.0.1:{port}',
            name=f'test-mailing-{os.getpid()}', overrides={
                ('queue', 'worker'): 'True',
                ('email', 'uri'): f'smtp://127.0.0.1:{smtp_port}',
                ('email', 'from'): '皓普科技 <crm@hopu.example.cn>',
                ('hopu_crm_mailing', 'url'): cls.url,
                })
        bin_ = Path(sys.executable).parent
        # trytond-worker's pool processes are stopped with it
        start_services(cls, cls.url, [
                ('server', [str(bin_ / 'trytond'), '-d', cls.name]),
                ('worker', [str(bin_ / 'trytond-worker'), '-d', cls.name,
                        '-n', '1', '-t', '1']),
                ], service_env(config), f'mailing-{port}')

    def _wait_done(self, client, mailing_id):
        deadline = time.monotonic() + DEADLINE
        while True:
            mailing, = client.model(
                'hopu.crm.mailing', 'read', [mailing_id],
                ['state', 'total', 'sent', 'failed', 'pending', 'skipped'])
            if mailing['state'] == 'done':
                return mailing
            if time.monotonic() > deadline:
                self.fail(f"the worker did not send the mailing: {mailing}")
            time.sleep(0.5)

    def test_send_by_worker_and_unsubscribe(self):
        """CRM-33: 王芳's demo mailing is sent by trytond-worker; the
        refused address is recorded; 李明 unsubscribes through the server
        and the next mailing skips him"""
        wangfang = Client(self.url, self.name)
        wangfang.login('wangfang', demo.DEMO_PASSWORD)
        mailing, = wangfang.model(
            'hopu.crm.mailing', 'search_read',
            [('name', '=', demo.MAILING_NAME)], 0, None, None,
            ['state', 'total'])
        self.assertEqual((mailing['state'], mailing['total']), ('draft', 4))

        wangfang.model('hopu.crm.mailing', 'send', [mailing['id']])
        mailing = self._wait_done(wangfang, mailing['id'])
        self.assertEqual(
            (mailing['total'], mailing['sent'], mailing['failed'],
                mailing['pending']),
            (4, 3, 1, 0))
        failed, = wangfang.model(
            'hopu.crm.mailing.recipient', 'search_read',
            [('mailing', '=', mailing['id']), ('state', '=', 'failed')],
            0, None, None, ['email', 'error'])
        self.assertEqual(failed['email'], REFUSED)
        self.assertIn('550', failed['error'])
        self.assertEqual(len(self.smtp.messages), 3)

        message, = self.smtp.received('liming@huaxin.example.cn')
        self.assertEqual(
            message['Subject'], "上海华新科技有限公司:皓普ERP-CRM 冬季新版发布")
        self.assertIn("李明您好", message.get_body(('plain',)).get_content())
        url, = re.findall(r'href="([^"]+)"', body_html(message))
        self.assertTrue(url.startswith(f'{self.url}/{self.name}/'), url)
        with urllib.request.urlopen(url, timeout=60) as response:
            self.assertIn('<form method="post">', response.read().decode())
        data = urllib.parse.urlencode({'confirm': '1'}).encode()
        with urllib.request.urlopen(url, data=data, timeout=60) as response:
            self.assertEqual(response.status, 200)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(url[:-4] + 'abcd', timeout=60)
        self.assertEqual(cm.exception.code, 404)

        # The next mailing to the same contacts leaves 李明 out
        copy, = wangfang.model('hopu.crm.mailing', 'copy', [mailing['id']], {
                'name': "2027年春节问候"})
        wangfang.model('hopu.crm.mailing', 'send', [copy])
        copy = self._wait_done(wangfang, copy)
        self.assertEqual(
            (copy['sent'], copy['failed'], copy['skipped']), (2, 1, 1))
        self.assertEqual(
            len(self.smtp.received('liming@huaxin.example.cn')), 1)
        huaxin, = wangfang.model(
            'party.party', 'search_read',
            [('name', '=', "上海华新科技有限公司")], 0, None, None,
            ['mailing_optouts'])
        optouts = wangfang.model(
            'hopu.crm.mailing.optout', 'read', huaxin['mailing_optouts'],
            ['email'])
        self.assertEqual(
            [o['email'] for o in optouts], ['liming@huaxin.example.cn'])
