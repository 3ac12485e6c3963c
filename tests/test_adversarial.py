"""The adversarial suite (issue 13; SYS-3, SYS-5, CRM-2, CON-4): logged in
as a salesperson or a supervisor, try every way over JSON-RPC to read,
change, delete, copy, re-parent or act on records the record rules hide.

Nothing is listed by hand: the models under attack are those with owner
rules (read from ir.rule.group as the administrator) and every model that
hangs off them (__access__: ir.model.field.access); what the attacker may
see is computed from the rules themselves (their PYSON decoded with the
attacker's context and searched as the administrator), every other record
is a victim. The buttons, wizards, reports, on_change methods and read-only
fields come from the server's own registry. A model added tomorrow is
attacked the day it is added.

The demo organisation is 陈刚 > 张伟 > 王芳, 刘洋. For the supervisors to have
victims too, the test moves 刘洋 under the head of another sales team (赵敏,
with no supervisor) for its duration: 王芳 → 刘洋 is salesperson → salesperson,
张伟 and 陈刚 → 刘洋 supervisor → outside their subtree. The demo's sales
order in progress (ERP-2) is 刘洋's for the test too, with an amendment
(销售订单变更) made for it: the orders, their lines, moves and amendments
have victims.

The warehouse clerk 李强 (ERP-3) attacks the ERP documents: those of
another company (an 入库单 and a 库存调整 of 皓普科技上海分公司 with a line
each, made by the test) and those of programs he has no right on (the
demo's purchase chain, stock take and stock alert); every path of the
suite: search, count, read, export, domains on their fields, write, delete,
copy, create in the other company, buttons and the documents' reports.

The result is a matrix (model × path → refused, LEAK or -) printed and
written to var/artifacts/adversarial-matrix.txt; each test fails on the
leaks of its paths."""
import datetime as dt
import re
import unittest
import urllib.error
from collections import defaultdict
from decimal import Decimal

from hopu_cli import demo, paths
from hopu_cli.demo import stock as demo_stock
from trytond.pyson import PYSONDecoder

from .support import (
    Client, RPCError, backend_uri, demo_database, running_server)

ATTACKERS = ['wangfang', 'zhangwei', 'chengang']
# ERP-3: the warehouse clerk 李强, who has the stock programs of the head
# company only (ERP_VICTIMS)
ERP_ATTACKER = demo_stock.CLERK[0]
# ERP-1 SYS-5: the receiving clerk 吴敏, with the rights of 采购到货 on the
# moves (and none of the stock programs): the moves of other documents
RECEIVING_CLERK = 'wumin'
# ERP-1 ERP-3: the documents the clerk may not touch — of another company
# (made by the test in 皓普科技上海分公司) or of programs he has no right on
# (the demo's purchase chain, stock take and alert)
ERP_DOCUMENTS = [
    'stock.shipment.internal', 'hopu.stock.adjustment',
    'hopu.stock.adjustment.line', 'stock.move',
    'purchase.purchase', 'purchase.line', 'purchase.requisition',
    'purchase.request', 'stock.shipment.in', 'account.invoice',
    'hopu.stock.take', 'stock.inventory', 'stock.inventory.line',
    'hopu.stock.alert', 'stock.order_point']
OTHER_COMPANY = '皓普科技上海分公司'
VICTIM_LOGIN = 'liuyang'
OUTSIDER = '赵敏'
SECRET_FIELDS = ['password_hash', 'password_reset', 'password']
RESET_TOKEN = 'Qk7vT2pLm9'
MARK = '\u2603'
SAMPLE = 3
SIMPLE_TYPES = {
    'char', 'text', 'selection', 'date', 'datetime', 'timestamp',
    'integer', 'float', 'numeric', 'boolean', 'many2one'}
ARTIFACT = paths.VAR / 'artifacts' / 'adversarial-matrix.txt'


class Refused(Exception):
    "The server answered with an error: the operation did not take place"


def ids_of(records):
    return [r['id'] if isinstance(r, dict) else r for r in records]


class Attacker:

    def __init__(self, url, database, login, admin):
        self.login = login
        self.client = Client(url, database)
        self.uid = self.client.login(login, demo.DEMO_PASSWORD)
        context = self.client.context
        self.groups = list(context.get('groups') or [])
        user, = admin.model(
            'res.user', 'read', [self.uid], ['employees', 'companies'])
        self.employees = user['employees']
        if context.get('company_filter', 'one') == 'one':
            self.companies = [context['company']]
        else:
            self.companies = user['companies']
        self.subtree = subtree(admin, self.employees)

    def __str__(self):
        return self.login

    def call(self, method, *args, context=None):
        try:
            return self.client.call(
                method, *args, {**self.client.context, **(context or {})})
        except RPCError as error:
            raise Refused(str(error)[:200])
        except OSError as error:
            # HTTP 500 and the like: refused, but not gracefully
            raise Refused(f'{type(error).__name__}: {error}'[:200])

    def model(self, model, method, *args, context=None):
        return self.call(f'model.{model}.{method}', *args, context=context)

    def rule_context(self):
        "The context the server decodes the record rules with (ir.rule)"
        return {
            'groups': self.groups,
            'companies': self.companies,
            'hopu_employees': self.employees,
            'hopu_subtree': self.subtree,
            'hopu_user': self.uid,
            'user_id': self.uid,
            'employees': self.employees,
            }


def subtree(admin, employees):
    "The employees and everyone below them, as the administrator reads it"
    found = set(employees)
    frontier = list(employees)
    while frontier:
        below = admin.call(
            'model.company.employee.search',
            [('supervisor', 'in', frontier)], 0, None, None,
            {**admin.context, 'active_test': False})
        frontier = [e for e in below if e not in found]
        found.update(frontier)
    return sorted(found)


class Matrix:
    "model × path → refused / LEAK / -"

    def __init__(self):
        self.cells = defaultdict(lambda: defaultdict(list))
        self.leaks = defaultdict(list)

    def record(self, family, model, path, attacker, leak=None, tried=True):
        cell = self.cells[model][path]
        if leak:
            cell.append(f'LEAK({attacker})')
            self.leaks[family].append(
                f'{model} × {path} as {attacker}: {leak}')
        elif tried:
            cell.append('refused')

    def text(self):
        paths_ = sorted({p for m in self.cells.values() for p in m})
        lines = ['Adversarial matrix (model × path → refused / LEAK)', '']
        for model in sorted(self.cells):
            lines.append(model)
            for path in paths_:
                results = self.cells[model].get(path)
                if not results:
                    continue
                leaks = sorted({r for r in results if r.startswith('LEAK')})
                status = ' '.join(leaks) if leaks else 'refused'
                lines.append(f'    {path:<40} {status}')
        total = sum(len(v) for v in self.leaks.values())
        lines += ['', f'{total} leak(s)']
        for family in sorted(self.leaks):
            for leak in self.leaks[family]:
                lines.append(f'  [{family}] {leak}')
        return '\n'.join(lines) + '\n'


def changed_value(field, value, candidates=()):
    "Another value of the field's type than value, or None"
    type_ = field['type']
    if type_ in {'char', 'text'}:
        return (value or '') + 'X'
    if type_ == 'integer':
        return (value or 0) + 1
    if type_ == 'float':
        return (value or 0) + 1
    if type_ == 'numeric':
        number = Decimal(str(value['decimal'])) if isinstance(
            value, dict) else Decimal(str(value or 0))
        return {'__class__': 'Decimal', 'decimal': str(number + 1)}
    if type_ == 'boolean':
        return not value
    if type_ == 'date':
        return {'__class__': 'date', 'year': 2031, 'month': 1, 'day': 2}
    if type_ in {'datetime', 'timestamp'}:
        return {'__class__': 'datetime', 'year': 2031, 'month': 1,
            'day': 2, 'hour': 3, 'minute': 4, 'second': 5,
            'microsecond': 0}
    if type_ == 'selection':
        selection = field.get('selection')
        if isinstance(selection, list):
            for key, _ in selection:
                if key != value and key is not None:
                    return key
        return None
    if type_ == 'many2one':
        current = value
        for candidate in candidates:
            if candidate != current:
                return candidate
    return None


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict) and 'decimal' in a:
        return Decimal(a['decimal']) == Decimal(b.get('decimal', 'NaN'))
    return a == b


class AdversarialTestCase(unittest.TestCase):
    "The adversarial suite over JSON-RPC on the demo database"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db_uri = backend_uri()
        cls.name, _ = demo_database()
        server = running_server(cls.db_uri)
        url = server.__enter__()
        cls.addClassCleanup(server.__exit__, None, None, None)
        cls.url = url
        cls.admin = Client(url, cls.name)
        cls.admin_uid = cls.admin.login('admin', demo.ADMIN_PASSWORD)
        cls.matrix = Matrix()
        cls.addClassCleanup(cls.write_matrix)
        cls.move_victim_outside()
        cls.attackers = [
            Attacker(url, cls.name, login, cls.admin) for login in ATTACKERS]
        # The salesperson and the first supervisor for the many-call
        # paths: the victims of 陈刚 are those of 张伟
        cls.pair = cls.attackers[:2]
        cls.discover()

    @classmethod
    def write_matrix(cls):
        text = cls.matrix.text()
        if getattr(cls, 'targets', None):
            text += '\nAttacked: ' + ', '.join(cls.targets) + '\n'
            text += 'Without victims in the demo: ' + (
                ', '.join(sorted({m for m, _ in cls.victims
                            if not any(cls.victims[m, a.login]
                                for a in cls.attackers)})) or '-') + '\n'
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        ARTIFACT.write_text(text)
        print('\n' + text)

    # --- set-up ------------------------------------------------------

    @classmethod
    def a(cls, model, method, *args, context=None):
        "Call as the administrator"
        return cls.admin.call(
            f'model.{model}.{method}', *args,
            {**cls.admin.context, **(context or {})})

    @classmethod
    def quietly(cls, model, method, *args):
        try:
            cls.a(model, method, *args)
        except RPCError:
            pass

    @classmethod
    def move_victim_outside(cls):
        """刘洋 moves under 赵敏, the head of another sales team outside
        陈刚's tree, for the duration of the test"""
        company, = cls.a('company.company', 'search',
            [('party.name', '=', demo.HEAD_COMPANY)], 0, None, None)
        outsiders = cls.a('company.employee', 'search',
            [('party.name', '=', OUTSIDER)], 0, None, None)
        if not outsiders:
            party, = cls.a('party.party', 'create', [{'name': OUTSIDER}])
            outsiders = cls.a('company.employee', 'create', [{
                        'party': party, 'company': company}])
        cls.outsider, = outsiders[:1]
        user, = cls.a('res.user', 'search',
            [('login', '=', VICTIM_LOGIN)], 0, None, None)
        cls.victim_uid = user
        victim, = cls.a('res.user', 'read', [user], ['employee'])
        employee, = cls.a('company.employee', 'read',
            [victim['employee']], ['supervisor'])
        cls.a('company.employee', 'write', [employee['id']],
            {'supervisor': cls.outsider})
        cls.addClassCleanup(
            cls.a, 'company.employee', 'write', [employee['id']],
            {'supervisor': employee['supervisor']})
        # CON-5 CON-6: a change and a termination order of 刘洋's, to
        # have victims among the orders and their lines
        contracts = cls.a('hopu.contract', 'search', [
                ('salesperson', '=', employee['id']),
                ('state', '=', 'approved')], 0, 1, None)
        for button, model in [
                ('new_change', 'hopu.contract.change'),
                ('new_termination', 'hopu.contract.termination')]:
            if not contracts:
                break
            action = cls.a('hopu.contract', button, contracts)
            cls.addClassCleanup(cls.quietly, model, 'delete',
                action['res_id'])
        # ERP-2: an amendment (销售订单变更) of an order of 刘洋's in
        # progress, to have victims among the amendments and their lines:
        # the demo has none, and its order in progress (王芳's, being
        # shipped) is 刘洋's for the duration of the test
        orders = cls.a('sale.sale', 'search',
            [('state', '=', 'processing')], 0, 1, [('id', 'ASC')])
        if orders:
            order, = cls.a('sale.sale', 'read', orders, ['salesperson'])
            cls.a('sale.sale', 'write', orders,
                {'salesperson': employee['id']})
            cls.addClassCleanup(cls.a, 'sale.sale', 'write', orders,
                {'salesperson': order['salesperson']})
            amendments = cls.a('sale.amendment', 'create', [{
                        'sale': orders[0], 'description': '调整税额',
                        'lines': [('create', [{'action': 'taxes'}])],
                        }])
            cls.addClassCleanup(cls.quietly, 'sale.amendment', 'delete',
                amendments)
        # SYS-4: a temporary password just set by an administrator
        expire = dt.datetime.now() + dt.timedelta(days=1)
        cls.a('res.user', 'write', [user], {
                'password_reset': RESET_TOKEN,
                'password_reset_expire': {
                    '__class__': 'datetime', 'year': expire.year,
                    'month': expire.month, 'day': expire.day, 'hour': 0,
                    'minute': 0, 'second': 0, 'microsecond': 0}})
        cls.addClassCleanup(cls.a, 'res.user', 'write', [user], {
                'password_reset': None, 'password_reset_expire': None})

    @classmethod
    def discover(cls):
        "What to attack, from the server's own registry and rules"
        hopu = cls.a('ir.model', 'search_read',
            [('module', 'like', 'hopu_%')], 0, None, None, ['name'])
        cls.hopu_models = sorted(m['name'] for m in hopu)
        groups = cls.a('ir.rule.group', 'search_read', [], 0, None, None,
            ['model', 'global_p', 'default_p', 'groups', 'rules',
                'perm_read'])
        rules = {r['id']: r['domain'] for r in cls.a(
                'ir.rule', 'search_read', [], 0, None, None, ['domain'])}
        cls.rule_groups = defaultdict(list)
        for group in groups:
            group['domains'] = [rules[r] for r in group['rules']]
            cls.rule_groups[group['model']].append(group)
        attacker_groups = set().union(*(a.groups for a in cls.attackers))
        cls.owner_ruled = sorted(
            model for model, groups_ in cls.rule_groups.items()
            if any(
                not g['global_p'] and g['domains'] and (
                    g['default_p'] or set(g['groups']) & attacker_groups)
                for g in groups_))
        access_fields = cls.a('ir.model.field', 'search_read',
            [('access', '=', True)], 0, None, None,
            ['model', 'name', 'relation'])
        cls.parents = defaultdict(list)
        for field in access_fields:
            cls.parents[field['model']].append(
                (field['name'], field['relation']))
        # The models hanging off a ruled model, at any depth
        children = set()
        changed = True
        while changed:
            changed = False
            for model, parents in cls.parents.items():
                if model in children or model in cls.owner_ruled:
                    continue
                if any(p in cls.owner_ruled or p in children
                        for _, p in parents):
                    children.add(model)
                    changed = True
        cls.children = sorted(children)
        cls.targets = sorted(set(cls.owner_ruled) | children)
        cls.fields = {}
        cls.victims = {}
        cls.visible = {}
        # A model the server does not serve over RPC (a relation table
        # without a view: no search, read, write …) is reached only
        # through its parent's fields, which are attacked with the parent
        cls.unexposed = []
        for model in cls.targets:
            try:
                all_ids = set(cls.a(model, 'search', [], 0, None, None,
                        context={'active_test': False}))
            except urllib.error.HTTPError as error:
                if error.code != 403:
                    raise
                cls.unexposed.append(model)
                continue
            for attacker in cls.attackers:
                visible = set(cls.a(model, 'search',
                        cls.rule_domain(model, attacker), 0, None, None,
                        context={'active_test': False}))
                cls.visible[model, attacker.login] = sorted(visible)
                cls.victims[model, attacker.login] = sorted(
                    all_ids - visible)
        cls.targets = [m for m in cls.targets if m not in cls.unexposed]
        assert 'party.party' in cls.owner_ruled, cls.owner_ruled
        assert cls.victims['party.party', 'wangfang'], \
            "no customer of 刘洋 to attack"

    @classmethod
    def fields_of(cls, model):
        if model not in cls.fields:
            cls.fields[model] = cls.a(model, 'fields_get', [])
        return cls.fields[model]

    @classmethod
    def rule_domain(cls, model, attacker, mode='read', path=None, seen=()):
        """The domain of what the rules let the attacker read, decoded as
        the server decodes it, through the parents (__access__)"""
        decoder = PYSONDecoder(attacker.rule_context())
        groups = set(attacker.groups)
        clause, clause_global = ['OR'], ['AND']
        for group in cls.rule_groups.get(model, []):
            if not group[f'perm_{mode}']:
                continue
            applies = (group['global_p'] or group['default_p']
                or set(group['groups']) & groups)
            if not applies:
                continue
            domains = [decoder.decode(d) for d in group['domains']]
            domain = ['OR', *domains] if domains else []
            if group['global_p']:
                clause_global.append(domain)
            else:
                clause.append(domain)
        result = ['AND']
        if len(clause) > 1:
            result.append(clause)
        result.append(clause_global)
        for field, parent in cls.parents.get(model, []):
            if parent in seen:
                continue
            result.append([(field, 'where', cls.rule_domain(
                            parent, attacker, mode, seen=seen + (model,)))])
        return result

    def record(self, family, model, path, attacker, leak=None, tried=True):
        self.matrix.record(family, model, path, attacker, leak, tried)

    def assertNoLeak(self, family):
        leaks = self.matrix.leaks.get(family, [])
        self.assertFalse(leaks, '\n'.join([f'{len(leaks)} leak(s):', *leaks]))

    def victims_of(self, model, attacker):
        return self.victims.get((model, attacker.login), [])

    def try_(self, function, *args, **kwargs):
        "The answer, or Refused"
        try:
            return function(*args, **kwargs)
        except Refused as refused:
            return refused
        except (RPCError, OSError) as error:
            return Refused(str(error)[:200])

    def admin_read(self, model, ids, names):
        return {r['id']: r for r in self.a(
                model, 'read', ids, names,
                context={'active_test': False})}

    def exists(self, model, ids):
        return self.a(model, 'search', [('id', 'in', ids)], 0, None, None,
            context={'active_test': False})

    # --- read paths --------------------------------------------------

    def test_unexposed_models_refused(self):
        """SYS-5: a model not served over RPC is refused to every
        attacker, whatever the method"""
        for model in self.unexposed:
            for attacker in self.attackers:
                for method, args in [
                        ('search', ([], 0, None, None)),
                        ('read', ([1], ['id'])),
                        ('create', ([{}],)),
                        ('delete', ([1],))]:
                    with self.subTest(model=model, who=attacker.login,
                            method=method):
                        with self.assertRaises(
                                urllib.error.HTTPError) as caught:
                            attacker.client.call(
                                f'model.{model}.{method}', *args,
                                attacker.client.context)
                        self.assertEqual(caught.exception.code, 403)

    def test_read_paths(self):
        """CRM-2 CON-4: search, count, read, search_read, export, domains
        and order on the victims answer nothing"""
        for model in self.targets:
            for attacker in self.attackers:
                victims = self.victims_of(model, attacker)
                if not victims:
                    continue
                victim = victims[0]
                domain = [('id', 'in', victims)]
                checks = {
                    'search': lambda: attacker.model(
                        model, 'search', domain, 0, None, None,
                        context={'active_test': False}),
                    'search_count': lambda: attacker.model(
                        model, 'search_count', domain,
                        context={'active_test': False}),
                    'read': lambda: attacker.model(
                        model, 'read', [victim], ['rec_name']),
                    'search_read': lambda: attacker.model(
                        model, 'search_read', domain, 0, None, None,
                        ['rec_name'], context={'active_test': False}),
                    'export_data': lambda: attacker.model(
                        model, 'export_data', [victim], ['rec_name'],
                        False),
                    'domain_own_field': lambda: attacker.model(
                        model, 'search_count',
                        [('id', '=', victim), ('rec_name', 'like', '%')],
                        context={'active_test': False}),
                    'order': lambda: attacker.model(
                        model, 'search', domain, 0, None,
                        [('rec_name', 'ASC')],
                        context={'active_test': False}),
                    }
                for path, check in checks.items():
                    answer = self.try_(check)
                    self.record('read', model, path, attacker,
                        self.read_leak(path, answer, victims))
        self.assertNoLeak('read')

    @staticmethod
    def read_leak(path, answer, victims):
        "What the answer gives away of the victims, or None"
        if isinstance(answer, Refused) or not answer:
            return None
        if path in {'search_count', 'domain_own_field'}:
            return f'count {answer}'
        if path in {'search', 'order', 'search_read'}:
            found = set(ids_of(answer)) & set(victims)
            return f'found {sorted(found)}' if found else None
        return f'{answer!r}'[:120]

    def test_related_domains(self):
        """CRM-2: a domain through a relation (dotted path) does not tell
        anything of a record the attacker may not read"""
        relations = self.a('ir.model.field', 'search_read',
            [('relation', 'in', self.targets),
                ('ttype', 'in', ['many2one', 'one2many', 'many2many'])],
            0, None, None, ['model', 'name', 'relation', 'ttype'])
        models = sorted({r['model'] for r in relations})
        values = {}
        for attacker in self.pair:
            access = attacker.model('ir.model.access', 'get_access', models)
            for relation in relations:
                model, name, target = (
                    relation['model'], relation['name'], relation['relation'])
                if not access.get(model, {}).get('read'):
                    continue
                probe = self.probe_field(target)
                key = target, attacker.login
                if key not in values:
                    values[key] = self.secret_value(target, probe, attacker)
                if not values[key]:
                    continue
                victim, value = values[key]
                scope = [(name, '=', victim)] if (
                    relation['ttype'] == 'many2one') else []
                answers = [self.try_(
                        attacker.model, model, 'search_count',
                        scope + [(f'{name}.{probe}', '=', v)],
                        context={'active_test': False})
                    for v in [value, value + MARK]]
                leak = None
                if not any(isinstance(x, Refused) for x in answers) \
                        and answers[0] != answers[1]:
                    leak = (f'{name}.{probe} = {value!r} of '
                        f'{target},{victim}: {answers[0]} vs {answers[1]}')
                self.record('related', model, f'domain {name}.{probe}',
                    attacker, leak)
        self.assertNoLeak('related')

    def secret_value(self, model, probe, attacker):
        """A victim and its probe value that no record the attacker may
        read shares, or None"""
        victims = self.victims_of(model, attacker)[:5]
        if not victims:
            return None
        values = self.admin_read(model, victims, [probe])
        for victim in victims:
            value = values[victim][probe]
            if not isinstance(value, str) or not value:
                continue
            if not self.a(model, 'search_count', [
                        ('id', 'in', self.visible[model, attacker.login]),
                        (probe, '=', value)],
                    context={'active_test': False}):
                return victim, value
        return None

    def probe_field(self, model):
        fields = self.fields_of(model)
        for name in ['name', 'code', 'number', 'reference', 'email']:
            if fields.get(name, {}).get('type') == 'char':
                return name
        return 'rec_name'

    # --- write paths -------------------------------------------------

    def writable_field(self, model, record):
        "A field to write on the record and a new value"
        fields = self.fields_of(model)
        for name, field in sorted(fields.items()):
            if (field['type'] in {'char', 'text'}
                    and not field.get('readonly')
                    and not field.get('translate')
                    and name not in {'rec_name', 'xml_id'}):
                return name, field
        return None, None

    def test_write_paths(self):
        """CRM-2 CON-8: write, delete and copy of the victims are refused
        and leave them as they were"""
        for model in self.targets:
            for attacker in self.pair:
                victims = self.victims_of(model, attacker)[:SAMPLE]
                if not victims:
                    continue
                victim = victims[0]
                before = self.admin_read(model, victims, ['write_date'])
                name, field = self.writable_field(model, victim)
                if name:
                    old = self.admin_read(model, [victim], [name])[victim][
                        name]
                    answer = self.try_(attacker.model, model, 'write',
                        [victim], {name: changed_value(field, old)})
                    after = self.admin_read(model, [victim], [name])[victim][
                        name]
                    leak = None
                    if not isinstance(answer, Refused) or after != old:
                        leak = f'{name}: {old!r} → {after!r}'
                        self.a(model, 'write', [victim], {name: old})
                    self.record('write', model, 'write', attacker, leak)
                answer = self.try_(
                    attacker.model, model, 'delete', [victim])
                leak = None
                if not isinstance(answer, Refused) or not self.exists(
                        model, [victim]):
                    leak = f'{victim} deleted'
                    self.victims[model, attacker.login].remove(victim)
                self.record('write', model, 'delete', attacker, leak)
                answer = self.try_(attacker.model, model, 'copy', [victim],
                    {})
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'copied as {answer}'
                    self.try_(self.a, model, 'delete', answer)
                self.record('write', model, 'copy', attacker, leak)
                after = self.admin_read(
                    model, self.exists(model, victims), ['write_date'])
                for id_, values in after.items():
                    if values['write_date'] != before[id_]['write_date']:
                        self.record('write', model, 'any write', attacker,
                            f'{id_} changed')
        self.assertNoLeak('write')

    def own_records(self, model, attacker, limit=5):
        "Records of the model the attacker may read and write"
        try:
            return attacker.model(model, 'search', [], 0, limit, None)
        except Refused:
            return []

    def test_foreign_references(self):
        """CRM-2 CON-4: a record of the attacker's cannot be made to point
        to a victim (create, copy, write), nor a victim added to the
        attacker's record (x2many add)"""
        relations = self.a('ir.model.field', 'search_read',
            [('relation', 'in', self.targets),
                ('ttype', 'in', ['many2one', 'one2many', 'many2many']),
                ('model', 'in', self.hopu_models + self.targets)],
            0, None, None, ['model', 'name', 'relation', 'ttype'])
        for attacker in self.pair:
            owns, creatable = {}, {}
            for relation in relations:
                model, name, target = (
                    relation['model'], relation['name'], relation['relation'])
                field = self.fields_of(model).get(name)
                if not field or field.get('readonly') or field.get(
                        'type') not in {'many2one', 'one2many', 'many2many'}:
                    continue
                victims = self.victims_of(target, attacker)
                if not victims:
                    continue
                if model not in owns:
                    owns[model] = self.own_records(model, attacker, limit=1)
                own = owns[model]
                if not own:
                    continue
                victim, record = victims[0], own[0]
                if relation['ttype'] == 'many2one':
                    value = victim
                else:
                    value = [('add', [victim])]
                old = self.admin_read(model, [record], [name])[record][name]
                answer = self.try_(
                    attacker.model, model, 'write', [record], {name: value})
                leak = None
                # an error rolls the whole request back
                if not isinstance(answer, Refused):
                    now = self.admin_read(model, [record], [name])[record][
                        name]
                    leak = f'{model},{record}.{name} ← {target},{victim}'
                    self.restore(model, record, name, old, now, relation)
                path = ('write foreign ' if relation['ttype'] == 'many2one'
                    else 'x2many add ') + name
                self.record('reference', model, path, attacker, leak)
                if relation['ttype'] != 'many2one':
                    continue
                # create and copy with a foreign Many2One: the same copy
                # without it shows the attacker may create the record
                if model not in creatable:
                    control = self.try_(attacker.model, model, 'copy',
                        [record], {})
                    creatable[model] = not isinstance(control, Refused)
                    if creatable[model]:
                        self.try_(self.a, model, 'delete', control)
                if not creatable[model]:
                    continue
                answer = self.try_(attacker.model, model, 'copy', [record],
                    {name: victim})
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'copy of {record} with {name}={victim}'
                    if isinstance(self.try_(self.a, model, 'delete', answer),
                            Refused):
                        # kept (a state forbids it): no longer the victim's
                        self.try_(self.a, model, 'write', answer,
                            {name: old})
                self.record('reference', model, f'create foreign {name}',
                    attacker, leak)
        self.assertNoLeak('reference')

    def restore(self, model, record, name, old, now, relation):
        if relation['ttype'] == 'many2one':
            self.try_(self.a, model, 'write', [record], {name: old})
        else:
            added = sorted(set(now) - set(old))
            if added:
                self.try_(self.a, model, 'write', [record],
                    {name: [('remove', added)]})

    # --- actions -----------------------------------------------------

    def buttons_of(self, model):
        names = {b['name'] for b in self.a('ir.model.button', 'search_read',
                [('model', '=', model)], 0, None, None, ['name'])}
        try:
            view = self.a(model, 'fields_view_get', None, 'form')
        except RPCError:
            view = {'arch': ''}
        names |= set(re.findall(
                r'<button\b[^>]*\bname="([^"]+)"', view['arch']))
        return sorted(names)

    def test_buttons(self):
        "CON-4 CON-8 CRM-4: no button of a model acts on a victim"
        for model in self.targets:
            buttons = self.buttons_of(model)
            if not buttons:
                continue
            for attacker in self.pair:
                victims = self.victims_of(model, attacker)
                if not victims:
                    continue
                victim = victims[0]
                before = self.admin_read(model, [victim], ['write_date'])
                for button in buttons:
                    answer = self.try_(
                        attacker.model, model, button, [victim])
                    leak = None
                    if not isinstance(answer, Refused):
                        leak = f'{button} on {victim}: {answer!r}'[:160]
                    self.record('action', model, f'button {button}',
                        attacker, leak)
                after = self.admin_read(
                    model, self.exists(model, [victim]), ['write_date'])
                if after != before:
                    self.record('action', model, 'buttons', attacker,
                        f'{victim} changed by a button')
        self.assertNoLeak('action')

    def test_wizards(self):
        """CRM-2: no wizard bound to a model starts on a victim
        (active_ids)"""
        keywords = self.a('ir.action.keyword', 'search_read',
            [('model', 'like', '%,-1')], 0, None, None,
            ['model', 'action'])
        actions = {}
        for keyword in keywords:
            model = keyword['model'].split(',')[0]
            if model in self.targets:
                actions.setdefault(model, set()).add(keyword['action'])
        wizards = self.a('ir.action.wizard', 'search_read',
            [('action', 'in', sorted(set().union(*actions.values())))],
            0, None, None, ['action', 'wiz_name'])
        by_action = {w['action']: w for w in wizards}
        for model, action_ids in sorted(actions.items()):
            for action_id in sorted(action_ids):
                wizard = by_action.get(action_id)
                if not wizard:
                    continue
                for attacker in self.attackers:
                    victims = self.victims_of(model, attacker)
                    if not victims:
                        continue
                    context = {
                        'active_model': model, 'active_id': victims[0],
                        'active_ids': victims[:SAMPLE],
                        'action_id': wizard['id']}
                    name = wizard['wiz_name']
                    answer = self.try_(attacker.call,
                        f'wizard.{name}.create', context=context)
                    leak = None
                    if not isinstance(answer, Refused):
                        session, start, _ = answer
                        step = self.try_(attacker.call,
                            f'wizard.{name}.execute', session, {}, start,
                            context=context)
                        if not isinstance(step, Refused):
                            leak = f'{name} started on {victims[0]}'
                        self.try_(attacker.call, f'wizard.{name}.delete',
                            session, context=context)
                    self.record('action', model, f'wizard {name}',
                        attacker, leak)
        self.assertNoLeak('action')

    def test_wizard_forms(self):
        """CRM-10 CRM-33: no wizard form takes a record the attacker may
        not read (started on the attacker's own record or from its menu)"""
        keywords = self.a('ir.action.keyword', 'search_read',
            [('model', 'like', '%,-1')], 0, None, None,
            ['model', 'action'])
        bound = defaultdict(set)
        for keyword in keywords:
            bound[keyword['action']].add(keyword['model'].split(',')[0])
        wizards = self.a('ir.action.wizard', 'search_read',
            [('wiz_name', 'like', 'hopu.%')], 0, None, None,
            ['action', 'wiz_name'])
        for wizard in wizards:
            models = sorted(bound.get(wizard['action'], [])) or [None]
            for model in models:
                for attacker in self.pair:
                    self.attack_wizard_form(wizard, model, attacker)
        self.assertNoLeak('wizard form')

    def attack_wizard_form(self, wizard, model, attacker):
        name = wizard['wiz_name']
        contexts = [{'action_id': wizard['id']}]
        if model:
            # the first of the attacker's records the wizard starts on
            contexts = [{**contexts[0], 'active_model': model,
                    'active_id': r, 'active_ids': [r]}
                for r in self.own_records(model, attacker, limit=20)]
        for context in contexts:
            started = self.try_(
                attacker.call, f'wizard.{name}.create', context=context)
            if isinstance(started, Refused):
                continue
            session, start, end = started
            try:
                step = self.try_(attacker.call, f'wizard.{name}.execute',
                    session, {}, start, context=context)
                view = step.get('view') if isinstance(step, dict) else None
                if view:
                    self.attack_wizard_view(
                        name, model, attacker, context, session, start, end,
                        view)
                    return
            finally:
                self.try_(attacker.call, f'wizard.{name}.delete', session,
                    context=context)

    def attack_wizard_view(
            self, name, model, attacker, context, session, start, end, view):
        fields = view['fields_view']['fields']
        values = {**(view.get('defaults') or {}),
            **(view.get('values') or {})}
        values = {k: v for k, v in values.items()
            if '.' not in k and fields.get(k, {}).get('type') not in {
                'one2many', 'many2many'}}
        buttons = [b['state'] for b in view.get('buttons', [])
            if b['state'] != end]
        for fname, field in sorted(fields.items()):
            if field.get('type') != 'many2one' or (
                    field.get('relation') not in self.targets):
                continue
            victims = self.victims_of(field['relation'], attacker)
            if not victims or not buttons:
                continue
            data = {start: {**values, fname: victims[0]}}
            answer = self.try_(attacker.call, f'wizard.{name}.execute',
                session, data, buttons[0], context=context)
            leak = None
            if not isinstance(answer, Refused):
                leak = (f'{buttons[0]} with {fname}='
                    f'{field["relation"]},{victims[0]}')
            self.record('wizard form', model or name,
                f'wizard {name} form {fname}', attacker, leak)

    def test_reports(self):
        "CRM-2 CON-4: no report of a model prints a victim"
        reports = self.a('ir.action.report', 'search_read',
            [('model', 'in', self.targets)], 0, None, None,
            ['model', 'report_name', 'action'])
        for report in reports:
            model = report['model']
            for attacker in self.attackers:
                victims = self.victims_of(model, attacker)
                if not victims:
                    continue
                data = {'model': model, 'id': victims[0],
                    'ids': victims[:SAMPLE], 'action_id': report['id']}
                answer = self.try_(attacker.call,
                    f'report.{report["report_name"]}.execute',
                    victims[:SAMPLE], data)
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'{report["report_name"]} printed {victims[0]}'
                self.record('action', model,
                    f'report {report["report_name"]}', attacker, leak)
        self.assertNoLeak('action')

    def test_on_change(self):
        """CRM-2 CON-1: on_change and on_change_with of a record pointing
        to a victim do not compute anything from it"""
        models = sorted(set(self.hopu_models) | set(self.targets))
        for model in models:
            fields = self.fields_of(model)
            for fname, field in sorted(fields.items()):
                for kind in ['on_change', 'on_change_with']:
                    depends = field.get(kind) or []
                    references = [d for d in depends
                        if fields.get(d, {}).get('type') == 'many2one'
                        and fields[d].get('relation') in self.targets]
                    if not references:
                        continue
                    for attacker in self.pair:
                        for reference in references:
                            self.attack_on_change(model, fname, kind,
                                depends, reference, attacker)
        self.assertNoLeak('on_change')

    def attack_on_change(self, model, fname, kind, depends, reference,
            attacker):
        target = self.fields_of(model)[reference]['relation']
        victims = self.victims_of(target, attacker)
        if not victims:
            return
        values = {d: None for d in depends if '.' not in d}
        values['id'] = -1
        answers = []
        for value in [victims[0], None]:
            values[reference] = value
            answers.append(self.try_(
                    attacker.model, model, kind, dict(values), [fname]))
        leak = None
        if not isinstance(answers[0], Refused) and self.computed_from(
                answers[0], answers[1]):
            leak = (f'{kind} {fname} with {reference}={victims[0]}: '
                f'{answers[0]!r}')[:160]
        self.record('on_change', model, f'{kind} {fname}', attacker, leak)

    @staticmethod
    def computed_from(answer, baseline):
        "Whether the answer holds values the baseline answer has not"
        if isinstance(answer, list):
            answer = {k: v for a in answer for k, v in a.items()}
        if isinstance(baseline, list):
            baseline = {k: v for a in baseline for k, v in a.items()}
        if not isinstance(baseline, dict):
            baseline = {}
        return any(value not in (None, [], {}, '')
            and baseline.get(key) != value
            for key, value in answer.items())

    # --- fields ------------------------------------------------------

    def test_user_secrets(self):
        """SYS-3 SYS-4: no domain and no order on the secret fields of
        res.user tells anything of them"""
        victim = self.victim_uid
        probes = {
            'password_hash': '$',
            'password_reset': RESET_TOKEN[0],
            'password': RESET_TOKEN[0],
            }
        for attacker in self.attackers:
            for name in SECRET_FIELDS:
                pairs = [
                    ([(name, 'like', probes[name] + '%')],
                        [(name, 'like', MARK + '%')]),
                    ([(name, '!=', None)], [(name, '=', None)]),
                    ]
                leak = None
                for true, false in pairs:
                    answers = [self.try_(attacker.model, 'res.user',
                            'search_count', [('id', '=', victim)] + d,
                            context={'active_test': False})
                        for d in [true, false]]
                    if not any(isinstance(x, Refused) for x in answers) \
                            and answers[0] != answers[1]:
                        leak = f'{true} → {answers[0]}, {false} → ' \
                            f'{answers[1]}'
                self.record('secret', 'res.user', f'domain {name}',
                    attacker, leak)
                orders = [self.try_(attacker.model, 'res.user', 'search',
                        [], 0, None, [(name, d), ('id', 'ASC')],
                        context={'active_test': False})
                    for d in ['ASC', 'DESC']]
                leak = None
                if not any(isinstance(x, Refused) for x in orders) \
                        and orders[0] != orders[1]:
                    leak = f'order by {name} answered'
                self.record('secret', 'res.user', f'order {name}',
                    attacker, leak)
        self.assertNoLeak('secret')

    def context_flags(self):
        """The context keys the Hopu modules read that a client may send
        (not starting with '_')"""
        keys = set()
        for module in paths.HOPU_MODULES:
            folder = paths.ROOT / 'addons' / module
            for source in folder.glob('*.py'):
                text = source.read_text()
                keys.update(re.findall(
                        r"context\.get\(\s*'(hopu_[a-z_]+)'", text))
                keys.update(re.findall(
                        r"context\[\s*'(hopu_[a-z_]+)'\](?!\s*=)", text))
        return sorted(keys)

    def test_readonly_fields(self):
        """CRM-4 CRM-30 CRM-33: a read-only field of the salesperson's own
        record is not written over RPC, with or without the context flags
        the modules read"""
        flags = self.context_flags()
        contexts = {'': {}}
        if flags:
            contexts[' +flags'] = {
                k: ('x' if k.endswith('reason') else True) for k in flags}
        attacker = self.attackers[0]
        models = sorted(set(self.hopu_models) | set(self.targets))
        for model in models:
            fields = self.fields_of(model)
            readonly = sorted(n for n, f in fields.items()
                if f.get('readonly') and f['type'] in SIMPLE_TYPES
                and n not in {'id', 'rec_name', 'xml_id', 'create_date',
                    'write_date', 'create_uid', 'write_uid',
                    'last_modified_at'})
            own = self.own_records(model, attacker, limit=1)
            if not readonly or not own:
                continue
            record = own[0]
            old = self.admin_read(model, [record], readonly)[record]
            written = set()
            for suffix, context in contexts.items():
                tried = []
                for fname in readonly:
                    field = fields[fname]
                    if fname in written:
                        continue
                    candidates = []
                    if field['type'] == 'many2one':
                        candidates = self.own_records(
                            field['relation'], attacker)
                    value = changed_value(field, old[fname], candidates)
                    if value is None:
                        continue
                    self.try_(attacker.model, model, 'write', [record],
                        {fname: value}, context=context)
                    tried.append(fname)
                new = self.admin_read(model, [record], tried)[record]
                for fname in tried:
                    leak = None
                    if not same(new[fname], old[fname]):
                        leak = (f'{record}.{fname}: {old[fname]!r} → '
                            f'{new[fname]!r}')[:160]
                        written.add(fname)
                    self.record('readonly', model,
                        f'readonly {fname}{suffix}', attacker, leak)
            if written:
                restore = {f: old[f] for f in written}
                if isinstance(self.try_(self.a, model, 'write', [record],
                            restore), Refused):
                    for fname, value in restore.items():
                        self.try_(self.a, model, 'write', [record],
                            {fname: value})
        self.assertNoLeak('readonly')

    def test_configuration_models(self):
        """SYS-5 CON-4: a Hopu model without owner rules (configuration,
        approval rules and their steps) is written only by who holds an
        explicit write right on it"""
        accesses = self.a('ir.model.access', 'search_read',
            [('model', 'in', self.hopu_models)], 0, None, None,
            ['model', 'group', 'perm_write'])
        for model in self.hopu_models:
            if model in self.targets:
                continue
            fields = self.fields_of(model)
            try:
                records = self.a(model, 'search', [], 0, 1, None,
                    context={'active_test': False})
            except (RPCError, OSError):
                # not a storage model (a wizard's form)
                continue
            if not records:
                continue
            record = records[0]
            names = [n for n, f in sorted(fields.items())
                if f['type'] in {'char', 'integer', 'selection'}
                and not f.get('readonly') and n != 'rec_name']
            if not names:
                continue
            name = names[0]
            old = self.admin_read(model, [record], [name])[record][name]
            models = [model] + [p for _, p in self.parents.get(model, [])]
            for attacker in self.attackers:
                granted = any(a['perm_write'] and a['model'] in models
                    and (a['group'] is None or a['group'] in attacker.groups)
                    for a in accesses)
                if granted:
                    continue
                answer = self.try_(attacker.model, model, 'write',
                    [record], {name: old})
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'{model},{record}.{name} written without right'
                self.record('configuration', model, 'write config',
                    attacker, leak)
        self.assertNoLeak('configuration')

    # --- ERP-3: the warehouse clerk on the ERP documents --------------

    def erp_victims(self, attacker):
        """ERP_DOCUMENTS → the ids the clerk may not touch, as the
        administrator reads them: every record of a model without his read
        right, the records of another company otherwise; with an 入库单
        and a 库存调整 of OTHER_COMPANY made for the test"""
        self.other_company = self.erp_other_company_documents()
        victims = {}
        # the access the server gives him (through __access__ for a
        # document's lines)
        access = attacker.model('ir.model.access', 'get_access',
            ERP_DOCUMENTS)
        for model in ERP_DOCUMENTS:
            ids = self.a(model, 'search', [], 0, None, None,
                context={'active_test': False})
            if access.get(model, {}).get('read'):
                company = self.company_path(model)
                if not company:
                    continue
                ids = self.a(model, 'search', [
                        (company, 'not in', attacker.companies)],
                    0, None, None, context={'active_test': False})
            victims[model] = ids
        return victims

    def company_path(self, model):
        "The field path of the model's company: its own or its document's"
        if 'company' in self.fields_of(model):
            return 'company'
        for name, parent in self.parents.get(model, []):
            if 'company' in self.fields_of(parent):
                return f'{name}.company'
        return None

    def erp_other_company_documents(self):
        """An 入库单 and a 库存调整 of OTHER_COMPANY, deleted after the test.

        The company rules ('公司中的用户') let a user see and create the
        records of the companies res.user.get_companies gives: with the
        filter 「当前」 his current company only, cached by user (not by the
        context). For the test the administrator works in every company of
        his (filter 「全部」, OTHER_COMPANY added to them), and the documents
        are created with OTHER_COMPANY as the context's company, as the
        client sends it (the documents' company field takes the context's
        company only)."""
        company, = self.a('company.company', 'search',
            [('party.name', '=', OTHER_COMPANY)], 0, None, None)
        admin, = self.a('res.user', 'read', [self.admin_uid],
            ['companies', 'company_filter'])
        self.a('res.user', 'write', [self.admin_uid], {
                'companies': [('add', [company])], 'company_filter': 'all'})
        restore = {'company_filter': admin['company_filter']}
        if company not in admin['companies']:
            restore['companies'] = [('remove', [company])]
        self.addCleanup(self.a, 'res.user', 'write', [self.admin_uid],
            restore)
        other = {'company': company, 'companies': [company]}
        warehouse, = self.a('stock.location', 'search',
            [('code', '=', 'SH'), ('type', '=', 'warehouse')], 0, None, None)
        storage, = self.a('stock.location', 'read', [warehouse],
            ['storage_location'])
        storage = storage['storage_location']
        lost_found, = self.a('stock.location', 'search',
            [('type', '=', 'lost_found')], 0, 1, None)
        self.erp_locations = lost_found, storage
        product, = self.a('product.product', 'search',
            [('type', '=', 'goods')], 0, 1, [('id', 'ASC')])
        unit, = self.a('product.product', 'read', [product], ['default_uom'])
        unit = unit['default_uom']
        # the documents with a line each (a move, an adjustment line)
        shipment, = self.a('stock.shipment.internal', 'create', [{
                    'company': company, 'hopu_kind': 'in',
                    'hopu_reason': '上海分公司样品退回',
                    'from_location': lost_found, 'to_location': storage,
                    'moves': [('create', [{
                                    'product': product, 'unit': unit,
                                    'quantity': 1, 'company': company,
                                    'from_location': lost_found,
                                    'to_location': storage}])],
                    }], context=other)
        self.addCleanup(self.quietly, 'stock.shipment.internal', 'delete',
            [shipment])
        adjustment, = self.a('hopu.stock.adjustment', 'create', [{
                    'company': company, 'warehouse': warehouse,
                    'reason': '上海分公司盘盈',
                    'lines': [('create', [{
                                    'product': product, 'location': storage,
                                    'quantity': 1, 'reason': '盘盈'}])],
                    }], context=other)
        self.addCleanup(self.quietly, 'hopu.stock.adjustment', 'delete',
            [adjustment])
        return company

    def test_erp_clerk(self):
        """ERP-1 ERP-3 SYS-5: the warehouse clerk 李强 on the ERP documents
        of another company and of programs he has no right on: search,
        count, read, export, domains, write, delete, copy, buttons and
        reports answer nothing and change nothing; an 入库单 created in the
        other company is refused"""
        attacker = Attacker(self.url, self.name, ERP_ATTACKER, self.admin)
        victims = self.erp_victims(attacker)
        # the suite has victims: the other company's documents and the
        # purchase chain of the demo
        for model in ['stock.shipment.internal', 'hopu.stock.adjustment',
                'hopu.stock.adjustment.line', 'stock.move',
                'purchase.purchase', 'hopu.stock.take', 'account.invoice']:
            self.assertTrue(victims.get(model), model)
        buttons = defaultdict(list)
        for button in self.a('ir.model.button', 'search_read',
                [('model', 'in', ERP_DOCUMENTS)], 0, None, None,
                ['model', 'name']):
            buttons[button['model']].append(button['name'])
        reports = defaultdict(list)
        for report in self.a('ir.action.report', 'search_read',
                [('model', 'in', ERP_DOCUMENTS)], 0, None, None,
                ['model', 'report_name']):
            reports[report['model']].append(report['report_name'])
        for model, ids in victims.items():
            if not ids:
                continue
            sample = ids[:SAMPLE]
            victim = sample[0]
            domain = [('id', 'in', ids)]
            checks = {
                'search': lambda: attacker.model(
                    model, 'search', domain, 0, None, None,
                    context={'active_test': False}),
                'search_count': lambda: attacker.model(
                    model, 'search_count', domain,
                    context={'active_test': False}),
                'read': lambda: attacker.model(
                    model, 'read', [victim], ['rec_name']),
                'search_read': lambda: attacker.model(
                    model, 'search_read', domain, 0, None, None,
                    ['rec_name'], context={'active_test': False}),
                'export_data': lambda: attacker.model(
                    model, 'export_data', [victim], ['rec_name'], False),
                'domain_own_field': lambda: attacker.model(
                    model, 'search_count',
                    [('id', '=', victim), ('rec_name', 'like', '%')],
                    context={'active_test': False}),
                }
            for path, check in checks.items():
                answer = self.try_(check)
                self.record('erp', model, path, attacker,
                    self.read_leak(path, answer, ids))
            before = self.admin_read(model, sample, ['write_date'])
            name, field = self.writable_field(model, victim)
            if name:
                old = self.admin_read(model, [victim], [name])[victim][name]
                answer = self.try_(attacker.model, model, 'write', [victim],
                    {name: changed_value(field, old)})
                after = self.admin_read(model, [victim], [name])[victim][name]
                leak = None
                if not isinstance(answer, Refused) or after != old:
                    leak = f'{name}: {old!r} → {after!r}'
                    self.a(model, 'write', [victim], {name: old})
                self.record('erp', model, 'write', attacker, leak)
            answer = self.try_(attacker.model, model, 'delete', [victim])
            leak = None
            if not isinstance(answer, Refused) or not self.exists(
                    model, [victim]):
                leak = f'{victim} deleted'
            self.record('erp', model, 'delete', attacker, leak)
            answer = self.try_(attacker.model, model, 'copy', [victim], {})
            leak = None
            if not isinstance(answer, Refused):
                leak = f'copied as {answer}'
                self.try_(self.a, model, 'delete', answer)
            self.record('erp', model, 'copy', attacker, leak)
            for button in buttons.get(model, []):
                answer = self.try_(attacker.model, model, button, sample)
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'{button} pressed'
                self.record('erp', model, f'button {button}', attacker, leak)
            for report in reports.get(model, []):
                answer = self.try_(attacker.call, f'report.{report}.execute',
                    sample, {'model': model, 'id': victim, 'ids': sample})
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'{report} printed'
                self.record('erp', model, f'report {report}', attacker, leak)
            after = self.admin_read(model, sample, ['write_date'])
            if after != before:
                self.record('erp', model, 'unchanged', attacker,
                    f'changed: {before} → {after}')
        # an 入库单 in the other company, with the clerk's context and with
        # the other company's (the context is the client's to send)
        company = self.other_company
        for suffix, context in [
                ('', {}),
                (' (context company)', {
                        'company': company, 'companies': [company]})]:
            answer = self.try_(attacker.model, 'stock.shipment.internal',
                'create', [{'company': company, 'hopu_kind': 'in',
                        'hopu_reason': '越权入库',
                        'from_location': self.erp_locations[0],
                        'to_location': self.erp_locations[1]}],
                context=context)
            leak = None
            if not isinstance(answer, Refused):
                leak = f'created {answer} in {OTHER_COMPANY}'
                self.quietly('stock.shipment.internal', 'delete', answer)
            self.record('erp', 'stock.shipment.internal',
                f'create elsewhere{suffix}', attacker, leak)
        self.assertNoLeak('erp')

    def test_receiving_clerk_moves(self):
        """ERP-1 SYS-5: the receiving clerk 吴敏 (采购到货, its rights on
        stock.move) writes and deletes the moves of the supplier shipments
        only: a draft move of an 入库单 and a move of no document (库存移动)
        are refused to write and to delete, and stay as they were"""
        attacker = Attacker(
            self.url, self.name, RECEIVING_CLERK, self.admin)
        access = attacker.model('ir.model.access', 'get_access',
            ['stock.move'])
        # he has the rights: the rule alone refuses
        self.assertTrue(access['stock.move']['write'])
        self.assertTrue(access['stock.move']['delete'])
        company = attacker.companies[0]
        warehouse, = self.a('stock.location', 'search',
            [('type', '=', 'warehouse')], 0, 1, [('id', 'ASC')])
        storage, = self.a('stock.location', 'read', [warehouse],
            ['storage_location'])
        storage = storage['storage_location']
        lost_found, = self.a('stock.location', 'search',
            [('type', '=', 'lost_found')], 0, 1, None)
        product, = self.a('product.product', 'search',
            [('type', '=', 'goods')], 0, 1, [('id', 'ASC')])
        unit, = self.a('product.product', 'read', [product], ['default_uom'])
        move = {
            'product': product, 'unit': unit['default_uom'], 'quantity': 5,
            'company': company, 'from_location': lost_found,
            'to_location': storage}
        shipment, = self.a('stock.shipment.internal', 'create', [{
                    'company': company, 'hopu_kind': 'in',
                    'hopu_reason': '样品退回',
                    'from_location': lost_found, 'to_location': storage,
                    'moves': [('create', [move])],
                    }])
        self.addCleanup(self.quietly, 'stock.shipment.internal', 'delete',
            [shipment])
        free, = self.a('stock.move', 'create', [move])
        self.addCleanup(self.quietly, 'stock.move', 'delete', [free])
        internal, = self.a('stock.shipment.internal', 'read', [shipment],
            ['moves'])[0]['moves']
        for name, victim in [('入库单', internal), ('库存移动', free)]:
            before = self.admin_read(
                'stock.move', [victim], ['quantity', 'write_date'])
            for path, call in [
                    ('write', lambda: attacker.model('stock.move', 'write',
                            [victim], {'quantity': 99})),
                    ('delete', lambda: attacker.model(
                            'stock.move', 'delete', [victim]))]:
                answer = self.try_(call)
                leak = None
                if not isinstance(answer, Refused):
                    leak = f'{name} move {victim}: {path} {answer!r}'
                self.record('receipt', 'stock.move', f'{path} ({name})',
                    attacker, leak)
            after = self.admin_read(
                'stock.move', [victim], ['quantity', 'write_date'])
            if after != before:
                self.record('receipt', 'stock.move', f'unchanged ({name})',
                    attacker, f'changed: {before} → {after}')
            self.assertTrue(self.exists('stock.move', [victim]))
        self.assertNoLeak('receipt')

    def test_victims_exist(self):
        "The suite has victims: every attacker is refused something"
        for attacker in self.attackers:
            with self.subTest(attacker=attacker.login):
                self.assertTrue(any(
                        self.victims_of(m, attacker) for m in self.targets))
        self.assertIn('hopu.contract.line', self.targets)
        self.assertIn('hopu.approval.rule.step', self.hopu_models)
