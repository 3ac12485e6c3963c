# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-10, CRM-13, CRM-17 daily reports (日报).

One model for both kinds of the manual's 「所有拜访日报」: the cold visit
(陌生拜访) on a company not yet in the system, and the daily report with
the CALL CARD on a potential, follow-up or existing customer."""

from sql import Null
from sql.conditionals import Coalesce
from sql.operators import Concat, Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.hopu_sysadmin.party import (
    RecNameColumnMixin, party_name_of)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .contact import check_phone
from .customer_stages import ACTIVE_STAGES, customer_stages
from .exceptions import ReportValidationError

_cold = {
    'required': Eval('kind') == 'cold_visit',
    'invisible': Eval('kind') != 'cold_visit',
    }
_customer = {
    'required': Eval('kind') == 'customer',
    'invisible': Eval('kind') != 'customer',
    }
_customer_optional = {
    'invisible': Eval('kind') != 'customer',
    }


class DailyReport(RecNameColumnMixin, ModelSQL, ModelView):
    "Daily Report"
    __name__ = 'hopu.crm.daily_report'

    kind = fields.Selection([
            ('cold_visit', "Cold Visit"),
            ('customer', "Customer Daily Report"),
            ], "Kind", required=True)
    date = fields.Date("Date", required=True)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True,
        ondelete='RESTRICT')
    start = fields.DateTime("Start")
    end = fields.DateTime("End")
    # Cold visit (CRM-10)
    visited_company = fields.Char("Company Visited", states=_cold)
    address = fields.Char("Address", states=_cold)
    person_met = fields.Char("Person Met", states=_cold)
    person_phone = fields.Char(
        "Phone of Person Met", states={
            'invisible': Eval('kind') != 'cold_visit',
            })
    result = fields.Text("Result", states=_cold)
    next_step = fields.Text("Next Step", states=_cold)
    potential_customer = fields.Many2One(
        'party.party', "Potential Customer", readonly=True,
        ondelete='SET NULL',
        states={
            'invisible': ~Eval('potential_customer'),
            })
    # Daily report (CRM-13)
    customer = fields.Many2One(
        'party.party', "Customer", ondelete='RESTRICT',
        domain=[('crm_stage', 'in', ACTIVE_STAGES)],
        states={
            'required': Eval('kind') == 'customer',
            'invisible': Eval('kind') != 'customer',
            'readonly': Eval('id', -1) > 0,
            })
    customer_stage = fields.Function(fields.Selection(
            'get_customer_stages', "Customer Stage"),
        'on_change_with_customer_stage')
    lead = fields.Many2One(
        'party.party', "Lead", readonly=True, ondelete='SET NULL',
        states={
            'invisible': ~Eval('lead'),
            },
        help="The lead the report was written on before its conversion.")
    contact = fields.Many2One(
        'hopu.crm.contact', "Contact Met", ondelete='RESTRICT',
        domain=['OR',
            ('customer', '=', Eval('customer', -1)),
            ('customer', '=', Eval('lead', -1)),
            ],
        states=_customer_optional)
    visit_type = fields.Selection([
            (None, ""),
            ('visit', "Visit"),
            ('phone', "Phone Call"),
            ('meeting', "Meeting at Our Office"),
            ('online', "Online Meeting"),
            ('other', "Other"),
            ], "Visit Type", states=_customer)
    # CALL CARD
    purpose = fields.Selection([
            (None, ""),
            ('first_contact', "First Contact"),
            ('needs', "Needs Analysis"),
            ('demo', "Product Demonstration"),
            ('quotation', "Proposal and Quotation"),
            ('negotiation', "Negotiation"),
            ('service', "After-sales Service"),
            ('relationship', "Relationship Maintenance"),
            ], "Purpose", states=_customer)
    content = fields.Text("Content", required=True)
    feedback = fields.Text("Customer Feedback", states=_customer_optional)
    next_plan = fields.Text("Next Plan", states=_customer_optional)
    next_date = fields.Date("Next Visit Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))
        cls._buttons.update({
                'save_copy': {
                    'invisible': Eval('kind') != 'customer',
                    'depends': ['kind'],
                    },
                'save_close': {},
                'make_potential': {
                    'invisible': (
                        (Eval('kind') != 'cold_visit')
                        | Eval('potential_customer')),
                    'depends': ['kind', 'potential_customer'],
                    },
                })

    @staticmethod
    def default_kind():
        return Transaction().context.get('hopu_crm_report_kind', 'customer')

    @classmethod
    def default_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @staticmethod
    def default_salesperson():
        return Transaction().context.get('employee')

    @classmethod
    def default_customer(cls):
        return Transaction().context.get('hopu_crm_customer')

    @classmethod
    def get_customer_stages(cls):
        return customer_stages()

    @fields.depends('customer', '_parent_customer.crm_stage')
    def on_change_with_customer_stage(self, name=None):
        return self.customer.crm_stage if self.customer else None

    @fields.depends('customer', 'contact')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    def get_rec_name(self, name):
        who = (self.customer.rec_name if self.customer
            else self.visited_company or '')
        return f'{self.date} {who}'

    @classmethod
    def column_rec_name(cls, tables):
        "get_rec_name in SQL: a list's names cost no query of the customers"
        report, _ = tables[None]
        return Concat(
            Concat(report.date.cast('VARCHAR'), ' '),
            Coalesce(
                party_name_of(report.customer), report.visited_company, ''))

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('customer.rec_name', operator, operand, *extra),
            ('visited_company', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        for report in reports:
            report.check_dates()
            report.check_kind()
            if report.person_phone and not check_phone(report.person_phone):
                raise ReportValidationError(gettext(
                        'hopu_crm.msg_report_phone_invalid',
                        value=report.person_phone))

    def check_dates(self):
        if self.start and self.end and self.end < self.start:
            raise ReportValidationError(gettext(
                    'hopu_crm.msg_report_end_before_start',
                    report=self.rec_name))
        if self.next_date and self.date and self.next_date < self.date:
            raise ReportValidationError(gettext(
                    'hopu_crm.msg_report_next_date_before_date',
                    report=self.rec_name))

    def check_kind(self):
        if self.kind == 'customer' and self.contact and self.customer:
            if self.contact.customer not in {self.customer, self.lead}:
                raise ReportValidationError(gettext(
                        'hopu_crm.msg_report_contact_customer',
                        contact=self.contact.rec_name,
                        customer=self.customer.rec_name))

    @classmethod
    def copy(cls, reports, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('potential_customer', None)
        default.setdefault('lead', None)
        return super().copy(reports, default=default)

    @classmethod
    def overdue_where(cls, report, date):
        """CRM-32 逾期未拜访, the one definition of an overdue next visit: the
        condition on the table ``report`` of the daily reports that a
        customer daily report's next visit date is before date and that no
        later daily report of the customer nor a contact record of the
        customer done on a later day followed it.

        业务警示 (overdue_reports) and the activity report of
        hopu_crm_opportunity both select with it."""
        pool = Pool()
        Record = pool.get('hopu.crm.contact_record')
        later = cls.__table__()
        record = Record.__table__()
        return ((report.kind == 'customer')
            & (report.customer != Null)
            & (report.next_date != Null)
            & (report.next_date < date)
            & ~Exists(later.select(later.id,
                    where=(later.customer == report.customer)
                    & (later.kind == 'customer')
                    & ((later.date > report.date)
                        | ((later.date == report.date)
                            & (later.id > report.id)))))
            & ~Exists(record.select(record.id,
                    where=(record.customer == report.customer)
                    & (record.state == 'done')
                    & (cls.date.sql_cast(record.date) > report.date))))

    @classmethod
    def overdue_reports(cls, date, customers=None):
        """CRM-32 逾期未拜访: the daily reports whose next visit is overdue
        at date (see overdue_where), of the customers if given"""
        report = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = cls.overdue_where(report, date)
        if customers is not None:
            customer_ids = [int(c) for c in customers]
            ids = []
            for sub_ids in grouped_slice(
                    customer_ids, backend.MAX_QUERY_PARAMS):
                cursor.execute(*report.select(report.id,
                        where=where & fields.SQL_OPERATORS['in'](
                            report.customer, sub_ids)))
                ids.extend(i for i, in cursor)
        else:
            cursor.execute(*report.select(report.id, where=where))
            ids = [i for i, in cursor]
        return cls.browse(ids)

    @classmethod
    def open_reports(cls, customers, date=None):
        """CRM-3: the daily reports of the customers whose follow-up is
        still open: next visit to come, or overdue (see overdue_reports)"""
        pool = Pool()
        Date = pool.get('ir.date')
        date = date or Date.today()
        customer_ids = [int(c) for c in customers]
        reports = []
        for sub_ids in grouped_slice(customer_ids, backend.MAX_QUERY_PARAMS):
            reports.extend(cls.search([
                        ('kind', '=', 'customer'),
                        ('customer', 'in', list(sub_ids)),
                        ('next_date', '>=', date),
                        ], order=[]))
        reports.extend(cls.overdue_reports(date, customer_ids))
        return reports

    @classmethod
    def copy_for_next(cls, reports):
        """The next report from these (「保存并复制」): the CALL CARD and the
        contact carried over, the dates moved to today"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        copies = []
        for report in reports:
            next_date = report.next_date
            if next_date and next_date < today:
                next_date = None
            copies.extend(cls.copy([report], default={
                        'salesperson': (
                            Transaction().context.get('employee')
                            or report.salesperson.id),
                        'date': today,
                        'start': None,
                        'end': None,
                        'next_date': next_date,
                        }))
        return copies

    @classmethod
    @ModelView.button
    def save_copy(cls, reports):
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        copies = cls.copy_for_next(reports)
        # The copies open in the reports of their customers' stage
        existing = all(
            c.customer and c.customer.crm_stage == 'existing'
            for c in copies)
        action_id = ModelData.get_id('hopu_crm',
            'act_daily_report_existing' if existing
            else 'act_daily_report_form')
        action, = Action.get_action_values(
            'ir.action.act_window', [action_id])
        action['res_id'] = [c.id for c in copies]
        action['views'] = list(reversed(action.get('views') or []))
        return action

    @classmethod
    @ModelView.button
    def save_close(cls, reports):
        return 'close'

    @classmethod
    @ModelView.button
    def make_potential(cls, reports):
        """CRM-10: a cold visit turned into a potential customer without
        retyping: company, address, phone and the person met"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('hopu.crm.contact')
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        parties = []
        for report in reports:
            if report.kind != 'cold_visit' or report.potential_customer:
                continue
            party = Party(
                name=report.visited_company,
                crm_stage='potential',
                crm_source='cold_visit',
                crm_address=report.address,
                salesperson=report.salesperson,
                crm_cold_visit=report)
            party.save()
            Contact.create([{
                        'customer': party.id,
                        'name': report.person_met,
                        'phone': report.person_phone,
                        }])
            report.potential_customer = party
            report.save()
            parties.append(party)
        if parties:
            action_id = ModelData.get_id('hopu_crm', 'act_lead_form')
            action, = Action.get_action_values(
                'ir.action.act_window', [action_id])
            action['res_id'] = [p.id for p in parties]
            action['views'] = list(reversed(action.get('views') or []))
            return action
