#!/usr/bin/env python3
"""Benchmark of SYS-5/SYS-6/SYS-8 (hopu_sysadmin), not run by the tests.

    .venv/bin/python bench/sysadmin_rights.py [--db sqlite|postgresql://...]
        [--users 500] [--programs 200] [--targets 100] [--repeat 3]

Prints, each in seconds (the timed steps run --repeat times, each figure is
the median, the runs follow in brackets, the goal beside it):
- compiling 200 programs into Tryton groups and access rows;
- compiling the rights of 500 users × 200 programs into group memberships;
- copying one user's rights to 100 users (SYS-6; goal: under 2 s), in
  replace then merge mode, each run from another source user so that every
  run changes most of the targets' rights;
- the overview report (SYS-8) as a spreadsheet for 500 users (goal: under
  10 s), and as a PDF for 5 users (LibreOffice; no goal)."""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RIGHTS = ['read', 'create', 'write', 'delete', 'print', 'export', 'approve']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default='sqlite')
    parser.add_argument('--users', type=int, default=500)
    parser.add_argument('--programs', type=int, default=200)
    parser.add_argument('--targets', type=int, default=100)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()

    from hopu_cli import paths
    backend = paths.backend_name(args.db)
    # one worker: no cache listener thread holding a connection to the
    # database, so that it can be dropped at the end
    os.environ.update(paths.trytond_environ(
            args.db, name='bench',
            overrides={('cache', 'clean_timeout'): '300'}))
    os.environ['DB_NAME'] = (
        ':memory:' if backend == 'sqlite' else f'bench_hopu_{os.getpid()}')
    os.environ.setdefault('DB_CACHE', str(paths.test_cache_dir(backend)))

    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module, drop_db
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


def timed(label, func, goal=None, repeat=1, prepare=None):
    "Run func repeat times (prepare(i) before each, untimed); print"
    runs, result = [], None
    for i in range(repeat):
        if prepare:
            prepare(i)
        start = time.perf_counter()
        result = func()
        runs.append(time.perf_counter() - start)
    seconds = statistics.median(runs)
    text = f"{label}: {seconds:.2f} s"
    if repeat > 1:
        text += f" (median of {', '.join(f'{r:.2f}' for r in runs)})"
    if goal:
        text += (f"  goal < {goal} s: "
            f"{'OK' if seconds < goal else 'SLOW'}, "
            f"{seconds / goal:.0%} of it")
    print(text, flush=True)
    return result


def run(pool, args):
    from trytond import backend
    from trytond.transaction import Transaction

    Program = pool.get('hopu.program')
    User = pool.get('res.user')
    UserRight = pool.get('hopu.user.right')
    ModelData = pool.get('ir.model.data')

    def analyze():
        # PostgreSQL plans from statistics, which autovacuum keeps in a
        # database in use but can not gather inside this one transaction
        if backend.name == 'postgresql':
            Transaction().connection.cursor().execute('ANALYZE')

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
        # in SQL, then one compile for every user: what a bulk import does
        table = UserRight.__table__()
        cursor = Transaction().connection.cursor()
        rows = []
        for u, user in enumerate(users):
            for p, program in enumerate(programs):
                rows.append([user.id, program.id] + [
                        (u * 7 + p + k) % 3 != 0 for k in range(len(RIGHTS))])
        columns = [table.user, table.program] + [
            getattr(table, f'perm_{r}') for r in RIGHTS]
        for i in range(0, len(rows), 1000):
            cursor.execute(*table.insert(columns, rows[i:i + 1000]))
    timed(f"store {args.users} × {args.programs} rights (SQL)",
        create_rights)
    analyze()
    timed(f"compile the rights of {args.users} users × {args.programs} "
        "programs into group memberships",
        lambda: UserRight.sync_users([u.id for u in users]))
    analyze()

    targets = users[1:1 + args.targets]
    # each run from another source: every run changes most target rights
    sources = [users[0]] + users[1 + args.targets:]
    source = {}

    def pick(offset):
        def prepare(i):
            source['user'] = sources[(offset + i) % len(sources)]
        return prepare
    for offset, mode in enumerate(['replace', 'merge']):
        timed(f"copy one user's rights to {len(targets)} users ({mode})",
            lambda: UserRight.copy_rights(source['user'], targets, mode),
            goal=2, repeat=args.repeat, prepare=pick(offset * args.repeat))

    def report(name, data):
        Report = pool.get(name, type='report')

        def execute():
            return Report.execute([], data)
        return execute

    ods = ModelData.get_id('hopu_sysadmin', 'report_user_right_overview')
    # as the print dialog does: no selection, filtered by users
    data = {'action_id': ods, 'users': [u.id for u in users]}
    oext, content, _, _ = timed(
        f"overview report (ODS) for {args.users} users",
        report('hopu.user.right.overview.report', data),
        goal=10, repeat=args.repeat)
    Report = pool.get('hopu.user.right.overview.report', type='report')
    lines = len(Report.lines(data=data)[3])
    print(f"  {oext}: {lines} lines, {len(content)} bytes")

    pdf = ModelData.get_id('hopu_sysadmin', 'report_user_right_overview_pdf')
    data = {'action_id': pdf, 'users': [u.id for u in users[:5]]}
    oext, content, _, _ = timed(
        "overview report (PDF, LibreOffice) for 5 users",
        report('hopu.user.right.overview.pdf', data))
    print(f"  {oext}: {5 * args.programs} lines, {len(content)} bytes")


if __name__ == '__main__':
    main()
