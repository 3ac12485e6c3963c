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
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

RIGHTS = ['read', 'create', 'write', 'delete', 'print', 'export', 'approve']
MODEL_RIGHTS = ['read', 'write', 'create', 'delete']


class Program(DeactivableMixin, ModelSQL, ModelView):
    "Application Program"
    __name__ = 'hopu.program'

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

        to_write = []
        for program in programs:
            values = {}
            for right in RIGHTS:
                if not getattr(program, f'group_{right}'):
                    group = Group(name=f'{program.code}/{right}')
                    group.save()
                    values[f'group_{right}'] = group.id
            if values:
                to_write.extend(([program], values))
        if to_write:
            super().write(*to_write)

        groups = [getattr(p, f'group_{r}') for p in programs for r in RIGHTS]
        Access.delete(Access.search([('group', 'in', groups)]))
        MenuGroup.delete(MenuGroup.search([('group', 'in', groups)]))
        ButtonGroup.delete(ButtonGroup.search([('group', 'in', groups)]))
        ActionGroup.delete(ActionGroup.search([('group', 'in', groups)]))

        accesses, menus, buttons, actions = [], [], [], []
        for program in programs:
            for model in program.models:
                if not Access.search([
                            ('model', '=', model), ('group', '=', None)]):
                    # Deny by default: only the rights open the model
                    accesses.append({
                            'model': model, 'group': None,
                            **{f'perm_{p}': False for p in MODEL_RIGHTS}})
                for right in MODEL_RIGHTS:
                    accesses.append({
                            'model': model,
                            'group': getattr(program, f'group_{right}').id,
                            **{f'perm_{p}': p == right
                                for p in MODEL_RIGHTS}})
            if program.menu:
                menus.append({
                        'menu': program.menu.id,
                        'group': program.group_read.id})
            for button in program.approve_buttons:
                buttons.append({
                        'button': button.id,
                        'group': program.group_approve.id})
            for report in program.reports:
                actions.append({
                        'action': report.action.id,
                        'group': program.group_print.id})
        Access.create(accesses)
        MenuGroup.create(menus)
        ButtonGroup.create(buttons)
        ActionGroup.create(actions)


class _ProgramRelationMixin:
    """Relation records of a program (also loaded from XML, where a
    Many2Many cannot be updated) compile their program when they change"""
    __slots__ = ()

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._compile_programs(records)
        return records

    @classmethod
    def delete(cls, records):
        programs = list({r.program for r in records})
        super().delete(records)
        Pool().get('hopu.program').compile(
            [p for p in programs if p.id is not None and p.id >= 0])

    @classmethod
    def _compile_programs(cls, records):
        Pool().get('hopu.program').compile(list({r.program for r in records}))


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


class UserRight(ModelSQL, ModelView):
    "User Right"
    __name__ = 'hopu.user.right'

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

    @classmethod
    def __setup__(cls):
        super().__setup__()
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

    @classmethod
    def sync_users(cls, users):
        """Make the users' memberships of the program right groups match
        their rights"""
        pool = Pool()
        Program = pool.get('hopu.program')
        UserGroup = pool.get('res.user-res.group')

        users = [u for u in users if u]
        if not users:
            return
        right_groups = set()
        for program in Program.search([], order=[]):
            right_groups.update(
                getattr(program, f'group_{r}').id for r in RIGHTS
                if getattr(program, f'group_{r}'))
        wanted = {u.id: set() for u in users}
        for right in cls.search([('user', 'in', [u.id for u in users])]):
            for name in right.granted():
                group = getattr(right.program, f'group_{name}')
                if group:
                    wanted[right.user.id].add(group.id)
        current = UserGroup.search([
                ('user', 'in', list(wanted)),
                ('group', 'in', list(right_groups)),
                ])
        have = {(ug.user.id, ug.group.id) for ug in current}
        want = {(u, g) for u, groups in wanted.items() for g in groups}
        UserGroup.delete([
                ug for ug in current
                if (ug.user.id, ug.group.id) not in want])
        UserGroup.create([
                {'user': u, 'group': g} for u, g in sorted(want - have)])
