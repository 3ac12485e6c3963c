# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-2: the databases behind the account sets (帐套), on the server of
the running trytond's backend (SQLite files or a PostgreSQL server).

Each operation either completes or leaves nothing half-done: a database
created by a failed initialisation is dropped again."""
import datetime as dt
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
from configparser import ConfigParser

from trytond import backend, config

from . import database_template

LOCAL_NAMES = {'localhost', '127.0.0.1', '::1'}


class OperationError(Exception):
    "A database operation failed; args[0] names the message id"

    def __init__(self, msg_id, **kwargs):
        super().__init__(msg_id, kwargs)
        self.msg_id = msg_id
        self.kwargs = kwargs


def backend_name():
    return backend.name


def is_local(server):
    return (server or '').lower() in LOCAL_NAMES | {
        socket.gethostname().lower()}


def server_uri(server):
    "The URI of the database server named by the account set"
    uri = urllib.parse.urlparse(config.get('database', 'uri'))
    if uri.scheme.startswith('sqlite'):
        if not is_local(server):
            raise OperationError(
                'msg_account_set_server_unreachable', server=server)
        return uri.geturl()
    host = uri.hostname or 'localhost'
    if not (is_local(server) and (host in LOCAL_NAMES or not uri.hostname)):
        host = server
    netloc = ''
    if uri.username:
        netloc = uri.username
        if uri.password:
            netloc += ':' + uri.password
        netloc += '@'
    netloc += host if ':' not in host else f'[{host}]'
    if uri.port:
        netloc += f':{uri.port}'
    return uri._replace(netloc=netloc, path='/').geturl()


def _pg_connect(uri, dbname='postgres', autocommit=True):
    import psycopg
    try:
        return psycopg.connect(
            database_template.database_uri(uri, dbname), autocommit=autocommit,
            connect_timeout=5)
    except psycopg.OperationalError as exception:
        raise OperationError(
            'msg_account_set_server_unreachable',
            server=urllib.parse.urlparse(uri).hostname) from exception


def sqlite_path(database):
    return os.path.join(config.get('database', 'path'), database + '.sqlite')


def exists(server, database):
    uri = server_uri(server)
    if uri.startswith('sqlite'):
        return os.path.exists(sqlite_path(database))
    with _pg_connect(uri) as connection:
        return bool(connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s",
                (database,)).fetchone())


def _config_file(uri, path=None):
    "A trytond configuration for the server of the account set"
    parser = ConfigParser(interpolation=None)
    path_ = os.environ.get('TRYTOND_CONFIG')
    if path_ and os.path.exists(path_):
        parser.read(path_, encoding='utf-8')
    for section in ['database']:
        if not parser.has_section(section):
            parser.add_section(section)
    parser.set('database', 'uri', uri)
    parser.set('database', 'path', str(path or config.get('database', 'path')))
    fd, name = tempfile.mkstemp(suffix='.conf', prefix='hopu-account-set-')
    with os.fdopen(fd, 'w', encoding='utf-8') as fp:
        parser.write(fp)
    return name


def _run(cmd, env=None, msg_id='msg_account_set_operation_failed',
        database=None):
    result = subprocess.run(
        cmd, env=env, stdin=subprocess.DEVNULL, text=True,
        capture_output=True)
    if result.returncode:
        raise OperationError(
            msg_id, database=database,
            detail=(result.stderr or result.stdout)[-2000:])
    return result


def _activate(uri, store, database, modules, languages):
    "Create the database and activate the modules in it"
    if uri.startswith('postgresql'):
        with _pg_connect(uri) as connection:
            connection.execute(
                f'CREATE DATABASE "{database}" TEMPLATE template0 '
                "ENCODING 'unicode'")
        folder = None
    else:
        folder = store.templates
        folder.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(folder / f'{database}.sqlite').close()
    conf = _config_file(uri, folder)
    fd, passfile = tempfile.mkstemp(suffix='.pass', prefix='hopu-')
    try:
        with os.fdopen(fd, 'w') as fp:
            # each copy gets its own administrator password below
            fp.write(secrets.token_urlsafe(24) + '\n')
        env = dict(os.environ, TRYTOND_CONFIG=conf, TRYTONPASSFILE=passfile)
        bindir = os.path.dirname(sys.executable)
        _run([os.path.join(bindir, 'trytond-admin'), '-c', conf,
              '-d', database, '--activate-dependencies',
              '-u', *modules, '-l', *languages,
              '--email', 'admin@example.com'],
            env=env, database=database)
    finally:
        os.unlink(conf)
        os.unlink(passfile)


def create(server, database, modules, company, admin_password_hash=None,
        email=None):
    """Create and initialise the database: the modules activated, zh_CN
    loaded and the company created inside it. The activated database is a
    copy of the template of the module set (see database_template)."""
    uri = server_uri(server)
    if exists(server, database):
        raise OperationError(
            'msg_account_set_database_exists', database=database,
            server=server)
    store = database_template.store(uri, config.get('database', 'path'))
    languages = ('zh_CN',)
    conf = _config_file(uri)
    try:
        database_template.create(
            store, database, modules, languages,
            lambda name: _activate(uri, store, name, modules, languages))
        env = dict(os.environ, TRYTOND_CONFIG=conf)
        env['HOPU_ACCOUNT_SET_COMPANY'] = repr(company)
        env['HOPU_ACCOUNT_SET_ADMIN_EMAIL'] = email or 'admin@example.com'
        if admin_password_hash:
            env['HOPU_ACCOUNT_SET_ADMIN_HASH'] = admin_password_hash
        _run([sys.executable, '-m',
              'trytond.modules.hopu_sysadmin.account_set_init', database],
            env=env, database=database)
    except Exception:
        drop(server, database, missing_ok=True)
        raise
    finally:
        os.unlink(conf)
    clear_list_cache()


def drop(server, database, missing_ok=False):
    uri = server_uri(server)
    from trytond.cache import Cache
    from trytond.pool import Pool
    Pool.stop(database)
    # Nothing this process remembers of the database may outlive it (a
    # restored account set is another database under the same name); the
    # other processes clear theirs when their cache listener reconnects
    Cache.drop(database)
    if uri.startswith('postgresql'):
        Database = backend.Database
        # close the connections of this process to the database
        for pid_databases in getattr(Database, '_databases', {}).values():
            db = pid_databases.get(database)
            if db:
                db.close()
        with _pg_connect(uri) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid != pg_backend_pid()",
                (database,))
            connection.execute(
                f'DROP DATABASE {"IF EXISTS " if missing_ok else ""}'
                f'"{database}"')
    else:
        path = sqlite_path(database)
        if os.path.exists(path):
            os.unlink(path)
        elif not missing_ok:
            raise OperationError(
                'msg_account_set_database_missing', database=database)
    clear_list_cache()


def backup_dir():
    path = config.get('hopu', 'backup_dir', default=None) or os.path.join(
        config.get('database', 'path'), 'backups')
    os.makedirs(path, exist_ok=True)
    return path


def backup(server, database):
    "Write a dump file of the database; return its path"
    uri = server_uri(server)
    if not exists(server, database):
        raise OperationError(
            'msg_account_set_database_missing', database=database)
    stamp = dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')
    if uri.startswith('postgresql'):
        path = os.path.join(backup_dir(), f'{database}-{stamp}.dump')
        _run(['pg_dump', '-Fc', '-f', path,
              '--dbname', database_template.database_uri(uri, database)],
            database=database)
    else:
        path = os.path.join(backup_dir(), f'{database}-{stamp}.sqlite')
        source = sqlite3.connect(sqlite_path(database))
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    return path


def restore(server, database, path):
    """Bring the dump back as the database (replacing it when it exists)"""
    uri = server_uri(server)
    if not path or not os.path.exists(path):
        raise OperationError('msg_account_set_backup_missing', path=path)
    if exists(server, database):
        drop(server, database)
    if uri.startswith('postgresql'):
        with _pg_connect(uri) as connection:
            connection.execute(
                f'CREATE DATABASE "{database}" TEMPLATE template0 '
                "ENCODING 'unicode'")
        try:
            _run(['pg_restore', '--no-owner', '--dbname',
                  database_template.database_uri(uri, database), path],
                database=database)
        except Exception:
            drop(server, database, missing_ok=True)
            raise
    else:
        shutil.copyfile(path, sqlite_path(database))
    clear_list_cache()


def clear_list_cache():
    "The login page's database list must show the change at once"
    Database = backend.Database
    if hasattr(Database, 'clear_cache'):
        Database.clear_cache()
    for name in ['_list_cache', '_list_cache_timestamp']:
        cache = getattr(Database, name, None)
        if isinstance(cache, dict):
            cache.clear()
