# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 报表分析: what the sales analysis reports share: the context
(filters) of the screens and the SQL condition of the record rules.

The reports are SQL views (table_query) read through a context model, as
Tryton's own sale.opportunity.reporting.* are. They aggregate only the
records the user may read: the record rules of the opportunities, daily
reports and contact records (CRM-2) are compiled into the WHERE clause of
the aggregate, so a supervisor's figures cover their subtree and a
salesperson's their own records. The reports are the sales funnel
(funnel.py), the sales statistics (sales_statistics.py), 查看业务员销售跟进情况
(activity.py), Tryton's opportunity reporting under the same rules
(opportunity_reporting.py) and their export (analysis_report.py)."""
from sql import Literal
from sql.functions import DateTrunc, Function

from trytond import backend
from trytond.model import fields
from trytond.modules.sale_opportunity.opportunity_reporting import \
    Context as OpportunityReportingContext
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)


def readable(Model, table, domain=None):
    """The SQL condition on `table` (the table of Model) that keeps the
    records the user may read under the record rules, and `domain` besides.

    The rules apply whether or not the call checks access: a report shows
    the figures of the records its user may see, also when printed."""
    pool = Pool()
    Rule = pool.get('ir.rule')
    transaction = Transaction()
    rule_domain = []
    if transaction.user:
        with transaction.set_context(_check_access=True):
            rule_domain = Rule.domain_get(Model.__name__, mode='read')
    domain = [d for d in [rule_domain, domain] if d]
    if not domain:
        return Literal(True)
    with transaction.set_user(0), without_check_access(), \
            inactive_records():
        tables = {None: (table, None)}
        tables, expression = Model.search_domain(domain, tables=tables)
        if len(tables) > 1:
            # The domain needs joins: filter by the ids it selects
            return table.id.in_(Model.search(domain, order=[], query=True))
    return expression


def subtree(salesperson):
    "The domain of the records of the salesperson and everyone below them"
    return ('child_of', [salesperson], 'supervisor')


class _SQLiteDate(Function):
    __slots__ = ()
    _function = 'DATE'


def week_start(column):
    "The Monday of the week of a date or timestamp column"
    if backend.name == 'sqlite':
        return _SQLiteDate(column, 'weekday 0', '-6 days')
    return DateTrunc('week', column)


class Context(OpportunityReportingContext):
    "Sales Analysis Context"
    __name__ = 'hopu.crm.opportunity.reporting.context'

    salesperson = fields.Many2One(
        'company.employee', "Salesperson",
        help="Only this salesperson and everyone below them.")
    date = fields.Date(
        "Overdue Before",
        help="Next visits planned before this date and not done are "
        "overdue. Today when empty.")


class _ContextMixin:
    __slots__ = ()

    @classmethod
    def _context_salesperson(cls):
        return Transaction().context.get('salesperson')

    @classmethod
    def _context_dates(cls):
        context = Transaction().context
        return context.get('from_date'), context.get('to_date')

    @classmethod
    def _date_where(cls, column):
        from_date, to_date = cls._context_dates()
        where = Literal(True)
        if from_date:
            where &= column >= from_date
        if to_date:
            where &= column <= to_date
        return where
