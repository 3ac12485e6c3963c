#!/usr/bin/env python3
"""Benchmark of SYS-5/SYS-6/SYS-8 (hopu_sysadmin), not run by the tests.

    .venv/bin/python bench/sysadmin_rights.py [--db sqlite|postgresql://...]
        [--users 500] [--programs 200] [--targets 100]

Prints, each in seconds:
- compiling 200 programs into Tryton groups and access rows;
- compiling the rights of 500 users × 200 programs into group memberships;
- copying one user's rights to 100 users (SYS-6; goal: under 2 s);
- the overview report (SYS-8) for 500 users (goal: under 10 s)."""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default='sqlite')
    parser.add_argument('--users', type=int, default=500)
    parser.add_argument('--programs', type=int, default=200)
    parser.add_argument('--targets', type=int, default=100)
    args = parser.parse_args()

    from hopu_cli import paths
    backend = paths.backend_name(args.db)
    os.environ.update(paths.trytond_environ(args.db, name='bench'))
    os.environ['DB_NAME'] = (
        ':memory:' if backend == 'sqlite' else f'bench_hopu_{os.getpid()}')
    os.environ.setdefault('DB_CACHE', str(paths.test_cache_dir(backend)))

    from trytond.tests.test_tryton import activate_module, drop_db
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    activate_module(['hopu_sysadmin'])
    from trytond.tests.test_tryton import DB_NAME
    try:
        with Transaction().start(DB_NAME, 0, context={}) as transaction:
            run(Pool(DB_NAME), args)
            transaction.rollback()
    finally:
        if backend != 'sqlite':
            drop_db()


def timed(label, func, goal=None):
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    goal_text = f" (goal < {goal} s: {'OK' if seconds < goal else 'SLOW'})" \
        if goal else ''
    print(f"{label}: {seconds:.2f} s{goal_text}", flush=True)
    return result


def run(pool, args):
    Program = pool.get('hopu.program')
    User = pool.get('res.user')
    UserRight = pool.get('hopu.user.right')
    Report = pool.get('hopu.user.right.overview.report', type='report')
    RIGHTS = ['read', 'create', 'write', 'delete', 'print', 'export',
        'approve']

    programs = timed(
        f"create and compile {args.programs} programs",
        lambda: Program.create([{
                        'code': f'BENCH-{i:03d}', 'name': f"程序 {i}",
                        'model_names': 'hopu.account_set',
                        } for i in range(args.programs)]))
    users = User.create([{
                'login': f'bench{i:03d}', 'name': f"用户 {i}"}
            for i in range(args.users)])

    def create_rights():
        # with the compile of the memberships switched off per call, then
        # one compile for every user: what a bulk import does
        table = UserRight.__table__()
        cursor = Transaction().connection.cursor()
        rows = []
        for u, user in enumerate(users):
            for p, program in enumerate(programs):
                rows.append([user.id, program.id] + [
                        (u + p + k) % 3 != 0 for k in range(len(RIGHTS))])
        columns = [table.user, table.program] + [
            getattr(table, f'perm_{r}') for r in RIGHTS]
        for i in range(0, len(rows), 1000):
            cursor.execute(*table.insert(columns, rows[i:i + 1000]))
    from trytond.transaction import Transaction
    timed(f"store {args.users} × {args.programs} rights (SQL)",
        create_rights)
    timed(f"compile the rights of {args.users} users × {args.programs} "
        "programs into group memberships",
        lambda: UserRight.sync_users([u.id for u in users]))

    source = users[0]
    targets = users[1:1 + args.targets]
    timed(f"copy one user's rights to {len(targets)} users (replace)",
        lambda: UserRight.copy_rights(source, targets, 'replace'), goal=2)
    timed(f"copy one user's rights to {len(targets)} users (merge)",
        lambda: UserRight.copy_rights(source, targets, 'merge'), goal=2)

    ModelData = pool.get('ir.model.data')
    action_id = ModelData.get_id(
        'hopu_sysadmin', 'report_user_right_overview')

    def report():
        # as the print dialog does: no selection, filtered by users
        data = {'action_id': action_id, 'users': [u.id for u in users]}
        oext, content, _, _ = Report.execute([], data)
        return len(Report.filtered_ids(data)), len(content)
    count, size = timed(
        f"overview report (ODS) for {args.users} users", report, goal=10)
    print(f"  {count} rows, {size} bytes")


if __name__ == '__main__':
    main()
