# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-7 application programs and SYS-5 user rights.

A program is a screen that rights are granted on. Each of its seven rights
is a res.group of its own (created with the program), so that Tryton itself
enforces them: model access rows for read/create/write/delete on the
program's models, menu visibility for read, report actions for print, the
approve buttons for approve. A user's rights on a program are memberships of
those groups, kept in step by hopu.user.right. Role groups (CRM) carry record
rules only, never model access, so the rights decide alone which operations
a user may do."""
import datetime

from sql import Column, Literal, Null, Union
from sql.conditionals import Case, Coalesce
from sql.operators import Exists

from trytond import backend
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ExportAccessError

RIGHTS = ['read', 'create', 'write', 'delete', 'print', 'export', 'approve']
MODEL_RIGHTS = ['read', 'write', 'create', 'delete']


class Program(DeactivableMixin, ModelSQL, ModelView):
    "Application Program"
    __name__ = 'hopu.program'
    _history = True
    _export_groups_cache = Cache('hopu.program.export_groups', context=False)

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    menu = fields.Many2One('ir.ui.menu', "Menu", ondelete='SET NULL')
    model_names = fields.Text(
        "Models",
        help="The technical names of the models the program covers, "
        "one per line.")
    approve_buttons = fields.Many2Many(
        'hopu.program-ir.model.button', 'program', 'button',
        "Approve Buttons")
    reports = fields.Many2Many(
        'hopu.program-ir.action.report', 'program', 'report', "Reports")
    wizards = fields.Many2Many(
        'hopu.program-ir.action.wizard', 'program', 'wizard', "Wizards",
        help="The wizards of the program: running them needs the write "
        "right.")
    sequence = fields.Integer("Sequence")
    for _right in RIGHTS:
        locals()[f'group_{_right}'] = fields.Many2One(
            'res.group', f"Group {_right.title()}", readonly=True,
            ondelete='RESTRICT')
    del _right

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'hopu_sysadmin.msg_program_code_unique'),
            ]
        cls._order = [
            ('sequence', 'ASC NULLS FIRST'), ('code', 'ASC'), ('id', 'ASC')]

    @property
    def models(self):
        return [m.strip() for m in (self.model_names or '').split()
            if m.strip()]

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        UserRight = pool.get('hopu.user.right')
        programs = super().create(vlist)
        cls.compile(programs)
        # The administrator starts with every right on every program
        admin = ModelData.get_id('res', 'user_admin')
        UserRight.create([{
                    'user': admin, 'program': p.id,
                    **{UserRight._field(r): True for r in RIGHTS}}
                for p in programs])
        return programs

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls.compile(sum(args[0:None:2], []))

    @classmethod
    def delete(cls, programs):
        pool = Pool()
        Group = pool.get('res.group')
        groups = [getattr(p, f'group_{r}') for p in programs for r in RIGHTS]
        cls.write(programs, {f'group_{r}': None for r in RIGHTS})
        super().delete(programs)
        Group.delete([g for g in groups if g])

    @classmethod
    def compile(cls, programs):
        """Create the right groups of the programs and grant them, through
        Tryton's own tables, what each right allows"""
        pool = Pool()
        Group = pool.get('res.group')
        Access = pool.get('ir.model.access')
        MenuGroup = pool.get('ir.ui.menu-res.group')
        ButtonGroup = pool.get('ir.model.button-res.group')
        ActionGroup = pool.get('ir.action-res.group')

        cls._export_groups_cache.clear()
        pool.get('ir.ui.menu').hopu_coverage_changed()
        missing = [(p, r) for p in programs for r in RIGHTS
            if not getattr(p, f'group_{r}')]
        if missing:
            groups = Group.create([
                    {'name': f'{p.code}/{r}'} for p, r in missing])
            values = {}
            for (program, right), group in zip(missing, groups):
                values.setdefault(program, {})[f'group_{right}'] = group.id
            to_write = []
            for program, value in values.items():
                to_write.extend(([program], value))
            super().write(*to_write)
            programs = cls.browse(programs)

        groups = [getattr(p, f'group_{r}').id
            for p in programs for r in RIGHTS]
        Access.delete(Access.search([('group', 'in', groups)]))
        MenuGroup.delete(MenuGroup.search([('group', 'in', groups)]))
        ButtonGroup.delete(ButtonGroup.search([('group', 'in', groups)]))
        ActionGroup.delete(ActionGroup.search([('group', 'in', groups)]))

        models = {m for p in programs for m in p.models}
        with_default = {a.model for a in Access.search([
                    ('model', 'in', list(models)), ('group', '=', None)])}
        accesses, menus, buttons, actions = [], [], [], []
        for model in sorted(models - with_default):
            # Deny by default: only the rights open the model
            accesses.append({
                    'model': model, 'group': None,
                    **{f'perm_{p}': False for p in MODEL_RIGHTS}})
        for program in programs:
            for model in program.models:
                for right in MODEL_RIGHTS:
                    accesses.append({
                            'model': model,
                            'group': getattr(program, f'group_{right}').id,
                            **{f'perm_{p}': p == right
                                for p in MODEL_RIGHTS}})
            if program.menu:
                # A menu that runs one of the program's wizards is for who
                # may run it
                wizards = {w.id for w in program.wizards}
                action = program.menu.action
                menu_group = (program.group_write
                    if (action and action.__name__ == 'ir.action.wizard'
                        and action.id in wizards)
                    else program.group_read)
                menus.append({
                        'menu': program.menu.id,
                        'group': menu_group.id})
            for button in program.approve_buttons:
                buttons.append({
                        'button': button.id,
                        'group': program.group_approve.id})
            for report in program.reports:
                actions.append({
                        'action': report.action.id,
                        'group': program.group_print.id})
            for wizard in program.wizards:
                actions.append({
                        'action': wizard.action.id,
                        'group': program.group_write.id})
        Access.create(accesses)
        MenuGroup.create(menus)
        ButtonGroup.create(buttons)
        ActionGroup.create(actions)

    @classmethod
    def export_groups(cls, model):
        """The export groups of the programs covering the model, or None
        when no program covers it"""
        key = model
        result = cls._export_groups_cache.get(key, -1)
        if result != -1:
            return None if result is None else set(result)
        groups = None
        for program in cls.search([], order=[]):
            if model in program.models and program.group_export:
                groups = (groups or set()) | {program.group_export.id}
        cls._export_groups_cache.set(
            key, None if groups is None else sorted(groups))
        return groups

    @classmethod
    def right_groups(cls):
        "Map each program id to {right: group id}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id, *[getattr(table, f'group_{r}') for r in RIGHTS]))
        return {row[0]: dict(zip(RIGHTS, row[1:])) for row in cursor}


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


class _ChangeMixin:
    """Call cls._changed with the values of the field cls._changed_field of
    the records created, written (before and after) or deleted"""
    __slots__ = ()
    _changed_field = None

    @classmethod
    def _targets(cls, records):
        return {getattr(r, cls._changed_field) for r in records}

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._changed(cls._targets(records))
        return records

    @classmethod
    def write(cls, *args):
        records = sum(args[0:None:2], [])
        targets = cls._targets(records)
        super().write(*args)
        cls._changed(targets | cls._targets(records))

    @classmethod
    def delete(cls, records):
        targets = cls._targets(records)
        super().delete(records)
        cls._changed(targets)


class _ProgramRelationMixin(_ChangeMixin):
    "Recompile the program when its buttons, reports or wizards change"
    __slots__ = ()
    _changed_field = 'program'
    program = fields.Many2One(
        'hopu.program', "Program", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('program')

    @classmethod
    def _changed(cls, programs):
        pool = Pool()
        Program = pool.get('hopu.program')
        programs = Program.browse([p.id for p in programs if p])
        if programs:
            Program.compile(programs)


class ProgramButton(_ProgramRelationMixin, ModelSQL):
    "Application Program - Approve Button"
    __name__ = 'hopu.program-ir.model.button'
    button = fields.Many2One(
        'ir.model.button', "Button", required=True, ondelete='CASCADE')


class ProgramReport(_ProgramRelationMixin, ModelSQL):
    "Application Program - Report"
    __name__ = 'hopu.program-ir.action.report'
    report = fields.Many2One(
        'ir.action.report', "Report", required=True, ondelete='CASCADE')


class ProgramWizard(_ProgramRelationMixin, ModelSQL):
    "Application Program - Wizard"
    __name__ = 'hopu.program-ir.action.wizard'
    wizard = fields.Many2One(
        'ir.action.wizard', "Wizard", required=True, ondelete='CASCADE')


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


class ModelData(metaclass=PoolMeta):
    "SYS-7: a program the modules ship is renamed in the company's words"
    __name__ = 'ir.model.data'

    @classmethod
    def can_modify(cls, records, values):
        if values is not None and 'name' in values:
            programs = [r for r in records if r.__name__ == 'hopu.program']
            others = [r for r in records if r.__name__ != 'hopu.program']
            values_program = {k: v for k, v in values.items() if k != 'name'}
            if programs and values_program:
                super().can_modify(programs, values_program)
            if others:
                super().can_modify(others, values)
            return
        super().can_modify(records, values)


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
