# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-1 departments (部门): a part of a legal company, not a company.

A company.company keeps its own books (currency, fiscal years, chart of
accounts). A head-office department such as 总部财务部 books its costs in
the ledger of the company it belongs to, so it is a company.department
under its company (``company`` is that legal entity, required), usable as
an analytic dimension by the finance modules. See README.rst."""
import logging

from sql import Literal, Table
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import CompanyCodeError, DepartmentCompanyError
from .rec_name_cache import RecNameCacheMixin

logger = logging.getLogger(__name__)


class Department(DeactivableMixin, tree(), ModelSQL, ModelView):
    "Department (SYS-1 公司或部门设定)"
    __name__ = 'company.department'
    _history = True

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT',
        help="The legal company the department belongs to: its costs are "
        "booked in that company's books.")
    parent = fields.Many2One(
        'company.department', "Parent Department", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The department this department is part of, if any.")
    children = fields.One2Many(
        'company.department', 'parent', "Sub-departments",
        domain=[('company', '=', Eval('company', -1))])
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The number of the department, entered by hand; unique "
        "among the companies and departments.")
    short_name = fields.Char(
        "Short Name", strip=True,
        help="The short name of the department.")
    name = fields.Char(
        "Full Name", required=True, strip=True,
        help="The full name of the department.")
    phone = fields.Char("Phone", strip=True)
    fax = fields.Char("Fax", strip=True)
    manager = fields.Many2One(
        'company.employee', "Manager", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))],
        help="The employee who heads the department.")
    employees = fields.One2Many(
        'company.employee', 'department', "Employees",
        domain=[('company', '=', Eval('company', -1))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'hopu_sysadmin.msg_company_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('short_name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def validate(cls, departments):
        super().validate(departments)
        check_codes_unique(
            [(cls.__name__, d.id, d.code) for d in departments])
        for department in departments:
            for child in department.children:
                if child.company != department.company:
                    raise DepartmentCompanyError(gettext(
                            'hopu_sysadmin.msg_department_company',
                            department=child.rec_name,
                            parent=department.rec_name))


def check_codes_unique(items):
    """SYS-1: the codes are unique across companies and departments, the
    one list of the manual. items: (model name, id, code)"""
    pool = Pool()
    codes = {code for _, _, code in items if code}
    if not codes:
        return
    with Transaction().set_user(0), \
            Transaction().set_context(active_test=False):
        found = set()
        for model in ['company.company', 'company.department']:
            Model = pool.get(model)
            found |= {
                (model, r.id, r.code)
                for r in Model.search([('code', 'in', list(codes))], order=[])}
    for model, id_, code in items:
        if any(c == code and (m, i) != (model, id_) for m, i, c in found):
            raise CompanyCodeError(gettext(
                    'hopu_sysadmin.msg_company_code_unique'))


class Employee(RecNameCacheMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'

    department = fields.Many2One(
        'company.department', "Department", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The department of the company the employee works in.")

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        migrate = not table_h.column_exist('department')
        super().__register__(module)
        # Migration: the departments were companies (SYS-1 before issue 14)
        if migrate:
            migrate_company_departments()


# The references to a company that the migration moves to the legal
# company: (model, field); those of the department's employees also get
# the department. Any other reference keeps the company a company.
_REPOINTED = {
    ('company.employee', 'company'),
    ('res.user', 'company'),
    ('res.user-company.company', 'company'),
    }
_IGNORED = {
    ('company.company', 'parent'),  # departments under departments follow
    ('company.company.logo.cache', 'company'),  # deleted with the company
    ('company.department', 'company'),
    }


def is_department_name(name):
    "部门: a name ending with 部 (财务部, 市场部, 华南事业部, …)"
    return bool(name) and name.strip().endswith('部')


def migrate_company_departments():
    """Turn the company.company records that are departments into
    company.department records under their legal company; return
    {old company id: new department id}.

    A company is a department when it has a parent company, its full or
    short name ends with 部, no company that is not a department is under
    it, and nothing but employees and user accounts refers to it (an
    account set, a fiscal year, a contract… make it a company that keeps
    its books). Plain SQL: it runs while the modules are being updated,
    before the models of the modules above are registered."""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    database = transaction.database
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Mechanism = pool.get('party.contact_mechanism')
    Department = pool.get('company.department')
    ModelField = pool.get('ir.model.field')
    TableHandler = backend.TableHandler

    company = Company.__table__()
    party = Party.__table__()
    cursor.execute(*company.join(party,
            condition=company.party == party.id).select(
            company.id, company.parent, company.code, company.short_name,
            party.id, party.name))
    rows = {r[0]: r for r in cursor}
    candidates = {
        id_ for id_, parent, _, short_name, _, name in rows.values()
        if parent and (is_department_name(name)
            or is_department_name(short_name))}
    if not candidates:
        return {}

    # The tables that refer to companies, as the database knows them
    model_field = ModelField.__table__()
    cursor.execute(*model_field.select(
            model_field.model, model_field.name,
            where=(model_field.relation == 'company.company')
            & (model_field.ttype == 'many2one')))
    references = []
    for model_name, field_name in cursor:
        if (model_name, field_name) in _IGNORED:
            continue
        try:
            Model_ = pool.get(model_name)
        except KeyError:
            Model_ = None
        if Model_ is not None:
            if (not issubclass(Model_, ModelSQL)
                    or Model_._is_table_query()):
                continue
            field = Model_._fields.get(field_name)
            if field is None or isinstance(field, fields.Function):
                continue
            table_name = Model_._table
        else:
            table_name = model_name.replace('.', '_')
        if (not TableHandler.table_exist(table_name)
                or not TableHandler(_existing(table_name)).column_exist(
                    field_name)):
            continue
        references.append((model_name, table_name, field_name))

    def referred(ids):
        blocked = set()
        for model_name, table_name, field_name in references:
            if (model_name, field_name) in _REPOINTED:
                continue
            table = Table(table_name)
            column = getattr(table, field_name)
            cursor.execute(*table.select(
                    column, where=column.in_(list(ids)), group_by=[column]))
            for id_, in cursor:
                blocked.add(id_)
                logger.info(
                    "company %s stays a company: %s.%s refers to it",
                    rows[id_][5], model_name, field_name)
        return blocked

    candidates -= referred(candidates)
    # A company under a department keeps the department a company
    while True:
        blocked = {rows[i][1] for i in rows
            if i not in candidates and rows[i][1] in candidates}
        if not blocked:
            break
        candidates -= blocked
    if not candidates:
        return {}

    def legal(id_):
        while id_ in candidates:
            id_ = rows[id_][1]
        return id_

    mechanism = Mechanism.__table__()

    def mechanism_value(party_id, type_):
        cursor.execute(*mechanism.select(mechanism.value,
                where=(mechanism.party == party_id)
                & (mechanism.type == type_)
                & (Coalesce(mechanism.active, Literal(True)) == Literal(True)),
                order_by=[mechanism.sequence.asc.nulls_first,
                    mechanism.id.asc],
                limit=1))
        row = cursor.fetchone()
        return row[0] if row else None

    department = Department.__table__()
    new_ids = {}
    # parents first
    for id_ in sorted(candidates, key=lambda i: _depth(rows, i)):
        _, parent, code, short_name, party_id, name = rows[id_]
        columns = [department.company, department.parent, department.code,
            department.short_name, department.name, department.phone,
            department.fax, department.active, department.create_uid,
            department.create_date]
        values = [legal(id_), new_ids.get(parent), code, short_name, name,
            mechanism_value(party_id, 'phone'),
            mechanism_value(party_id, 'fax'), True, 0,
            CurrentTimestamp()]
        if database.has_returning():
            cursor.execute(*department.insert(
                    columns, [values], returning=[department.id]))
            new_ids[id_] = cursor.fetchone()[0]
        else:
            cursor.execute(*department.insert(columns, [values]))
            new_ids[id_] = database.lastid(cursor)
        logger.info("company %s becomes a department of company %s",
            name, rows[legal(id_)][5])

    # References move to the legal company
    Employee = pool.get('company.employee')
    employee = Employee.__table__()
    User = pool.get('res.user')
    user = User.__table__()
    UserCompany = pool.get('res.user-company.company')
    user_company = UserCompany.__table__()
    for old, new in new_ids.items():
        cursor.execute(*employee.update(
                [employee.company, employee.department],
                [legal(old), new], where=employee.company == old))
        cursor.execute(*user.update(
                [user.company], [legal(old)], where=user.company == old))
        # the legal company once per user
        cursor.execute(*user_company.select(user_company.user,
                where=user_company.company == legal(old)))
        has_legal = [u for u, in cursor]
        if has_legal:
            cursor.execute(*user_company.delete(
                    where=(user_company.company == old)
                    & user_company.user.in_(has_legal)))
        cursor.execute(*user_company.update(
                [user_company.company], [legal(old)],
                where=user_company.company == old))
    # …and the companies go; their parties stay (others may refer to them)
    Cache = pool.get('company.company.logo.cache')
    cache = Cache.__table__()
    old_ids = list(new_ids)
    cursor.execute(*cache.delete(where=cache.company.in_(old_ids)))
    # children before parents
    for id_ in sorted(old_ids, key=lambda i: -_depth(rows, i)):
        cursor.execute(*company.delete(where=company.id == id_))
    # the records read before are not those of the tables any more
    for cache in transaction.cache.values():
        cache.clear()
    pool.get('ir.rule')._domain_get_cache.clear()
    return new_ids


def _depth(rows, id_):
    depth = 0
    while rows[id_][1]:
        id_ = rows[id_][1]
        depth += 1
    return depth


def _existing(table_name):
    "What TableHandler needs of a model to look at an existing table"
    return type(table_name, (), {'_table': table_name, '_history': False})
