# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-4 on the customer: the protection period of a potential customer,
the pool 公海 (claim, release, the cap of potential customers), the lapse of
the period and its notice (scheduled tasks, Cron). The rules themselves are
in configuration.py, the ownership history in customer_owner.py. A mixin of
the one ``party.party`` extension of the module (party.py)."""
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.hopu_sysadmin.security import readable_ids
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .alert import send_to_user
from .exceptions import AssignError, ClaimError


class CustomerPoolMixin:
    "The protection period and the pool of the customers (CRM-4)"
    __slots__ = ()

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

    @classmethod
    def __setup__(cls):
        super().__setup__()
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
                })

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
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Date = pool.get('ir.date')
        values = super().preprocess_values(mode, values)
        if (mode == 'create'
                and values.get('crm_stage') == 'potential'
                and values.get('salesperson')
                and not values.get('protection_end')):
            days = cls._crm_configuration().protection_days or 0
            values['protection_end'] = (
                Date.today() + dt.timedelta(days=days))
        return values

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        # A copy is a new customer: a fresh protection period
        for name in ['protection_end', 'protection_notified', 'pool_date',
                'previous_salesperson']:
            default.setdefault(name, None)
        return super().copy(parties, default=default)

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


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('party.party|crm_release_lapsed',
                    "Return Lapsed Customers to the Pool"),
                ('party.party|crm_notify_lapsing',
                    "Notify Lapsing Protection Periods"),
                ])
