"""Every string a Hopu user can meet on a screen is in Chinese (issue 12
item 3; ERP-8): the screens are enumerated from the menus as the server
describes them to sao — menu and action names, the related-record and
print actions of each record, the tabs of a list, the views of each model
reached (form, list, graph, calendar, the lists and forms of the records
they hold), their labels, pages, buttons, field labels, help texts and
selection values, the wizards' views and buttons, the messages of the
modules — for Hopu and the official modules it ships; and the names of
every model (ir.model), which sao shows in a reference field (关键词 of an
action, 资源 of an attachment), the model lists of the rights and of the
administration, a view's name and an access error.  A string is
untranslated when its zh_CN text is the English one.  Left out: the
selections in NAMED_SELECTIONS.

The strings come from the modules' translation files, the same on both
backends: this suite runs with the SQLite run only."""
import re
import unittest
from collections import namedtuple

import polib
from lxml import etree

from hopu_cli import paths
from trytond.modules import get_module_info
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .support import sqlite_only

load_tests = sqlite_only

LANGUAGE = 'zh_CN'
ARCH_ATTRIBUTES = ['string', 'help', 'confirm']
KEYWORDS = ['form_relate', 'form_action', 'form_print', 'tree_open']
# The official modules whose messages a Hopu user can meet
MESSAGE_MODULES = [
    'ir', 'res', 'party', 'company', 'country', 'currency', 'product',
    'sale', 'sale_opportunity', 'purchase', 'purchase_request',
    'purchase_requisition', 'stock_supply']
# Proper names, codes and units: the same in Chinese
ALLOWED = {
    'ID', 'URL', 'IBAN', 'BIC', 'API', 'CSV', 'XML', 'JSON', 'PDF', 'HTML',
    'ISO', 'UTC', 'SMTP', 'VAT', 'EAN', 'UPC', 'ISBN',
    'LDAP', 'Tryton', 'Python', 'PySON', 'PYSON', 'SQL', 'SIP', 'Skype',
    'MD5', 'SHA1', 'UoM', 'CALL CARD', 'QQ', 'WeChat',
    'Linkedin', 'LinkedIn', 'Gravatar', 'GNU', 'ODT', 'ODS', 'DOCX', 'XLSX',
    'RPC', 'URI', 'RTL', 'LTR', 'XML ID',
    }
# Selections computed from lists of names: icons and the national
# identifiers of other countries (proper names). A selection computed from
# another model's (account.configuration's 客户付款参考号码, from
# account.configuration.payment_reference) is asked in both languages as
# sao asks it: Tryton's zh_CN rows of such values may be fuzzy, which the
# server does not use.
NAMED_SELECTIONS = {
    'ir.ui.menu,icon', 'res.notification,icon', 'party.identifier,type',
    }
NO_WORDS = re.compile(r'^[^A-Za-z]*$')

Item = namedtuple('Item', ['where', 'type', 'name', 'res_id', 'en', 'zh'])


def untranslated(item):
    en = (item.en or '').strip()
    if not en or NO_WORDS.match(en) or en in ALLOWED:
        return False
    if item.type == 'selection' and item.name.endswith(',timezone'):
        # The time zones are place names: Asia/Shanghai
        return False
    return (item.zh or '').strip() == en


class Screens:
    "What the server tells sao about the screens reachable from the menus"

    def __init__(self):
        pool = Pool()
        self.pool = pool
        self.items = []
        self.models = []
        self.seen_models = set()
        self.seen_actions = set()
        self.seen_wizards = set()

    def both(self, function):
        "The result of function in English and in Chinese"
        transaction = Transaction()
        results = []
        for language in ['en', LANGUAGE]:
            with transaction.set_context(language=language):
                transaction.cache.clear()
                results.append(function())
        transaction.cache.clear()
        return results

    def add(self, where, type_, name, res_id, en, zh):
        self.items.append(Item(where, type_, name, res_id, en, zh))

    def read_names(self, model, records, field, where):
        Model = self.pool.get(model)
        ids = [r.id for r in records]
        en, zh = self.both(lambda: Model.read(ids, [field]))
        zh = {r['id']: r[field] for r in zh}
        for record in en:
            self.add(
                f'{where} {record[field]!r}', 'model', f'{model},{field}',
                record['id'], record[field], zh[record['id']])

    def collect(self):
        pool = self.pool
        Menu = pool.get('ir.ui.menu')
        menus = Menu.search([])
        self.read_names('ir.ui.menu', menus, 'name', 'menu')
        self.actions([m.action for m in menus if m.action], 'menu')
        while self.models:
            self.model(self.models.pop(0))
        self.messages()
        # every model's name ('Ui Menu' was seen in the 关键词 of an action)
        self.read_names(
            'ir.model', pool.get('ir.model').search([]), 'string', 'model')
        return self.items

    def actions(self, actions, where):
        pool = self.pool
        Action = pool.get('ir.action')
        actions = [a for a in actions if a.id not in self.seen_actions]
        if not actions:
            return
        self.seen_actions.update(a.id for a in actions)
        records = Action.browse([a.action.id for a in actions])
        self.read_names('ir.action', records, 'name', f'{where} action')
        for action in actions:
            if action.__name__ == 'ir.action.act_window':
                if action.res_model:
                    self.queue(action.res_model)
                if action.act_window_domains:
                    self.read_names(
                        'ir.action.act_window.domain',
                        action.act_window_domains, 'name',
                        f'tab of {action.res_model}')
            elif action.__name__ == 'ir.action.wizard':
                self.wizard(action.wiz_name)

    def concrete(self, action):
        "The act_window, wizard, report… record of an ir.action"
        Concrete = self.pool.get(action.type)
        return Concrete.search([('action', '=', action.id)])

    def queue(self, model):
        if model and model not in self.seen_models:
            self.seen_models.add(model)
            self.models.append(model)

    def model(self, name):
        pool = self.pool
        Keyword = pool.get('ir.action.keyword')
        View = pool.get('ir.ui.view')
        keywords = Keyword.search([
                ('model', '=', f'{name},-1'),
                ('keyword', 'in', KEYWORDS),
                ])
        self.actions(
            [a for k in keywords for a in self.concrete(k.action)],
            f'related to {name}')
        views = View.search([
                ('model', '=', name),
                ('inherit', '=', None),
                ('type', '!=', None),
                ])
        for view in views:
            self.view(name, view.id, view.type, f'view {view.rec_name}')

    def view(self, model, view_id, view_type, where):
        Model = self.pool.get(model)
        en, zh = self.both(lambda: Model.fields_view_get(
                view_id=view_id, view_type=view_type))
        self.arch(model, en, zh, where)

    def arch(self, model, en, zh, where):
        ModelButton = self.pool.get('ir.model.button')
        en_arch = etree.fromstring(en['arch'])
        zh_arch = etree.fromstring(zh['arch'])
        buttons = {b.name: b.id for b in ModelButton.search([
                    ('model', '=', model)])}
        for en_node, zh_node in zip(en_arch.iter(), zh_arch.iter()):
            for attribute in ARCH_ATTRIBUTES:
                if attribute not in en_node.attrib:
                    continue
                type_, name, res_id = 'view', model, None
                if en_node.tag == 'button' and en_node.get('name') in buttons:
                    type_ = 'model'
                    name = f'ir.model.button,{attribute}'
                    res_id = buttons[en_node.get('name')]
                self.add(
                    f'{where} <{en_node.tag} {attribute}=>', type_, name,
                    res_id, en_node.get(attribute), zh_node.get(attribute))
        for field, en_def in en['fields'].items():
            zh_def = zh['fields'][field]
            name = f'{model},{field}'
            self.add(
                f'{where} field {field}', 'field', name, None,
                en_def.get('string'), zh_def.get('string'))
            self.add(
                f'{where} help of {field}', 'help', name, None,
                en_def.get('help'), zh_def.get('help'))
            en_selection = en_def.get('selection')
            zh_selection = zh_def.get('selection')
            if (isinstance(en_selection, str)
                    and en_def['type'] == 'selection'
                    and name not in NAMED_SELECTIONS
                    and not en_def.get('selection_change_with')):
                # sao asks the method for a selection computed once
                en_selection, zh_selection = self.both(
                    getattr(self.pool.get(model), en_selection))
            if isinstance(en_selection, list):
                zh_selection = dict(zh_selection)
                for value, label in en_selection:
                    self.add(
                        f'{where} value {value!r} of {field}', 'selection',
                        name, None, label, zh_selection.get(value))
            for view_type, sub_en in (en_def.get('views') or {}).items():
                self.arch(
                    en_def['relation'], sub_en,
                    zh_def['views'][view_type], f'{where} {field}')
            self.queue(en_def.get('relation'))

    def wizard(self, name):
        if name in self.seen_wizards:
            return
        self.seen_wizards.add(name)
        pool = self.pool
        Translation = pool.get('ir.translation')
        ModelData = pool.get('ir.model.data')
        Wizard = pool.get(name, type='wizard')
        for state_name, state in Wizard.states.items():
            if not hasattr(state, 'buttons'):
                continue
            view_id = None
            if state.view:
                view_id = ModelData.get_id(*state.view.split('.'))
            self.view(
                state.model_name, view_id, 'form',
                f'wizard {name} {state_name}')
            self.queue(state.model_name)
            for button in state.buttons:
                key = ','.join([name, state_name, button.state])
                zh = Translation.get_source(
                    key, 'wizard_button', LANGUAGE, button.string)
                self.add(
                    f'wizard {name} button {button.state}', 'wizard_button',
                    key, None, button.string, zh or button.string)

    def messages(self):
        pool = self.pool
        ModelData = pool.get('ir.model.data')
        Message = pool.get('ir.message')
        data = ModelData.search([
                ('model', '=', 'ir.message'),
                ('module', 'in', MESSAGE_MODULES + paths.HOPU_MODULES),
                ])
        messages = Message.browse([d.db_id for d in data])
        self.read_names('ir.message', messages, 'text', 'message')


class TranslationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(paths.HOPU_MODULES)

    @with_transaction()
    def test_every_screen_in_chinese(self):
        "ERP-8: no English left on the screens reachable from the menus"
        self.setUp_languages()
        items = Screens().collect()
        self.assertGreater(len(items), 1000)
        missing = sorted({
                f'{i.where}: {i.en!r}' for i in items if untranslated(i)})
        self.assertEqual(missing, [], f"{len(missing)} English strings")

    def setUp_languages(self):
        pool = Pool()
        Lang = pool.get('ir.lang')
        language, = Lang.search([('code', '=', LANGUAGE)])
        Lang.load_translations([language])


class PartyWordTestCase(unittest.TestCase):
    """Tryton's zh_CN calls a party 参与者; a Chinese business user and the
    manuals say 往来单位 (issue 12): every official module's string with
    参与者 is overridden by the override po of the Hopu module that depends
    on it (locale/override/zh_CN.po), without the word"""

    def test_no_party_word_of_tryton(self):
        "ERP-8: no 参与者 left in the official modules' zh_CN strings"
        overrides = {}
        for path in paths.ROOT.glob('addons/hopu_*/locale/override/*.po'):
            for entry in polib.pofile(str(path)):
                overrides[entry.msgctxt, entry.msgid] = entry.msgstr
        left = []
        for module in ['party', 'company', 'account', 'account_invoice',
                'stock', 'product', 'sale', 'sale_opportunity', 'purchase',
                'purchase_request', 'purchase_requisition', 'stock_supply']:
            folder = get_module_info(module)['directory']
            po = polib.pofile(f'{folder}/locale/{LANGUAGE}.po')
            for entry in po:
                # a fuzzy row is not used by the server
                if ('参与者' not in entry.msgstr or entry.obsolete
                        or entry.fuzzy):
                    continue
                kind, name, res = entry.msgctxt.split(':', 2)
                key = (f'{kind}:{name}:{module}.{res}', entry.msgid)
                if '参与者' in overrides.get(key, '参与者'):
                    left.append(f'{module}: {entry.msgctxt} {entry.msgstr}')
        self.assertEqual(left, [])
