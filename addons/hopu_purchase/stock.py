# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-1 5.3 采购入库与验收 on Tryton's supplier shipment (采购到货, numbered
DH+YYYYMM+serial): the receiving clerk enters for each incoming move the
quantity rejected by the inspection (采购验收); on 收货 the rejected part is
split off and cancelled — it never enters stock, the order shows it as an
exception to re-deliver or ignore — and only the accepted quantity is
received, put away and invoiced (the purchase's invoice method 基于收货)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import ReceiptError

RECEIPT_PREFIX = 'DH'


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    rejected_quantity = fields.Float(
        "Rejected Quantity", digits='unit',
        domain=['OR',
            ('rejected_quantity', '=', None),
            ('rejected_quantity', '>=', 0),
            ],
        states={
            'readonly': Eval('state').in_(['done', 'cancelled']),
            },
        help="The quantity the inspection rejected: it is returned to the "
        "supplier and does not enter stock.")
    accepted_quantity = fields.Function(fields.Float(
            "Accepted Quantity", digits='unit',
            help="The quantity that passed the inspection and enters "
            "stock."),
        'on_change_with_accepted_quantity')

    @fields.depends('quantity', 'rejected_quantity')
    def on_change_with_accepted_quantity(self, name=None):
        if self.quantity is None:
            return None
        return self.quantity - (self.rejected_quantity or 0)

    @classmethod
    def copy(cls, moves, default=None):
        default = default.copy() if default else {}
        default.setdefault('rejected_quantity', None)
        return super().copy(moves, default=default)


class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    @classmethod
    def preprocess_values(cls, mode, values):
        "ERP-8: 采购到货 DH + YYYYMM + serial of the month, per company"
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        if mode == 'create' and not values.get('number'):
            company = values.get('company', cls.default_company())
            if company is not None:
                values = values.copy()
                values['number'] = Number.next_number(
                    RECEIPT_PREFIX, company=company)
        return super().preprocess_values(mode, values)

    @classmethod
    def receive(cls, shipments):
        "采购验收: the rejected quantities are split off and cancelled"
        pool = Pool()
        Move = pool.get('stock.move')
        rejected = []
        for shipment in shipments:
            for move in shipment.incoming_moves:
                if move.state in {'done', 'cancelled'}:
                    continue
                quantity = move.rejected_quantity or 0
                if not quantity:
                    continue
                if quantity > move.quantity:
                    raise ReceiptError(gettext(
                            'hopu_purchase.msg_rejected_quantity_too_big',
                            move=move.rec_name,
                            shipment=shipment.rec_name))
                if move.unit.round(move.quantity - quantity) <= 0:
                    rejected.append(move)
                    continue
                copy, = Move.copy([move], {
                        'quantity': quantity,
                        'rejected_quantity': quantity,
                        'shipment': str(shipment),
                        })
                move.quantity = move.unit.round(move.quantity - quantity)
                move.rejected_quantity = None
                move.save()
                rejected.append(copy)
        if rejected:
            # the receipt's own work, once 收货 was allowed to the user
            with without_check_access():
                Move.cancel(rejected)
        super().receive(cls.browse(shipments))

    def _get_inventory_move(self, incoming_move):
        if incoming_move.state == 'cancelled':
            return None
        return super()._get_inventory_move(incoming_move)

    @property
    def _check_quantity_source_moves(self):
        "The rejected moves (cancelled) are not put away"
        return [m for m in super()._check_quantity_source_moves
            if m.state != 'cancelled']
