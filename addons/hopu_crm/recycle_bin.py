# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-5 the recycle bin: deleting a customer moves it to the bin, from
where a user restores it and a CRM administrator deletes it for good. A
mixin of the one ``party.party`` extension of the module (party.py)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import RecycleError
from .salesperson import is_crm_admin


class RecycleBinMixin:
    "The recycle bin of the customers (CRM-5)"
    __slots__ = ()

    recycled = fields.Boolean("In Recycle Bin", readonly=True)

    recycled_date = fields.DateTime(
        "Deleted On", readonly=True, loading='lazy')

    recycled_by = fields.Many2One(
        'res.user', "Deleted By", readonly=True, ondelete='SET NULL',
        loading='lazy')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_restore': {
                    'invisible': ~Eval('recycled', False),
                    'depends': ['recycled'],
                    },
                })

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # Restoring from the recycle bin works on inactive records by nature
        cls._buttons['crm_restore'].pop('readonly', None)

    @classmethod
    def default_recycled(cls):
        return False

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if (mode == 'delete' and external
                and any(p.recycled for p in parties)
                and not is_crm_admin()):
            raise RecycleError(gettext('hopu_crm.msg_recycle_purge_admin'))

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        # A copy is a new customer: not in the bin
        for name in ['recycled_date', 'recycled_by']:
            default.setdefault(name, None)
        default.setdefault('recycled', False)
        return super().copy(parties, default=default)

    @classmethod
    def delete(cls, parties):
        """CRM-5: deleting a customer moves it to the recycle bin; the
        customers already in the bin and the other parties are deleted.

        An override, not a hook: check_modification and on_modification
        cannot turn a deletion into a write."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        to_bin = [p for p in parties if p.crm_stage and not p.recycled]
        to_purge = [p for p in parties if p not in to_bin]
        if to_bin:
            if transaction.check_access and transaction.user:
                ModelAccess.check(cls.__name__, 'delete')
                # The same check (and message) as a real delete
                cls._ModelSQL__check_domain_rule(
                    [p.id for p in to_bin], 'delete')
            with without_check_access():
                cls.write(to_bin, {
                        'recycled': True,
                        'active': False,
                        'recycled_date': dt.datetime.now(),
                        'recycled_by': transaction.user or None,
                        })
        if to_purge:
            super().delete(to_purge)

    @classmethod
    @ModelView.button
    def crm_restore(cls, parties):
        "CRM-5: bring customers back from the recycle bin"
        cls.write([p for p in parties if p.recycled], {
                'recycled': False,
                'active': True,
                'recycled_date': None,
                'recycled_by': None,
                })
