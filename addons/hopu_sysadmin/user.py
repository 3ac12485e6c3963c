# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-3 user accounts, SYS-4 passwords, SYS-9 account log and login history.

Accounts and passwords are separate functions with separate rights
("为了更高的安全"): an account is created without a password in
使用者帐号设定; a password is set in 使用者密码设定, by an administrator
(the user must change it at next login) or by the user (old password
asked). The policy builds on trytond's own [password] checks (length,
forbidden file, entropy, name/login/email) and adds a list of common
passwords shipped with the module."""
import datetime
import os
from functools import lru_cache

from trytond import config
from trytond.exceptions import LoginException, RateLimitException
from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.res.exceptions import PasswordError
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import HopuPasswordError, PasswordChangeError

MIN_LENGTH = 8


@lru_cache(maxsize=1)
def common_passwords():
    path = os.path.join(
        os.path.dirname(__file__), 'data', 'common_passwords.txt')
    with open(path, encoding='utf-8') as fp:
        return frozenset(
            line.strip().lower() for line in fp if line.strip())


def min_length():
    return max(MIN_LENGTH, config.getint('password', 'length', default=0))


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    hopu_password_change = fields.Boolean(
        "Must Change Password", readonly=True,
        help="The password was set by an administrator: the user must "
        "change it at next login.")

    @classmethod
    def default_hopu_password_change(cls):
        return False

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        pool = Pool()
        Log = pool.get('hopu.user.log')
        super().on_modification(mode, users, field_names=field_names)
        if mode == 'create':
            Log.record_create(users)

    @classmethod
    def on_write(cls, users, values):
        "SYS-9: who changed which fields of which account, when"
        pool = Pool()
        Log = pool.get('hopu.user.log')
        return super().on_write(users, values) + [
            Log.before_write(users, values)]

    @classmethod
    def set_preferences(cls, values):
        # SYS-4: the own password changes only with the old one given, in
        # the wizard 修改我的密码
        if values.get('password') and values['password'] != 'x' * 10:
            raise PasswordChangeError(gettext(
                    'hopu_sysadmin.msg_password_preferences'))
        super().set_preferences(values)

    @classmethod
    def get_preferences_fields_view(cls):
        result = super().get_preferences_fields_view()
        if 'password' in result['fields']:
            result['fields']['password']['readonly'] = True
        return result

    @classmethod
    def validate_password(cls, password, users):
        "SYS-4: the password policy, each refusal naming its rule"
        password_b = password
        if isinstance(password, str):
            password_b = password.encode('utf-8')
        length = min_length()
        if len(password_b) < length:
            raise HopuPasswordError(gettext(
                    'hopu_sysadmin.msg_password_min_length', length=length))
        for user in users:
            login = getattr(user, 'login', '') or ''
            if login and login.lower() in password.lower():
                raise HopuPasswordError(gettext(
                        'hopu_sysadmin.msg_password_login'))
        if password.lower() in common_passwords():
            raise HopuPasswordError(gettext(
                    'hopu_sysadmin.msg_password_common'))
        super().validate_password(password, users)

    @classmethod
    def set_password(cls, users, name, value):
        super().set_password(users, name, value)
        if value and value != 'x' * 10:
            transaction = Transaction()
            if not transaction.user:
                return
            # Set by someone else (an administrator): change at next login
            must_change = [u for u in users if u.id != transaction.user]
            own = [u for u in users if u.id == transaction.user]
            to_write = []
            if must_change:
                to_write.extend([must_change, {'hopu_password_change': True}])
            if own:
                to_write.extend([own, {'hopu_password_change': False}])
            if to_write:
                cls.write(*to_write)

    @classmethod
    def _login_password(cls, login, parameters):
        user_id = super()._login_password(login, parameters)
        if not user_id:
            return user_id
        user = cls(user_id)
        if user.hopu_password_change:
            new_password = parameters.get('new_password')
            if not new_password:
                raise LoginException(
                    'new_password',
                    gettext('hopu_sysadmin.msg_password_must_change'),
                    type='password')
            if new_password == parameters.get('password'):
                raise LoginException(
                    'new_password',
                    gettext('hopu_sysadmin.msg_password_same'),
                    type='password')
            try:
                cls.validate_password(new_password, [user])
            except PasswordError as exception:
                raise LoginException(
                    'new_password', exception.message, type='password')
            cls.store_password(user, new_password)
        return user_id

    @classmethod
    def get_login(cls, login, parameters):
        "SYS-9: record every login attempt in the login history"
        pool = Pool()
        History = pool.get('hopu.login.history')
        try:
            user_id = super().get_login(login, parameters)
        except RateLimitException:
            History.record(login, None, 'blocked')
            raise
        except LoginException:
            raise
        History.record(login, user_id, 'success' if user_id else 'failure')
        return user_id

    @classmethod
    def change_own_password(cls, old_password, new_password):
        "SYS-4: a user changes their own password, the old one asked"
        user_id = Transaction().user
        user = cls(user_id)
        valid = False
        _, password_hash, _ = cls._get_login(user.login)
        if password_hash and old_password:
            valid, _ = cls.check_password(old_password, password_hash)
        if not valid:
            raise PasswordChangeError(gettext(
                    'hopu_sysadmin.msg_password_old_wrong'))
        if old_password == new_password:
            raise PasswordChangeError(gettext(
                    'hopu_sysadmin.msg_password_same'))
        cls.validate_password(new_password, [user])
        cls.store_password(user, new_password)

    @classmethod
    def store_password(cls, user, password, must_change=False):
        """Store the hash of the password (already validated) and end any
        reset; must_change: the user changes it at next login"""
        with without_check_access():
            cls.write([user], {
                    'password_hash': cls.hash_password(password),
                    'password_reset': None,
                    'password_reset_expire': None,
                    'hopu_password_change': must_change,
                    })


class LoginHistory(ModelSQL, ModelView):
    "Login History"
    __name__ = 'hopu.login.history'

    date = fields.Timestamp("Date", readonly=True)
    login = fields.Char("Login", readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='SET NULL')
    result = fields.Selection([
            ('success', "Success"),
            ('failure', "Failure"),
            ('blocked', "Blocked"),
            ], "Result", readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def record(cls, login, user_id, result):
        transaction = Transaction()
        ip_address, _ = transaction.remote_address()
        with without_check_access():
            cls.create([{
                        'login': (login or '')[:512],
                        'user': user_id,
                        'result': result,
                        'ip_address': str(ip_address) if ip_address else None,
                        }])

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('date'):
            values['date'] = datetime.datetime.now()
        return values


#: the fields whose values the account log never shows
SECRET_FIELDS = {
    'password', 'password_hash', 'password_reset', 'password_reset_expire'}


class UserLog(ModelSQL, ModelView):
    """User Account Log

    SYS-9: one line per changed field of an account, with the old and the
    new value, who changed it and when. Passwords are never shown: setting
    or changing one is a line of its own without value, so is a reset."""
    __name__ = 'hopu.user.log'

    date = fields.Timestamp("Date", readonly=True)
    account = fields.Many2One(
        'res.user', "User Account", readonly=True, ondelete='SET NULL')
    login = fields.Char("Login", readonly=True)
    changed_by = fields.Many2One(
        'res.user', "Changed By", readonly=True, ondelete='SET NULL')
    action = fields.Selection([
            ('create', "Account Created"),
            ('write', "Field Changed"),
            ('password', "Password Changed"),
            ('reset', "Password Reset"),
            ], "Action", readonly=True)
    field_name = fields.Char("Field Name", readonly=True)
    field = fields.Function(fields.Char("Field"), 'get_field')
    old_value = fields.Text("Old Value", readonly=True)
    new_value = fields.Text("New Value", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_field(self, name):
        pool = Pool()
        User = pool.get('res.user')
        if self.field_name in User._fields:
            return User.fields_get([self.field_name])[
                self.field_name]['string']
        return self.field_name

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        "The log is written by the accounts' changes only, never by hand"
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            raise AccessError(gettext('hopu_sysadmin.msg_user_log_readonly'))

    @classmethod
    def _write_lines(cls, users, action, **values):
        transaction = Transaction()
        now = datetime.datetime.now()
        with without_check_access():
            cls.create([{
                        'date': now,
                        'account': u.id,
                        'login': u.login,
                        'changed_by': transaction.user or None,
                        'action': action,
                        **values,
                        } for u in users])

    @classmethod
    def record_create(cls, users):
        cls._write_lines(users, 'create')

    @classmethod
    def before_write(cls, users, values):
        """Read what the write of values changes in users; return the
        callable that logs it, once written"""
        pool = Pool()
        User = pool.get('res.user')
        names = sorted(n for n in values
            if n in User._fields and n not in SECRET_FIELDS
            and not getattr(User._fields[n], 'setter', None))
        old = cls._field_texts(users, names)

        def log():
            new = cls._field_texts(users, names)
            lines = []
            for user in users:
                for name in names:
                    if old[user.id][name] != new[user.id][name]:
                        lines.append((user, {
                                    'action': 'write', 'field_name': name,
                                    'old_value': old[user.id][name],
                                    'new_value': new[user.id][name],
                                    }))
                if values.get('password_hash'):
                    lines.append((user, {'action': 'password'}))
                elif values.get('password_reset'):
                    lines.append((user, {'action': 'reset'}))
            for user, line in lines:
                cls._write_lines([user], **line)
        return log

    @classmethod
    def _field_texts(cls, users, names):
        "The values of the fields of the users, as text"
        pool = Pool()
        User = pool.get('res.user')
        if not names:
            return {u.id: {} for u in users}
        with without_check_access():
            return {u.id: {
                    n: _as_text(getattr(u, n), User._fields[n]._type)
                    for n in names}
                for u in User.browse([u.id for u in users])}


def _as_text(value, type_):
    if type_ == 'boolean':
        return gettext(
            'hopu_sysadmin.msg_yes' if value else 'hopu_sysadmin.msg_no')
    if isinstance(value, Model):
        return value.rec_name
    if isinstance(value, (list, tuple)):
        return ', '.join(sorted(_as_text(v, None) for v in value))
    if value is None:
        return ''
    return str(value)


def check_confirm(start):
    "The new password and its confirmation of a wizard must match"
    if start.password != start.confirm:
        raise PasswordChangeError(gettext(
                'hopu_sysadmin.msg_password_confirm'))


def active_user():
    "The user the wizard was started on, from the user form or list"
    context = Transaction().context
    if context.get('active_model') == 'res.user':
        return context.get('active_id')


class PasswordSetStart(ModelView):
    "Set Password"
    __name__ = 'hopu.user.password.set.start'

    user = fields.Many2One(
        'res.user', "User", required=True,
        domain=[('id', '!=', 0)])
    password = fields.Char("New Password", required=True, strip=False)
    confirm = fields.Char("Confirm Password", required=True, strip=False)


class PasswordSet(Wizard):
    """SYS-4 使用者密码设定: an administrator sets or resets the password of
    an account; the user must change it at next login"""
    __name__ = 'hopu.user.password.set'

    start = StateView('hopu.user.password.set.start',
        'hopu_sysadmin.user_password_set_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Set", 'set_', 'tryton-ok', default=True),
            ])
    set_ = StateTransition()

    def default_start(self, fields):
        return {'user': active_user()}

    def transition_set_(self):
        pool = Pool()
        User = pool.get('res.user')
        check_confirm(self.start)
        user = User(self.start.user.id)
        User.validate_password(self.start.password, [user])
        User.store_password(
            user, self.start.password,
            must_change=user.id != Transaction().user)
        return 'end'


class PasswordChangeStart(ModelView):
    "Change My Password"
    __name__ = 'hopu.user.password.change.start'

    old_password = fields.Char("Old Password", required=True, strip=False)
    password = fields.Char("New Password", required=True, strip=False)
    confirm = fields.Char("Confirm Password", required=True, strip=False)


class PasswordChange(Wizard):
    "SYS-4: a user changes their own password (the old one asked)"
    __name__ = 'hopu.user.password.change'

    start = StateView('hopu.user.password.change.start',
        'hopu_sysadmin.user_password_change_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Change", 'change', 'tryton-ok', default=True),
            ])
    change = StateTransition()

    def transition_change(self):
        pool = Pool()
        User = pool.get('res.user')
        check_confirm(self.start)
        User.change_own_password(
            self.start.old_password, self.start.password)
        return 'end'
