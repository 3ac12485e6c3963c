# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-2 commission accrual: the shares of a contract's amount per
salesperson and their commission rate, and the report per salesperson and
period.

The shares add up to the contract's amount (CON-9). A contract accrues on
its signing date once it has taken effect (effective, terminated or
closed); the report sums each salesperson's share and commission over the
period chosen in its context."""
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .document import ZERO, DocumentCurrencyMixin, ParentLockedMixin
from .exceptions import ContractValidationError


class CommissionMixin(DocumentCurrencyMixin):
    "The fields of a commission accrual line (CON-2)"
    __slots__ = ()
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True,
        ondelete='RESTRICT')
    share_type = fields.Selection([
            ('percent', "Percentage"),
            ('amount', "Amount"),
            ], "Share Type", required=True)
    share_percent = fields.Numeric(
        "Share (%)", digits=(16, 2),
        states={
            'required': Eval('share_type') == 'percent',
            'invisible': Eval('share_type') != 'percent',
            })
    share_fixed = Monetary(
        "Share Amount", currency='currency', digits='currency',
        states={
            'required': Eval('share_type') == 'amount',
            'invisible': Eval('share_type') != 'amount',
            })
    rate = fields.Numeric(
        "Commission Rate (%)", digits=(16, 2), required=True,
        help="The percentage of the share paid as commission.")

    @classmethod
    def default_share_type(cls):
        return 'percent'

    def compute_share(self, total):
        "The part of the contract amount this line accounts for"
        if self.share_type == 'percent':
            return self.round_amount(
                (total or ZERO) * (self.share_percent or ZERO) / 100)
        return self.share_fixed or ZERO

    def compute_commission(self, total):
        return self.round_amount(
            self.compute_share(total) * (self.rate or ZERO) / 100)

    def commission_values(self):
        return {
            'salesperson': self.salesperson.id,
            'share_type': self.share_type,
            'share_percent': self.share_percent,
            'share_fixed': self.share_fixed,
            'rate': self.rate,
            }


def check_commission_total(document, amount, commissions):
    "CON-2/CON-9: the shares add up to the whole amount"
    if not commissions:
        return
    total = sum((c.compute_share(amount) for c in commissions), ZERO)
    if abs(total - (amount or ZERO)) > Decimal('0.01'):
        raise ContractValidationError(gettext(
                'hopu_contract.msg_commission_total',
                contract=document.rec_name, total=total, amount=amount))
    for commission in commissions:
        if commission.compute_share(amount) <= 0 or (commission.rate or 0) < 0:
            raise ContractValidationError(gettext(
                    'hopu_contract.msg_commission_positive',
                    contract=document.rec_name))


class ContractCommission(
        ParentLockedMixin, CommissionMixin, ModelSQL, ModelView):
    "Contract Commission Accrual"
    __name__ = 'hopu.contract.commission'
    contract = fields.Many2One(
        'hopu.contract', "Contract", required=True, ondelete='CASCADE')
    share_amount = fields.Function(
        Monetary("Share of Amount", currency='currency', digits='currency'),
        'get_amounts')
    commission_amount = fields.Function(
        Monetary("Commission", currency='currency', digits='currency'),
        'get_amounts')

    @fields.depends('contract', '_parent_contract.currency')
    def on_change_with_currency(self, name=None):
        return self.contract.currency if self.contract else None

    def get_amounts(self, name):
        if name == 'share_amount':
            return self.compute_share(self.contract.amount)
        return self.compute_commission(self.contract.amount)


class CommissionReport(ModelSQL, ModelView):
    "Commission Accrual per Salesperson"
    __name__ = 'hopu.contract.commission.report'
    salesperson = fields.Many2One('company.employee', "Salesperson")
    contracts = fields.Integer("Contracts")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    share_amount = Monetary(
        "Share of Amount", currency='currency', digits='currency')
    commission_amount = Monetary(
        "Commission", currency='currency', digits='currency')

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
    def get_currency(cls, rows, name):
        "The currency of the company the report is for"
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        currency = None
        if company is not None and company >= 0:
            currency = Company(company).currency.id
        return {r.id: currency for r in rows}

    @classmethod
    def read(cls, ids, fields_names):
        # SQLite gives the rounded sums as floats: Decimals to the cent
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
