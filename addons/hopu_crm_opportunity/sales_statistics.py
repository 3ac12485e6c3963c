# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 the sales statistics: the opportunities closed per salesperson
and period"""
from sql import Null
from sql.functions import DateTrunc

from trytond.model import ModelView
from trytond.modules.sale_opportunity.opportunity_reporting import (
    AbstractConversionTimeseries, EmployeeMixin)
from trytond.pool import Pool
from trytond.transaction import Transaction

from .reporting import _ContextMixin, readable, subtree


class Statistics(
        _ContextMixin, EmployeeMixin, AbstractConversionTimeseries,
        ModelView):
    """Sales Statistics: the opportunities closed per salesperson and
    period, won and lost, with the amount won (Tryton's conversion
    reporting per employee, under the CRM record rules)"""
    __name__ = 'hopu.crm.opportunity.statistics'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'ASC'), ('employee', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _joins(cls):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        # No currency rate needed: the amounts are summed in the
        # currency of the opportunities
        tables = {}
        tables['opportunity'] = opportunity = Opportunity.__table__()
        return opportunity, tables, {}

    @classmethod
    def _column_date(cls, tables, withs):
        context = Transaction().context
        opportunity = tables['opportunity']
        return cls.date.sql_cast(
            DateTrunc(context.get('period') or 'month', opportunity.end_date))

    @classmethod
    def _group_by(cls, tables, withs):
        opportunity = tables['opportunity']
        # By the alias: PostgreSQL does not see two DATE_TRUNC with their
        # own parameters as the same expression
        return [
            opportunity.company, opportunity.employee,
            cls._column_date(tables, withs).as_('date')]

    @classmethod
    def _where(cls, tables, withs):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        context = Transaction().context
        opportunity = tables['opportunity']
        where = opportunity.company == context.get('company')
        where &= opportunity.state.in_(
            cls._won_states() + cls._lost_states())
        where &= opportunity.employee != Null
        where &= opportunity.end_date != Null
        where &= cls._date_where(opportunity.end_date)
        domain = None
        if salesperson := cls._context_salesperson():
            domain = [('employee', *subtree(salesperson))]
        return where & readable(Opportunity, opportunity, domain)
