"""The test databases' cache, keyed by what a database holds and grown from
the largest database already cached.

trytond keys a cached test database by the names it was asked for: the
ModuleTestCase of hopu_contract ('hopu_contract'), hopu_approval's with its
extra ('hopu_approval-hopu_contract') and a scenario of hopu_contract with a
company ('hopu_contract--create_company') are three activations of the same
modules, each of them every module from ir up. Here:

- a database is named by the dependency closure of the modules asked for
  (and the language), so that the same set is activated once per backend;
- a scenario's set-up functions (create_company …) run on a copy of the
  set's database, instead of a new activation;
- a set not cached yet is activated on a copy of the largest cached set it
  contains (hopu_crm on hopu_sysadmin's database): only the missing modules
  are activated, as on a production database that gains a module.

An index of the cached sets (a JSON file in the cache folder, named by the
sources like the cache itself) tells which sets exist; an entry whose
database is gone is skipped."""
import json
import os
from pathlib import Path

INDEX = 'closures.json'


def closure(modules):
    "The modules and every module they depend on"
    from trytond.modules import get_module_info
    todo, seen = list(modules), set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(get_module_info(module).get('depends', []))
    return frozenset(seen)


def _name(modules, lang='en'):
    name = '-'.join(sorted(modules))
    if lang != 'en':
        name += '--' + lang
    return name


class Index:
    "The sets of modules whose database is cached"

    def __init__(self, folder):
        self.path = Path(folder) / INDEX

    def read(self):
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}

    def add(self, name, modules, lang):
        entries = self.read()
        entries[name] = {'modules': sorted(modules), 'lang': lang}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f'.{INDEX}.{os.getpid()}')
        tmp.write_text(json.dumps(entries, indent=1, sort_keys=True))
        os.replace(tmp, self.path)

    def bases(self, modules, lang):
        "The cached sets within modules, the largest first"
        found = [
            (len(entry['modules']), name)
            for name, entry in self.read().items()
            if entry['lang'] == lang and set(entry['modules']) < modules]
        return [name for _, name in sorted(found, reverse=True)]


def install(test_tryton, tools):
    """Replace trytond's activate_module (ModuleTestCase, tests) and
    activate_modules (scenarios) by the cached ones. Called before the test
    files are imported (they import both by name)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    index = Index(test_tryton.DB_CACHE)

    def cached(name):
        if hasattr(test_tryton, 'hopu_cache_exists'):
            return test_tryton.hopu_cache_exists(name)
        return os.path.exists(
            test_tryton._db_cache_file(test_tryton.DB_CACHE, name))

    def restore(name):
        # trytond's restore copies into a database that does not exist
        if test_tryton.db_exist(test_tryton.DB_NAME):
            test_tryton.drop_db()
        return test_tryton.restore_db_cache(name)

    def activate_missing(modules):
        "trytond's activation, of the modules not activated yet"
        with Transaction().start(
                test_tryton.DB_NAME, 1, close=True) as transaction:
            pool = Pool()
            Module = pool.get('ir.module')
            records = Module.search([('name', 'in', list(modules))])
            assert len(records) == len(modules), (
                "Not found: "
                f"{', '.join(set(modules) - {r.name for r in records})}")
            records = Module.search([
                    ('name', 'in', list(modules)),
                    ('state', '!=', 'activated'),
                    ])
            if records:
                Module.activate(records)
                transaction.commit()
                ActivateUpgrade = pool.get(
                    'ir.module.activate_upgrade', type='wizard')
                instance_id, _, _ = ActivateUpgrade.create()
                transaction.commit()
                ActivateUpgrade(instance_id).transition_upgrade()
                ActivateUpgrade.delete(instance_id)
                transaction.commit()

    def activated(modules, lang='en', restored=True):
        """The test database with the modules activated: restored, or
        grown from the largest cached set within, or made; with restored
        false, nothing is done when the set is cached already"""
        modules = [modules] if isinstance(modules, str) else list(modules)
        wanted = closure(modules)
        name = _name(wanted, lang)
        if not restored and cached(name):
            index.add(name, wanted, lang)
            return name
        if restore(name):
            return name
        for base in index.bases(wanted, lang):
            if restore(base):
                break
        else:
            test_tryton.drop_create(lang=lang)
        activate_missing(modules)
        test_tryton.backup_db_cache(name)
        index.add(name, wanted, lang)
        return name

    def activate_module(modules, lang='en'):
        activated(modules, lang)

    def activate_modules(modules, *setup):
        if not setup:
            activated(modules)
            return tools._get_config()
        modules = [modules] if isinstance(modules, str) else list(modules)
        name = _name(closure(modules)) + '--' + '|'.join(
            tools._func_name(f) for f in setup)
        if restore(name):
            return tools._get_config()
        activated(modules)
        config = tools._get_config()
        for func in setup:
            func(config=config)
        test_tryton.backup_db_cache(name)
        return config

    test_tryton.activate_module = activate_module
    tools.activate_modules = activate_modules
    _keep_pools(test_tryton.DB_NAME)
    return activated


def _keep_pools(database_name):
    """trytond sets up the pool of the test database again after each
    restore (every test class and scenario): the classes of every module
    built and set up anew, 1–4 s each time for the same modules from the
    same code. The pool of each set of activated modules is kept and put
    back when a database of the same set is restored; the pool of a module
    activation or update (Pool.init with update) is built as trytond does.
    The pool's caches (trytond.cache.Cache) are per database and emptied
    when the test database is dropped, as before."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    init = Pool.init
    kept = {}

    def activated_modules():
        with Transaction().start(
                database_name, 0, readonly=True, close=True) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(
                "SELECT name FROM ir_module WHERE state = 'activated'")
            return frozenset(name for name, in cursor)

    def kept_init(self, update=None, lang=None, activatedeps=False,
            indexes=None):
        # (in a transaction, as a test calling Pool.init itself: trytond's)
        if (self.database_name != database_name or update or lang
                or activatedeps or indexes
                or Transaction().database is not None):
            return init(self, update=update, lang=lang,
                activatedeps=activatedeps, indexes=indexes)
        modules = activated_modules()
        if modules not in kept:
            init(self)
            kept[modules] = (
                Pool._pools[database_name],
                Pool._pool_modules[database_name])
            return
        with Pool._lock:
            self.ready = False
            Pool._pools[database_name], Pool._pool_modules[database_name] = (
                kept[modules])
            self._pool, self._modules = kept[modules]
            Pool._pool_instances.clear()
            Pool._pool_instances.add(self)
            self.ready = True
    Pool.init = kept_init


def warm(activated, modules):
    """Cache the database of each module's set and of all of them, the
    smallest first, each grown from the one before: the test jobs then
    restore them instead of activating the same modules side by side"""
    sets = sorted({closure([m]) for m in modules} | {closure(modules)},
        key=lambda s: (len(s), sorted(s)))
    for modules_set in sets:
        activated(sorted(modules_set), restored=False)
    return len(sets)
