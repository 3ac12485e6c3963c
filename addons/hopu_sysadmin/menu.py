# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class Menu(metaclass=PoolMeta):
    "A menu without action shows only when one of its entries does (SYS-5)"
    __name__ = 'ir.ui.menu'

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
            with transaction.set_context(_hopu_menu_children=True):
                menus = [m for m in menus
                    if m.action_keywords or cls.search(
                        [('parent', '=', m.id)], limit=1, order=[])]
        if count:
            return len(menus)
        return menus
