"""What the benchmarks of bench/ share: the database server and the
databases they fill, the user's context as a request gets it, the
subtree of a supervisor in plain SQL, a count and a clock of the SQL
statements, and medians of functions sampled alternately (so that the load
of the machine weighs on each the same).

Not a benchmark itself; imported by the scripts next to it."""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in [ROOT, HERE]:
    if path not in sys.path:
        sys.path.insert(0, path)

HOPU = os.path.join(os.path.dirname(sys.executable), 'hopu')
DEFAULT_DB = 'postgresql://postgres@127.0.0.1:5432/'

# The employees of the user and everyone below them at any depth, as a
# hand-written query finds them (the ORM keeps the same list in a cache)
SUBTREE = '''
WITH RECURSIVE subtree (id) AS (
        SELECT e.id FROM company_employee e WHERE e.id = ANY(%(employees)s)
    UNION
        SELECT e.id FROM company_employee e
        JOIN subtree s ON e.supervisor = s.id)
'''


def use_server(db):
    """Point trytond at the database server, with the config `hopu config`
    writes (and its session options: the server's, see
    hopu_cli.paths.server_uri)"""
    from hopu_cli.paths import server_uri
    config = subprocess.run([HOPU, 'config', '--db', db],
        check=True, capture_output=True, text=True).stdout.strip()
    os.environ['TRYTOND_CONFIG'] = config
    os.environ['TRYTOND_DATABASE__URI'] = server_uri(db)


def exists(database):
    from trytond import backend
    return database in backend.Database('template1').connect().list()


def setup_database(database, db, demo=False):
    """A new database with every Hopu module (hopu setup-db), with the demo
    data when demo (a copy of the demo template, hopu setup-db --demo)"""
    subprocess.run([HOPU, 'setup-db', database, '--db', db]
        + (['--demo'] if demo else []), check=True)


def drop(database):
    "Drop the database, with the cache listener of this process"
    from trytond import backend
    from trytond.cache import Cache
    from trytond.pool import Pool
    Pool.stop(database)
    Cache.drop(database)
    backend.Database(database).close()
    main = backend.Database('template1').connect()
    connection = main.get_connection(autocommit=True)
    try:
        main.drop(connection, database)
    finally:
        main.put_connection(connection)


def user_context(database, user_id):
    """The context a request of the user runs with (the client sends the
    preferences) and the user's employees"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, user_id):
        User = Pool().get('res.user')
        context = User.get_preferences(context_only=True)
        employees = [e.id for e in User(user_id).employees]
    return context, employees


def user_ids(database, logins):
    "login → id of the users named"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0):
        User = Pool().get('res.user')
        return {u.login: u.id for u in User.search([('login', 'in', logins)])}


class Clock:
    """Count and time of the statements sent through cursor.execute (the
    database and the driver), since the last reset; optionally the
    statements themselves"""

    def __init__(self):
        self.db = 0.
        self.queries = 0
        self.statements = None

    def install(self):
        from trytond.backend.postgresql.database import LoggingCursor
        execute = LoggingCursor.execute
        clock = self

        def timed(cursor, query, params=None, **kwargs):
            start = time.perf_counter()
            try:
                return execute(cursor, query, params, **kwargs)
            finally:
                clock.db += time.perf_counter() - start
                clock.queries += 1
                if clock.statements is not None and query:
                    clock.statements.append((query, params))
        LoggingCursor.execute = timed
        return self

    def reset(self):
        self.db, self.queries = 0., 0


def alternate(runs, repeat, warm=3):
    """Median time in ms of each function of runs (name → callable), called
    in turn repeat times after warm calls each"""
    for _ in range(warm):
        for run in runs.values():
            run()
    samples = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(s) for name, s in samples.items()}


def median(values):
    return statistics.median(values)
