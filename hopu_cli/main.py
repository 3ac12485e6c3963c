"""hopu — set up, run and test Hopu ERP-CRM.

    hopu demo [--db URI] [--name hopu_demo] [--listen 127.0.0.1:8000]
    hopu serve [--db URI] [--name DB ...] [--listen HOST:PORT]
    hopu setup-db NAME [--db URI] [--demo]
    hopu load-demo NAME [--db URI]
    hopu config [--db URI] [--listen HOST:PORT]
    hopu test [--backend sqlite,postgresql] [--module M ...] [--no-browser]
        [--jobs N] [-k PATTERN]
    hopu i18n MODULE
    hopu account-set list|create|backup|restore|archive|delete --in DB
        [--company CODE] [--server HOST] DATABASE

--db is 'sqlite' (the default: files in var/db) or a PostgreSQL server URI
such as postgresql://postgres@127.0.0.1:5432/."""
import argparse
import os
import sys

from . import paths


def _connect(name, db_uri):
    os.environ.update(paths.trytond_environ(db_uri, name='cli'))
    from proteus import config
    return config.set_trytond(
        database=name, config_file=os.environ['TRYTOND_CONFIG'])


def cmd_setup_db(args):
    from . import database
    if args.demo:
        if database.exists(args.name, args.db):
            sys.exit(f"{args.name}: exists already; --demo creates a new "
                "database only (hopu load-demo adds the demo data to one)")
        database.create_demo(args.name, args.db)
        print(f"{args.name}: created with the demo data"
            f" on {paths.normalize_uri(args.db)}")
        return
    created = database.setup(args.name, args.db)
    print(f"{args.name}: {'created' if created else 'updated'}"
        f" on {paths.normalize_uri(args.db)}")


def cmd_load_demo(args):
    from . import demo
    summary = demo.load(_connect(args.name, args.db))
    print(f"{args.name}: demo data loaded: {summary}")


def cmd_demo(args):
    from . import database
    if not database.exists(args.name, args.db):
        # a copy of the demo template (made once a day and per change of
        # the sources: the modules activated, then the demo data loaded)
        database.create_demo(args.name, args.db)
        print(f"{args.name}: created with the demo data", flush=True)
    else:
        database.setup(args.name, args.db)
        print(f"{args.name}: reused", flush=True)
        # Demo data in a child process: the server below must start with a
        # clean pool
        import subprocess
        subprocess.run([
                sys.executable, '-m', 'hopu_cli.main', 'load-demo',
                args.name, '--db', args.db or 'sqlite'], check=True)
    if args.no_serve:
        return
    print(f"Serving http://{args.listen}/ (database {args.name}); "
        "log in as admin / admin — Ctrl+C stops", flush=True)
    cmd_serve(argparse.Namespace(
            db=args.db, name=[args.name], listen=args.listen, dev=False))


def cmd_serve(args):
    from .server import serve
    return serve(args.db, args.name or (), args.listen, dev=args.dev)


def cmd_config(args):
    print(paths.write_config(args.db, args.listen, name=args.config_name))


def cmd_test(args):
    from .testing import main as test_main
    return test_main(args)


def cmd_i18n(args):
    from .i18n import update
    print(update(args.module))


def cmd_account_set(args):
    """SYS-2: account sets (帐套) from the command line, through the
    hopu.account_set records of the database given with --in"""
    config = _connect(args.in_db, args.db)
    from proteus import Model
    AccountSet = Model.get('hopu.account_set', config=config)
    Company = Model.get('company.company', config=config)
    User = Model.get('res.user', config=config)
    user = User(config.user)
    # Tryton's company rules: act as each of the user's companies in turn
    company_ids = [c.id for c in user.companies] or [None]

    def in_company(company_id):
        config._context['company'] = company_id
        return AccountSet.find([])

    if args.action == 'list':
        seen = set()
        for company_id in company_ids:
            for account_set in in_company(company_id):
                if account_set.id in seen:
                    continue
                seen.add(account_set.id)
                print(f"{account_set.database}\t{account_set.server}\t"
                    f"{account_set.company.code}\t{account_set.state}")
        return 0
    if not args.database:
        sys.exit("account-set: the database name is required")
    found = []
    if args.action == 'create':
        companies = Company.find([('code', '=', args.company)])
        if not companies:
            sys.exit(f"account-set: no company with code {args.company!r}")
        in_company(companies[0].id)
    for company_id in company_ids:
        if found:
            break
        found = [a for a in in_company(company_id)
            if a.database == args.database and a.server == args.server]
    if args.action == 'create' and not found:
        in_company(companies[0].id)
    from trytond.exceptions import UserError
    try:
        _account_set_action(args, found, AccountSet, Company)
    except UserError as exception:
        sys.exit(f"account-set: {exception.message}")
    print(f"{args.database}@{args.server}: {args.action} done")
    return 0


def _account_set_action(args, found, AccountSet, Company):
    if args.action == 'create':
        if found:
            account_set, = found
        else:
            companies = Company.find([('code', '=', args.company)])
            if not companies:
                sys.exit(f"account-set: no company with code {args.company!r}")
            account_set = AccountSet(
                company=companies[0], server=args.server,
                database=args.database)
            account_set.save()
            try:
                account_set.click('create_database')
            except Exception:
                # nothing half-way: the register line goes too
                account_set.delete()
                raise
            return
        account_set.click('create_database')
    else:
        if not found:
            sys.exit(f"account-set: no account set {args.database}"
                f"@{args.server}")
        account_set, = found
        if args.action == 'delete':
            account_set.delete()
        else:
            account_set.click(args.action)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='hopu', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)

    def db_option(p):
        p.add_argument('--db', default=os.environ.get('DB') or 'sqlite',
            help="'sqlite' or a postgresql:// server URI")

    p = sub.add_parser('demo', help="create, fill and serve the demo database")
    db_option(p)
    p.add_argument('--name', default='hopu_demo')
    p.add_argument('--listen', default='127.0.0.1:8000')
    p.add_argument('--no-serve', action='store_true')
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser('serve', help="run the server with the web client")
    db_option(p)
    p.add_argument('--name', nargs='*', help="databases loaded at start")
    p.add_argument('--listen', default='127.0.0.1:8000')
    p.add_argument('--dev', action='store_true')
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser('setup-db', help="create or update a Hopu database")
    db_option(p)
    p.add_argument('name')
    p.add_argument('--demo', action='store_true',
        help="create it with the demo data, as a copy of the demo template")
    p.set_defaults(func=cmd_setup_db)

    p = sub.add_parser('load-demo', help="load the Chinese demo data")
    db_option(p)
    p.add_argument('name')
    p.set_defaults(func=cmd_load_demo)

    p = sub.add_parser('config', help="write the completed trytond config")
    db_option(p)
    p.add_argument('--listen')
    p.add_argument('--config-name', default='local')
    p.set_defaults(func=cmd_config)

    p = sub.add_parser('test', help="run every test")
    p.add_argument('--backend', default='sqlite,postgresql')
    p.add_argument('--module', nargs='*')
    p.add_argument('--no-browser', action='store_true')
    p.add_argument('--failfast', action='store_true')
    p.add_argument('--jobs', type=int,
        help="test processes at a time (default: the cores, and one more "
        "light one when their measured demands fit; or HOPU_TEST_JOBS)")
    p.add_argument('-k', dest='pattern', action='append',
        help="only tests matching this pattern (unittest -k)")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser('i18n',
        help="add the module's untranslated strings to locale/zh_CN.po")
    p.add_argument('module')
    p.set_defaults(func=cmd_i18n)

    p = sub.add_parser('account-set',
        help="create, back up, restore, archive or delete account sets")
    db_option(p)
    p.add_argument('action', choices=[
            'list', 'create', 'backup', 'restore', 'archive', 'delete'])
    p.add_argument('database', nargs='?')
    p.add_argument('--in', dest='in_db', required=True,
        help="the database holding the account set register")
    p.add_argument('--server', default='localhost')
    p.add_argument('--company', help="the company code (create)")
    p.set_defaults(func=cmd_account_set)

    args, extra = parser.parse_known_args(argv)
    if (extra and args.command == 'account-set' and not args.database
            and len(extra) == 1 and not extra[0].startswith('-')):
        # argparse gives an optional positional its place before the options:
        # the database name may also come last, as the usage shows
        args.database, extra = extra[0], []
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args.func(args) or 0


if __name__ == '__main__':
    sys.exit(main())
