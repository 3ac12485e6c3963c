# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-31 the sales funnel: the open opportunities by stage"""
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Round

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from .opportunity import OPEN_STATES
from .reporting import _ContextMixin, readable, subtree


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
