"""Packaging (issue 14 item 7): the wheel built from the repository ships
every file a module needs — each file git tracks under addons/ (views,
translations and their overrides in locale/override/, report templates such
as analysis.fods, data, scenarios, README, CHANGELOG) — and the CLI, the
license and the copyright notice.

The wheel is the same on both backends: this suite runs with the SQLite
run only."""
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

from hopu_cli import paths

from .support import sqlite_only

load_tests = sqlite_only


def tracked(*folders):
    "The files git tracks in the folders, as they are in the work tree"
    output = subprocess.run(
        ['git', 'ls-files', '-z', '--', *folders], cwd=paths.ROOT,
        check=True, capture_output=True).stdout.decode()
    return [f for f in output.split('\0')
        if f and (paths.ROOT / f).is_file()]


class WheelTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        folder = tempfile.TemporaryDirectory(prefix='hopu-wheel-')
        cls.addClassCleanup(folder.cleanup)
        # built from a copy of the tracked files, as from a fresh clone: no
        # build/ folder or untracked file of the work tree gets in
        source = Path(folder.name) / 'source'
        for name in tracked('.'):
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((paths.ROOT / name).read_bytes())
        output = Path(folder.name) / 'wheel'
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('PIP_')}
        subprocess.run([
                sys.executable, '-m', 'pip', 'wheel', '--quiet', '--no-deps',
                '--no-build-isolation', '--wheel-dir', str(output),
                str(source)],
            check=True, capture_output=True, env=env,
            stdin=subprocess.DEVNULL)
        wheel, = output.glob('hopu_erp_crm-*.whl')
        with zipfile.ZipFile(wheel) as archive:
            cls.names = set(archive.namelist())

    def test_every_module_file_is_shipped(self):
        "Each file git tracks under addons/ is in the wheel"
        missing = []
        for name in tracked('addons'):
            module, rest = name.split('/', 2)[1:]
            if f'trytond/modules/{module}/{rest}' not in self.names:
                missing.append(name)
        self.assertEqual(missing, [])

    def test_named_files_of_the_issue(self):
        "The spreadsheet template and the zh_CN overrides are shipped"
        for name in [
                'trytond/modules/hopu_crm_opportunity/analysis.fods',
                'trytond/modules/hopu_crm_opportunity/locale/override/'
                'zh_CN.po']:
            self.assertIn(name, self.names)

    def test_cli_license_and_no_bytecode(self):
        "The CLI is shipped, with the license files and without bytecode"
        for name in tracked('hopu_cli'):
            self.assertIn(name, self.names)
        dist_info = {n.split('/', 1)[1] for n in self.names
            if n.split('/', 1)[0].endswith('.dist-info')}
        self.assertTrue({'licenses/LICENSE', 'licenses/COPYRIGHT'}
            <= dist_info, dist_info)
        self.assertEqual(
            [n for n in self.names
                if n.endswith('.pyc') or '__pycache__' in n], [])
