# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The label of a selection value in a list (``field:string``, which sao
asks for every selection column of a list view) without ``fields_get`` per
row.

``ModelSQL.read`` fills ``<field>:string`` row by row with
``SelectionMixin.get_selection(model, name, record)``, which starts with
``model.fields_get([name])``: the field's whole definition, its label, help
and selection translated, rebuilt for every row. On a list page of 80 rows
with three selection columns that is 240 ``fields_get`` calls, most of the
time of the request (issue 14 item 8, bench/lists.py). The definition does
not change within a transaction for one language and user; it is kept in
the transaction's memo (``speedup.transaction_memo``, dropped when the
transaction writes), and the rest of ``get_selection`` (a selection given
by a method is still called per record, as upstream does) is unchanged.
The labels of a selection given as a list in the code (most of them) only
change with their translations: they are kept across requests per model,
field and language (``_labels``, a ``trytond.cache.Cache`` cleared in
every process when a translation of a selection or a field changes,
``translation.Translation``).

Upstream report it amounts to: "ModelSQL.read computes fields_get once per
row for each ':string' field; compute the definition once per field and
call get_selection only for the selection given by an instance method"."""
from trytond.cache import Cache
from trytond.tools import is_instance_method
from trytond.transaction import Transaction

from .speedup import transaction_memo

_labels = Cache('hopu_sysadmin.selection_labels', context=False)


def clear_labels():
    "Forget the labels kept (a translation changed)"
    _labels.clear()


#: the digest of the source of trytond 8.0's get_selection, which
#: make_get_selection replaces (its entry of trytond_patches.py refuses a
#: trytond whose function changed)
FINGERPRINT = 'ff429531c01f432b'
REPORT = __doc__.split('Upstream report it amounts to: ')[1].strip('"')
TARGET = 'trytond.model.fields.selection:SelectionMixin.get_selection'


def make_get_selection(original):
    "get_selection with the field's definition taken once per transaction"

    def get_selection(cls, model, name, inst):
        transaction = Transaction()
        field = model._fields.get(name)
        if isinstance(getattr(field, 'selection', None), (list, tuple)):
            key = (model.__name__, name, transaction.language,
                bool(transaction.context.get('fuzzy_translation')))
            selection = _labels.get(key)
            if selection is None:
                selection = model.fields_get([name])[name]['selection']
                _labels.set(key, [tuple(s) for s in selection])
            return dict(selection)
        memo = transaction_memo('selection_definition')
        key = (model.__name__, name, transaction.language, transaction.user)
        selection = memo.get(key)
        if selection is None:
            selection = memo[key] = (
                model.fields_get([name])[name]['selection'])
        if isinstance(selection, str):
            sel_func = getattr(model, selection)
            if not is_instance_method(model, selection):
                selection = sel_func()
            else:
                selection = sel_func(inst)
        return dict(selection)
    get_selection.hopu = True
    return get_selection
