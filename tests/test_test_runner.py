# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""How `hopu test` packs its jobs on the cores (issue 14 item 9): one per
core at any demand, a light one more when the measured demands fit; the
demands of the last run over the committed ones. No database: runs with
the SQLite run only."""
import json
import tempfile
import unittest
from pathlib import Path

from hopu_cli import testing

from .support import sqlite_only

load_tests = sqlite_only


class JobPackingTestCase(unittest.TestCase):

    def test_one_job_per_core_at_any_demand(self):
        "Up to one job per core, whatever the demands"
        cores = testing.CORES
        self.assertTrue(testing._fits([], 1.65, cores))
        self.assertTrue(testing._fits([1.0] * (cores - 1), 1.65, cores))

    def test_a_light_job_more_when_it_fits(self):
        "A job more than the cores only when the demands fit in the cores"
        cores = testing.CORES
        busy = [1.0] * (cores - 1) + [0.4]
        self.assertTrue(testing._fits(busy, 0.5, cores))
        self.assertFalse(testing._fits(busy, 0.7, cores))
        self.assertFalse(testing._fits([1.0] * cores, 0.1, cores))
        # never more than MAX_JOBS at a time
        self.assertFalse(testing._fits(
            [0.1] * testing.MAX_JOBS, 0.1, cores))

    def test_demands_of_the_last_run_over_the_committed(self):
        "The last run's demands count over the committed seed"
        with tempfile.TemporaryDirectory() as folder:
            seed, last = Path(folder, 'seed'), Path(folder, 'last')
            seed.write_text(json.dumps(
                    {'sqlite/tests': 0.5, 'sqlite/hopu_crm': 1.0}))
            self.assertEqual(testing._recorded(seed, last),
                {'sqlite/tests': 0.5, 'sqlite/hopu_crm': 1.0})
            last.write_text(json.dumps({'sqlite/tests': 0.7}))
            self.assertEqual(testing._recorded(seed, last),
                {'sqlite/tests': 0.7, 'sqlite/hopu_crm': 1.0})
            last.write_text('not json')
            self.assertEqual(testing._recorded(seed, last)['sqlite/tests'],
                0.5)
