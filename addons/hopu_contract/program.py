# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class ProgramButton(metaclass=PoolMeta):
    """An approve button linked to a program from XML grants the program's
    approve group at once (SYS-5). XML cannot write a Many2Many on module
    update, so modules link approve buttons with records of this model."""
    __name__ = 'hopu.program-ir.model.button'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        Program = pool.get('hopu.program')
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'create':
            Program.compile(list({r.program for r in records}))
