"""Production shape (issue 2, SYS-5): several trytond workers behind a WSGI
server (gunicorn, hopu_cli.wsgi:app) on one PostgreSQL database (SQLite is
the embedded single-process default, so this suite belongs to the
PostgreSQL run only). A right granted or
taken away through one worker is enforced by every worker on the next
request: no stale cache across workers — the same for a change of
supervisor and the customers a supervisor reaches (issue 4, CRM-2)."""
import os
import sys
import unittest
from pathlib import Path

from hopu_cli import demo

from .support import (
    Client, RPCError, backend_uri, demo_database, free_port, hopu, service_env,
    start_services)

WORKERS = 2
CALLS = 3 * WORKERS


def load_tests(loader, tests, pattern):
    if backend_uri() == 'sqlite':
        return unittest.TestSuite()
    return tests


class ProductionTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.name, _ = demo_database()
        port = free_port()
        config = hopu(
            'config', '--db', cls.db_uri, '--listen', f'127.0.0.1:{port}',
            '--config-name', f'test-prod-{os.getpid()}').stdout.strip()
        gunicorn = Path(sys.executable).parent / 'gunicorn'
        cls.url = f'http://127.0.0.1:{port}'
        start_services(cls, cls.url, [
                ('gunicorn', [str(gunicorn), '--workers', str(WORKERS),
                        '--bind', f'127.0.0.1:{port}', 'hopu_cli.wsgi:app']),
                ], service_env(config), f'production-{port}')

    def reads_rights(self, client):
        "How many of CALLS calls (spread over the workers) may read rights"
        allowed = 0
        for _ in range(CALLS):
            try:
                client.model(
                    'hopu.user.right', 'search', [], 0, None, None)
                allowed += 1
            except RPCError as error:
                self.assertIn('没有访问 "使用者权限" 的权限', str(error))
        return allowed

    def test_rights_follow_on_every_worker(self):
        "SYS-5: a grant or a revocation is enforced by every worker at once"
        admin = Client(self.url, self.name)
        admin.login('admin', demo.ADMIN_PASSWORD)
        clerk_id, = admin.model('res.user', 'create', [{
                    'login': 'prodclerk', 'name': "文员",
                    'password': demo.DEMO_PASSWORD}])
        program, = admin.model(
            'hopu.program', 'search', [('code', '=', 'SYS-5')], 0, None, None)

        clerk = Client(self.url, self.name)
        clerk.login(
            'prodclerk', demo.DEMO_PASSWORD, new_password='Qing-Shan#2026')
        self.assertEqual(self.reads_rights(clerk), 0)

        right, = admin.model('hopu.user.right', 'create', [{
                    'user': clerk_id, 'program': program, 'perm_read': True}])
        self.assertEqual(self.reads_rights(clerk), CALLS)

        admin.model(
            'hopu.user.right', 'write', [right], {'perm_read': False})
        self.assertEqual(self.reads_rights(clerk), 0)

    def reached_customers(self, client):
        "The customers of the lists, as seen by each of CALLS calls"
        seen = set()
        for _ in range(CALLS):
            ids = client.model('party.party', 'search', [
                    ('crm_stage', '!=', None), ('salesperson', '!=', None),
                    ], 0, None, None)
            names = frozenset(r['name'] for r in client.model(
                    'party.party', 'read', ids, ['name']))
            seen.add(names)
        self.assertEqual(len(seen), 1, "the workers disagree")
        return seen.pop()

    def test_supervisor_change_on_every_worker(self):
        "CRM-2: a change of supervisor is enforced by every worker at once"
        admin = Client(self.url, self.name)
        admin.login('admin', demo.ADMIN_PASSWORD)
        zhangwei = Client(self.url, self.name)
        zhangwei.login('zhangwei', demo.DEMO_PASSWORD)
        liuyang_customers = {name for name, owner, *_ in demo.CUSTOMERS
            if owner == 'liuyang'}
        self.assertTrue(liuyang_customers)
        self.assertLessEqual(
            liuyang_customers, self.reached_customers(zhangwei))

        liuyang, = admin.model('company.employee', 'search', [
                ('salesperson_code', '=', demo.SALESPERSON_CODES['liuyang']),
                ], 0, None, None)
        chengang, = admin.model('company.employee', 'search', [
                ('salesperson_code', '=', demo.SALESPERSON_CODES['chengang']),
                ], 0, None, None)
        zhang, = admin.model('company.employee', 'search', [
                ('salesperson_code', '=', demo.SALESPERSON_CODES['zhangwei']),
                ], 0, None, None)
        # 刘洋 now reports to 陈刚: 张伟 no longer reaches his customers
        admin.model('company.employee', 'write', [liuyang],
            {'supervisor': chengang})
        self.assertFalse(
            liuyang_customers & self.reached_customers(zhangwei))
        admin.model('company.employee', 'write', [liuyang],
            {'supervisor': zhang})
        self.assertLessEqual(
            liuyang_customers, self.reached_customers(zhangwei))
