"""Start trytond for Hopu: the web client, lazily loaded databases.

The patches of trytond that act before a database is loaded (trytond 8.0.12
cannot log in to a database that was not named with -d at start; the
server's answers to unexpected errors and to requests that are not RPC)
are entries of addons/hopu_sysadmin/trytond_patches.py, with the upstream
reports they amount to. `hopu serve` and the WSGI application apply them at
start (`apply_process_patches`); the others are applied when a database
where hopu_sysadmin is activated is loaded, in any process (trytond,
trytond-cron, trytond-worker too). `--dev` keeps trytond's answers."""
import os
import sys

from . import paths


def apply_process_patches():
    "The patches of trytond needed before any database is loaded"
    from trytond.modules.hopu_sysadmin import trytond_patches
    trytond_patches.apply(process=True)


def serve(db_uri=None, databases=(), listen=None, dev=False):
    "Run the trytond HTTP server in this process (does not return)"
    os.environ.update(paths.trytond_environ(db_uri, listen, name='server'))
    from trytond import config
    config.update_etc(os.environ['TRYTOND_CONFIG'])
    apply_process_patches()
    from trytond.cli import main
    argv = ['trytond', '-c', os.environ['TRYTOND_CONFIG']]
    if databases:
        argv += ['-d', *databases]
    if dev:
        argv.append('--dev')
    sys.argv = argv
    return main()
