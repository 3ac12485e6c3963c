"""Run every test: each module's unit tests and scenario doctests on SQLite
and on PostgreSQL, the cross-module tests in tests/, and the browser tests
(one job per file of tests/browser/: the journeys, test_journey_*.py, on
SQLite and PostgreSQL, the others on SQLite).

pytest ignores Tryton's load_tests() and would skip the scenarios, so the
tests run under unittest, loaded by name (load_tests honoured), one process
per backend and suite, a few at a time. The output ends with the count per
backend and the line 'N passed, N failed'."""
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


# The test databases' sessions (libpq reads PGOPTIONS in every process of
# a job: the tests, the servers they start, the commands they run): a
# commit does not wait for its WAL to reach the disk (3 ms a commit on this
# machine's disk; a crash loses the last commits of a test database, which
# is thrown away anyway), and no JIT compilation of the tests' small queries
TEST_PG_OPTIONS = '-c synchronous_commit=off -c jit=off'


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


BROWSER = paths.ROOT / 'tests' / 'browser'
# the browser files that also run on PostgreSQL: the journeys follow the
# backend of their job (tests/support.py backend_uri()); the every-screen
# walk and the client's own tests run on SQLite
BROWSER_ALL_BACKENDS = ('test_journey_*.py',)


def browser_jobs(backends):
    """The browser jobs: one per file, the journeys on every backend asked
    for, the other files (the every-screen walk, the client itself) on
    SQLite"""
    jobs = []
    for path in sorted(BROWSER.glob('test_*.py')):
        target = f'browser/{path.stem}'
        for backend in backends:
            if backend == 'sqlite' or any(
                    path.match(p) for p in BROWSER_ALL_BACKENDS):
                jobs.append((backend, target))
    return jobs


def _slug(backend, target):
    "A name for the job's files and database"
    return f'{backend}-{target.replace("/", "-")}'


def _suites(target):
    "The unittest names of a target's test files"
    if target.startswith('browser/'):
        return [f'tests.browser.{target.split("/", 1)[1]}']
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

    def forget_database_list():
        # trytond keeps the list of databases for [session] timeout seconds:
        # a database made or dropped outside its own create/drop would be
        # missed by db_exist() (and so not dropped before the next copy)
        Database = test_tryton.backend.Database
        for cache in ['_list_cache', '_list_cache_timestamp']:
            getattr(Database, cache, {}).clear()

    def restore_db_cache(name):
        if not store.exists(template(name)):
            return False
        forget_database_list()
        test_tryton.drop_db()
        store.copy(template(name), test_tryton.DB_NAME)
        forget_database_list()
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
    test_tryton.hopu_cache_exists = lambda name: store.exists(template(name))
    test_tryton.drop_db = _deferred_drop(test_tryton, store, db_uri)


def _deferred_drop(test_tryton, store, db_uri):
    """trytond's drop_db of a test database, the DROP DATABASE left to a
    thread of its own: PostgreSQL makes a checkpoint for each (3–10 s on
    this machine when the other jobs write), and every test class and
    scenario starts with one. The database is renamed out of the way at
    once (it has no connection left) and dropped in the background; the
    job waits for the last drops before it ends."""
    import atexit
    import itertools
    import queue

    import psycopg
    from psycopg import sql

    from trytond.cache import Cache
    from trytond.pool import Pool
    drop_db = test_tryton.drop_db
    names = queue.Queue()
    count = itertools.count()

    def dropper():
        while (name := names.get()) is not None:
            try:
                store.drop(name)
            finally:
                names.task_done()
    thread = threading.Thread(target=dropper, daemon=True)
    thread.start()

    def finish():
        names.put(None)
        thread.join()
    atexit.register(finish)

    def deferred_drop(name=test_tryton.DB_NAME):
        if not test_tryton.db_exist(name):
            return
        test_tryton.backend.Database(name).close()
        trash = f'{name}_trash{next(count)}'
        try:
            with psycopg.connect(db_uri.rstrip('/') + '/postgres',
                    autocommit=True) as connection:
                connection.execute(sql.SQL(
                        "ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(name), sql.Identifier(trash)))
        except psycopg.Error:
            # still in use: the plain drop, which waits
            return drop_db(name)
        test_tryton.backend.Database.clear_cache()
        Pool.stop(name)
        Cache.drop(name)
        test_tryton._TABLES_CREATED.clear()
        names.put(trash)
    return deferred_drop


# The patches of hopu_sysadmin (trytond_patches.py) a test job applies from
# its start, before the pool of a database with hopu_sysadmin would apply
# them: a test database made from nothing (the cache job's first set) reads
# the foreign keys of ir, res, party … (speed.fk_deltypes, 3 s a table on
# PostgreSQL), and every ModuleTestCase resolves the classes of each module
# by name (speed.import_module, 3 s a test)
EARLY_PATCHES = {
    'sqlite': {'speed.import_module'},
    'postgresql': {'speed.import_module', 'speed.fk_deltypes'},
    }


def _early_patches(backend):
    from trytond.modules.hopu_sysadmin import trytond_patches
    trytond_patches.apply(patches=[
            p for p in trytond_patches.PATCHES
            if p.name in EARLY_PATCHES[backend]])


def drop_stale_test_templates(db_uri=paths.DEFAULT_PG_URI):
    "The PostgreSQL test templates of older sources of this checkout"
    from trytond.modules.hopu_sysadmin import database_template
    store = database_template.PostgreSQL(db_uri)
    current = f'{TEST_TEMPLATE_PREFIX}{paths.source_digest()[:12]}_'
    for name in store.names(TEST_TEMPLATE_PREFIX):
        if not name.startswith(current):
            store.drop(name)
    # the test databases of jobs that ended without dropping them (killed)
    for name in store.names('test_hopu_'):
        pid = name.rsplit('_trash', 1)[0].rsplit('_', 1)[-1]
        if pid.isdigit() and not Path(f'/proc/{pid}').exists():
            store.drop(name)


# The modules of Hopu's own code: a deprecated call made there fails its test
HOPU_CODE = r'(trytond\.modules\.hopu_\w+|hopu_cli|tests)(\.|$)'


def deprecations_as_errors():
    """DeprecationWarning raised as an error for Hopu code, shown once for
    the others' code. A warning is Hopu's when the module it is attributed
    to is Hopu's, or, for the functions that warn about their own call
    without a stack level (grouped_slice without size, reduce_ids …),
    when their caller is."""
    import re
    import warnings
    hopu_code = re.compile(HOPU_CODE)
    warnings.simplefilter('default')
    warnings.filterwarnings(
        'error', category=DeprecationWarning, module=HOPU_CODE)
    warn = warnings.warn

    def hopu_warn(message, category=None, stacklevel=1, source=None):
        deprecation = (
            isinstance(message, DeprecationWarning)
            or (category is not None
                and issubclass(category, DeprecationWarning)))
        if deprecation and stacklevel == 1:
            caller = sys._getframe(1).f_back
            if caller and hopu_code.match(
                    caller.f_globals.get('__name__', '')):
                if isinstance(message, Warning):
                    raise message
                raise category(message)
        return warn(message, category, stacklevel + 1, source)
    warnings.warn = hopu_warn


class _TimedResult(unittest.TextTestResult):
    "A result that keeps each test's wall time, to show the slowest"

    def startTest(self, test):
        self._started = time.monotonic()
        # the time since the last test: the set-up of this test's class
        # or module (a database made, a server started)
        previous = getattr(self, '_stopped', getattr(self, '_run_start', None))
        if previous is not None and self._started - previous > 1:
            self.__dict__.setdefault('durations', []).append(
                (self._started - previous,
                    f'(set-up) {type(test).__module__}.'
                    f'{type(test).__qualname__}'))
        super().startTest(test)

    def startTestRun(self):
        self._run_start = time.monotonic()
        super().startTestRun()

    def stopTest(self, test):
        super().stopTest(test)
        self._stopped = time.monotonic()
        self.__dict__.setdefault('durations', []).append(
            (self._stopped - self._started, test.id()))

    def print_slowest(self, stream, elapsed, count=20):
        durations = sorted(getattr(self, 'durations', []), reverse=True)
        in_tests = sum(seconds for seconds, name in durations
            if not name.startswith('(set-up)'))
        stream.write(f"\n{in_tests:.1f}s in the tests, "
            f"{elapsed - in_tests:.1f}s in set-ups and tear-downs\n")
        stream.write(f"\nSlowest {min(count, len(durations))} tests:\n")
        for seconds, name in durations[:count]:
            stream.write(f"{seconds:8.1f}s  {name}\n")


def run_worker(backend, target, result_file, patterns=None, failfast=False):
    """In a child process: run one target on one backend and write counts.
    The backend 'browser' (all browser files in one process, on SQLite)
    is kept for running them by hand."""
    if backend == 'browser':
        backend = 'sqlite'
    db_uri = paths.DEFAULT_PG_URI if backend == 'postgresql' else 'sqlite'
    slug = _slug(backend, target)

    # A test process is one worker: no cache listener thread, which would
    # hold a connection to each test database and prevent dropping it
    os.environ.update(paths.trytond_environ(
            db_uri, name=f'test-{slug}',
            overrides={('cache', 'clean_timeout'): '300'}))
    os.environ.setdefault('DB_CACHE', str(paths.test_cache_dir(backend)))
    os.environ['DB_NAME'] = (
        f'test_hopu_{slug.split("-", 1)[1]}_{os.getpid()}'
        if backend == 'postgresql' else ':memory:')
    os.environ['HOPU_TEST_BACKEND'] = backend
    sys.path.insert(0, str(paths.ROOT))
    if backend == 'postgresql':
        _pg_template_cache(db_uri)
    _early_patches(backend)
    from trytond.tests import test_tryton, tools

    from . import test_cache
    activated = test_cache.install(test_tryton, tools)
    if target == CACHE:
        count = test_cache.warm(activated, paths.HOPU_MODULES)
        test_tryton.drop_db()
        print(f"{count} module sets activated and cached")
        Path(result_file).write_text(json.dumps(
                {'run': 0, 'failures': 0, 'errors': 0, 'skipped': 0}))
        return 0
    deprecations_as_errors()

    loader = unittest.TestLoader()
    if patterns:
        loader.testNamePatterns = [
            p if '*' in p else f'*{p}*' for p in patterns]
    suite = loader.loadTestsFromNames(_suites(target))
    # warnings=False: the filters of deprecations_as_errors stay
    runner = unittest.TextTestRunner(
        stream=sys.stdout, verbosity=2, failfast=failfast, warnings=False,
        resultclass=_TimedResult)
    started = time.monotonic()
    result = runner.run(suite)
    result.print_slowest(sys.stdout, time.monotonic() - started)
    counts = {
        'run': result.testsRun,
        'failures': len(result.failures) + len(result.unexpectedSuccesses),
        'errors': len(result.errors),
        'skipped': len(result.skipped),
        }
    Path(result_file).write_text(json.dumps(counts))
    return 0 if result.wasSuccessful() else 1


class _DemandSampler(threading.Thread):
    """How many cores a job would keep busy on an idle machine: the mean
    number of its processes (the test process, the servers, the browser,
    the PostgreSQL backends serving it excluded) that are running or
    waiting for a core (state R), sampled twice a second. Unlike processor
    time over wall time, it does not fall when other jobs take the cores."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples = []
        self._stop_event = threading.Event()

    def _runnable(self):
        children, states = {}, {}
        for entry in os.scandir('/proc'):
            if not entry.name.isdigit():
                continue
            try:
                with open(f'/proc/{entry.name}/stat') as fp:
                    stat = fp.read()
            except OSError:
                continue
            fields = stat[stat.rindex(')') + 2:].split()
            pid = int(entry.name)
            states[pid] = fields[0]
            children.setdefault(int(fields[1]), []).append(pid)
        count, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            count += states.get(pid) == 'R'
            todo.extend(children.get(pid, ()))
        return count

    def run(self):
        while not self._stop_event.wait(0.5):
            try:
                self.samples.append(self._runnable())
            except OSError:
                return

    def stop(self):
        self._stop_event.set()
        self.join()

    def demand(self):
        return (sum(self.samples) / len(self.samples)
            if self.samples else 0)


def _run_job(backend, target, args):
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f'{_slug(backend, target)}.log'
    result_file = LOGS / f'{_slug(backend, target)}.json'
    result_file.unlink(missing_ok=True)
    cmd = [sys.executable, '-m', 'hopu_cli.testing', backend, target,
        str(result_file)]
    for pattern in args.pattern or []:
        cmd += ['-k', pattern]
    if args.failfast:
        cmd.append('--failfast')
    start = time.monotonic()
    with open(log, 'w') as fp:
        process = subprocess.Popen(
            cmd, stdout=fp, stderr=subprocess.STDOUT, cwd=paths.ROOT,
            stdin=subprocess.DEVNULL)
        sampler = _DemandSampler(process.pid)
        sampler.start()
        # wait4: the processor time of the job's process tree
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = code = os.waitstatus_to_exitcode(status)
        sampler.stop()
    if result_file.exists():
        counts = json.loads(result_file.read_text())
    else:
        counts = {'run': 0, 'failures': 0, 'errors': 1, 'skipped': 0}
    counts['seconds'] = time.monotonic() - start
    counts['cpu'] = usage.ru_utime + usage.ru_stime
    counts['demand'] = sampler.demand()
    counts['code'] = code
    counts['log'] = log
    return backend, target, counts


DURATIONS = LOGS / 'durations.json'
DEMANDS = LOGS / 'demands.json'
# the durations and demands of a full run, committed: a fresh checkout (CI)
# orders and packs its jobs by them until it has its own
DURATIONS_SEED = Path(__file__).with_name('test_durations.json')
DEMANDS_SEED = Path(__file__).with_name('test_demands.json')


def _recorded(seed, path):
    "{'backend/target': number} of the committed seed, then of the last run"
    numbers = {}
    for source in [seed, path]:
        try:
            numbers.update(json.loads(source.read_text()))
        except (OSError, ValueError):
            pass
    return numbers


def _group(backend, target):
    "The line of the summary a job counts in"
    if target.startswith('browser'):
        return f'browser ({backend})'
    return backend


def _longest_first(jobs):
    """The jobs in the order of their last duration, longest first; without
    a record, PostgreSQL jobs (the slowest) before SQLite, the cross-module
    tests first in each, the browser last"""
    durations = _recorded(DURATIONS_SEED, DURATIONS)
    fallback = {'postgresql': 2, 'sqlite': 1}

    def key(job):
        backend, target = job
        return (target != CACHE, -durations.get(f'{backend}/{target}', -1),
            target.startswith('browser'), -fallback.get(backend, 0),
            target != 'tests')
    return sorted(jobs, key=key)


def _save_durations(results):
    "The durations and demands of the jobs run, kept for the next run"
    LOGS.mkdir(parents=True, exist_ok=True)
    for path, name, digits in [
            (DURATIONS, 'seconds', 1), (DEMANDS, 'demand', 2)]:
        try:
            numbers = json.loads(path.read_text())
        except (OSError, ValueError):
            numbers = {}
        for backend, target, counts in results:
            numbers[f'{backend}/{target}'] = round(counts[name], digits)
        path.write_text(json.dumps(numbers, indent=1, sort_keys=True))


# Jobs at a time: one per core, and one more when the demands of the running
# jobs and its own fit in the cores. The demand of a job is the mean number
# of cores it keeps busy, measured in its last run (see _DemandSampler): a
# module job keeps a core busy (about 1.0), the browser journeys and the
# cross-module tests wait on timers and on their servers half of the time
# (0.4-0.7), so a third light job soaks up what two of them leave idle. A
# job without a record counts as one core. Filling the cores with more jobs
# (a budget of cores + 0.25, four at a time) was measured slower: the demand
# of a job varies along it (its templates built first), the load reached 6
# and the every-screen walk (1.65) waited for a gap to the end of the run.
# --jobs or HOPU_TEST_JOBS set the jobs at a time without the third one.
CORES = os.cpu_count() or 1
DEMAND_BUDGET = CORES
MAX_JOBS = CORES + 1
DEFAULT_DEMAND = 1.0


def _fits(running, demand, base):
    """Whether a job of that demand starts beside the running jobs'
    demands: up to base jobs at any demand, one more when it fits"""
    return len(running) < base or (
        len(running) < MAX_JOBS and sum(running) + demand <= DEMAND_BUDGET)


# The first job of a backend: the test databases of the module sets,
# activated once (hopu_cli/test_cache.py); that backend's module and
# cross-module jobs start when it is done, the browser jobs at once
CACHE = 'cache'


def _needs(job):
    "The job a job waits for"
    backend, target = job
    if target == CACHE or target.startswith('browser'):
        return None
    return (backend, CACHE)


def _jobs(args, backends):
    "The (backend, target) jobs asked for"
    targets = args.module or paths.HOPU_MODULES + ['tests']
    jobs = [(b, CACHE) for b in backends if any(
                not t.startswith('browser') for t in targets)]
    for target in targets:
        if target == 'browser':
            jobs += browser_jobs(backends)
        elif target.startswith('browser/'):
            # a browser file named explicitly runs on every backend asked for
            jobs += [(backend, target) for backend in backends]
        else:
            jobs += [(b, target) for b in backends]
    if not args.no_browser and not args.module:
        jobs += browser_jobs(backends)
    return jobs


def main(args):
    backends = [b for b in args.backend.split(',') if b]
    for backend in backends:
        if backend not in {'sqlite', 'postgresql'}:
            sys.exit(f"unknown backend {backend!r}")
    jobs = _longest_first(_jobs(args, backends))
    if any(b == 'postgresql' for b, _ in jobs):
        ensure_postgresql()
        os.environ['PGOPTIONS'] = ' '.join(
            filter(None, [os.environ.get('PGOPTIONS'), TEST_PG_OPTIONS]))
        drop_stale_test_templates()
    asked = getattr(args, 'jobs', None) or os.environ.get('HOPU_TEST_JOBS')
    base = max(1, int(asked or CORES))
    workers = base if asked else MAX_JOBS
    recorded = _recorded(DEMANDS_SEED, DEMANDS)

    def demand(job):
        return recorded.get('/'.join(job), DEFAULT_DEMAND)

    results = []
    queue = list(jobs)
    done = set()
    running = {}
    lock = threading.Condition()
    start = time.monotonic()

    def ready(job):
        return _needs(job) is None or _needs(job) in done or (
            _needs(job) not in jobs)

    def fits(job):
        return _fits(list(running.values()), demand(job), base)

    def run_jobs():
        while True:
            with lock:
                while queue and not any(
                        ready(j) and fits(j) for j in queue):
                    lock.wait()
                if not queue:
                    return
                job = next(j for j in queue if ready(j) and fits(j))
                queue.remove(job)
                running[job] = demand(job)
            backend, target, counts = _run_job(*job, args)
            failed = counts['failures'] + counts['errors'] or counts['code']
            with lock:
                # a failed cache job lets the others run: they make their
                # databases themselves
                done.add(job)
                del running[job]
                lock.notify_all()
                results.append((backend, target, counts))
                print(f"[{'FAIL' if failed else 'ok'}] {backend:<10} "
                    f"{target:<28} {counts['run']:>4} tests "
                    f"{counts['seconds']:6.1f}s (cpu {counts['cpu']:6.1f}s, "
                    f"demand {counts['demand']:.2f} cores)"
                    f"  ({counts['log']})", flush=True)
                if failed:
                    print(counts['log'].read_text()[-20000:], flush=True)

    # A few at a time, the longest first, so that the workers end together
    with ThreadPoolExecutor(max_workers=workers) as executor:
        for future in [executor.submit(run_jobs) for _ in range(workers)]:
            future.result()
    _save_durations(results)
    wall = time.monotonic() - start
    cpu = sum(c['cpu'] for *_, c in results)
    print(f"\n{len(results)} jobs, {base} at a time and a light one more "
        f"(at most {workers}): {wall:.0f}s wall, "
        f"{cpu:.0f}s cpu ({cpu / wall if wall else 0:.2f} cores busy "
        f"of {os.cpu_count()})")

    print("\n== Tests run per backend ==")
    total_passed = total_failed = 0
    groups = []
    for backend, target in sorted(
            jobs, key=lambda j: (j[1].startswith('browser'),
                backends.index(j[0]))):
        if _group(backend, target) not in groups:
            groups.append(_group(backend, target))
    for group in groups:
        rows = [c for b, t, c in results if _group(b, t) == group]
        run = sum(c['run'] for c in rows)
        failed = sum(c['failures'] + c['errors'] for c in rows)
        skipped = sum(c['skipped'] for c in rows)
        crashed = sum(1 for c in rows if c['code'] and not (
                    c['failures'] + c['errors']))
        failed += crashed + skipped
        passed = run - failed if run >= failed else 0
        total_passed += passed
        total_failed += failed
        print(f"{group}: {run} tests run, {passed} passed, {failed} failed"
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
