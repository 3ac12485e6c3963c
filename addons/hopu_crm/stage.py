# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"CRM-14 follow-up stages and the history of every stage change"
import datetime

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction

from .customer_stages import CRM_STAGES


class Stage(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Follow-up Stage"
    __name__ = 'hopu.crm.stage'
    name = fields.Char("Name", required=True, translate=True)


class StageHistory(ModelSQL, ModelView):
    "Customer Stage History"
    __name__ = 'hopu.crm.stage.history'
    party = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE')
    date = fields.DateTime("Date", readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='SET NULL')
    from_crm_stage = fields.Selection(
        CRM_STAGES, "From Customer Stage", readonly=True)
    to_crm_stage = fields.Selection(
        CRM_STAGES, "To Customer Stage", readonly=True)
    from_stage = fields.Many2One(
        'hopu.crm.stage', "From Stage", readonly=True, ondelete='RESTRICT')
    to_stage = fields.Many2One(
        'hopu.crm.stage', "To Stage", readonly=True, ondelete='RESTRICT')
    reason = fields.Text("Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @staticmethod
    def default_date():
        return datetime.datetime.now()

    @staticmethod
    def default_user():
        return Transaction().user

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        "History is written by the stage changes only, never by a user"
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            raise AccessError(gettext('hopu_crm.msg_stage_history_readonly'))
