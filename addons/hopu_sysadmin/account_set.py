# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-2 公司数据库设定: the register of account sets (帐套).

An account set names, for a company, the database server and the database
its books live in. This round keeps the register (validated, unique per
server, audited); creating, backing up, restoring and archiving the
databases themselves is not done yet (see README.rst)."""
import re

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.transaction import Transaction

from .exceptions import AccountSetError

DATABASE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]{0,62}$')
SERVER_NAME = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9.\-]{0,252})$')


class AccountSet(ModelSQL, ModelView):
    "Account Set"
    __name__ = 'hopu.account_set'
    _history = True

    company = fields.Many2One(
        'company.company', "Company or Department", required=True,
        ondelete='RESTRICT')
    server = fields.Char(
        "Server", required=True, strip=True,
        help="The host name or IP address of the database server.")
    database = fields.Char(
        "Database", required=True, strip=True,
        help="The name of the database of the account set.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('server_database_unique', Unique(t, t.server, t.database),
                'hopu_sysadmin.msg_account_set_database_unique'),
            ]
        cls._order = [('server', 'ASC'), ('database', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_server(cls):
        return 'localhost'

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
            if not DATABASE_NAME.match(account_set.database or ''):
                raise AccountSetError(gettext(
                        'hopu_sysadmin.msg_account_set_database_invalid',
                        database=account_set.database))
