"Create and activate Hopu databases (the demo database, account sets)."
import os
import subprocess
import sys
import tempfile

from . import paths


class DatabaseError(Exception):
    pass


def _backend(db_uri):
    "Import the trytond backend for db_uri in this process"
    os.environ.update(paths.trytond_environ(db_uri, name='cli'))
    from trytond import config
    config.update_etc(os.environ['TRYTOND_CONFIG'])
    from trytond import backend
    return backend


def exists(name, db_uri=None):
    "Whether the database exists at all (Tryton's or not)"
    if paths.backend_name(db_uri) == 'sqlite':
        return (paths.SQLITE_DIR / f'{name}.sqlite').exists()
    import psycopg
    with psycopg.connect(
            paths.normalize_uri(db_uri).rstrip('/') + '/postgres',
            autocommit=True) as connection:
        return bool(connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s",
                (name,)).fetchone())


def is_initialised(name, db_uri=None):
    backend = _backend(db_uri)
    if not exists(name, db_uri):
        return False
    database = backend.Database(name)
    try:
        database.connect()
        return database.test()
    finally:
        database.close()


def create_empty(name, db_uri=None):
    "Create an empty database on the server of db_uri"
    backend = _backend(db_uri)
    database = backend.Database()
    database.connect()
    connection = database.get_connection(autocommit=True)
    try:
        database.create(connection, name)
    finally:
        database.put_connection(connection)
        database.close()


def admin(name, db_uri=None, modules=None, languages=('zh_CN',),
        password=None, email=None, check=True, sqlite_dir=None):
    """Run trytond-admin on the database: initialise it if needed, activate
    or update the modules and load the languages"""
    env = paths.trytond_environ(db_uri, name='cli', sqlite_dir=sqlite_dir)
    cmd = [
        os.path.join(os.path.dirname(sys.executable), 'trytond-admin'),
        '-d', name, '--activate-dependencies']
    if modules:
        cmd += ['-u', *modules]
    if languages:
        cmd += ['-l', *languages]
    if email is not None:
        cmd += ['--email', email]
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        if password:
            passfile.write(password + '\n')
            passfile.flush()
            env['TRYTONPASSFILE'] = passfile.name
            cmd.append('-p')
        result = subprocess.run(
            cmd, env=env, stdin=subprocess.DEVNULL, text=True,
            capture_output=True)
    if check and result.returncode:
        raise DatabaseError(
            f"trytond-admin failed on {name}:\n{result.stderr[-4000:]}")
    return result


def _template_store(db_uri):
    from trytond.modules.hopu_sysadmin import database_template
    return database_template, database_template.store(
        paths.normalize_uri(db_uri), paths.SQLITE_DIR)


def create_activated(name, db_uri=None, modules=None, languages=('zh_CN',),
        password='admin', email='admin@example.com'):
    """Create the database with the modules activated and the languages
    loaded, as a copy of the template of the module set (activated once per
    change of the sources), then give its administrator password and e-mail
    address"""
    _backend(db_uri)
    database_template, store = _template_store(db_uri)

    def build(template):
        # the template's administrator password is thrown away: each copy
        # gets its own below
        import secrets
        sqlite_dir = getattr(store, 'templates', None)
        if sqlite_dir is None:
            create_empty(template, db_uri)
            # no login page offers a template in construction
            store.hide(template)
        else:
            import sqlite3
            sqlite_dir.mkdir(parents=True, exist_ok=True)
            sqlite3.connect(sqlite_dir / f'{template}.sqlite').close()
        admin(template, db_uri, modules, languages,
            password=secrets.token_urlsafe(24), email='admin@example.com',
            sqlite_dir=sqlite_dir)
    database_template.create(store, name, modules, languages, build)
    admin(name, db_uri, password=password, email=email, languages=())


def setup(name, db_uri=None, password='admin', email='admin@example.com',
        modules=None):
    """Create (when missing) and activate a Hopu database.
    Return True when it was created by this call."""
    modules = modules or paths.HOPU_MODULES
    if not exists(name, db_uri):
        create_activated(name, db_uri, modules, password=password,
            email=email)
        return True
    if not is_initialised(name, db_uri):
        admin(name, db_uri, modules, password=password, email=email)
        return True
    admin(name, db_uri, modules)
    return False


def demo_digest():
    """What shapes a demo database: the modules' sources, the CLI with every
    demo loader (hopu_cli/demo/) and the day (the demo's dates are counted
    from today)"""
    import datetime as dt
    import hashlib

    from trytond.modules.hopu_sysadmin import database_template
    digest = hashlib.sha256(database_template.sources_digest().encode())
    cli = paths.ROOT / 'hopu_cli'
    for path in sorted(cli.rglob('*.py')):
        digest.update(path.relative_to(cli).as_posix().encode() + b'\0'
            + path.read_bytes())
    digest.update(dt.date.today().isoformat().encode())
    return digest.hexdigest()


def create_demo(name, db_uri=None):
    """Create the database name with the Hopu modules activated and the demo
    data loaded, as a copy of the demo template (built once a day and per
    change of the sources or of the demo loader)"""
    _backend(db_uri)
    database_template, store = _template_store(db_uri)
    modules = paths.HOPU_MODULES

    def build(template):
        building = f'hopu_demo_build_{os.getpid()}'
        drop(building, db_uri)
        create_activated(building, db_uri, modules)
        if paths.backend_name(db_uri) != 'sqlite':
            # no login page offers the demo template in construction
            store.hide(building)
        subprocess.run([
                sys.executable, '-m', 'hopu_cli.main', 'load-demo', building,
                '--db', db_uri or 'sqlite'], check=True,
            stdin=subprocess.DEVNULL)
        if paths.backend_name(db_uri) == 'sqlite':
            store.templates.mkdir(parents=True, exist_ok=True)
            os.replace(
                paths.SQLITE_DIR / f'{building}.sqlite', store.path(template))
        else:
            import psycopg
            with psycopg.connect(
                    paths.normalize_uri(db_uri).rstrip('/') + '/postgres',
                    autocommit=True) as connection:
                connection.execute(
                    f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    database_template.create(
        store, name, modules, ('zh_CN', 'demo'), build, demo_digest())


def drop(name, db_uri=None):
    "Drop the database when it exists"
    if paths.backend_name(db_uri) == 'sqlite':
        for suffix in ['', '-wal', '-shm', '-journal']:
            path = paths.SQLITE_DIR / f'{name}.sqlite{suffix}'
            if path.exists():
                path.unlink()
        return
    # the store's drop: a hidden build (a template) is made droppable first
    _backend(db_uri)
    _, store = _template_store(db_uri)
    store.drop(name)
