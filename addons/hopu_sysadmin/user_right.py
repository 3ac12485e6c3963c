# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-5 user rights: a user's rights on a program, compiled into the
memberships of the program's right groups"""
import datetime

from sql import Column, Literal, Null, Union
from sql.conditionals import Case, Coalesce
from sql.operators import Exists

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .program import RIGHTS, _ChangeMixin


class RightsMixin:
    """The seven rights of a user on a program, as booleans
    (read-only when _rights_readonly)"""
    __slots__ = ()
    _rights_readonly = False
    perm_read = fields.Boolean("Read")
    perm_create = fields.Boolean("Create")
    perm_write = fields.Boolean("Write")
    perm_delete = fields.Boolean("Delete")
    perm_print = fields.Boolean("Print")
    perm_export = fields.Boolean("Export")
    perm_approve = fields.Boolean("Approve")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if cls._rights_readonly:
            for right in RIGHTS:
                getattr(cls, f'perm_{right}').readonly = True


class UserRight(_ChangeMixin, RightsMixin, ModelSQL, ModelView):
    "User Right"
    __name__ = 'hopu.user.right'
    _history = True
    _changed_field = 'user'

    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    program = fields.Many2One(
        'hopu.program', "Program", required=True, ondelete='CASCADE')
    user_company = fields.Function(fields.Many2One(
            'company.company', "Company or Department"),
        'get_user_company', searcher='search_user_company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('user', 'ASC'), ('program', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_constraints = [
            ('user_program_unique', Unique(t, t.user, t.program),
                'hopu_sysadmin.msg_user_right_unique'),
            ]

    @staticmethod
    def _field(right):
        return f'perm_{right}'

    def granted(self):
        return [r for r in RIGHTS if getattr(self, self._field(r))]

    @classmethod
    def _changed(cls, users):
        cls.sync_users(users)

    def get_user_company(self, name):
        return self.user.company.id if self.user.company else None

    @classmethod
    def search_user_company(cls, name, clause):
        return [('user.company',) + tuple(clause[1:])]

    @classmethod
    def sync_users(cls, users, add_only=False):
        """Make the users' memberships of the program right groups match
        their rights: two set-based statements, whatever the number of
        users and programs; add_only: no right was taken away (a merge),
        only the missing memberships are added"""
        pool = Pool()
        User = pool.get('res.user')
        UserGroup = pool.get('res.user-res.group')

        user_ids = sorted({getattr(u, 'id', u) for u in users if u})
        if not user_ids:
            return
        user_group = UserGroup.__table__()
        cursor = Transaction().connection.cursor()
        create_uid = Transaction().user
        now = datetime.datetime.now()
        changed = False
        for sub_ids in chunks(user_ids):
            if not add_only:
                changed |= cls._delete_surplus_memberships(sub_ids)
            # rights without the membership
            wanted = cls.wanted_memberships(sub_ids)
            member = UserGroup.__table__()
            cursor.execute(*user_group.insert(
                    [user_group.user, user_group.group,
                        user_group.create_uid, user_group.create_date],
                    wanted.select(
                        wanted.user, wanted.group,
                        Literal(create_uid), Literal(now),
                        where=~Exists(member.select(member.id,
                                where=(member.user == wanted.user)
                                & (member.group == wanted.group))))))
            changed |= bool(cursor.rowcount)
        if changed:
            User._get_groups_cache.clear()

    @classmethod
    def _delete_surplus_memberships(cls, user_ids):
        """Delete the memberships of the users of right groups whose right
        they no longer have; return whether any was"""
        pool = Pool()
        UserGroup = pool.get('res.user-res.group')
        cursor = Transaction().connection.cursor()
        user_group = UserGroup.__table__()
        member = UserGroup.__table__()
        right = cls.__table__()
        groups = cls.right_groups_query()
        granted = Case(*(
                (groups.right == name, Column(right, f'perm_{name}'))
                for name in RIGHTS))
        cursor.execute(*user_group.delete(
                where=user_group.id.in_(member
                    .join(groups, condition=member.group == groups.group)
                    .join(right, 'LEFT', condition=(
                            (right.user == member.user)
                            & (right.program == groups.program)))
                    .select(member.id,
                        where=member.user.in_(user_ids)
                        & (Coalesce(granted, False) != Literal(True))))))
        return bool(cursor.rowcount)

    @classmethod
    def wanted_memberships(cls, user_ids):
        "The (user, group) the rights of the users ask for, as a query"
        pool = Pool()
        Program = pool.get('hopu.program')
        right = cls.__table__()
        program = Program.__table__()
        queries = []
        for name in RIGHTS:
            group = Column(program, f'group_{name}')
            queries.append(right
                .join(program, condition=right.program == program.id)
                .select(
                    right.user.as_('user'), group.as_('group'),
                    where=right.user.in_(user_ids)
                    & (Column(right, f'perm_{name}') == Literal(True))
                    & (group != Null)))
        return Union(*queries, all_=True)

    @classmethod
    def right_groups_query(cls):
        "The groups of the programs' rights: (program, right, group)"
        pool = Pool()
        Program = pool.get('hopu.program')
        program = Program.__table__()
        return Union(*(
                program.select(
                    program.id.as_('program'), Literal(name).as_('right'),
                    Column(program, f'group_{name}').as_('group'),
                    where=Column(program, f'group_{name}') != Null)
                for name in RIGHTS), all_=True)


class UserGroup(metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # is the user in the group: the compile of the rights asks it for
        # every right of every user
        cls._sql_indexes.add(Index(
                t, (t.user, Index.Equality()), (t.group, Index.Equality())))


def chunks(values, size=500):
    "The values in lists of size at most, for IN clauses"
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]
