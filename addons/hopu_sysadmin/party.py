# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The names of parties and companies as the lists show them (the customer
and the company of every line) read in the SELECT of the records.

Tryton's ``get_rec_name`` of a party is an instance method: the read of
``party.rec_name`` for a page of contracts, opportunities or approval steps
loads every party as a record (a second read of all its columns) to take
its name; a company's name loads the company, then its party. Here the
same name is an SQL expression (``SQLColumn``), read with the other
columns: no query and no record per row (issue 14 item 8, bench/lists.py).
The instance method stays for whoever calls it; searching by the name is
unchanged (``search_rec_name``)."""
from sql.conditionals import Coalesce, NullIf
from sql.operators import Concat

from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .rec_name_cache import RecNameCacheMixin, clear_names
from .sqlcolumn import SQLColumn


def party_name(party):
    """The SQL of party.get_rec_name: the name, or the code in brackets
    when the name is empty"""
    return Coalesce(
        NullIf(party.name, ''), Concat(Concat('[', party.code), ']'))


def party_name_of(party_id):
    """The SQL of the name of the party whose id is the column party_id
    (NULL without a party), for the rec_name columns of other models"""
    party = Pool().get('party.party').__table__()
    return party.select(party_name(party), where=party.id == party_id)


class RecNameColumnMixin:
    """rec_name as an SQLColumn of the same label and searcher, its SQL
    given by column_rec_name (a field is replaced in __setup__: trytond
    copies the first definition)"""
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.rec_name = SQLColumn(
            fields.Char(cls.rec_name.string), searcher=cls.rec_name.searcher)


class Party(RecNameColumnMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        # the name of a company or an employee is its party's
        if mode == 'delete' or (mode == 'write'
                and set(field_names or ()) & {'name', 'code'}):
            clear_names()

    @classmethod
    def column_rec_name(cls, tables):
        party, _ = tables[None]
        return party_name(party)


class Company(RecNameCacheMixin, RecNameColumnMixin, metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def column_rec_name(cls, tables):
        company, _ = tables[None]
        return party_name_of(company.party)
