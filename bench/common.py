"""What the benchmarks of bench/ share: the database server and the
databases they fill, the user's context as a request gets it, the
subtree of a supervisor in plain SQL, a count and a clock of the SQL
statements, medians of functions sampled alternately (so that the load
of the machine weighs on each the same), and the list request of a menu
entry through the ORM against the same rows in plain SQL (open_action,
list_request).

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


def vacuum(database, tables):
    """VACUUM ANALYZE the tables after a bulk load: the visibility map set
    (index-only scans) and the statistics, as autovacuum leaves a table
    in use"""
    from trytond import backend
    db = backend.Database(database).connect()
    connection = db.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    finally:
        db.put_connection(connection)


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


PAGES = [8, 80]


def open_action(database, user_id, context, menu, tab=0):
    """What the web client gets when the user opens the menu entry: the
    model, the domain (the action's and its tab's, the first by default),
    the order, the context and the fields it reads for a page of the list.
    menu: (module, XML id) or (None, its zh_CN name)"""
    from trytond.modules.hopu_sysadmin.tests.list_queries import list_fields
    from trytond.pool import Pool
    from trytond.pyson import PYSONDecoder
    from trytond.transaction import Transaction

    module, name = menu
    with Transaction().start(database, user_id, context=context):
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')
        if module:
            menu_id = ModelData.get_id(module, name)
        else:
            with Transaction().set_context(language='zh_CN'):
                menu_id, = Menu.search([('name', '=', name)], limit=1)
                menu_id = int(menu_id)
        action, = Keyword.get_keyword('tree_open', ('ir.ui.menu', menu_id))
        evaluation = dict(context, context=context, active_id=None)
        decoder = PYSONDecoder(evaluation)
        action_context = decoder.decode(action.get('pyson_context') or '{}')
        domain = decoder.decode(action.get('pyson_domain') or '[]')
        if action.get('domains'):
            domain = [domain, decoder.decode(
                    action['domains'][tab][1] or '[]')]
        order = decoder.decode(action.get('pyson_order') or '[]') or None
        tree = next(v for v, type_ in action['views'] if type_ == 'tree')
        # The fields sao reads, as the tests count them
        fields = list_fields(pool.get(action['res_model']), tree)
    return (action['res_model'], domain, order,
        dict(context, **action_context), fields)


def same_ids(limit, ids, rows, sql_rows):
    "The check of list_request by default: same rows in the same order"
    sql_ids = [r[0] for r in sql_rows]
    assert ids == sql_ids, ("ORM and SQL disagree", ids[:8], sql_ids[:8])


def list_request(database, user_id, context, model, domain, order, fields,
        query, params, repeat, clock, check=same_ids, pages=PAGES,
        statements=False):
    """One list request of the web client through the ORM (search of a page
    in the domain and order + read of the fields, the methods called as the
    RPC dispatcher calls them (``RPC.decorate``, ``RPC.result``), with the
    access checks and record rules, as the user, in a read-only
    transaction) against one
    SQL statement returning the same rows (query with params and limit, in
    a transaction of its own). check(limit, ids, rows, sql_rows) is called
    for each size of pages before the timing. Returns the medians in ms of
    repeat requests of the last size of pages, sampled alternately ('orm',
    'sql'), the SQL statements of a warm ORM request at each size
    ('queries'), the ORM's rows at the last size ('rows') and, with
    statements, the (statement, params) of the warm request of the last size
    ('statements')."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    queries = {}

    def orm(limit):
        def run():
            with Transaction().start(
                    database, user_id, context=context, readonly=True):
                clock.reset()
                Model = Pool().get(model)
                # the methods as the dispatcher calls them for sao
                search = Model.__rpc__['search']
                read = Model.__rpc__['read']
                with check_access():
                    ids = search.result(search.decorate(Model.search)(
                            domain, 0, limit, order))
                    rows = read.result(read.decorate(Model.read)(
                            ids, fields))
                queries[limit] = clock.queries
            return ids, rows
        return run

    def sql(limit):
        def run():
            with Transaction().start(
                    database, user_id, context=context,
                    readonly=True) as transaction:
                cursor = transaction.connection.cursor()
                cursor.execute(query, dict(params, limit=limit))
                return cursor.fetchall()
        return run

    for limit in pages:
        ids, rows = orm(limit)()
        check(limit, ids, rows, sql(limit)())
    limit = pages[-1]
    timings = alternate({'orm': orm(limit), 'sql': sql(limit)}, repeat)
    # the statements of warm requests (caches filled)
    for limit in pages:
        if statements and limit == pages[-1]:
            clock.statements = []
        orm(limit)()
    shown, clock.statements = clock.statements, None
    return dict(timings, queries=tuple(queries[p] for p in pages), rows=rows,
        statements=shown)


def median(values):
    return statistics.median(values)
