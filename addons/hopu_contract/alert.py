# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-32 / CON-7 合同即将到期: effective contracts ending within the
configured days are business alerts of their salesperson (hopu_crm's
``hopu.crm.alert``), until they are renewed, terminated or closed."""
import datetime as dt

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
    def _description_fields(cls):
        return super()._description_fields() + ['origin']

    @classmethod
    def _description_records(cls, rows):
        "The contracts of the expiring alerts with their names (one read)"
        Contract = Pool().get('hopu.contract')
        rows = list(rows)

        def contract_id(row):
            model, _, id_ = (row['origin'] or '').partition(',')
            if (row['kind'] == 'contract_expiring'
                    and model == Contract.__name__):
                return int(id_)
        ids = {i for i in map(contract_id, rows) if i is not None}
        names = {c['id']: c['rec_name']
            for c in Contract.read(list(ids), ['rec_name'])}
        for row, alert in zip(rows, super()._description_records(rows)):
            if contract_id(row) in names:
                alert.origin = Contract(
                    contract_id(row), rec_name=names[contract_id(row)])
            yield alert

    def _description_contract_expiring(self):
        return gettext('hopu_contract.msg_alert_contract_expiring',
            contract=self.origin.rec_name,
            customer=self.customer.rec_name,
            date=self.due_date)

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
