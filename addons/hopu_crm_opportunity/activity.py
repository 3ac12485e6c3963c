# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 查看业务员销售跟进情况: the follow-up activity per salesperson and
week"""
from sql import Literal, Union
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce
from sql.operators import Exists

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .opportunity import OPEN_STATES
from .reporting import _ContextMixin, readable, subtree, week_start


class Activity(_ContextMixin, ModelSQL, ModelView):
    """查看业务员销售跟进情况: per salesperson and week, the daily reports,
    contact records and opportunity follow-ups written, and the next
    visits planned in the week that are overdue: the daily reports overdue
    as 业务警示 sees them (DailyReport.overdue_where) and the follow-ups
    of open opportunities not followed by another one on or after their
    date"""
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
            # Overdue: the one definition of 业务警示 (CRM-32), at the
            # reference date
            due_report.select(*columns(
                    due_report.id, 3, due_report.salesperson,
                    due_report.next_date,
                    0, 0, 0, 1),
                where=Report.overdue_where(due_report, today)
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
