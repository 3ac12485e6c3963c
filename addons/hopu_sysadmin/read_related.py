# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The names of a list's many2one columns and the labels of its selection
columns (``party.rec_name``, ``state:string``, which sao asks for every
list) without Python per row and field.

``ModelSQL.read`` fills the related fields by grouping the rows by the
field's evaluated context and target: for each related field it computes,
twice per row (sort key and group key), the target model (a pool lookup),
the field's context encoded to PYSON and decoded with the row, and a
frozen copy of it; a selection label browses the rows and asks the
selection per row. On a list page of 80 approval steps with five many2one
columns and two selection columns that is about 1,100 such computations,
a fifth of the request (issue 14 item 8, bench/lists.py).

``make_read`` wraps ``read``: the many2one fields (without
``datetime_field``) and the selection fields whose selection does not
depend on the record (a list, or a class method) are taken out of the
fields given to trytond's read; their columns (and the fields their
context evaluates) are read with the others, then the related values are
added as trytond adds them: the context evaluated once per distinct value
of the fields it depends on, the targets read once per context with the
same ``Target.read`` (its access checks and record rules), the
``related_read_limit`` of the context kept, the labels computed once per
field. Everything else (references, x2many, multiselection, a selection
given by an instance method, a field with ``datetime_field``) goes to
trytond's read unchanged.

The names of the many2one columns whose target's ``rec_name`` is an
``SQLColumn`` (party, company, employee, contact; not a translated
name) are read for every such column of the request in one statement,
instead of one ``Target.read`` per target model: a union of one select
per column of its targets by id, the name by the target's
``column_rec_name`` and whether the row passes the target's read record
rules (``Rule.domain_get`` converted by the target's ``search_domain``,
with its joins, as its ``read`` converts them), in the field's context
(when it evaluates to one context for the page); the target's
``_before_read`` (model and field access) is called as its read calls
it. A column of a target with a ``read`` of its own, a
``related_read_limit`` in the context, a history date, a row whose target
is not readable, goes to ``Target.read`` as above (which raises the same
access error). On a page of contact records that is one statement for
the customers, contacts and salespeople instead of three. The names of a
target whose names are kept across requests (``rec_name_cache``: the
companies, the employees) are taken from there, only the ones not kept
yet selected (and kept): with the names kept, no statement.

Upstream report it amounts to: "ModelSQL.read evaluates the target and
the context of a related field twice per row (sorted and groupby keys),
encoding the field's context to PYSON each time, and asks the selection
of a ':string' field per row; evaluate the context once per distinct
value of its eval fields (none for most fields) and compute the selection
once per field when it does not depend on the record"."""
from sql import Literal, Union

from trytond.cache import freeze
from trytond.model import ModelSQL, ModelStorage, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tools import is_instance_method
from trytond.transaction import Transaction

from . import rec_name_cache
from .rec_name_cache import RecNameCacheMixin

#: the digest of the source of trytond 8.0's ModelSQL.read, which
#: make_read wraps (its entry of trytond_patches.py leaves a trytond whose
#: read changed unpatched)
FINGERPRINT = 'a0bd04a4adf61a33'
REPORT = __doc__.split('Upstream report it amounts to: ')[1].strip('"')
TARGET = 'trytond.model.modelsql:ModelSQL.read'


def _many2one(field):
    return (field is not None and field._type == 'many2one'
        and not getattr(field, 'datetime_field', None))


def _static_selection(Model, field):
    if (field is None or field._type != 'selection' or field.context
            or getattr(field, 'datetime_field', None)):
        return False
    selection = field.selection
    return not (isinstance(selection, str)
        and is_instance_method(Model, selection))


def _contexts(field, rows):
    """The rows of each evaluated context of field (frozen key → (context,
    rows)), the context evaluated once per distinct value of the fields it
    reads, as trytond evaluates it with the row"""
    if not field.context:
        return {(): ({}, rows)}
    names = sorted(fields.get_eval_fields(field.context))
    pyson = PYSONEncoder().encode(field.context)
    evaluated = {}
    groups = {}
    for row in rows:
        key = tuple(freeze(row.get(n)) for n in names)
        if key not in evaluated:
            context = PYSONDecoder(row).decode(pyson)
            evaluated[key] = (freeze(context), context)
        frozen, context = evaluated[key]
        groups.setdefault(frozen, (context, []))[1].append(row)
    return groups


def _add_many2one(field, related, rows):
    name = field.name
    key = name + '.'
    Target = field.get_target()
    transaction = Transaction()
    for context, group in _contexts(field, rows).values():
        with transaction.set_context(context):
            limit = transaction.context.get('related_read_limit')
            target_ids = list(dict.fromkeys(
                    row[name] for row in group if row[name] is not None))
            targets = Target.read(target_ids[:limit], related)
            if limit is not None:
                targets += [{'id': i} for i in target_ids[limit:]]
        targets = {t['id']: t for t in targets}
        for row in group:
            value = row[name]
            if value is not None and value >= 0:
                row[key] = targets[value]
            else:
                row[key] = None


def _name_target(field, subs):
    """The target of field whose names one statement may read (its rec_name
    an SQL column, its read trytond's), or None"""
    from .sqlcolumn import SQLColumn
    if subs != ['rec_name'] or not _many2one(field):
        return None
    Target = field.get_target()
    if (not isinstance(Target._fields.get('rec_name'), SQLColumn)
            or not issubclass(Target, ModelSQL)
            or Target._is_table_query()
            or (Target._history
                and Transaction().context.get('_datetime'))):
        return None
    for klass in Target.__mro__:
        # the names kept (rec_name_cache) are read below as its read does
        if klass in {ModelSQL, ModelStorage, RecNameCacheMixin}:
            continue
        if any(n in vars(klass)
                for n in ('read', '_before_read', '_after_read')):
            return None
    return Target


def _add_names(names, rows):
    """The names of the targets of the fields names ({name: (Target,
    context)}) in one statement, a union of a select of each field's
    targets by id with whether the target's read record rules let the user
    read it; returns the names left to Target.read (a target not found or
    not readable)"""
    pool = Pool()
    Rule = pool.get('ir.rule')
    transaction = Transaction()
    queries = []
    found = {}
    kept = {}
    for i, (name, (Target, context)) in enumerate(names.items()):
        target_ids = list(dict.fromkeys(
                row[name] for row in rows if row[name] is not None))
        if not target_ids:
            continue
        with transaction.set_context(context):
            Target._before_read(target_ids, ['rec_name'])
            if rec_name_cache.uses_kept_names(Target):
                kept[i] = Target
                for id_, rec_name in rec_name_cache.kept_names(
                        Target, target_ids).items():
                    found[i, id_] = (rec_name, True)
                target_ids = [t for t in target_ids if (i, t) not in found]
                if not target_ids:
                    continue
            target = Target.__table__()
            tables = {None: (target, None)}
            rec_name = Target._fields['rec_name'].sql_column(tables, Target)
            domain = Rule.domain_get(Target.__name__, mode='read')
            readable = Literal(True)
            if domain:
                # as the target's read converts its rules
                tables, readable = Target.search_domain(
                    domain, active_test=False, tables=tables)
            queries.append(convert_from(None, tables).select(
                    Literal(i).as_('field'), target.id.as_('id'),
                    rec_name.as_('rec_name'), readable.as_('readable'),
                    where=fields.SQL_OPERATORS['in'](target.id, target_ids)))
    if queries:
        query = queries[0]
        for other in queries[1:]:
            query = Union(query, other, all_=True)
        cursor = transaction.connection.cursor()
        cursor.execute(*query)
        for field, id_, rec_name, readable in cursor:
            found[int(field), id_] = (rec_name, readable)
            if int(field) in kept and readable:
                rec_name_cache.keep_names(kept[int(field)], {id_: rec_name})
    left = []
    for i, name in enumerate(names):
        if any(not found.get((i, row[name]), (None, False))[1]
                for row in rows if row[name] is not None):
            left.append(name)
            continue
        key = name + '.'
        targets = {}
        for row in rows:
            value = row[name]
            if value is not None and value >= 0:
                row[key] = targets.setdefault(value, {
                        'id': value, 'rec_name': found[i, value][0]})
            else:
                row[key] = None
    return left


def _add_selection_string(Model, field, rows):
    name = field.name
    selection = field.get_selection(Model, name, None)
    for row in rows:
        row[name + ':string'] = field.get_selection_string(
            selection, row[name])


def make_read(original):
    "ModelSQL.read with the many2one names and selection labels above"

    def read(cls, ids, fields_names):
        if not ids or not isinstance(fields_names, (list, tuple)):
            return original(cls, ids, fields_names)
        related = {}
        strings = []
        rest = []
        for name in fields_names:
            if not isinstance(name, str):
                rest.append(name)
            elif '.' in name:
                fname, sub = name.split('.', 1)
                if _many2one(cls._fields.get(fname)):
                    subs = related.setdefault(fname, [])
                    if sub not in subs:
                        subs.append(sub)
                    continue
            elif name.endswith(':string'):
                fname = name[:-len(':string')]
                if _static_selection(cls, cls._fields.get(fname)):
                    if fname not in strings:
                        strings.append(fname)
                    continue
            rest.append(name)
        if not related and not strings:
            return original(cls, ids, fields_names)
        needed = list(related) + strings
        for fname in related:
            field = cls._fields[fname]
            if field.context:
                needed.extend(n for n in sorted(
                        fields.get_eval_fields(field.context))
                    if n in cls._fields)
        extra = [n for n in dict.fromkeys(needed)
            if n not in rest and n != 'id']
        result = original(cls, ids, rest + extra)
        names = {}
        transaction = Transaction()
        if (result and not cls._is_table_query()
                and not (cls._history
                    and transaction.context.get('_datetime'))
                and transaction.context.get('related_read_limit') is None):
            for fname, subs in related.items():
                field = cls._fields[fname]
                Target = _name_target(field, subs)
                if Target is None:
                    continue
                contexts = _contexts(field, result)
                if len(contexts) == 1:
                    (context, _), = contexts.values()
                    names[fname] = (Target, context)
        left = _add_names(names, result) if names else []
        for fname, subs in related.items():
            if fname not in names or fname in left:
                _add_many2one(cls._fields[fname], subs, result)
        for fname in strings:
            _add_selection_string(cls, cls._fields[fname], result)
        for row in result:
            for name in extra:
                row.pop(name, None)
        return result
    read.hopu = True
    return read
