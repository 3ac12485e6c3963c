# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-2 发货通知 (Tryton's customer shipment, numbered FH+YYYYMM+serial)
and 销售退货 (the customer return shipment, TH+YYYYMM+serial); the name of a
location (the warehouse of every order of 销售订单) read in the SELECT."""
from sql import Literal
from sql.conditionals import Case, Coalesce
from sql.operators import Concat

from trytond.cache import Cache
from trytond.ir.lang import get_parent_language
from trytond.modules.hopu_sysadmin.party import RecNameColumnMixin
from trytond.modules.hopu_sysadmin.rec_name_cache import RecNameCacheMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

SHIPMENT_PREFIX = 'FH'
RETURN_PREFIX = 'TH'


class NumberMixin:
    __slots__ = ()
    _hopu_prefix = None

    @classmethod
    def preprocess_values(cls, mode, values):
        "ERP-8: the number by prefix + YYYYMM + serial of the month"
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        if mode == 'create' and not values.get('number'):
            company = values.get('company', cls.default_company())
            if company is not None:
                values = values.copy()
                values['number'] = Number.next_number(
                    cls._hopu_prefix, company=company)
        return super().preprocess_values(mode, values)


class ShipmentOut(NumberMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'
    _hopu_prefix = SHIPMENT_PREFIX


class ShipmentOutReturn(NumberMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'
    _hopu_prefix = RETURN_PREFIX


_languages = Cache('hopu_sale.languages', context=False)


def languages(language):
    """The language and its parents, as ir.translation's get_ids looks
    for a translation (trytond's get_parent_language asks the database
    each time for a parent that is not a language of ir.lang, as zh of
    zh_CN; it keeps its answers, so does this cache)"""
    chain = _languages.get(language)
    if chain is None:
        chain, code = [], language
        while code:
            chain.append(code)
            code = get_parent_language(code)
        _languages.set(language, chain)
    return chain


class Location(RecNameCacheMixin, RecNameColumnMixin, metaclass=PoolMeta):
    """The name of a location as stock's get_rec_name gives it ([code]
    name, the name translated as read gives it) in the SELECT of the
    records (issue 15: the warehouse of a page of 销售订单 cost three
    statements, the locations read, then loaded, then their names), and
    from the names kept across requests when rec_name alone is read
    (hopu_sysadmin's rec_name_cache.py)"""
    __name__ = 'stock.location'

    @classmethod
    def column_rec_name(cls, tables):
        location, _ = tables[None]
        name = location.name
        # as ir.translation's get_ids: the language's translation, else
        # its parent's, else the column
        transaction = Transaction()
        translations = [
            cls._column_translated_name(location, language,
                fuzzy=transaction.context.get('fuzzy_translation'))
            for language in languages(transaction.language)]
        if translations:
            name = Coalesce(*translations, name)
        return Case(
            (location.code != '',
                Concat(Concat(Concat('[', location.code), '] '), name)),
            else_=name)

    @classmethod
    def _column_translated_name(cls, location, language, fuzzy=False):
        translation = Pool().get('ir.translation').__table__()
        where = ((translation.lang == language)
            & (translation.type == 'model')
            & (translation.name == cls.__name__ + ',name')
            & (translation.res_id == location.id)
            & (translation.value != ''))
        if not fuzzy:
            where &= translation.fuzzy == Literal(False)
        return translation.select(translation.value, where=where,
            order_by=[translation.id.desc], limit=1)
