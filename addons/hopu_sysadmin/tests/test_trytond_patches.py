# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The patches of trytond (trytond_patches.py, issue 14): one test per
patch that fails when trytond changes the function under it, and the
mechanics (applied when a database is loaded, not on import; refused
loudly when they do not fit)."""
import logging
import os
import subprocess
import sys
import textwrap
import unittest
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import trytond
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import trytond_patches
from ..trytond_patches import PATCHES, Patch, PatchRefused


class TrytondPatchesTestCase(unittest.TestCase):
    """Patches of trytond (issue 14 item 3): the checks of every request
    (SYS-3, SYS-5), the export right (SYS-5), the speed of the lists
    (CRM-2)"""

    @classmethod
    def setUpClass(cls):
        activate_module('hopu_sysadmin')

    def check_patch(self, patch):
        """The patch fits the running trytond (series, source of its
        targets) and is applied once a database of the module is loaded"""
        self.assertIsNone(
            patch.problem(),
            msg=f"{patch.name} no longer fits trytond "
            f"{trytond.__version__}: review it against the new source "
            f"(its upstream report: {patch.report})")
        self.assertTrue(patch.active, msg=patch.name)
        if patch.make is None:
            return
        owner, attribute = trytond_patches.resolve(patch.target)
        # the last patch of a target is the outermost wrapper
        last = [p for p in PATCHES if p.target == patch.target][-1]
        name, value = trytond_patches.patched(patch.target)
        self.assertEqual(name, last.name)
        self.assertIs(vars(owner)[attribute], value)

    def test_every_patch_documented(self):
        "Every patch has its upstream report, a fingerprint and a name"
        names = [p.name for p in PATCHES]
        self.assertEqual(len(names), len(set(names)))
        for patch in PATCHES:
            self.assertTrue(patch.fingerprint, msg=patch.name)
            self.assertGreater(len(patch.report), 40, msg=patch.name)

    def test_not_applied_on_import(self):
        """Importing the module and every file of it (as trytond's start
        and the hopu CLI do) changes nothing in trytond"""
        module = Path(trytond_patches.__file__).parent
        names = sorted(p.stem for p in module.glob('*.py')
            if p.stem != '__init__')
        code = textwrap.dedent(f"""
            import importlib
            from trytond.pool import Pool
            Pool.start()
            for name in {names!r}:
                importlib.import_module(
                    'trytond.modules.hopu_sysadmin.' + name)
            from trytond.modules.hopu_sysadmin import trytond_patches as t
            # each target as trytond defines it
            print([p.name for p in t.PATCHES if p.problem()],
                t.active_patches())
            """)
        env = {k: v for k, v in os.environ.items()
            if k not in {'DB_NAME', 'DB_CACHE'}}
        result = subprocess.run(
            [sys.executable, '-c', code], env=env, capture_output=True,
            text=True, check=True)
        self.assertEqual(result.stdout.strip(), '[] []', msg=result.stderr)

    def test_changed_upstream_refused(self):
        """A patch whose target changed upstream or that runs on another
        trytond series is not applied: a required one stops the loading
        of the database before anything is changed, an optional one is
        left out with an error in the log"""
        fits = Patch('test.fits', f'{__name__}:Target.method',
            lambda original: lambda self: 'patched',
            fingerprint=trytond_patches.fingerprint(
                f'{__name__}:Target.method'),
            required=False, report="A test patch")
        changed = Patch('test.changed', f'{__name__}:Target.other',
            lambda original: lambda self: 'patched',
            fingerprint='0000000000000000', required=False,
            report="A test patch")
        required = Patch('test.required', f'{__name__}:Target.other',
            lambda original: lambda self: 'patched',
            fingerprint='0000000000000000', required=True,
            report="A test patch")
        self.addCleanup(trytond_patches._APPLIED.difference_update,
            {'test.fits', 'test.changed', 'test.required'})
        for attribute in ['method', 'other']:
            self.addCleanup(
                trytond_patches._UPSTREAM.pop, (Target, attribute), None)
        self.addCleanup(setattr, Target, 'method', Target.method)
        self.addCleanup(setattr, Target, 'other', Target.other)

        with self.assertLogs(trytond_patches.logger, logging.CRITICAL), \
                self.assertRaises(PatchRefused) as refused:
            trytond_patches.apply(patches=[fits, required])
        self.assertIn('test.required', str(refused.exception))
        self.assertIn('changed upstream', str(refused.exception))
        self.assertFalse(fits.active)
        self.assertEqual(Target().method(), 'upstream')

        with self.assertLogs(trytond_patches.logger, logging.ERROR) as logs:
            trytond_patches.apply(patches=[fits, changed])
        self.assertIn('test.changed left out', '\n'.join(logs.output))
        self.assertTrue(fits.active)
        self.assertFalse(changed.active)
        self.assertEqual(Target().method(), 'patched')
        self.assertEqual(Target().other(), 'upstream')

        with mock.patch.object(trytond, '__series__', '9.0'):
            self.assertIn('written for trytond 8.0', fits.problem())

    @with_transaction()
    def test_fk_deltypes_as_upstream(self):
        """speed.fk_deltypes reads the foreign keys (constraint, column, ON
        DELETE) that trytond's query reads, on the tables holding the most
        of them (PostgreSQL: SQLite's TableHandler reads its own way)"""
        from trytond import backend
        if backend.name != 'postgresql':
            return
        target = 'trytond.backend.postgresql.table:TableHandler._fk_deltypes'
        upstream = trytond_patches.upstream(target).fget
        patched = trytond_patches.patched(target)[1].fget
        cursor = Transaction().connection.cursor()
        cursor.execute(
            "SELECT t.relname FROM pg_constraint AS c "
            "JOIN pg_class AS t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' GROUP BY t.relname "
            "ORDER BY count(*) DESC, t.relname LIMIT 8")
        tables = [t for t, in cursor]
        rules = set()
        for table in tables:
            def handler():
                return SimpleNamespace(table_name=table,
                    table_schema='public', _TableHandler__fk_deltypes=None)
            found = patched(handler())
            self.assertEqual(found, upstream(handler()), msg=table)
            rules |= set(found.values())
        self.assertEqual(len(tables), 8)
        self.assertGreaterEqual(rules, {'CASCADE', 'SET NULL'})


class Target:
    "A class a test patches"

    def method(self):
        return 'upstream'

    def other(self):
        return 'upstream'


def _patch_test(patch):
    def test(self):
        self.check_patch(patch)
    test.__name__ = 'test_patch_' + patch.name.replace('.', '_')
    test.__doc__ = (
        f"{patch.name} fits trytond {trytond_patches.SERIES} "
        f"({', '.join(patch.targets)}) and is applied")
    return test


for _patch in PATCHES:
    _test = _patch_test(_patch)
    setattr(TrytondPatchesTestCase, _test.__name__, _test)
del _patch, _test
