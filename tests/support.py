"""What the cross-module and browser tests share: a real Hopu database made
by the hopu CLI, a real trytond server process, a JSON-RPC client."""
import atexit
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import unittest
import urllib.request
from contextlib import contextmanager

from hopu_cli import paths

HOPU = [sys.executable, '-m', 'hopu_cli.main']


def backend_uri():
    "The database server of the backend this test run is for"
    if os.environ.get('HOPU_TEST_BACKEND') == 'postgresql':
        return paths.DEFAULT_PG_URI
    return 'sqlite'


def sqlite_only(loader, tests, pattern):
    """load_tests of a suite whose checks do not depend on the database
    (files, views, translations): it runs with the SQLite run only"""
    if backend_uri() != 'sqlite':
        return unittest.TestSuite()
    return tests


def hopu(*args, check=True):
    "Run the hopu CLI as a user would"
    env = dict(os.environ)
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        env.pop(name, None)
    return subprocess.run(
        [*HOPU, *args], cwd=paths.ROOT, env=env, text=True,
        capture_output=True, check=check, stdin=subprocess.DEVNULL)


def drop_database(name, db_uri):
    if paths.backend_name(db_uri) == 'sqlite':
        for suffix in ['', '-wal', '-shm']:
            try:
                os.remove(paths.SQLITE_DIR / f'{name}.sqlite{suffix}')
            except FileNotFoundError:
                pass
    else:
        import psycopg
        with psycopg.connect(
                paths.normalize_uri(db_uri).rstrip('/') + '/postgres',
                autocommit=True) as connection:
            connection.execute(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class RPCError(Exception):
    pass


class Client:
    "A JSON-RPC client of a trytond server, as sao talks to it"

    def __init__(self, base_url, database=None):
        self.base_url = base_url
        self.database = database
        self.session = None
        self.context = {}

    def _url(self):
        if self.database:
            return f'{self.base_url}/{self.database}/rpc/'
        return f'{self.base_url}/rpc/'

    def call(self, method, *params):
        data = json.dumps(
            {'id': 1, 'method': method, 'params': list(params)}).encode()
        request = urllib.request.Request(
            self._url(), data=data,
            headers={'Content-Type': 'application/json'})
        if self.session:
            request.add_header('Authorization', 'Session ' + self.session)
        with urllib.request.urlopen(request, timeout=120) as response:
            result = json.loads(response.read())
        if result.get('error'):
            raise RPCError(result['error'])
        return result['result']

    def login(self, login, password, language='zh_CN', new_password=None):
        parameters = {'password': password}
        if new_password:
            # SYS-4: a password set by the administrator is changed at the
            # first login
            parameters['new_password'] = new_password
        user_id, session, *_ = self.call(
            'common.db.login', login, parameters, language)
        token = f'{login}:{user_id}:{session}'
        self.session = base64.b64encode(token.encode()).decode()
        self.context = self.call('model.res.user.get_preferences', True, {})
        return user_id

    def model(self, model, method, *args):
        return self.call(f'model.{model}.{method}', *args, self.context)


def service_env(config):
    "The environment of a server process run with the trytond config file"
    env = {k: v for k, v in os.environ.items()
        if k not in {'DB_NAME', 'DB_CACHE'}}
    env['TRYTOND_CONFIG'] = str(config)
    return env


def start_services(testcase, url, commands, env, log_name):
    """Start the processes of a production-shaped test class, each in a
    session of its own (its children are stopped with it) and stopped with
    the class, and wait until `url` answers"""
    processes = []
    for name, args in commands:
        log = open(paths.VAR / 'test-logs' / f'{log_name}-{name}.log', 'w')
        testcase.addClassCleanup(log.close)
        processes.append(subprocess.Popen(
                args, cwd=paths.ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True))

    def stop():
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in processes:
            process.wait(timeout=30)
    testcase.addClassCleanup(stop)
    deadline = time.monotonic() + 180
    while True:
        try:
            Client(url).call('common.db.list')
            return processes
        except (OSError, RPCError):
            if time.monotonic() > deadline or any(
                    p.poll() is not None for p in processes):
                raise RuntimeError(
                    f"{', '.join(n for n, _ in commands)} did not start, "
                    f"see var/test-logs/{log_name}-*.log")
            time.sleep(0.3)


@contextmanager
def running_server(db_uri, databases=()):
    """A trytond server process started by `hopu serve`, without loading
    any database at start unless named"""
    port = free_port()
    args = [*HOPU, 'serve', '--db', db_uri, '--listen', f'127.0.0.1:{port}']
    if databases:
        args += ['--name', *databases]
    env = dict(os.environ)
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        env.pop(name, None)
    log = open(paths.VAR / 'test-logs' / f'server-{port}.log', 'w')
    process = subprocess.Popen(
        args, cwd=paths.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL)
    base_url = f'http://127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                Client(base_url).call('common.db.list')
                break
            except (OSError, RPCError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"server did not start, see {log.name}")
                time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


_demo_databases = {}


def demo_database():
    """The demo database of this run's backend, made once per test process:
    `hopu setup-db --demo` (a copy of the demo template, which `hopu
    setup-db` + `hopu load-demo` made: the browser tests' databases are
    copies of the same), then `hopu setup-db` + `hopu load-demo` again (what
    a second `make demo` does). Return its name and what the three commands
    printed."""
    db_uri = backend_uri()
    if db_uri not in _demo_databases:
        name = f'hopu_test_demo_{os.getpid()}'
        drop_database(name, db_uri)
        atexit.register(drop_database, name, db_uri)
        outputs = [hopu('setup-db', name, '--db', db_uri, '--demo').stdout]
        for command in ['setup-db', 'load-demo']:
            outputs.append(hopu(command, name, '--db', db_uri).stdout)
        _demo_databases[db_uri] = name, outputs
    return _demo_databases[db_uri]
