# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-2 report: commission accrued per salesperson and period.

A contract accrues on its signing date once it has taken effect (effective,
terminated or closed); each salesperson's share and commission are summed
over the period chosen in the report's context."""
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction


class CommissionReport(ModelSQL, ModelView):
    "Commission Accrual per Salesperson"
    __name__ = 'hopu.contract.commission.report'
    salesperson = fields.Many2One('company.employee', "Salesperson")
    contracts = fields.Integer("Contracts")
    share_amount = fields.Numeric("Share of Amount", digits=(16, 2))
    commission_amount = fields.Numeric("Commission", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('commission_amount', 'DESC'), ('salesperson', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Contract = pool.get('hopu.contract')
        Commission = pool.get('hopu.contract.commission')
        contract = Contract.__table__()
        commission = Commission.__table__()
        context = Transaction().context

        where = contract.state.in_(['approved', 'terminated', 'closed'])
        if context.get('company'):
            where &= contract.company == context['company']
        if context.get('from_date'):
            where &= contract.signing_date >= context['from_date']
        if context.get('to_date'):
            where &= contract.signing_date <= context['to_date']
        share = Case(
            (commission.share_type == 'percent',
                contract.amount * Coalesce(commission.share_percent, 0)
                / 100),
            else_=Coalesce(commission.share_fixed, 0))
        return commission.join(
            contract, condition=commission.contract == contract.id
            ).select(
                commission.salesperson.as_('id'),
                commission.salesperson.as_('salesperson'),
                Count(contract.id, distinct=True).as_('contracts'),
                Round(Sum(share), 2).as_('share_amount'),
                Round(Sum(share * commission.rate / 100), 2).as_(
                    'commission_amount'),
                Max(contract.create_uid).as_('create_uid'),
                Max(contract.create_date).as_('create_date'),
                Literal(Null).as_('write_uid'),
                Literal(Null).as_('write_date'),
                where=where,
                group_by=[commission.salesperson])

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        for row in result:
            for name in ['share_amount', 'commission_amount']:
                if row.get(name) is not None:
                    row[name] = Decimal(str(row[name])).quantize(
                        Decimal('0.01'))
        return result


class CommissionReportContext(ModelView):
    "Commission Accrual Report Context"
    __name__ = 'hopu.contract.commission.report.context'
    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')
