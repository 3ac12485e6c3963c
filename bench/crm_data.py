"""Data generator for the CRM visibility benchmark (CRM-2).

Fills a database where hopu_crm is activated with a sales organisation of
N salespeople in a 4-level tree, customers owned by them (a few in the pool
公海) and daily reports, with plain SQL (INSERT … SELECT generate_series),
then creates two logins: a second-level supervisor and a salesperson below
them, with the CRM role groups and the read right on 客户信息 (CRM-2).

Used by bench/crm_visibility.py; run it alone with
    .venv/bin/python bench/crm_data.py NAME [--salespeople 200] …
"""
import argparse
import random

from common import exists

LEVELS = 4
LOGINS = ['bench_supervisor', 'bench_salesperson']


def existing_users(database):
    """The bench logins of a database generated before (name → id), or None
    when it does not exist or has no benchmark data"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not exists(database):
        return None
    Pool(database).init()
    with Transaction().start(database, 0):
        User = Pool().get('res.user')
        users = {u.login: u.id
            for u in User.search([('login', 'in', LOGINS)])}
    return users if len(users) == len(LOGINS) else None


def level_sizes(salespeople):
    "Sizes of the 4 levels, growing ×4-5 per level: 200 → 2, 8, 40, 150"
    first = max(1, round(salespeople / 100))
    second = max(first, first * 4)
    third = max(second, second * 5)
    fourth = max(1, salespeople - first - second - third)
    return [first, second, third, fourth]


def _code(i):
    letters = 'B' + chr(ord('A') + (i // 9900) % 26)
    return f"{letters}{(i // 99) % 100:02d}{i % 99 + 1:02d}"


def organisation(company, salespeople, codes=True, prefix="业务员"):
    """The sales organisation, through the ORM (200 rows): the employees
    of each of the 4 levels, each under one of the level above"""
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    levels, previous, index = [], [], 0
    for depth, size in enumerate(level_sizes(salespeople)):
        parties = Party.create([
                {'name': f"{prefix}{depth + 1}-{n:03d}"}
                for n in range(size)])
        employees = Employee.create([{
                    'party': p.id, 'company': company.id,
                    'salesperson_code': _code(index + n) if codes else None,
                    'supervisor': (
                        previous[n % len(previous)].id if previous
                        else None),
                    } for n, p in enumerate(parties)])
        index += size
        levels.append(employees)
        previous = employees
    return levels


def generate(database, salespeople=200, customers=100_000, reports=500_000,
        seed=7):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    rng = random.Random(seed)
    Pool(database).init()
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        cursor = transaction.connection.cursor()

        companies = Company.search([], order=[('id', 'ASC')], limit=1)
        if companies:
            company, = companies
        else:
            Currency = pool.get('currency.currency')
            cny, = Currency.search([('code', '=', 'CNY')]) or Currency.create(
                [{'name': "人民币", 'code': 'CNY', 'symbol': '¥'}])
            party, = Party.create([{'name': "皓普基准测试有限公司"}])
            company, = Company.create([{
                        'party': party.id, 'currency': cny.id}])
        if Employee.search([('salesperson_code', 'like', 'B%')], limit=1):
            raise SystemExit(f"{database}: benchmark data already there")

        levels = organisation(company, salespeople)

        # Customers: 90 % to the salespeople of the last level, 5 % to the
        # third level, 5 % in the pool; plain SQL for speed
        owners = ([e.id for e in levels[-1]] * 18
            + [e.id for e in levels[-2]] * max(1, len(levels[-1]) // 40)
            + [None] * len(levels[-1]))
        cursor.execute('CREATE TEMPORARY TABLE bench_owner '
            '(n integer PRIMARY KEY, salesperson integer)')
        values = [(n, rng.choice(owners)) for n in range(customers)]
        for start in range(0, len(values), 10_000):
            chunk = values[start:start + 10_000]
            cursor.execute(
                'INSERT INTO bench_owner (n, salesperson) VALUES '
                + ','.join(['(%s, %s)'] * len(chunk)),
                [v for row in chunk for v in row])
        cursor.execute(
            'INSERT INTO party_party (name, code, active, crm_stage, '
            'salesperson, protection_end, recycled, create_uid, create_date) '
            "SELECT '客户' || substr(md5(o.n::text), 1, 8) || o.n, "
            "'BENCH' || o.n, true, "
            "(ARRAY['potential', 'follow_up', 'existing'])[1 + o.n % 3], "
            'o.salesperson, '
            "CASE WHEN o.n % 3 = 0 THEN CURRENT_DATE + (o.n % 30) END, "
            'false, 0, CURRENT_TIMESTAMP '
            'FROM bench_owner o')

        # Daily reports: the model is issue 5's; a table of the same shape
        # (customer, salesperson, date, text) gives the database its size
        cursor.execute('CREATE TABLE IF NOT EXISTS bench_daily_report ('
            'id serial PRIMARY KEY, customer integer, salesperson integer, '
            'date date, content text)')
        cursor.execute(
            'INSERT INTO bench_daily_report '
            '(customer, salesperson, date, content) '
            'SELECT p.id, p.salesperson, CURRENT_DATE - (g %% 365), '
            "'拜访客户,介绍产品,约定下次拜访时间。' "
            'FROM generate_series(1, %s) AS g '
            'JOIN party_party p ON p.code = '
            "'BENCH' || (g %% %s)",
            (reports, customers))
        cursor.execute('CREATE INDEX IF NOT EXISTS bench_daily_report_cust '
            'ON bench_daily_report (customer)')
        cursor.execute('CREATE INDEX IF NOT EXISTS bench_daily_report_sp '
            'ON bench_daily_report (salesperson, date)')
        cursor.execute('ANALYZE')
        transaction.commit()
        supervisor = levels[1][0]
        salesperson = next(e for e in levels[-1]
            if e.supervisor.supervisor == supervisor)
        users = _logins(supervisor, salesperson)
        transaction.commit()
        return users


def _logins(supervisor, salesperson):
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Program = pool.get('hopu.program')
    UserRight = pool.get('hopu.user.right')
    users = {}
    for login, employee, role in [
            ('bench_supervisor', supervisor, 'group_crm_supervisor'),
            ('bench_salesperson', salesperson, 'group_crm_salesperson')]:
        user, = User.create([{
                    'login': login, 'name': login,
                    'companies': [('add', [employee.company.id])],
                    'company': employee.company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'groups': [('add', [ModelData.get_id('hopu_crm', role)])],
                    }])
        program, = Program.search([('code', '=', 'CRM-2')])
        UserRight.create([{
                    'user': user.id, 'program': program.id,
                    'perm_read': True}])
        users[login] = user.id
    return users


# The rows of the demo the lists show, copied to scale it up: table, the
# rows copied, the owner's column (3 copies in 4 go to salespeople outside
# the demo's sales team, whom its supervisor does not see)
DEMO_TABLES = [
    ('party_party', 'crm_stage IS NOT NULL', 'salesperson'),
    ('hopu_crm_contact', None, None),
    ('hopu_crm_daily_report', None, 'salesperson'),
    ('hopu_crm_contact_record', None, 'salesperson'),
    ('sale_opportunity', None, 'employee'),
    ('hopu_contract', None, 'salesperson'),
    ('hopu_approval', None, None),
    ('hopu_crm_alert', None, 'salesperson'),
    ]
DEMO_MARK = 'BENCH-DEMO'


def scale_demo(database, copies=500, salespeople=50):
    """The demo data (hopu load-demo) copied `copies` times with plain SQL
    (INSERT … SELECT generate_series): the customers, contacts, daily
    reports, contact records, opportunities, contracts, approval steps and
    alerts, the values of unique text columns marked with the copy's
    number; and an organisation of other salespeople (4 levels, outside the
    demo's) who own 3 copies in 4. Return the row counts per table."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool(database).init()
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        cursor = transaction.connection.cursor()
        if Party.search([('name', 'like', DEMO_MARK + '%')], limit=1):
            raise SystemExit(f"{database}: demo already scaled")
        company, = Company.search([], order=[('id', 'ASC')], limit=1)
        Party.create([{'name': f"{DEMO_MARK} {copies}"}])
        others = [e.id for level in organisation(
                company, salespeople, codes=False, prefix="其他业务员")
            for e in level]
        # The demo has no contact record: one visit per customer daily
        # report of the demo
        cursor.execute(
            "INSERT INTO hopu_crm_contact_record (customer, contact, "
            "salesperson, kind, date, place, purpose, content, state, "
            "create_uid, create_date) "
            "SELECT customer, contact, salesperson, 'visit', "
            "date + TIME '10:00', '客户公司', '回访', content, 'done', 0, "
            "CURRENT_TIMESTAMP FROM hopu_crm_daily_report "
            "WHERE kind = 'customer' AND NOT EXISTS ("
            "SELECT 1 FROM hopu_crm_contact_record)")
        counts = {}
        for table, where, owner in DEMO_TABLES:
            columns = _columns(cursor, table)
            unique = _unique_text_columns(cursor, table)
            values = []
            for column in columns:
                quoted = f'"{column}"'
                if column in unique:
                    values.append(f"{quoted} || '-' || g")
                elif column == owner:
                    values.append(f"CASE WHEN g %% 4 = 0 THEN {quoted} "
                        f"ELSE (%(others)s::int[])[1 + g %% {len(others)}] "
                        "END")
                else:
                    values.append(quoted)
            names = ', '.join(f'"{c}"' for c in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) "
                f"SELECT {', '.join(values)} FROM {table}, "
                "generate_series(1, %(copies)s) AS g"
                + (f" WHERE {where}" if where else ""),
                {'others': others, 'copies': copies})
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"SELECT COUNT(*) FROM {table}"
                + (f" WHERE {where}" if where else ""))
            counts[table], = cursor.fetchone()
        transaction.commit()
    return counts


def scaled(database):
    "Whether scale_demo ran on the database"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0):
        Party = Pool().get('party.party')
        return bool(Party.search([('name', 'like', DEMO_MARK + '%')], limit=1))


def _columns(cursor, table):
    cursor.execute("SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' "
        "ORDER BY ordinal_position", (table,))
    return [c for c, in cursor]


def _unique_text_columns(cursor, table):
    "The text columns of the table's unique indexes"
    cursor.execute(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_attribute a ON a.attrelid = c.oid "
        "AND a.attnum = ANY(i.indkey) "
        "WHERE c.relname = %s AND i.indisunique AND NOT i.indisprimary "
        "AND a.atttypid IN ('varchar'::regtype, 'text'::regtype)",
        (table,))
    return {c for c, in cursor}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('name')
    parser.add_argument('--salespeople', type=int, default=200)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--reports', type=int, default=500_000)
    args = parser.parse_args()
    print(generate(args.name, args.salespeople, args.customers, args.reports))


if __name__ == '__main__':
    main()
