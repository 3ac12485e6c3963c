# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-32 / CON-7 合同即将到期: effective contracts ending within the
configured days are business alerts of their salesperson (hopu_crm's
``hopu.crm.alert``), until they are renewed, terminated or closed."""
import datetime as dt

from sql import Cast
from sql.conditionals import Case
from sql.functions import Substring
from sql.operators import Like

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

EXPIRY_DAYS = 30


def contract_expiry_days():
    "The days before its end from which a contract is expiring"
    pool = Pool()
    Configuration = pool.get('hopu.crm.configuration')
    with without_check_access():
        days = Configuration(1).contract_expiry_days
    return EXPIRY_DAYS if days is None else days


class Configuration(metaclass=PoolMeta):
    __name__ = 'hopu.crm.configuration'

    contract_expiry_days = fields.Integer(
        "Contract Expiry Notice (Days)", required=True,
        domain=[('contract_expiry_days', '>=', 0)],
        help="An effective contract ending within this many days is "
        "expiring: it is listed and alerted until renewed or closed.")

    @classmethod
    def default_contract_expiry_days(cls):
        return EXPIRY_DAYS


class Alert(metaclass=PoolMeta):
    __name__ = 'hopu.crm.alert'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.append(
            ('contract_expiring', "Contract Expiring"))

    @classmethod
    def _get_origin_models(cls):
        return super()._get_origin_models() + ['hopu.contract']

    @classmethod
    def _description_columns(cls, alert):
        "The contract of an expiring alert (its origin as stored) and name"
        Contract = Pool().get('hopu.contract')
        contract = Contract.__table__()
        prefix = Contract.__name__ + ','
        # (CASE: the other origins are not cast)
        contract_id = Case((
                (alert.kind == 'contract_expiring')
                & Like(alert.origin, prefix + '%'),
                Cast(Substring(alert.origin, len(prefix) + 1), 'INTEGER')))
        from_, columns = super()._description_columns(alert)
        from_ = from_.join(contract, 'LEFT',
            condition=contract.id == contract_id)
        columns['contract'] = Contract.column_rec_name(
            {None: (contract, None)})
        return from_, columns

    @classmethod
    def _description_value(cls, alert, name):
        if name == 'contract':
            return (alert.origin.rec_name
                if alert.kind == 'contract_expiring' and alert.origin
                else None)
        return super()._description_value(alert, name)

    @classmethod
    def _describe_contract_expiring(cls, values):
        return gettext('hopu_contract.msg_alert_contract_expiring',
            contract=values['contract'] or '',
            customer=values['customer'] or '',
            date=values['due_date'])

    @classmethod
    def _compute(cls, date):
        pool = Pool()
        Contract = pool.get('hopu.contract')
        alerts = super()._compute(date)
        days = contract_expiry_days()
        for contract in Contract.search([
                    ('state', '=', 'approved'),
                    ('end_date', '<=', date + dt.timedelta(days=days)),
                    ], order=[]):
            if any(r.state not in {'closed', 'terminated'}
                    for r in contract.renewals):
                continue
            alerts.append({
                    'kind': 'contract_expiring',
                    'origin': str(contract),
                    'salesperson': contract.salesperson.id,
                    'customer': contract.party.id,
                    'due_date': contract.end_date,
                    })
        return alerts
