# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .speedup import transaction_memo


class Rule(metaclass=PoolMeta):
    """Record rules may use Eval('hopu_employees'): every employee record
    of the user, whatever company_filter says (CRM-2). A rule such as
    [('salesperson', 'child_of', Eval('hopu_employees', []), 'supervisor')]
    covers the user's own records and those of everyone below them; the
    subtree is resolved by the database at each query, so a change of
    supervisor takes effect on the next request. The user's employees are
    read once per transaction (until it writes): ``domain_get`` asks for
    them for every search and read."""
    __name__ = 'ir.rule'

    @classmethod
    def _hopu_employees(cls):
        transaction = Transaction()
        memo = transaction_memo('hopu_employees')
        if transaction.user not in memo:
            memo[transaction.user] = cls._hopu_employees_query()
        return memo[transaction.user]

    @classmethod
    def _hopu_employees_query(cls):
        # Plain SQL: searching through the ORM would apply the rules again
        pool = Pool()
        user_employee = pool.get('res.user-company.employee').__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*user_employee.select(
                user_employee.employee,
                where=user_employee.user == transaction.user))
        return tuple(sorted(employee for employee, in cursor))

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, cls._hopu_employees())

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['hopu_employees'] = list(cls._hopu_employees())
        return context
