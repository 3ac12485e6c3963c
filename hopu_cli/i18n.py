"Keep a module's locale/zh_CN.po in step with its translatable strings."
import os

from . import paths


def update(module):
    """Add the module's untranslated strings to locale/zh_CN.po (empty
    msgstr, to be filled with the manuals' words) and drop strings that are
    gone. Return a one-line report."""
    os.environ.update(paths.trytond_environ('sqlite', name='i18n'))
    os.environ['DB_NAME'] = ':memory:'
    os.environ.setdefault('DB_CACHE', str(paths.test_cache_dir('sqlite')))
    import polib

    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME, activate_module
    from trytond.tools import find_path
    from trytond.transaction import Transaction

    activate_module(module)
    with Transaction().start(DB_NAME, 0, readonly=True):
        template = Pool().get('ir.translation').translation_export(
            'en', module)
        views = view_strings(module)
    sources = polib.pofile(template.decode('utf-8')) if template else []
    sources = list(sources) + [
        polib.POEntry(msgctxt=f'view:{model}:', msgid=string)
        for model, string in sorted(views)]

    po_path = find_path(os.path.join(module, 'locale', 'zh_CN.po'), _test=None)
    os.makedirs(os.path.dirname(po_path), exist_ok=True)
    existing = {}
    if os.path.exists(po_path):
        existing = {
            (e.msgctxt, e.msgid): e for e in polib.pofile(po_path)
            if not e.obsolete}
    po = polib.POFile(wrapwidth=78)
    po.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    missing = 0
    for source in sources:
        # Records created by code (no XML id) are not the module's strings
        if not source.msgid or source.msgctxt.endswith(':None'):
            continue
        entry = existing.get((source.msgctxt, source.msgid))
        if entry is None:
            entry = polib.POEntry(
                msgctxt=source.msgctxt, msgid=source.msgid, msgstr='',
                flags=[f for f in source.flags if f != 'fuzzy'])
        if not entry.msgstr:
            missing += 1
        po.append(entry)
    po.sort()
    po.save(po_path)
    return f"{po_path}: {len(po)} strings, {missing} without a translation"


def view_strings(module):
    """The (model, string) of the labels, pages, buttons… of the module's
    views: trytond keeps no English rows for them, so the export has none"""
    from lxml import etree

    from trytond.pool import Pool
    View = Pool().get('ir.ui.view')
    strings = set()
    for view in View.search([('module', '=', module)]):
        model = view.model or (view.inherit.model if view.inherit else None)
        if not model or not view.arch:
            continue
        for node in etree.fromstring(view.arch.encode('utf-8')).iter():
            for attribute in ['string', 'help', 'confirm']:
                if any(c.isalpha() for c in node.get(attribute, '')):
                    strings.add((model, node.get(attribute)))
    return strings
