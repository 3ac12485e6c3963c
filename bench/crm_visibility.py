"""CRM-2 visibility benchmark: the customer list through the ORM with the
record rules, next to the same query in plain SQL, on PostgreSQL.

    .venv/bin/python bench/crm_visibility.py \
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench] [--salespeople 200] [--customers 100000]
        [--reports 500000] [--repeat 50] [--keep] [--drop]

Creates the database with `hopu setup-db` (all Hopu modules), fills it with
bench/crm_data.py, then for a second-level supervisor and for a
salesperson measures one customer-list request: search + read of 80 rows in
the default order (name, id) with the columns of the customer list, each in
a fresh transaction as a request would be, ORM and SQL alternately. Prints
the medians and the ratios ORM / SQL for three spans: the whole request
(transaction start to end), inside the transaction (search + read against
execute + fetch), in cursor.execute (the statements the ORM sends against
the one plain statement, as the client waits for them) and on the server
(planning + execution time of the same statements by EXPLAIN ANALYZE, the
query-only part), then the ORM request in parts. Targets (issue 4): ratio
under 3, supervisor list under
150 ms. Not run by `make test`."""
import argparse
import statistics
import time

import common
from common import SUBTREE, Clock, user_context

FIELDS = [
    'code', 'name', 'crm_stage', 'salesperson_name',
    'salesperson_code', 'protection_end']

SQL = SUBTREE + '''
SELECT p.id, p.code, p.name, p.crm_stage, ep.name, e.salesperson_code,
    p.protection_end
FROM party_party p
LEFT JOIN company_employee e ON e.id = p.salesperson
LEFT JOIN party_party ep ON ep.id = e.party
WHERE p.active AND p.crm_stage IS NOT NULL
    AND (p.salesperson IN (SELECT id FROM subtree)
        OR p.salesperson IS NULL)
ORDER BY p.name, p.id
LIMIT 80
'''


def measure(database, user_id, repeat, clock):
    """Median times (ms) of one customer-list request through the ORM and
    in plain SQL, sampled alternately so that the load of the machine
    weighs on both the same; by phase: the whole request (transaction
    start to end), inside the transaction (search + read, execute + fetch)
    and in the database (cursor.execute)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access

    context, employees = user_context(database, user_id)

    def orm(times):
        start = time.perf_counter()
        with Transaction().start(
                database, user_id, context=context, readonly=True):
            clock.reset()
            inside = time.perf_counter()
            Party = Pool().get('party.party')
            with check_access():
                ids = list(map(int, Party.search(
                            [('crm_stage', '!=', None)], limit=80)))
                searched = time.perf_counter()
                rows = Party.read(ids, FIELDS)
            end = time.perf_counter()
            db, queries = clock.db, clock.queries
        times.append({
                'request': time.perf_counter() - start,
                'inside': end - inside, 'db': db, 'queries': queries,
                'search': searched - inside, 'read': end - searched})
        return ids, rows

    def sql(times):
        start = time.perf_counter()
        with Transaction().start(
                database, user_id, context=context,
                readonly=True) as transaction:
            clock.reset()
            inside = time.perf_counter()
            cursor = transaction.connection.cursor()
            cursor.execute(SQL, {'employees': employees})
            rows = cursor.fetchall()
            end = time.perf_counter()
            db, queries = clock.db, clock.queries
        times.append({
                'request': time.perf_counter() - start,
                'inside': end - inside, 'db': db, 'queries': queries})
        return rows

    (orm_ids, orm_rows), sql_rows = orm([]), sql([])
    # Same rows, same order: the rules reach what the SQL reaches
    assert orm_ids == [r[0] for r in sql_rows], "ORM and SQL disagree"
    assert len(orm_rows) == len(sql_rows)
    for _ in range(3):
        orm([]), sql([])
    # The statements of one warm request on each side
    statements = {}
    for side, func in [('orm', orm), ('sql', sql)]:
        clock.statements = statements[side] = []
        func([])
    clock.statements = None
    orm_times, sql_times = [], []
    for _ in range(repeat):
        orm(orm_times)
        sql(sql_times)

    def median(times, key):
        return statistics.median(t[key] for t in times) * (
            1000 if key != 'queries' else 1)
    timings = {
        (side, key): median(times, key)
        for side, times in [('orm', orm_times), ('sql', sql_times)]
        for key in times[0]}

    # The server's own time (planning + execution) of the statements
    with Transaction().start(database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        for side, side_statements in statements.items():
            samples = []
            for _ in range(repeat):
                total = 0.
                for query, params in side_statements:
                    cursor.execute(
                        'EXPLAIN (ANALYZE, FORMAT JSON) ' + query, params)
                    plan, = cursor.fetchone()[0]
                    total += plan['Planning Time'] + plan['Execution Time']
                samples.append(total)
            timings[side, 'server'] = statistics.median(samples)

    with Transaction().start(database, user_id, context=context):
        Party = Pool().get('party.party')
        with check_access():
            reach = Party.search_count([('crm_stage', '!=', None)])
    return timings, reach


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench')
    parser.add_argument('--salespeople', type=int, default=200)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--reports', type=int, default=500_000)
    parser.add_argument('--repeat', type=int, default=50)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it has the benchmark data")
    parser.add_argument('--drop', action='store_true',
        help="drop the database at the end")
    args = parser.parse_args()

    import crm_data
    common.use_server(args.db)
    from trytond.pool import Pool

    start = time.perf_counter()
    users = crm_data.existing_users(args.name) if args.keep else None
    if not users:
        common.setup_database(args.name, args.db)
        users = crm_data.generate(
            args.name, args.salespeople, args.customers, args.reports)
        print(f"generated {args.salespeople} salespeople, "
            f"{args.customers} customers, {args.reports} daily reports "
            f"in {time.perf_counter() - start:.0f} s")
    Pool(args.name).init()

    clock = Clock()
    clock.install()
    results = {}
    for login in ['bench_supervisor', 'bench_salesperson']:
        results[login] = measure(args.name, users[login], args.repeat, clock)
    print(f"median of {args.repeat} requests each, ORM and SQL alternately")
    print(f"{'':28}{'whole request':>22}  {'in transaction':>22}  "
        f"{'cursor.execute':>22}  {'server (EXPLAIN)':>22}")
    print(f"{'login':20} {'reach':>7}" + f"{'ORM ms':>9} {'SQL ms':>6} "
        f"{'ratio':>5}  " * 4 + "queries")
    for login, (t, reach) in results.items():
        line = f"{login:20} {reach:7d}"
        for key in ['request', 'inside', 'db', 'server']:
            line += (f"{t['orm', key]:9.1f} {t['sql', key]:6.1f} "
                f"{t['orm', key] / t['sql', key]:5.2f}  ")
        print(line + f"{t['orm', 'queries']:.0f} / {t['sql', 'queries']:.0f}")
    print("ORM request in parts (ms): "
        + "; ".join(f"{login} search {t['orm', 'search']:.1f}, "
            f"read {t['orm', 'read']:.1f}, transaction start/end "
            f"{t['orm', 'request'] - t['orm', 'inside']:.1f}"
            for login, (t, _) in results.items()))
    if args.drop:
        common.drop(args.name)
        print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
