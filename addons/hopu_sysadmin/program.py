# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-7 application programs.

A program is a screen that rights are granted on. Each of its seven rights
is a res.group of its own (created with the program), so that Tryton itself
enforces them: model access rows for read/create/write/delete on the
program's models, menu visibility for read, report actions for print, the
approve buttons for approve, and the program's record rules (ir.rule.group,
non-global) per model right. A user's rights on a program are memberships of
those groups, kept in step by hopu.user.right (user_right.py). Role groups
(CRM) carry record rules only, never model access, so the rights decide
alone which operations a user may do."""
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import ProgramModelRightsError

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
        "one per line; a model shown by the program's documents but "
        "changed elsewhere is followed by the rights the program gives "
        "on it (e.g. \"stock.move:read\").")
    approve_buttons = fields.Many2Many(
        'hopu.program-ir.model.button', 'program', 'button',
        "Approve Buttons")
    reports = fields.Many2Many(
        'hopu.program-ir.action.report', 'program', 'report', "Reports")
    wizards = fields.Many2Many(
        'hopu.program-ir.action.wizard', 'program', 'wizard', "Wizards",
        help="The wizards of the program: running them needs the write "
        "right.")
    rule_groups = fields.Many2Many(
        'hopu.program-ir.rule.group', 'program', 'rule_group',
        "Record Rules",
        help="The record rules that restrict the holders of the program's "
        "rights: a rule group applies to the holders of the read, create, "
        "write or delete right for the operations it is set for.")
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
        return [m for m, _ in self.model_rights]

    @property
    def model_rights(self):
        """The models the program covers, each with the rights of
        MODEL_RIGHTS it gives on them: every right, or those named after
        the model (\"stock.move:read\")"""
        result = []
        for line in (self.model_names or '').split():
            model, _, rights = line.partition(':')
            if rights:
                rights = {r.strip() for r in rights.split(',')}
            else:
                rights = set(MODEL_RIGHTS)
            result.append((model, rights))
        return result

    @classmethod
    def validate_fields(cls, programs, field_names):
        super().validate_fields(programs, field_names)
        cls.check_model_rights(programs, field_names)

    @classmethod
    def check_model_rights(cls, programs, field_names=None):
        "A right named after a model is one of MODEL_RIGHTS"
        if field_names and 'model_names' not in field_names:
            return
        for program in programs:
            for model, rights in program.model_rights:
                unknown = rights - set(MODEL_RIGHTS)
                if unknown or not rights:
                    raise ProgramModelRightsError(gettext(
                            'hopu_sysadmin.msg_program_model_rights',
                            program=program.rec_name, model=model,
                            rights=', '.join(sorted(unknown)),
                            known=', '.join(MODEL_RIGHTS)))

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
    def on_modification(cls, mode, programs, field_names=None):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        UserRight = pool.get('hopu.user.right')
        super().on_modification(mode, programs, field_names=field_names)
        if mode == 'create':
            cls.compile(programs)
            # The administrator starts with every right on every program
            admin = ModelData.get_id('res', 'user_admin')
            UserRight.create([{
                        'user': admin, 'program': p.id,
                        **{UserRight._field(r): True for r in RIGHTS}}
                    for p in programs])
        elif mode == 'write' and (
                set(field_names) - {f'group_{r}' for r in RIGHTS}):
            # Not when compile itself writes the groups it created
            cls.compile(programs)

    @classmethod
    def on_delete(cls, programs):
        "The right groups go with their program"
        pool = Pool()
        Group = pool.get('res.group')
        callbacks = super().on_delete(programs)
        groups = [g for g in (getattr(p, f'group_{r}')
                for p in programs for r in RIGHTS) if g]
        if groups:
            callbacks.append(lambda: Group.delete(groups))
        return callbacks

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
        RuleGroupGroup = pool.get('ir.rule.group-res.group')
        Rule = pool.get('ir.rule')

        cls._export_groups_cache.clear()
        pool.get('ir.ui.menu').hopu_coverage_changed()
        # the groups are named after the program's code: a code changed,
        # their names follow (a new program may take the old code)
        renamed = []
        for program in programs:
            for right in RIGHTS:
                group = getattr(program, f'group_{right}')
                if group and group.name != f'{program.code}/{right}':
                    renamed.extend(
                        ([group], {'name': f'{program.code}/{right}'}))
        if renamed:
            Group.write(*renamed)
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
        RuleGroupGroup.delete(RuleGroupGroup.search([('group', 'in', groups)]))

        models = {m for p in programs for m in p.models}
        with_default = {a.model for a in Access.search([
                    ('model', 'in', list(models)), ('group', '=', None)])}
        accesses, menus, buttons, actions, rules = [], [], [], [], []
        ancestors = set()
        for model in sorted(models - with_default):
            # Deny by default: only the rights open the model
            accesses.append({
                    'model': model, 'group': None,
                    **{f'perm_{p}': False for p in MODEL_RIGHTS}})
        for program in programs:
            for model, granted in program.model_rights:
                for right in MODEL_RIGHTS:
                    if right not in granted:
                        continue
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
                # A menu shows only below a visible parent: the ancestors
                # kept for groups (库存管理 for stock's own group) open to
                # the program's group too
                menu, seen = program.menu.parent, set()
                while menu and menu.id not in seen:
                    seen.add(menu.id)
                    if menu.groups:
                        ancestors.add((menu.id, menu_group.id))
                    menu = menu.parent
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
            # A record rule of a mode restricts who holds the right of that
            # mode: a rule group per mode keeps each right to its records
            for rule_group in program.rule_groups:
                for right in MODEL_RIGHTS:
                    if getattr(rule_group, f'perm_{right}'):
                        rules.append({
                                'rule_group': rule_group.id,
                                'group': getattr(
                                    program, f'group_{right}').id})
        Access.create(accesses)
        own = {(m['menu'], m['group']) for m in menus}
        menus.extend({'menu': m, 'group': g}
            for m, g in sorted(ancestors - own))
        MenuGroup.create(menus)
        ButtonGroup.create(buttons)
        ActionGroup.create(actions)
        RuleGroupGroup.create(rules)
        Rule._domain_get_cache.clear()

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


class _ChangeMixin:
    """Call cls._changed with the values of the field cls._changed_field of
    the records created, written (before and after) or deleted"""
    __slots__ = ()
    _changed_field = None

    @classmethod
    def _targets(cls, records):
        return {getattr(r, cls._changed_field) for r in records}

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'create':
            cls._changed(cls._targets(records))

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        targets = cls._targets(records)
        ids = list(map(int, records))
        callbacks.append(
            lambda: cls._changed(targets | cls._targets(cls.browse(ids))))
        return callbacks

    @classmethod
    def on_delete(cls, records):
        callbacks = super().on_delete(records)
        targets = cls._targets(records)
        callbacks.append(lambda: cls._changed(targets))
        return callbacks


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


class ProgramRuleGroup(_ProgramRelationMixin, ModelSQL):
    "Application Program - Rule Group"
    __name__ = 'hopu.program-ir.rule.group'
    rule_group = fields.Many2One(
        'ir.rule.group', "Rule Group", required=True, ondelete='CASCADE')


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


class Group(metaclass=PoolMeta):
    __name__ = 'res.group'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # trytond gives the constraint a text, not a message: its violation
        # was an internal error instead of the user's
        cls._sql_constraints = [
            (name, constraint, 'hopu_sysadmin.msg_group_name_unique'
                if name == 'name_uniq' else message)
            for name, constraint, message in cls._sql_constraints]
