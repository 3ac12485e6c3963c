# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Literal, With

from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Rule(metaclass=PoolMeta):
    """Record rules of the CRM (CRM-2) may use Eval('hopu_employees'):
    every employee record of the user, whatever company_filter says, and
    Eval('hopu_subtree'): those and everyone below them at any depth.

    Every owner rule of the Hopu modules (customers, contacts, daily
    reports, contact records, extension requests, alerts, opportunities,
    mailings, contracts) is [('salesperson', 'in', Eval('hopu_subtree',
    []))] or the same through the record's customer, contract or mailing:
    the database checks it as ``salesperson = ANY(...)`` in the index walk
    of a list, cheaper than a recursive subquery (``child_of``) in every
    search and read.

    The two lists come from one recursive query per user, kept in a Tryton
    cache as the rule domains themselves are (``_domain_get_cache``), and
    part of their cache key. Creating, deleting an employee or changing a
    supervisor, and changing the employees of a user, clear it: in the
    transaction at once, in every other worker when it commits (LISTEN/
    NOTIFY on PostgreSQL with ``[cache] clean_timeout = 0``), so the change
    takes effect on the next request everywhere, as a change of rights
    does (tests/test_production.py checks both with two workers)."""
    __name__ = 'ir.rule'

    @classmethod
    def _hopu_employees(cls):
        "The user's employees (all companies)"
        return cls._hopu_organisation()[0]

    @classmethod
    def _hopu_subtree(cls):
        "The user's employees and everyone below them at any depth"
        return cls._hopu_organisation()[1]

    _hopu_organisation_cache = Cache(
        'ir.rule.hopu_organisation', context=False)

    @classmethod
    def _hopu_organisation(cls):
        user = Transaction().user
        organisation = cls._hopu_organisation_cache.get(user)
        if organisation is None:
            organisation = cls._hopu_organisation_query()
            cls._hopu_organisation_cache.set(user, organisation)
        return organisation

    @classmethod
    def _hopu_organisation_changed(cls):
        "A supervisor or the employees of a user changed: every worker forgets"
        cls._hopu_organisation_cache.clear()

    @classmethod
    def _hopu_organisation_query(cls):
        # Plain SQL: searching through the ORM would apply the rules again;
        # inactive (departed) employees are included, as child_of does
        pool = Pool()
        user_employee = pool.get('res.user-company.employee').__table__()
        employee = pool.get('company.employee').__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        tree = With('id', 'own', recursive=True)
        tree.query = user_employee.select(
            user_employee.employee, Literal(True),
            where=user_employee.user == transaction.user)
        tree.query |= employee.join(tree,
            condition=employee.supervisor == tree.id
            ).select(employee.id, Literal(False))
        cursor.execute(*tree.select(tree.id, tree.own, with_=[tree]))
        own, subtree = set(), set()
        for id_, is_own in cursor:
            if is_own:
                own.add(id_)
            subtree.add(id_)
        return tuple(sorted(own)), tuple(sorted(subtree))

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, *cls._hopu_organisation())

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['hopu_employees'] = list(cls._hopu_employees())
        context['hopu_subtree'] = list(cls._hopu_subtree())
        return context
