# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-6 使用者权限复制 (copy rights) and SYS-8 使用者权限一览表 (overview)."""
import datetime
import io
import zipfile
from xml.sax.saxutils import escape

from sql import Column
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from .exceptions import RightCopyError
from .program import RIGHTS


class RightCopyLog(ModelSQL, ModelView):
    "User Rights Copy Log"
    __name__ = 'hopu.user.right.copy.log'
    _history = True

    date = fields.Timestamp("Date", readonly=True)
    source = fields.Many2One(
        'res.user', "From User", readonly=True, ondelete='SET NULL')
    source_login = fields.Char("From Login", readonly=True)
    targets = fields.Text("To Users", readonly=True)
    mode = fields.Selection([
            ('replace', "Replace"),
            ('merge', "Merge"),
            ], "Mode", readonly=True)
    programs = fields.Integer("Programs", readonly=True)
    copied_by = fields.Many2One(
        'res.user', "Copied By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class RightCopyStart(ModelView):
    "Copy User Rights"
    __name__ = 'hopu.user.right.copy.start'

    source = fields.Many2One(
        'res.user', "From User", required=True,
        domain=[('id', '!=', 0)])
    targets = fields.Many2Many(
        'res.user', None, None, "To Users", required=True,
        domain=[('id', '!=', 0)])
    mode = fields.Selection([
            ('replace', "Replace"),
            ('merge', "Merge"),
            ], "Mode", required=True,
        help="Replace: the target users get exactly the rights of the source "
        "user.\nMerge: the rights of the source user are added to theirs.")

    @classmethod
    def default_mode(cls):
        return 'replace'


class RightCopy(Wizard):
    "SYS-6 使用者权限复制: copy one user's rights to several users"
    __name__ = 'hopu.user.right.copy'

    start = StateView('hopu.user.right.copy.start',
        'hopu_sysadmin.user_right_copy_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Copy", 'copy_', 'tryton-ok', default=True),
            ])
    copy_ = StateTransition()

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'res.user' and context.get(
                'active_id'):
            return {'source': context['active_id']}
        return {}

    def transition_copy_(self):
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        UserRight.copy_rights(
            self.start.source, list(self.start.targets), self.start.mode)
        return 'end'


class UserRight(metaclass=PoolMeta):
    __name__ = 'hopu.user.right'

    @classmethod
    def copy_rights(cls, source, targets, mode):
        return _copy_rights(cls, source, targets, mode)


def _copy_rights(cls, source, targets, mode):
    """Copy the rights of source to the targets ('replace' or 'merge') and
    log it; return the log"""
    pool = Pool()
    Log = pool.get('hopu.user.right.copy.log')
    User = pool.get('res.user')
    transaction = Transaction()

    targets = [t for t in targets if t.id != source.id]
    if not targets:
        raise RightCopyError(gettext('hopu_sysadmin.msg_right_copy_no_target'))
    if mode not in {'replace', 'merge'}:
        raise RightCopyError(gettext('hopu_sysadmin.msg_right_copy_mode'))
    table = cls.__table__()
    cursor = transaction.connection.cursor()
    perms = [getattr(table, f'perm_{r}') for r in RIGHTS]
    cursor.execute(*table.select(
            table.program, *perms, where=table.user == source.id))
    source_rights = {row[0]: row[1:] for row in cursor}
    target_ids = [t.id for t in targets]

    existing, by_user = {}, {}
    for sub in _chunks(target_ids):
        cursor.execute(*table.select(
                table.id, table.user, table.program, *perms,
                where=table.user.in_(sub)))
        for id_, user_id, program_id, *values in cursor:
            existing[(user_id, program_id)] = (id_, values)
            by_user.setdefault(user_id, {})[program_id] = id_

    to_create, to_update, to_delete = [], {}, []
    for user_id in target_ids:
        for program_id, values in source_rights.items():
            values = [bool(v) for v in values]
            if (user_id, program_id) in existing:
                id_, current = existing[(user_id, program_id)]
                current = [bool(v) for v in current]
                if mode == 'merge':
                    values = [a or b for a, b in zip(values, current)]
                if values != current:
                    to_update.setdefault(tuple(values), []).append(id_)
            else:
                to_create.append((user_id, program_id, values))
        if mode == 'replace':
            for program_id, id_ in by_user.get(user_id, {}).items():
                if program_id not in source_rights:
                    to_delete.append(id_)

    # Plain SQL: copying to a hundred users must stay fast; the history
    # rows are written alike so that the audit trail stays complete.
    for sub in _chunks(to_delete):
        cls.delete(cls.browse(sub))
    uid = transaction.user
    now = datetime.datetime.now()
    for values, ids in to_update.items():
        for sub in _chunks(ids):
            cursor.execute(*table.update(
                    perms + [table.write_uid, table.write_date],
                    list(values) + [uid, now],
                    where=table.id.in_(sub)))
            if cls._history:
                cls._insert_history(sub)
    for sub in _chunks(to_create, 1000):
        cursor.execute(*table.insert(
                [table.user, table.program, *perms,
                    table.create_uid, table.create_date],
                [[u, p, *v, uid, now] for u, p, v in sub]))
    if to_create and cls._history:
        created = {(u, p) for u, p, _ in to_create}
        ids = []
        for sub in _chunks(target_ids):
            cursor.execute(*table.select(
                    table.id, table.user, table.program,
                    where=table.user.in_(sub)))
            ids.extend(i for i, u, p in cursor if (u, p) in created)
        for sub in _chunks(ids):
            cls._insert_history(sub)
    cls.sync_users(target_ids)

    log, = Log.create([{
                'date': now,
                'source': source.id,
                'source_login': source.login,
                'targets': '\n'.join(
                    t.login for t in User.browse(target_ids)),
                'mode': mode,
                'programs': len(source_rights),
                'copied_by': uid,
                }])
    return log


def _chunks(values, size=500):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]


class RightOverview(ModelSQL, ModelView):
    "User Rights Overview"
    __name__ = 'hopu.user.right.overview'

    user = fields.Many2One('res.user', "User", readonly=True)
    login = fields.Char("Login", readonly=True)
    company = fields.Many2One(
        'company.company', "Company or Department", readonly=True)
    program = fields.Many2One('hopu.program', "Program", readonly=True)
    program_code = fields.Char("Program Code", readonly=True)
    perm_read = fields.Boolean("Read", readonly=True)
    perm_create = fields.Boolean("Create", readonly=True)
    perm_write = fields.Boolean("Write", readonly=True)
    perm_delete = fields.Boolean("Delete", readonly=True)
    perm_print = fields.Boolean("Print", readonly=True)
    perm_export = fields.Boolean("Export", readonly=True)
    perm_approve = fields.Boolean("Approve", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('login', 'ASC'), ('program_code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        User = pool.get('res.user')
        Program = pool.get('hopu.program')
        right = UserRight.__table__()
        user = User.__table__()
        program = Program.__table__()
        return (right
            .join(user, condition=right.user == user.id)
            .join(program, condition=right.program == program.id)
            .select(
                right.id.as_('id'),
                right.create_uid.as_('create_uid'),
                right.create_date.as_('create_date'),
                right.write_uid.as_('write_uid'),
                right.write_date.as_('write_date'),
                right.user.as_('user'),
                user.login.as_('login'),
                user.company.as_('company'),
                right.program.as_('program'),
                program.code.as_('program_code'),
                *[getattr(right, f'perm_{r}').as_(f'perm_{r}')
                    for r in RIGHTS],
                where=(user.active == True)  # noqa: E712
                & (program.active == True)))  # noqa: E712


ODS_MIME = 'application/vnd.oasis.opendocument.spreadsheet'


class RightOverviewReport(Report):
    "SYS-8 使用者权限一览表: users × programs, each right, as a spreadsheet"
    __name__ = 'hopu.user.right.overview.report'

    @classmethod
    def _get_records(cls, ids, model, data):
        pool = Pool()
        Overview = pool.get('hopu.user.right.overview')
        # The print right of 使用者权限一览表 decides, not the access to
        # the rights themselves
        with Transaction().set_context(_check_access=False):
            return Overview.browse(ids)

    @classmethod
    def header_key(cls, record, data):
        return ()

    @classmethod
    def _execute(cls, records, header, data, action):
        if records:
            ids = [r.id for r in records]
        else:
            # no selection: the filters of the print dialog (all when none)
            ids = cls.filtered_ids(data)
        return 'ods', cls.render_ods(cls.matrix(ids))

    @classmethod
    def filtered_ids(cls, data):
        """The ids of the rights of active users on active programs,
        filtered by companies, users and programs of data"""
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        User = pool.get('res.user')
        Program = pool.get('hopu.program')
        right = UserRight.__table__()
        user = User.__table__()
        program = Program.__table__()
        where = (user.active == True) & (program.active == True)  # noqa: E712
        if data.get('companies'):
            where &= user.company.in_(list(data['companies']))
        if data.get('users'):
            where &= right.user.in_(list(data['users']))
        if data.get('programs'):
            where &= right.program.in_(list(data['programs']))
        cursor = Transaction().connection.cursor()
        cursor.execute(*right
            .join(user, condition=right.user == user.id)
            .join(program, condition=right.program == program.id)
            .select(right.id, where=where))
        return [i for i, in cursor]

    @classmethod
    def matrix(cls, ids):
        """The rows of the report: one per user and program, the rights as
        their Chinese marks"""
        pool = Pool()
        Overview = pool.get('hopu.user.right.overview')
        User = pool.get('res.user')
        Program = pool.get('hopu.program')
        names = {r: getattr(Overview, f'perm_{r}').string for r in RIGHTS}
        header = [
            gettext('hopu_sysadmin.msg_overview_login'),
            User.name.string,
            gettext('hopu_sysadmin.msg_overview_company'),
            gettext('hopu_sysadmin.msg_overview_program_code'),
            Program.name.string,
            ] + [names[r] for r in RIGHTS]
        Company = pool.get('company.company')
        UserRight = pool.get('hopu.user.right')
        # Plain SQL: the report covers hundreds of users × programs
        right = UserRight.__table__()
        user = User.__table__()
        program = Program.__table__()
        cursor = Transaction().connection.cursor()
        values = []
        for sub in _chunks(list(ids), 1000):
            cursor.execute(*right
                .join(user, condition=right.user == user.id)
                .join(program, condition=right.program == program.id)
                .select(
                    user.login, user.name, user.company, program.code,
                    program.id,
                    *[getattr(right, f'perm_{r}') for r in RIGHTS],
                    where=right.id.in_(sub)))
            values.extend(cursor)
        with Transaction().set_context(_check_access=False):
            programs = {p.id: p.name for p in Program.browse(
                    list({v[4] for v in values}))}
            companies = {c.id: c.rec_name for c in Company.browse(
                    [i for i in {v[2] for v in values} if i])}
        rows = []
        for login, name, company, code, program_id, *perms in sorted(
                values, key=lambda v: (v[0] or '', v[3] or '')):
            rows.append([
                    login, name or '', companies.get(company, ''),
                    code, programs.get(program_id, ''),
                    ] + ['✓' if p else '' for p in perms])
        return [header] + rows

    @classmethod
    def render_ods(cls, rows):
        cells = []
        rendered = {}

        def cell(value):
            try:
                return rendered[value]
            except KeyError:
                text = rendered[value] = (
                    '<table:table-cell office:value-type="string">'
                    f'<text:p>{escape(str(value or ""))}</text:p>'
                    '</table:table-cell>')
                return text
        for row in rows:
            cells.append('<table:table-row>'
                + ''.join(map(cell, row)) + '</table:table-row>')
        content = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'office:version="1.2"><office:body><office:spreadsheet>'
            '<table:table table:name="Rights">'
            + ''.join(cells)
            + '</table:table></office:spreadsheet></office:body>'
            '</office:document-content>')
        manifest = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{ODS_MIME}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/>'
            '</manifest:manifest>')
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, 'w') as ods:
            ods.writestr(
                zipfile.ZipInfo('mimetype'), ODS_MIME,
                compress_type=zipfile.ZIP_STORED)
            ods.writestr('META-INF/manifest.xml', manifest,
                compress_type=zipfile.ZIP_DEFLATED)
            ods.writestr('content.xml', content,
                compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


class UserRightHistory(ModelSQL, ModelView):
    "User Rights History"
    __name__ = 'hopu.user.right.history'

    date = fields.Timestamp("Date", readonly=True)
    changed_by = fields.Many2One('res.user', "Changed By", readonly=True)
    right = fields.Integer("Right Line", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    program = fields.Many2One('hopu.program', "Program", readonly=True)
    perm_read = fields.Boolean("Read", readonly=True)
    perm_create = fields.Boolean("Create", readonly=True)
    perm_write = fields.Boolean("Write", readonly=True)
    perm_delete = fields.Boolean("Delete", readonly=True)
    perm_print = fields.Boolean("Print", readonly=True)
    perm_export = fields.Boolean("Export", readonly=True)
    perm_approve = fields.Boolean("Approve", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        history = UserRight.__table_history__()
        return history.select(
            Column(history, '__id').as_('id'),
            history.create_uid.as_('create_uid'),
            history.create_date.as_('create_date'),
            history.write_uid.as_('write_uid'),
            history.write_date.as_('write_date'),
            Coalesce(history.write_date, history.create_date).as_('date'),
            Coalesce(history.write_uid, history.create_uid).as_('changed_by'),
            history.id.as_('right'),
            history.user.as_('user'),
            history.program.as_('program'),
            *[getattr(history, f'perm_{r}').as_(f'perm_{r}')
                for r in RIGHTS])


class RightOverviewPrintStart(ModelView):
    "Print User Rights Overview"
    __name__ = 'hopu.user.right.overview.print.start'

    companies = fields.Many2Many(
        'company.company', None, None, "Companies or Departments",
        help="Leave empty for all.")
    users = fields.Many2Many(
        'res.user', None, None, "Users", help="Leave empty for all.")
    programs = fields.Many2Many(
        'hopu.program', None, None, "Programs", help="Leave empty for all.")


class RightOverviewPrint(Wizard):
    "SYS-8: print the overview, filtered by company, user and program"
    __name__ = 'hopu.user.right.overview.print'

    start = StateView('hopu.user.right.overview.print.start',
        'hopu_sysadmin.user_right_overview_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('hopu.user.right.overview.report')

    def do_print_(self, action):
        return action, {
            'companies': [c.id for c in self.start.companies],
            'users': [u.id for u in self.start.users],
            'programs': [p.id for p in self.start.programs],
            }
