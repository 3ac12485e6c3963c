# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-32 业务警示 business alerts.

A daily scheduled task (``hopu.crm.alert|run_alerts``) regenerates the
alerts for its date: 逾期未拜访 (a daily report's next visit date has passed
and no later report or contact record followed it) and 保护期即将到期 (a
potential customer's protection period lapses within the notice days of the
pool rules); hopu_contract adds 合同即将到期. Resolved alerts are deleted,
new ones created. Each alert belongs to the customer's salesperson, so the
record rules show it to the salesperson, to their supervisors at any depth
and to the CRM administrators. The same task tells those users: a
notification in the client the first time, and one digest e-mail per user
and day (an alert is sent once a day at most)."""
import datetime as dt
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

KINDS = [
    ('overdue_visit', "Overdue Visit"),
    ('protection', "Protection Period Lapsing"),
    ]


def send_to_user(user, subject, body, datamanager=None):
    """Send an e-mail to the user's address through the [email] uri server
    when the transaction commits"""
    from_ = config.get('email', 'from')
    msg = EmailMessage()
    msg['From'] = from_
    msg['To'] = formataddr((user.name or '', user.email))
    msg['Subject'] = subject
    msg.set_content(body)
    send_message_transactional(
        msg, from_addr=parseaddr(from_)[1] or from_, to_addrs=[user.email],
        datamanager=datamanager)


class Alert(ModelSQL, ModelView):
    "Business Alert"
    __name__ = 'hopu.crm.alert'

    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", required=True, readonly=True,
        ondelete='CASCADE',
        help="The salesperson who owns the customer.")
    customer = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='CASCADE')
    origin = fields.Reference(
        "Origin", selection='get_origins', required=True, readonly=True,
        help="The record the alert is about.")
    due_date = fields.Date(
        "Due Date", required=True, readonly=True,
        help="The next visit date passed, the end of the protection period "
        "or of the contract.")
    date = fields.Date(
        "Raised On", required=True, readonly=True,
        help="When the scheduled task first raised the alert.")
    notified_date = fields.Date(
        "Sent On", readonly=True,
        help="The last day the alert was sent by e-mail.")
    description = fields.Function(
        fields.Char("Description"), 'get_descriptions')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.salesperson, Index.Range())))
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]
        # The list shows description and rec_name (the same text): one call
        # of the getter makes both for the page
        cls.rec_name.getter = 'get_descriptions'
        # Written only by the scheduled task
        for name in ['create', 'write', 'delete']:
            cls.__rpc__.pop(name, None)

    @classmethod
    def _get_origin_models(cls):
        return ['hopu.crm.daily_report', 'party.party']

    @classmethod
    def get_origins(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._get_origin_models()]

    @classmethod
    def get_descriptions(cls, alerts, names):
        """The text of each alert (description and rec_name), made from the
        values read for all the alerts at once (no record loaded per
        alert), in the language of the moment (the digest writes to each
        user in their own)"""
        texts = {alert_id: getattr(cls, f'_describe_{values["kind"]}')(values)
            for alert_id, values in cls._description_values(alerts).items()}
        return {name: texts for name in names}

    @classmethod
    def _description_values(cls, alerts):
        """id → the values the text of the alert is made of (kind,
        due_date, customer: the customer's name), read in one statement
        (_description_columns)"""
        values = {}
        saved = [a.id for a in alerts if a.id is not None and a.id >= 0]
        if saved:
            alert = cls.__table__()
            from_, columns = cls._description_columns(alert)
            cursor = Transaction().connection.cursor()
            for sub_ids in grouped_slice(saved, backend.MAX_QUERY_PARAMS):
                cursor.execute(*from_.select(alert.id, *columns.values(),
                        where=fields.SQL_OPERATORS['in'](
                            alert.id, list(sub_ids))))
                for alert_id, *row in cursor:
                    values[alert_id] = dict(zip(columns, row))
                    due_date = values[alert_id]['due_date']
                    if isinstance(due_date, str):
                        # SQLite
                        values[alert_id]['due_date'] = (
                            dt.date.fromisoformat(due_date))
        for alert in alerts:
            if alert.id not in values:
                values[alert.id] = {
                    name: cls._description_value(alert, name)
                    for name in columns}
        return values

    @classmethod
    def _description_columns(cls, alert):
        """The tables the values of the texts come from (alert joined to
        others) and the column of each value; other modules add theirs"""
        Party = Pool().get('party.party')
        party = Party.__table__()
        from_ = alert.join(party, 'LEFT', condition=party.id == alert.customer)
        return from_, {
            'kind': alert.kind,
            'due_date': alert.due_date,
            'customer': Party.column_rec_name({None: (party, None)}),
            }

    @classmethod
    def _description_value(cls, alert, name):
        "The value name of an alert not saved"
        if name == 'customer':
            return alert.customer.rec_name if alert.customer else None
        return getattr(alert, name)

    @classmethod
    def _describe_overdue_visit(cls, values):
        return gettext('hopu_crm.msg_alert_overdue_visit',
            customer=values['customer'] or '', date=values['due_date'])

    @classmethod
    def _describe_protection(cls, values):
        return gettext('hopu_crm.msg_alert_protection',
            customer=values['customer'] or '', date=values['due_date'])

    @classmethod
    def on_modification(cls, mode, alerts, field_names=None):
        "A resolved alert takes its notifications along"
        super().on_modification(mode, alerts, field_names=field_names)
        if mode != 'delete':
            return
        pool = Pool()
        Notification = pool.get('res.notification')
        for sub_alerts in grouped_slice(alerts, backend.MAX_QUERY_PARAMS):
            notifications = Notification.search([
                    ('model', '=', cls.__name__),
                    ('records', 'in', [str([a.id]) for a in sub_alerts]),
                    ])
            # Not with an empty list: res.notification would query
            # "user IN ()" (invalid on PostgreSQL)
            if notifications:
                Notification.delete(notifications)

    @classmethod
    def _compute(cls, date):
        """The alerts due at date: a list of dictionaries with kind, origin,
        salesperson, customer and due_date; other modules extend it"""
        pool = Pool()
        Party = pool.get('party.party')
        Report = pool.get('hopu.crm.daily_report')
        alerts = []
        for report in Report.overdue_reports(date):
            customer = report.customer
            if (not customer.crm_stage or not customer.salesperson
                    or customer.recycled):
                continue
            alerts.append({
                    'kind': 'overdue_visit',
                    'origin': str(report),
                    'salesperson': customer.salesperson.id,
                    'customer': customer.id,
                    'due_date': report.next_date,
                    })
        days = Party._crm_configuration().notice_days
        if days is not None:
            for party in Party.search([
                        ('crm_stage', '=', 'potential'),
                        ('salesperson', '!=', None),
                        ('protection_end', '>=', date),
                        ('protection_end', '<=',
                            date + dt.timedelta(days=days)),
                        ], order=[]):
                alerts.append({
                        'kind': 'protection',
                        'origin': str(party),
                        'salesperson': party.salesperson.id,
                        'customer': party.id,
                        'due_date': party.protection_end,
                        })
        return alerts

    @classmethod
    def generate(cls, date=None):
        """Bring the alerts up to date for date: create the new ones, update
        the owner and due date of the others, delete the resolved ones"""
        pool = Pool()
        Date = pool.get('ir.date')
        date = date or Date.today()
        with without_check_access():
            wanted = {(a['kind'], a['origin']): a for a in cls._compute(date)}
            to_delete, to_write = [], []
            for alert in cls.search([], order=[]):
                origin = alert.origin
                key = (alert.kind, str(origin) if origin else None)
                values = wanted.pop(key, None)
                if values is None:
                    to_delete.append(alert)
                    continue
                changes = {}
                if alert.salesperson.id != values['salesperson']:
                    # The new owner is told again
                    changes['salesperson'] = values['salesperson']
                    changes['notified_date'] = None
                if ((alert.customer.id if alert.customer else None)
                        != values.get('customer')):
                    changes['customer'] = values.get('customer')
                if alert.due_date != values['due_date']:
                    changes['due_date'] = values['due_date']
                if changes:
                    to_write.extend(([alert], changes))
            if to_delete:
                cls.delete(to_delete)
            if to_write:
                cls.write(*to_write)
            if wanted:
                cls.create([{**v, 'date': date} for v in wanted.values()])

    @classmethod
    def _recipients(cls, employees):
        """The users to tell about the alerts of each employee: their own
        and those of every supervisor above them"""
        pool = Pool()
        User = pool.get('res.user')
        chains = {}
        for employee in employees:
            chain, seen = [], set()
            while employee and employee.id not in seen:
                seen.add(employee.id)
                chain.append(employee.id)
                employee = employee.supervisor
            chains[chain[0]] = chain
        users_of = defaultdict(set)
        for user in User.search([
                    ('employees', 'in', list(
                            {e for c in chains.values() for e in c})),
                    ], order=[('id', 'ASC')]):
            for employee in user.employees:
                users_of[employee.id].add(user)
        return {
            employee: sorted(
                {u for e in chain for u in users_of[e]}, key=lambda u: u.id)
            for employee, chain in chains.items()}

    @classmethod
    def notify(cls, date=None, datamanager=None):
        """Tell the owner and their supervisors about the alerts not sent
        yet on date: a notification in the client for a new alert, and one
        digest e-mail per user. The e-mails leave when the transaction
        commits (through datamanager if given)."""
        pool = Pool()
        Date = pool.get('ir.date')
        Notification = pool.get('res.notification')
        date = date or Date.today()
        transaction = Transaction()
        with without_check_access():
            alerts = cls.search(['OR',
                    ('notified_date', '=', None),
                    ('notified_date', '!=', date),
                    ], order=[('due_date', 'ASC'), ('id', 'ASC')])
            recipients = cls._recipients({a.salesperson for a in alerts})
            by_user = defaultdict(list)
            for alert in alerts:
                for user in recipients[alert.salesperson.id]:
                    by_user[user].append(alert.id)
            notifications = []
            for user, alert_ids in by_user.items():
                language = user.language.code if user.language else None
                with transaction.set_context(language=language):
                    user_alerts = cls.browse(alert_ids)
                    lines = []
                    for alert in user_alerts:
                        if alert.notified_date is None:
                            notifications.append(Notification(
                                    user=user,
                                    label=alert.kind_string,
                                    description=alert.description,
                                    model=cls.__name__,
                                    records=str([alert.id]),
                                    unread=True))
                        lines.append(gettext(
                                'hopu_crm.msg_alert_digest_line',
                                kind=alert.kind_string,
                                description=alert.description,
                                salesperson=alert.salesperson.rec_name))
                    if user.email:
                        send_to_user(
                            user,
                            gettext('hopu_crm.msg_alert_digest_subject',
                                count=len(user_alerts), date=date),
                            '\n'.join([
                                    gettext('hopu_crm.msg_mail_greeting',
                                        name=user.name or user.login),
                                    '',
                                    gettext('hopu_crm.msg_alert_digest_intro',
                                        count=len(user_alerts), date=date),
                                    '',
                                    *lines,
                                    ]),
                            datamanager=datamanager)
            Notification.save(notifications)
            if alerts:
                cls.write(alerts, {'notified_date': date})
        return alerts

    @classmethod
    def run_alerts(cls, date=None, datamanager=None):
        "CRM-32 scheduled task: regenerate the alerts and send them"
        cls.generate(date=date)
        return cls.notify(date=date, datamanager=datamanager)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('hopu.crm.alert|run_alerts', "Business Alerts"))
