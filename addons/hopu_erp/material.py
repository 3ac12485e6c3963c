# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""物料编码管理 (ERP-3 6.1.1): a material created without a code gets the
code of its category followed by a serial of four digits (category 0101
原材料/钢材 → 01010001, 01010002 …), unless Tryton's product sequence is
configured, which then numbers every material."""
from trytond.pool import Pool, PoolMeta

SERIAL_DIGITS = 4


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    @property
    def material_category(self):
        "The first category with a code: it numbers the material"
        for category in self.categories_all or self.categories:
            if category.code:
                return category

    @classmethod
    def on_modification(cls, mode, templates, field_names=None):
        super().on_modification(mode, templates, field_names=field_names)
        if mode == 'create':
            cls.set_material_code(templates)

    @classmethod
    def set_material_code(cls, templates):
        "Number the materials without a code by their category's code"
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        to_save = []
        for template in templates:
            if template.code:
                continue
            category = template.material_category
            if not category:
                continue
            serial, = Number.next_serials(f'material:{category.code}')
            template.code = f'{category.code}{serial:0{SERIAL_DIGITS}d}'
            to_save.append(template)
        if to_save:
            cls.save(to_save)
