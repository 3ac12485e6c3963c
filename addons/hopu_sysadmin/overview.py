# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-8 使用者权限一览表: the users × programs overview of the rights, on
screen, as a PDF (a relatorio template that LibreOffice converts) and as a
spreadsheet (ODS, written directly: it may hold 100 000 lines)."""
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

from sql import Literal
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from .program import RIGHTS
from .report import SofficeReport
from .user_right import RightsMixin, chunks

#: the mark of a right granted, in the PDF and the spreadsheet
MARK = '\u2713'
#: the marks of each combination of rights, as bits in the order of RIGHTS
MARKS = {
    bits: tuple(MARK if bits & (1 << i) else '' for i in range(len(RIGHTS)))
    for bits in range(1 << len(RIGHTS))}
ODS_MIME = 'application/vnd.oasis.opendocument.spreadsheet'


class RightOverview(RightsMixin, ModelSQL, ModelView):
    "User Rights Overview"
    __name__ = 'hopu.user.right.overview'
    _rights_readonly = True

    user = fields.Many2One('res.user', "User", readonly=True)
    login = fields.Char("Login", readonly=True)
    company = fields.Many2One(
        'company.company', "Company or Department", readonly=True)
    program = fields.Many2One('hopu.program', "Program", readonly=True)
    program_code = fields.Char("Program Code", readonly=True)

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


class RightOverviewMixin:
    "The rows of the overview, shared by its PDF and its spreadsheet"
    __slots__ = ()

    @classmethod
    def _get_records(cls, ids, model, data):
        pool = Pool()
        Overview = pool.get('hopu.user.right.overview')
        # The print right of 使用者权限一览表 decides, not the access to
        # the rights themselves
        with without_check_access():
            return Overview.browse(ids)

    @classmethod
    def header_key(cls, record, data):
        return ()

    @classmethod
    def lines(cls, records=None, data=None):
        """The header, users, programs and lines of the report.

        header: the column labels; users: {id: (login, name, company)};
        programs: {id: (code, name)}; lines: [(user id, program id,
        rights)], the rights as bits in the order of RIGHTS, sorted by login
        and program code. The lines are the selected overview records, or
        without selection those of the filters of data (companies, users,
        programs; all when empty).

        Three queries whatever the size: the lines (per 1000 selected), the
        users and the programs; the report covers hundreds of users ×
        programs."""
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        User = pool.get('res.user')
        Program = pool.get('hopu.program')
        Company = pool.get('company.company')
        Overview = pool.get('hopu.user.right.overview')
        data = data or {}
        cursor = Transaction().connection.cursor()

        right = UserRight.__table__()
        user = User.__table__()
        program = Program.__table__()
        where = ((user.active == Literal(True))
            & (program.active == Literal(True)))
        for key, column in [
                ('companies', user.company),
                ('users', right.user),
                ('programs', right.program)]:
            if data.get(key):
                where &= column.in_(list(map(int, data[key])))
        bits = sum((Case(
                    (getattr(right, f'perm_{r}') == Literal(True), 1 << i),
                    else_=0) for i, r in enumerate(RIGHTS)), Literal(0))
        query = (right
            .join(user, condition=right.user == user.id)
            .join(program, condition=right.program == program.id))
        lines = []
        for sub in (chunks([r.id for r in records], 1000) if records
                else [None]):
            condition = where if sub is None else where & right.id.in_(sub)
            cursor.execute(*query.select(
                    right.user, right.program, bits, where=condition))
            lines.extend(cursor)

        users = {}
        for sub in chunks({u for u, _, _ in lines}, 1000):
            cursor.execute(*user.select(
                    user.id, user.login, user.name, user.company,
                    where=user.id.in_(sub)))
            users.update((i, (l, n or '', c)) for i, l, n, c in cursor)
        with without_check_access():
            companies = {c.id: c.rec_name for c in Company.browse(
                    list({c for _, _, c in users.values() if c}))}
            programs = {p.id: (p.code, p.name) for p in Program.browse(
                    list({p for _, p, _ in lines}))}
        users = {i: (l, n, companies.get(c, ''))
            for i, (l, n, c) in users.items()}
        user_rank = {u: i for i, u in enumerate(
                sorted(users, key=lambda u: (users[u][0], u)))}
        program_rank = {p: i for i, p in enumerate(
                sorted(programs, key=lambda p: (programs[p][0], p)))}
        lines.sort(key=lambda l: (user_rank[l[0]], program_rank[l[1]]))

        label = {}
        for Model, names in [
                (Program, ['name']),
                (Overview, [f'perm_{r}' for r in RIGHTS])]:
            # fields_get: the labels in the language of the user
            for name, desc in Model.fields_get(names).items():
                label[Model, name] = desc['string']
        header = [
            gettext('hopu_sysadmin.msg_overview_login'),
            gettext('hopu_sysadmin.msg_overview_name'),
            gettext('hopu_sysadmin.msg_overview_company'),
            gettext('hopu_sysadmin.msg_overview_program_code'),
            label[Program, 'name'],
            ] + [label[Overview, f'perm_{r}'] for r in RIGHTS]
        return header, users, programs, lines

    @classmethod
    def matrix(cls, records=None, data=None):
        """The header and the rows of the report, one per user and program:
        login, name, company, program code and name, then a mark per right
        granted"""
        header, users, programs, lines = cls.lines(records, data)
        return [header] + [
            list(users[u] + programs[p] + MARKS[b]) for u, p, b in lines]


class RightOverviewReport(RightOverviewMixin, Report):
    "SYS-8 使用者权限一览表 as a spreadsheet (ODS)"
    __name__ = 'hopu.user.right.overview.report'

    @classmethod
    def _execute(cls, records, header, data, action):
        return 'ods', cls.render_ods(*cls.lines(records, data))

    @classmethod
    def render_ods(cls, header, users, programs, lines):
        """The lines as an ODS file. Written directly rather than through a
        template: the user, program and rights parts of the rows are
        rendered once each and joined"""
        def cells(values):
            return ''.join(
                '<table:table-cell office:value-type="string">'
                f'<text:p>{escape(v)}</text:p></table:table-cell>' if v
                else '<table:table-cell/>' for v in values)
        users = {i: cells(v) for i, v in users.items()}
        programs = {i: cells(v) for i, v in programs.items()}
        marks = {b: cells(v) + '</table:table-row>'
            for b, v in MARKS.items()}
        row = '<table:table-row>'
        body = ''.join([row + cells(header) + '</table:table-row>'] + [
                row + users[u] + programs[p] + marks[b]
                for u, p, b in lines])
        content = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'office:version="1.2"><office:body><office:spreadsheet>'
            '<table:table table:name="Rights">'
            + body
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
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, 'w') as ods:
            ods.writestr(
                zipfile.ZipInfo('mimetype'), ODS_MIME,
                compress_type=zipfile.ZIP_STORED)
            ods.writestr('META-INF/manifest.xml', manifest,
                compress_type=zipfile.ZIP_DEFLATED)
            # the fastest compression: the rows repeat themselves
            ods.writestr('content.xml', content.encode('utf-8'),
                compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        return buffer.getvalue()


class RightOverviewPdfReport(RightOverviewMixin, SofficeReport):
    """SYS-8 使用者权限一览表 as a PDF: the template
    user_right_overview.fodt, converted by LibreOffice"""
    __name__ = 'hopu.user.right.overview.pdf'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        header, *rows = cls.matrix(records, data)
        context['title'] = gettext('hopu_sysadmin.msg_overview_title')
        context['header'] = header
        context['rows'] = rows
        return context


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
    """SYS-8: print the overview as a PDF or export it as a spreadsheet,
    filtered by company, user and program"""
    __name__ = 'hopu.user.right.overview.print'

    start = StateView('hopu.user.right.overview.print.start',
        'hopu_sysadmin.user_right_overview_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Spreadsheet", 'spreadsheet', 'tryton-save'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('hopu.user.right.overview.pdf')
    spreadsheet = StateReport('hopu.user.right.overview.report')

    def _filters(self):
        return {
            'companies': [c.id for c in self.start.companies],
            'users': [u.id for u in self.start.users],
            'programs': [p.id for p in self.start.programs],
            }

    def do_print_(self, action):
        return action, self._filters()

    def do_spreadsheet(self, action):
        return action, self._filters()
