# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-5 on 库存管理: stock keeps its top menu for its own 库存 group, so a
program's menu below it would stay hidden from a user who has the program's
rights only. Compiling a program also opens the ancestors of its menu that
are kept for groups to the program's read group (as hopu_purchase and
hopu_sale do for their menus; a place for it in hopu_sysadmin would serve
all three). The rows already there are not created again, whichever of
these modules made them."""
from trytond.pool import Pool, PoolMeta


class Program(metaclass=PoolMeta):
    __name__ = 'hopu.program'

    @classmethod
    def compile(cls, programs):
        pool = Pool()
        MenuGroup = pool.get('ir.ui.menu-res.group')
        super().compile(programs)
        programs = cls.browse(programs)
        wanted = set()
        for program in programs:
            if not program.menu or not program.group_read:
                continue
            menu, seen = program.menu.parent, set()
            while menu and menu.id not in seen:
                seen.add(menu.id)
                if menu.groups:
                    wanted.add((menu.id, program.group_read.id))
                menu = menu.parent
        if wanted:
            existing = {(r.menu.id, r.group.id) for r in MenuGroup.search([
                        ('menu', 'in', list({m for m, _ in wanted})),
                        ('group', 'in', list({g for _, g in wanted})),
                        ])}
            to_create = sorted(wanted - existing)
            if to_create:
                MenuGroup.create([{'menu': m, 'group': g}
                        for m, g in to_create])
