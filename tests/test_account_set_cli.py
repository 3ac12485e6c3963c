"""SYS-2 / SYS-9 on the command line: account sets (帐套) created, listed,
backed up, archived, restored and deleted with `hopu account-set`, as a
script would; each one a real database that a server then serves.

The command is the same on both backends, and hopu_sysadmin's own tests
create, back up and restore account sets on SQLite and PostgreSQL, so this
suite runs with the SQLite run only."""
import os
import unittest

from hopu_cli import demo

from .support import (
    Client, backend_uri, demo_database, drop_database, hopu, running_server,
    sqlite_only)

load_tests = sqlite_only


class AccountSetCommandLineTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.register, _ = demo_database()
        cls.database = f'hopu_test_as_{os.getpid()}'
        drop_database(cls.database, cls.db_uri)
        cls.addClassCleanup(drop_database, cls.database, cls.db_uri)

    def account_set(self, action, *args, check=True):
        return hopu(
            'account-set', action, '--in', self.register, '--db', self.db_uri,
            *args, check=check)

    def listed(self):
        return {
            tuple(line.split('\t')) for line in
            self.account_set('list').stdout.splitlines()}

    def test_account_set_life(self):
        "SYS-2: create, duplicate refused, backup, archive, restore, delete"
        self.account_set(
            'create', '--company', 'HP00', '--server', 'localhost',
            self.database)
        self.assertIn(
            (self.database, 'localhost', 'HP00'),
            {row[:3] for row in self.listed()})

        duplicate = self.account_set(
            'create', '--company', 'GZ01', '--server', 'localhost',
            self.database, check=False)
        self.assertNotEqual(duplicate.returncode, 0)
        self.assertIn('account-set:', duplicate.stderr)
        self.assertNotIn('Traceback', duplicate.stderr)

        with running_server(self.db_uri) as url:
            self.assertIn(self.database, Client(url).call('common.db.list'))
            admin = Client(url, self.database)
            admin.login('admin', demo.ADMIN_PASSWORD)
            companies = admin.model(
                'company.company', 'search_read', [], 0, None, None,
                ['rec_name'])
            self.assertEqual(
                [c['rec_name'] for c in companies], [demo.HEAD_COMPANY])

        self.account_set('backup', '--server', 'localhost', self.database)
        self.account_set('archive', '--server', 'localhost', self.database)
        self.account_set('restore', '--server', 'localhost', self.database)
        with running_server(self.db_uri) as url:
            self.assertIn(self.database, Client(url).call('common.db.list'))
        self.account_set('delete', '--server', 'localhost', self.database)
        self.assertNotIn(
            self.database, {row[0] for row in self.listed()})
