"""Activated databases kept as templates (issue 14 item 9; SYS-2): a new
database (`hopu setup-db`, an account set, the tests' demo database) is a
copy of the template of its module set, made once per change of the
sources; the copy is a database of its own with its own administrator
password, and no database list offers the template."""
import hashlib
import os
import sqlite3
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from hopu_cli import database, paths
from trytond.modules.hopu_sysadmin import database_template

from .support import Client, backend_uri, drop_database, hopu, running_server

MODULES = ['hopu_sysadmin']
LANGUAGES = ('zh_CN',)


class TemplateKeyTestCase(unittest.TestCase):
    "What the template of a module set is keyed by"

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.addons = Path(folder.name)
        module = self.addons / 'hopu_demo'
        (module / 'tests').mkdir(parents=True)
        (module / 'locale').mkdir()
        for name, text in [
                ('tryton.cfg', '[tryton]\n'), ('model.py', 'x = 1\n'),
                ('model.xml', '<tryton/>\n'), ('locale/zh_CN.po', ''),
                ('README.rst', 'Demo\n'), ('tests/test_module.py', '')]:
            (module / name).write_text(text)
        patcher = mock.patch.object(database_template, 'ADDONS', self.addons)
        patcher.start()
        self.addCleanup(patcher.stop)

    def name(self, modules=MODULES, languages=LANGUAGES):
        return database_template.template_name(modules, languages)

    def test_sources_that_shape_the_database_change_the_key(self):
        "A changed .py, .xml, .po or .cfg file makes a new template"
        for path in ['model.py', 'model.xml', 'locale/zh_CN.po',
                'tryton.cfg']:
            with self.subTest(path=path):
                before = self.name()
                with open(self.addons / 'hopu_demo' / path, 'a') as fp:
                    fp.write('# changed\n')
                self.assertNotEqual(self.name(), before)

    def test_other_files_keep_the_key(self):
        "The README and the tests do not shape a database"
        before = self.name()
        for path in ['README.rst', 'tests/test_module.py']:
            with open(self.addons / 'hopu_demo' / path, 'a') as fp:
                fp.write('# changed\n')
        self.assertEqual(self.name(), before)

    def test_modules_and_languages_change_the_key(self):
        "Another module set or language set is another template"
        self.assertNotEqual(self.name(), self.name(MODULES + ['hopu_crm']))
        self.assertNotEqual(self.name(), self.name(languages=('en',)))
        self.assertEqual(
            self.name(['hopu_crm', 'hopu_sysadmin']),
            self.name(['hopu_sysadmin', 'hopu_crm']))

    def test_demo_key_covers_every_demo_loader(self):
        """SYS-1 CRM-1: a changed file of the CLI, each module's demo loader
        in hopu_cli/demo/ too, makes a new demo template"""
        root = self.addons / 'root'
        (root / 'hopu_cli' / 'demo').mkdir(parents=True)
        names = ['main.py', 'demo/__init__.py', 'demo/sysadmin.py',
            'demo/crm.py']
        for name in names:
            (root / 'hopu_cli' / name).write_text('x = 1\n')
        with mock.patch.object(paths, 'ROOT', root):
            for name in names:
                with self.subTest(path=name):
                    before = database.demo_digest()
                    with open(root / 'hopu_cli' / name, 'a') as fp:
                        fp.write('# changed\n')
                    self.assertNotEqual(database.demo_digest(), before)
            # the same content under another name is another loader
            before = database.demo_digest()
            (root / 'hopu_cli' / 'demo' / 'crm.py').rename(
                root / 'hopu_cli' / 'demo' / 'contract.py')
            self.assertNotEqual(database.demo_digest(), before)

    def test_built_once_then_copied_and_stale_dropped(self):
        "A template is built once per key; a new key drops the old one"
        store = database_template.SQLite(self.addons / 'db')
        builds = []

        def build(name):
            builds.append(name)
            with sqlite3.connect(store.path(name)) as connection:
                connection.execute('CREATE TABLE t (v TEXT)')
                connection.execute(
                    'INSERT INTO t VALUES (?)', (self.name(),))

        (self.addons / 'db').mkdir()
        database_template.create(store, 'first', MODULES, LANGUAGES, build)
        database_template.create(store, 'second', MODULES, LANGUAGES, build)
        self.assertEqual(len(builds), 1)
        old = self.name()
        for name in ['first', 'second']:
            with sqlite3.connect(store.path(name)) as connection:
                self.assertEqual(
                    connection.execute('SELECT v FROM t').fetchall(),
                    [(old,)])

        with open(self.addons / 'hopu_demo' / 'model.py', 'a') as fp:
            fp.write('y = 2\n')
        database_template.create(store, 'third', MODULES, LANGUAGES, build)
        self.assertEqual(len(builds), 2)
        self.assertFalse(store.exists(old))
        self.assertTrue(store.exists(self.name()))
        # databases made from the old template are not touched
        self.assertTrue(store.path('first').exists())

    def test_failed_build_leaves_nothing(self):
        "A build that fails leaves no template behind"
        store = database_template.SQLite(self.addons / 'db')

        def build(name):
            sqlite3.connect(store.path(name)).close()
            raise RuntimeError("activation failed")

        with self.assertRaises(RuntimeError):
            database_template.create(
                store, 'first', MODULES, LANGUAGES, build)
        self.assertEqual(
            [p.name for p in store.templates.glob('*.sqlite')], [])
        self.assertFalse(store.path('first').exists())


class SetupFromTemplateTestCase(unittest.TestCase):
    "`hopu setup-db` on the backend of the run copies the template"

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.names = [f'hopu_test_tpl{i}_{os.getpid()}' for i in (1, 2)]
        for name in cls.names:
            drop_database(name, cls.db_uri)
            cls.addClassCleanup(drop_database, name, cls.db_uri)

    def test_setup_db_copies_the_template(self):
        "SYS-2: two databases from one template, each its own"
        for name in self.names:
            output = hopu('setup-db', name, '--db', self.db_uri).stdout
            self.assertIn(f'{name}: created', output)
        template = database_template.template_name(
            paths.HOPU_MODULES, LANGUAGES)
        store = database_template.store(
            paths.normalize_uri(self.db_uri), paths.SQLITE_DIR)
        self.assertTrue(store.exists(template))

        with running_server(self.db_uri) as url:
            listed = Client(url).call('common.db.list')
            self.assertTrue(set(self.names) <= set(listed))
            self.assertFalse(
                [n for n in listed
                    if n.startswith(database_template.PREFIX)])
            first, second = (Client(url, n) for n in self.names)
            for client in [first, second]:
                client.login('admin', 'admin')
                self.assertEqual(client.context['language'], 'zh_CN')
                modules = client.model(
                    'ir.module', 'search_read',
                    [('name', 'in', paths.HOPU_MODULES)], 0, None, None,
                    ['name', 'state'])
                self.assertEqual(
                    {m['name']: m['state'] for m in modules},
                    {m: 'activated' for m in paths.HOPU_MODULES})
            code = 'TPL' + hashlib.sha1(self.names[0].encode()).hexdigest()[:6]
            first.model('party.party', 'create', [{'name': code}])
            for client, count in [(first, 1), (second, 0)]:
                self.assertEqual(client.model(
                        'party.party', 'search_count',
                        [('name', '=', code)]), count)


class DemoFromTemplateTestCase(unittest.TestCase):
    """`hopu setup-db NAME --demo` (the browser tests' databases): a copy of
    the demo template, with the demo users and their data"""

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.names = [f'hopu_test_demotpl{i}_{os.getpid()}' for i in (1, 2)]
        for name in cls.names:
            drop_database(name, cls.db_uri)
            cls.addClassCleanup(drop_database, name, cls.db_uri)

    def test_demo_copies(self):
        "SYS-1 CRM-1: two demo databases from one demo template, each its own"
        for name in self.names:
            output = hopu(
                'setup-db', name, '--db', self.db_uri, '--demo').stdout
            self.assertIn(f'{name}: created with the demo data', output)
        refused = hopu('setup-db', self.names[0], '--db', self.db_uri,
            '--demo', check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn('exists already', refused.stderr)

        with running_server(self.db_uri) as url:
            listed = Client(url).call('common.db.list')
            self.assertFalse(
                [n for n in listed
                    if n.startswith(database_template.PREFIX)])
            first, second = (Client(url, n) for n in self.names)
            for client in [first, second]:
                client.login('wangfang', 'Hopu@2026')
            name = 'DEMOTPL' + hashlib.sha1(
                self.names[0].encode()).hexdigest()[:6]
            before = second.model('party.party', 'search_count', [])
            first.model('party.party', 'create', [{'name': name}])
            self.assertGreater(before, 0)
            self.assertEqual(
                second.model('party.party', 'search_count', []), before)
