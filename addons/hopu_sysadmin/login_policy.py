# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Login throttling (issue 13, class 11): wrong passwords slow down and
then stop the one who types them, not the account's owner elsewhere.

trytond counts the failed logins per login and device cookie and refuses
every login without a known device once a login has had more than
``[session] max_attempt`` failures in ``[session] timeout`` seconds, from
wherever they came: ten wrong passwords typed anywhere locked the right
password out for everyone without a device cookie (a new browser, the
CLI, a cleared browser), and slowed down their logins by up to 2^count
seconds. Hopu counts instead:

- with a known device (the cookie sao stores after a login and sends with
  the next ones, ``res.user.device``): the failures of that device only,
  as trytond does. Nobody without the cookie can lock it out;
- without one: the failures of that login from the client's network
  (``[session] ip_network_4``/``ip_network_6``, one address by default).
  More than ``max_attempt`` lock out that login from that network only;
- for a guessing spread over many networks: more than ``[session]
  max_attempt_login`` (default 10 × ``max_attempt``) failures of a login
  without a known device, from all networks together, lock out logins
  without a known device of that login; the known devices still log in;
- trytond's ``max_attempt_ip_network`` (failures of any login from one
  network) is kept.

A successful login forgets the failures of its own login, network and
device only, so the owner logging in does not reset an attacker's count.
The locks end ``[session] timeout`` seconds after the failures."""
from sql import Null
from sql.aggregate import Count

from trytond import config
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

#: longest login, password and device cookie taken into account
MAX_LENGTH = 512


def max_attempt():
    return config.getint('session', 'max_attempt', default=5)


def max_attempt_login():
    return max(
        config.getint(
            'session', 'max_attempt_login', default=10 * max_attempt()),
        max_attempt())


def _network():
    _, ip_network = Transaction().remote_address()
    return str(ip_network) if ip_network else None


def valid_text(value):
    "A login, password or cookie a client may send"
    return (isinstance(value, str) and '\x00' not in value
        and len(value) <= MAX_LENGTH)


class LoginAttempt(metaclass=PoolMeta):
    __name__ = 'res.user.login.attempt'

    @classmethod
    def _attempts_where(cls, table, login, device_cookie):
        where = (table.login == login[:cls.login.size]) & (
            table.create_date >= cls.delay())
        if device_cookie:
            return where & (table.device_cookie == device_cookie)
        return where & (table.device_cookie == Null)

    @classmethod
    def count(cls, login, device_cookie=None):
        if device_cookie:
            return super().count(login, device_cookie)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        where = cls._attempts_where(table, login, None)
        cursor.execute(*table.select(Count(), where=where))
        everywhere = cursor.fetchone()[0]
        if everywhere > max_attempt_login():
            return everywhere
        network = _network()
        cursor.execute(*table.select(Count(), where=where & (
                    table.ip_network == network if network
                    else table.ip_network == Null)))
        return cursor.fetchone()[0]

    @classmethod
    def remove(cls, login, device_cookie=None):
        if device_cookie:
            return super().remove(login, device_cookie)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        network = _network()
        cursor.execute(*table.delete(
                where=(table.login == login[:cls.login.size])
                & (table.device_cookie == Null)
                & (table.ip_network == network if network
                    else table.ip_network == Null)))


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        # Hostile logins (issue 13, class 10): a login, password or device
        # cookie that is no text, has a NUL or is too long is a failed
        # login, not a database error
        if not valid_text(login) or not isinstance(parameters, dict):
            return None
        parameters = parameters.copy()
        for name in ['password', 'new_password']:
            if name in parameters and not valid_text(parameters[name]):
                parameters[name] = ''
        if not (parameters.get('device_cookie') is None
                or valid_text(parameters['device_cookie'])):
            parameters['device_cookie'] = None
        return super().get_login(login, parameters)


class UserDevice(metaclass=PoolMeta):
    __name__ = 'res.user.device'

    @classmethod
    def renew(cls, current_cookie):
        if not valid_text(current_cookie):
            current_cookie = None
        return super().renew(current_cookie)
