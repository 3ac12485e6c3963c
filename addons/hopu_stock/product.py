# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import copy
import datetime as dt
from collections import defaultdict

from sql import Null
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce
from sql.operators import Concat

from trytond.cache import Cache
from trytond.ir import lang as ir_lang
from trytond.model import fields
from trytond.modules.hopu_sysadmin.party import RecNameColumnMixin
from trytond.modules.product.product import TemplateFunction
from trytond.modules.stock.move import _location_children
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The move's columns that tell a move on hand from a move of the forecast
ON_HAND_GROUPING = ('product', 'state', 'effective_date', 'planned_date')
# What changes which moves Tryton counts (delta, reservations, …): these
# contexts keep Tryton's two queries
OTHER_CONTEXT = {
    'stock_date_start', 'stock_assign', 'stock_destinations',
    'stock_invert', 'stock_skip_warehouse'}
# The fields of the template that the lists of materials read (库存查询):
# read in the SELECT of the variants (TemplateColumn)
TEMPLATE_COLUMNS = ('name', 'default_uom')


class TemplateColumn(TemplateFunction):
    """A field of the template read in the SELECT of the variants, through
    a join to the template (the model's ``column_<name>``), instead of
    Tryton's getter ``get_template``, which loads every variant and then
    every template as records (all their eager columns) and calls the
    getter per row and field. Still a TemplateFunction (on_change_template,
    get_multivalue), searched and sorted as before (``search_template``,
    ``order_<name>``); the definition sent to the client is the template
    field's. ``read`` takes a field without a ``get`` attribute for a
    plain column (hopu_sysadmin's sqlcolumn.py); its own translation of
    the column is skipped (``translate``): the column gives the
    template's translation itself."""

    def __init__(self, field, searchable=True):
        super().__init__(field, searchable=searchable)
        self.getter = None

    @property
    def get(self):
        raise AttributeError('get')

    @property
    def translate(self):
        return False

    def __get__(self, inst, cls):
        return fields.Field.__get__(self, inst, cls)

    def __copy__(self):
        return TemplateColumn(
            copy.copy(self._field), searchable=bool(self.searcher))

    def __deepcopy__(self, memo):
        return TemplateColumn(
            copy.deepcopy(self._field, memo), searchable=bool(self.searcher))


def parent_language(code):
    """ir.lang's get_parent_language, without its statement for a code that
    is not a language of the database (zh, the parent of zh_CN): that one
    reads ir_lang again on each call, then gives the same parent by the
    code"""
    if ir_lang._parents and code not in ir_lang._parents:
        for sep in ['@', '_']:
            if sep in code:
                return code.rsplit(sep, 1)[0]
        return None
    return ir_lang.get_parent_language(code)


def translated(table, model_name, name):
    """The SQL of the value of the translated column `name` of the records
    of `table` as ``ModelSQL.read`` gives it (``Translation.get_ids``): the
    translation in the transaction's language, else in its parent
    languages, not fuzzy (unless the context asks for fuzzy translations)
    and not empty, else the column"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    transaction = Transaction()
    column = getattr(table, name)
    values = []
    language = transaction.language
    while language:
        translation = Translation.__table__()
        where = ((translation.res_id == table.id)
            & (translation.name == f'{model_name},{name}')
            & (translation.lang == language)
            & (translation.type == 'model')
            & (translation.value != Null) & (translation.value != ''))
        if not transaction.context.get('fuzzy_translation', False):
            where &= translation.fuzzy == False  # noqa: E712
        values.append(translation.select(translation.value, where=where,
                order_by=translation.id.desc, limit=1))
        language = parent_language(language)
    return Coalesce(*values, column) if values else column


def template_table(tables):
    "The template of the variant, joined as TemplateFunction.order does"
    Template = Pool().get('product.template')
    product, _ = tables[None]
    if 'template' not in tables:
        template = Template.__table__()
        tables['template'] = {
            None: (template, product.template == template.id),
            }
    template, _ = tables['template'][None]
    return template


def code_name(code, name):
    "The SQL of get_rec_name of a material: [code] name, or the name"
    return Case(
        ((code != Null) & (code != ''),
            Concat(Concat(Concat('[', code), '] '), name)),
        else_=name)


class Configuration(metaclass=PoolMeta):
    __name__ = 'product.configuration'
    _code_readonly_cache = Cache(
        'product.configuration.code_readonly', context=False)

    @classmethod
    def code_readonly(cls, Model, compute):
        """Model's default_code_readonly (whether a sequence numbers its
        codes), kept across transactions until the configuration is
        modified: the order by code (库存查询) read the configuration
        twice (the variant's and the template's) for each search"""
        value = cls._code_readonly_cache.get(Model.__name__)
        if value is None:
            value = bool(compute())
            cls._code_readonly_cache.set(Model.__name__, value)
        return value

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._code_readonly_cache.clear()


class Template(RecNameColumnMixin, metaclass=PoolMeta):
    __name__ = 'product.template'

    @classmethod
    def default_code_readonly(cls):
        Configuration = Pool().get('product.configuration')
        return Configuration.code_readonly(
            cls, super().default_code_readonly)

    @classmethod
    def column_rec_name(cls, tables):
        template, _ = tables[None]
        return code_name(template.code,
            translated(template, 'product.template', 'name'))


class Product(RecNameColumnMixin, metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in TEMPLATE_COLUMNS:
            field = getattr(cls, name)
            if type(field) is TemplateFunction:
                setattr(cls, name, TemplateColumn(
                        field._field, searchable=bool(field.searcher)))

    @classmethod
    def default_code_readonly(cls):
        Configuration = Pool().get('product.configuration')
        return Configuration.code_readonly(
            cls, super().default_code_readonly)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """The ids of the records found, without their columns: trytond's
        search selects every eager column of the variants found (sorted
        and limited with them, 20,000 materials for a page of 80 in
        库存查询) and then keeps only their timestamp in the transaction's
        cache, which nothing reads. The same statement of ids (access
        checks, record rules, order, limit) instead."""
        if count or query:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        select = super().search(domain, offset=offset, limit=limit,
            order=order, query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*select)
        return cls.browse([id_ for id_, in cursor])

    @classmethod
    def column_name(cls, tables):
        return translated(template_table(tables), 'product.template', 'name')

    @classmethod
    def column_default_uom(cls, tables):
        return template_table(tables).default_uom

    @classmethod
    def column_rec_name(cls, tables):
        product, _ = tables[None]
        return code_name(product.code, cls.column_name(tables))

    @classmethod
    def get_quantity(cls, products, names):
        """The quantity on hand and the forecast in one query (库存查询,
        ERP-3 6.1.3; bench/erp_stock.py).

        Tryton's stock computes each field of a read with a query of its
        own (stock's get_quantity, once for `quantity`, once for
        `forecast_quantity`), each a union of three scans of the moves
        that moves the flat children of a location to their parent: the
        moves of a page were read six times each way. The getter takes
        `names` here, so that trytond calls it once for both fields; the
        forecast's query of Tryton (compute_quantities_query: company,
        locations, states and dates) is grouped besides by the move's
        state and dates, and the moves on hand, a part of the forecast's
        (done, dated up to today: stock's _quantity_context), are summed
        apart in the same statement; a location without flat children is
        given as the flat list of its children (Tryton's own with_childs
        context), one index scan each way. Any other case (one field, a
        past date, several locations, the stock_* contexts of reports)
        keeps stock's getter. Upstream, this amounts to
        StockMixin._get_quantity computing the fields of a read together
        and compute_quantities_query skipping the union when no location
        has flat children."""
        pool = Pool()
        Date = pool.get('ir.date')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        if isinstance(names, str):
            return super().get_quantity(products, names)
        context = Transaction().context
        location_ids = cls._quantity_locations()
        today = Date.today()
        date_end = context.get('stock_date_end') or dt.date.max
        if (set(names) != {'quantity', 'forecast_quantity'}
                or not location_ids or len(location_ids) != 1
                or date_end < today
                or OTHER_CONTEXT & {k for k, v in context.items() if v}):
            return {name: super(Product, cls).get_quantity(products, name)
                for name in names}

        product_ids = list(map(int, products))
        with_childs = context.get('with_childs', True)
        if with_childs:
            # Without flat children, the location and its children are a
            # flat list: the moves in and out of it are summed without
            # Tryton's union of three scans that moves the flat children
            # to their parent (one index scan each way instead of three)
            location_id, = location_ids
            children, flat = Location.children_flat(location_id)
            if not flat:
                location_ids = list(children)
                with_childs = False
        with Transaction().set_context(cls._quantity_context(
                    'forecast_quantity')):
            moves = Move.compute_quantities_query(
                location_ids, with_childs, grouping=ON_HAND_GROUPING,
                grouping_filter=(product_ids,))
        on_hand = ((moves.state == 'done')
            & (Coalesce(moves.effective_date, moves.planned_date) <= today))
        product = cls.__table__()
        template = Template.__table__()
        uom = Uom.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*moves
            .join(product, condition=product.id == moves.product)
            .join(template, condition=template.id == product.template)
            .join(uom, condition=uom.id == template.default_uom)
            .select(
                moves.product, uom.id, uom.rounding,
                Sum(Case((on_hand, moves.quantity), else_=0)),
                Sum(moves.quantity),
                group_by=[moves.product, uom.id, uom.rounding]))
        quantities = {name: defaultdict(float) for name in names}
        for product_id, uom_id, rounding, quantity, forecast in cursor:
            # rounded in the material's unit, as stock's compute_quantities
            uom = Uom(uom_id, rounding=rounding)
            quantities['quantity'][product_id] = uom.round(quantity)
            quantities['forecast_quantity'][product_id] = uom.round(forecast)
        return quantities


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'
    _children_flat_cache = Cache(
        'stock.location.children_flat', context=False)

    @classmethod
    def children_flat(cls, location_id):
        """The ids of the location and of its children as stock's moves
        count them (stock's _location_children: the location itself when
        it has flat children) and whether any of them has flat children,
        kept across transactions until a location is modified: the
        quantities of 库存查询 needed three statements each time (the
        location, its interval, its children)"""
        transaction = Transaction()
        key = (location_id, transaction.active_records,
            transaction.user if transaction.check_access else None)
        value = cls._children_flat_cache.get(key)
        if value is None:
            children = _location_children([location_id])
            value = (tuple(map(int, children)),
                any(l.flat_childs for l in children))
            cls._children_flat_cache.set(key, value)
        return value

    @classmethod
    def on_modification(cls, mode, locations, field_names=None):
        super().on_modification(mode, locations, field_names=field_names)
        cls._children_flat_cache.clear()
