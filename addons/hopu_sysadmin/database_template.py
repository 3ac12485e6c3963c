# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Activated databases kept as templates: activating the modules of a new
database (`hopu setup-db`, an account set, a test database) takes a minute;
copying a database that was activated before takes a second.

A template is keyed by the module set, the languages and the sources that
shape an activated database (the Hopu modules' .py/.xml/.po/.cfg files and
the versions of trytond and its modules), so a change to any of them makes a
new one; the templates of older sources of the same checkout are dropped
then. PostgreSQL keeps them as template databases (`CREATE DATABASE …
TEMPLATE`, marked IS_TEMPLATE so that no database list shows them), SQLite
as files in a `templates` folder beside the databases.

Pure Python (psycopg, sqlite3): usable before trytond is configured."""
import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import sqlite3
import time
from pathlib import Path

PREFIX = 'hopu_tpl_'
SOURCE_SUFFIXES = {'.py', '.xml', '.po', '.cfg'}
ADDONS = Path(__file__).resolve().parent.parent


def _hopu_module_dirs():
    return sorted(
        p for p in ADDONS.glob('hopu_*') if (p / 'tryton.cfg').is_file())


def sources_digest():
    "The digest of what shapes an activated database besides its modules"
    digest = hashlib.sha256()
    for folder in _hopu_module_dirs():
        for path in sorted(folder.rglob('*')):
            relative = path.relative_to(ADDONS)
            if (path.suffix not in SOURCE_SUFFIXES or not path.is_file()
                    or 'tests' in relative.parts
                    or '__pycache__' in relative.parts):
                continue
            digest.update(str(relative).encode() + b'\0')
            digest.update(path.read_bytes())
    for distribution in sorted(
            importlib.metadata.distributions(),
            key=lambda d: d.metadata['Name'] or ''):
        name = (distribution.metadata['Name'] or '').lower()
        if name.startswith(('trytond', 'proteus')):
            digest.update(f'{name}=={distribution.version}\0'.encode())
    return digest.hexdigest()


def family(modules, languages):
    "The templates of one module set of one checkout"
    key = '\0'.join([str(ADDONS), *sorted(modules), '', *sorted(languages)])
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def template_name(modules, languages, digest=None):
    digest = digest or sources_digest()
    return f'{PREFIX}{family(modules, languages)}_{digest[:16]}'


def database_uri(uri, database):
    """The URI of the database on the server of uri, its parameters kept
    (the session options of the server's configuration)"""
    import urllib.parse
    return urllib.parse.urlsplit(uri)._replace(path='/' + database).geturl()


class PostgreSQL:
    "Templates as template databases of the server at uri"

    def __init__(self, uri):
        self.uri = uri

    def _connect(self):
        import psycopg
        return psycopg.connect(
            database_uri(self.uri, 'postgres'), autocommit=True,
            connect_timeout=10)

    def exists(self, name):
        with self._connect() as connection:
            return bool(connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s",
                    (name,)).fetchone())

    def hide(self, name):
        """Keep a database in construction out of the database lists (a
        template build: trytond lists the databases that are not
        templates), the connections to it still allowed"""
        from psycopg import sql
        with self._connect() as connection:
            connection.execute(
                sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(
                    sql.Identifier(name)))

    def names(self, prefix):
        with self._connect() as connection:
            return [n for n, in connection.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    (prefix.replace('_', r'\_') + '%',))]

    def copy(self, template, name):
        "Create the database name as a copy of the database template"
        import psycopg
        from psycopg import sql
        with self._connect() as connection:
            for attempt in range(30):
                try:
                    connection.execute(sql.SQL(
                            "CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(name), sql.Identifier(template)))
                    return
                except psycopg.errors.ObjectInUse:
                    # another session is still connected to the template
                    # (the end of its build): wait for it to go
                    if attempt == 29:
                        raise
                    time.sleep(1)

    def publish(self, built, name):
        "The finished build becomes the template, hidden from lists"
        from psycopg import sql
        with self._connect() as connection:
            connection.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(built), sql.Identifier(name)))
            connection.execute(
                sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(
                    sql.Identifier(name)))

    def drop(self, name):
        from psycopg import sql
        with self._connect() as connection:
            if not connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s",
                    (name,)).fetchone():
                return
            connection.execute(
                sql.SQL("ALTER DATABASE {} IS_TEMPLATE false").format(
                    sql.Identifier(name)))
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))

    @contextlib.contextmanager
    def lock(self, name):
        "One build of a template at a time on the server"
        key = int.from_bytes(
            hashlib.sha256(name.encode()).digest()[:8], 'big', signed=True)
        with self._connect() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", (key,))


class SQLite:
    "Templates as files in the templates folder beside the databases"

    def __init__(self, folder):
        self.folder = Path(folder)
        self.templates = self.folder / 'templates'

    def path(self, name):
        if name.startswith(PREFIX):
            return self.templates / f'{name}.sqlite'
        return self.folder / f'{name}.sqlite'

    def exists(self, name):
        return self.path(name).exists()

    def names(self, prefix):
        if not self.templates.is_dir():
            return []
        return [p.stem for p in self.templates.glob(f'{prefix}*.sqlite')]

    def copy(self, template, name):
        target = self.path(name)
        tmp = target.with_name(f'.{target.name}.{os.getpid()}')
        source = sqlite3.connect(f'file:{self.path(template)}?mode=ro',
            uri=True)
        destination = sqlite3.connect(tmp)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        os.replace(tmp, target)

    def publish(self, built, name):
        # the whole database in its one file before it is moved
        connection = sqlite3.connect(self.path(built))
        try:
            connection.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        finally:
            connection.close()
        os.replace(self.path(built), self.path(name))
        self.drop(built)

    def drop(self, name):
        for suffix in ['', '-wal', '-shm', '-journal']:
            with contextlib.suppress(FileNotFoundError):
                os.remove(f'{self.path(name)}{suffix}')
        if name.startswith(PREFIX) and not name.endswith('_new'):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.templates / f'.{name}.lock')

    @contextlib.contextmanager
    def lock(self, name):
        self.templates.mkdir(parents=True, exist_ok=True)
        with open(self.templates / f'.{name}.lock', 'w') as fp:
            fcntl.flock(fp, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fp, fcntl.LOCK_UN)


def store(db_uri, sqlite_dir=None):
    "The template store of the database server"
    if not db_uri or db_uri.startswith('sqlite'):
        return SQLite(sqlite_dir)
    return PostgreSQL(db_uri)


def ensure(store, modules, languages, build, digest=None):
    """Return the name of the template of the module set, building it first
    when missing: build(name) creates and activates the database name (for
    SQLite, in store.templates). The builds of the same template wait for
    each other; the first one's result serves the others. digest replaces
    the sources' digest when more than the sources shape the template (the
    demo data)."""
    name = template_name(modules, languages, digest)
    if store.exists(name):
        return name
    with store.lock(name):
        if store.exists(name):
            return name
        built = f'{name}_new'
        store.drop(built)
        try:
            build(built)
        except BaseException:
            store.drop(built)
            raise
        store.publish(built, name)
        stale = f'{PREFIX}{family(modules, languages)}_'
        for other in store.names(stale):
            if other != name and not other.endswith('_new'):
                with contextlib.suppress(Exception):
                    store.drop(other)
    return name


def create(store, name, modules, languages, build, digest=None):
    """Create the database name with the modules activated, as a copy of
    their template (built first when missing)"""
    store.copy(ensure(store, modules, languages, build, digest), name)
