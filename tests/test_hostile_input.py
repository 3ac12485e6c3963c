"""Hostile input over JSON-RPC (issue 13, class 10; SYS-3, CRM-2, CRM-3,
CRM-21, CON-1): a real server on the demo database, the salesperson
wangfang at the keyboard of a malicious client.

The forms are discovered, not listed: every model that a menu of the
salesperson opens and that she may create (customers, daily reports,
contact records, opportunities, contracts, …), each of its editable
fields of the types below, filled with NUL bytes, 100,000 characters,
bytes and text into numbers, out-of-range dates, SQL metacharacters, huge
ids and wrong types; the reports' contexts (the fields of their context
models); search domains; the HTTP layer. Every answer must be free of SQL,
database and Python text; every refusal is a user error (no generic
"internal error", no HTTP 500); a refused create adds no record and a
refused write leaves the record as it was. A matrix of the outcomes is
printed."""
import base64
import importlib
import json
import re
import unittest
import urllib.error
import urllib.request
from collections import Counter

from hopu_cli import demo, paths
from trytond.modules import get_module_register

from .support import Client, backend_uri, demo_database, running_server

#: what an answer must never carry
LEAK = re.compile(
    r'psycopg|sqlite3?\b|\bSELECT\b|\bINSERT INTO\b|\bUPDATE "|\bWHERE\b'
    r'|Traceback|violates|syntax error|OperationalError|IntegrityError'
    r'|DataError|ProgrammingError|invalid input syntax|out of range for type'
    r'|NUL \(0x00\)|maximum recursion|File "/|KeyError|TypeError'
    r'|ValueError|AttributeError|AssertionError|OverflowError')
USER_ERRORS = {'UserError', 'UserWarning'}
FUZZED_TYPES = {
    'char', 'text', 'integer', 'float', 'numeric', 'date', 'datetime',
    'timestamp', 'selection', 'many2one', 'one2many', 'many2many',
    'boolean'}


def _bytes(data):
    return {'__class__': 'bytes',
        'base64': base64.b64encode(data).decode()}


def _date(year, month=1, day=1):
    return {'__class__': 'date', 'year': year, 'month': month, 'day': day}


def _datetime(year):
    return {'__class__': 'datetime', 'year': year, 'month': 1, 'day': 1,
        'hour': 0, 'minute': 0, 'second': 0, 'microsecond': 0}


def _decimal(text):
    return {'__class__': 'Decimal', 'decimal': text}


SQL_META = "' OR '1'='1'; DROP TABLE party_party; --"
HUGE_ID = 10 ** 30

#: hostile values per field type: (name, value, must be refused)
PAYLOADS = {
    'text': [
        ('nul', 'a\x00b', True),
        ('100k', '长' * 100000, True),
        ('sql', SQL_META, False),
        ('dict', {'a': 1}, True),
        ('int', HUGE_ID, True),
        ],
    'integer': [
        ('bytes', _bytes(b'\x00\x01'), True),
        ('text', '12; DROP TABLE x', True),
        ('huge', HUGE_ID, True),
        ('float', 1.5, True),
        ],
    'number': [
        ('text', 'abc', True),
        ('nan', _decimal('NaN'), True),
        ('1e30', _decimal('1E+30'), True),
        ('bytes', _bytes(b'\x00'), True),
        ],
    'date': [
        ('year2', _date(2), True),
        ('1899', _date(1899, 12, 31), True),
        ('2201', _date(2201), True),
        ('garbage', "2026-13-45' OR 1=1", True),
        ('int', 20261130, True),
        ],
    'datetime': [
        ('year2', _datetime(2), True),
        ('garbage', 'yesterday', True),
        ('date', _date(2026, 11, 30), True),
        ],
    'selection': [
        ('nul', 'a\x00', True),
        ('sql', SQL_META, True),
        ('100k', 'x' * 100000, True),
        ('huge', HUGE_ID, True),
        ],
    'many2one': [
        ('huge', HUGE_ID, True),
        ('max-int32', 2 ** 31 - 1, True),
        ('text', "1 OR 1=1", True),
        ('bytes', _bytes(b'\x00'), True),
        ('list', [1], True),
        ],
    'x2many': [
        ('text', 'abc', True),
        ('bad-create', [['create', [{'no\x00field': 1}]]], True),
        ('huge-add', [['add', [HUGE_ID]]], True),
        ('bad-action', [['drop', [1]]], True),
        ],
    'boolean': [
        ('text', 'yes', True),
        ('dict', {'a': 1}, True),
        ],
    }
KIND = {
    'char': 'text', 'text': 'text', 'integer': 'integer',
    'float': 'number', 'numeric': 'number', 'date': 'date',
    'datetime': 'datetime', 'timestamp': 'datetime',
    'selection': 'selection', 'many2one': 'many2one',
    'one2many': 'x2many', 'many2many': 'x2many', 'boolean': 'boolean',
    }


class Answer:
    "What the server answered to one call"

    def __init__(self, status, body):
        self.status = status
        self.body = body
        self.result = self.error = None
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        if isinstance(data, dict):
            self.result = data.get('result')
            self.error = data.get('error')

    @property
    def ok(self):
        return self.status == 200 and not self.error

    @property
    def user_error(self):
        return (self.status == 200 and isinstance(self.error, list)
            and bool(self.error) and self.error[0] in USER_ERRORS)

    @property
    def leak(self):
        match = LEAK.search(self.body)
        return match.group(0) if match else None


def hopu_wizard_names():
    """The names of the wizards the Hopu modules register (their
    tryton.cfg, read by trytond's own parser)"""
    names = set()
    for module in paths.HOPU_MODULES:
        for classes, info in get_module_register(module):
            if info['type_'] != 'wizard':
                continue
            for entry in classes:
                file, class_ = entry.rsplit('.', 1)
                python = importlib.import_module(
                    f'trytond.modules.{module}.{file}')
                names.add(getattr(python, class_).__name__)
    return names


def post(url, body, content_type='application/json', session=None):
    request = urllib.request.Request(
        url, data=body, headers={'Content-Type': content_type})
    if session:
        request.add_header('Authorization', 'Session ' + session)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return Answer(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(errors='replace'))


class HostileInputTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.name, _ = demo_database()
        server = running_server(cls.db_uri)
        cls.url = server.__enter__()
        cls.addClassCleanup(server.__exit__, None, None, None)
        cls.client = Client(cls.url, cls.name)
        cls.client.login('wangfang', demo.DEMO_PASSWORD)
        cls.admin = Client(cls.url, cls.name)
        cls.admin.login('admin', demo.ADMIN_PASSWORD)
        cls.created = {}
        cls.addClassCleanup(cls._delete_created)

    @classmethod
    def _delete_created(cls):
        "The records that accepted values made, deleted by the admin"
        for model, ids in cls.created.items():
            try:
                cls.admin.model(model, 'delete', sorted(ids))
            except Exception:
                pass

    def rpc(self, method, *params, context=None, client=None):
        client = client or self.client
        context = client.context if context is None else context
        body = json.dumps({
                'id': 1, 'method': method,
                'params': [*params, context]}).encode()
        return post(
            f'{self.url}/{self.name}/rpc/', body, session=client.session)

    def forms(self):
        """The models the salesperson's menus open, with their context
        model, and her access to them"""
        menus = self.client.model(
            'ir.ui.menu', 'search_read', [], 0, None, None, ['action'])
        windows = sorted({int(m['action'].split(',')[1]) for m in menus
                if (m['action'] or '').startswith('ir.action.act_window,')})
        windows = self.client.model(
            'ir.action.act_window', 'read', windows,
            ['res_model', 'context_model'])
        models = sorted({w['res_model'] for w in windows})
        access = self.client.model('ir.model.access', 'get_access', models)
        return windows, access

    def check(self, answer, refused, label, problems, matrix):
        "Record what is wrong with the answer"
        leak = answer.leak
        if leak:
            problems.append(f'{label}: answer carries {leak!r}: '
                f'{answer.body[:300]}')
            matrix[label.split(' ')[0]]['leak'] += 1
        elif answer.status >= 500:
            problems.append(f'{label}: HTTP {answer.status}')
            matrix[label.split(' ')[0]]['http5xx'] += 1
        elif answer.ok:
            if refused:
                problems.append(f'{label}: accepted')
            matrix[label.split(' ')[0]]['accepted'] += 1
        elif answer.user_error:
            matrix[label.split(' ')[0]]['refused'] += 1
        else:
            problems.append(
                f'{label}: not a user error: {answer.status} '
                f'{answer.body[:300]}')
            matrix[label.split(' ')[0]]['other'] += 1

    def count(self, model):
        return self.client.model(model, 'search_count', [])

    @staticmethod
    def print_matrix(title, matrix):
        columns = ['refused', 'accepted', 'leak', 'http5xx', 'other']
        print(f'\n{title}')
        print(f"{'model':45}" + ''.join(f'{c:>10}' for c in columns))
        for model, counts in sorted(matrix.items()):
            print(f'{model:45}' + ''.join(
                    f'{counts[c]:>10}' for c in columns))

    def test_forms_fuzzed(self):
        """CRM-2 CRM-3 CRM-21 CON-1: the fields of every form the
        salesperson creates refuse hostile values as user errors, on
        create and on write, and nothing is half-written"""
        windows, access = self.forms()
        models = sorted({w['res_model'] for w in windows
                if access[w['res_model']]['create']
                and not w['context_model']})
        self.assertIn('party.party', models)
        self.assertIn('hopu.crm.daily_report', models)
        self.assertIn('hopu.crm.contact_record', models)
        self.assertIn('sale.opportunity', models)
        self.assertIn('hopu.contract', models)
        problems, matrix = [], {}
        for model in models:
            matrix[model] = Counter()
            fields = self.client.model(model, 'fields_get', None)
            own = self.client.model(model, 'search', [], 0, 1, None)
            before = self.count(model)
            for name, field in sorted(fields.items()):
                if field['type'] not in FUZZED_TYPES or field.get(
                        'readonly') or name in {'id', 'rec_name'}:
                    continue
                old = own and self.client.model(
                    model, 'read', own, ['write_date', name])
                for payload, value, refused in PAYLOADS[KIND[field['type']]]:
                    label = f'{model} {name} {payload}'
                    answer = self.rpc(
                        f'model.{model}.create', [{name: value}])
                    self.check(
                        answer, refused, f'{label} create', problems, matrix)
                    after = self.count(model)
                    if answer.ok:
                        self.created.setdefault(model, set()).update(
                            answer.result)
                        before += len(answer.result)
                    if after != before:
                        problems.append(
                            f'{label} create: {after - before} records '
                            'half-written')
                        before = after
                    if not own:
                        continue
                    answer = self.rpc(
                        f'model.{model}.write', own, {name: value})
                    self.check(
                        answer, refused, f'{label} write', problems, matrix)
                    if answer.ok:
                        # an accepted value (text with quotes) is put back
                        self.rpc(f'model.{model}.write', own, {
                                name: _restore(old[0][name], field)})
                        old = self.client.model(
                            model, 'read', own, ['write_date', name])
                    elif self.client.model(
                            model, 'read', own,
                            ['write_date', name]) != old:
                        problems.append(f'{label} write: record changed')
        self.print_matrix('Hostile values per form (create + write)', matrix)
        self.assertEqual(problems, [], '\n'.join(problems[:60]))

    def test_huge_and_wrong_ids(self):
        "Huge or wrong ids in read, write, delete, copy are user errors"
        problems, matrix = [], {}
        for model in ['party.party', 'hopu.crm.daily_report',
                'sale.opportunity', 'hopu.contract']:
            matrix[model] = Counter()
            for ids in [[HUGE_ID], [2 ** 31], ['1 OR 1=1']]:
                for method, params in [
                        ('read', [ids, ['rec_name']]),
                        ('write', [ids, {'rec_name': 'x'}]),
                        ('delete', [ids]),
                        ('copy', [ids, {}]),
                        ]:
                    answer = self.rpc(f'model.{model}.{method}', *params)
                    self.check(answer, True, f'{model} {method} {ids}',
                        problems, matrix)
        self.print_matrix('Huge and wrong ids', matrix)
        self.assertEqual(problems, [], '\n'.join(problems))

    def test_domains(self):
        """A 2-element clause, a deep nesting, unknown fields and operators,
        NUL and huge values in search domains are user errors"""
        # as deep as the client's JSON encoder goes
        deep = [('id', '>', 0)]
        for _ in range(300):
            deep = [deep]
        problems, matrix = [], {}
        _, access = self.forms()
        for model in sorted(m for m, a in access.items() if a['read']):
            matrix[model] = Counter()
            for label, domain in [
                    ('2-element', [['rec_name', 'x']]),
                    ('2-element-top', ['id', '=']),
                    ('deep', deep),
                    ('unknown-field', [('no_such_field', '=', 1)]),
                    ('operator', [('id', 'DROP', 1)]),
                    ('nul', [('rec_name', 'ilike', '%\x00%')]),
                    ('bytes-id', [('id', '=', _bytes(b'\x00\x01'))]),
                    ('huge-id', [('id', '=', HUGE_ID)]),
                    ('text-id', [('id', '=', '1 OR 1=1')]),
                    ('date-text', [('create_date', '>', "2026' --")]),
                    ('dict', [('id', '=', {'a': 1})]),
                    ]:
                for method in ['search', 'search_count']:
                    params = [domain] + (
                        [0, 10, None] if method == 'search' else [])
                    answer = self.rpc(f'model.{model}.{method}', *params)
                    self.check(answer, True, f'{model} {method} {label}',
                        problems, matrix)
            answer = self.rpc(
                f'model.{model}.search', [], 0, 10, 'rec_name')
            self.check(answer, True, f'{model} order', problems, matrix)
        self.print_matrix('Hostile search domains', matrix)
        self.assertEqual(problems, [], '\n'.join(problems[:60]))

    def test_wizards_without_a_record(self):
        """CRM-9 CRM-10 CON-3: every Hopu wizard started with no record
        (from a hand-made call, from its menu entry, or on its model with
        an empty selection) opens its first step or answers a user error,
        as the administrator and as the salesperson"""
        # the wizards of the Hopu modules (their tryton.cfg) and the menu
        # entries and keywords (操作, 打印) that start them
        names = hopu_wizard_names()
        wizards = self.admin.model('ir.action.wizard', 'search_read',
            [('wiz_name', 'in', sorted(names))], 0, None, None,
            ['action', 'wiz_name'])
        self.assertEqual({w['wiz_name'] for w in wizards}, names)
        menus = {}
        for menu in self.admin.model('ir.ui.menu', 'search_read',
                [], 0, None, None, ['action']):
            if (menu['action'] or '').startswith('ir.action.wizard,'):
                menus.setdefault(
                    int(menu['action'].split(',')[1]), menu['id'])
        keywords = self.admin.model('ir.action.keyword', 'search_read',
            [('action', 'in', [w['action'] for w in wizards])],
            0, None, None, ['model', 'action'])
        bound = {}
        for keyword in keywords:
            model = (keyword['model'] or '').split(',')[0]
            if model:
                bound.setdefault(keyword['action'], set()).add(model)
        self.assertLessEqual({'hopu.crm.convert', 'hopu.crm.demote',
                'purchase.purchase.send'}, names)
        problems, matrix = [], {}
        for client, role in [(self.admin, 'admin'), (self.client, 'sales')]:
            for wizard in wizards:
                name = wizard['wiz_name']
                matrix.setdefault(name, Counter())
                contexts = {'bare': {'action_id': wizard['id']}}
                if wizard['id'] in menus:
                    # opened from its menu entry, as sao does
                    contexts['menu'] = {
                        'action_id': wizard['id'],
                        'active_model': 'ir.ui.menu',
                        'active_id': menus[wizard['id']],
                        'active_ids': [menus[wizard['id']]]}
                for model in sorted(bound.get(wizard['action'], ())):
                    contexts[f'{model} none'] = {
                        'action_id': wizard['id'], 'active_model': model,
                        'active_id': None, 'active_ids': []}
                for label, context in contexts.items():
                    context = {**client.context, **context}
                    answer = self.rpc(
                        f'wizard.{name}.create', context=context,
                        client=client)
                    label = f'{name} {role} {label}'
                    if not answer.ok:
                        self.check(answer, True, label, problems, matrix)
                        continue
                    session, start, _ = answer.result
                    answer = self.rpc(f'wizard.{name}.execute', session, {},
                        start, context=context, client=client)
                    self.check(answer, False, label, problems, matrix)
                    self.rpc(f'wizard.{name}.delete', session,
                        context=context, client=client)
        self.print_matrix('Wizards started without a record', matrix)
        self.assertEqual(problems, [], '\n'.join(problems[:60]))

    def test_report_contexts(self):
        """CRM-21 CON-2: the context of the reports (the fields of their
        context models: company, dates, period, salesperson) is checked
        before it reaches SQL"""
        windows, _ = self.forms()
        reports = sorted({(w['res_model'], w['context_model'])
                for w in windows if w['context_model']})
        self.assertIn((
                'hopu.contract.commission.report',
                'hopu.contract.commission.report.context'), reports)
        self.assertIn((
                'hopu.crm.opportunity.statistics',
                'hopu.crm.opportunity.reporting.context'), reports)
        problems, matrix = [], {}
        for model, context_model in reports:
            matrix[model] = Counter()
            fields = self.client.model(context_model, 'fields_get', None)
            for name, field in sorted(fields.items()):
                if field['type'] not in FUZZED_TYPES or name in {
                        'id', 'rec_name'}:
                    continue
                for payload, value, refused in PAYLOADS[
                        KIND[field['type']]]:
                    if field['type'] in {'char', 'text'} and payload in {
                            'sql', '100k'}:
                        continue
                    # an id of no record selects nothing
                    refused &= payload != 'max-int32'
                    context = {**self.client.context, name: value}
                    answer = self.rpc(
                        f'model.{model}.search_read', [], 0, 10, None,
                        ['rec_name'], context=context)
                    self.check(answer, refused, f'{model} {name} {payload}',
                        problems, matrix)
        # the printed analysis takes its filters from the report's data
        answer = self.rpc(
            'report.hopu.crm.opportunity.analysis.execute', [],
            {'from_date': "2026-01-01' OR 1=1", 'period': 'fortnight',
                'company': 'x'})
        matrix['hopu.crm.opportunity.analysis'] = Counter()
        self.check(answer, True, 'hopu.crm.opportunity.analysis data',
            problems, matrix)
        self.print_matrix('Hostile report contexts', matrix)
        self.assertEqual(problems, [], '\n'.join(problems[:60]))

    def test_form_contexts(self):
        """CRM-3 CON-1: the context keys the windows give to the forms (a
        customer, a kind of report, a type of contract, default values)
        are checked when the form's defaults and a new record read them"""
        _, access = self.forms()
        keys = {}
        # the menus' windows and the related ones (a customer's reports)
        for window in self.client.model(
                'ir.action.act_window', 'search_read',
                [('res_model', 'in', sorted(access))], 0, None, None,
                ['res_model', 'context']):
            model = window['res_model']
            try:
                context = json.loads(window['context'] or '{}')
            except ValueError:
                continue
            if isinstance(context, dict) and '__class__' not in context:
                keys.setdefault(model, set()).update(context)
        self.assertIn('hopu_crm_customer', keys['hopu.crm.daily_report'])
        self.assertIn('contract_type', keys['hopu.contract'])
        problems, matrix = [], {}
        for model, names in sorted(keys.items()):
            matrix[model] = Counter()
            methods = [('default_get', [None])]
            if access[model]['create']:
                methods.append(('create', [[{}]]))
            for name in sorted(names):
                for payload, value in [
                        ('text', "1' OR '1'='1"), ('nul', 'a\x00'),
                        ('list', [1]), ('dict', {'a': 1}),
                        ('huge', HUGE_ID), ('max-int32', 2 ** 31 - 1)]:
                    context = {**self.client.context, name: value}
                    for method, params in methods:
                        answer = self.rpc(
                            f'model.{model}.{method}', *params,
                            context=context)
                        self.check(
                            answer, False,
                            f'{model} {name} {payload} {method}',
                            problems, matrix)
                        if answer.ok and method == 'create':
                            self.created.setdefault(model, set()).update(
                                answer.result)
        self.print_matrix('Hostile form contexts', matrix)
        self.assertEqual(problems, [], '\n'.join(problems[:60]))

    def test_http_layer(self):
        """No HTTP 500 and no database text from the HTTP layer: bodies
        that are not JSON, broken JSON-RPC, a NUL in the unsubscribe URL,
        hostile logins; an unexpected error answers a generic message
        with a reference the server log repeats with the detail"""
        database_rpc = f'{self.url}/{self.name}/rpc/'
        answers = {
            'text/plain root': post(
                f'{self.url}/rpc/', b'hello', 'text/plain'),
            'text/plain database': post(
                database_rpc, b'hello', 'text/plain',
                session=self.client.session),
            'broken json': post(database_rpc, b'{"id": 1, "method"'),
            'params not a list': post(
                f'{self.url}/rpc/', json.dumps({
                        'id': 1, 'method': 'common.server.version',
                        'params': 'abc'}).encode()),
            'no method': post(f'{self.url}/rpc/', json.dumps({
                        'id': 1, 'params': []}).encode()),
            }
        for login, parameters in [
                ('wang\x00fang', {'password': 'x'}),
                (12, {'password': 'x'}),
                ('x' * 100000, {'password': 'x'}),
                ('nobody', {'password': {'a': 1}}),
                ('nobody', ['password']),
                ]:
            answers[f'login {str(login)[:10]!r}'] = post(
                database_rpc, json.dumps({
                        'id': 1, 'method': 'common.db.login',
                        'params': [login, parameters, 'zh_CN']}).encode())
        for token in ['a%00b', 'x' * 5000, "1'%20OR%20'1'='1"]:
            for method in ['GET', 'POST']:
                url = (f'{self.url}/{self.name}/hopu_crm_mailing/'
                    f'unsubscribe/{token}')
                request = urllib.request.Request(
                    url, method=method, data=b'' if method == 'POST'
                    else None)
                try:
                    with urllib.request.urlopen(request) as response:
                        answer = Answer(
                            response.status, response.read().decode())
                except urllib.error.HTTPError as error:
                    answer = Answer(error.code, error.read().decode())
                answers[f'unsubscribe {method} {token[:10]}'] = answer
        for label, answer in answers.items():
            with self.subTest(label=label):
                self.assertLess(answer.status, 500, answer.body[:300])
                self.assertIsNone(answer.leak, answer.body[:300])
        self.assertEqual(answers['text/plain root'].status, 400)

        # an error the server did not foresee (a field that does not
        # exist): a generic message, the detail in the log
        answer = self.rpc(
            'model.party.party.read', [1], ['no_such_field'])
        self.assertEqual(answer.status, 200)
        self.assertIsNone(answer.leak, answer.body)
        self.assertNotIn('no_such_field', answer.body)
        message = answer.error[0]
        reference = re.search(r'reference (\w+)', message).group(1)
        port = self.url.rsplit(':', 1)[1]
        log = (paths.VAR / 'test-logs' / f'server-{port}.log').read_text()
        self.assertIn(f'reference {reference}', log)
        self.assertIn('no_such_field', log.split(
                f'reference {reference}', 1)[1])


def _restore(value, field):
    "A value read back as the write takes it"
    if field['type'] in {'one2many', 'many2many'}:
        return [['add', value or []]]
    if isinstance(value, dict) and 'id' in value:
        return value['id']
    return value
