# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 13, classes 10 and 11: hostile input refused as user errors before
SQL, for every model (input_validation), and the login throttling per
login, network and device (login_policy)."""
import datetime
import unittest
from decimal import Decimal
from unittest import mock

from trytond.exceptions import RateLimitException, UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction, check_access

from ..exceptions import ContextValueError, DomainValueError, InputValueError
from ..input_validation import (
    CHAR_SIZE, DOMAIN_DEPTH, TEXT_SIZE, check_context, check_domain,
    check_values)

PASSWORD = 'Qingqing-Shanshui-2026'


def as_user(user_id):
    "A call from a client: the user's access is checked"
    transaction = Transaction()

    class _Context:
        def __enter__(self):
            self._user = transaction.set_user(user_id)
            self._user.__enter__()
            self._check = check_access()
            self._check.__enter__()

        def __exit__(self, *args):
            self._check.__exit__(*args)
            self._user.__exit__(*args)
    return _Context()


def from_address(address):
    "A request from the client address"
    return Transaction().set_context(_request={'remote_addr': address})


class InputValidationTestCase(unittest.TestCase):
    "Hostile input and login throttling"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['hopu_sysadmin'])
        # trytond slows down a failed login by up to 2^count seconds
        cls._sleep = mock.patch('trytond.res.user.time')
        cls._sleep.start()

    @classmethod
    def tearDownClass(cls):
        cls._sleep.stop()
        drop_db()

    def _party_count(self):
        Party = Pool().get('party.party')
        return Party.search_count([])

    @with_transaction()
    def test_text_nul_refused_before_sql(self):
        "SYS-3 input: a NUL byte in a text field is a user error"
        pool = Pool()
        User = pool.get('res.user')
        before = User.search_count([])
        with as_user(1):
            with self.assertRaises(InputValueError) as cm:
                User.create([{'login': 'nul', 'name': 'a\x00b'}])
            with self.assertRaises(InputValueError):
                User.write([User(1)], {'signature': 'x\x00'})
        self.assertIsInstance(cm.exception, UserError)
        self.assertNotIn('\x00', cm.exception.message)
        self.assertEqual(User.search_count([]), before)
        self.assertNotEqual(User(1).signature, 'x\x00')

    @with_transaction()
    def test_text_size_limits(self):
        "Char and Text fields have a size limit; values up to it are kept"
        pool = Pool()
        User = pool.get('res.user')
        with self.assertRaises(InputValueError):
            check_values(User, {'name': 'x' * (CHAR_SIZE + 1)})
        check_values(User, {'name': 'x' * CHAR_SIZE})
        with self.assertRaises(InputValueError):
            check_values(User, {'signature': '长' * (TEXT_SIZE + 1)})
        check_values(User, {'signature': '长' * TEXT_SIZE})
        with as_user(1):
            with self.assertRaises(InputValueError):
                User.write([User(1)], {'name': 'x' * 100000})
            User.write([User(1)], {'signature': '长' * 1000})
        self.assertEqual(User(1).signature, '长' * 1000)

    @with_transaction()
    def test_numbers_and_ids(self):
        "Bytes, text and huge numbers into integer and relation fields"
        pool = Pool()
        User = pool.get('res.user')
        Sequence = pool.get('ir.sequence')
        for value in [b'\x00\x01', '12', 10 ** 30, 2 ** 31, 1.5, True,
                {'id': 1}, [1]]:
            with self.subTest(value=value):
                with self.assertRaises(InputValueError):
                    check_values(User, {'company': value})
                with self.assertRaises(InputValueError):
                    check_values(Sequence, {'number_increment': value})
        Currency = pool.get('currency.currency')
        for value in [Decimal('NaN'), float('inf'), 10 ** 16, 'abc']:
            with self.subTest(value=value):
                with self.assertRaises(InputValueError):
                    check_values(Currency, {'rounding': value})
        check_values(Currency, {'rounding': Decimal('0.01')})
        # a reference to no record (SQLite has no foreign key)
        with self.assertRaises(InputValueError):
            check_values(User, {'company': 2 ** 31 - 1})
        with self.assertRaises(InputValueError):
            check_values(User, {'groups': [['add', [2 ** 31 - 1]]]})
        action, = pool.get('ir.action').search([], limit=1)
        check_values(User, {'company': None, 'menu': action.id})
        check_values(Sequence, {'number_increment': 5, 'padding': 0})
        with as_user(1):
            with self.assertRaises(InputValueError):
                User.read([10 ** 30], ['name'])
            with self.assertRaises(UserError):
                User.write([User(2 ** 40)], {'name': 'x'})

    @with_transaction()
    def test_unknown_field_and_wrong_shapes(self):
        "Unknown fields, values that are no dict, x2many without actions"
        pool = Pool()
        User = pool.get('res.user')
        with self.assertRaises(InputValueError):
            check_values(User, {'no_such_field': 1})
        with self.assertRaises(InputValueError):
            check_values(User, ['login', 'x'])
        with self.assertRaises(InputValueError):
            check_values(User, {'groups': 'abc'})
        with self.assertRaises(InputValueError):
            check_values(User, {'groups': [['add', [10 ** 30]]]})
        with self.assertRaises(InputValueError):
            check_values(User, {'groups': [['create', [{'name': '\x00'}]]]})
        check_values(User, {'groups': [['add', [1]], ['remove', [2]]]})

    @with_transaction()
    def test_date_range(self):
        "Dates are between the years 1900 and 2200"
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        for value in [datetime.date(2, 1, 1), datetime.date(9999, 12, 30),
                datetime.date(1899, 12, 31), datetime.date(2201, 1, 1),
                'not a date', 20260101]:
            with self.subTest(value=value):
                with self.assertRaises(InputValueError):
                    check_values(Employee, {'start_date': value})
        check_values(Employee, {'start_date': datetime.date(2026, 11, 30)})
        check_values(Employee, {'start_date': '2026-11-30'})
        # Tryton's "since always" (currency rates)
        check_values(Employee, {'start_date': datetime.date.min})
        with self.assertRaises(InputValueError):
            check_values(User, {
                    'password_reset_expire': datetime.datetime(2, 1, 1)})
        check_values(User, {
                'password_reset_expire': datetime.datetime(2026, 11, 30)})

    @with_transaction()
    def test_domain_two_elements_and_depth(self):
        """A 2-element clause or a deep nesting is refused with a clear
        error, not the interpreter's recursion limit"""
        pool = Pool()
        User = pool.get('res.user')
        deep = [('login', '=', 'admin')]
        for _ in range(900):
            deep = [deep]
        with as_user(1):
            for domain in [
                    [['name', 'x']],
                    ['name', 'x'],
                    deep,
                    [('name', 'x', 'y')],
                    [('login', '=', 'admin', 'res.user', 'res.user')],
                    [('company.name', '=', 'x', 'company.company', 'x')],
                    [('no_such_field', '=', 1)],
                    [('login', '=', 'a\x00')],
                    [('id', '=', b'\x00\x01')],
                    [('id', '=', 10 ** 30)],
                    [('create_date', '>', 'garbage')],
                    [('create_date', '>', datetime.date(2020, 1, 1))],
                    ['AND', 'name'],
                    'name',
                    ]:
                with self.subTest(domain=str(domain)[:60]):
                    with self.assertRaises(DomainValueError):
                        User.search(domain)
            with self.assertRaises(DomainValueError):
                User.search([], order=[('no_such_field', 'ASC')])
            with self.assertRaises(DomainValueError):
                User.search([], order='name')
            with self.assertRaises(DomainValueError):
                User.search([], limit='10')

    @with_transaction()
    def test_domain_usual_forms_accepted(self):
        "The domains the client sends keep working"
        pool = Pool()
        User = pool.get('res.user')
        with as_user(1):
            for domain in [
                    [],
                    [('login', '=', 'admin')],
                    ['OR', [('login', 'ilike', '%adm%')],
                        [('id', 'in', [1, 2])]],
                    [('rec_name', 'ilike', '%a%')],
                    [('company', '=', None)],
                    [('company.rec_name', 'ilike', '%x%')],
                    [('company', 'where', [('id', '>', 0)])],
                    [('groups', 'in', [1])],
                    [('create_date', '>=', datetime.datetime(2020, 1, 1))],
                    [('active', 'in', [True, False])],
                    [('id', '=', 1)],
                    ]:
                with self.subTest(domain=domain):
                    User.search(domain, order=[('login', 'ASC')])
            nested = [('login', '=', 'admin')]
            for _ in range(DOMAIN_DEPTH - 1):
                nested = [nested]
            self.assertEqual(len(User.search(nested)), 1)
        check_domain(User, [('login', '=', 'admin')])

    @with_transaction()
    def test_model_log_searched_by_a_user(self):
        "SYS-1: 系统配置/模型/日志 lists the logs of the records a user reads"
        pool = Pool()
        User = pool.get('res.user')
        Log = pool.get('ir.model.log')
        admin, = User.search([('login', '=', 'admin')])
        # a write of a user record leaves a log whose resource is the user
        User.write([admin], {'signature': 'Hopu'})
        User.write([admin], {'signature': None})
        Log.create([{
                    'resource': str(admin), 'event': 'write',
                    'target': 'signature', 'user': admin.id,
                    }])
        with as_user(admin.id):
            # trytond searches the logs' resources by a set of their ids
            logs = Log.search([])
            self.assertTrue(logs)
            self.assertTrue(all(log.resource == admin for log in logs))
            check_domain(Log, [('id', 'in', {1, 2})])
            # a path through two references names both models (rule
            # domains of hopu_sale's moves: origin.origin.sale)
            Attachment = pool.get('ir.attachment')
            self.assertEqual(Attachment.search([(
                            'resource.resource.login', '=', 'admin',
                            'ir.model.log', 'res.user')]), [])

    @with_transaction()
    def test_context(self):
        "Context values that reach SQL have their type"
        for context in [
                {'company': 'abc'},
                {'company': 10 ** 30},
                {'active_ids': [1, 'x']},
                {'language': 'zh\x00'},
                {'anything': 'a\x00'},
                {'anything': 2 ** 70},
                {'anything': Decimal('Infinity')},
                ]:
            with self.subTest(context=context):
                with self.assertRaises(ContextValueError):
                    check_context(context)
        check_context({
                'company': 1, 'employee': None, 'language': 'zh_CN',
                'active_ids': [1, 2], 'active_model': 'res.user',
                'locale': {'grouping': [3, 3, 0], 'decimal_point': '.'},
                'client': 'c5e3a8f2', 'company_filter': 'one'})

    # Login throttling (class 11)

    def _user(self):
        pool = Pool()
        User = pool.get('res.user')
        user, = User.create([{'login': 'yangliu', 'name': "杨柳"}])
        User.write([user], {'password': PASSWORD})
        # as if the user had changed the administrator's password
        User.write([user], {'hopu_password_change': False})
        return user

    def _login(self, address, password, cookie=None):
        User = Pool().get('res.user')
        parameters = {'password': password}
        if cookie:
            parameters['device_cookie'] = cookie
        with from_address(address):
            return User.get_login('yangliu', parameters)

    def _fail(self, address, times, cookie=None):
        for _ in range(times):
            try:
                self.assertIsNone(self._login(address, 'wrong', cookie))
            except RateLimitException:
                pass

    def _device(self, user):
        UserDevice = Pool().get('res.user.device')
        with Transaction().set_user(user.id):
            return UserDevice.renew(None)

    @with_transaction()
    def test_lockout_other_address_not_locked(self):
        """Failures from one address lock out that address only; the right
        password from elsewhere still logs in"""
        user = self._user()
        self._fail('203.0.113.5', 10)
        with self.assertRaises(RateLimitException):
            self._login('203.0.113.5', PASSWORD)
        self.assertEqual(self._login('198.51.100.7', PASSWORD), user.id)
        # the owner's login does not reset the attacker's count
        with self.assertRaises(RateLimitException):
            self._login('203.0.113.5', PASSWORD)

    @with_transaction()
    def test_lockout_known_device_never_locked(self):
        """A known device (sao's device cookie) logs in whatever was tried
        without it, from its own address or from many"""
        user = self._user()
        cookie = self._device(user)
        self._fail('198.51.100.7', 10)
        for i in range(60):
            self._fail(f'203.0.{i}.9', 1)
        with self.assertRaises(RateLimitException):
            self._login('192.0.2.44', PASSWORD)
        self.assertEqual(
            self._login('198.51.100.7', PASSWORD, cookie), user.id)
        # a forged cookie is no known device
        with self.assertRaises(RateLimitException):
            self._login('198.51.100.7', PASSWORD, 'forged')

    @with_transaction()
    def test_lockout_known_device_own_failures(self):
        "Wrong passwords typed on a known device lock that device"
        user = self._user()
        cookie = self._device(user)
        self._fail('198.51.100.7', 10, cookie)
        with self.assertRaises(RateLimitException):
            self._login('198.51.100.7', PASSWORD, cookie)
        self.assertEqual(self._login('192.0.2.44', PASSWORD), user.id)

    @with_transaction()
    def test_lockout_below_limit_and_reset(self):
        "A few mistakes are forgiven by the next right password"
        user = self._user()
        self._fail('198.51.100.7', 4)
        self.assertEqual(self._login('198.51.100.7', PASSWORD), user.id)
        self._fail('198.51.100.7', 5)
        self.assertEqual(self._login('198.51.100.7', PASSWORD), user.id)

    @with_transaction()
    def test_hostile_login_values(self):
        "A login, password or cookie that is no text is a failed login"
        pool = Pool()
        User = pool.get('res.user')
        self._user()
        with from_address('198.51.100.7'):
            for login, parameters in [
                    ('yang\x00liu', {'password': PASSWORD}),
                    (12, {'password': PASSWORD}),
                    ('x' * 100000, {'password': PASSWORD}),
                    ('yangliu', {'password': 12}),
                    ('yangliu', {'password': 'a\x00'}),
                    ('yangliu', ['password']),
                    ]:
                with self.subTest(login=str(login)[:20]):
                    self.assertIsNone(User.get_login(login, parameters))
            self.assertTrue(User.get_login('yangliu', {
                        'password': PASSWORD, 'device_cookie': 'a\x00'}))
