"""Benchmark (CON-4/CON-5): an approver's 「待我审批」 list and a contract's
version history with many contracts, on PostgreSQL.

    .venv/bin/python bench/contract_approvals.py --contracts 50000

Creates (or reuses) the database, fills it with plain SQL (employees in a
two-level hierarchy, existing customers, contracts, two versions each and
their approval steps, a share of them pending), then times, as a supervisor
user through the ORM with record rules and access checks:

- the pending approvals list (search + read of the list view's fields),
- the version history of one contract (search + read),

and the same pending list in plain SQL, printing the ratio. Targets: under
150 ms each. Not run by `make test`.
"""
import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hopu_cli import database, paths  # noqa: E402


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--contracts', type=int, default=50000)
    parser.add_argument('--salespeople', type=int, default=200)
    parser.add_argument('--supervisors', type=int, default=20)
    parser.add_argument('--pending', type=float, default=0.1,
        help="share of contracts with a pending step")
    parser.add_argument('--db', default='hopu_bench_contract')
    parser.add_argument('--uri', default=paths.DEFAULT_PG_URI)
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--fresh', action='store_true',
        help="drop the data of an earlier run first")
    return parser.parse_args()


FILL = """
INSERT INTO party_party (
        name, code, crm_stage, active, create_uid, create_date)
    SELECT 'BENCH customer ' || g, 'BC' || g, 'existing', true, 0, now()
    FROM generate_series(1, %(customers)s) g;
INSERT INTO party_party (name, code, active, create_uid, create_date)
    SELECT 'BENCH employee ' || g, 'BE' || g, true, 0, now()
    FROM generate_series(1, %(supervisors)s + %(salespeople)s) g;
INSERT INTO company_employee (party, company, create_uid, create_date)
    SELECT p.id, %(company)s, 0, now() FROM party_party p
    WHERE p.code LIKE 'BE%%' ORDER BY p.id;
"""


def fill(args, cursor, company, admin_user):
    customers = max(args.contracts // 10, 1)
    cursor.execute(
        "SELECT currency FROM company_company WHERE id = %s", (company,))
    currency, = cursor.fetchone()
    cursor.execute(FILL % {
            'customers': customers, 'supervisors': args.supervisors,
            'salespeople': args.salespeople, 'company': company})
    cursor.execute(
        "SELECT e.id FROM company_employee e JOIN party_party p "
        "ON p.id = e.party WHERE p.code LIKE 'BE%%' ORDER BY e.id")
    employees = [r[0] for r in cursor.fetchall()]
    supervisors = employees[:args.supervisors]
    salespeople = employees[args.supervisors:]
    cursor.execute(
        "UPDATE company_employee SET supervisor = %s WHERE id = %s",
        (None, supervisors[0]))
    for i, employee in enumerate(salespeople):
        cursor.execute(
            "UPDATE company_employee SET supervisor = %s WHERE id = %s",
            (supervisors[i % len(supervisors)], employee))
    cursor.execute(
        "SELECT min(id), max(id) FROM party_party WHERE code LIKE 'BC%%'")
    cmin, cmax = cursor.fetchone()
    sp_min, n_sp = salespeople[0], len(salespeople)
    cursor.execute(f"""
        INSERT INTO hopu_contract (company, number, type, party, salesperson,
            signing_date, start_date, end_date, amount, state, version,
            create_sale, create_uid, create_date)
        SELECT {company}, 'BENCH-' || g, 'service',
            {cmin} + (g % {cmax - cmin + 1}), {sp_min} + (g % {n_sp}),
            DATE '2026-01-01' + (g % 300), DATE '2026-01-01' + (g % 300),
            DATE '2027-01-01' + (g % 300), 10000 + g, 'approved', 3,
            false, 0, now()
        FROM generate_series(1, {args.contracts}) g""")
    cursor.execute(
        "SELECT min(id), max(id) FROM hopu_contract "
        "WHERE number LIKE 'BENCH-%%'")
    kmin, kmax = cursor.fetchone()
    # two earlier versions of every contract
    cursor.execute(f"""
        INSERT INTO hopu_contract_version (contract, number, amount,
            signing_date, start_date, end_date, salesperson, create_uid,
            create_date)
        SELECT c.id, v, c.amount - v, c.signing_date, c.start_date,
            c.end_date, c.salesperson, 0, now()
        FROM hopu_contract c CROSS JOIN generate_series(1, 2) v
        WHERE c.id BETWEEN {kmin} AND {kmax}""")
    # every contract went through one approved round; some are waiting
    # now for their supervisor on a change
    cursor.execute(f"""
        INSERT INTO hopu_approval (contract, document, document_kind,
            document_name, company, party, salesperson, currency, amount,
            round, sequence, name, approver_type, level, approver_employee,
            approver, state, create_uid, create_date)
        SELECT c.id, 'hopu.contract,' || c.id, 'hopu.contract', c.number,
            c.company, c.party, c.salesperson, {currency}, c.amount, 1, 1,
            'supervisor', 'supervisor', 1, e.supervisor, 'supervisor',
            'approved', 0, now()
        FROM hopu_contract c JOIN company_employee e ON e.id = c.salesperson
        WHERE c.id BETWEEN {kmin} AND {kmax}""")
    step = max(int(1 / args.pending), 1)
    cursor.execute(f"""
        INSERT INTO hopu_approval (contract, document, document_kind,
            document_name, company, party, salesperson, currency, amount,
            round, sequence, name, approver_type, level, approver_employee,
            approver, state, opened, create_uid, create_date)
        SELECT c.id, 'hopu.contract,' || c.id, 'hopu.contract', c.number,
            c.company, c.party, c.salesperson, {currency}, c.amount, 2, 1,
            'supervisor', 'supervisor', 1, e.supervisor, 'supervisor',
            'pending', now(), 0, now()
        FROM hopu_contract c JOIN company_employee e ON e.id = c.salesperson
        WHERE c.id BETWEEN {kmin} AND {kmax}
            AND abs(hashtext(c.number)) % {step} = 0""")
    cursor.execute("ANALYZE")
    return supervisors, kmin


def main():
    args = parse()
    if not database.exists(args.db, args.uri):
        database.create_empty(args.db, args.uri)
    if not database.is_initialised(args.db, args.uri):
        print("activating hopu_contract…", flush=True)
        database.admin(args.db, args.uri, ['hopu_contract'],
            languages=(), password='admin', email='admin@example.com')
    os.environ.update(paths.trytond_environ(args.uri, name='bench'))

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(args.db)
    with Transaction().start(args.db, 0) as transaction:
        pool.init()
        User = pool.get('res.user')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Currency = pool.get('currency.currency')
        Program = pool.get('hopu.program')
        UserRight = pool.get('hopu.user.right')
        Group = pool.get('res.group')
        cursor = transaction.connection.cursor()
        cursor.execute(
            "SELECT count(*) FROM hopu_contract WHERE number LIKE 'BENCH-%%'")
        have, = cursor.fetchone()
        if args.fresh or have != args.contracts:
            for table in ['hopu_approval', 'hopu_contract_version',
                    'hopu_contract']:
                cursor.execute(f'DELETE FROM "{table}"')
            cursor.execute("DELETE FROM res_user WHERE login = 'bench_sup'")
            cursor.execute(
                "DELETE FROM company_employee WHERE party IN "
                "(SELECT id FROM party_party WHERE code LIKE 'BE%%')")
            cursor.execute("DELETE FROM party_party WHERE code LIKE 'B_%%'")
            companies = Company.search([])
            if companies:
                company = companies[0]
            else:
                currency, = Currency.create([{
                            'name': "人民币", 'code': 'CNY', 'symbol': '¥',
                            'rounding': Decimal('0.01'), 'digits': 2}])
                party, = Party.create([{'name': "皓普科技"}])
                company, = Company.create([{
                            'party': party.id, 'currency': currency.id}])
            print(f"filling {args.contracts} contracts…", flush=True)
            start = time.perf_counter()
            supervisors, _ = fill(args, cursor, company.id, 1)
            group = Group(pool.get('ir.model.data').get_id(
                    'hopu_crm', 'group_crm_supervisor'))
            user, = User.create([{
                        'login': 'bench_sup', 'name': "Bench Supervisor",
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [supervisors[1]])],
                        'employee': supervisors[1],
                        'groups': [('add', [group.id])],
                        }])
            for code in ['CON-1', 'CON-4']:
                program, = Program.search([('code', '=', code)])
                UserRight.create([{
                            'user': user.id, 'program': program.id,
                            'perm_read': True, 'perm_write': True,
                            'perm_approve': True}])
            transaction.commit()
            print(f"filled in {time.perf_counter() - start:.1f} s")
        user, = User.search([('login', '=', 'bench_sup')])
        user_id = user.id
        cursor.execute(
            "SELECT c.id FROM hopu_contract c "
            "JOIN company_employee e ON e.id = c.salesperson "
            "WHERE e.supervisor = %s ORDER BY c.id LIMIT 1",
            (user.employee.id,))
        contract_id, = cursor.fetchone()

    def timed(func):
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = func()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times), result

    # the fields of the 「待我审批」 list view (hopu_approval)
    list_fields = ['document_kind', 'document_name', 'party.rec_name',
        'salesperson.rec_name', 'amount', 'currency', 'round', 'name',
        'approver', 'opened', 'state', 'decided_by.rec_name', 'decided',
        'comment']
    with Transaction().start(args.db, user_id, readonly=True) as transaction:
        User = pool.get('res.user')
        Approval = pool.get('hopu.approval')
        Version = pool.get('hopu.contract.version')
        context = User.get_preferences(context_only=True)
        with transaction.set_context(context, _check_access=True):
            def pending():
                ids = Approval.search(
                    [('to_approve_by_me', '=', True)], limit=100,
                    order=[('opened', 'ASC'), ('id', 'ASC')])
                return Approval.read([a.id for a in ids], list_fields)

            def history():
                ids = Version.search([('contract', '=', contract_id)])
                return Version.read([v.id for v in ids], [
                        'contract.rec_name', 'number', 'change', 'amount',
                        'start_date', 'end_date', 'salesperson.rec_name',
                        'create_date'])
            pending()
            history()
            t_pending, rows = timed(pending)
            t_history, versions = timed(history)

        cursor = transaction.connection.cursor()
        employees = list(pool.get('ir.rule')._hopu_employees())
        groups = list(User.get_groups())

        def plain():
            cursor.execute(
                "SELECT a.id, a.document_name, p.name, a.name, a.state, "
                "a.amount, a.approver, a.opened "
                "FROM hopu_approval a "
                "LEFT JOIN party_party p ON p.id = a.party "
                "WHERE a.state = 'pending' AND (a.approver_user = %s "
                "OR a.approver_group = ANY(%s) "
                "OR a.approver_employee = ANY(%s)) "
                "ORDER BY a.opened, a.id LIMIT 100",
                (user_id, groups, employees))
            return cursor.fetchall()
        plain()
        t_plain, sql_rows = timed(plain)

    print(f"contracts: {args.contracts}, versions: {2 * args.contracts}, "
        f"pending for the approver: {len(rows)} (first 100)")
    print(f"「待我审批」 pending list (ORM, rules): {t_pending:.1f} ms "
        f"{'OK' if t_pending < 150 else 'SLOW'} (target < 150 ms)")
    print(f"plain SQL pending list: {t_plain:.1f} ms; "
        f"ratio ORM/SQL: {t_pending / t_plain:.1f}")
    print(f"version history ({len(versions)} versions): {t_history:.1f} ms "
        f"{'OK' if t_history < 150 else 'SLOW'} (target < 150 ms)")
    assert len(rows) == len(sql_rows), (len(rows), len(sql_rows))


if __name__ == '__main__':
    main()
