# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A search's clauses that another clause of the same AND implies are left
out (issue 14 item 8, bench/lists.py).

A list with tabs searches the action's domain AND the tab's: the lead list
(潜在客户&跟进客户) is ``[('crm_stage', 'in', ['potential', 'follow_up'])]``
and its first tab ``[('crm_stage', '=', 'potential')]``, so trytond's
statement says ``crm_stage = ANY('{potential,follow_up}') AND crm_stage =
'potential'``. PostgreSQL takes the two conditions on the same column for
independent and multiplies their selectivities: for a salesperson (504
of 8,517 parties) it expected 321 rows instead of 504, found the walk of
the index on the name too long for 80 of them and chose a sequential scan
of the table and a sort (1.9 ms instead of 0.25 ms on the idle VM; the
plain SQL of the benchmark, which says the stage once, walks the index).

``drop_implied(Model, domain)`` removes from each AND of the domain (the
nested ANDs taken together, no OR crossed) a clause ``(name, 'in', S)``
when another clause of that AND is ``(name, '=', v)`` with v in S, or
``(name, 'in', T)`` with T a subset of S: the records found are the same
(the kept clause holds only where the dropped one does). Only for a
stored field of the model that is compared as its column (a selection, a
char that is not translated, an integer, a many2one given ids: not a
function field, nor a path ``a.b``, nor a clause with a target model),
values of the field's plain type (str, or int; never None, which ``in``
and ``=`` treat differently). Anything else is left as it is.

``make_search`` wraps ``ModelSQL.search`` (the outermost wrapper, see
trytond_patches): the clause left out is one whose field the kept clause
names too, so the input checks, the access checks of fields and paths and
the restriction of relational clauses (``security.search``) see the same
fields; the record rules are ANDed to the domain as before.

The upstream report it amounts to is its entry of trytond_patches."""
import functools
from collections import Counter

from trytond.model import fields
from trytond.model.modelstorage import is_leaf

#: the field types compared as their column, with the type of their values
PLAIN = {'selection': str, 'char': str, 'integer': int, 'many2one': int}


def _value_type(Model, clause):
    """The plain type of the values of clause's field, or None when the
    clause is not one drop_implied may reason about"""
    if len(clause) != 3 or not isinstance(clause[0], str):
        return None
    name, operator, _ = clause
    if operator not in {'=', 'in'} or '.' in name:
        return None
    field = Model._fields.get(name)
    if (field is None or isinstance(field, fields.Function)
            or getattr(field, 'translate', False)):
        return None
    return PLAIN.get(field._type)


def _values(Model, clause):
    """The set of values clause allows (a frozenset) or None"""
    type_ = _value_type(Model, clause)
    if type_ is None:
        return None
    _, operator, value = clause
    if operator == '=':
        value = [value]
    elif not isinstance(value, (list, tuple)):
        return None
    # type is, not isinstance: True is not the integer 1 here
    if not all(type(v) is type_ for v in value):
        return None
    return frozenset(value)


def _and_leaves(domain, leaves):
    "Collect the leaves of the AND domain, through nested ANDs"
    for item in domain:
        if isinstance(item, str):
            continue
        if is_leaf(item):
            leaves.append(item)
        elif isinstance(item, (list, tuple)) and item and item[0] != 'OR':
            _and_leaves(item, leaves)


def _implied(Model, domain):
    "The ids of the leaves of the AND domain that another leaf implies"
    leaves = []
    _and_leaves(domain, leaves)
    # only a field named by two clauses = or in may have one implied: the
    # value sets (a walk of a list of ids that may be huge) are built for
    # those alone
    names = Counter(leaf[0] for leaf in leaves
        if len(leaf) == 3 and isinstance(leaf[0], str)
        and leaf[1] in {'=', 'in'})
    candidates = []
    for leaf in leaves:
        if names.get(leaf[0] if isinstance(leaf[0], str) else None, 0) < 2:
            continue
        values = _values(Model, leaf)
        if values is not None:
            candidates.append((leaf, values))
    dropped = set()
    for leaf, values in candidates:
        if leaf[1] != 'in':
            continue
        for other, other_values in candidates:
            if (other is not leaf and id(other) not in dropped
                    and other[0] == leaf[0]
                    and other_values <= values):
                dropped.add(id(leaf))
                break
    return dropped


def _rebuild(Model, domain, dropped):
    """The AND domain without the leaves dropped (ids) and each OR within
    it simplified; and whether anything was left out"""
    result, changed = [], False
    for item in domain:
        if isinstance(item, str):
            result.append(item)
        elif is_leaf(item):
            if id(item) in dropped:
                changed = True
            else:
                result.append(item)
        elif isinstance(item, (list, tuple)) and item and item[0] == 'OR':
            new = _drop(Model, item)
            changed |= new is not item
            result.append(new)
        elif not isinstance(item, (list, tuple)):
            # not a domain (a malformed clause): the search refuses it
            result.append(item)
        else:
            new, item_changed = _rebuild(Model, item, dropped)
            changed |= item_changed
            if not item_changed:
                result.append(item)
            elif [n for n in new if not isinstance(n, str)]:
                result.append(new)
            # else: an AND left empty (true) is left out
    return result, changed


def _drop(Model, domain):
    if (not isinstance(domain, (list, tuple)) or not domain
            or isinstance(domain, str) or is_leaf(domain)):
        return domain
    if domain[0] == 'OR':
        branches = [_drop(Model, d) for d in domain[1:]]
        if all(b is d for b, d in zip(branches, domain[1:])):
            return domain
        return ['OR'] + branches
    new, changed = _rebuild(Model, domain, _implied(Model, domain))
    return new if changed else domain


def drop_implied(Model, domain):
    """The domain without the clauses implied by another of the same AND
    (the domain itself, the same object, when there is none)"""
    return _drop(Model, domain)


def make_search(original):
    "ModelSQL.search without the clauses implied by another"

    # (wraps: the marks of the wrappers inside it, hopu_rpc_search, kept)
    @functools.wraps(original)
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        return original(cls, drop_implied(cls, domain), offset=offset,
            limit=limit, order=order, count=count, query=query)
    search.hopu_implied_domain = True
    return search
