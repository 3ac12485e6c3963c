"""CRM-31 funnel benchmark: a second-level supervisor's sales funnel through
the ORM (the report model, under the record rules) next to the same
aggregate in plain SQL, on PostgreSQL.

    .venv/bin/python bench/crm_funnel.py \
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench_opportunity] [--salespeople 200]
        [--customers 100000] [--reports 500000] [--opportunities 100000]
        [--repeat 20] [--keep]

Creates the database with `hopu setup-db` (all Hopu modules), fills it
with bench/crm_data.py (the CRM-2 data set) and adds opportunities with
plain SQL (by default one per customer on average: 60 % open at one of the
five stages, 25 % won, 15 % lost, over the last year). Then, for the
second-level supervisor and for a salesperson below them, measures the
funnel as the web client gets it: one request `search` (the rows' ids) and
one request `read` (the figures), each in a fresh transaction with the
record rules applied and each computing the aggregate once; and the sales
statistics (won per salesperson and month) the same way. Each against the
same aggregate written in plain SQL in the same run. Prints the medians,
the ratio per request (the slower of search and read over SQL; target:
under 3) and the ratio of both requests together over one SQL query.
Drops the database at the end unless --keep. Not run by
`make test`."""
import argparse
import datetime as dt
import statistics
import time

import common
from common import SUBTREE, user_context

FUNNEL_SQL = SUBTREE + '''
SELECT o.stage, COUNT(*), SUM(COALESCE(o.amount, 0)),
    ROUND(SUM(COALESCE(o.amount, 0) * o.conversion_probability)::numeric, 2)
FROM sale_opportunity o
LEFT JOIN hopu_crm_opportunity_stage s ON s.id = o.stage
WHERE o.company = %(company)s
    AND o.state IN ('lead', 'opportunity', 'converted')
    AND o.start_date >= %(from_date)s AND o.start_date <= %(to_date)s
    AND o.employee IN (SELECT id FROM subtree)
GROUP BY o.stage
ORDER BY MAX(s.sequence), o.stage
'''
STATISTICS_SQL = SUBTREE + '''
SELECT o.employee, DATE_TRUNC('month', o.end_date)::date,
    SUM(CASE WHEN o.state = 'won' THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.state = 'won' THEN o.amount ELSE 0 END),
    SUM(CASE WHEN o.state = 'lost' THEN 1 ELSE 0 END)
FROM sale_opportunity o
WHERE o.company = %(company)s
    AND o.state IN ('won', 'lost')
    AND o.end_date >= %(from_date)s AND o.end_date <= %(to_date)s
    AND o.employee IN (SELECT id FROM subtree)
GROUP BY o.employee, DATE_TRUNC('month', o.end_date)
ORDER BY 2, 1
'''


def add_opportunities(database, count, customers, users):
    "Opportunities on the benchmark customers, in plain SQL"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Stage = pool.get('hopu.crm.opportunity.stage')
        Company = pool.get('company.company')
        Program = pool.get('hopu.program')
        UserRight = pool.get('hopu.user.right')
        company, = Company.search([], order=[('id', 'ASC')], limit=1)
        stages = [s.id for s in Stage.search([])]
        cursor = transaction.connection.cursor()
        cursor.execute(
            'INSERT INTO sale_opportunity (number, party, employee, '
            'company, currency, state, stage, amount, '
            'conversion_probability, start_date, end_date, description, '
            'create_uid, create_date) '
            "SELECT 'B' || g, p.id, p.salesperson, %(company)s, "
            '%(currency)s, '
            "CASE WHEN g %% 20 < 12 THEN (ARRAY['lead', 'opportunity', "
            "'converted'])[1 + g %% 3] WHEN g %% 20 < 17 THEN 'won' "
            "ELSE 'lost' END, "
            '(%(stages)s::int[])[1 + g %% 5], '
            '1000 + (g * 7919) %% 200000, '
            '(ARRAY[0.1, 0.3, 0.5, 0.7, 0.9])[1 + g %% 5], '
            'CURRENT_DATE - (g %% 365), '
            "CASE WHEN g %% 20 >= 12 THEN CURRENT_DATE - (g %% 300) END, "
            "'销售机会 ' || g, 0, CURRENT_TIMESTAMP "
            'FROM generate_series(1, %(count)s) AS g '
            "JOIN party_party p ON p.code = 'BENCH' || (g %% %(customers)s) "
            'WHERE p.salesperson IS NOT NULL',
            {'company': company.id, 'currency': company.currency.id,
                'stages': stages, 'count': count,
                'customers': customers})
        cursor.execute('ANALYZE sale_opportunity')
        programs = Program.search([('code', 'in', [
                        'CRM-30', 'CRM-31', 'CRM-31-statistics'])])
        UserRight.create([{
                    'user': u, 'program': p.id, 'perm_read': True}
                for u in users.values() for p in programs])
        transaction.commit()
        return company.id


def measure(database, user_id, company_id, repeat):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access

    today = dt.date.today()
    period = {
        'from_date': today - dt.timedelta(days=365), 'to_date': today,
        'period': 'month'}
    context, employees = user_context(database, user_id)
    context.update(company=company_id, **period)
    params = {'employees': employees, 'company': company_id, **period}

    def orm_search(model):
        def run():
            with Transaction().start(
                    database, user_id, context=context, readonly=True):
                Model = Pool().get(model)
                with check_access():
                    return list(map(int, Model.search([])))
        return run

    def orm_read(model, fields, ids):
        def run():
            with Transaction().start(
                    database, user_id, context=context, readonly=True):
                Model = Pool().get(model)
                with check_access():
                    return Model.read(ids, fields)
        return run

    def sql(query):
        def run():
            with Transaction().start(
                    database, user_id, context=context,
                    readonly=True) as transaction:
                cursor = transaction.connection.cursor()
                cursor.execute(query, params)
                return cursor.fetchall()
        return run

    results = {}
    for name, model, fields, query, key in [
            ('funnel', 'hopu.crm.opportunity.funnel',
                ['stage', 'number', 'amount', 'weighted_amount'],
                FUNNEL_SQL,
                lambda r: (r['stage'], r['number'], r['amount'],
                    r['weighted_amount'])),
            ('statistics', 'hopu.crm.opportunity.statistics',
                ['employee', 'date', 'won', 'won_amount', 'lost'],
                STATISTICS_SQL,
                lambda r: (r['employee'], r['date'], r['won'],
                    r['won_amount'], r['lost'])),
            ]:
        search_run, sql_run = orm_search(model), sql(query)
        read_run = orm_read(model, fields, search_run())
        # Same figures: the rules reach what the SQL reaches
        orm_rows = sorted(map(key, read_run()), key=repr)
        sql_rows = sorted(map(tuple, sql_run()), key=repr)
        assert [tuple(map(str, r)) for r in orm_rows] == [
            tuple(map(str, r)) for r in sql_rows], (
            f"{name}: ORM and SQL disagree", orm_rows[:3], sql_rows[:3])
        timings = {}
        for kind, run in [
                ('search', search_run), ('read', read_run),
                ('sql', sql_run)]:
            run()
            samples = []
            for _ in range(repeat):
                start = time.perf_counter()
                run()
                samples.append((time.perf_counter() - start) * 1000)
            timings[kind] = statistics.median(samples)
        count = sum(r[1] for r in sql_rows) if name == 'funnel' else len(
            sql_rows)
        results[name] = (timings, count)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench_opportunity')
    parser.add_argument('--salespeople', type=int, default=200)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--reports', type=int, default=500_000)
    parser.add_argument('--opportunities', type=int, default=100_000)
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it has the benchmark data, and keep it")
    args = parser.parse_args()

    import crm_data
    common.use_server(args.db)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    users = crm_data.existing_users(args.name) if args.keep else None
    if users:
        with Transaction().start(args.name, 0):
            Company = Pool().get('company.company')
            company_id = Company.search([], limit=1)[0].id
    else:
        common.setup_database(args.name, args.db)
        users = crm_data.generate(
            args.name, args.salespeople, args.customers, args.reports)
        Pool(args.name).init()
        company_id = add_opportunities(
            args.name, args.opportunities, args.customers, users)
        print(f"generated {args.salespeople} salespeople, "
            f"{args.customers} customers, {args.reports} daily reports, "
            f"{args.opportunities} opportunities "
            f"in {time.perf_counter() - start:.0f} s")
    Pool(args.name).init()

    # The client makes two requests: search (the ids), then read (the
    # figures); each computes the aggregate once, as the SQL does
    print(f"{'login':18} {'report':11} {'rows':>6} {'search':>7} "
        f"{'read':>7} {'SQL ms':>7} {'ratio/request':>13} {'ratio total':>11}")
    for login in ['bench_supervisor', 'bench_salesperson']:
        results = measure(args.name, users[login], company_id, args.repeat)
        for name, (timings, count) in results.items():
            sql_ms = timings['sql']
            per_request = max(timings['search'], timings['read']) / sql_ms
            total = (timings['search'] + timings['read']) / sql_ms
            print(f"{login:18} {name:11} {count:6d} "
                f"{timings['search']:7.1f} {timings['read']:7.1f} "
                f"{sql_ms:7.1f} {per_request:13.2f} {total:11.2f}")
    if not args.keep:
        common.drop(args.name)
        print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
