# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-1 「公司或部门设定」: the companies and their departments as the one
tree of the manual.

company.company (a legal entity with its books) and company.department
(a part of one) are two models; hopu.organisation shows them as one list
(a SQL view: a company's id is 2 × its id, a department's 2 × its id + 1)
and creates, modifies and deletes them through that list: what is
written goes to the company or the department behind the line, with the
access rights and the checks of that model."""
from sql import Cast, Literal, Null, Union
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .exceptions import OrganisationError

KINDS = [
    ('company', "Company"),
    ('department', "Department"),
    ]
# the fields written through to the company or the department
_SHARED = ['code', 'short_name', 'phone', 'fax']


def _parent_domain():
    """直属公司: a company has a company above it; a department a company
    or a department"""
    return If(Eval('kind') == 'company',
        ('kind', '=', 'company'),
        ())


class Organisation(ModelSQL, ModelView):
    "Company or Department (SYS-1 公司或部门设定)"
    __name__ = 'hopu.organisation'

    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False,
        states={'readonly': Eval('id', -1) >= 0},
        help="A company keeps its own books; a department is part of a "
        "company and books in that company's books.")
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The number of the company or department, entered by hand.")
    short_name = fields.Char(
        "Short Name", required=True, strip=True,
        help="The short name of the company or department.")
    full_name = fields.Char(
        "Full Name", required=True, strip=True,
        help="The full name of the company or department.")
    phone = fields.Char("Phone", strip=True)
    fax = fields.Char("Fax", strip=True)
    parent = fields.Many2One(
        'hopu.organisation', "Parent Company",
        domain=[_parent_domain()],
        states={'required': Eval('kind') == 'department'},
        help="The company (or, for a department, the department) this "
        "company or department belongs to.")
    children = fields.One2Many(
        'hopu.organisation', 'parent', "Subsidiaries", readonly=True)
    company = fields.Many2One(
        'company.company', "Legal Company", readonly=True,
        help="The company whose books record the costs: the company "
        "itself, or the company of the department.")
    department = fields.Many2One(
        'company.department', "Department", readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency",
        states={
            'invisible': Eval('kind') != 'company',
            'required': Eval('kind') == 'company',
            })
    manager = fields.Many2One(
        'company.employee', "Manager",
        domain=[('company', '=', Eval('company', -1))],
        states={'invisible': Eval('kind') != 'department'},
        help="The employee who heads the department.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Company = pool.get('company.company')
        Department = pool.get('company.department')
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        company = Company.__table__()
        party = Party.__table__()
        department = Department.__table__()

        def mechanism(type_):
            m = Mechanism.__table__()
            return m.select(m.value,
                where=(m.party == company.party) & (m.type == type_)
                & (Coalesce(m.active, Literal(True)) == Literal(True)),
                order_by=[m.sequence.asc.nulls_first, m.id.asc],
                limit=1)

        two = Literal(2)
        companies = company.join(party,
            condition=company.party == party.id).select(
            (company.id * two).as_('id'),
            Literal('company').as_('kind'),
            company.code.as_('code'),
            company.short_name.as_('short_name'),
            party.name.as_('full_name'),
            mechanism('phone').as_('phone'),
            mechanism('fax').as_('fax'),
            (company.parent * two).as_('parent'),
            company.id.as_('company'),
            Cast(Null, 'INTEGER').as_('department'),
            company.currency.as_('currency'),
            Cast(Null, 'INTEGER').as_('manager'),
            company.create_uid.as_('create_uid'),
            company.create_date.as_('create_date'),
            company.write_uid.as_('write_uid'),
            company.write_date.as_('write_date'))
        departments = department.select(
            (department.id * two + Literal(1)).as_('id'),
            Literal('department').as_('kind'),
            department.code.as_('code'),
            department.short_name.as_('short_name'),
            department.name.as_('full_name'),
            department.phone.as_('phone'),
            department.fax.as_('fax'),
            Coalesce(department.parent * two + Literal(1),
                department.company * two).as_('parent'),
            department.company.as_('company'),
            department.id.as_('department'),
            Cast(Null, 'INTEGER').as_('currency'),
            department.manager.as_('manager'),
            department.create_uid.as_('create_uid'),
            department.create_date.as_('create_date'),
            department.write_uid.as_('write_uid'),
            department.write_date.as_('write_date'),
            where=department.active == Literal(True))
        return Union(companies, departments, all_=True)

    @classmethod
    def default_kind(cls):
        return 'department'

    @classmethod
    def default_currency(cls):
        return Pool().get('company.company').default_currency()

    def get_rec_name(self, name):
        return self.full_name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('full_name', operator, operand, *extra),
            ('short_name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def of(cls, records):
        "The hopu.organisation lines of companies or departments"
        ids = []
        for record in records:
            if record.__name__ == 'company.company':
                ids.append(record.id * 2)
            else:
                ids.append(record.id * 2 + 1)
        return cls.browse(ids)

    @property
    def target(self):
        "The company or the department behind the line"
        pool = Pool()
        if self.id % 2:
            return pool.get('company.department')(self.id // 2)
        return pool.get('company.company')(self.id // 2)

    @classmethod
    def _target_values(cls, kind, values, record=None):
        "The values of the company or the department from the line's"
        result = {f: values[f] for f in _SHARED if f in values}
        if 'full_name' in values:
            result['full_name' if kind == 'company' else 'name'] = (
                values['full_name'])
        if kind == 'company':
            if 'currency' in values:
                result['currency'] = values['currency']
            if 'parent' in values:
                parent = values['parent']
                if parent is not None and parent % 2:
                    raise OrganisationError(gettext(
                            'hopu_sysadmin.msg_organisation_company_parent'))
                result['parent'] = parent // 2 if parent else None
        else:
            if 'manager' in values:
                result['manager'] = values['manager']
            if 'parent' in values:
                parent = values['parent']
                if not parent:
                    raise OrganisationError(gettext('hopu_sysadmin'
                            '.msg_organisation_department_parent'))
                parent = cls(parent)
                if parent.kind == 'company':
                    result['company'] = parent.company.id
                    result['parent'] = None
                else:
                    result['company'] = parent.company.id
                    result['parent'] = parent.department.id
        return result

    @classmethod
    def create(cls, vlist):
        # An override, not a hook: a view has no row; creates its target
        pool = Pool()
        Company = pool.get('company.company')
        Department = pool.get('company.department')
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'create')
        created = []
        for values in vlist:
            kind = values.get('kind') or cls.default_kind()
            if kind == 'company':
                values = values.copy()
                values.setdefault('currency', cls.default_currency())
                record, = Company.create(
                    [cls._target_values(kind, values)])
            else:
                values = values.copy()
                values.setdefault('parent', None)
                record, = Department.create(
                    [cls._target_values(kind, values)])
            created.append(record)
        return cls.of(created)

    @classmethod
    def write(cls, *args):
        # An override, not a hook: a view has no row; writes its target
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'write')
        actions = iter(args)
        for records, values in zip(actions, actions):
            if values.get('kind') and any(
                    r.kind != values['kind'] for r in records):
                raise AccessError(gettext(
                        'hopu_sysadmin.msg_organisation_kind'))
            for record in records:
                target = record.target
                target.__class__.write(
                    [target], cls._target_values(record.kind, values, record))

    @classmethod
    def delete(cls, records):
        # An override, not a hook: a view has no row; deletes its target
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'delete')
        companies = [r.target for r in records if r.kind == 'company']
        departments = [r.target for r in records if r.kind == 'department']
        if departments:
            pool.get('company.department').delete(departments)
        if companies:
            pool.get('company.company').delete(companies)

    @classmethod
    def copy(cls, records, default=None):
        if records:
            raise AccessError(gettext('hopu_sysadmin.msg_organisation_copy'))
        return []
