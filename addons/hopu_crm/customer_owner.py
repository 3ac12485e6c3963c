# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-2 and CRM-3 on the customer: the owning salesperson, who may give a
customer to whom, the ownership history and the open records that follow a
customer to its new owner (a mixin of the one ``party.party`` extension of
the module, party.py); the ownership history (客户归属记录) and CRM-4 客户分配,
the wizard an administrator or supervisor assigns customers with."""
import datetime as dt

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.hopu_sysadmin.sqlcolumn import SQLColumn
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import AssignError
from .salesperson import is_supervisor, managed_employees

_MANAGER = (Id('hopu_crm', 'group_crm_admin').in_(
        Eval('context', {}).get('groups', []))
    | Id('hopu_crm', 'group_crm_supervisor').in_(
        Eval('context', {}).get('groups', [])))


class CustomerOwnerMixin:
    "The salesperson who owns a customer (CRM-2, CRM-3)"
    __slots__ = ()

    salesperson = fields.Many2One(
        'company.employee', "Salesperson", ondelete='RESTRICT',
        states={
            'readonly': ~_MANAGER & (Eval('id', -1) >= 0),
            },
        help="The salesperson who owns this customer.")

    salesperson_code = SQLColumn(fields.Char(
            "Salesperson Code",
            help="The giveaway code (赠送代码) of the salesperson."),
        searcher='search_salesperson_code')

    salesperson_name = SQLColumn(fields.Char(
            "Salesperson",
            help="The name of the salesperson who owns this customer."),
        searcher='search_salesperson_name')

    owner_history = fields.One2Many(
        'hopu.crm.customer.owner', 'customer', "Ownership History",
        readonly=True)

    @classmethod
    def default_salesperson(cls):
        context = Transaction().context
        if context.get('hopu_crm_stage') or context.get('hopu_crm_lead'):
            return context.get('employee')

    @fields.depends('salesperson')
    def on_change_with_salesperson_code(self, name=None):
        if self.salesperson:
            return self.salesperson.salesperson_code

    @classmethod
    def _salesperson_tables(cls, tables):
        """The owner's employee and party, joined to the customers (the
        same join as ordering by salesperson): the lists read the owner's
        code and name in their one SELECT, without a getter nor a second
        read of the employees for `salesperson.rec_name`"""
        pool = Pool()
        Employee = pool.get('company.employee')
        employee_tables = cls._fields['salesperson']._get_target_tables(
            tables, cls)
        employee, _ = employee_tables[None]
        owner_tables = Employee._fields['party']._get_target_tables(
            employee_tables, Employee)
        owner, _ = owner_tables[None]
        return employee, owner

    @classmethod
    def column_salesperson_code(cls, tables):
        employee, _ = cls._salesperson_tables(tables)
        return employee.salesperson_code

    @classmethod
    def search_salesperson_code(cls, name, clause):
        return [('salesperson.salesperson_code', *clause[1:])]

    @fields.depends('salesperson')
    def on_change_with_salesperson_name(self, name=None):
        if self.salesperson:
            return self.salesperson.party.name

    @classmethod
    def column_salesperson_name(cls, tables):
        _, owner = cls._salesperson_tables(tables)
        return owner.name

    @classmethod
    def search_salesperson_name(cls, name, clause):
        return [('salesperson.party.name', *clause[1:])]

    @classmethod
    def _crm_configuration(cls):
        pool = Pool()
        Configuration = pool.get('hopu.crm.configuration')
        with without_check_access():
            return Configuration(1)

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            cls._crm_check_internal(parties)
        if (mode == 'write' and external and 'salesperson' in values
                and not Transaction().context.get('_hopu_owner_checked')):
            changed = [p for p in parties
                if (p.salesperson.id if p.salesperson else None)
                != values['salesperson']]
            if changed:
                cls._crm_check_assign(changed, values['salesperson'])

    @classmethod
    def _crm_check_internal(cls, parties):
        """The parties of the companies and of the employees are changed
        by those who may change the companies (SYS-1) or the employees
        (CRM-1), not by every salesperson (issue 13)"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        ids = [p.id for p in parties if not p.crm_stage]
        if not ids:
            return
        for Model in [Company, Employee]:
            with without_check_access():
                found = Model.search([('party', 'in', ids)], limit=1)
            with check_access():
                allowed = ModelAccess.check(
                    Model.__name__, 'write', raise_exception=False)
            if found and not allowed:
                raise AssignError(gettext(
                        'hopu_crm.msg_party_internal',
                        party=found[0].party.rec_name,
                        **Model.__names__()))

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if mode == 'create':
            cls._crm_log_owner(
                [(p, None) for p in parties if p.crm_stage and p.salesperson],
                'create')

    @classmethod
    def on_write(cls, parties, values):
        callbacks = super().on_write(parties, values)
        if ('salesperson' in values
                and not Transaction().context.get('_hopu_owner_logged')):
            previous = {p.id: p.salesperson for p in parties
                if (p.salesperson.id if p.salesperson else None)
                != values['salesperson']}
            if previous:
                def log_owner():
                    cls._crm_log_owner(
                        [(p, previous[p.id]) for p in cls.browse(previous)
                            if p.crm_stage], 'assign')
                callbacks.append(log_owner)
        return callbacks

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        # A copy is a new customer: no ownership history
        default.setdefault('owner_history', None)
        return super().copy(parties, default=default)

    @classmethod
    def _crm_check_assign(cls, parties, salesperson_id):
        """CRM-4: an administrator assigns any customer; a supervisor the
        customers of their subtree (or of the pool) to someone of it"""
        managed = managed_employees()
        if managed is None:
            return
        if (not is_supervisor()
                or (salesperson_id is not None
                    and salesperson_id not in managed)
                or any(p.salesperson and p.salesperson.id not in managed
                    for p in parties)):
            raise AssignError(gettext('hopu_crm.msg_assign_not_allowed'))

    @classmethod
    def crm_change_owner(
            cls, parties, salesperson, kind, reason=None, date=None,
            previous=None):
        """Give the customers to the salesperson (None: to the pool) and keep
        the history. Other CRM modules extend it to move the customers'
        open records along (CRM-3)."""
        pool = Pool()
        Date = pool.get('ir.date')
        date = date or Date.today()
        if not parties:
            return
        config = cls._crm_configuration()
        if previous is None:
            previous = {p.id: p.salesperson for p in parties}
        with without_check_access():
            if salesperson:
                days = config.protection_days or 0
                to_write = []
                for party in parties:
                    values = {
                        'salesperson': salesperson.id,
                        'pool_date': None,
                        'protection_notified': None,
                        }
                    if party.crm_stage == 'potential':
                        values['protection_end'] = (
                            date + dt.timedelta(days=days))
                    to_write.extend(([party], values))
            else:
                to_write = []
                for party in parties:
                    owner = previous.get(party.id)
                    to_write.extend(([party], {
                                'salesperson': None,
                                'previous_salesperson': (
                                    owner.id if owner else None),
                                'pool_date': date,
                                'protection_end': None,
                                'protection_notified': None,
                                }))
            with Transaction().set_context(
                    _hopu_owner_checked=True, _hopu_owner_logged=True):
                cls.write(*to_write)
            cls._crm_log_owner(
                [(p, previous.get(p.id)) for p in parties], kind,
                reason=reason, date=date)
            with Transaction().set_context(_hopu_previous_owners={
                        p.id: (previous[p.id].id if previous.get(p.id)
                            else None)
                        for p in parties}):
                cls.crm_move_records(parties, salesperson)

    @classmethod
    def crm_moves_record(cls, customer, salesperson):
        """Whether crm_move_records moves a record of the customer written by
        the salesperson: only the records of the customer's previous owner
        move (a supervisor's own records stay theirs)"""
        previous = Transaction().context.get('_hopu_previous_owners')
        if previous is None or int(customer) not in previous:
            return True
        salesperson_id = int(salesperson) if salesperson else None
        return (previous[int(customer)] is not None
            and previous[int(customer)] == salesperson_id)

    @classmethod
    def crm_move_records(cls, parties, salesperson):
        """CRM-3: the open records of the customers follow them to the new
        owner; other modules extend it (opportunities, contracts).

        Open are the daily reports whose follow-up is still pending (next
        visit to come, or overdue and not yet followed by a later report or
        contact record) and the contact records still in draft, written by
        the previous owner (crm_moves_record). The reports of past visits
        and the contact records done stay with the salesperson who wrote
        them: they are their history. Customers going back to the pool (no
        new owner) leave their records where they are.
        """
        pool = Pool()
        Report = pool.get('hopu.crm.daily_report')
        Record = pool.get('hopu.crm.contact_record')
        if not salesperson or not parties:
            return
        with without_check_access():
            reports = [r for r in Report.open_reports(parties)
                if r.salesperson != salesperson
                and cls.crm_moves_record(r.customer, r.salesperson)]
            if reports:
                Report.write(reports, {'salesperson': salesperson.id})
            customer_ids = [p.id for p in parties]
            records = []
            for sub_ids in grouped_slice(
                    customer_ids, backend.MAX_QUERY_PARAMS):
                records.extend(Record.search([
                            ('customer', 'in', list(sub_ids)),
                            ('state', '=', 'draft'),
                            ('salesperson', '!=', salesperson.id),
                            ], order=[]))
            records = [r for r in records
                if cls.crm_moves_record(r.customer, r.salesperson)]
            if records:
                Record.write(records, {'salesperson': salesperson.id})

    @classmethod
    def _crm_log_owner(cls, changes, kind, reason=None, date=None):
        pool = Pool()
        Owner = pool.get('hopu.crm.customer.owner')
        Date = pool.get('ir.date')
        date = date or Date.today()
        user = Transaction().user or None
        with without_check_access():
            Owner.create([{
                        'customer': party.id,
                        'salesperson': (
                            party.salesperson.id if party.salesperson
                            else None),
                        'previous_salesperson': (
                            previous.id if previous else None),
                        'kind': kind,
                        'date': date,
                        'user': user,
                        'reason': reason,
                        } for party, previous in changes])


OWNER_KINDS = [
    ('create', "Created"),
    ('assign', "Assigned"),
    ('transfer', "Moved"),
    ('claim', "Claimed from Pool"),
    ('release', "Returned to Pool"),
    ('lapse', "Protection Lapsed"),
    ]


class CustomerOwner(ModelSQL, ModelView):
    "CRM-3: Customer Ownership History"
    __name__ = 'hopu.crm.customer.owner'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE')
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", ondelete='RESTRICT',
        help="The owner from this date; empty: the pool.")
    previous_salesperson = fields.Many2One(
        'company.employee', "Previous Salesperson", ondelete='RESTRICT')
    kind = fields.Selection(OWNER_KINDS, "Kind", required=True)
    date = fields.Date("Date", required=True)
    user = fields.Many2One('res.user', "By", ondelete='SET NULL')
    reason = fields.Char("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('customer')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Range())),
                Index(t,
                    (t.salesperson, Index.Range()),
                    (t.kind, Index.Equality()),
                    (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        # Written only by the server when a customer changes hands
        for name in ['create', 'write', 'delete']:
            cls.__rpc__.pop(name, None)


class CustomerAssignStart(ModelView):
    "Assign Customers"
    __name__ = 'hopu.crm.customer.assign.start'

    customers = fields.Many2Many(
        'party.party', None, None, "Customers", readonly=True)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True,
        domain=[('salesperson_code', '!=', None)])
    reason = fields.Char("Reason")


class CustomerAssign(Wizard):
    "CRM-4 客户分配: an administrator or supervisor assigns customers"
    __name__ = 'hopu.crm.customer.assign'

    start = StateView('hopu.crm.customer.assign.start',
        'hopu_crm.customer_assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        return {
            'customers': [r.id for r in self.records if r.crm_stage],
            }

    def transition_assign(self):
        pool = Pool()
        Party = pool.get('party.party')
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check('party.party', 'write')
        customers = [c for c in self.start.customers
            if c.salesperson != self.start.salesperson]
        Party._crm_check_assign(customers, self.start.salesperson.id)
        Party._crm_check_cap(self.start.salesperson, customers)
        Party.crm_change_owner(
            customers, self.start.salesperson, 'assign',
            reason=self.start.reason)
        return 'end'
