# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Hostile input (issue 13, class 10): what a client sends is checked before
it reaches SQL, for every model, in one place.

The factories under "Hooks into trytond" wrap trytond's functions; they
are hooked into it by ``trytond_patches`` (with the upstream report they
amount to), when a database where the module is activated is loaded. Every
refusal is a translated user error; nothing is written before the check.

- Values of ``create`` and ``write``, at the RPC boundary (before a
  model's own ``create``/``write`` reads them) and in
  ``_before_create``/``_before_write`` (nested and server-side writes),
  when the transaction checks access (every call from a client): each key
  is a field of the model; Char/Text hold text without NUL and not longer
  than the field's ``size`` or the defaults ``[hopu] char_size`` (1,000)
  and ``text_size`` (50,000); a Selection with a fixed list one of its
  keys; Integer/Many2One whole numbers of a PostgreSQL INTEGER, a
  Many2One an existing record; Float/Numeric finite numbers below 10¹⁵;
  Date/DateTime/Timestamp years 1900–2200 (or Python's first and last
  date, Tryton's "always"); One2Many/Many2Many lists of actions whose
  nested values are checked the same way.
- Default values (``Model.default_get``), from the context
  (``default_<field>``, the keys read by the default methods) as the
  values of a create.
- Record ids given to ``read``, ``write``, ``delete``, ``copy`` and the
  buttons (``RPC.convert`` of the methods that browse records).
- Search domains (``ModelStorage.search``, under ``search_count``,
  ``search_read`` and every search of trytond): lists or leaves
  ``(field, operator, value)`` on fields of the model, with a known
  operator, values of a sensible type for the field, at most
  ``DOMAIN_DEPTH`` levels deep (a 2-element clause such as ``['a', 'b']``
  made trytond recurse into the characters of its strings until the
  interpreter's recursion limit). Orders name fields of the model.
- The context of every RPC call (``RPC.convert``): no NUL, no integer
  beyond 64 bits, no infinite number, anywhere in it; the keys defined by
  the fields of context models (``*.context``, e.g. the reports' ``company``,
  ``from_date``, ``period``) and trytond's ``active_id``/``active_ids``/
  ``company``/``employee`` hold values of their field's type, as the
  reports put them into SQL (``check_context`` for a report's ``data``).

Upstream, these checks belong to trytond's fields (``sql_format`` raising
user errors) and to ``RPC.convert``."""
import datetime
import math
import weakref
from decimal import Decimal

from sql import Expression, Query

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import Model as Record
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ContextValueError, DomainValueError, InputValueError

CHAR_SIZE = 1000
TEXT_SIZE = 50000
MIN_YEAR, MAX_YEAR = 1900, 2200
INT_MIN, INT_MAX = -2 ** 31, 2 ** 31 - 1
BIGINT_MIN, BIGINT_MAX = -2 ** 63, 2 ** 63 - 1
NUMBER_MAX = 10 ** 15
DOMAIN_DEPTH = 20
#: the dates Tryton uses for "since always" and "for ever" (currency rates)
SENTINELS = {
    datetime.date.min, datetime.date.max,
    datetime.datetime.min, datetime.datetime.max}
SEARCH_TEXT_SIZE = 10000
CONTEXT_DEPTH = 8

OPERATORS = {
    '=', '!=', 'like', 'not like', 'ilike', 'not ilike', '<=', '>=', '<',
    '>', 'in', 'not in', 'child_of', 'not child_of', 'parent_of',
    'not parent_of', 'where', 'not where',
    }
X2MANY_ACTIONS = {'create', 'write', 'delete', 'add', 'remove', 'copy'}
TEXT_TYPES = {'char', 'text', 'selection'}
INTEGER_TYPES = {'integer', 'many2one', 'one2one'}
NUMBER_TYPES = {'float', 'numeric'}
DATE_TYPES = {'date', 'datetime', 'timestamp'}
X2MANY_TYPES = {'one2many', 'many2many'}


def char_size():
    return config.getint('hopu', 'char_size', default=CHAR_SIZE)


def text_size():
    return config.getint('hopu', 'text_size', default=TEXT_SIZE)


def _names(Model, name):
    "The model's and the field's names as the user reads them"
    try:
        names = Model.__names__(name)
        return {'model': names['model'],
            'field': names.get('field', str(name)[:50])}
    except Exception:
        return {'model': Model.__name__, 'field': str(name)[:50]}


def _shown(value):
    "The value, short and printable, for an error message"
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + '...'
    return text.replace('\x00', '\\x00')


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return (isinstance(value, (int, float, Decimal))
        and not isinstance(value, bool))


def _finite(value):
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return True


def _date(value, type_):
    "The date or datetime of value, None if it is not one"
    if type_ == 'date':
        if isinstance(value, datetime.datetime):
            return None
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return value if isinstance(value, datetime.date) else None
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime.datetime) else None


# Values of create and write

def _error(Model, name, msg_id, **kwargs):
    return InputValueError(gettext(
            f'hopu_sysadmin.{msg_id}', **_names(Model, name), **kwargs))


def check_values(Model, values):
    "Refuse values of a create or write of Model that SQL would choke on"
    if not isinstance(values, dict):
        raise InputValueError(gettext(
                'hopu_sysadmin.msg_input_values', model=_names(
                    Model, None)['model'], value=_shown(values)))
    for name, value in values.items():
        field = Model._fields.get(name) if isinstance(name, str) else None
        if field is None:
            raise InputValueError(gettext(
                    'hopu_sysadmin.msg_input_unknown_field',
                    model=_names(Model, None)['model'],
                    field=_shown(name)))
        check_value(Model, name, field, value)


def check_value(Model, name, field, value):
    type_ = field._type
    if value is None or isinstance(value, (Query, Expression)):
        return
    if type_ == 'selection' and isinstance(
            getattr(field, 'selection', None), (list, tuple)):
        # a model's create may use the value (e.g. to pick a sequence)
        # before trytond validates it
        try:
            known = value in {k for k, _ in field.selection}
        except TypeError:
            known = False
        if not known:
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))
        return
    if type_ in TEXT_TYPES:
        if type_ == 'selection' and _is_int(value):
            if not BIGINT_MIN <= value <= BIGINT_MAX:
                raise _error(Model, name, 'msg_input_number_range')
            return
        if not isinstance(value, str):
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))
        if '\x00' in value:
            raise _error(Model, name, 'msg_input_nul')
        size = getattr(field, 'size', None)
        if not isinstance(size, int):
            size = text_size() if type_ == 'text' else char_size()
        if len(value) > size:
            raise _error(
                Model, name, 'msg_input_too_long', length=len(value),
                size=size)
    elif type_ in INTEGER_TYPES:
        if isinstance(value, Record) and type_ != 'integer':
            return
        if not _is_int(value):
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))
        if not INT_MIN <= value <= INT_MAX:
            raise _error(Model, name, 'msg_input_number_range')
        if type_ != 'integer':
            _check_exist(field.get_target(), [value])
    elif type_ in NUMBER_TYPES:
        if not _is_number(value):
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))
        if not _finite(value) or abs(value) >= NUMBER_MAX:
            raise _error(Model, name, 'msg_input_number_range')
    elif type_ in DATE_TYPES:
        date = _date(value, type_)
        if date is None:
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))
        if not MIN_YEAR <= date.year <= MAX_YEAR and date not in SENTINELS:
            raise _error(
                Model, name, 'msg_input_date_range',
                min=MIN_YEAR, max=MAX_YEAR)
    elif type_ == 'boolean':
        if not isinstance(value, (bool, int)):
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))
    elif type_ in X2MANY_TYPES:
        _check_x2many(Model, name, field, value)
    elif type_ == 'reference':
        _check_reference(Model, name, value)
    elif type_ == 'multiselection':
        if (not isinstance(value, (list, tuple))
                or not all(isinstance(v, str) and '\x00' not in v
                    for v in value)):
            raise _error(
                Model, name, 'msg_input_type', value=_shown(value))


def _check_ids(Model, name, ids):
    if isinstance(ids, (int, Record)):
        ids = [ids]
    if not isinstance(ids, (list, tuple)):
        raise _error(Model, name, 'msg_input_type', value=_shown(ids))
    for id_ in ids:
        if isinstance(id_, Record):
            continue
        if not _is_int(id_):
            raise _error(Model, name, 'msg_input_type', value=_shown(id_))
        if not INT_MIN <= id_ <= INT_MAX:
            raise _error(Model, name, 'msg_input_number_range')


def _check_exist(Target, ids):
    """Refuse ids of no record of Target (SQLite keeps a reference to a
    missing record where PostgreSQL's foreign key refuses it)"""
    ids = {i.id if isinstance(i, Record) else i for i in ids}
    ids.discard(None)
    if (not ids or not hasattr(Target, '__table__')
            or callable(getattr(Target, 'table_query', None))
            and Target.table_query()):
        return
    table = Target.__table__()
    cursor = Transaction().connection.cursor()
    found = set()
    for sub_ids in grouped_slice(sorted(ids), backend.MAX_QUERY_PARAMS):
        cursor.execute(*table.select(
                table.id, where=table.id.in_(list(sub_ids))))
        found.update(i for i, in cursor)
    for id_ in sorted(ids - found):
        raise InputValueError(gettext(
                'hopu_sysadmin.msg_input_record_id',
                model=_names(Target, None)['model'], id=id_))


def _check_x2many(Model, name, field, value):
    if not isinstance(value, (list, tuple)):
        raise _error(Model, name, 'msg_input_type', value=_shown(value))
    Target = field.get_target()
    for action in value:
        if (not isinstance(action, (list, tuple)) or not action
                or action[0] not in X2MANY_ACTIONS):
            raise _error(
                Model, name, 'msg_input_type', value=_shown(action))
        verb, *args = action
        if verb == 'create':
            if len(args) != 1 or not isinstance(args[0], (list, tuple)):
                raise _error(
                    Model, name, 'msg_input_type', value=_shown(action))
            for values in args[0]:
                check_values(Target, values)
        elif verb == 'write':
            if len(args) < 2 or len(args) % 2:
                raise _error(
                    Model, name, 'msg_input_type', value=_shown(action))
            pairs = iter(args)
            for ids, values in zip(pairs, pairs):
                _check_ids(Model, name, ids)
                _check_exist(Target, ids if isinstance(
                        ids, (list, tuple)) else [ids])
                check_values(Target, values)
        elif verb == 'copy':
            if not args or len(args) > 2:
                raise _error(
                    Model, name, 'msg_input_type', value=_shown(action))
            _check_ids(Model, name, args[0])
            if len(args) > 1 and args[1] is not None:
                check_values(Target, args[1])
        else:
            if len(args) != 1:
                raise _error(
                    Model, name, 'msg_input_type', value=_shown(action))
            _check_ids(Model, name, args[0])
            if verb == 'add':
                _check_exist(Target, args[0] if isinstance(
                        args[0], (list, tuple)) else [args[0]])


def _check_reference(Model, name, value):
    if isinstance(value, Record):
        return
    if isinstance(value, str):
        model, _, id_ = value.partition(',')
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        model, id_ = value
    else:
        raise _error(Model, name, 'msg_input_type', value=_shown(value))
    if (not isinstance(model, str) or '\x00' in model or len(model) > 100):
        raise _error(Model, name, 'msg_input_type', value=_shown(value))
    if isinstance(id_, str):
        id_ = id_.strip()
        if id_ and not id_.lstrip('-').isdigit():
            raise _error(Model, name, 'msg_input_type', value=_shown(value))
        id_ = int(id_) if id_ else -1
    if not _is_int(id_):
        raise _error(Model, name, 'msg_input_type', value=_shown(value))
    if not INT_MIN <= id_ <= INT_MAX:
        raise _error(Model, name, 'msg_input_number_range')


def check_ids(Model, ids):
    "Refuse record ids that are no ids of a table"
    for id_ in ids:
        if isinstance(id_, Record):
            id_ = id_.id
        if _is_int(id_) and INT_MIN <= id_ <= INT_MAX:
            continue
        raise InputValueError(gettext(
                'hopu_sysadmin.msg_input_record_id',
                model=_names(Model, None)['model'], id=_shown(id_)))


# Search domains

def _domain_error(msg_id='msg_domain_invalid', **kwargs):
    return DomainValueError(gettext(f'hopu_sysadmin.{msg_id}', **kwargs))


def check_domain(Model, domain, depth=0):
    "Refuse a domain trytond cannot turn into SQL"
    if depth > DOMAIN_DEPTH:
        raise _domain_error('msg_domain_depth', depth=DOMAIN_DEPTH)
    if not isinstance(domain, (list, tuple)):
        raise _domain_error(value=_shown(domain))
    if not domain:
        return
    if isinstance(domain[0], str) and len(domain) > 1 and isinstance(
            domain[1], str) and domain[0] not in {'AND', 'OR'}:
        _check_leaf(Model, domain, depth)
        return
    clauses = domain
    if isinstance(domain[0], str) and domain[0] in {'AND', 'OR'}:
        clauses = domain[1:]
    for clause in clauses:
        if not isinstance(clause, (list, tuple)):
            raise _domain_error(value=_shown(clause))
        check_domain(Model, clause, depth + 1)


def _check_leaf(Model, leaf, depth):
    # a path through a reference names the model of the reference (4th) and
    # may name the model of the next reference on it (5th), as trytond's
    # Reference.convert_domain passes what follows the 4th on
    if len(leaf) not in {3, 4, 5}:
        raise _domain_error(value=_shown(leaf))
    path, operator, value = leaf[:3]
    name, _, related = path.partition('.')
    field = Model._fields.get(name)
    if field is None:
        raise _domain_error(
            'msg_domain_field', model=_names(Model, None)['model'],
            field=_shown(name))
    if operator not in OPERATORS:
        raise _domain_error('msg_domain_operator', operator=_shown(operator))
    if len(leaf) >= 4 and not isinstance(leaf[3], str):
        raise _domain_error(value=_shown(leaf))
    if len(leaf) == 5 and not (
            field._type == 'reference' and '.' in related
            and isinstance(leaf[4], str)):
        raise _domain_error(value=_shown(leaf))
    if operator in {'where', 'not where'}:
        Target = field.get_target() if hasattr(field, 'get_target') else None
        if Target is None or related:
            raise _domain_error(value=_shown(leaf))
        check_domain(Target, value, depth + 1)
        return
    # a set comes from the server's own code (ir.model.log searches the
    # resources it shows by a set of ids), never from JSON-RPC
    values = value if isinstance(
        value, (list, tuple, set, frozenset)) else [value]
    if operator in {'in', 'not in', 'child_of', 'not child_of',
            'parent_of', 'not parent_of'}:
        if not isinstance(value, (list, tuple, set, frozenset, int, str,
                    type(None), Query, Expression, Record)):
            raise _domain_error(
                'msg_domain_value', field=_names(Model, name)['field'],
                value=_shown(value))
    elif isinstance(value, (list, tuple)) and field._type not in {
            'multiselection', 'dict'}:
        if field._type not in X2MANY_TYPES and field._type not in {
                'many2one', 'reference'} and not related:
            raise _domain_error(
                'msg_domain_value', field=_names(Model, name)['field'],
                value=_shown(value))
    for item in values:
        if not _domain_value_ok(field, item, bool(related)):
            raise _domain_error(
                'msg_domain_value', field=_names(Model, name)['field'],
                value=_shown(item))


def _domain_value_ok(field, value, related):
    if value is None or isinstance(value, (Query, Expression, Record)):
        return True
    if isinstance(value, str):
        if '\x00' in value or len(value) > SEARCH_TEXT_SIZE:
            return False
    elif _is_int(value):
        if not BIGINT_MIN <= value <= BIGINT_MAX:
            return False
    elif isinstance(value, (float, Decimal)):
        if not _finite(value):
            return False
    elif isinstance(value, (list, tuple)):
        # a value of a multiselection, a pair of a reference
        return all(_domain_value_ok(field, v, True) for v in value)
    elif not isinstance(value, (
                bool, datetime.date, datetime.time, datetime.timedelta,
                bytes)):
        return False
    if related:
        return True
    type_ = field._type
    if type_ == 'integer' or field.name == 'id':
        return _is_int(value)
    if type_ in NUMBER_TYPES:
        return _is_number(value)
    if type_ in DATE_TYPES:
        if isinstance(value, str):
            return _date(value, type_) is not None
        if type_ == 'date':
            return (isinstance(value, datetime.date)
                and not isinstance(value, datetime.datetime))
        return isinstance(value, datetime.datetime)
    if type_ in {'many2one', 'one2many', 'many2many', 'one2one'}:
        return _is_int(value) or isinstance(value, str)
    if type_ == 'boolean':
        return isinstance(value, (bool, int))
    if type_ in {'char', 'text'}:
        return isinstance(value, str)
    return True


def check_order(Model, order):
    if order is None:
        return
    if not isinstance(order, (list, tuple)):
        raise _domain_error('msg_order_invalid', value=_shown(order))
    for item in order:
        if (not isinstance(item, (list, tuple)) or len(item) != 2
                or not isinstance(item[0], str)
                or not isinstance(item[1], (str, type(None)))):
            raise _domain_error('msg_order_invalid', value=_shown(item))
        name = item[0].partition('.')[0]
        if name not in Model._fields:
            raise _domain_error(
                'msg_domain_field', model=_names(Model, None)['model'],
                field=_shown(name))
        direction = (item[1] or '').upper().split()
        if not set(direction) <= {'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST'}:
            raise _domain_error('msg_order_invalid', value=_shown(item))


# Context of RPC calls

#: context keys of trytond and their field types
CONTEXT_KEYS = {
    'active_id': 'integer',
    'active_ids': 'integers',
    'active_model': 'model',
    'company': 'integer',
    'companies': 'integers',
    'employee': 'integer',
    'employees': 'integers',
    'language': 'code',
    }


#: {pool's ir.model class: {key: [field]}}, renewed with the pool
_context_fields_cache = weakref.WeakKeyDictionary()


def _context_fields(pool):
    "{key: [field]} of every context model of the pool"
    key = pool.get('ir.model')
    cache = _context_fields_cache.get(key)
    if cache is None:
        cache = {}
        for name, Model_ in pool.iterobject():
            if not (name.endswith('.context') or name.endswith('_context')):
                continue
            for fname, field in Model_._fields.items():
                if fname in {'id', 'rec_name'}:
                    continue
                cache.setdefault(fname, []).append(field)
        _context_fields_cache[key] = cache
    return cache


def _context_value_ok(value, depth=0):
    "No NUL, no 64-bit overflow, no infinite number anywhere in value"
    if depth > CONTEXT_DEPTH:
        return False
    if isinstance(value, str):
        return '\x00' not in value and len(value) <= SEARCH_TEXT_SIZE
    if _is_int(value):
        return BIGINT_MIN <= value <= BIGINT_MAX
    if isinstance(value, (float, Decimal)):
        return _finite(value)
    if isinstance(value, dict):
        return all(_context_value_ok(k, depth + 1)
            and _context_value_ok(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_context_value_ok(v, depth + 1) for v in value)
    return True


def _typed_ok(type_, value):
    if value is None:
        return True
    if type_ == 'integer':
        return _is_int(value) and INT_MIN <= value <= INT_MAX
    if type_ == 'integers':
        return isinstance(value, (list, tuple)) and all(
            _is_int(v) and INT_MIN <= v <= INT_MAX for v in value)
    if type_ in {'model', 'code'}:
        return isinstance(value, str) and len(value) <= 100
    return True


def _field_ok(field, value):
    if value is None:
        return True
    type_ = field._type
    if type_ in {'integer', 'many2one', 'one2one'}:
        return _typed_ok('integer', value)
    if type_ in X2MANY_TYPES or type_ == 'multiselection':
        return isinstance(value, (list, tuple))
    if type_ in NUMBER_TYPES:
        return (_is_number(value) and _finite(value)
            and abs(value) < NUMBER_MAX)
    if type_ in DATE_TYPES:
        if type_ == 'date':
            ok = (isinstance(value, datetime.date)
                and not isinstance(value, datetime.datetime))
        else:
            ok = isinstance(value, datetime.datetime)
        return ok and (
            MIN_YEAR <= value.year <= MAX_YEAR or value in SENTINELS)
    if type_ == 'boolean':
        return isinstance(value, (bool, int))
    if type_ == 'selection':
        selection = field.selection
        if isinstance(selection, (list, tuple)):
            return value in {k for k, _ in selection}
        return isinstance(value, (str, int))
    if type_ in {'char', 'text'}:
        return isinstance(value, str)
    return True


def check_context(context, pool=None):
    """Refuse a context whose values would break the SQL of a report or a
    wizard; `context` is a dict of keys as the context models define them
    (an RPC context or a report's data)"""
    if pool is None:
        pool = Pool()
    if not isinstance(context, dict):
        raise ContextValueError(gettext(
                'hopu_sysadmin.msg_context_invalid', key='context'))
    fields = _context_fields(pool)
    for key, value in context.items():
        ok = _context_value_ok(key) and _context_value_ok(value)
        if ok and key in CONTEXT_KEYS:
            ok = _typed_ok(CONTEXT_KEYS[key], value)
        elif ok and key in fields:
            ok = any(_field_ok(f, value) for f in fields[key])
        if not ok:
            raise ContextValueError(gettext(
                    'hopu_sysadmin.msg_context_invalid', key=_shown(key)))


# Hooks into trytond (applied by trytond_patches)

def _checking():
    return Transaction().check_access


def _before_create(original):
    def _before_create(cls, vlist):
        if _checking():
            if not isinstance(vlist, (list, tuple)):
                raise InputValueError(gettext(
                        'hopu_sysadmin.msg_input_values',
                        model=_names(cls, None)['model'],
                        value=_shown(vlist)))
            for values in vlist:
                check_values(cls, values)
        return original(cls, vlist)
    return _before_create


def _before_write(original):
    def _before_write(cls, *args):
        if _checking():
            actions = iter(args)
            for records, values in zip(actions, actions):
                check_ids(cls, records)
                check_values(cls, values)
        return original(cls, *args)
    return _before_write


def _before_read(original):
    def _before_read(cls, ids, fields_names):
        if _checking():
            check_ids(cls, ids)
            if not isinstance(fields_names, (list, tuple)) or not all(
                    isinstance(n, str) and '\x00' not in n
                    for n in fields_names):
                raise _domain_error(value=_shown(fields_names))
        return original(cls, ids, fields_names)
    return _before_read


def _checked_defaults(cls, values):
    "The default values of cls that SQL would store, without the x2many"
    return {name: value for name, value in values.items()
        if name in cls._fields
        and cls._fields[name]._type not in X2MANY_TYPES}


def _default_get(original):
    def default_get(
            cls, fields_names=None, with_rec_name=True, with_default=True):
        if _checking():
            # the client sets defaults by the context (default_<field>),
            # the modules read other keys of it in their default methods
            context = Transaction().context
            check_values(cls, _checked_defaults(cls, {
                        key[len('default_'):]: value
                        for key, value in context.items()
                        if key.startswith('default_')}))
        try:
            values = original(
                cls, fields_names=fields_names, with_rec_name=with_rec_name,
                with_default=with_default)
        except (ValueError, TypeError) as exception:
            if not _checking():
                raise
            # a default method read a context value of the wrong type
            raise ContextValueError(gettext(
                    'hopu_sysadmin.msg_context_invalid',
                    key=_names(cls, None)['model'])) from exception
        if _checking():
            check_values(cls, _checked_defaults(cls, values))
        return values
    return default_get


def _with_records(original):
    def method(cls, records, *args, **kwargs):
        if _checking():
            check_ids(cls, records)
        return original(cls, records, *args, **kwargs)
    return method


def _search(original):
    def search(cls, domain, offset=0, limit=None, order=None, count=False):
        if _checking():
            check_domain(cls, domain)
            check_order(cls, order)
            for number in [offset, limit]:
                if number is not None and not (
                        _is_int(number) and 0 <= number <= BIGINT_MAX):
                    raise _domain_error(value=_shown(number))
        return original(
            cls, domain, offset=offset, limit=limit, order=order,
            count=count)
    return search


def _instantiated_ids(rpc, obj, args, kwargs):
    "Refuse the ids of records given to a method that browses them"
    if rpc.instantiate is None:
        return
    args = list(args)
    if 'context' not in kwargs and args:
        args.pop()
    if isinstance(rpc.instantiate, slice):
        selection = args[rpc.instantiate]
    else:
        selection = args[rpc.instantiate:rpc.instantiate + 1]
    for data in selection:
        if isinstance(data, dict):
            continue
        ids = data if isinstance(data, (list, tuple)) else [data]
        for id_ in ids:
            if not (_is_int(id_) and INT_MIN <= id_ <= INT_MAX):
                raise InputValueError(gettext(
                        'hopu_sysadmin.msg_input_record_id',
                        model=_names(obj, None)['model'], id=_shown(id_)))


def _check_arguments(rpc, obj, args):
    """The values given to create and write, before the model's own
    create or write (which may read them first)"""
    rpc_methods = getattr(obj, '__rpc__', {})
    if rpc is rpc_methods.get('create') and args:
        vlist = args[0]
        if not isinstance(vlist, (list, tuple)):
            raise InputValueError(gettext(
                    'hopu_sysadmin.msg_input_values',
                    model=_names(obj, None)['model'], value=_shown(vlist)))
        for values in vlist:
            check_values(obj, values)
    elif rpc is rpc_methods.get('write'):
        actions = iter(args)
        for records, values in zip(actions, actions):
            check_values(obj, values)


def _convert(original):
    def convert(self, obj, *args, **kwargs):
        if self.check_access:
            _instantiated_ids(self, obj, args, kwargs)
        args, kwargs, context, timestamp = original(
            self, obj, *args, **kwargs)
        if context.get('_check_access'):
            check_context(context)
            with Transaction().set_context(context):
                _check_arguments(self, obj, args)
        return args, kwargs, context, timestamp
    return convert
