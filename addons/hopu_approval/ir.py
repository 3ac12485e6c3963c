# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class Rule(metaclass=PoolMeta):
    """Record rules may use Eval('hopu_user'): the id of the user, so that
    an approval step naming a user lets that user read the step and its
    document (CON-4). The id is part of the cache key, so two users never
    share the result."""
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().user)

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['hopu_user'] = Transaction().user
        return context


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('hopu.approval|send_pending_digest',
                "Send the Digest of Pending Approvals"))
