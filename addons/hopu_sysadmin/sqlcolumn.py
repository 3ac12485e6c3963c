# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A read-only field computed in SQL by the model's ``column_<name>``
classmethod (trytond's hook for a field's SQL expression): read in the
SELECT of the records as a stored field is, searchable and sortable by the
same expression.

Tryton's own getter-less ``fields.Function`` reads the same column but
then goes through the path of Python getters (the record cache filled with
every other field, a getter call per field); on a list of 80 customers the
two owner columns cost more that way than the rest of the read. ``read``
takes a field without a ``get`` attribute for a plain column, which this
one is."""
import copy

from trytond.model import fields


class SQLColumn(fields.Function):

    def __init__(self, field, searcher=None):
        super().__init__(field, None, searcher=searcher, loading='lazy')

    @property
    def get(self):
        raise AttributeError('get')

    def __copy__(self):
        return SQLColumn(copy.copy(self._field), searcher=self.searcher)

    def __deepcopy__(self, memo):
        return SQLColumn(
            copy.deepcopy(self._field, memo), searcher=self.searcher)
