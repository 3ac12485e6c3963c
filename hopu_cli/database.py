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
        password=None, email=None, check=True):
    """Run trytond-admin on the database: initialise it if needed, activate
    or update the modules and load the languages"""
    env = paths.trytond_environ(db_uri, name='cli')
    cmd = [
        os.path.join(os.path.dirname(sys.executable), 'trytond-admin'),
        '-d', name, '--activate-dependencies']
    if modules:
        cmd += ['-u', *modules]
    if languages:
        cmd += ['-l', *languages]
    cmd += ['--email', email or '']
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


def setup(name, db_uri=None, password='admin', email='admin@example.com',
        modules=None):
    """Create (when missing) and activate a Hopu database.
    Return True when it was created by this call."""
    modules = modules or paths.HOPU_MODULES
    created = False
    if not exists(name, db_uri):
        create_empty(name, db_uri)
        created = True
    if created or not is_initialised(name, db_uri):
        admin(name, db_uri, modules, password=password, email=email)
        created = True
    else:
        admin(name, db_uri, modules)
    return created
