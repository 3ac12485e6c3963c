# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Customers of the CRM: owner (CRM-2), ownership changes and history
(CRM-3), protection period and pool 公海 (CRM-4), recycle bin (CRM-5)."""
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.modules.hopu_sysadmin.security import readable_ids
from trytond.modules.hopu_sysadmin.sqlcolumn import SQLColumn
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access, without_check_access

from .alert import send_to_user
from .exceptions import AssignError, ClaimError, RecycleError
from .salesperson import is_crm_admin, is_supervisor, managed_employees

CRM_STAGES = [
    (None, ""),
    ('potential', "Potential Customer"),
    ('follow_up', "Follow-up Customer"),
    ('existing', "Existing Customer"),
    ]

_MANAGER = (Id('hopu_crm', 'group_crm_admin').in_(
        Eval('context', {}).get('groups', []))
    | Id('hopu_crm', 'group_crm_supervisor').in_(
        Eval('context', {}).get('groups', [])))


class Party(metaclass=PoolMeta):
    "A customer of the CRM is a party with a stage and an owner"
    __name__ = 'party.party'

    crm_stage = fields.Selection(
        CRM_STAGES, "Customer Stage",
        help="Where the customer stands: potential, follow-up or existing.")
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
    protection_end = fields.Date(
        "Protection Until", readonly=True,
        help="The last day the salesperson holds this potential customer; "
        "afterwards it returns to the pool.")
    protection_notified = fields.Date("Protection Notice Sent", readonly=True,
        loading='lazy')
    pool_date = fields.Date(
        "In Pool Since", readonly=True,
        help="When the customer returned to the pool.",
        loading='lazy')
    previous_salesperson = fields.Many2One(
        'company.employee', "Previous Salesperson", readonly=True,
        ondelete='SET NULL',
        help="Who let the customer return to the pool.",
        loading='lazy')
    in_pool = fields.Function(fields.Boolean(
            "In Pool", help="The customer has no owner: any salesperson "
            "may claim it."),
        'get_in_pool', searcher='search_in_pool')
    recycled = fields.Boolean("In Recycle Bin", readonly=True)
    recycled_date = fields.DateTime(
        "Deleted On", readonly=True, loading='lazy')
    recycled_by = fields.Many2One(
        'res.user', "Deleted By", readonly=True, ondelete='SET NULL',
        loading='lazy')
    owner_history = fields.One2Many(
        'hopu.crm.customer.owner', 'customer', "Ownership History",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Every search fills the cache with the eager fields of the records
        # found; those that no list nor process needs at once for many
        # customers are read when asked for
        for name in ['code_alnum', 'code_digit', 'replaced_by',
                'create_uid', 'write_uid']:
            getattr(cls, name).loading = 'lazy'
        t = cls.__table__()
        # The customer lists: customers only, in the default order
        cls._sql_indexes.add(Index(t,
                (t.name, Index.Range()), (t.id, Index.Range()),
                where=t.crm_stage != Null))
        cls._buttons.update({
                'crm_claim': {
                    'invisible': ~Eval('in_pool', False),
                    'depends': ['in_pool'],
                    },
                'crm_release': {
                    'invisible': (~Eval('crm_stage')
                        | ~Eval('salesperson') | Eval('recycled', False)),
                    'depends': ['crm_stage', 'salesperson', 'recycled'],
                    },
                'crm_restore': {
                    'invisible': ~Eval('recycled', False),
                    'depends': ['recycled'],
                    },
                })

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # Restoring from the recycle bin works on inactive records by nature
        cls._buttons['crm_restore'].pop('readonly', None)

    @classmethod
    def default_crm_stage(cls):
        return Transaction().context.get('hopu_crm_stage')

    @classmethod
    def default_salesperson(cls):
        context = Transaction().context
        if context.get('hopu_crm_stage'):
            return context.get('employee')

    @classmethod
    def default_recycled(cls):
        return False

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

    def get_in_pool(self, name):
        return bool(self.crm_stage and not self.salesperson
            and not self.recycled)

    @classmethod
    def search_in_pool(cls, name, clause):
        _, operator, value = clause
        positive = (operator == '=') == bool(value)
        domain = [
            ('crm_stage', '!=', None),
            ('salesperson', '=', None),
            ('recycled', '=', False),
            ]
        if positive:
            return domain
        return ['OR',
            ('crm_stage', '=', None),
            ('salesperson', '!=', None),
            ('recycled', '=', True),
            ]

    @classmethod
    def _crm_configuration(cls):
        pool = Pool()
        Configuration = pool.get('hopu.crm.configuration')
        with without_check_access():
            return Configuration(1)

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        vlist = [v.copy() for v in vlist]
        days = None
        for values in vlist:
            if (values.get('crm_stage') == 'potential'
                    and values.get('salesperson')
                    and not values.get('protection_end')):
                if days is None:
                    days = cls._crm_configuration().protection_days or 0
                values['protection_end'] = today + dt.timedelta(days=days)
        parties = super().create(vlist)
        cls._crm_log_owner(
            [(p, None) for p in parties if p.crm_stage and p.salesperson],
            'create')
        return parties

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            cls._crm_check_internal(parties)

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
    def write(cls, *args):
        transaction = Transaction()
        context = transaction.context
        actions = iter(args)
        changes = []
        for records, values in zip(actions, actions):
            if 'salesperson' in values:
                changed = [r for r in records
                    if (r.salesperson.id if r.salesperson else None)
                    != values['salesperson']]
                if (changed and transaction.check_access and transaction.user
                        and not context.get('_hopu_owner_checked')):
                    cls._crm_check_assign(changed, values['salesperson'])
                changes.extend((r, r.salesperson) for r in changed)
        super().write(*args)
        if not context.get('_hopu_owner_logged'):
            cls._crm_log_owner(
                [(r, o) for r, o in changes if r.crm_stage], 'assign')

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        # A copy is a new customer: no history, not in the bin, fresh period
        for name in ['owner_history', 'recycled_date', 'recycled_by',
                'protection_end', 'protection_notified', 'pool_date',
                'previous_salesperson']:
            default.setdefault(name, None)
        default.setdefault('recycled', False)
        return super().copy(parties, default=default)

    @classmethod
    def delete(cls, parties):
        "CRM-5: deleting a customer moves it to the recycle bin"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        to_bin = [p for p in parties if p.crm_stage and not p.recycled]
        to_purge = [p for p in parties if p not in to_bin]
        if (transaction.check_access and transaction.user
                and any(p.recycled for p in to_purge)
                and not is_crm_admin()):
            raise RecycleError(gettext('hopu_crm.msg_recycle_purge_admin'))
        if to_bin:
            if transaction.check_access and transaction.user:
                ModelAccess.check(cls.__name__, 'delete')
                # The same check (and message) as a real delete
                cls._ModelSQL__check_domain_rule(
                    [p.id for p in to_bin], 'delete')
            with without_check_access():
                cls.write(to_bin, {
                        'recycled': True,
                        'active': False,
                        'recycled_date': dt.datetime.now(),
                        'recycled_by': transaction.user or None,
                        })
        if to_purge:
            super().delete(to_purge)

    @classmethod
    @ModelView.button
    def crm_restore(cls, parties):
        "CRM-5: bring customers back from the recycle bin"
        cls.write([p for p in parties if p.recycled], {
                'recycled': False,
                'active': True,
                'recycled_date': None,
                'recycled_by': None,
                })

    @classmethod
    def crm_claim(cls, parties):
        """CRM-4: the user's salesperson claims customers from the pool; the
        claim is atomic, the first one wins.

        Not a ModelView.button on purpose: the button wrapper first reads the
        records under the rules, so the loser of a race (who no longer
        reaches the customer) would get an access error instead of the
        message saying who claimed it. The checks are done here instead:
        the write right on customers, and only pool customers."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Date = pool.get('ir.date')
        Owner = pool.get('hopu.crm.customer.owner')
        User = pool.get('res.user')
        transaction = Transaction()
        today = Date.today()
        if transaction.check_access and transaction.user:
            ModelAccess.check(cls.__name__, 'write')
        external = transaction.check_access and transaction.user
        with without_check_access():
            user = User(transaction.user)
            employee = user.employee
            if not employee:
                raise ClaimError(gettext('hopu_crm.msg_claim_no_employee'))
            config = cls._crm_configuration()
            for party in parties:
                party = cls(party.id)
                if not party.in_pool:
                    if external and (
                            party.id not in readable_ids(cls, [party.id])):
                        # Names only what the user may see (issue 13)
                        raise ClaimError(gettext(
                                'hopu_crm.msg_claim_unavailable'))
                    if party.salesperson:
                        raise ClaimError(gettext(
                                'hopu_crm.msg_claim_taken',
                                customer=party.rec_name,
                                salesperson=party.salesperson.rec_name))
                    raise ClaimError(gettext(
                            'hopu_crm.msg_claim_not_in_pool',
                            customer=party.rec_name))
                if (config.cooldown_days
                        and party.previous_salesperson == employee
                        and party.pool_date
                        and today < party.pool_date + dt.timedelta(
                            days=config.cooldown_days)):
                    raise ClaimError(gettext(
                            'hopu_crm.msg_claim_cooldown',
                            customer=party.rec_name,
                            date=party.pool_date + dt.timedelta(
                                days=config.cooldown_days)))
            if config.daily_claim_limit:
                claimed = Owner.search_count([
                        ('salesperson', '=', employee.id),
                        ('kind', '=', 'claim'),
                        ('date', '=', today),
                        ])
                if claimed + len(parties) > config.daily_claim_limit:
                    raise ClaimError(gettext(
                            'hopu_crm.msg_claim_daily_limit',
                            limit=config.daily_claim_limit,
                            claimed=claimed))
            cls._crm_check_cap(employee, parties)

            # Atomic: only a customer still without owner is taken
            table = cls.__table__()
            cursor = transaction.connection.cursor()
            for party in parties:
                cursor.execute(*table.update(
                        [table.salesperson], [employee.id],
                        where=(table.id == party.id)
                        & (table.salesperson == Null)))
                if cursor.rowcount != 1:
                    party = cls(party.id)
                    raise ClaimError(gettext(
                            'hopu_crm.msg_claim_taken',
                            customer=party.rec_name,
                            salesperson=''))
            cls.crm_change_owner(
                parties, employee, 'claim', previous={p.id: None
                    for p in parties})

    @classmethod
    @ModelView.button
    def crm_release(cls, parties):
        "CRM-4: the owner gives customers back to the pool"
        cls.crm_change_owner(
            [p for p in parties if p.salesperson], None, 'release')

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
    def _crm_check_cap(cls, employee, parties):
        "CRM-4: a salesperson may hold a limited number of potential ones"
        config = cls._crm_configuration()
        cap = config.max_potential_customers
        if not cap:
            return
        new = [p for p in parties
            if p.crm_stage == 'potential' and p.salesperson != employee]
        if not new:
            return
        with without_check_access():
            held = cls.search_count([
                    ('salesperson', '=', employee.id),
                    ('crm_stage', '=', 'potential'),
                    ])
        if held + len(new) > cap:
            raise AssignError(gettext(
                    'hopu_crm.msg_potential_cap',
                    salesperson=employee.rec_name, cap=cap, held=held))

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
            for sub_ids in grouped_slice(customer_ids):
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

    @classmethod
    def crm_release_lapsed(cls, date=None):
        """CRM-4 scheduled task: potential customers whose protection
        period has lapsed return to the pool"""
        pool = Pool()
        Date = pool.get('ir.date')
        date = date or Date.today()
        with without_check_access():
            parties = cls.search([
                    ('crm_stage', '=', 'potential'),
                    ('salesperson', '!=', None),
                    ('protection_end', '<', date),
                    ], order=[('id', 'ASC')])
            cls.crm_change_owner(parties, None, 'lapse', date=date)
        return parties

    @classmethod
    def crm_notify_lapsing(cls, date=None, datamanager=None):
        """CRM-4 scheduled task: tell the owners N days before the
        protection period of a customer lapses, in the client
        (res.notification) and by e-mail to the user's address, in the
        user's language. The e-mails leave when the transaction commits
        (through datamanager if given)."""
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        date = date or Date.today()
        with without_check_access():
            config = cls._crm_configuration()
            days = config.notice_days
            if days is None:
                return []
            parties = cls.search([
                    ('crm_stage', '=', 'potential'),
                    ('salesperson', '!=', None),
                    ('protection_end', '>=', date),
                    ('protection_end', '<=', date + dt.timedelta(days=days)),
                    ], order=[('id', 'ASC')])
            parties = [p for p in parties
                if p.protection_notified != p.protection_end]
            notifications = []
            by_user = {}
            for party in parties:
                users = User.search([
                        ('employees', '=', party.salesperson.id)])
                for user in users:
                    by_user.setdefault(user, []).append(party)
            for user, user_parties in by_user.items():
                language = user.language.code if user.language else None
                with Transaction().set_context(language=language):
                    lines = []
                    for party in cls.browse(user_parties):
                        description = gettext(
                            'hopu_crm.msg_protection_notice',
                            customer=party.rec_name,
                            date=party.protection_end)
                        lines.append(description)
                        notifications.append(Notification(
                                user=user,
                                label=gettext(
                                    'hopu_crm.msg_protection_notice_label'),
                                description=description,
                                model=cls.__name__,
                                records=str([party.id]),
                                unread=True))
                    if user.email:
                        send_to_user(
                            user,
                            gettext('hopu_crm.msg_protection_notice_label'),
                            '\n'.join([
                                    gettext(
                                        'hopu_crm.msg_mail_greeting',
                                        name=user.name or user.login),
                                    '',
                                    *lines,
                                    ]),
                            datamanager=datamanager)
            Notification.save(notifications)
            for party in parties:
                party.protection_notified = party.protection_end
            cls.save(parties)
        return parties
