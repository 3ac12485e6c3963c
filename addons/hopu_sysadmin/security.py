# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Server-side checks of every request made over RPC, for every model
(issue 13). Each one is a change Tryton itself should make; the functions
``_search``, ``_before_create``, ``_before_write``, ``_convert``,
``_execute`` and ``_export_data`` wrap trytond's and are hooked into it by
``trytond_patches`` (with the upstream report each amounts to), when a
database where the module is activated is loaded and only on the trytond
it was written against.

- ``search``: domains and orders on secret fields (``SECRET_FIELDS``, the
  fields ``read`` blanks) are refused, also at the end of a dotted path; a
  domain through a relation (``customers.name``, ``party`` ilike) only
  matches the targets the user may read (trytond converts nested domains
  without the target's record rules).
- references: the records named in the values of ``create``/``write`` (and
  ``copy``), in the data of ``on_change``/``on_change_with`` and of
  wizard forms must be readable by the user; ``on_change`` needs the read
  access of its model.
- read-only fields: a field declared ``readonly=True`` and the state of a
  Workflow are written by the model's buttons and wizards only, not by the
  values a client gives ``create``/``write`` (sao never sends them); the
  server's own code still writes them inside these calls, and so do the
  members of Tryton's Administration group (data corrected by hand, the
  demo loader).
- ``export_data`` of attachments and notes follows the record rules of the
  resource, as their ``read`` does.

Everything applies only under RPC (``Transaction().check_access``) and to
a real user; server code runs as before.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelStorage, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, inactive_records, without_check_access)
from trytond.wizard import StateView

from . import input_validation

# The fields whose values never leave the server (``read`` blanks them or
# they are credentials): no domain or order may use them
SECRET_FIELDS = {
    'res.user': {
        'password', 'password_hash', 'password_reset',
        'password_reset_expire'},
    'res.user.application': {'key'},
    'res.user.device': {'cookie'},
    'ir.session': {'key'},
    'ir.session.wizard': {'data'},
    }
RELATIONAL = {'many2one', 'one2one', 'one2many', 'many2many'}


def _active():
    "Whether the base module is activated in the database of the request"
    transaction = Transaction()
    if not transaction.user or not transaction.database:
        return False
    try:
        Pool().get('hopu.program')
    except KeyError:
        return False
    return True


def _refuse(message, **variables):
    raise AccessError(gettext('hopu_sysadmin.' + message, **variables))


def _names(Model, field_name=None):
    names = Model.__names__(field=field_name)
    return {'model': names['model'], 'field': names.get('field', '')}


def _target(field):
    if isinstance(field, fields.Function):
        field = field._field
    if field._type in RELATIONAL:
        return field.get_target()


# Secret fields

def _check_secret_path(Model, path):
    name, _, rest = path.partition('.')
    if name in SECRET_FIELDS.get(Model.__name__, ()):
        _refuse('msg_search_secret', **_names(Model, name))
    field = Model._fields.get(name)
    if rest and field is not None:
        Target = _target(field)
        if Target is not None:
            _check_secret_path(Target, rest)


def check_secret_domain(Model, domain):
    if is_leaf(domain):
        _check_secret_path(Model, domain[0])
        field = Model._fields.get(domain[0].split('.', 1)[0])
        if (field is not None and domain[1].endswith('where')
                and _target(field) is not None):
            check_secret_domain(_target(field), domain[2])
    elif domain and not isinstance(domain, str):
        for clause in domain:
            if not isinstance(clause, str):
                check_secret_domain(Model, clause)


def check_secret_order(Model, order):
    for item in order or []:
        # a malformed order is refused by the input checks
        if isinstance(item, (list, tuple)) and item and isinstance(
                item[0], str):
            _check_secret_path(Model, item[0])


# Domains through relations

def _rule_domain(Model):
    Rule = Pool().get('ir.rule')
    with check_access():
        return Rule.domain_get(Model.__name__, mode='read')


def restrict_domain(Model, domain):
    """The domain with each clause through a relation limited to the
    targets the user may read"""
    if is_leaf(domain):
        return _restrict_clause(Model, domain)
    elif not domain or isinstance(domain, str):
        return domain
    return [d if isinstance(d, str) else restrict_domain(Model, d)
        for d in domain]


def _restrict_clause(Model, clause):
    name, operator, value = clause[:3]
    fname, _, rest = name.partition('.')
    field = Model._fields.get(fname)
    if (field is None or isinstance(field, fields.Function)
            or field._type not in RELATIONAL
            or operator.endswith(('child_of', 'parent_of'))):
        return clause
    Target = field.get_target()
    if operator.endswith('where'):
        target_domain = value
    elif rest:
        target_domain = [(rest, operator, value, *clause[3:])]
    elif isinstance(value, str):
        target_domain = [('rec_name', operator, value)]
    else:
        return clause
    rule = _rule_domain(Target)
    restricted = restrict_domain(Target, target_domain)
    if not rule and restricted == target_domain:
        return clause
    if rule:
        restricted = [restricted, rule]
    where = 'not where' if operator == 'not where' else 'where'
    new_clause = (fname, where, restricted)
    negative = (
        (operator.startswith('not')
            and not (operator == 'not in' and None in value))
        or (operator == '!=' and value is not None))
    if (field._type == 'many2one' and not operator.endswith('where')
            and negative):
        # trytond matches the empty many2one on a negative operator
        return ['OR', new_clause, (fname, '=', None)]
    return new_clause


def _search(original):
    "ModelSQL.search with the checks above (see trytond_patches)"
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        transaction = Transaction()
        if transaction.user and transaction.check_access and _active():
            # a malformed domain or order is refused by the input checks
            # before the checks below walk it
            input_validation.check_domain(cls, domain)
            input_validation.check_order(cls, order)
            check_secret_domain(cls, domain)
            check_secret_order(cls, order)
            # trytond's own checks (model and field access along the paths)
            # on the domain as given, before it is rewritten
            ModelStorage.search.__func__(cls, domain, order=order, count=True)
            domain = restrict_domain(cls, domain)
        return original(cls, domain, offset=offset, limit=limit, order=order,
            count=count, query=query)
    return search


# References to records the user may not read

def _add_reference(found, Target, record_id, Model, field_name):
    if isinstance(record_id, int) and record_id >= 0:
        found[Target][record_id] = (Model, field_name)


def _reference_target(value):
    pool = Pool()
    if isinstance(value, str) and ',' in value:
        model, record_id = value.split(',', 1)
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        model, record_id = value
    else:
        return None, None
    try:
        return pool.get(model), int(record_id)
    except (KeyError, ValueError, TypeError):
        return None, None


def collect_references(Model, values, found, own_id=True, client=False):
    """Gather in found {Target: {id: (Model, field)}} the records named by
    values, as create/write take them or as a client sends a record (with
    client, the read-only lists the server filled are left out: a form
    shows the duplicates of a customer that others own)"""
    for key, value in values.items():
        if key == 'id':
            if own_id and issubclass(Model, ModelStorage):
                _add_reference(found, Model, value, Model, 'id')
            continue
        if key.startswith('_parent_'):
            fname, _, sub = key[len('_parent_'):].partition('.')
            field = Model._fields.get(fname)
            if sub == 'id' and field is not None:
                Target = _target(field)
                if Target is not None:
                    _add_reference(found, Target, value, Model, fname)
            continue
        field = Model._fields.get(key)
        if field is None or value is None:
            continue
        ftype = field._type
        if isinstance(field, fields.Function):
            ftype = field._field._type
        if ftype == 'reference':
            Target, record_id = _reference_target(value)
            if Target is not None:
                _add_reference(found, Target, record_id, Model, key)
            continue
        Target = _target(field)
        if Target is None:
            continue
        if ftype in {'many2one', 'one2one'}:
            if isinstance(value, dict):
                collect_references(Target, value, found)
            else:
                _add_reference(found, Target, value, Model, key)
        elif client and field.readonly is True:
            continue
        elif isinstance(value, (list, tuple)):
            _collect_x2many(Model, key, Target, value, found)


def _collect_x2many(Model, key, Target, value, found):
    for item in value:
        if isinstance(item, int):
            _add_reference(found, Target, item, Model, key)
        elif isinstance(item, dict):
            collect_references(Target, item, found)
        elif (isinstance(item, (list, tuple)) and item
                and isinstance(item[0], str)):
            action, *args = item
            if action == 'create':
                for child in args[0] if args else []:
                    collect_references(Target, child, found, own_id=False)
            elif action == 'write':
                actions = iter(args)
                for ids, child in zip(actions, actions):
                    for record_id in ids:
                        _add_reference(found, Target, record_id, Model, key)
                    collect_references(Target, child, found, own_id=False)
            elif args:
                for record_id in args[0] or []:
                    _add_reference(found, Target, record_id, Model, key)


def readable_ids(Model, ids):
    "The ids among ids of records of Model the user may read"
    ids = list(ids)
    if not issubclass(Model, ModelSQL) or not ids:
        return set(ids)
    rule = _rule_domain(Model)
    if not rule:
        return set(ids)
    readable = set()
    with without_check_access(), inactive_records():
        for sub_ids in grouped_slice(ids, 1000):
            readable.update(map(int, Model.search([
                            ('id', 'in', list(sub_ids)),
                            rule,
                            ], order=[])))
    return readable


def check_references(found):
    "Refuse when a record of found is not readable by the user"
    for Target, references in found.items():
        readable = readable_ids(Target, references)
        for record_id in references:
            if record_id not in readable:
                Model, field_name = references[record_id]
                _refuse('msg_reference_unreadable',
                    **_names(Model, field_name), target=Target.__names__()[
                        'model'], id=record_id)


# Read-only and workflow fields

def _readonly_fields(Model):
    names = {n for n, f in Model._fields.items()
        if f.readonly is True and n not in {
            'id', 'create_uid', 'create_date', 'write_uid', 'write_date',
            'rec_name'}}
    if issubclass(Model, Workflow):
        names.add(Model._transition_state)
    return names


def check_readonly(Model, values):
    """Refuse the values of read-only fields a client sends to create or
    write (the server's own code writes them inside these calls)"""
    if not isinstance(values, dict):
        return
    readonly = _readonly_fields(Model)
    for name, value in values.items():
        field = Model._fields.get(name)
        if field is None:
            continue
        if name in readonly and not (field._type == 'one2many' and all(
                    a[0] in {'create', 'write', 'delete'}
                    for a in value or [])):
            # sao sends the lines of a read-only one2many it changed;
            # they go through the checks of their own model
            _refuse('msg_write_readonly', **_names(Model, name))
        if field._type in {'one2many', 'many2many'} and isinstance(
                value, (list, tuple)):
            Target = field.get_target()
            for action in value:
                if (isinstance(action, (list, tuple)) and action
                        and action[0] == 'create'):
                    for child in action[1]:
                        check_readonly(Target, child)
                elif (isinstance(action, (list, tuple)) and action
                        and action[0] == 'write'):
                    for child in action[2::2]:
                        check_readonly(Target, child)


def _administrator():
    "Tryton's administrators correct data by hand (the demo loader does)"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    return ModelData.get_id('res', 'group_admin') in User.get_groups()


def check_rpc_values(rpc, obj, args):
    "The values of create and write called over RPC"
    rpcs = getattr(obj, '__rpc__', {})
    if rpc not in {rpcs.get('create'), rpcs.get('write')} or _administrator():
        return
    if rpc is rpcs.get('create') and args:
        for values in args[0] or []:
            check_readonly(obj, values)
    elif rpc is rpcs.get('write'):
        for values in args[1::2]:
            check_readonly(obj, values)


def _under_rpc():
    transaction = Transaction()
    return transaction.user and transaction.check_access and _active()


def _before_create(original):
    "ModelStorage._before_create refusing unreadable references"
    def before_create(cls, vlist):
        if _under_rpc():
            found = defaultdict(dict)
            for values in vlist:
                collect_references(cls, values, found, own_id=False)
            check_references(found)
        return original(cls, vlist)
    return before_create


def _before_write(original):
    "ModelStorage._before_write refusing unreadable references"
    def before_write(cls, *args):
        if _under_rpc():
            found = defaultdict(dict)
            for values in args[1::2]:
                collect_references(cls, values, found, own_id=False)
            check_references(found)
        return original(cls, *args)
    return before_write


def _convert(original):
    """RPC.convert: the records a client sends to on_change & co. must be
    its own to read"""
    def convert(self, obj, *args, **kwargs):
        if (isinstance(obj, type) and issubclass(obj, ModelStorage)
                and Transaction().user and _active()):
            check_rpc_values(self, obj, args)
        if (self.instantiate is not None
                and not isinstance(self.instantiate, slice)
                and Transaction().user and _active()):
            try:
                data = args[self.instantiate]
            except IndexError:
                data = None
            if isinstance(data, dict):
                if issubclass(obj, ModelStorage):
                    ModelAccess = Pool().get('ir.model.access')
                    with check_access():
                        ModelAccess.check(obj.__name__, 'read')
                found = defaultdict(dict)
                collect_references(obj, data, found, client=True)
                check_references(found)
        return original(self, obj, *args, **kwargs)
    return convert


def _execute(original):
    "Wizard.execute: the records a wizard form names must be readable"
    def execute(cls, session_id, data, state_name):
        if Transaction().user and _active() and isinstance(data, dict):
            pool = Pool()
            found = defaultdict(dict)
            for name, values in data.items():
                state = cls.states.get(name)
                if isinstance(state, StateView) and isinstance(values, dict):
                    View = pool.get(state.model_name)
                    collect_references(
                        View, values, found, own_id=False, client=True)
            check_references(found)
        return original(cls, session_id, data, state_name)
    return execute


# Attachments and notes

def _export_data(original):
    "ModelStorage.export_data of attachments and notes checks the resource"
    def export_data(cls, records, fields_names, header=False):
        from trytond.ir.resource import ResourceAccessMixin
        if (issubclass(cls, ResourceAccessMixin) and records
                and Transaction().check_access):
            cls.check_access([r.id for r in records], mode='read')
        return original(cls, records, fields_names, header=header)
    return export_data
