"""The demo loaders (issue 14 item 4): one file per Hopu module with demo
data in hopu_cli/demo/, run by ``demo.load`` for the activated modules, each
after the modules it depends on, then what needs every module's data (the
business alerts). No database: the loaders are replaced by recorders; the
data they load is tested on the demo database (test_demo_database.py).

Nothing here depends on the database: this suite runs with the SQLite run
only."""
import configparser
import unittest
from unittest import mock

from hopu_cli import demo, paths

from .support import sqlite_only

LOADERS = paths.ROOT / 'hopu_cli' / 'demo'
HELPERS = {'__init__', 'tools'}


load_tests = sqlite_only


def depends(module):
    "The modules the module depends on, from its tryton.cfg"
    config = configparser.ConfigParser()
    config.read(paths.ROOT / 'addons' / module / 'tryton.cfg')
    return config.get('tryton', 'depends').split()


class DemoLoadersTestCase(unittest.TestCase):

    def load(self, activated):
        """Run demo.load with the modules activated; return the calls of
        the loaders in their order and the summary"""
        calls = []

        def recorder(module, step):
            def record(config, activated_, data):
                self.assertIs(config, self.config)
                self.assertEqual(activated_, activated)
                data.setdefault('seen', []).append(module)
                calls.append((step, module, list(data['seen'])))
                return {f'{step} {module}': True}
            return record

        self.config = object()
        with mock.patch.object(demo, '_activated', return_value=activated), \
                mock.patch.object(demo, 'skip_config_wizard') as skip:
            patches = []
            for module in paths.HOPU_MODULES:
                loader = demo.loader(module)
                patches.append(mock.patch.object(
                        loader, 'setup', recorder(module, 'setup')))
                if hasattr(loader, 'finish'):
                    patches.append(mock.patch.object(
                            loader, 'finish', recorder(module, 'finish')))
            for patch in patches:
                patch.start()
                self.addCleanup(patch.stop)
            summary = demo.load(self.config)
            skip.assert_called_once_with(self.config)
        return calls, summary

    def test_each_module_has_its_loader(self):
        "SYS-1 CRM-1 CON-1: each Hopu module's demo data has its loader file"
        for module in paths.HOPU_MODULES:
            with self.subTest(module=module):
                loader = demo.loader(module)
                self.assertIsNotNone(loader)
                self.assertEqual(
                    loader.__file__,
                    str(LOADERS / f'{module.removeprefix("hopu_")}.py'))
                self.assertTrue(callable(loader.setup))
        # and no loader file of a module that is not Hopu's
        self.assertEqual(
            {f'hopu_{p.stem}' for p in LOADERS.glob('*.py')
                if p.stem not in HELPERS},
            set(paths.HOPU_MODULES))
        self.assertIsNone(demo.loader('party'))

    def test_loaders_run_in_dependency_order(self):
        """SYS-1 CRM-1 CON-1: each loader runs after the loaders of the
        modules it depends on, sharing their data; the finishing steps
        after every loader"""
        activated = {
            'ir', 'res', 'party', 'company', 'sale', *paths.HOPU_MODULES}
        calls, summary = self.load(activated)
        setups = [m for step, m, _ in calls if step == 'setup']
        self.assertEqual(sorted(setups), sorted(paths.HOPU_MODULES))
        for module in setups:
            with self.subTest(module=module):
                for depend in depends(module):
                    if depend.startswith('hopu_'):
                        self.assertLess(
                            setups.index(depend), setups.index(module))
        self.assertEqual(setups[0], 'hopu_sysadmin')
        steps = [step for step, *_ in calls]
        self.assertEqual(
            steps, sorted(steps, key=['setup', 'finish'].index))
        self.assertIn(('finish', 'hopu_crm'), [c[:2] for c in calls])
        # one data for all: a loader sees what those before it put in
        self.assertEqual(calls[-1][2], [m for _, m, _ in calls])
        self.assertEqual(
            set(summary), {f'{step} {m}' for step, m, _ in calls})

    def test_only_the_activated_modules_are_loaded(self):
        "CRM-1: a module that is not activated gets no demo data"
        activated = {'ir', 'res', 'hopu_sysadmin', 'hopu_approval',
            'hopu_crm'}
        calls, _ = self.load(activated)
        self.assertEqual(
            [c[:2] for c in calls], [
                ('setup', 'hopu_sysadmin'), ('setup', 'hopu_approval'),
                ('setup', 'hopu_crm'), ('finish', 'hopu_crm')])
