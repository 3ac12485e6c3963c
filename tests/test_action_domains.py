"""The domains of the actions of every activated module (Hopu's and the
official ones it ships) can be used by the web client, sao 8.0 (issue 12
item 1; ERP-8).

The server casts a string to a Boolean when it searches, sao does not: a
tab of a list (ir.action.act_window.domain) or an action's domain that
compares a Boolean field with the string 'True' counts on the server but
fails in sao — a new record of the list gets the string as its value.
Tryton stock's 向供应商退货 「部分分配」 tab is written so; hopu_contract's
stock.xml gives it the Boolean."""
import unittest

from hopu_cli import paths
from trytond.model import fields
from trytond.pool import Pool
from trytond.pyson import PYSON, PYSONDecoder
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)


def leaves(domain):
    "The (field, operator, value …) leaves of a domain"
    if isinstance(domain, (list, tuple)):
        if (len(domain) >= 3 and isinstance(domain[0], str)
                and isinstance(domain[1], str) and domain[0] not in {
                    'AND', 'OR'}):
            yield domain
        else:
            for item in domain:
                yield from leaves(item)


def booleans_as_strings(Model, domain):
    "The leaves of the domain that compare a Boolean with a string"
    for name, operator, value, *_ in leaves(domain):
        field = Model._fields.get(name)
        if field is None or isinstance(value, PYSON):
            continue
        if isinstance(field, fields.Function):
            field = field._field
        if isinstance(field, fields.Boolean) and isinstance(value, str):
            yield (name, operator, value)


class ActionDomainTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(paths.HOPU_MODULES)
        cls.addClassCleanup(drop_db)

    def domains(self):
        "Each action's domain and each of its tabs', with its model"
        pool = Pool()
        ActWindow = pool.get('ir.action.act_window')
        decoder = PYSONDecoder(noeval=True)
        for action in ActWindow.search([('res_model', '!=', None)]):
            try:
                Model = pool.get(action.res_model)
            except KeyError:
                continue
            where = f'{action.res_model} {action.name!r}'
            if action.domain:
                yield where, Model, decoder.decode(action.domain)
            for tab in action.act_window_domains:
                if tab.domain:
                    yield (f'{where} tab {tab.name!r}', Model,
                        decoder.decode(tab.domain))

    @with_transaction()
    def test_no_boolean_compared_with_a_string(self):
        "ERP-8: no list tab sao cannot use (a Boolean compared with 'True')"
        problems = []
        count = 0
        for where, Model, domain in self.domains():
            count += 1
            for leaf in booleans_as_strings(Model, domain):
                problems.append(f'{where}: {leaf!r}')
        self.assertGreater(count, 100)
        self.assertEqual(problems, [], '\n'.join(problems))

    @with_transaction()
    def test_stock_partially_assigned_tab(self):
        "ERP-8: 向供应商退货's 「部分分配」 tab holds a Boolean and searches"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        TabDomain = pool.get('ir.action.act_window.domain')
        Shipment = pool.get('stock.shipment.in.return')
        tab = TabDomain(ModelData.get_id(
                'stock', 'act_shipment_in_return_form_domain_available'))
        domain = PYSONDecoder().decode(tab.domain)
        self.assertEqual(domain, [['partially_assigned', '=', True]])
        # the tab's count, as sao asks it
        self.assertEqual(Shipment.search_count(domain), 0)
