# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-30 sales opportunities (销售机会) on Tryton's sale.opportunity.

The customer is a party of the CRM (potential, follow-up or existing), the
owner is Tryton's ``employee``: the salesperson, defaulting from the
customer, and the same record rules as the customers (CRM-2). Stages with
their probability, the expected close date, follow-ups (跟进) and the close
(关闭) as won or lost with a reason are added; Tryton's workflow stays:
lead → opportunity → converted (a sale quotation) → won or lost."""

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.modules.hopu_crm.customer_stages import (
    ACTIVE_STAGES, customer_stages)
from trytond.modules.hopu_sysadmin.sqlcolumn import SQLColumn
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CloseError, FollowUpValidationError

OPEN_STATES = ['lead', 'opportunity', 'converted']


class Stage(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Opportunity Stage"
    __name__ = 'hopu.crm.opportunity.stage'

    name = fields.Char("Name", required=True, translate=True)
    probability = fields.Float(
        "Probability", digits=(1, 4), required=True,
        domain=[
            ('probability', '>=', 0),
            ('probability', '<=', 1),
            ],
        help="The chance to win an opportunity at this stage; the "
        "opportunity takes it as its probability.")

    @classmethod
    def default_probability(cls):
        return 0.1


class Reason(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Opportunity Close Reason"
    __name__ = 'hopu.crm.opportunity.reason'

    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('won', "Won"),
            ('lost', "Lost"),
            ], "Kind", required=True)

    @classmethod
    def default_kind(cls):
        return 'lost'


class Opportunity(metaclass=PoolMeta):
    __name__ = 'sale.opportunity'

    stage = fields.Many2One(
        'hopu.crm.opportunity.stage', "Stage", ondelete='RESTRICT',
        states={
            'readonly': ~Eval('state').in_(OPEN_STATES),
            })
    expected_close_date = fields.Date(
        "Expected Close Date",
        states={
            'readonly': ~Eval('state').in_(OPEN_STATES),
            })
    customer_stage = fields.Function(fields.Selection(
            'get_customer_stages', "Customer Stage"),
        'on_change_with_customer_stage')
    follow_ups = fields.One2Many(
        'hopu.crm.opportunity.follow_up', 'opportunity', "Follow-ups")
    close_reason = fields.Many2One(
        'hopu.crm.opportunity.reason', "Close Reason", ondelete='RESTRICT',
        domain=[
            If(Eval('state') == 'lost',
                ('kind', '=', 'lost'),
                If(Eval('state') == 'won',
                    ('kind', '=', 'won'),
                    ())),
            ],
        states={
            'invisible': ~Eval('state').in_(['won', 'lost']),
            'required': Eval('state') == 'lost',
            'readonly': True,
            })
    next_date = SQLColumn(fields.Date("Next Follow-up"))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The record rules and the reports select by owner (CRM-2, CRM-31)
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range())))
        cls.party.domain = [
            If(Eval('state').in_(OPEN_STATES),
                ('crm_stage', 'in', ACTIVE_STAGES),
                ()),
            ]
        cls._transitions |= {('opportunity', 'won')}
        cls._buttons.update({
                'close': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'follow_up': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_stage(cls):
        pool = Pool()
        Stage = pool.get('hopu.crm.opportunity.stage')
        stages = Stage.search([], limit=1)
        if stages:
            return stages[0].id

    @classmethod
    def default_conversion_probability(cls):
        pool = Pool()
        Stage = pool.get('hopu.crm.opportunity.stage')
        stage = cls.default_stage()
        if stage is not None:
            return Stage(stage).probability
        return super().default_conversion_probability()

    @classmethod
    def get_customer_stages(cls):
        return customer_stages()

    @fields.depends('party', '_parent_party.crm_stage')
    def on_change_with_customer_stage(self, name=None):
        return self.party.crm_stage if self.party else None

    @fields.depends('party', 'employee')
    def on_change_party(self):
        super().on_change_party()
        # The owner of the customer is the owner of the opportunity
        if self.party and self.party.salesperson:
            self.employee = self.party.salesperson

    @fields.depends('stage')
    def on_change_stage(self):
        if self.stage:
            self.conversion_probability = self.stage.probability

    @classmethod
    def column_next_date(cls, tables):
        """The next date of the latest follow-up, read in the SELECT of the
        opportunities (the list shows it) rather than by a search of their
        follow-ups"""
        pool = Pool()
        FollowUp = pool.get('hopu.crm.opportunity.follow_up')
        opportunity, _ = tables[None]
        follow_up = FollowUp.__table__()
        return follow_up.select(follow_up.next_date,
            where=follow_up.opportunity == opportunity.id,
            order_by=[follow_up.date.desc, follow_up.id.desc],
            limit=1)

    @classmethod
    def copy(cls, opportunities, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('follow_ups', None)
        default.setdefault('close_reason', None)
        return super().copy(opportunities, default=default)

    @classmethod
    @ModelView.button_action(
        'hopu_crm_opportunity.act_follow_up_new')
    def follow_up(cls, opportunities):
        "「跟进」: a new follow-up of the opportunity"
        pass

    @classmethod
    @ModelView.button_action(
        'hopu_crm_opportunity.wizard_opportunity_close')
    def close(cls, opportunities):
        "「关闭」: close as won or lost with a reason"
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('lost')
    def lost(cls, opportunities):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Reason = pool.get('hopu.crm.opportunity.reason')
        cancelled = None
        for opportunity in opportunities:
            if opportunity.close_reason:
                continue
            if opportunity.is_lost():
                # Every sale cancelled (Tryton's process): say so
                if cancelled is None:
                    cancelled = Reason(ModelData.get_id(
                            'hopu_crm_opportunity', 'reason_sale_cancelled'))
                opportunity.close_reason = cancelled
            else:
                raise CloseError(gettext(
                        'hopu_crm_opportunity.msg_close_reason_required',
                        opportunity=opportunity.rec_name))
        cls.save(opportunities)
        super().lost(opportunities)

    @classmethod
    def crm_close(cls, opportunities, result, reason, note=None):
        """Close the opportunities as won or lost for the reason; the
        comment goes into Tryton's reason for loss"""
        if reason and reason.kind != result:
            raise CloseError(gettext(
                    'hopu_crm_opportunity.msg_close_reason_kind',
                    reason=reason.rec_name))
        for opportunity in opportunities:
            if opportunity.state not in OPEN_STATES:
                raise CloseError(gettext(
                        'hopu_crm_opportunity.msg_close_not_open',
                        opportunity=opportunity.rec_name))
            if result == 'won' and opportunity.state == 'lead':
                raise CloseError(gettext(
                        'hopu_crm_opportunity.msg_close_won_lead',
                        opportunity=opportunity.rec_name))
            opportunity.close_reason = reason
            if result == 'lost':
                opportunity.lost_reason = '\n'.join(
                    filter(None, [reason.name if reason else None, note]))
            elif note:
                opportunity.comment = '\n'.join(
                    filter(None, [opportunity.comment, note]))
        cls.save(opportunities)
        if result == 'won':
            cls.won(opportunities)
        else:
            cls.lost(opportunities)


class FollowUp(ModelSQL, ModelView):
    "Opportunity Follow-up"
    __name__ = 'hopu.crm.opportunity.follow_up'

    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", ondelete='RESTRICT')
    stage = fields.Many2One(
        'hopu.crm.opportunity.stage', "Stage Reached", ondelete='RESTRICT',
        help="The stage the opportunity has reached with this follow-up.")
    content = fields.Text("Content", required=True,
        help="What was said with the customer.")
    next_plan = fields.Text("Next Step")
    next_date = fields.Date("Next Follow-up Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('opportunity')
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @classmethod
    def default_opportunity(cls):
        return Transaction().context.get('hopu_opportunity')

    @classmethod
    def default_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @staticmethod
    def default_salesperson():
        return Transaction().context.get('employee')

    def get_rec_name(self, name):
        return f'{self.opportunity.rec_name} {self.date}'

    @classmethod
    def validate_fields(cls, follow_ups, field_names):
        super().validate_fields(follow_ups, field_names)
        for follow_up in follow_ups:
            if (follow_up.next_date and follow_up.date
                    and follow_up.next_date < follow_up.date):
                raise FollowUpValidationError(gettext(
                        'hopu_crm_opportunity.msg_follow_up_next_date',
                        follow_up=follow_up.rec_name))

    @classmethod
    def on_modification(cls, mode, follow_ups, field_names=None):
        super().on_modification(mode, follow_ups, field_names=field_names)
        # Only a new stage moves the opportunity, not an edited content
        if mode == 'create' or (mode == 'write' and 'stage' in field_names):
            cls._move_stage(follow_ups)

    @classmethod
    def _move_stage(cls, follow_ups):
        "「阶段跟进」: the opportunity reaches the stage of its follow-up"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        to_save = []
        for follow_up in follow_ups:
            opportunity = follow_up.opportunity
            if (follow_up.stage and opportunity.state in OPEN_STATES
                    and opportunity.stage != follow_up.stage):
                opportunity.stage = follow_up.stage
                opportunity.conversion_probability = (
                    follow_up.stage.probability)
                to_save.append(opportunity)
        if to_save:
            Opportunity.save(to_save)


class CloseStart(ModelView):
    "Close Opportunity"
    __name__ = 'hopu.crm.opportunity.close.start'

    result = fields.Selection([
            ('won', "Won"),
            ('lost', "Lost"),
            ], "Result", required=True)
    reason = fields.Many2One(
        'hopu.crm.opportunity.reason', "Reason",
        domain=[('kind', '=', Eval('result'))],
        states={
            'required': Eval('result') == 'lost',
            })
    note = fields.Text("Note")

    @classmethod
    def default_result(cls):
        return 'lost'

    @fields.depends('result', 'reason')
    def on_change_result(self):
        if self.reason and self.reason.kind != self.result:
            self.reason = None


class Close(Wizard):
    "「关闭」 an opportunity: won or lost, with the reason (CRM-30)"
    __name__ = 'hopu.crm.opportunity.close'

    start = StateView('hopu.crm.opportunity.close.start',
        'hopu_crm_opportunity.close_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Close", 'close', 'tryton-ok', default=True),
            ])
    close = StateTransition()

    def default_start(self, fields):
        if any(r.state == 'lead' for r in self.records):
            return {'result': 'lost'}
        return {}

    def transition_close(self):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        if self.start.result == 'lost' and not self.start.reason:
            raise CloseError(gettext(
                    'hopu_crm_opportunity.msg_close_reason_required',
                    opportunity=', '.join(r.rec_name for r in self.records)))
        Opportunity.crm_close(
            list(self.records), self.start.result, self.start.reason,
            note=self.start.note)
        return 'end'
