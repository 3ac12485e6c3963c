"""Chinese demo data: what makes the product alive on first login.

One loader per Hopu module, as Tryton's own demo scripts are organised:
hopu_cli/demo/<module without hopu_>.py holds its module's data, loaded by
its ``setup(config, activated, data)``; a loader may also have a
``finish(config, activated, data)`` for what needs the data of every
module (the business alerts of hopu_crm). ``load`` runs the loaders of the
activated modules in dependency order, then their finish; ``data`` passes
the records the loaders share (the companies by name and the employees by
login, from hopu_sysadmin's loader).

Idempotent: every record is looked up by its natural key first, so loading
twice leaves one set of demo data. The tests load it too
(tests/test_demo_database.py)."""
import importlib
import importlib.util

from .contract import CONTRACTS
from .crm import CUSTOMERS, SALESPERSON_CODES
from .crm_mailing import MAILING_NAME
from .sysadmin import (
    ADMIN_PASSWORD, COMPANIES, DEMO_PASSWORD, DEPARTMENTS, HEAD_COMPANY, USERS)

__all__ = [
    'ADMIN_PASSWORD', 'COMPANIES', 'CONTRACTS', 'CUSTOMERS', 'DEMO_PASSWORD',
    'DEPARTMENTS', 'HEAD_COMPANY', 'MAILING_NAME', 'SALESPERSON_CODES',
    'USERS', 'load', 'loader', 'order']


def loader(module):
    "The demo loader of the Hopu module, None when it has no demo data"
    name = f'{__name__}.{module.removeprefix("hopu_")}'
    if not module.startswith('hopu_') or not importlib.util.find_spec(name):
        return None
    return importlib.import_module(name)


def order(modules):
    """The Hopu modules of modules that have a demo loader, each after the
    modules it depends on (their tryton.cfg), else in paths.HOPU_MODULES'
    order"""
    from trytond.modules import get_module_info

    from .. import paths
    known = [m for m in paths.HOPU_MODULES if m in modules]
    modules = [m for m in known + sorted(set(modules) - set(known))
        if loader(m)]
    ordered = []

    def visit(module):
        if module in ordered:
            return
        for depend in get_module_info(module).get('depends', []):
            if depend in modules:
                visit(depend)
        ordered.append(module)

    for module in modules:
        visit(module)
    return ordered


def _activated(config):
    from proteus import Model
    Module = Model.get('ir.module', config=config)
    return {m.name for m in Module.find([('state', '=', 'activated')])}


def skip_config_wizard(config):
    "The demo is configured: the module configuration wizard stays closed"
    from proteus import Model
    Item = Model.get('ir.module.config_wizard.item', config=config)
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)


def load(config=None):
    """Load the demo data into the database proteus is connected to.
    Return a summary of what exists afterwards."""
    from proteus import config as pconfig
    config = config or pconfig.get_config()
    activated = _activated(config)
    skip_config_wizard(config)
    summary, data = {}, {}
    modules = order(activated)
    for module in modules:
        summary.update(loader(module).setup(config, activated, data))
    for module in modules:
        finish = getattr(loader(module), 'finish', None)
        if finish:
            summary.update(finish(config, activated, data))
    return summary
