"""trytond's own commands started the README's way get Hopu's patches of
trytond (issue 14 item 3, addons/hopu_sysadmin/trytond_patches.py), as
`hopu serve` and the WSGI application do: `trytond -d`, `trytond-cron -d`
and `trytond-worker -d` with the configuration `hopu config` writes apply
every patch when they load a Hopu database, and the server answers as
`hopu serve` does (a request that is not RPC: HTTP 400; a database created
after the start: logged in to). trytond-worker serves its queue with
PostgreSQL's LISTEN/NOTIFY only: on SQLite its workers' start (the
initializer every worker process runs) is checked."""
import os
import subprocess
import sys
import textwrap
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from hopu_cli import paths
from trytond.modules.hopu_sysadmin.trytond_patches import PATCHES

from .support import (
    Client, backend_uri, drop_database, free_port, hopu, service_env,
    start_services)

BIN = Path(sys.executable).parent
PASSWORD = 'admin'
# A generous bound for a busy machine: the test waits, it does not measure
DEADLINE = 180


def applied(log):
    "The names of the patches a process logged as applied"
    return {name for name in (p.name for p in PATCHES)
        if f'trytond patch {name} applied' in log}


class TrytondCommandsTestCase(unittest.TestCase):
    "SYS-3, SYS-5: the checks of every request in every trytond process"

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        pid = os.getpid()
        cls.name = f'hopu_test_cmd_{pid}'
        cls.later = f'hopu_test_cmd_later_{pid}'
        for name in [cls.name, cls.later]:
            drop_database(name, cls.db_uri)
            cls.addClassCleanup(drop_database, name, cls.db_uri)
        hopu('setup-db', '--db', cls.db_uri, cls.name)
        cls.port = free_port()
        cls.url = f'http://127.0.0.1:{cls.port}'
        cls.config = paths.write_config(
            cls.db_uri, f'127.0.0.1:{cls.port}',
            name=f'test-commands-{pid}',
            overrides={('queue', 'worker'): 'True'})
        cls.env = service_env(cls.config)
        cls.logs = paths.VAR / 'test-logs'

    def every_patch(self, log, what):
        self.assertEqual(
            applied(log), {p.name for p in PATCHES},
            msg=f"{what} did not apply every patch:\n{log[-3000:]}")

    def test_trytond_cron(self):
        "trytond-cron -d applies every patch when it loads the database"
        result = subprocess.run(
            [str(BIN / 'trytond-cron'), '-c', str(self.config),
                '-d', self.name, '--once', '-vv'],
            env=self.env, cwd=paths.ROOT, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=DEADLINE)
        (self.logs / f'commands-cron-{os.getpid()}.log').write_text(
            result.stdout + result.stderr)
        self.assertEqual(result.returncode, 0, msg=result.stderr[-3000:])
        self.every_patch(result.stderr, 'trytond-cron')

    def test_trytond_worker(self):
        """trytond-worker -d: its worker processes (and, on PostgreSQL,
        the process that pulls the queue) apply every patch"""
        if self.db_uri == 'sqlite':
            # what every worker process runs first (trytond.worker.work)
            code = textwrap.dedent(f"""
                import sys
                from trytond import commandline, worker
                options = commandline.get_parser_worker().parse_args(
                    ['-c', {str(self.config)!r}, '-d', {self.name!r},
                        '-vv'])
                worker.initializer(options, worker=True)
                """)
            result = subprocess.run(
                [sys.executable, '-c', code], env=self.env, cwd=paths.ROOT,
                capture_output=True, text=True, stdin=subprocess.DEVNULL,
                timeout=DEADLINE)
            self.assertEqual(
                result.returncode, 0, msg=result.stderr[-3000:])
            self.every_patch(result.stderr, 'a trytond-worker process')
            return
        log = self.logs / f'commands-worker-{os.getpid()}.log'
        with open(log, 'w') as output:
            process = subprocess.Popen(
                [str(BIN / 'trytond-worker'), '-c', str(self.config),
                    '-d', self.name, '-n', '1', '-t', '1', '-vv'],
                env=self.env, cwd=paths.ROOT, stdout=output,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        try:
            deadline = time.monotonic() + DEADLINE
            # the process that pulls the queue and its one worker process
            while (log.read_text().count(
                        f'trytond patch {PATCHES[-1].name} applied') < 2
                    and process.poll() is None
                    and time.monotonic() < deadline):
                time.sleep(0.5)
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        text = log.read_text()
        self.every_patch(text, 'trytond-worker')
        self.assertEqual(
            text.count(f'trytond patch {PATCHES[-1].name} applied'), 2,
            msg=text[-3000:])

    def test_trytond_server(self):
        """trytond -d: every patch applied; a request that is not RPC is
        refused with HTTP 400; a database created after the start is
        logged in to"""
        start_services(self, self.url, [
                ('trytond', [str(BIN / 'trytond'), '-c', str(self.config),
                        '-d', self.name, '-vv']),
                ], self.env, f'commands-trytond-{self.port}')
        log = self.logs / f'commands-trytond-{self.port}-trytond.log'
        deadline = time.monotonic() + DEADLINE
        while (len(applied(log.read_text())) < len(PATCHES)
                and time.monotonic() < deadline):
            time.sleep(0.5)
        self.every_patch(log.read_text(), 'trytond')

        request = urllib.request.Request(
            f'{self.url}/{self.name}/rpc/', data=b'not json',
            headers={'Content-Type': 'text/plain'})
        with self.assertRaises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=60)
        self.assertEqual(error.exception.code, 400)

        hopu('setup-db', '--db', self.db_uri, self.later)
        client = Client(self.url, self.later)
        self.assertTrue(client.login('admin', PASSWORD))
