# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os

import polib

from trytond.pool import Pool, PoolMeta

from . import rec_name_cache, selection_string


class Translation(metaclass=PoolMeta):
    """The Chinese of official modules in locale/override/zh_CN.po also where
    the official module has no zh_CN text at all (ERP-8); the names kept by
    rec_name_cache and the selection labels kept by selection_string
    forgotten when a translation of theirs changes"""
    __name__ = 'ir.translation'

    @classmethod
    def _clear_cache_for(cls, types, models):
        super()._clear_cache_for(types, models)
        if 'model' in types and rec_name_cache.sources() & set(models):
            rec_name_cache.clear_names()
        if set(types) & {'selection', 'field'}:
            selection_string.clear_labels()

    @classmethod
    def translation_import(cls, lang, module, po_path):
        if isinstance(po_path, str):
            po_path = [po_path]
        cls._create_overridden(lang, module, po_path)
        return super().translation_import(lang, module, po_path)

    @classmethod
    def _create_overridden(cls, lang, overriding_module, po_paths):
        """Create the rows an override would replace when they are missing
        and settle the fuzzy ones the override confirms"""
        ModelData = Pool().get('ir.model.data')
        to_save = []
        for po_path in po_paths:
            if os.path.basename(os.path.dirname(po_path)) != 'override':
                continue
            for entry in polib.pofile(po_path):
                if entry.obsolete or not entry.msgstr:
                    continue
                translation, res_id = cls.from_poentry(entry)
                if '.' not in res_id:
                    continue
                module, fs_id = res_id.split('.')
                if fs_id:
                    data = ModelData.search([
                            ('module', '=', module),
                            ('fs_id', '=', fs_id),
                            ], limit=1)
                    if not data:
                        continue
                    res_id = data[0].db_id
                else:
                    res_id = -1
                domain = [
                    ('name', '=', translation.name),
                    ('res_id', '=', res_id),
                    ('lang', '=', lang),
                    ('type', '=', translation.type),
                    ('module', '=', module),
                    ]
                if translation.type in {
                        'report', 'view', 'wizard_button', 'selection'}:
                    domain.append(('src', '=', translation.src))
                    domain.append(('src_plural', '=', translation.src_plural))
                existing = cls.search(domain, order=[])
                if not existing:
                    translation.lang = lang
                    translation.module = module
                    translation.res_id = res_id
                    translation.value = ''
                    to_save.append(translation)
                for row in existing:
                    if row.fuzzy and not translation.fuzzy:
                        row.fuzzy = False
                        row.value = translation.value
                        row.overriding_module = overriding_module
                        to_save.append(row)
        cls.save(to_save)
