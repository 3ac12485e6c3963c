# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-1 salespeople (业务员) and CRM-3 departures (离职人员帐号管理)."""
import datetime as dt
import re

from sql import Null
from sql.conditionals import Case, NullIf
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import ModelView, Unique, fields
from trytond.modules.hopu_sysadmin.party import RecNameColumnMixin, party_name
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import SalespersonCodeError, TransferError

SALESPERSON_CODE = re.compile(r'^[A-Z]{2}[0-9]{4}$')
AGENT_PREFIX = re.compile(r'^[A-Z]{2}[0-9]{2}$')


def user_employees():
    "Employee ids of the current user (all companies)"
    pool = Pool()
    Rule = pool.get('ir.rule')
    return list(Rule._hopu_employees())


def user_in_group(xml_id):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    transaction = Transaction()
    if transaction.user == 0:
        return True
    module, fs_id = xml_id.split('.')
    return ModelData.get_id(module, fs_id) in User.get_groups()


def is_crm_admin():
    return user_in_group('hopu_crm.group_crm_admin')


def managed_employees():
    """Ids of the employees the current user manages: every employee for a
    CRM administrator, else the user's employees and everyone below them
    (CRM-2), or None for all"""
    pool = Pool()
    Rule = pool.get('ir.rule')
    if is_crm_admin():
        return None
    return set(Rule._hopu_subtree())


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    salesperson_code_prefix = fields.Char(
        "Salesperson Code Prefix",
        help="Region and agent number: the first four characters of the "
        "code of every salesperson of this company (two letters, two "
        "digits).")

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if field_names & {'salesperson_code_prefix'}:
            for company in companies:
                prefix = company.salesperson_code_prefix
                if prefix and not AGENT_PREFIX.match(prefix):
                    raise SalespersonCodeError(gettext(
                            'hopu_crm.msg_company_salesperson_prefix_invalid',
                            prefix=prefix))


class Employee(RecNameColumnMixin, metaclass=PoolMeta):
    """CRM-1: a salesperson is an employee with a code (赠送代码); the
    name ([code] name, on every line of the lists) is read in the SELECT
    of the records (RecNameColumnMixin)"""
    __name__ = 'company.employee'

    salesperson_code = fields.Char(
        "Salesperson Code",
        help="The giveaway code (赠送代码) that customers quote when they "
        "register: two letters and four digits, e.g. GD0107.")
    customers = fields.One2Many(
        'party.party', 'salesperson', "Customers", readonly=True,
        filter=[('crm_stage', '!=', None)],
        context={'company': Eval('company', -1)}, depends=['company'])
    owner_history = fields.One2Many(
        'hopu.crm.customer.owner', 'salesperson', "Ownership History",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('salesperson_code_unique', Unique(t, t.salesperson_code),
                'hopu_crm.msg_salesperson_code_unique'),
            ]

    @classmethod
    def on_modification(cls, mode, employees, field_names=None):
        super().on_modification(mode, employees, field_names=field_names)
        if mode == 'create' or (
                mode == 'write' and 'supervisor' in field_names):
            Pool().get('ir.rule')._hopu_organisation_changed()

    @classmethod
    def on_delete(cls, employees):
        return super().on_delete(employees) + [
            Pool().get('ir.rule')._hopu_organisation_changed]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('salesperson_code'):
            values['salesperson_code'] = (
                values['salesperson_code'].strip().upper())
        return values

    @classmethod
    def validate_fields(cls, employees, field_names):
        super().validate_fields(employees, field_names)
        if field_names & {'salesperson_code', 'company'}:
            for employee in employees:
                employee.check_salesperson_code()

    def check_salesperson_code(self):
        code = self.salesperson_code
        if not code:
            return
        if not SALESPERSON_CODE.match(code) or code[4:] == '00':
            raise SalespersonCodeError(gettext(
                    'hopu_crm.msg_salesperson_code_invalid', code=code))
        prefix = self.company.salesperson_code_prefix
        if prefix and not code.startswith(prefix):
            raise SalespersonCodeError(gettext(
                    'hopu_crm.msg_salesperson_code_prefix',
                    code=code, prefix=prefix,
                    company=self.company.rec_name))

    def get_rec_name(self, name):
        name = super().get_rec_name(name)
        if self.salesperson_code:
            name = f'[{self.salesperson_code}] {name}'
        return name

    @classmethod
    def column_rec_name(cls, tables):
        "The SQL of get_rec_name: [code] and the party's name"
        pool = Pool()
        Party = pool.get('party.party')
        employee, _ = tables[None]
        party = Party.__table__()
        code = NullIf(employee.salesperson_code, '')
        return party.select(
            Concat(
                Case((code != Null, Concat(Concat('[', code), '] ')),
                    else_=''),
                party_name(party)),
            where=party.id == employee.party)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            super().search_rec_name(name, clause),
            ('salesperson_code', operator, operand, *extra),
            ]


class UserEmployee(metaclass=PoolMeta):
    "The employees of a user decide the records the user reaches (CRM-2)"
    __name__ = 'res.user-company.employee'

    @classmethod
    def on_modification(cls, mode, links, field_names=None):
        super().on_modification(mode, links, field_names=field_names)
        if mode != 'delete':
            Pool().get('ir.rule')._hopu_organisation_changed()

    @classmethod
    def on_delete(cls, links):
        return super().on_delete(links) + [
            Pool().get('ir.rule')._hopu_organisation_changed]


class SalespersonTransferStart(ModelView):
    "Move Customers of a Salesperson"
    __name__ = 'hopu.crm.salesperson.transfer.start'

    from_salesperson = fields.Many2One(
        'company.employee', "From Salesperson", required=True,
        domain=[('salesperson_code', '!=', None)])
    customers = fields.Many2Many(
        'party.party', None, None, "Customers",
        domain=[
            ('crm_stage', '!=', None),
            ('salesperson', '=', Eval('from_salesperson', -1)),
            ],
        help="Leave empty to move all the customers of the salesperson.")
    to_salesperson = fields.Many2One(
        'company.employee', "To Salesperson", required=True,
        domain=[
            ('id', '!=', Eval('from_salesperson', -1)),
            ('salesperson_code', '!=', None),
            ])
    deactivate = fields.Boolean(
        "Cancel Salesperson Account",
        help="Deactivate the salesperson and their login once the "
        "customers are moved (departure).")
    reason = fields.Char("Reason")


class SalespersonTransfer(Wizard):
    """CRM-3 「移动」: move all customers of a salesperson (launched from the
    salesperson) or the chosen customers (launched from the customer list)
    to another salesperson, optionally cancelling the account"""
    __name__ = 'hopu.crm.salesperson.transfer'

    start = StateView('hopu.crm.salesperson.transfer.start',
        'hopu_crm.salesperson_transfer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Move", 'transfer', 'tryton-ok', default=True),
            ])
    transfer = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Party = pool.get('party.party')
        if self.model and self.model.__name__ == 'party.party':
            customers = [r for r in self.records if r.crm_stage]
            owners = {c.salesperson for c in customers}
            if len(owners) != 1 or None in owners:
                raise TransferError(gettext(
                        'hopu_crm.msg_transfer_one_owner'))
            owner, = owners
            return {
                'from_salesperson': owner.id,
                'customers': [c.id for c in customers],
                'deactivate': False,
                }
        # from the menu, the active record is the menu
        employee = (self.record if self.model
            and self.model.__name__ == 'company.employee' else None)
        if not employee:
            return {'deactivate': False}
        customers = Party.search([
                ('salesperson', '=', employee.id),
                ('crm_stage', '!=', None),
                ])
        return {
            'from_salesperson': employee.id,
            'customers': [c.id for c in customers],
            'deactivate': True,
            }

    def transition_transfer(self):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        ModelAccess = pool.get('ir.model.access')

        ModelAccess.check('party.party', 'write')
        source = self.start.from_salesperson
        target = self.start.to_salesperson
        if self.start.customers:
            customers = [c for c in self.start.customers
                if c.salesperson == source]
        else:
            customers = Party.search([
                    ('salesperson', '=', source.id),
                    ('crm_stage', '!=', None),
                    ])
        managed = managed_employees()
        if managed is not None and (
                not is_supervisor() or source.id not in managed):
            raise TransferError(gettext('hopu_crm.msg_transfer_not_allowed'))
        Party._crm_check_assign(customers, target.id)
        Party.crm_change_owner(
            customers, target, 'transfer', reason=self.start.reason)
        if self.start.deactivate:
            if not is_crm_admin():
                raise TransferError(gettext(
                        'hopu_crm.msg_transfer_deactivate_admin'))
            with without_check_access():
                source = Employee(source.id)
                if source.subordinates:
                    raise TransferError(gettext(
                            'hopu_crm.msg_transfer_subordinates',
                            salesperson=source.rec_name))
                if Party.search([
                            ('salesperson', '=', source.id),
                            ('crm_stage', '!=', None),
                            ], limit=1):
                    raise TransferError(gettext(
                            'hopu_crm.msg_transfer_customers_left',
                            salesperson=source.rec_name))
                end_date = Date.today() - dt.timedelta(days=1)
                if source.start_date and source.start_date > end_date:
                    end_date = source.start_date
                Employee.write([source], {
                        'end_date': end_date,
                        })
                users = User.search([('employees', '=', source.id)])
                if users:
                    User.write(users, {'active': False})
        return 'end'


def is_supervisor():
    return user_in_group('hopu_crm.group_crm_supervisor')
