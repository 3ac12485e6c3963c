# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-1 companies (公司或部门设定): the legal entities, each with its books.

Built on Tryton's company.company and party.party, not beside them: the
full name is the party's name, phone and fax are the party's contact
mechanisms, so the multi-company rules and the user's current company of
every Tryton module follow. The departments of a company are
company.department records (department.py); the screen shows both as one
tree (organisation.py)."""
from weakref import WeakKeyDictionary

from trytond.i18n import gettext
from trytond.model import ModelSQL, Unique, fields, tree
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .department import check_codes_unique
from .exceptions import CompanyReferencedError

# The codes of the companies created in a transaction, known before they
# are saved: the companies of one create numbered by _next_code get one each
_CODES_GIVEN = WeakKeyDictionary()


class Company(tree(name='rec_name'), metaclass=PoolMeta):
    "Company (SYS-1 公司或部门设定)"
    __name__ = 'company.company'
    _history = True

    code = fields.Char(
        "Code", required=True, strip=True,
        help="The number of the company or department, entered by hand.")
    short_name = fields.Char(
        "Short Name",
        help="The short name of the company or department.")
    full_name = fields.Function(fields.Char(
            "Full Name",
            help="The full name of the company or department."),
        'get_full_name', setter='set_full_name',
        searcher='search_full_name')
    phone = fields.Function(
        fields.Char("Phone"), 'get_mechanism', setter='set_mechanism')
    fax = fields.Function(
        fields.Char("Fax"), 'get_mechanism', setter='set_mechanism')
    parent = fields.Many2One(
        'company.company', "Parent Company", ondelete='RESTRICT',
        help="The company this company or department belongs to.")
    children = fields.One2Many('company.company', 'parent', "Subsidiaries")
    departments = fields.One2Many(
        'company.department', 'company', "Departments")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'hopu_sysadmin.msg_company_code_unique'),
            ]

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            return Company(company_id).currency.id
        currencies = Currency.search([('code', '=', 'CNY')], limit=1)
        if currencies:
            return currencies[0].id

    @classmethod
    def default_timezone(cls):
        return 'Asia/Shanghai'

    def get_full_name(self, name):
        return self.party.name if self.party else None

    @classmethod
    def set_full_name(cls, companies, name, value):
        # An empty value is a form that did not set it (Tryton's company
        # set-up wizard): the party keeps its name
        if not value:
            return
        pool = Pool()
        Party = pool.get('party.party')
        parties = [c.party for c in companies if c.party.name != value]
        if parties:
            with without_check_access():
                Party.write(parties, {'name': value})

    @classmethod
    def search_full_name(cls, name, clause):
        return [('party.name',) + tuple(clause[1:])]

    def get_mechanism(self, name):
        if self.party:
            return getattr(self.party, name)

    @classmethod
    def set_mechanism(cls, companies, name, value):
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        to_save, to_delete = [], []
        for company in companies:
            mechanisms = [m for m in company.party.contact_mechanisms
                if m.type == name]
            if mechanisms:
                mechanism = mechanisms[0]
                if not value:
                    to_delete.append(mechanism)
                    continue
            elif not value:
                continue
            else:
                mechanism = Mechanism(party=company.party, type=name)
            mechanism.value = value
            to_save.append(mechanism)
        with without_check_access():
            Mechanism.save(to_save)
            Mechanism.delete(to_delete)

    @classmethod
    def _next_code(cls):
        """A code for companies made without one (Tryton's own set-up
        tools), none of the codes of the companies and departments nor of
        the companies being created with them"""
        cursor = Transaction().connection.cursor()
        given = _CODES_GIVEN.setdefault(Transaction(), set())
        taken = set(given)
        for table in [cls.__table__(),
                Pool().get('company.department').__table__()]:
            cursor.execute(*table.select(table.code))
            taken |= {c for c, in cursor}
        number = len(taken) + 1
        while f'{number:03d}' in taken:
            number += 1
        given.add(f'{number:03d}')
        return f'{number:03d}'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Party = pool.get('party.party')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('party') and values.get('full_name'):
                party, = Party.create([{'name': values['full_name']}])
                values['party'] = party.id
            if values.get('code'):
                _CODES_GIVEN.setdefault(Transaction(), set()).add(
                    values['code'])
            else:
                values['code'] = cls._next_code()
        return values

    @classmethod
    def validate(cls, companies):
        super().validate(companies)
        check_codes_unique([(cls.__name__, c.id, c.code) for c in companies])

    @classmethod
    def check_modification(cls, mode, companies, values=None, external=False):
        super().check_modification(
            mode, companies, values=values, external=external)
        if mode == 'delete':
            # After the right to delete: a refused delete tells nothing more
            cls.check_referenced(companies)

    @classmethod
    def check_referenced(cls, companies):
        """SYS-1: refuse to delete a company or department that records
        still refer to"""
        pool = Pool()
        ids = [c.id for c in companies]
        if not ids:
            return
        skip = {('company.company', 'party'), ('company.company', 'parent'),
            ('company.company.logo.cache', 'company'),
            ('company.company.tax_identifier', 'company')}
        for Model in sorted({m for _, m in pool.iterobject()},
                key=lambda m: m.__name__):
            if (not issubclass(Model, ModelSQL)
                    or Model._is_table_query()):
                continue
            for fname, field in Model._fields.items():
                if (field._type != 'many2one'
                        or getattr(field, 'model_name', None)
                        != 'company.company'
                        or isinstance(field, fields.Function)
                        or (Model.__name__, fname) in skip):
                    continue
                domain = [(fname, 'in', ids)]
                if Model.__name__ == 'company.company':
                    domain.append(('id', 'not in', ids))
                with Transaction().set_context(active_test=False), \
                        Transaction().set_user(0):
                    if Model.search(domain, limit=1, order=[]):
                        raise CompanyReferencedError(gettext(
                                'hopu_sysadmin.msg_company_referenced',
                                company=companies[0].rec_name,
                                model=Model.__names__()['model']))
        # children are RESTRICT: name them too
        children = cls.search([
                ('parent', 'in', ids), ('id', 'not in', ids)], limit=1)
        if children:
            raise CompanyReferencedError(gettext(
                    'hopu_sysadmin.msg_company_referenced',
                    company=children[0].parent.rec_name,
                    model=cls.__names__()['model']))
