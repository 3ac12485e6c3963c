"""Every view of every activated module (Hopu's and the official ones it
ships) can be drawn by the web client, sao 8.0 (issue 12; ERP-8).

sao draws a list column or a form widget from the field's type or its
`widget` attribute; a name it has no class for stops the view with
`ColumnFactory is not a constructor` and leaves the screen on 「正在处理」,
so does every form embedding such a list. Lists show a datetime/timestamp
field as two columns, `widget="date"` and `widget="time"`
(trytond/ir/view/cron_list.xml).

Views and fields are the same on both backends: this suite runs with the
SQLite run only."""
import unittest

from lxml import etree

from hopu_cli import paths
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from .support import sqlite_only

load_tests = sqlite_only

# Sao.View.TreeXMLViewParser.WIDGETS of sao 8.0
LIST_WIDGETS = {
    'binary', 'boolean', 'callto', 'char', 'date', 'dict', 'email', 'float',
    'image', 'integer', 'many2many', 'many2one', 'numeric', 'one2many',
    'one2one', 'progressbar', 'reference', 'selection', 'multiselection',
    'sip', 'text', 'time', 'timedelta', 'url'}
# Sao.View.FormXMLViewParser.WIDGETS of sao 8.0
FORM_WIDGETS = LIST_WIDGETS - {'progressbar'} | {
    'color', 'datetime', 'document', 'html', 'password', 'progressbar',
    'pyson', 'richtext', 'timestamp'}
WIDGETS = {'tree': LIST_WIDGETS, 'form': FORM_WIDGETS}


class ViewConventionsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(paths.HOPU_MODULES)
        cls.addClassCleanup(drop_db)

    def views(self):
        """The views sao receives: each base view of a list or a form with
        the views inheriting it applied, and the views that inherit one of
        another model (they stand alone for theirs)"""
        View = Pool().get('ir.ui.view')
        for view in View.search([('basis', '=', True)]):
            if view.real_type in WIDGETS:
                yield view

    def undrawable(self, view):
        Model = Pool().get(view.model)
        result = Model.fields_view_get(view_id=view.id)
        fields = result['fields']
        widgets = WIDGETS[result['type']]
        tree = etree.fromstring(result['arch'])
        for node in tree.iter('field'):
            name = node.get('name')
            type_ = fields[name]['type']
            widget = node.get('widget', type_)
            if widget not in widgets:
                yield (f"{view.module}: {view.name or view.id} "
                    f"({view.model}, {result['type']}): field {name} "
                    f"({type_}) drawn as {widget!r}")

    @with_transaction()
    def test_every_field_has_a_sao_widget(self):
        "ERP-8: sao has a list column/form widget for every field shown"
        problems = []
        count = 0
        for view in self.views():
            count += 1
            problems.extend(self.undrawable(view))
        self.assertGreater(count, 100)
        self.assertEqual(problems, [], '\n'.join(problems))

    @with_transaction()
    def test_datetime_in_list_is_date_and_time(self):
        "ERP-8: a datetime shown in a list is split in date and time"
        View = Pool().get('ir.ui.view')
        checked = set()
        for view in self.views():
            if view.real_type != 'tree':
                continue
            Model = Pool().get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            tree = etree.fromstring(result['arch'])
            for node in tree.iter('field'):
                name = node.get('name')
                if result['fields'][name]['type'] in {'datetime', 'timestamp'}:
                    self.assertIn(
                        node.get('widget'), {'date', 'time'},
                        f"{view.module}: {view.name} {name}")
                    checked.add(view.model)
        # the convention is in use (cron, Hopu's logs and histories)
        self.assertIn('ir.cron', checked)
        self.assertTrue(View.search([('module', 'like', 'hopu_%')]))
