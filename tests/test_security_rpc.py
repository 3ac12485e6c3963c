"""Issue 13 over JSON-RPC: salesperson 王芳 (wangfang) attacks the records of
刘洋 (liuyang) on a served demo database, one test per class of hole
(SYS-3, SYS-5, CRM-2, CRM-4, CRM-15, CRM-30, CON-1)."""
import datetime as dt
import unittest

from hopu_cli import demo

from .support import (
    Client, RPCError, backend_uri, demo_database, running_server)


def rpc_date(date):
    return {
        '__class__': 'date',
        'year': date.year, 'month': date.month, 'day': date.day}


class SecurityRPCTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.name, _ = demo_database()
        server = running_server(cls.db_uri)
        cls.url = server.__enter__()
        cls.addClassCleanup(server.__exit__, None, None, None)
        cls.admin = cls.client('admin', demo.ADMIN_PASSWORD)
        cls.wangfang = cls.client('wangfang')
        customers = cls.admin.model(
            'party.party', 'search_read', [('crm_stage', '!=', None)],
            0, None, [('id', 'ASC')],
            ['name', 'crm_stage', 'salesperson', 'protection_end'])
        employee = cls.wangfang.context['employee']
        liuyang, = cls.admin.model(
            'company.employee', 'search', [('party.name', '=', '刘洋')],
            0, None, None)
        cls.own = [c for c in customers if c['salesperson'] == employee]
        cls.foreign = [c for c in customers if c['salesperson'] == liuyang]
        cls.employee = employee
        cls.liuyang = liuyang

    @classmethod
    def client(cls, login, password=demo.DEMO_PASSWORD):
        client = Client(cls.url, cls.name)
        client.uid = client.login(login, password)
        return client

    def assertRefused(self, call, *args, text=None):
        with self.assertRaises(RPCError) as cm:
            call(*args)
        error = cm.exception.args[0]
        self.assertEqual(error[0], 'UserError', error)
        if text:
            self.assertIn(text, error[1][0])
        return error

    def own_customer(self, stage):
        return next(c for c in self.own if c['crm_stage'] == stage)

    def foreign_customer(self, stage):
        return next(c for c in self.foreign if c['crm_stage'] == stage)

    def test_1_secret_fields_of_users(self):
        "SYS-3 SYS-4: no domain or order on password fields, even dotted"
        w = self.wangfang
        uid = w.uid
        for model, domain in [
                ('res.user', [('password_hash', 'like', '$%')]),
                ('res.user',
                    [('id', '=', uid), ('password_reset', 'like', 'Q%')]),
                ('res.user', [('password', '=', 'x')]),
                ('party.party', [('create_uid.password_hash', 'like', '$%')]),
                ('company.employee',
                    [('create_uid.password_reset', '!=', None)]),
                ]:
            with self.subTest(model=model, domain=domain):
                self.assertRefused(
                    w.model, model, 'search_count', domain, 0, None,
                    text='保密')
        self.assertRefused(
            w.model, 'res.user', 'search', [], 0, None,
            [('password_hash', 'ASC')], text='保密')

    def test_4_references_to_foreign_records(self):
        "CRM-2 CRM-13 CRM-15: foreign records refused as values and data"
        w = self.wangfang
        foreign = self.foreign_customer('existing')
        count = self.admin.model(
            'hopu.crm.daily_report', 'search_count',
            [('customer', '=', foreign['id'])], 0, None)
        self.assertRefused(
            w.model, 'hopu.crm.daily_report', 'create', [{
                    'kind': 'customer',
                    'date': rpc_date(dt.date(2026, 11, 30)),
                    'salesperson': self.employee,
                    'customer': foreign['id'],
                    'content': "拜访",
                    }], text='无权查看')
        self.assertEqual(self.admin.model(
                'hopu.crm.daily_report', 'search_count',
                [('customer', '=', foreign['id'])], 0, None), count)

        # on_change with a foreign customer or the id of a foreign contract
        self.assertRefused(
            w.model, 'hopu.crm.contact_record', 'on_change_with',
            {'customer': foreign['id']}, ['customer_stage'],
            text='无权查看')
        contract, = self.admin.model(
            'hopu.contract', 'search',
            [('salesperson', '=', self.liuyang)], 0, 1, None)
        self.assertRefused(
            w.model, 'hopu.contract', 'on_change_with',
            {'id': contract}, ['lines_amount'], text='无权查看')

        # 转化 'link' into liuyang's customer
        lead = self.own_customer('follow_up')
        context = dict(w.context, active_model='party.party',
            active_id=lead['id'], active_ids=[lead['id']])
        session, _, _ = w.call(
            'wizard.hopu.crm.convert.create', context)
        self.assertRefused(
            w.call, 'wizard.hopu.crm.convert.execute', session, {
                'start': {
                    'lead': lead['id'], 'mode': 'link',
                    'customer': foreign['id'], 'contacts': [],
                    },
                }, 'convert', context)
        lead_after, = self.admin.model(
            'party.party', 'read', [lead['id']], ['crm_stage'])
        self.assertEqual(lead_after['crm_stage'], 'follow_up')

    def test_5_domains_through_relations(self):
        "CRM-2: a domain through a relation matches readable targets only"
        w = self.wangfang
        foreign = self.foreign_customer('existing')
        own = self.own_customer('existing')
        for name, expected in [(foreign['name'], 0), (own['name'], 1)]:
            for domain in [
                    [('customers.name', '=', name)],
                    [('owner_history.customer.name', '=', name)],
                    [('customers', 'ilike', name)],
                    ]:
                with self.subTest(domain=domain):
                    self.assertEqual(w.model(
                            'company.employee', 'search_count', domain,
                            0, None), expected)

    def test_6_attachments_and_notes(self):
        "CRM-2: attachments and notes follow the rules of their record"
        foreign = self.foreign_customer('existing')
        resource = f"party.party,{foreign['id']}"
        attachment, = self.admin.model('ir.attachment', 'create', [{
                    'name': 'contract.txt', 'resource': resource,
                    'type': 'data', 'data': {
                        '__class__': 'bytes', 'base64': 'c2VjcmV0'},
                    }])
        note, = self.admin.model('ir.note', 'create', [{
                    'resource': resource, 'message': "底价 88 万"}])
        w = self.wangfang
        self.assertRefused(
            w.model, 'ir.attachment', 'export_data', [attachment],
            ['name', 'data'])
        self.assertRefused(
            w.model, 'ir.note', 'export_data', [note], ['message'])
        self.assertRefused(
            w.model, 'ir.note', 'read', [note], ['message'])

    def test_7_readonly_and_workflow_fields(self):
        "CRM-4 CRM-30: read-only and state fields are not written directly"
        w = self.wangfang
        own = self.own_customer('potential')
        self.assertRefused(
            w.model, 'party.party', 'write', [own['id']],
            {'protection_end': rpc_date(dt.date(2099, 1, 1))},
            text='只读')
        self.assertRefused(
            w.model, 'party.party', 'write', [own['id']],
            {'pool_date': rpc_date(dt.date(2099, 1, 1))}, text='只读')
        after, = self.admin.model(
            'party.party', 'read', [own['id']], ['protection_end'])
        self.assertEqual(after['protection_end'], own['protection_end'])

        opportunity, = w.model(
            'sale.opportunity', 'search',
            [('state', '=', 'opportunity')], 0, 1, None)
        self.assertRefused(
            w.model, 'sale.opportunity', 'write', [opportunity],
            {'state': 'won'}, text='只读')
        mailing, = w.model('hopu.crm.mailing', 'search', [], 0, 1, None)
        for values in [{'state': 'done'}, {'url_base': 'http://evil/'}]:
            self.assertRefused(
                w.model, 'hopu.crm.mailing', 'write', [mailing], values,
                text='只读')
        # what sao sends on a save is still accepted
        w.model('party.party', 'write', [own['id']], {'name': own['name']})

    def test_8_server_rules_not_switched_off_by_context(self):
        "CRM-15: the client's context cannot skip the stage rules"
        w = self.wangfang
        own = self.own_customer('potential')
        context = dict(w.context, hopu_crm_stage_change=True,
            hopu_crm_skip_duplicate=True, hopu_crm_reason="x",
            _hopu_crm_stage_change=True)
        self.assertRefused(
            w.call, 'model.party.party.write', [own['id']],
            {'crm_stage': 'converted'}, context)
        after, = self.admin.model(
            'party.party', 'read', [own['id']], ['crm_stage'])
        self.assertEqual(after['crm_stage'], 'potential')

    def test_9_claim_and_duplicates_name_no_foreign_customer(self):
        "CRM-4 CRM-11: claim and duplicate warning keep others' names"
        w = self.wangfang
        foreign = self.foreign_customer('existing')
        error = self.assertRefused(
            w.model, 'party.party', 'crm_claim', [foreign['id']])
        self.assertNotIn(foreign['name'], error[1][0])
        self.assertNotIn('刘洋', error[1][0])
        after, = self.admin.model(
            'party.party', 'read', [foreign['id']], ['salesperson'])
        self.assertEqual(after['salesperson'], self.liuyang)

        phones = self.admin.model(
            'party.contact_mechanism', 'search_read', [
                ('type', 'in', ['phone', 'mobile']),
                ('party.salesperson', '=', self.liuyang),
                ], 0, None, None, ['value', 'party.name'])
        phone = phones[0]
        with self.assertRaises(RPCError) as cm:
            w.model('party.party', 'create', [{
                        'name': "测试重复公司",
                        'crm_stage': 'potential',
                        'salesperson': self.employee,
                        'contact_mechanisms': [('create', [{
                                        'type': 'phone',
                                        'value': phone['value'],
                                        }])],
                        }])
        error = cm.exception.args[0]
        self.assertEqual(error[0], 'UserWarning', error)
        text = error[1][1]
        self.assertNotIn(phone['party.']['name'], text)
        self.assertIn('其他业务员名下的客户', text)

    def test_9_internal_parties_not_written_by_salespeople(self):
        "SYS-1 CRM-1: a colleague's or the company's party is not theirs"
        w = self.wangfang
        colleague, = self.admin.model(
            'company.employee', 'read', [self.liuyang], ['party'])
        companies = self.admin.model(
            'company.company', 'search_read', [], 0, 1, None, ['party'])
        for party in [colleague['party'], companies[0]['party']]:
            name, = self.admin.model('party.party', 'read', [party], ['name'])
            with self.subTest(party=name['name']):
                self.assertRefused(
                    w.model, 'party.party', 'write', [party],
                    {'name': "改名"})
                after, = self.admin.model(
                    'party.party', 'read', [party], ['name'])
                self.assertEqual(after['name'], name['name'])

    def test_9_no_forged_unsubscribe(self):
        "CRM-33: no recipient line or opt-out with another's customer's email"
        w = self.wangfang
        contacts = self.admin.model(
            'hopu.crm.contact', 'search_read', [
                ('customer.salesperson', '=', self.liuyang),
                ('email', '!=', None),
                ], 0, 1, None, ['email'])
        email = contacts[0]['email']
        own = self.own_customer('existing')
        mailings = w.model(
            'hopu.crm.mailing', 'search', [('state', '=', 'draft')],
            0, 1, None)
        if not mailings:
            # the demo's draft mailing may have been used by an earlier test
            mailings = w.model('hopu.crm.mailing', 'create', [{
                        'name': "退订测试", 'subject': "退订测试",
                        'body': "${客户}"}])
        mailing, = mailings
        self.assertRefused(
            w.model, 'hopu.crm.mailing.recipient', 'create', [{
                    'mailing': mailing, 'customer': own['id'],
                    'email': email.upper(),
                    }], text='其他业务员')
        self.assertRefused(
            w.model, 'hopu.crm.mailing.optout', 'create', [{
                    'customer': own['id'], 'email': email,
                    'date': {'__class__': 'datetime', 'year': 2026,
                        'month': 11, 'day': 30, 'hour': 8, 'minute': 0,
                        'second': 0, 'microsecond': 0},
                    }], text='其他业务员')
        self.assertFalse(self.admin.model(
                'hopu.crm.mailing.optout', 'search',
                [('email', '=', email.lower())], 0, None, None))
