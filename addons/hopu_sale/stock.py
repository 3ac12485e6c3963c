# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-2 发货通知 (Tryton's customer shipment, numbered FH+YYYYMM+serial)
and 销售退货 (the customer return shipment, TH+YYYYMM+serial)."""
from trytond.pool import Pool, PoolMeta

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
