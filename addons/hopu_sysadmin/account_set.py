# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-2 公司数据库设定: account sets (帐套) are real databases.

An account set names, for a company, the database server and the database
its books live in. Creating it (按钮「建立数据库」) creates that database on
the server of the running backend, activates the Hopu modules, loads zh_CN
and creates the company inside it; backup writes a dump file, restore
brings a dump back as a working database, archive backs up then drops the
database. The same operations exist as `hopu account-set ...` commands."""
import os
import re

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import account_set_db as db
from .exceptions import AccountSetError

DATABASE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]{0,62}$')
SERVER_NAME = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9.\-:]{0,252})$')


class AccountSet(Workflow, ModelSQL, ModelView):
    "Account Set"
    __name__ = 'hopu.account_set'
    _history = True

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Company or Department", required=True,
        ondelete='RESTRICT', states=_states)
    server = fields.Char(
        "Server", required=True, strip=True, states=_states,
        help="The host name or IP address of the database server.")
    database = fields.Char(
        "Database", required=True, strip=True, states=_states,
        help="The name of the database of the account set.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('created', "Created"),
            ('archived', "Archived"),
            ], "State", readonly=True, required=True, sort=False)
    backups = fields.One2Many(
        'hopu.account_set.backup', 'account_set', "Backups", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('server_database_unique', Unique(t, t.server, t.database),
                'hopu_sysadmin.msg_account_set_database_unique'),
            ]
        cls._order = [('server', 'ASC'), ('database', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'created'),
            ('created', 'archived'),
            ('archived', 'created'),
            }
        cls._buttons.update({
                'create_database': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'backup': {
                    'invisible': Eval('state') != 'created',
                    'depends': ['state'],
                    },
                'restore': {
                    'invisible': ~Eval('state').in_(['created', 'archived']),
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'created',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_server(cls):
        return 'localhost'

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.database}@{self.server}'

    @classmethod
    def validate(cls, account_sets):
        super().validate(account_sets)
        for account_set in account_sets:
            if not SERVER_NAME.match(account_set.server or ''):
                raise AccountSetError(gettext(
                        'hopu_sysadmin.msg_account_set_server_invalid',
                        server=account_set.server))
            if not DATABASE_NAME.match(account_set.database or ''):
                raise AccountSetError(gettext(
                        'hopu_sysadmin.msg_account_set_database_invalid',
                        database=account_set.database))
            with Transaction().set_user(0), \
                    Transaction().set_context(active_test=False):
                duplicates = cls.search([
                        ('server', '=', account_set.server),
                        ('database', '=', account_set.database),
                        ('id', '!=', account_set.id),
                        ], limit=1)
            if duplicates:
                raise AccountSetError(gettext(
                        'hopu_sysadmin.msg_account_set_database_unique'))

    @classmethod
    def on_delete(cls, account_sets):
        """Deleting an account set drops its database (back it up first),
        once the account set is deleted: a refused delete drops nothing"""
        created = [cls(server=a.server, database=a.database)
            for a in account_sets if a.state == 'created']

        def drop():
            for account_set in created:
                account_set._call(
                    db.drop, account_set.server, account_set.database,
                    missing_ok=True)
        return super().on_delete(account_sets) + ([drop] if created else [])

    def _call(self, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except db.OperationError as exception:
            values = {'database': self.database, 'server': self.server,
                'detail': '', 'path': ''}
            values.update({k: v for k, v in exception.kwargs.items()
                    if v is not None})
            raise AccountSetError(gettext(
                    f'hopu_sysadmin.{exception.msg_id}', **values),
                values.get('detail') or '') from exception

    @classmethod
    def _modules(cls):
        pool = Pool()
        Module = pool.get('ir.module')
        return [m.name for m in Module.search([
                    ('name', 'like', 'hopu_%'),
                    ('state', '=', 'activated'),
                    ])] or ['hopu_sysadmin']

    def _company_values(self):
        company = self.company
        return {
            'code': company.code,
            'short_name': company.short_name,
            'full_name': company.full_name,
            'phone': company.phone,
            'fax': company.fax,
            }

    @classmethod
    @ModelView.button
    @Workflow.transition('created')
    def create_database(cls, account_sets):
        pool = Pool()
        User = pool.get('res.user')
        creator = User(Transaction().user) if Transaction().user else None
        _, admin_hash, _ = (User._get_login(creator.login) if creator
            else (None, None, None))
        modules = cls._modules()
        for account_set in account_sets:
            account_set._call(
                db.create, account_set.server, account_set.database,
                modules, account_set._company_values(),
                admin_password_hash=admin_hash,
                email=creator.email if creator else None)

    @classmethod
    @ModelView.button
    def backup(cls, account_sets):
        pool = Pool()
        Backup = pool.get('hopu.account_set.backup')
        to_create = []
        for account_set in account_sets:
            path = account_set._call(
                db.backup, account_set.server, account_set.database)
            to_create.append({
                    'account_set': account_set.id,
                    'path': path,
                    'size': os.path.getsize(path),
                    })
        Backup.create(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('created')
    def restore(cls, account_sets):
        "Restore the latest backup of each account set"
        for account_set in account_sets:
            if not account_set.backups:
                raise AccountSetError(gettext(
                        'hopu_sysadmin.msg_account_set_no_backup',
                        database=account_set.database))
            latest = sorted(
                account_set.backups, key=lambda b: (b.create_date, b.id))[-1]
            account_set._call(
                db.restore, account_set.server, account_set.database,
                latest.path)

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, account_sets):
        "Back up, then drop the database: restore brings it back"
        cls.backup(account_sets)
        for account_set in account_sets:
            account_set._call(
                db.drop, account_set.server, account_set.database)


class AccountSetBackup(ModelSQL, ModelView):
    "Account Set Backup"
    __name__ = 'hopu.account_set.backup'

    account_set = fields.Many2One(
        'hopu.account_set', "Account Set", required=True,
        ondelete='CASCADE', readonly=True)
    path = fields.Char("File", readonly=True)
    size = fields.Integer("Size", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
