# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every change Hopu makes to trytond's own code, in one place (issue 14).

Each entry of ``PATCHES`` names the trytond function it replaces or wraps
(``target``), the digest of that function's source as trytond 8.0.12 ships
it (``fingerprint``), what it changes (``make``, given the function it
wraps) and the report it amounts to upstream (``report``, as one would file
it on https://bugs.tryton.org). The checks themselves stay with their topic
(``security``, ``input_validation``, ``program``); only the hooking is here.

When: ``apply`` runs when the pool of a database where this module is
activated is set up (``Configuration.__setup__`` below, registered in
tryton.cfg), in whatever process loads it: ``trytond -d``,
``trytond-cron -d``, ``trytond-worker -d``, the WSGI application, ``hopu
serve``, the tests. Importing a Hopu module changes nothing (``hopu`` imports
``database_template`` of this module without trytond being set up). The
entries marked ``process`` act before any database is loaded (the lazy
loading of databases, the answers of the WSGI application): ``hopu serve``
and ``hopu_cli.wsgi`` apply them at start (``apply(process=True)``), plain
``trytond`` when it loads its first Hopu database (``-d``).

Guards: every entry is written for trytond ``SERIES`` and for the source
whose digest is its ``fingerprint``. On another series, or when the target
changed (a trytond update), nothing is patched silently:

- a ``required`` entry (the checks of every request, the export rights,
  the error answers, the fields SQLColumn relies on) refuses the database:
  ``PatchRefused`` is raised while its pool is set up, so ``trytond-cron``
  and ``trytond-worker`` stop at start, a server logs the error and does
  not serve the database — serving it without the checks would reopen what
  they close;
- an optional entry (speed, lazy database loading) is logged as an error
  and left out: trytond behaves as upstream does.

``tests/test_trytond_patches.py`` fails when a target changes upstream
(series and digest of every entry) and checks that every entry is active
once a pool is set up and none on import; ``tests/test_trytond_commands.py``
of the repository that ``trytond``, ``trytond-cron`` and ``trytond-worker``
started with the project's configuration apply every one. To carry a
patch to a new trytond: read the new target, adapt ``make`` (or drop the
entry if upstream fixed it), set the new ``fingerprint``
(``fingerprint(target)`` gives it)."""
import hashlib
import importlib
import inspect
import logging
import textwrap
import threading
import uuid

import trytond
from trytond.pool import PoolMeta

logger = logging.getLogger(__name__)

#: the trytond series every entry is written for
SERIES = '8.0'


class PatchRefused(RuntimeError):
    "A required patch does not fit the trytond it would change"


def resolve(target):
    "The owner (module or class) and attribute name of 'module:Class.name'"
    module_name, _, qualname = target.partition(':')
    owner = importlib.import_module(module_name)
    *path, attribute = qualname.split('.')
    for name in path:
        owner = getattr(owner, name)
    return owner, attribute


def _function(raw):
    "The function of a classmethod, of a property's getter, or raw"
    if isinstance(raw, property):
        return raw.fget
    return getattr(raw, '__func__', raw)


def source_digest(function):
    "The digest of the source of function (a classmethod's function)"
    source = textwrap.dedent(inspect.getsource(_function(function)))
    return hashlib.sha256(source.encode('utf-8')).hexdigest()[:16]


# the attributes as trytond defined them, before the first patch of each
_UPSTREAM = {}
# the last patch of each attribute and the value it set
_PATCHED = {}
_APPLIED = set()
_LOGGED = set()
_LOCK = threading.RLock()


def upstream(target):
    "The target as trytond defines it (also once patched)"
    owner, attribute = resolve(target)
    key = (owner, attribute)
    if key in _UPSTREAM:
        return _UPSTREAM[key]
    return vars(owner)[attribute]


def fingerprint(*targets):
    "The digest of the upstream source of the targets"
    return '+'.join(source_digest(upstream(t)) for t in targets)


class Patch:
    """A change of trytond's ``target`` ('module:Class.attribute'): its
    value is replaced by ``make(function)``, function being the value found
    (trytond's, or the previous entry's wrapper of the same target). Without
    ``make``, an entry only guards code that relies on ``target`` (several
    targets may be given then)."""

    def __init__(self, name, target, make=None, *, fingerprint, report,
            required, process=False):
        self.name = name
        self.targets = (target,) if isinstance(target, str) else target
        assert make is None or len(self.targets) == 1
        self.make = make
        self.fingerprint = fingerprint
        self.report = textwrap.dedent(report).strip()
        self.required = required
        self.process = process

    def __repr__(self):
        return f'<Patch {self.name}>'

    @property
    def target(self):
        return self.targets[0]

    def problem(self):
        "Why the patch does not fit the running trytond, or None"
        if trytond.__series__ != SERIES:
            return (f"written for trytond {SERIES}, "
                f"running {trytond.__version__}")
        try:
            found = fingerprint(*self.targets)
        except (ImportError, AttributeError, KeyError, OSError,
                TypeError) as exception:
            return f"{', '.join(self.targets)} not found ({exception})"
        if found != self.fingerprint:
            return (f"{', '.join(self.targets)} changed upstream "
                f"(source digest {found}, written for {self.fingerprint})")

    @property
    def active(self):
        return self.name in _APPLIED

    def _apply(self):
        owner, attribute = resolve(self.target)
        raw = vars(owner)[attribute]
        _UPSTREAM.setdefault((owner, attribute), raw)
        if self.make is None:
            return
        function = self.make(_function(raw))
        if isinstance(raw, classmethod):
            function = classmethod(function)
        elif isinstance(raw, property):
            function = property(function)
        setattr(owner, attribute, function)
        _PATCHED[(owner, attribute)] = (self.name, function)


def apply(process=False, patches=None):
    """Apply the patches not applied yet (only the ``process`` ones with
    process); raise PatchRefused, before changing anything, when a required
    one does not fit"""
    patches = PATCHES if patches is None else patches
    with _LOCK:
        todo = [p for p in patches if not p.active
            and (p.process or not process)]
        problems = {p: p.problem() for p in todo}
        refused = [p for p in todo if problems[p] and p.required]
        if refused:
            message = '; '.join(f"{p.name}: {problems[p]}" for p in refused)
            logger.critical(
                "trytond patches refused, database not served: %s "
                "(see hopu_sysadmin/trytond_patches.py)", message)
            raise PatchRefused(message)
        for patch in todo:
            if problems[patch]:
                if patch.name not in _LOGGED:
                    _LOGGED.add(patch.name)
                    logger.error(
                        "trytond patch %s left out: %s (see "
                        "hopu_sysadmin/trytond_patches.py)",
                        patch.name, problems[patch])
                continue
            patch._apply()
            _APPLIED.add(patch.name)
            logger.info("trytond patch %s applied", patch.name)


def active_patches():
    return sorted(_APPLIED)


def patched(target):
    "The name of the last patch applied to target and the value it set"
    return _PATCHED.get(resolve(target))


class Configuration(metaclass=PoolMeta):
    """The hook: trytond sets this class up in the pool of every database
    where hopu_sysadmin is activated, in every process that loads one"""
    __name__ = 'ir.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        apply()


# Input checks (input_validation.py)

def _input(name):
    def make(original):
        from . import input_validation
        return getattr(input_validation, name)(original)
    return make


INPUT_REPORT = """
    Fields should refuse the values they cannot store with a user error
    (``Field.sql_format``): text with NUL, text longer than ``size``,
    integers beyond the column's type, infinite numbers, dates outside the
    database's range, a Many2One id that does not exist (SQLite has no
    foreign key). Today they reach SQL and come back as a database error
    whose text (SQL, column, value) is sent to the client. The same for
    the ids given to read/write/delete/copy/buttons, the defaults taken from
    the context (``default_<field>``), and the search domain, which should
    be validated (shape, known operator, value type, depth) before it is
    walked: a 2-element clause such as ``['a', 'b']`` makes
    ``ModelStorage.search`` recurse into the characters of its strings until
    RecursionError."""

PATCHES = [
    Patch('input.before_create',
        'trytond.model.modelstorage:ModelStorage._before_create',
        _input('_before_create'), fingerprint='52019197757102e1',
        required=True, report=INPUT_REPORT),
    Patch('input.before_write',
        'trytond.model.modelstorage:ModelStorage._before_write',
        _input('_before_write'),
        fingerprint='88d499082e124c77', required=True,
        report=INPUT_REPORT),
    Patch('input.before_read',
        'trytond.model.modelstorage:ModelStorage._before_read',
        _input('_before_read'),
        fingerprint='fae780655720a2f7', required=True,
        report=INPUT_REPORT),
    Patch('input.before_delete',
        'trytond.model.modelstorage:ModelStorage._before_delete',
        _input('_with_records'),
        fingerprint='af7d324f930b24bf', required=True,
        report=INPUT_REPORT),
    Patch('input.search',
        'trytond.model.modelstorage:ModelStorage.search',
        _input('_search'),
        fingerprint='c04c246731084ff3', required=True,
        report=INPUT_REPORT),
    Patch('input.default_get',
        'trytond.model.model:Model.default_get',
        _input('_default_get'),
        fingerprint='c4bed5d7dbabc00d', required=True,
        report=INPUT_REPORT),
    Patch('input.rpc_convert',
        'trytond.rpc:RPC.convert',
        _input('_convert'),
        fingerprint='8b9b6ca9ee194937', required=True,
        report="""
            ``RPC.convert`` should check what it converts: the ids of the
            methods that instantiate records (whole numbers of the id
            column), and the context (no NUL, no integer beyond 64 bits,
            no infinite number; ``active_id(s)``, ``company``,
            ``employee`` and the keys of context models typed as their
            fields), since reports and wizards put context values into
            SQL. The values of create/write should be checked there too,
            before a model's own ``create``/``write`` reads them."""),
    ]


# Checks of every request (security.py)

def _security(name):
    def make(original):
        from . import security
        return getattr(security, name)(original)
    return make


PATCHES += [
    Patch('security.search',
        'trytond.model.modelsql:ModelSQL.search',
        _security('_search'),
        fingerprint='8ca7cd7b5e0649e1', required=True,
        report="""
            1. ``ModelStorage.search`` accepts domains and orders on fields
            that ``read`` blanks (``res.user.password_hash``,
            ``password_reset``, session and device keys): any user recovers
            them one character at a time. Such fields need a way to be
            declared unsearchable (e.g. a ``searchable=False`` attribute or
            the field access ``perm_read`` enforced on search by default).

            2. ``ModelSQL.search_domain`` converts the leaves under
            ``without_check_access``, so ``Rule.domain_get`` answers nothing
            for the target of a dotted path or a ``where`` clause
            (Many2One, One2Many, Many2Many): the code that adds the target's
            rules never takes effect and a domain such as
            ``[('party.name', 'like', 'A%')]`` probes records the user may
            not read."""),
    Patch('security.before_create',
        'trytond.model.modelstorage:ModelStorage._before_create',
        _security('_before_create'),
        fingerprint='52019197757102e1', required=True,
        report="""
            ``create``/``write`` called over RPC accept Many2One, Reference
            and x2many values naming records the user may not read (record
            rules), and link them: a user attaches a document to a customer
            of another salesperson by id. The records named by the values
            should be checked for read access as ``read`` checks them."""),
    Patch('security.before_write',
        'trytond.model.modelstorage:ModelStorage._before_write',
        _security('_before_write'),
        fingerprint='88d499082e124c77', required=True,
        report="(Same report as security.before_create, for write.)"),
    Patch('security.rpc_convert',
        'trytond.rpc:RPC.convert',
        _security('_convert'),
        fingerprint='8b9b6ca9ee194937', required=True,
        report="""
            1. ``on_change``/``on_change_with`` instantiate the record data
            a client sends (its own ``id``, its parent's, Many2One values)
            and evaluate them without the record rules nor the model's read
            access: any record is read through an on_change.

            2. ``readonly=True`` and the state of a Workflow are enforced by
            the client only; a server option to refuse them in the values
            of RPC ``create``/``write`` would make the workflows'
            transitions binding."""),
    Patch('security.wizard_execute',
        'trytond.wizard.wizard:Wizard.execute',
        _security('_execute'),
        fingerprint='23377b570b731d7c', required=True,
        report="""
            ``Wizard.execute`` instantiates the values of its StateView
            forms as the client sends them: a record the user may not read
            named in a wizard form is read and acted on. The form values
            should be checked against the record rules."""),
    Patch('security.export_resources',
        'trytond.model.modelstorage:ModelStorage.export_data',
        _security('_export_data'),
        fingerprint='cb2db74fc0fa09dd', required=True,
        report="""
            ``ResourceAccessMixin`` checks the resource on ``read`` and
            ``search`` but ``export_data`` reads through instances:
            attachments and notes of any record are exported by id."""),
    ]


# Export rights (export_right.py, SYS-5 导出)

def _export_rights(original):
    from . import export_right

    def export_data(cls, records, fields_names, header=False):
        export_right.check_export(cls)
        export_right.check_export_rules(cls, records)
        return original(cls, records, fields_names, header=header)
    return export_data


PATCHES += [
    Patch('rights.export_data',
        'trytond.model.modelstorage:ModelStorage.export_data',
        _export_rights,
        fingerprint='cb2db74fc0fa09dd', required=True,
        report="""
            1. There is no export access: whoever reads a model exports it.
            An ``ir.model.access`` permission (or a group on the export
            action) for ``export_data``/``export_data_domain`` would let
            administrators grant exporting separately, as ERPs do.

            2. ``export_data`` reads the given records as instances,
            without the record rules that ``read`` applies: records of
            other users are exported by id. It should check the read rules
            of the records first, as ``read`` does."""),
    Patch('rights.check_domain_rule',
        'trytond.model.modelsql:ModelSQL._ModelSQL__check_domain_rule',
        fingerprint='fb935ec0086e77ea', required=True,
        report="""
            (No change: ``export_right.check_export_rules`` calls this private
            method to check the read rules of exported records with
            trytond's own message; a public ``check_domain_rule(ids, mode)``
            would make that safe.)"""),
    ]


# Speed (speedup.py for what is not a patch)

def cursor_dict(cursor, size=None):
    # psycopg 3's arraysize is 1: a page of 80 records fetched row by row
    size = max(cursor.arraysize, 1000) if size is None else size
    names = None
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        if names is None:
            names = [d[0] for d in cursor.description]
        for row in rows:
            yield dict(zip(names, row))


def _browse(original):
    from trytond.model.modelstorage import local_cache
    from trytond.transaction import Transaction

    def browse(cls, ids):
        "Return a list of instance for the ids"
        transaction = Transaction()
        ids = list(map(int, ids))
        _local_cache = local_cache(cls, transaction)
        transaction_cache = transaction.get_cache()
        records = [cls(x,
                _local_cache=_local_cache,
                _transaction_cache=transaction_cache,
                _transaction=transaction) for x in ids]
        for record in records:
            record._ids = ids
        return records
    return browse


CURSOR_DICT_REPORT = """
    ``tools.cursor_dict`` reads ``cursor.description`` once per row; with
    psycopg 3 that property builds a new Column object per column each time
    (psycopg issue #446), so a ``search`` of 80 parties (about 35 eager
    columns) builds 2,800 Column objects. It also fetches with
    ``fetchmany()`` at the cursor's ``arraysize``, which is 1 in psycopg 3:
    one fetch per row. Taking the column names once per result and fetching
    by the thousand makes the read of a list page several times cheaper."""

PATCHES += [
    Patch('speed.cursor_dict',
        'trytond.tools:cursor_dict',
        lambda original: cursor_dict,
        fingerprint='24fe36e2f7a851da', required=False,
        report=CURSOR_DICT_REPORT),
    Patch('speed.cursor_dict_modelsql',
        'trytond.model.modelsql:cursor_dict',
        lambda original: cursor_dict,
        fingerprint='24fe36e2f7a851da', required=False,
        report="(The name ModelSQL.read uses, see speed.cursor_dict.)"),
    Patch('speed.browse',
        'trytond.model.modelstorage:ModelStorage.browse',
        _browse,
        fingerprint='518900903622b609', required=False,
        report="""
            ``ModelStorage.__init__`` asserts that every id of the batch
            (``_ids``) is an int, once per record, so ``browse`` of n ids
            checks n² ids (6,400 for a list page of 80, three browses per
            customer list). ``browse`` has made them ints already: the
            instances can be built without the batch and given it
            afterwards, or the assertion moved into ``browse``."""),
    ]


def _many2one_sql_format(original):
    def sql_format(self, value):
        # an id as given (the domain of a record rule lists the user's
        # 126 groups): what both backends' sql_format return for it
        if type(value) is int:
            return value
        return original(self, value)
    return sql_format


PATCHES += [
    Patch('speed.many2one_sql_format',
        'trytond.model.fields.many2one:Many2One.sql_format',
        _many2one_sql_format,
        fingerprint='2f2b54180d134d18', required=False,
        report="""
            ``Many2One.sql_format`` is called for each value of an ``in``
            clause (the record rules of a user with 126 groups format the
            list several times per request: 900 calls for one list page);
            each call checks the value against Model, Query and
            Expression, converts it to int, then ``Field.sql_format``
            checks the types again and asks the backend, which returns the
            int unchanged (PostgreSQL, SQLite). An int can be returned as
            it is, or ``_domain_value`` can format a list of ints at
            once."""),
    ]


# The search of a list over RPC (rpc_search.py); after security.search,
# which it calls with query=True

def _rpc_search():
    from . import rpc_search
    return rpc_search


RPC_SEARCH_REPORT = """
    Over RPC, ``search`` returns ids (``RPC(result=lambda r: list(map(int,
    r)))``) and the transaction ends, yet ``ModelSQL.search`` selects every
    eager column of the records found and fills the transaction's record
    cache with them, which nothing reads: a fifth to a half of the time of
    a list page's search. The dispatcher could call ``search`` so that it
    selects the ids only (e.g. a context key or a ``search_ids`` method
    that the ``search`` RPC calls), the server's own searches keeping the
    cache."""

PATCHES += [
    Patch('speed.rpc_search',
        'trytond.rpc:RPC.decorate',
        lambda original: _rpc_search().make_decorate(original),
        fingerprint='a857c9b85a7937dd', required=False,
        report=RPC_SEARCH_REPORT),
    Patch('speed.rpc_search_ids',
        'trytond.model.modelsql:ModelSQL.search',
        lambda original: _rpc_search().make_search(original),
        fingerprint='8ca7cd7b5e0649e1', required=False,
        report="(The search side of speed.rpc_search: the ids selected.)"),
    ]


# The clauses of a search implied by another of the same AND
# (implied_domain.py); the outermost wrapper of ModelSQL.search

def _implied_domain():
    from . import implied_domain
    return implied_domain


PATCHES += [
    Patch('speed.implied_domain',
        'trytond.model.modelsql:ModelSQL.search',
        lambda original: _implied_domain().make_search(original),
        fingerprint='8ca7cd7b5e0649e1', required=False,
        report="""
            The domain of an action and the domain of its tab are ANDed,
            often saying the same thing twice on one column (``('state',
            'in', [...])`` and ``('state', '=', ...)``); PostgreSQL
            multiplies the selectivities of the two conditions and
            underestimates the rows, which may turn the walk of an
            ordered index into a sequential scan and a sort (the lead
            list of a salesperson: 1.9 ms instead of 0.25 ms).
            ``ModelSQL.search`` (or ``simplify``) could drop a clause
            ``in`` implied by an ``=`` or a smaller ``in`` on the same
            column in the same AND (see implied_domain.py)."""),
    ]


# The labels of a list's selection columns (selection_string.py)

def _selection_string():
    from . import selection_string
    return selection_string


PATCHES += [
    Patch('speed.selection_string',
        'trytond.model.fields.selection:SelectionMixin.get_selection',
        lambda original: _selection_string().make_get_selection(original),
        fingerprint='ff429531c01f432b', required=False,
        report="""
            ``ModelSQL.read`` computes ``fields_get`` once per row for each
            ``<field>:string`` of a selection field; compute the definition
            once per field and call get_selection only for the selection
            given by an instance method (see selection_string.py)."""),
    ]


# A field read in the SELECT (sqlcolumn.py)

PATCHES += [
    Patch('sqlcolumn.read',
        ('trytond.model.modelsql:ModelSQL.read',
            'trytond.model.fields.function:Function.__init__',
            'trytond.model.fields.function:Function.sql_type',
            'trytond.model.fields.function:Function.convert_domain',
            'trytond.model.fields.function:Function.convert_order',
            'trytond.model.fields.field:column_method'),
        fingerprint=(
            'a0bd04a4adf61a33+9756c9172726f2a7+11162590ba50771e'
            '+d6604df2fe94cb12+28462aff038fd362+85f5c32b52c7617b'),
        required=True,
        report="""
            (No change: ``SQLColumn`` is a getter-less ``fields.Function``
            without a ``get`` attribute, which ``ModelSQL.read`` then reads
            as a plain column, with the model's ``column_<name>``.)

            A getter-less ``fields.Function`` (the value is the SQL
            expression of ``column_<name>``) is selected with the record's
            columns but then still goes through the path of Python getters:
            the record cache filled with every other field and a getter
            call per field. On a list of 80 customers two such columns cost
            more than the rest of the read. ``ModelSQL.read`` could treat a
            Function field without getter as a column
            (``if not getattr(field, 'getter', None)``)."""),
    ]


# The related fields of a list (read_related.py); after sqlcolumn.read,
# which guards the same target

def _read_related():
    from . import read_related
    return read_related


PATCHES += [
    Patch('speed.read_related',
        'trytond.model.modelsql:ModelSQL.read',
        lambda original: _read_related().make_read(original),
        fingerprint='a0bd04a4adf61a33', required=False,
        report="""
            ``ModelSQL.read`` evaluates the target and the context of a
            related field twice per row (sorted and groupby keys),
            encoding the field's context to PYSON each time, and asks the
            selection of a ':string' field per row; evaluate the context
            once per distinct value of its eval fields (none for most
            fields) and compute the selection once per field when it does
            not depend on the record (see read_related.py)."""),
    ]


# The server process (hopu serve, the WSGI application, trytond)

def _database_list(original):
    def database_list(cls):
        with cls._lock:
            return [name for name, pool in cls._pools.items() if pool]
    return database_list


#: what the client is told of an unexpected error
GENERIC_ERROR = (
    "服务器内部错误，请联系系统管理员（参考编号 {reference}）。 / "
    "Internal server error, please contact the administrator "
    "(reference {reference}).")


class InternalError(Exception):
    "What the client is told of an unexpected error"


def _error_answers(original):
    from werkzeug.exceptions import (
        BadRequest, HTTPException, ServiceUnavailable)

    from trytond.exceptions import TrytonException
    server_logger = logging.getLogger('hopu.server')

    def dispatch_request(self, request):
        if self.dev:
            return original(self, request)
        if request.path.endswith('/rpc/'):
            try:
                method = request.rpc_method
            except HTTPException as exception:
                return exception
            if not method or not isinstance(method, str):
                return BadRequest("Not a JSON-RPC or XML-RPC request")
        response = original(self, request)
        if isinstance(response, ServiceUnavailable):
            reference = uuid.uuid4().hex[:12]
            server_logger.error(
                "database unavailable (reference %s) for %s: %s",
                reference, request.path, response.description)
            return ServiceUnavailable(
                GENERIC_ERROR.format(reference=reference))
        if isinstance(response, Exception) and not isinstance(
                response, (TrytonException, HTTPException)):
            reference = uuid.uuid4().hex[:12]
            server_logger.error(
                "unexpected error (reference %s) for %s", reference,
                request.path, exc_info=(
                    type(response), response, response.__traceback__))
            return InternalError(GENERIC_ERROR.format(reference=reference))
        return response
    return dispatch_request


PATCHES += [
    Patch('server.database_list',
        'trytond.pool:Pool.database_list',
        _database_list,
        fingerprint='aeb45c67a4d912fa', required=False, process=True,
        report="""
            A database not named with ``-d`` at start cannot be logged in
            to: ``security.login`` starts a transaction, whose
            ``Cache.sync()`` calls ``Pool()``; ``Pool.__new__`` reads
            ``Pool._pools[name]`` from a defaultdict and so registers an
            empty pool for the database; ``security._get_pool()`` then finds
            the name in ``Pool.database_list()``, skips ``Pool.init()`` and
            the login fails with ``KeyError: 'res.user'``.
            ``Pool.database_list`` should list the initialised pools only
            (or ``Pool.__new__`` not create the entry)."""),
    Patch('server.error_answers',
        'trytond.wsgi:TrytondWSGI.dispatch_request',
        _error_answers,
        fingerprint='5b9fada5a63b56e0', required=True, process=True,
        report="""
            1. Outside ``--dev``, the dispatcher still answers an
            unexpected exception with its text: a database error quotes the
            SQL statement, the column and the value to the client. It
            should answer a generic message with a reference and log the
            traceback under that reference (``ServiceUnavailable`` alike).

            2. A POST to ``/<db>/rpc/`` whose body is neither JSON-RPC nor
            XML-RPC is answered with HTTP 500 (an exception of the
            parsing) instead of 400 Bad Request."""),
    ]


# The schema of a PostgreSQL database, read at each module update

def _fk_deltypes(original):
    from trytond.transaction import Transaction

    def _fk_deltypes(self):
        # TableHandler's cache, emptied by _update_definitions()
        if self._TableHandler__fk_deltypes is None:
            cursor = Transaction().connection.cursor()
            cursor.execute(
                'SELECT c.conname, a.attname, '
                "CASE c.confdeltype WHEN 'c' THEN 'CASCADE' "
                "WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' "
                "WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END "
                'FROM pg_constraint AS c '
                'JOIN pg_class AS t ON t.oid = c.conrelid '
                'JOIN pg_namespace AS n ON n.oid = t.relnamespace '
                'JOIN pg_attribute AS a ON a.attrelid = c.conrelid '
                'AND a.attnum = ANY (c.conkey) '
                "WHERE c.contype = 'f' AND t.relname = %s "
                'AND n.nspname = %s',
                (self.table_name, self.table_schema))
            self._TableHandler__fk_deltypes = {
                r[:2]: r[2] for r in cursor}
        return self._TableHandler__fk_deltypes
    return _fk_deltypes


PATCHES += [
    Patch('speed.fk_deltypes',
        'trytond.backend.postgresql.table:TableHandler._fk_deltypes',
        _fk_deltypes,
        fingerprint='51bbd1aac50e5057', required=False,
        report="""
            ``TableHandler._fk_deltypes`` (PostgreSQL) reads the foreign
            keys of a table by joining ``information_schema``'s
            ``key_column_usage`` and ``referential_constraints``: the
            planner walks every foreign key of the database for each
            (3.7 s a table on a database of Hopu's modules, 705 foreign
            keys), and it runs again for every table holding a Many2One at
            each activation or update of a module, and after each foreign
            key it adds. The same rows from ``pg_constraint`` and
            ``pg_attribute`` take a millisecond."""),
    ]


# The modules of the classes named by a string (resolve)

def _import_module(original):
    import functools
    return functools.cache(original)


PATCHES += [
    Patch('speed.import_module', 'trytond.tools.misc:import_module',
        _import_module,
        fingerprint='190fa78e124e75be', required=False, process=True,
        report="""
            ``trytond.tools.misc.import_module`` looks the module up among
            every entry point of the environment (``entry_points().select``,
            0.3–0.6 ms) at each call, and ``resolve()`` calls it for every
            dotted name it resolves. ``isregisteredby()`` resolves each class
            a module registers by name, so the generic tests of
            ``ModuleTestCase`` (test_depends, test_field_methods,
            test_buttons_states …, each walking every model) spent ~3 s each
            in it on a database of Hopu's modules. The module found for a
            name does not change in a process: the lookup can be kept
            (``functools.cache``)."""),
    ]
