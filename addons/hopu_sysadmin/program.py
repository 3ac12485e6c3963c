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

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.model.modelstorage import ModelStorage
from trytond.pool import Pool
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


_export_data = ModelStorage.export_data.__func__


def check_export_rules(Model, records):
    """CRM-2: Tryton exports the records as instances, read without the
    record rules: check them first, with the check (and message) a read
    makes, for any model that has read rules for the user"""
    from trytond.tools import grouped_slice
    pool = Pool()
    Rule = pool.get('ir.rule')
    transaction = Transaction()
    if (not transaction.user or not transaction.check_access
            or not issubclass(Model, ModelSQL) or not records):
        return
    if not Rule.domain_get(Model.__name__, mode='read'):
        return
    ids = list({int(r) for r in records})
    for sub_ids in grouped_slice(ids):
        Model._ModelSQL__check_domain_rule(list(sub_ids), 'read')


@classmethod
def _hopu_export_data(cls, records, fields_names, header=False):
    check_export(cls)
    check_export_rules(cls, records)
    return _export_data(cls, records, fields_names, header=header)


if not getattr(ModelStorage.export_data, 'hopu', False):
    _hopu_export_data.__func__.hopu = True
    ModelStorage.export_data = _hopu_export_data


class _ProgramRelationMixin:
    "Recompile the program when its buttons, reports or wizards change"
    __slots__ = ()

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._recompile(records)
        return records

    @classmethod
    def write(cls, *args):
        records = sum(args[0:None:2], [])
        programs = {r.program for r in records}
        super().write(*args)
        programs |= {r.program for r in records}
        cls._recompile_programs(programs)

    @classmethod
    def delete(cls, records):
        programs = {r.program for r in records}
        super().delete(records)
        cls._recompile_programs(programs)

    @classmethod
    def _recompile(cls, records):
        cls._recompile_programs({r.program for r in records})

    @classmethod
    def _recompile_programs(cls, programs):
        pool = Pool()
        Program = pool.get('hopu.program')
        programs = Program.browse([p.id for p in programs if p])
        if programs:
            Program.compile(programs)


class ProgramButton(_ProgramRelationMixin, ModelSQL):
    "Application Program - Approve Button"
    __name__ = 'hopu.program-ir.model.button'
    program = fields.Many2One(
        'hopu.program', "Program", required=True, ondelete='CASCADE')
    button = fields.Many2One(
        'ir.model.button', "Button", required=True, ondelete='CASCADE')


class ProgramReport(_ProgramRelationMixin, ModelSQL):
    "Application Program - Report"
    __name__ = 'hopu.program-ir.action.report'
    program = fields.Many2One(
        'hopu.program', "Program", required=True, ondelete='CASCADE')
    report = fields.Many2One(
        'ir.action.report', "Report", required=True, ondelete='CASCADE')


class ProgramWizard(_ProgramRelationMixin, ModelSQL):
    "Application Program - Wizard"
    __name__ = 'hopu.program-ir.action.wizard'
    program = fields.Many2One(
        'hopu.program', "Program", required=True, ondelete='CASCADE')
    wizard = fields.Many2One(
        'ir.action.wizard', "Wizard", required=True, ondelete='CASCADE')


class UserRight(ModelSQL, ModelView):
    "User Right"
    __name__ = 'hopu.user.right'
    _history = True

    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    program = fields.Many2One(
        'hopu.program', "Program", required=True, ondelete='CASCADE')
    perm_read = fields.Boolean("Read")
    perm_create = fields.Boolean("Create")
    perm_write = fields.Boolean("Write")
    perm_delete = fields.Boolean("Delete")
    perm_print = fields.Boolean("Print")
    perm_export = fields.Boolean("Export")
    perm_approve = fields.Boolean("Approve")
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
    def create(cls, vlist):
        rights = super().create(vlist)
        cls.sync_users({r.user for r in rights})
        return rights

    @classmethod
    def write(cls, *args):
        users = {r.user for r in sum(args[0:None:2], [])}
        super().write(*args)
        users |= {r.user for r in sum(args[0:None:2], [])}
        cls.sync_users(users)

    @classmethod
    def delete(cls, rights):
        users = {r.user for r in rights}
        super().delete(rights)
        cls.sync_users(users)

    def get_user_company(self, name):
        return self.user.company.id if self.user.company else None

    @classmethod
    def search_user_company(cls, name, clause):
        return [('user.company',) + tuple(clause[1:])]

    @classmethod
    def sync_users(cls, users):
        """Make the users' memberships of the program right groups match
        their rights"""
        pool = Pool()
        Program = pool.get('hopu.program')
        User = pool.get('res.user')
        UserGroup = pool.get('res.user-res.group')

        user_ids = sorted({getattr(u, 'id', u) for u in users if u})
        if not user_ids:
            return
        program_groups = Program.right_groups()
        right_groups = {g for groups in program_groups.values()
            for g in groups.values() if g}
        table = cls.__table__()
        user_group = UserGroup.__table__()
        cursor = Transaction().connection.cursor()
        wanted = set()
        have = set()
        for sub_ids in _chunks(user_ids):
            cursor.execute(*table.select(
                    table.user, table.program,
                    *[getattr(table, f'perm_{r}') for r in RIGHTS],
                    where=table.user.in_(sub_ids)))
            for user_id, program_id, *perms in cursor:
                groups = program_groups.get(program_id, {})
                for right, perm in zip(RIGHTS, perms):
                    if perm and groups.get(right):
                        wanted.add((user_id, groups[right]))
            cursor.execute(*user_group.select(
                    user_group.id, user_group.user, user_group.group,
                    where=user_group.user.in_(sub_ids)))
            for id_, user_id, group_id in cursor:
                if group_id in right_groups:
                    have.add((user_id, group_id, id_))
        to_delete = [id_ for u, g, id_ in have if (u, g) not in wanted]
        to_create = sorted(wanted - {(u, g) for u, g, _ in have})
        for sub_ids in _chunks(to_delete):
            cursor.execute(*user_group.delete(
                    where=user_group.id.in_(sub_ids)))
        create_uid = Transaction().user
        now = datetime.datetime.now()
        for sub in _chunks(to_create, 1000):
            cursor.execute(*user_group.insert(
                    [user_group.user, user_group.group,
                        user_group.create_uid, user_group.create_date],
                    [[u, g, create_uid, now] for u, g in sub]))
        if to_delete or to_create:
            User._get_groups_cache.clear()


def _chunks(values, size=None):
    size = size or 500
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]
