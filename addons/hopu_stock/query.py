# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""库存查询 (ERP-3 6.1.3, the manual's 查看库存数量) and 调拨报表 (6.3.5).

库存查询 is Tryton's list of materials with their quantities, computed for
the warehouse or location chosen above the list: the quantity on hand today
and the forecast quantity (with the planned moves up to a date, or all of
them). 调拨报表 sums the transfers (调拨单) by material and pair of
warehouses: what was shipped, what was received, what is in transit."""
from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access


class StockQueryContext(ModelView):
    "ERP-3 库存查询: Stock Query Context"
    __name__ = 'hopu.stock.query.context'

    company = fields.Many2One('company.company', "Company", required=True)
    location = fields.Many2One(
        'stock.location', "Warehouse or Location", required=True,
        domain=[('type', 'in', ['warehouse', 'storage', 'view'])],
        help="The quantities are those of this warehouse or location and "
        "of the locations inside it.")
    stock_date_end = fields.Date(
        "Forecast Date",
        help="The forecast quantity counts the planned moves up to this "
        "date; empty: all of them.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_location(cls):
        return Pool().get('stock.location').get_default_warehouse()


class TransferReportContext(ModelView):
    "ERP-3 调拨报表: Transfer Report Context"
    __name__ = 'hopu.stock.transfer.report.context'

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date("To Date")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class TransferReport(ModelSQL, ModelView):
    "ERP-3 调拨报表: Transferred Quantities"
    __name__ = 'hopu.stock.transfer.report'

    company = fields.Many2One('company.company', "Company", readonly=True)
    product = fields.Many2One(
        'product.product', "Material", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'get_unit')
    from_warehouse = fields.Many2One(
        'stock.location', "From Warehouse", readonly=True)
    to_warehouse = fields.Many2One(
        'stock.location', "To Warehouse", readonly=True)
    shipped_quantity = fields.Float(
        "Shipped Quantity", digits='unit', readonly=True)
    received_quantity = fields.Float(
        "Received Quantity", digits='unit', readonly=True)
    transit_quantity = fields.Float(
        "In Transit", digits='unit', readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('product', 'ASC'), ('from_warehouse', 'ASC'),
            ('to_warehouse', 'ASC'), ('id', 'ASC')]

    def get_unit(self, name):
        return self.product.default_uom if self.product else None

    @classmethod
    def _warehouse(cls, location):
        """The warehouse of the location: the location of type warehouse
        whose nested-set interval holds it"""
        Location = Pool().get('stock.location')
        warehouse = Location.__table__()
        return warehouse.select(
            Min(warehouse.id),
            where=(warehouse.type == 'warehouse')
            & (warehouse.left <= location.left)
            & (warehouse.right >= location.right))

    @classmethod
    def table_query(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Shipment = pool.get('stock.shipment.internal')
        Location = pool.get('stock.location')
        move = Move.__table__()
        shipment = Shipment.__table__()
        from_ = Location.__table__()
        to = Location.__table__()
        context = Transaction().context

        transit = shipment.internal_transit_location
        outgoing = (transit == Null) | (move.to_location == transit)
        incoming = (transit == Null) | (move.from_location == transit)
        done = move.state == 'done'
        quantity = move.internal_quantity
        date = move.effective_date
        where = ((shipment.hopu_kind == 'transfer')
            & (move.state != 'cancelled'))
        if context.get('company') is not None:
            where &= shipment.company == context['company']
        if context.get('from_date'):
            where &= ((date == Null) | (date >= context['from_date']))
        if context.get('to_date'):
            where &= ((date == Null) | (date <= context['to_date']))
        lines = (move
            .join(shipment, condition=move.shipment == Concat(
                    Literal('stock.shipment.internal,'), shipment.id))
            .join(from_, condition=from_.id == shipment.from_location)
            .join(to, condition=to.id == shipment.to_location)
            .select(
                move.id.as_('id'),
                shipment.company.as_('company'),
                move.product.as_('product'),
                cls._warehouse(from_).as_('from_warehouse'),
                cls._warehouse(to).as_('to_warehouse'),
                Case((outgoing & done, quantity), else_=0).as_('shipped'),
                Case((incoming & done, quantity), else_=0).as_('received'),
                where=where))
        return lines.select(
            Min(lines.id).as_('id'),
            lines.company.as_('company'),
            lines.product.as_('product'),
            lines.from_warehouse.as_('from_warehouse'),
            lines.to_warehouse.as_('to_warehouse'),
            Sum(lines.shipped).as_('shipped_quantity'),
            Sum(lines.received).as_('received_quantity'),
            (Sum(lines.shipped) - Sum(lines.received)).as_(
                'transit_quantity'),
            group_by=[
                lines.company, lines.product,
                lines.from_warehouse, lines.to_warehouse])


class _ReportingPeriods:
    """库存报表 (ERP-3-INV): the report starts from the last closed stock
    period of the context's company, which Tryton searches with the user's
    access; the period is the stock manager's model, so a clerk with the
    right of the report was refused (没有访问 "库存期间" 的权限). The query
    is built by the server; what it returns stays under the report's own
    access and rules."""
    __slots__ = ()

    @classmethod
    def table_query(cls):
        with without_check_access():
            return super().table_query()


class ReportingInventory(_ReportingPeriods, metaclass=PoolMeta):
    __name__ = 'stock.reporting.inventory'


class ReportingInventoryMove(_ReportingPeriods, metaclass=PoolMeta):
    __name__ = 'stock.reporting.inventory.move'


class ReportingInventoryDaily(_ReportingPeriods, metaclass=PoolMeta):
    __name__ = 'stock.reporting.inventory.daily'
