# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 Tryton's own opportunity reporting, under the CRM record rules
(CRM-2)"""
from trytond.pool import Pool, PoolMeta

from .reporting import readable


class _ReadableReportingMixin:
    "Tryton's opportunity reporting, under the CRM record rules (CRM-2)"
    __slots__ = ()

    @classmethod
    def _where(cls, tables, withs):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        where = super()._where(tables, withs)
        return where & readable(Opportunity, tables['opportunity'])


class OpportunityReportingMain(_ReadableReportingMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity.reporting.main'


class OpportunityReportingMainTimeseries(
        _ReadableReportingMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity.reporting.main.time_series'


class OpportunityReportingConversion(
        _ReadableReportingMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity.reporting.conversion'


class OpportunityReportingConversionTimeseries(
        _ReadableReportingMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity.reporting.conversion.time_series'


class OpportunityReportingConversionEmployee(
        _ReadableReportingMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity.reporting.conversion.employee'


class OpportunityReportingConversionEmployeeTimeseries(
        _ReadableReportingMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity.reporting.conversion.employee.time_series'
