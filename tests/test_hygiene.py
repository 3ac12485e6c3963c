"""The hygiene gate (issue 14 item 7) besides flake8 and isort, which
`make test` runs first: deprecated calls fail in Hopu code, no deprecated
call is left in it, the license and copyright files the headers point to
exist, and each module has its CHANGELOG.

Nothing here depends on the database: this suite runs with the SQLite run
only."""
import ast
import re
import subprocess
import sys
import unittest

from hopu_cli import paths

from .support import sqlite_only

ADDONS = paths.ROOT / 'addons'
MODULES = sorted(p for p in ADDONS.glob('hopu_*') if p.is_dir())


load_tests = sqlite_only


def python_files():
    for folder in [ADDONS, paths.ROOT / 'hopu_cli', paths.ROOT / 'tests',
            paths.ROOT / 'bench']:
        yield from sorted(folder.rglob('*.py'))


class DeprecationTestCase(unittest.TestCase):

    def run_code(self, module_name, code):
        "Run code as the module module_name under the test runner's filters"
        program = (
            "import warnings\n"
            "from hopu_cli.testing import deprecations_as_errors\n"
            "deprecations_as_errors()\n"
            "from trytond.tools import grouped_slice\n"
            f"exec({code!r}, {{'__name__': {module_name!r}, "
            "'grouped_slice': grouped_slice, 'warnings': warnings})\n")
        return subprocess.run(
            [sys.executable, '-c', program], cwd=paths.ROOT,
            capture_output=True, text=True, stdin=subprocess.DEVNULL)

    def test_deprecated_calls_fail_in_hopu_code(self):
        "A deprecated call made by Hopu code is an error in the tests"
        for module_name in [
                'trytond.modules.hopu_crm.party', 'hopu_cli.demo',
                'tests.test_demo_database']:
            for code in [
                    "list(grouped_slice([1, 2]))",
                    "from trytond.config import config",
                    "warnings.warn('old', DeprecationWarning, stacklevel=1)"]:
                with self.subTest(module=module_name, code=code):
                    result = self.run_code(module_name, code)
                    self.assertNotEqual(result.returncode, 0)
                    self.assertIn('DeprecationWarning', result.stderr)

    def test_deprecated_calls_of_others_are_shown(self):
        "A deprecated call made by trytond's own modules is only shown"
        result = self.run_code(
            'trytond.modules.sale.sale', "list(grouped_slice([1, 2]))")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('grouped_slice without size', result.stderr)

    def test_no_deprecated_call_left(self):
        "Hopu code calls grouped_slice with a size, no reduce_ids, no config"
        found = []
        for path in python_files():
            tree = ast.parse(path.read_text(encoding='utf-8'), str(path))
            where = path.relative_to(paths.ROOT)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, 'id', None) or getattr(
                        node.func, 'attr', None)
                    if name == 'grouped_slice' and (
                            len(node.args) + len(node.keywords) < 2):
                        found.append(f'{where}:{node.lineno} grouped_slice')
                    elif name == 'reduce_ids':
                        found.append(f'{where}:{node.lineno} reduce_ids')
                elif (isinstance(node, ast.ImportFrom)
                        and node.module == 'trytond.config'
                        and any(a.name == 'config' for a in node.names)):
                    found.append(f'{where}:{node.lineno} trytond.config')
        self.assertEqual(found, [])


class LicenseTestCase(unittest.TestCase):

    def test_copyright_and_license_files(self):
        "The COPYRIGHT file the headers point to and the GPL-3.0 text exist"
        copyright_ = (paths.ROOT / 'COPYRIGHT').read_text(encoding='utf-8')
        self.assertIn('GNU General Public License', copyright_)
        self.assertIn('either version 3 of the License, or', copyright_)
        license_ = (paths.ROOT / 'LICENSE').read_text(encoding='utf-8')
        self.assertIn('GNU GENERAL PUBLIC LICENSE', license_)
        self.assertIn('Version 3, 29 June 2007', license_)
        pyproject = (paths.ROOT / 'pyproject.toml').read_text()
        self.assertIn('license = "GPL-3.0-or-later"', pyproject)

    def test_headers_point_to_the_copyright_file(self):
        "Each module file with a header names the COPYRIGHT file"
        headers = [p for p in ADDONS.rglob('*.py')
            if 'The COPYRIGHT file' in p.read_text(encoding='utf-8')[:300]]
        self.assertTrue(headers)
        self.assertTrue((paths.ROOT / 'COPYRIGHT').is_file())


class ChangelogTestCase(unittest.TestCase):

    def test_each_module_has_its_changelog(self):
        "Each module's CHANGELOG starts with its version, Tryton's way"
        for module in MODULES:
            with self.subTest(module=module.name):
                version = re.search(
                    r'^version\s*=\s*(\S+)',
                    (module / 'tryton.cfg').read_text(), re.M).group(1)
                lines = (module / 'CHANGELOG').read_text(
                    encoding='utf-8').strip().splitlines()
                self.assertRegex(
                    lines[0],
                    rf'^Version {re.escape(version)} - \d{{4}}-\d\d-\d\d$')
                self.assertEqual(set(lines[1]), {'-'})
                self.assertTrue(lines[2].startswith('* '))
