"""Every model of every Hopu module has its access written down (issue 13,
classes 2 and 3; SYS-5, CRM-2, CON-4): an explicit ir.model.access row of
its own (no model is open to everyone by the absence of a row), and a model
that points to records under owner rules (a Many2One to such a model) is
under owner rules itself, its own or its parent's through __access__.

The models are taken from the pool with every hopu_* module activated: a
model added tomorrow is checked the day it is added.

The models and their access rows are the same on both backends: this
suite runs with the SQLite run only."""
import unittest

from trytond.model import ModelSQL, ModelStorage, fields
from trytond.modules import get_modules
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from .support import sqlite_only

load_tests = sqlite_only


def hopu_modules():
    return sorted(m for m in get_modules() if m.startswith('hopu_'))


# Many2One to a model under owner rules that only ever name a record the
# rules leave open, with the reason
OWN_DOCUMENT_TARGETS = {
    # the move the adjustment makes: its origin is the adjustment line, and
    # the owner rule of stock.move (hopu_sale) restricts the moves of sales
    # only
    'hopu.stock.adjustment.line.move',
    }


class ModelAccessConventionTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(hopu_modules())

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def _models(self):
        "The storage models the Hopu modules define"
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = IrModel.search([('module', 'in', hopu_modules())])
        self.assertTrue(models)
        for model in models:
            Model = pool.get(model.name)
            if issubclass(Model, ModelStorage):
                yield Model

    def _owner_ruled(self):
        "The models under owner rules: rules that are not the global ones"
        pool = Pool()
        RuleGroup = pool.get('ir.rule.group')
        ruled = {g.model for g in RuleGroup.search([
                    ('global_p', '=', False)])}
        protected = {}

        def is_protected(Model, seen=()):
            name = Model.__name__
            if name not in protected:
                protected[name] = name in ruled or any(
                    is_protected(
                        getattr(Model, f).get_target(), seen + (name,))
                    for f in Model.__access__ if name not in seen)
            return protected[name]
        return ruled, is_protected

    def test_explicit_access_rows(self):
        "SYS-5: every Hopu model has ir.model.access rows of its own"
        with Transaction().start(DB_NAME, 0, readonly=True):
            Access = Pool().get('ir.model.access')
            missing = [Model.__name__ for Model in self._models()
                if not Access.search([('model', '=', Model.__name__)])]
        self.assertEqual(missing, [], "models without ir.model.access rows")

    def test_children_of_ruled_models_are_ruled(self):
        """CRM-2 CON-4: a model with a Many2One to a model under owner
        rules has owner rules or hangs off its parent (__access__)"""
        with Transaction().start(DB_NAME, 0, readonly=True):
            ruled, is_protected = self._owner_ruled()
            uncovered = []
            for Model in self._models():
                if not issubclass(Model, ModelSQL):
                    continue
                if Model.__name__ in ruled or any(
                        is_protected(getattr(Model, f).get_target())
                        for f in Model.__access__):
                    continue
                for name, field in sorted(Model._fields.items()):
                    if f'{Model.__name__}.{name}' in OWN_DOCUMENT_TARGETS:
                        continue
                    if (isinstance(field, fields.Many2One)
                            and not isinstance(field, fields.Function)
                            and is_protected(field.get_target())):
                        uncovered.append(f'{Model.__name__}.{name}')
        self.assertEqual(
            uncovered, [],
            "Many2One to records under owner rules, without rule "
            "or __access__")

    def test_access_is_setup(self):
        """__access__ survives Model.__setup__: the children of the
        contracts hang off them"""
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            for name, parent in [
                    ('hopu.contract.line', 'contract'),
                    ('hopu.contract.commission', 'contract'),
                    ('hopu.contract.version', 'contract'),
                    ('hopu.contract.version.line', 'version'),
                    ('hopu.contract.version.commission', 'version'),
                    ('hopu.contract.change.line', 'change'),
                    ('hopu.contract.change.commission', 'change'),
                    ('hopu.approval.rule.step', 'rule'),
                    ]:
                self.assertIn(parent, pool.get(name).__access__, name)
