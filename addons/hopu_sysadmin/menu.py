# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-5: the menu of a user shows the programs the user has rights on.

A program's menu carries the program's read group (hopu.program.compile).
The menus of the official modules that no program covers have no group and
would show to everyone: a global record rule on ir.ui.menu hides them from
every user outside Tryton's Administration group, on search and on read."""
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access

from .exceptions import FavoriteMenuError


class Menu(metaclass=PoolMeta):
    "A menu without action shows only when one of its entries does (SYS-5)"
    __name__ = 'ir.ui.menu'
    _hopu_uncovered_cache = Cache('ir.ui.menu.hopu_uncovered', context=False)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        menus = super().search(
            domain, offset=offset, limit=limit, order=order, count=False,
            query=query)
        if query:
            return menus
        transaction = Transaction()
        if (transaction.check_access and menus
                and not transaction.context.get('_hopu_menu_children')):
            empty = [m.id for m in menus if not m.action_keywords]
            with_entries = cls._hopu_with_entries(empty)
            menus = [m for m in menus
                if m.action_keywords or m.id in with_entries]
        if count:
            return len(menus)
        return menus

    @classmethod
    def _hopu_with_entries(cls, folders):
        """The folders (menus without action) with an entry the user sees
        at any depth below them: a folder whose entries are empty folders
        is empty too (客户管理 with 线索 and 报表分析 for the ERP staff).
        One search of every menu below the folders, instead of one per
        menu; it is not filtered again (Tryton's search of the parents
        would search them once more)."""
        if not folders:
            return set()
        with Transaction().set_context(_hopu_menu_children=True):
            below = cls.search([('parent', 'child_of', folders)], order=[])
        parents = {m.id: m.parent.id if m.parent else None for m in below}
        shown = set()
        for menu in below:
            if menu.action_keywords:
                folder = parents[menu.id]
                while folder is not None and folder not in shown:
                    shown.add(folder)
                    folder = parents.get(folder)
        return shown & set(folders)

    @classmethod
    def hopu_uncovered(cls):
        """The ids of the menus of the official modules that no program
        covers: neither a program's menu, nor below one, nor above one"""
        result = cls._hopu_uncovered_cache.get(None)
        if result is not None:
            return result
        pool = Pool()
        Program = pool.get('hopu.program')
        ModelData = pool.get('ir.model.data')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.parent))
        parents = dict(cursor)
        program = Program.__table__()
        cursor.execute(*program.select(
                program.menu, where=program.menu != None))  # noqa: E711
        program_menus = {m for m, in cursor}
        data = ModelData.__table__()
        cursor.execute(*data.select(
                data.db_id, data.module,
                where=data.model == cls.__name__))
        hopu_menus = {m for m, module in cursor if module.startswith('hopu_')}

        def ancestors(menu):
            seen = set()
            while menu and menu not in seen:
                seen.add(menu)
                yield menu
                menu = parents.get(menu)

        covered = set()
        for menu in program_menus:
            covered.update(ancestors(menu))
        uncovered = []
        for menu in parents:
            if (menu in covered or menu in hopu_menus
                    or any(m in program_menus for m in ancestors(menu))):
                continue
            uncovered.append(menu)
        uncovered.sort()
        cls._hopu_uncovered_cache.set(None, uncovered)
        return uncovered

    @classmethod
    def hopu_coverage_changed(cls):
        pool = Pool()
        Rule = pool.get('ir.rule')
        cls._hopu_uncovered_cache.clear()
        Rule._domain_get_cache.clear()

    @classmethod
    def on_modification(cls, mode, menus, field_names=None):
        super().on_modification(mode, menus, field_names=field_names)
        if mode != 'delete':
            cls.hopu_coverage_changed()

    @classmethod
    def on_delete(cls, menus):
        return super().on_delete(menus) + [cls.hopu_coverage_changed]


class Rule(metaclass=PoolMeta):
    """Record rules on ir.ui.menu may use Eval('hopu_hidden_menus'): the
    menus hidden from the user (none for an administrator)"""
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        context = super()._get_context(model_name)
        if model_name == 'ir.ui.menu':
            Menu = pool.get('ir.ui.menu')
            ModelData = pool.get('ir.model.data')
            admin = ModelData.get_id('res', 'group_admin')
            if admin in context.get('groups', []):
                context['hopu_hidden_menus'] = []
            else:
                context['hopu_hidden_menus'] = Menu.hopu_uncovered()
        return context


class MenuFavorite(metaclass=PoolMeta):
    """ERP-8 favourites (收藏夹) of the menus the user sees (SYS-5): Tryton
    reads and writes them without access check, so a favourite could name
    any menu (its name shown, however hidden) and would stay after the
    right to it was withdrawn"""
    __name__ = 'ir.ui.menu.favorite'

    @classmethod
    def _visible_menus(cls, menu_ids):
        "The ids of menu_ids the user sees, by the menus' rules"
        Menu = Pool().get('ir.ui.menu')
        visible = set()
        with check_access():
            for sub_ids in grouped_slice(menu_ids, 1000):
                visible.update(m.id for m in Menu.search(
                        [('id', 'in', list(sub_ids))], order=[]))
        return visible

    @classmethod
    def get(cls):
        favorites = super().get()
        visible = cls._visible_menus([f[0] for f in favorites])
        return [f for f in favorites if f[0] in visible]

    @classmethod
    def set(cls, menu_id):
        if int(menu_id) not in cls._visible_menus([int(menu_id)]):
            raise FavoriteMenuError(gettext(
                    'hopu_sysadmin.msg_favorite_menu_hidden'))
        if cls.search([
                    ('menu', '=', int(menu_id)),
                    ('user', '=', Transaction().user),
                    ]):
            return
        super().set(menu_id)
