"""Run every test: each module's unit tests and scenario doctests on SQLite
and on PostgreSQL, the cross-module tests in tests/, and the browser tests.

pytest ignores Tryton's load_tests() and would skip the scenarios, so the
tests run under unittest, loaded by name (load_tests honoured), one process
per backend and suite. The output ends with the count per backend and the
line 'N passed, N failed'."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import paths

LOGS = paths.VAR / 'test-logs'
# PostgreSQL test templates: one checkout's by the hash of its path
TEST_TEMPLATE_PREFIX = 'hopu_t{}_'.format(
    hashlib.sha256(str(paths.ROOT).encode()).hexdigest()[:6])


class PostgreSQLUnavailable(Exception):
    pass


def ensure_postgresql(uri=paths.DEFAULT_PG_URI):
    "Start the local cluster when installed and down; fail loudly otherwise"
    import psycopg

    def ping():
        with psycopg.connect(uri.rstrip('/') + '/postgres', connect_timeout=5):
            return True
    try:
        return ping()
    except psycopg.OperationalError:
        pass
    if shutil.which('pg_ctlcluster') and Path('/etc/postgresql').is_dir():
        for version in sorted(os.listdir('/etc/postgresql')):
            subprocess.run([
                    'pg_ctlcluster', '--skip-systemctl-redirect', version,
                    'main', 'start'], check=False)
        for _ in range(30):
            try:
                return ping()
            except psycopg.OperationalError:
                time.sleep(1)
    raise PostgreSQLUnavailable(
        f"PostgreSQL tests were asked for but no server answers at {uri} "
        "(and no local cluster could be started). Install and start "
        "PostgreSQL, or run: hopu test --backend sqlite")


def _suites(target):
    "The unittest names of a target's test files"
    if target == 'tests':
        folder, package = paths.ROOT / 'tests', 'tests'
    elif target == 'browser':
        folder, package = paths.ROOT / 'tests' / 'browser', 'tests.browser'
    else:
        import importlib
        package = f'trytond.modules.{target}.tests'
        folder = Path(importlib.import_module(package).__file__).parent
    return sorted(f'{package}.{p.stem}' for p in folder.glob('test_*.py'))


def _pg_template_cache(db_uri):
    """trytond's test database cache (DB_CACHE) on PostgreSQL as template
    databases, copied by CREATE DATABASE … TEMPLATE (a second) instead of
    pg_dump/pg_restore files, named after the sources (trytond keys them by
    module names only) and hidden from database lists (IS_TEMPLATE)"""
    from trytond.modules.hopu_sysadmin import database_template
    from trytond.tests import test_tryton, tools
    store = database_template.PostgreSQL(db_uri)
    prefix = f'{TEST_TEMPLATE_PREFIX}{paths.source_digest()[:12]}_'

    def template(name):
        return prefix + hashlib.sha256(name.encode()).hexdigest()[:20]

    def restore_db_cache(name):
        if not store.exists(template(name)):
            return False
        test_tryton.drop_db()
        store.copy(template(name), test_tryton.DB_NAME)
        test_tryton.Pool(test_tryton.DB_NAME).init()
        return True

    def backup_db_cache(name):
        name = template(name)
        if store.exists(name):
            return
        # no connection of this process may stay on the copied database
        test_tryton.backend.Database(test_tryton.DB_NAME).close()
        built = f'{name}_{os.getpid()}'
        store.copy(test_tryton.DB_NAME, built)
        try:
            store.publish(built, name)
        except Exception:
            # another process published the same template meanwhile
            store.drop(built)

    for module in [test_tryton, tools]:
        module.restore_db_cache = restore_db_cache
        module.backup_db_cache = backup_db_cache


def drop_stale_test_templates(db_uri=paths.DEFAULT_PG_URI):
    "The PostgreSQL test templates of older sources of this checkout"
    from trytond.modules.hopu_sysadmin import database_template
    store = database_template.PostgreSQL(db_uri)
    current = f'{TEST_TEMPLATE_PREFIX}{paths.source_digest()[:12]}_'
    for name in store.names(TEST_TEMPLATE_PREFIX):
        if not name.startswith(current):
            store.drop(name)


def run_worker(backend, target, result_file, patterns=None, failfast=False):
    "In a child process: run one target on one backend and write counts"
    db_uri = paths.DEFAULT_PG_URI if backend == 'postgresql' else 'sqlite'

    # A test process is one worker: no cache listener thread, which would
    # hold a connection to each test database and prevent dropping it
    os.environ.update(paths.trytond_environ(
            db_uri, name=f'test-{backend}-{target}',
            overrides={('cache', 'clean_timeout'): '300'}))
    os.environ.setdefault('DB_CACHE', str(paths.test_cache_dir(backend)))
    os.environ['DB_NAME'] = (
        f'test_hopu_{target}_{os.getpid()}' if backend == 'postgresql'
        else ':memory:')
    os.environ['HOPU_TEST_BACKEND'] = backend
    sys.path.insert(0, str(paths.ROOT))
    if backend == 'postgresql':
        _pg_template_cache(db_uri)

    loader = unittest.TestLoader()
    if patterns:
        loader.testNamePatterns = [
            p if '*' in p else f'*{p}*' for p in patterns]
    suite = loader.loadTestsFromNames(_suites(target))
    runner = unittest.TextTestRunner(
        stream=sys.stdout, verbosity=2, failfast=failfast)
    result = runner.run(suite)
    counts = {
        'run': result.testsRun,
        'failures': len(result.failures) + len(result.unexpectedSuccesses),
        'errors': len(result.errors),
        'skipped': len(result.skipped),
        }
    Path(result_file).write_text(json.dumps(counts))
    return 0 if result.wasSuccessful() else 1


def _run_job(backend, target, args):
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f'{backend}-{target}.log'
    result_file = LOGS / f'{backend}-{target}.json'
    result_file.unlink(missing_ok=True)
    cmd = [sys.executable, '-m', 'hopu_cli.testing', backend, target,
        str(result_file)]
    for pattern in args.pattern or []:
        cmd += ['-k', pattern]
    if args.failfast:
        cmd.append('--failfast')
    start = time.monotonic()
    with open(log, 'w') as fp:
        code = subprocess.call(
            cmd, stdout=fp, stderr=subprocess.STDOUT, cwd=paths.ROOT,
            stdin=subprocess.DEVNULL)
    if result_file.exists():
        counts = json.loads(result_file.read_text())
    else:
        counts = {'run': 0, 'failures': 0, 'errors': 1, 'skipped': 0}
    counts['seconds'] = time.monotonic() - start
    counts['code'] = code
    counts['log'] = log
    return backend, target, counts


DURATIONS = LOGS / 'durations.json'


def _longest_first(jobs):
    """The jobs in the order of their last duration, longest first; without
    a record, PostgreSQL jobs (the slowest) before SQLite, the cross-module
    tests first in each, the browser last"""
    try:
        durations = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        durations = {}
    fallback = {'postgresql': 2, 'sqlite': 1, 'browser': 0}

    def key(job):
        backend, target = job
        return (-durations.get(f'{backend}/{target}', -1),
            -fallback.get(backend, 0), target != 'tests')
    return sorted(jobs, key=key)


def _save_durations(results):
    try:
        durations = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        durations = {}
    for backend, target, counts in results:
        durations[f'{backend}/{target}'] = round(counts['seconds'], 1)
    LOGS.mkdir(parents=True, exist_ok=True)
    DURATIONS.write_text(json.dumps(durations, indent=1, sort_keys=True))


def main(args):
    backends = [b for b in args.backend.split(',') if b]
    for backend in backends:
        if backend not in {'sqlite', 'postgresql'}:
            sys.exit(f"unknown backend {backend!r}")
    if 'postgresql' in backends:
        ensure_postgresql()
        drop_stale_test_templates()
    targets = args.module or paths.HOPU_MODULES + ['tests']
    jobs = [(b, t) for b in backends for t in targets]
    if not args.no_browser and not args.module:
        jobs.append(('browser', 'browser'))
    jobs = _longest_first(jobs)

    results = []
    queue = list(jobs)
    lock = threading.Lock()

    def run_jobs():
        while True:
            with lock:
                if not queue:
                    return
                backend, target = queue.pop(0)
            backend, target, counts = _run_job(backend, target, args)
            failed = counts['failures'] + counts['errors'] or counts['code']
            with lock:
                results.append((backend, target, counts))
                print(f"[{'FAIL' if failed else 'ok'}] {backend:<10} "
                    f"{target:<14} {counts['run']:>4} tests "
                    f"{counts['seconds']:6.1f}s  ({counts['log']})",
                    flush=True)
                if failed:
                    print(counts['log'].read_text()[-20000:], flush=True)

    # Two at a time (the machine's cores), the longest first, so that the
    # two workers end together
    with ThreadPoolExecutor(max_workers=2) as executor:
        for future in [executor.submit(run_jobs) for _ in range(2)]:
            future.result()
    _save_durations(results)

    print("\n== Tests run per backend ==")
    total_passed = total_failed = 0
    for backend in backends + (
            ['browser'] if any(b == 'browser' for b, *_ in results) else []):
        rows = [c for b, _, c in results if b == backend]
        run = sum(c['run'] for c in rows)
        failed = sum(c['failures'] + c['errors'] for c in rows)
        skipped = sum(c['skipped'] for c in rows)
        crashed = sum(1 for c in rows if c['code'] and not (
                    c['failures'] + c['errors']))
        failed += crashed + skipped
        passed = run - failed if run >= failed else 0
        total_passed += passed
        total_failed += failed
        print(f"{backend}: {run} tests run, {passed} passed, {failed} failed"
            + (f" ({skipped} skipped count as failed)" if skipped else ""))
    if not total_passed + total_failed:
        total_failed = 1
        print("no test ran")
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == '__main__':
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument('backend')
    parser.add_argument('target')
    parser.add_argument('result_file')
    parser.add_argument('-k', dest='patterns', action='append')
    parser.add_argument('--failfast', action='store_true')
    options = parser.parse_args()
    sys.exit(run_worker(
            options.backend, options.target, options.result_file,
            options.patterns, options.failfast))
