"""Start trytond for Hopu: the web client, lazily loaded databases.

trytond 8.0.12 cannot log in to a database that was not named with -d at
start: Transaction.start() runs Cache.sync(), which calls Pool(), whose
__new__ reads Pool._pools[name] from a defaultdict and so registers an empty
pool for the database; security._get_pool() then finds the name in
Pool.database_list(), skips Pool.init() and fails with KeyError 'res.user'.
Account sets (SYS-2) are created while the server runs, so Hopu counts a
database as loaded only once its pool holds models."""
import os
import sys

from . import paths


def patch_lazy_database_loading():
    from trytond.pool import Pool
    if getattr(Pool.database_list, 'hopu_patched', False):
        return

    @classmethod
    def database_list(cls):
        with cls._lock:
            return [name for name, pool in cls._pools.items() if pool]
    database_list.__func__.hopu_patched = True
    Pool.database_list = database_list


def serve(db_uri=None, databases=(), listen=None, dev=False):
    "Run the trytond HTTP server in this process (does not return)"
    os.environ.update(paths.trytond_environ(db_uri, listen, name='server'))
    from trytond import config
    config.update_etc(os.environ['TRYTOND_CONFIG'])
    patch_lazy_database_loading()
    from trytond.cli import main
    argv = ['trytond', '-c', os.environ['TRYTOND_CONFIG']]
    if databases:
        argv += ['-d', *databases]
    if dev:
        argv.append('--dev')
    sys.argv = argv
    return main()
