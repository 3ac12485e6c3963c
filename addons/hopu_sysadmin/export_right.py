# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-5 导出: exporting needs the export right on a program covering the
model, and the records' read rules (Tryton exports instances read without
them). trytond_patches.py ('rights.export_data') calls both checks
before ModelStorage.export_data."""
from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ExportAccessError


def check_export(Model):
    """SYS-5 导出: exporting the records of a program's model needs the
    export right on one program covering it"""
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return
    pool = Pool()
    try:
        Program = pool.get('hopu.program')
    except KeyError:
        return
    groups = Program.export_groups(Model.__name__)
    if groups is None:
        return
    User = pool.get('res.user')
    if not set(User.get_groups()) & groups:
        raise ExportAccessError(gettext(
                'hopu_sysadmin.msg_export_denied',
                **Model.__names__()))


def check_export_rules(Model, records):
    """CRM-2: Tryton exports the records as instances, read without the
    record rules: check them first, with the check (and message) a read
    makes, for any model that has read rules for the user"""
    pool = Pool()
    Rule = pool.get('ir.rule')
    transaction = Transaction()
    if (not transaction.user or not transaction.check_access
            or not issubclass(Model, ModelSQL) or not records):
        return
    if not Rule.domain_get(Model.__name__, mode='read'):
        return
    ids = list({int(r) for r in records})
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        Model._ModelSQL__check_domain_rule(list(sub_ids), 'read')
