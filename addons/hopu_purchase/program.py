# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-5 on the official menus of 采购管理 and 库存管理: a menu of a program
that sits below an official menu kept for official groups (采购管理 for
purchase's 采购员, 库存管理 for stock's) would stay hidden from a user who
has the program's rights only. Compiling a program also opens those
ancestors to the program's read group."""
from trytond.pool import Pool, PoolMeta


class Program(metaclass=PoolMeta):
    __name__ = 'hopu.program'

    @classmethod
    def compile(cls, programs):
        pool = Pool()
        MenuGroup = pool.get('ir.ui.menu-res.group')
        super().compile(programs)
        programs = cls.browse(programs)
        to_create = set()
        for program in programs:
            if not program.menu or not program.group_read:
                continue
            menu, seen = program.menu.parent, set()
            while menu and menu.id not in seen:
                seen.add(menu.id)
                if menu.groups:
                    to_create.add((menu.id, program.group_read.id))
                menu = menu.parent
        if to_create:
            MenuGroup.create([{'menu': m, 'group': g}
                    for m, g in sorted(to_create)])
