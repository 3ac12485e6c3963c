# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict

from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

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


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

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
            children = _location_children(location_ids)
            if not any(l.flat_childs for l in children):
                location_ids = list(map(int, children))
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
