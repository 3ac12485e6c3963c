# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 「报表分析」 printed: the funnel, the statistics and the activity
as a spreadsheet and a PDF"""
import datetime

from trytond.i18n import gettext
from trytond.modules.hopu_sysadmin.input_validation import check_context
from trytond.modules.hopu_sysadmin.report import SofficeReport
from trytond.pool import Pool
from trytond.transaction import Transaction


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
