"""Start trytond for Hopu: the web client, lazily loaded databases.

trytond 8.0.12 cannot log in to a database that was not named with -d at
start: Transaction.start() runs Cache.sync(), which calls Pool(), whose
__new__ reads Pool._pools[name] from a defaultdict and so registers an empty
pool for the database; security._get_pool() then finds the name in
Pool.database_list(), skips Pool.init() and fails with KeyError 'res.user'.
Account sets (SYS-2) are created while the server runs, so Hopu counts a
database as loaded only once its pool holds models.

Errors (issue 13, class 10): trytond answers an unexpected exception with
its text (a database error quotes the SQL, the column and the value) and a
request to /rpc/ that is not JSON or XML with HTTP 500. Hopu answers the
former with a generic message and a reference that the server log repeats
with the traceback, and the latter with HTTP 400 (patch_error_answers,
for `hopu serve` and the WSGI application alike; `--dev` keeps trytond's
answers)."""
import logging
import os
import sys
import uuid

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


logger = logging.getLogger('hopu.server')

GENERIC_ERROR = (
    "服务器内部错误，请联系系统管理员（参考编号 {reference}）。 / "
    "Internal server error, please contact the administrator "
    "(reference {reference}).")


class InternalError(Exception):
    "What the client is told of an unexpected error"


def patch_error_answers():
    from werkzeug.exceptions import (
        BadRequest, HTTPException, ServiceUnavailable)

    from trytond.exceptions import TrytonException
    from trytond.wsgi import TrytondWSGI
    if getattr(TrytondWSGI.dispatch_request, 'hopu_patched', False):
        return
    dispatch_request = TrytondWSGI.dispatch_request

    def patched(self, request):
        if self.dev:
            return dispatch_request(self, request)
        if request.path.endswith('/rpc/'):
            try:
                method = request.rpc_method
            except HTTPException as exception:
                return exception
            if not method or not isinstance(method, str):
                return BadRequest("Not a JSON-RPC or XML-RPC request")
        response = dispatch_request(self, request)
        if isinstance(response, ServiceUnavailable):
            reference = uuid.uuid4().hex[:12]
            logger.error(
                "database unavailable (reference %s) for %s: %s",
                reference, request.path, response.description)
            return ServiceUnavailable(
                GENERIC_ERROR.format(reference=reference))
        if isinstance(response, Exception) and not isinstance(
                response, (TrytonException, HTTPException)):
            reference = uuid.uuid4().hex[:12]
            logger.error(
                "unexpected error (reference %s) for %s", reference,
                request.path, exc_info=(
                    type(response), response, response.__traceback__))
            return InternalError(GENERIC_ERROR.format(reference=reference))
        return response
    patched.hopu_patched = True
    TrytondWSGI.dispatch_request = patched


def serve(db_uri=None, databases=(), listen=None, dev=False):
    "Run the trytond HTTP server in this process (does not return)"
    os.environ.update(paths.trytond_environ(db_uri, listen, name='server'))
    from trytond import config
    config.update_etc(os.environ['TRYTOND_CONFIG'])
    patch_lazy_database_loading()
    patch_error_answers()
    from trytond.cli import main
    argv = ['trytond', '-c', os.environ['TRYTOND_CONFIG']]
    if databases:
        argv += ['-d', *databases]
    if dev:
        argv.append('--dev')
    sys.argv = argv
    return main()
