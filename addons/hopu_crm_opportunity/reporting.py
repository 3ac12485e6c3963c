# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 报表分析: the sales funnel by stage, the sales statistics by
salesperson and period, 查看业务员销售跟进情况 (follow-up activity per
salesperson and week), and their export as a spreadsheet and a PDF.

The reports are SQL views (table_query) read through a context model, as
Tryton's own sale.opportunity.reporting.* are. They aggregate only the
records the user may read: the record rules of the opportunities, daily
reports and contact records (CRM-2) are compiled into the WHERE clause of
the aggregate, so a supervisor's figures cover their subtree and a
salesperson's their own records. Tryton's opportunity reporting models get
the same filter."""
import datetime

from sql import Literal, Null, Union
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import DateTrunc, Function, Round
from sql.operators import Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.hopu_sysadmin.input_validation import check_context
from trytond.modules.hopu_sysadmin.report import SofficeReport
from trytond.modules.sale_opportunity.opportunity_reporting import (
    AbstractConversionTimeseries)
from trytond.modules.sale_opportunity.opportunity_reporting import \
    Context as OpportunityReportingContext
from trytond.modules.sale_opportunity.opportunity_reporting import (
    EmployeeMixin)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

from .opportunity import OPEN_STATES


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


class Funnel(_ContextMixin, ModelSQL, ModelView):
    """Sales Funnel: the open opportunities by stage, with their count, the
    expected amount and the amount weighted by the probability"""
    __name__ = 'hopu.crm.opportunity.funnel'

    company = fields.Many2One('company.company', "Company", readonly=True)
    stage = fields.Many2One(
        'hopu.crm.opportunity.stage', "Stage", readonly=True)
    stage_sequence = fields.Integer("Stage Sequence", readonly=True)
    number = fields.Integer("Opportunities", readonly=True)
    amount = Monetary(
        "Expected Amount", currency='currency', digits='currency',
        readonly=True)
    weighted_amount = Monetary(
        "Weighted Amount", currency='currency', digits='currency',
        readonly=True,
        help="The expected amounts times their probability.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'get_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('stage_sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Stage = pool.get('hopu.crm.opportunity.stage')
        opportunity = Opportunity.__table__()
        stage = Stage.__table__()
        return (opportunity
            .join(stage, 'LEFT', condition=opportunity.stage == stage.id)
            .select(
                Min(opportunity.id).as_('id'),
                opportunity.company.as_('company'),
                opportunity.stage.as_('stage'),
                Max(stage.sequence).as_('stage_sequence'),
                Count(opportunity.id).as_('number'),
                Sum(Coalesce(opportunity.amount, 0)).as_('amount'),
                Round(cls.weighted_amount.sql_cast(
                        Sum(Coalesce(opportunity.amount, 0)
                            * opportunity.conversion_probability)),
                    2).as_('weighted_amount'),
                where=cls._where(Opportunity, opportunity),
                group_by=[opportunity.company, opportunity.stage]))

    @classmethod
    def _where(cls, Opportunity, opportunity):
        context = Transaction().context
        where = opportunity.company == context.get('company')
        where &= opportunity.state.in_(OPEN_STATES)
        where &= cls._date_where(opportunity.start_date)
        domain = None
        if salesperson := cls._context_salesperson():
            domain = [('employee', *subtree(salesperson))]
        return where & readable(Opportunity, opportunity, domain)

    def get_rec_name(self, name):
        return self.stage.rec_name if self.stage else ''

    def get_currency(self, name):
        return self.company.currency.id


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


class Activity(_ContextMixin, ModelSQL, ModelView):
    """查看业务员销售跟进情况: per salesperson and week, the daily reports,
    contact records and opportunity follow-ups written, and the next
    visits planned in the week that are overdue (not followed by a report,
    a contact record or a follow-up on or after their date)"""
    __name__ = 'hopu.crm.opportunity.activity'

    salesperson = fields.Many2One(
        'company.employee', "Salesperson", readonly=True)
    week = fields.Date("Week", readonly=True,
        help="The Monday of the week.")
    daily_reports = fields.Integer("Daily Reports", readonly=True)
    contact_records = fields.Integer("Contact Records", readonly=True)
    follow_ups = fields.Integer("Opportunity Follow-ups", readonly=True)
    total = fields.Integer("Total Follow-ups", readonly=True)
    overdue = fields.Integer("Overdue Next Visits", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('week', 'DESC'), ('salesperson', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _reference_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Transaction().context.get('date') or Date.today()

    @classmethod
    def table_query(cls):
        pool = Pool()
        Report = pool.get('hopu.crm.daily_report')
        Record = pool.get('hopu.crm.contact_record')
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        Opportunity = pool.get('sale.opportunity')
        Employee = pool.get('company.employee')

        report = Report.__table__()
        record = Record.__table__()
        follow_up = FollowUp.__table__()
        opportunity = Opportunity.__table__()
        due_report = Report.__table__()
        due_follow_up = FollowUp.__table__()
        later_report = Report.__table__()
        later_record = Record.__table__()
        later_follow_up = FollowUp.__table__()
        today = cls._reference_date()

        salesperson = cls._context_salesperson()
        domain = None
        if salesperson:
            domain = [('salesperson', *subtree(salesperson))]

        def columns(id_, kind, salesperson, date, *flags):
            return [
                (id_ * 5 + kind).as_('code'),
                salesperson.as_('salesperson'),
                week_start(date).as_('week'),
                *[Literal(f).as_(n) for f, n in zip(flags, [
                            'daily_reports', 'contact_records',
                            'follow_ups', 'overdue'])],
                ]

        queries = [
            report.select(*columns(
                    report.id, 0, report.salesperson, report.date,
                    1, 0, 0, 0),
                where=cls._date_where(report.date)
                & readable(Report, report, domain)),
            record.select(*columns(
                    record.id, 1, record.salesperson, record.date,
                    0, 1, 0, 0),
                where=cls._date_where(record.date)
                & readable(Record, record, domain)),
            follow_up.join(opportunity,
                condition=follow_up.opportunity == opportunity.id
                ).select(*columns(
                    follow_up.id, 2,
                    Coalesce(follow_up.salesperson, opportunity.employee),
                    follow_up.date,
                    0, 0, 1, 0),
                where=cls._date_where(follow_up.date)
                & readable(Opportunity, opportunity, (
                        [('employee', *subtree(salesperson))]
                        if salesperson else None))),
            # Overdue: a next visit planned before the reference date and
            # no report, contact record (same customer) after it
            due_report.select(*columns(
                    due_report.id, 3, due_report.salesperson,
                    due_report.next_date,
                    0, 0, 0, 1),
                where=(due_report.next_date < today)
                & (due_report.customer != Null)
                & ~Exists(later_report.select(Literal(1),
                        where=(later_report.customer == due_report.customer)
                        & (later_report.id != due_report.id)
                        & (later_report.date >= due_report.next_date)))
                & ~Exists(later_record.select(Literal(1),
                        where=(later_record.customer == due_report.customer)
                        & (later_record.date >= due_report.next_date)))
                & cls._date_where(due_report.next_date)
                & readable(Report, due_report, domain)),
            due_follow_up.join(opportunity,
                condition=due_follow_up.opportunity == opportunity.id
                ).select(*columns(
                    due_follow_up.id, 4,
                    Coalesce(due_follow_up.salesperson, opportunity.employee),
                    due_follow_up.next_date,
                    0, 0, 0, 1),
                where=(due_follow_up.next_date < today)
                & opportunity.state.in_(OPEN_STATES)
                & ~Exists(later_follow_up.select(Literal(1),
                        where=(later_follow_up.opportunity
                            == due_follow_up.opportunity)
                        & (later_follow_up.id != due_follow_up.id)
                        & (later_follow_up.date >= due_follow_up.next_date)))
                & cls._date_where(due_follow_up.next_date)
                & readable(Opportunity, opportunity, (
                        [('employee', *subtree(salesperson))]
                        if salesperson else None))),
            ]
        union = Union(*queries, all_=True)
        employee = Employee.__table__()
        return union.join(employee,
            condition=union.salesperson == employee.id
            ).select(
                Min(union.code).as_('id'),
                union.salesperson.as_('salesperson'),
                cls.week.sql_cast(union.week).as_('week'),
                Sum(union.daily_reports).as_('daily_reports'),
                Sum(union.contact_records).as_('contact_records'),
                Sum(union.follow_ups).as_('follow_ups'),
                Sum(union.daily_reports + union.contact_records
                    + union.follow_ups).as_('total'),
                Sum(union.overdue).as_('overdue'),
                group_by=[union.salesperson, union.week])

    def get_rec_name(self, name):
        return f'{self.salesperson.rec_name} {self.week}'


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


class AnalysisReport(SofficeReport):
    """「报表分析」 printed: the sales funnel, the sales statistics and the
    follow-up activity for the filters of the screen (period, salesperson),
    each as the user sees them on the screen. One template per format: a
    spreadsheet (FODS → xlsx) and a document (FODT → PDF)."""
    __name__ = 'hopu.crm.opportunity.analysis'

    @classmethod
    def _get_records(cls, ids, model, data):
        # The report covers the whole analysis of the context, not the
        # selected lines
        return []

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Funnel = pool.get('hopu.crm.opportunity.funnel')
        Statistics = pool.get('hopu.crm.opportunity.statistics')
        Activity = pool.get('hopu.crm.opportunity.activity')
        Employee = pool.get('company.employee')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        report_context = super().get_context(records, header, data)
        context = cls.analysis_context(data)
        with Transaction().set_context(**context):
            report_context['funnel'] = Funnel.search([])
            report_context['statistics'] = Statistics.search([])
            report_context['activity'] = Activity.search([])
        company = context.get('company')
        report_context['company'] = Company(company) if company else None
        salesperson = context.get('salesperson')
        report_context['salesperson'] = (
            Employee(salesperson) if salesperson else None)
        report_context['from_date'] = context.get('from_date')
        report_context['to_date'] = context.get('to_date')
        report_context['today'] = Date.today()
        report_context['funnel_total'] = {
            'number': sum(r.number for r in report_context['funnel']),
            'amount': sum(r.amount or 0 for r in report_context['funnel']),
            'weighted_amount': sum(
                r.weighted_amount or 0 for r in report_context['funnel']),
            }
        report_context['title'] = gettext(
            'hopu_crm_opportunity.msg_analysis_title')
        report_context['labels'] = cls.labels()
        return report_context

    @classmethod
    def labels(cls):
        "The headings of the report, in the user's language"
        pool = Pool()
        Context = pool.get('hopu.crm.opportunity.reporting.context')
        labels = {}
        for prefix, model in [
                ('funnel', 'hopu.crm.opportunity.funnel'),
                ('statistics', 'hopu.crm.opportunity.statistics'),
                ('activity', 'hopu.crm.opportunity.activity'),
                ]:
            Model = pool.get(model)
            for name, field in Model.fields_get().items():
                labels[f'{prefix}.{name}'] = field['string']
            labels[prefix] = gettext(
                f'hopu_crm_opportunity.msg_analysis_{prefix}')
        context_fields = Context.fields_get(
            ['company', 'period', 'salesperson'])
        for name, field in context_fields.items():
            labels[name] = field['string']
        labels['printed'] = gettext(
            'hopu_crm_opportunity.msg_analysis_printed')
        labels['total'] = gettext('hopu_crm_opportunity.msg_analysis_total')
        return labels

    @classmethod
    def analysis_context(cls, data):
        """The filters of the analysis: those given to the report, else the
        context of the screen it is printed from"""
        pool = Pool()
        Context = pool.get('hopu.crm.opportunity.reporting.context')
        context = Transaction().context
        values = {
            'company': context.get('company'),
            'from_date': context.get('from_date'),
            'to_date': context.get('to_date'),
            'period': context.get('period') or 'month',
            'salesperson': context.get('salesperson'),
            'date': context.get('date'),
            }
        if 'from_date' not in context:
            values['from_date'] = Context.default_from_date()
        if 'to_date' not in context:
            values['to_date'] = Context.default_to_date()
        for key in values:
            if key in (data or {}):
                values[key] = data[key]
        for key in ['from_date', 'to_date', 'date']:
            if isinstance(values[key], str):
                try:
                    values[key] = datetime.date.fromisoformat(values[key])
                except ValueError:
                    pass
        # the report's data are no RPC context: checked here as one
        check_context(values)
        return values
