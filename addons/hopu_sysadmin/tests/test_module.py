# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime
import io
import os
import tempfile
import zipfile
from unittest import mock

import polib

from trytond.exceptions import LoginException, UserError
from trytond.i18n import gettext
from trytond.model.exceptions import (
    AccessError, SQLConstraintError, ValidationError)
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.res.exceptions import PasswordError
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import find_path
from trytond.transaction import Transaction, check_access

from .list_queries import counted_queries, forget_records

RIGHTS = ['read', 'create', 'write', 'delete', 'print', 'export', 'approve']


def make_user(login, name=None):
    pool = Pool()
    User = pool.get('res.user')
    user, = User.create([{'login': login, 'name': name or login}])
    return user


def grant(user, code, rights):
    "SYS-5: set the user's rights on the program of the code"
    pool = Pool()
    Program = pool.get('hopu.program')
    UserRight = pool.get('hopu.user.right')
    program, = Program.search([('code', '=', code)])
    values = {f'perm_{r}': r in rights for r in RIGHTS}
    existing = UserRight.search([
            ('user', '=', user.id), ('program', '=', program.id)])
    if existing:
        UserRight.write(existing, values)
    else:
        UserRight.create([{'user': user.id, 'program': program.id, **values}])


def as_user(user):
    "Act as the user over RPC: the user's rights are checked"
    transaction = Transaction()

    class _Context:
        def __enter__(self):
            self._user = transaction.set_user(user.id)
            self._user.__enter__()
            self._check = check_access()
            self._check.__enter__()

        def __exit__(self, *args):
            self._check.__exit__(*args)
            self._user.__exit__(*args)
    return _Context()


class HopuTranslationTestMixin:
    "Every translatable string of the module has its zh_CN translation"

    @with_transaction()
    def test_zh_cn_translation_complete(self):
        "Chinese first: each label, menu and message is translated to zh_CN"
        pool = Pool()
        Translation = pool.get('ir.translation')

        template = Translation.translation_export('en', self.module)
        sources = polib.pofile(template.decode('utf-8')) if template else []
        po_path = find_path(
            os.path.join(self.module, 'locale', 'zh_CN.po'), _test=None)
        self.assertTrue(os.path.isfile(po_path), msg=po_path)
        chinese = {
            (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(po_path)
            if not e.obsolete and 'fuzzy' not in e.flags}
        missing = [
            f"{e.msgctxt} {e.msgid!r}" for e in sources
            if e.msgid and not e.msgctxt.endswith(':None')
            and not chinese.get((e.msgctxt, e.msgid))]
        self.assertFalse(
            missing, msg="Missing zh_CN translations:\n" + "\n".join(missing))


class HopuProgramTestMixin:
    "SYS-7: every screen of the module is an application program"

    @with_transaction()
    def test_every_menu_is_a_program(self):
        "SYS-7: each menu with an action is (or is under) a program's menu"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Menu = pool.get('ir.ui.menu')
        Program = pool.get('hopu.program')
        program_menus = {p.menu.id for p in Program.search([]) if p.menu}
        missing = []
        for data in ModelData.search([
                    ('module', '=', self.module),
                    ('model', '=', 'ir.ui.menu'),
                    ]):
            menu = Menu(data.db_id)
            if not menu.action:
                continue
            node, found = menu, False
            while node:
                if node.id in program_menus:
                    found = True
                    break
                node = node.parent
            if not found and not self._menu_open_to_all(menu):
                missing.append(data.fs_id)
        self.assertFalse(missing, msg=f"Menus without a program: {missing}")

    def _menu_open_to_all(self, menu):
        "Menus every user has (their own password, preferences)"
        return menu.id in self._open_menus()

    def _open_menus(self):
        return set()


class HopuSysadminTestCase(
        HopuTranslationTestMixin, HopuProgramTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test Hopu System Administration module"
    module = 'hopu_sysadmin'

    def _open_menus(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return {ModelData.get_id('hopu_sysadmin', 'menu_user_password_change')}

    @property
    def _skip_company_rule(self):
        # The parent of a company is the company tree itself, not an
        # ownership: a subsidiary is no record "of" its parent.
        return super()._skip_company_rule | {
            ('company.company', 'parent'),
            # departments are the organisation, read by all like the
            # companies and employees; the organisation lines are both
            ('company.department', 'company'),
            ('hopu.organisation', 'company'),
            # the company of the user the right belongs to, for filtering
            ('hopu.user.right', 'user_company'),
            ('hopu.user.right.overview', 'company'),
            }

    @with_transaction()
    def test_company_tree(self):
        "SYS-1: a company has a parent and cycles are refused"
        pool = Pool()
        Company = pool.get('company.company')

        head = create_company(name="Head Office")
        with set_company(head):
            branch = create_company(name="Branch", currency=head.currency)
            branch.parent = head
            branch.save()
            self.assertEqual(head.children, (branch,))
            self.assertEqual(
                Company.search([('parent', 'child_of', [head.id])]),
                [head, branch] if head.id < branch.id else [branch, head])

            head.parent = branch
            with self.assertRaises(Exception) as cm:
                head.save()
            self.assertIn('recursion', type(cm.exception).__name__.lower())

    @with_transaction()
    def test_company_fields_and_delete_referenced(self):
        """SYS-1: code, short and full name, phone, fax;
        delete refused while referenced"""
        pool = Pool()
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')

        head = create_company(name="皓普科技集团有限公司")
        with set_company(head):
            branch, = Company.create([{
                        'code': 'SH01', 'short_name': "上海分公司",
                        'full_name': "皓普科技上海分公司",
                        'phone': '021-12345678', 'fax': '021-87654321',
                        'parent': head.id, 'currency': head.currency.id}])
            self.assertEqual(branch.full_name, "皓普科技上海分公司")
            self.assertEqual(branch.party.name, "皓普科技上海分公司")
            self.assertEqual(branch.phone, '021-12345678')
            self.assertEqual(branch.fax, '021-87654321')
            self.assertTrue(head.code)

            sub, = Company.create([{
                        'code': 'SH02', 'full_name': "皓普科技浦东分公司",
                        'parent': branch.id, 'currency': head.currency.id}])

            party, = Party.create([{'name': "王芳"}])
            Employee.create([{'party': party.id, 'company': branch.id}])
            with self.assertRaises(UserError) as cm:
                Company.delete([branch])
            self.assertIn(branch.rec_name, cm.exception.message)
            with Transaction().set_user(0):
                self.assertTrue(Company.search([('id', '=', branch.id)]))
            with self.assertRaises(UserError):
                Company.delete([head])
            Company.delete([sub])
            with Transaction().set_user(0):
                self.assertFalse(Company.search([('id', '=', sub.id)]))

            # companies made without a code (Tryton's set-up tools) get one
            # each, also when made together
            first, second = Company.create([{
                        'full_name': "皓普科技广州分公司",
                        'currency': head.currency.id}, {
                        'full_name': "皓普科技深圳分公司",
                        'currency': head.currency.id}])
            self.assertEqual(first.party.name, "皓普科技广州分公司")
            self.assertTrue(first.code)
            self.assertTrue(second.code)
            self.assertNotEqual(first.code, second.code)

            # the code is unique (last: PostgreSQL ends the transaction)
            with self.assertRaises(UserError):
                Company.create([{
                            'code': 'SH01', 'full_name': "重复编号",
                            'currency': head.currency.id}])

    @with_transaction()
    def test_department_under_company(self):
        """SYS-1: a department belongs to its legal company (not a company
        itself), under a department or not; codes unique across companies
        and departments; employees get a department; a company with
        departments is not deleted"""
        pool = Pool()
        Company = pool.get('company.company')
        Department = pool.get('company.department')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')

        head = create_company(name="皓普科技集团有限公司")
        with set_company(head):
            finance, = Department.create([{
                        'company': head.id, 'code': 'DCW1',
                        'short_name': "财务部", 'name': "总部财务部",
                        'phone': '010-88886668', 'fax': '010-88886669'}])
            cashier, = Department.create([{
                        'company': head.id, 'parent': finance.id,
                        'code': 'DCW2', 'name': "总部财务部出纳组"}])
            self.assertEqual(finance.children, (cashier,))
            self.assertEqual(finance.rec_name, "总部财务部")
            self.assertEqual(Department.search(
                    [('rec_name', '=', "财务部")]), [finance])
            # the department is not a company: nothing has books of its own
            self.assertFalse(Company.search([('code', '=', 'DCW1')]))
            self.assertEqual(head.departments, (finance, cashier))

            party, = Party.create([{'name': "李娜"}])
            employee, = Employee.create([{
                        'party': party.id, 'company': head.id,
                        'department': cashier.id}])
            self.assertEqual(cashier.employees, (employee,))
            Department.write([finance], {'manager': employee.id})

            # codes are unique across companies and departments
            with self.assertRaises(UserError):
                Department.create([{
                            'company': head.id, 'code': head.code,
                            'name': "重复编号"}])
            with self.assertRaises(UserError):
                Company.create([{
                            'code': 'DCW1', 'full_name': "重复编号",
                            'currency': head.currency.id}])

            # a department of another company under this one is refused
            other = create_company(name="另一家公司")
            with self.assertRaises(UserError):
                Department.create([{
                            'company': other.id, 'parent': finance.id,
                            'code': 'DX01', 'name': "别家部门"}])

            # the company is referred to by its departments
            with self.assertRaises(UserError) as cm:
                Company.delete([head])
            self.assertIn(head.rec_name, cm.exception.message)

    @with_transaction()
    def test_organisation_tree(self):
        """SYS-1 公司或部门设定: companies and their departments are one
        tree; a line created, modified or deleted there is a company or a
        department"""
        pool = Pool()
        Company = pool.get('company.company')
        Department = pool.get('company.department')
        Organisation = pool.get('hopu.organisation')

        head = create_company(name="皓普科技集团有限公司")
        with set_company(head):
            branch, = Company.create([{
                        'code': 'OGZ1', 'short_name': "广州分公司",
                        'full_name': "皓普科技广州分公司",
                        'phone': '020-38886666', 'parent': head.id,
                        'currency': head.currency.id}])
            line_head, line_branch = Organisation.of([head, branch])

            # a department, as the manual's form fills it
            line, = Organisation.create([{
                        'code': 'OHP5', 'short_name': "华南市场部",
                        'full_name': "皓普科技华南市场部",
                        'phone': '020-88886666', 'fax': '020-88886667',
                        'parent': line_branch.id}])
            self.assertEqual(line.kind, 'department')
            department = line.department
            self.assertEqual(department.company, branch)
            self.assertIsNone(department.parent)
            self.assertEqual(
                (department.code, department.short_name, department.name,
                    department.phone, department.fax),
                ('OHP5', "华南市场部", "皓普科技华南市场部",
                    '020-88886666', '020-88886667'))
            self.assertEqual(line.company, branch)
            self.assertEqual(line.parent, line_branch)
            self.assertEqual(line.rec_name, "皓普科技华南市场部")

            # one tree: the roots, and the children of each line
            roots = Organisation.search([('parent', '=', None)])
            self.assertIn(line_head, roots)
            self.assertNotIn(line_branch, roots)
            self.assertEqual(line_head.children, (line_branch,))
            self.assertEqual(Organisation(line_branch.id).children, (line,))
            self.assertEqual(line_branch.phone, '020-38886666')
            self.assertEqual(Organisation.search(
                    [('rec_name', 'ilike', '%华南%')]), [line])

            # a team under the department is a department of the branch
            team, = Organisation.create([{
                        'code': 'OHP6', 'short_name': "华南一组",
                        'full_name': "华南市场部一组", 'parent': line.id}])
            self.assertEqual(team.department.parent, department)
            self.assertEqual(team.company, branch)

            # a company, made from the same screen
            line_sh, = Organisation.create([{
                        'kind': 'company', 'code': 'OSH1',
                        'short_name': "上海分公司",
                        'full_name': "皓普科技上海分公司",
                        'parent': line_head.id}])
            shanghai = line_sh.company
            self.assertEqual(shanghai.party.name, "皓普科技上海分公司")
            self.assertEqual(shanghai.parent, head)
            self.assertEqual(shanghai.currency, head.currency)
            self.assertEqual(line_sh.id, shanghai.id * 2)

            # modified through the line
            Organisation.write([line], {
                    'fax': '020-11112222', 'full_name': "华南市场部"})
            self.assertEqual(Department(department.id).fax, '020-11112222')
            self.assertEqual(Department(department.id).name, "华南市场部")
            Organisation.write([line_sh], {'phone': '021-66668888'})
            self.assertEqual(Company(shanghai.id).phone, '021-66668888')
            # moved to another company, with its team
            with self.assertRaises(UserError):
                Organisation.write([line], {'parent': line_sh.id})
            Organisation.write([team], {'parent': line_branch.id})
            Organisation.write([line], {'parent': line_sh.id})
            self.assertEqual(Department(department.id).company, shanghai)

            # a company under a department, a department without parent,
            # a company turned department are refused
            with self.assertRaises(UserError):
                Organisation.create([{
                            'kind': 'company', 'code': 'OX1',
                            'short_name': "X", 'full_name': "X",
                            'parent': line.id}])
            with self.assertRaises(UserError):
                Organisation.create([{
                            'code': 'OX2', 'short_name': "X",
                            'full_name': "X"}])
            with self.assertRaises(UserError):
                Organisation.write([line_sh], {'kind': 'department'})
            # codes stay unique
            with self.assertRaises(UserError):
                Organisation.create([{
                            'code': 'OGZ1', 'short_name': "X",
                            'full_name': "X", 'parent': line_head.id}])

            # deleted through the line; a company with departments is not
            with self.assertRaises(UserError):
                Organisation.delete([line_sh])
            gone = [department.id, team.department.id]
            Organisation.delete([line, team])
            self.assertFalse(Department.search([('id', 'in', gone)]))
            Organisation.delete([line_sh])
            self.assertFalse(Company.search([('id', '=', shanghai.id)]))

    @with_transaction()
    def test_organisation_rights(self):
        """SYS-1 SYS-5: the right on 公司或部门设定 is the right on the
        companies and departments behind the lines; everyone reads them"""
        pool = Pool()
        Organisation = pool.get('hopu.organisation')
        Department = pool.get('company.department')

        head = create_company(name="皓普科技集团有限公司")
        line_head, = Organisation.of([head])
        clerk = make_user('org_clerk')
        with as_user(clerk):
            self.assertIn(
                line_head, Organisation.search([('parent', '=', None)]))
            with self.assertRaises(AccessError):
                Organisation.create([{
                            'code': 'OCW1', 'short_name': "财务部",
                            'full_name': "总部财务部",
                            'parent': line_head.id}])
        grant(clerk, 'SYS-1', ['read', 'create', 'write'])
        with as_user(clerk):
            line, = Organisation.create([{
                        'code': 'OCW1', 'short_name': "财务部",
                        'full_name': "总部财务部", 'parent': line_head.id}])
            Organisation.write([line], {'phone': '010-88886668'})
            with self.assertRaises(AccessError):
                Organisation.delete([line])
        self.assertEqual(
            Department(line.department.id).phone, '010-88886668')

    @with_transaction()
    def test_migrate_company_departments(self):
        """SYS-1 migration: the departments that were companies become
        departments of their legal company; employees and accounts follow;
        a branch, or a 部 that keeps books (an account set), stays"""
        pool = Pool()
        Company = pool.get('company.company')
        Department = pool.get('company.department')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        AccountSet = pool.get('hopu.account_set')
        from ..department import migrate_company_departments

        # the old shape: departments were companies under a company
        head = create_company(name="皓普科技集团有限公司")
        currency = head.currency.id
        finance, branch, sales = Company.create([{
                    'code': 'MCW1', 'short_name': "财务部",
                    'full_name': "总部财务部", 'phone': '010-88886668',
                    'fax': '010-88886669', 'parent': head.id,
                    'currency': currency,
                    }, {
                    'code': 'MGZ1', 'full_name': "皓普科技广州分公司",
                    'parent': head.id, 'currency': currency,
                    }, {
                    'code': 'MXS1', 'full_name': "华南销售部",
                    'parent': head.id, 'currency': currency,
                    }])
        cashier, team, books = Company.create([{
                    'code': 'MCW2', 'full_name': "出纳组",
                    'short_name': "出纳部", 'parent': finance.id,
                    'currency': currency,
                    }, {
                    'code': 'MGZ2', 'full_name': "广州分公司市场部",
                    'parent': branch.id, 'currency': currency,
                    }, {
                    'code': 'MSZ1', 'full_name': "深圳事业部",
                    'parent': head.id, 'currency': currency,
                    }])
        AccountSet.create([{
                    'company': books.id, 'server': 'localhost',
                    'database': 'hopu_msz1'}])
        party, = Party.create([{'name': "李娜"}])
        employee, = Employee.create([{
                    'party': party.id, 'company': finance.id}])
        user, = User.create([{
                    'login': 'mig_lina', 'name': "李娜",
                    'companies': [('add', [head.id, finance.id])],
                    'company': finance.id, 'employees': [
                        ('add', [employee.id])],
                    'employee': employee.id}])
        finance_id, cashier_id, team_id = finance.id, cashier.id, team.id

        moved = migrate_company_departments()

        self.assertLessEqual(
            {finance_id, cashier_id, team_id, sales.id}, set(moved))
        self.assertFalse({head.id, branch.id, books.id} & set(moved))
        codes = [head.code, 'MGZ1', 'MSZ1', 'MCW1', 'MCW2', 'MGZ2', 'MXS1']
        self.assertEqual(
            sorted(c.code for c in Company.search([('code', 'in', codes)])),
            sorted([head.code, 'MGZ1', 'MSZ1']))
        by_code = {d.code: d for d in Department.search(
                [('code', 'in', codes)])}
        self.assertEqual(set(by_code), {'MCW1', 'MCW2', 'MGZ2', 'MXS1'})
        finance = by_code['MCW1']
        self.assertEqual(
            (finance.company, finance.parent, finance.name,
                finance.short_name, finance.phone, finance.fax),
            (head, None, "总部财务部", "财务部", '010-88886668',
                '010-88886669'))
        self.assertEqual(by_code['MCW2'].parent, finance)
        self.assertEqual(by_code['MCW2'].company, head)
        self.assertEqual(by_code['MGZ2'].company, branch)
        self.assertEqual(by_code['MXS1'].company, head)
        self.assertEqual(moved[finance_id], finance.id)

        employee = Employee(employee.id)
        self.assertEqual(
            (employee.company, employee.department),
            (head, finance))
        user = User(user.id)
        self.assertEqual(user.company, head)
        self.assertEqual(user.companies, (head,))

        # run again: nothing left to move
        self.assertEqual(migrate_company_departments(), {})

    @with_transaction()
    def test_password_policy(self):
        "SYS-4: short, login and common passwords are refused, naming the rule"
        pool = Pool()
        User = pool.get('res.user')
        user = make_user('wangfang', "王芳")
        for password, rule in [
                ('Ab1!', 'minimum length'),
                ('xwangfang2026', 'not the login'),
                ('password123', 'no common password'),
                ('12345678', 'no common password'),
                ]:
            with self.subTest(password=password):
                with self.assertRaises(PasswordError) as cm:
                    User.validate_password(password, [user])
                self.assertIn(rule, cm.exception.message)
        User.validate_password('Hp#Shanghai7', [user])

    @with_transaction()
    def test_admin_password_forces_change(self):
        """SYS-4: an account has no password; admin sets one,
        change forced at next login"""
        pool = Pool()
        User = pool.get('res.user')
        PasswordSet = pool.get('hopu.user.password.set', type='wizard')
        user = make_user('liuyang', "刘洋")
        self.assertFalse(User._get_login('liuyang')[1])
        clerk = make_user('clerk')
        grant(clerk, 'SYS-4', ['read', 'write'])

        session_id, _, _ = PasswordSet.create()
        wizard = PasswordSet(session_id)
        wizard.start.user = user
        wizard.start.password = 'Hp#Temp2026'
        wizard.start.confirm = 'Hp#Temp2026'
        with Transaction().set_user(clerk.id):
            wizard.transition_set_()
        user = User(user.id)
        self.assertTrue(User._get_login('liuyang')[1])
        self.assertTrue(user.hopu_password_change)

        with self.assertRaises(LoginException) as cm:
            User.get_login('liuyang', {'password': 'Hp#Temp2026'})
        self.assertEqual(cm.exception.name, 'new_password')
        with self.assertRaises(LoginException) as cm:
            User.get_login('liuyang', {
                    'password': 'Hp#Temp2026', 'new_password': 'short'})
        self.assertIn('minimum length', cm.exception.message)
        user_id = User.get_login('liuyang', {
                'password': 'Hp#Temp2026', 'new_password': 'Hp#Mine2026'})
        self.assertEqual(user_id, user.id)
        self.assertFalse(User(user.id).hopu_password_change)
        self.assertEqual(
            User.get_login('liuyang', {'password': 'Hp#Mine2026'}), user.id)
        self.assertIsNone(
            User.get_login('liuyang', {'password': 'Hp#Temp2026'}))

    @with_transaction()
    def test_password_separate_right(self):
        "SYS-3/SYS-4: the account right does not allow setting passwords"
        pool = Pool()
        User = pool.get('res.user')
        user = make_user('zhangwei')
        clerk = make_user('clerk')
        grant(clerk, 'SYS-3', RIGHTS)
        with as_user(clerk):
            User.write([User(user.id)], {'name': "张伟"})
            with self.assertRaises(AccessError):
                User.write([User(user.id)], {'password': 'Hp#Temp2026'})
        self.assertFalse(User._get_login('zhangwei')[1])

    @with_transaction()
    def test_own_password_change(self):
        "SYS-4: a user changes their own password, the old one asked"
        pool = Pool()
        User = pool.get('res.user')
        user = make_user('chengang')
        User.write([user], {'password': 'Hp#First2026'})
        with Transaction().set_user(user.id):
            with self.assertRaises(UserError):
                User.change_own_password('wrong', 'Hp#Second2026')
            with self.assertRaises(PasswordError):
                User.change_own_password('Hp#First2026', 'chengang1')
            User.change_own_password('Hp#First2026', 'Hp#Second2026')
            with self.assertRaises(UserError):
                User.set_preferences({'password': 'Hp#Third2026'})
        self.assertEqual(
            User.get_login('chengang', {'password': 'Hp#Second2026'}),
            user.id)

    @with_transaction()
    def test_login_prompts_in_chinese(self):
        "SYS-4: the password prompts of the login dialog read in Chinese"
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([zh_cn])
        user = make_user('liuyang', "刘洋")
        User.write([user], {'password': 'Hp#Temp2026'})
        with Transaction().set_context(language='zh_CN'):
            # trytond's own prompt, translated by trytond's zh_CN.po
            with self.assertRaises(LoginException) as cm:
                User.get_login('liuyang', {})
            self.assertEqual(cm.exception.message, "liuyang 的密码")
            # the new password asked after an administrator's reset
            with self.assertRaises(LoginException) as cm:
                User.get_login('liuyang', {'password': 'Hp#Temp2026'})
            self.assertEqual(cm.exception.name, 'new_password')
            self.assertRegex(cm.exception.message, r'[\u4e00-\u9fff]')

    @with_transaction()
    def test_login_history(self):
        "SYS-9: each login attempt is in the login history"
        pool = Pool()
        User = pool.get('res.user')
        History = pool.get('hopu.login.history')
        user = make_user('history')
        User.write([user], {'password': 'Hp#First2026'})
        User.write([user], {'hopu_password_change': False})
        User.get_login('history', {'password': 'bad-password'})
        User.get_login('history', {'password': 'Hp#First2026'})
        results = [(h.login, h.result, h.user) for h in History.search(
                    [('login', '=', 'history')], order=[('id', 'ASC')])]
        self.assertEqual(results, [
                ('history', 'failure', None),
                ('history', 'success', user)])

    @with_transaction()
    def test_user_log(self):
        "SYS-9: who changed which field of an account when, never a password"
        pool = Pool()
        User = pool.get('res.user')
        Log = pool.get('hopu.user.log')
        PasswordSet = pool.get('hopu.user.password.set', type='wizard')
        ModelData = pool.get('ir.model.data')
        Keyword = pool.get('ir.action.keyword')

        clerk = make_user('clerk', "职员")
        grant(clerk, 'SYS-3', ['read', 'write'])
        grant(clerk, 'SYS-4', ['read', 'write'])
        user = make_user('wangfang', "王芳")
        with as_user(clerk):
            User.write([User(user.id)], {'name': "王芳芳", 'email': None})

            session_id, _, _ = PasswordSet.create()
            wizard = PasswordSet(session_id)
            wizard.start.user = User(user.id)
            wizard.start.password = wizard.start.confirm = 'Hp#Temp2026'
            wizard.transition_set_()
        User.write([User(user.id)], {
                'password_reset': 'Reset#2026',
                'password_reset_expire': datetime.datetime(2030, 1, 1)})

        logs = Log.search([('account', '=', user.id)], order=[('id', 'ASC')])
        self.assertEqual(
            [(l.action, l.field_name, l.old_value, l.new_value,
              l.changed_by and l.changed_by.login) for l in logs],
            [('create', None, None, None, 'admin'),
                ('write', 'name', "王芳", "王芳芳", 'clerk'),
                ('write', 'hopu_password_change', "No", "Yes", 'clerk'),
                ('password', None, None, None, 'clerk'),
                ('reset', None, None, None, 'admin')])
        self.assertEqual(logs[1].field, "Name")
        self.assertTrue(all(l.login == 'wangfang' and l.date for l in logs))
        # never a password, a hash or a reset code
        _, password_hash, _ = User._get_login('wangfang')
        for log in Log.search([]):
            for value in [log.old_value or '', log.new_value or '']:
                for secret in ['Hp#Temp2026', 'Reset#2026', password_hash]:
                    self.assertNotIn(secret, value)

        # only who holds the log's rights reads it; nobody changes it
        with as_user(clerk):
            with self.assertRaises(AccessError):
                Log.read([logs[0].id], ['action'])
        grant(clerk, 'SYS-9-USER', RIGHTS)
        with as_user(clerk):
            self.assertEqual(
                Log.search([('account', '=', user.id)], count=True), 5)
            with self.assertRaises(AccessError):
                Log.write([Log(logs[1].id)], {'new_value': "李四"})
            with self.assertRaises(AccessError):
                Log.delete([Log(logs[1].id)])
            with self.assertRaises(AccessError):
                Log.create([{'account': user.id, 'action': 'write'}])

        # 修改记录 from the user form
        relate = ModelData.get_id('hopu_sysadmin', 'act_user_log_form_relate')
        self.assertTrue(Keyword.search([
                    ('keyword', '=', 'form_relate'),
                    ('model', '=', 'res.user,-1'),
                    ('action', '=', relate)]))

    def _copy_setup(self):
        source = make_user('source')
        target = make_user('target')
        grant(source, 'SYS-1', ['read', 'write'])
        grant(source, 'SYS-3', ['read'])
        grant(target, 'SYS-1', ['create'])
        grant(target, 'SYS-7', ['read'])
        return source, target

    def _rights(self, user):
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        return {r.program.code: sorted(r.granted())
            for r in UserRight.search([('user', '=', user.id)])}

    @with_transaction()
    def test_copy_rights_replace(self):
        "SYS-6: copy in replace mode gives exactly the source's rights, logged"
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        Log = pool.get('hopu.user.right.copy.log')
        User = pool.get('res.user')
        source, target = self._copy_setup()
        other = make_user('other')
        log = UserRight.copy_rights(source, [target, other], 'replace')
        expected = {'SYS-1': ['read', 'write'], 'SYS-3': ['read']}
        self.assertEqual(self._rights(target), expected)
        self.assertEqual(self._rights(other), expected)
        self.assertEqual(log.mode, 'replace')
        self.assertEqual(log.source, source)
        self.assertEqual(log.targets.split(), ['target', 'other'])
        self.assertEqual(Log.search([]), [log])
        # The groups follow the rights: Tryton enforces them
        program_groups = {g.name for g in User(target.id).groups}
        self.assertIn('SYS-1/write', program_groups)
        self.assertNotIn('SYS-1/create', program_groups)
        self.assertNotIn('SYS-7/read', program_groups)

    @with_transaction()
    def test_copy_rights_merge(self):
        "SYS-6: copy in merge mode adds the source's rights to the target's"
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        source, target = self._copy_setup()
        UserRight.copy_rights(source, [target], 'merge')
        self.assertEqual(self._rights(target), {
                'SYS-1': ['create', 'read', 'write'],
                'SYS-3': ['read'],
                'SYS-7': ['read']})

    @with_transaction()
    def test_copy_rights_no_target(self):
        "SYS-6: copying to nobody (or to the source only) is refused"
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        source, target = self._copy_setup()
        with self.assertRaises(UserError):
            UserRight.copy_rights(source, [source], 'replace')

    @with_transaction()
    def test_overview_report(self):
        "SYS-8: the overview report lists users × programs with each right"
        pool = Pool()
        Overview = pool.get('hopu.user.right.overview')
        Report = pool.get('hopu.user.right.overview.report', type='report')
        source, target = self._copy_setup()
        records = Overview.search([('login', 'in', ['source', 'target'])])
        rows = Report.matrix(records)
        self.assertEqual(
            rows[0], ["Login", "Name", "Company or Department",
                "Program Code", "Name", "Read", "Create", "Write", "Delete",
                "Print", "Export", "Approve"])
        body = [[r[0], r[3]] + r[5:] for r in rows[1:]]
        self.assertEqual(body, [
                ['source', 'SYS-1', '✓', '', '✓', '', '', '', ''],
                ['source', 'SYS-3', '✓', '', '', '', '', '', ''],
                ['target', 'SYS-1', '', '✓', '', '', '', '', ''],
                ['target', 'SYS-7', '✓', '', '', '', '', '', ''],
                ])
        # filter by user
        only = Overview.search([('user', '=', target.id)])
        self.assertEqual({r.program_code for r in only}, {'SYS-1', 'SYS-7'})
        oext, content, _, name = Report.execute(
            [r.id for r in records], {})
        self.assertEqual(oext, 'ods')
        with zipfile.ZipFile(io.BytesIO(content)) as ods:
            xml = ods.read('content.xml').decode('utf-8')
        self.assertIn('SYS-7', xml)
        self.assertIn('target', xml)
        # the print dialog's filters: one user only, one program only
        self.assertEqual(
            [r[3] for r in Report.matrix(data={'users': [target.id]})[1:]],
            ['SYS-1', 'SYS-7'])
        self.assertEqual(
            [r[0] for r in Report.matrix(data={
                        'users': [source.id, target.id],
                        'programs': [self._program('SYS-1').id]})[1:]],
            ['source', 'target'])

    @staticmethod
    def _program(code):
        pool = Pool()
        Program = pool.get('hopu.program')
        program, = Program.search([('code', '=', code)])
        return program

    @with_transaction()
    def test_overview_pdf(self):
        "SYS-8: the overview prints as a PDF in Chinese, the CJK font embedded"
        pool = Pool()
        Company = pool.get('company.company')
        User = pool.get('res.user')
        PrintOverview = pool.get(
            'hopu.user.right.overview.print', type='wizard')
        company = create_company(name="皓普科技上海分公司")
        source, target = self._copy_setup()
        User.write([source, target], {
                'companies': [('add', [company.id])],
                'company': company.id})
        User.write([source], {'name': "王芳"})
        User.write([target], {'name': "刘洋"})
        other = make_user('other', "张伟")
        grant(other, 'SYS-2', ['read'])
        elsewhere = create_company(name="皓普科技广州分公司")
        User.write([other], {
                'companies': [('add', [elsewhere.id])],
                'company': elsewhere.id})

        Lang = pool.get('ir.lang')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([zh_cn])
        session_id, _, _ = PrintOverview.create()
        with Transaction().set_context(language='zh_CN'):
            wizard = PrintOverview(session_id)
            wizard.start.companies = [Company(company.id)]
            wizard.start.users = []
            wizard.start.programs = []
            _, data = wizard.do_print_({})
            Report = pool.get(
                'hopu.user.right.overview.pdf', type='report')
            # trytond converts in a folder of tempfile's ([report]
            # convert_command): one named after this process tells its
            # soffice processes from those of other runs
            with tempfile.TemporaryDirectory(
                    prefix=f'hopu-report-{os.getpid()}-') as folder, \
                    mock.patch.object(tempfile, 'tempdir', folder):
                oext, content, _, name = Report.execute([], data)
        self.assertEqual(oext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))
        self.assertFalse(self._soffice_left())

        text = self._pdf_command('pdftotext', content, '-layout')
        for word in ["使用者权限一览表", "帐号", "姓名", "公司或部门", "程序编号",
                "程序名称", "查询", "新增", "修改", "删除", "打印", "导出",
                "审核", "王芳", "刘洋", "皓普科技上海分公司"]:
            self.assertIn(word, text)
        # the company filter leaves out the user of another company
        self.assertNotIn("张伟", text)
        lines = {line.split()[0] + ' ' + line.split()[3]: line.split()[5:]
            for line in text.splitlines()
            if line.split()[:1] in (['source'], ['target'])}
        # read and write on SYS-1, read on SYS-3 for source; create on
        # SYS-1, read on SYS-7 for target: one mark each
        self.assertEqual(
            {k: len(v) for k, v in lines.items()},
            {'source SYS-1': 2, 'source SYS-3': 1,
                'target SYS-1': 1, 'target SYS-7': 1})
        self.assertEqual(
            {m for v in lines.values() for m in v}, {'✓'})
        fonts = self._pdf_command('pdffonts', content)
        self.assertRegex(fonts, r'NotoSans\w*CJK')
        cjk = [line for line in fonts.splitlines() if 'CJK' in line]
        # "emb" column: yes
        self.assertTrue(all(' yes ' in line for line in cjk), msg=fonts)

    @staticmethod
    def _pdf_command(command, content, *args):
        "Run a poppler command (pdftotext, pdffonts) on the PDF content"
        import subprocess
        import tempfile
        with tempfile.NamedTemporaryFile(suffix='.pdf') as pdf:
            pdf.write(bytes(content))
            pdf.flush()
            output = ['-'] if command == 'pdftotext' else []
            return subprocess.run([command, *args, pdf.name, *output],
                capture_output=True, text=True, check=True).stdout

    @staticmethod
    def _soffice_left():
        "The soffice processes this test process started that still run"
        marker = f'hopu-report-{os.getpid()}-'.encode()
        left = []
        for pid in os.listdir('/proc'):
            if not pid.isdigit():
                continue
            try:
                with open(f'/proc/{pid}/cmdline', 'rb') as fp:
                    if marker in fp.read():
                        left.append(int(pid))
            except OSError:
                continue
        return left

    def _account_set(self):
        pool = Pool()
        AccountSet = pool.get('hopu.account_set')
        company = create_company()
        account_set, = AccountSet.create([{
                    'company': company.id, 'server': 'localhost',
                    'database': 'hopu_sh'}])
        return account_set, company

    def _clerk_in(self, company):
        pool = Pool()
        User = pool.get('res.user')
        clerk = make_user('clerk')
        User.write([clerk], {
                'companies': [('add', [company.id])],
                'company': company.id})
        return clerk

    def _right_test(self, right):
        """SYS-5: the operation of the right on an account set (SYS-2) is
        refused by the server without the right, allowed with it"""
        pool = Pool()
        AccountSet = pool.get('hopu.account_set')
        account_set, company = self._account_set()
        operation = {
            'read': lambda: AccountSet.read([account_set.id], ['database']),
            'create': lambda: AccountSet.create([{
                        'company': company.id, 'server': 'localhost',
                        'database': 'hopu_gz'}]),
            'write': lambda: AccountSet.write(
                [AccountSet(account_set.id)], {'server': 'db1'}),
            'delete': lambda: AccountSet.delete([AccountSet(account_set.id)]),
            'export': lambda: AccountSet.export_data(
                [AccountSet(account_set.id)], ['database']),
            }[right]
        clerk = self._clerk_in(company)
        grant(clerk, 'SYS-2', [r for r in RIGHTS if r != right])
        with as_user(clerk), Transaction().set_context(company=company.id):
            with self.assertRaises(AccessError):
                operation()
        grant(clerk, 'SYS-2', RIGHTS)
        with as_user(clerk), Transaction().set_context(company=company.id):
            operation()

    # one test per right, as the requirement asks
    for _right, _doc in [
            ('read', "SYS-5 查询: without the read right, reading is refused"),
            ('create', "SYS-5 新增: without the create right, creating is "
                "refused"),
            ('write', "SYS-5 修改: without the write right, modifying is "
                "refused"),
            ('delete', "SYS-5 删除: without the delete right, deleting is "
                "refused"),
            ('export', "SYS-5 导出: without the export right, exporting is "
                "refused"),
            ]:
        def _test(self, right=_right):
            self._right_test(right)
        _test.__doc__ = _doc
        locals()[f'test_right_{_right}_refused'] = with_transaction()(_test)
    del _right, _doc, _test

    @with_transaction()
    def test_right_print_refused(self):
        "SYS-5 打印: without the print right, the report is refused"
        pool = Pool()
        Report = pool.get('hopu.user.right.overview.report', type='report')
        Overview = pool.get('hopu.user.right.overview')
        ModelData = pool.get('ir.model.data')
        clerk = make_user('clerk')
        ids = [r.id for r in Overview.search([], limit=2)]
        data = {'action_id': ModelData.get_id(
                'hopu_sysadmin', 'report_user_right_overview')}
        grant(clerk, 'SYS-8', [r for r in RIGHTS if r != 'print'])
        with as_user(clerk):
            with self.assertRaises(AccessError):
                Report.execute(ids, data)
        grant(clerk, 'SYS-8', RIGHTS)
        with as_user(clerk):
            oext, *_ = Report.execute(ids, data)
        self.assertEqual(oext, 'ods')

    @with_transaction()
    def test_right_approve_refused(self):
        "SYS-5 审核: without the approve right, the approve button is refused"
        pool = Pool()
        Program = pool.get('hopu.program')
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        button, = Button.search([
                ('model', '=', 'res.user'), ('name', '=', 'reset_password')])
        program, = Program.create([{
                    'code': 'TEST-APPROVE', 'name': "Approve test",
                    'approve_buttons': [('add', [button.id])]}])
        target = make_user('target')
        clerk = make_user('clerk')
        grant(clerk, 'TEST-APPROVE', [r for r in RIGHTS if r != 'approve'])
        with as_user(clerk):
            with self.assertRaises(AccessButtonError):
                User.reset_password([User(target.id)])
        grant(clerk, 'TEST-APPROVE', RIGHTS)
        # granted: the button's groups are now the clerk's
        self.assertTrue(
            Button.get_groups('res.user', 'reset_password')
            & {g.id for g in User(clerk.id).groups})

    @with_transaction()
    def test_menu_hidden_without_read(self):
        "SYS-5: a program without read right is absent from the user's menu"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        menu_id = ModelData.get_id('hopu_sysadmin', 'menu_account_set_form')
        clerk = make_user('clerk')
        with as_user(clerk):
            self.assertFalse(Menu.search([('id', '=', menu_id)]))
        grant(clerk, 'SYS-2', ['read'])
        with as_user(clerk):
            self.assertTrue(Menu.search([('id', '=', menu_id)]))

    @with_transaction()
    def test_menu_below_a_kept_folder(self):
        """SYS-5: a program's menu below a folder kept for other groups (as
        库存管理 is for stock's own group) shows with its folder to a user
        who has the program's read right only"""
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        Program = pool.get('hopu.program')
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        admin_group = ModelData.get_id('res', 'group_admin')
        folder, = Menu.create([{
                    'name': "Kept folder", 'groups': [('add', [admin_group])],
                    }])
        screen, = Menu.create([{
                    'name': "A screen", 'parent': folder.id,
                    'action': str(ActWindow(ActWindow.create([{
                                        'name': "Warnings",
                                        'res_model': 'res.user.warning',
                                        }])[0].id)),
                    }])
        Program.create([{
                    'code': 'TEST-KEPT', 'name': "Kept",
                    'model_names': 'res.user.warning', 'menu': screen.id,
                    }])
        clerk = make_user('clerk')
        with as_user(clerk):
            self.assertFalse(Menu.search([('id', '=', screen.id)]))
        grant(clerk, 'TEST-KEPT', ['read'])
        with as_user(clerk):
            self.assertEqual(
                Menu.search([('id', 'in', [folder.id, screen.id])],
                    order=[('id', 'ASC')]),
                [folder, screen])

    @with_transaction()
    def test_menu_folder_of_empty_folders(self):
        """SYS-5 ERP-8: a folder whose only entries are folders without a
        screen the user may open is not in his menu (客户管理 with 线索 and
        报表分析 showed, empty, to the ERP staff); with the right on the
        screen below, the folders show"""
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        Program = pool.get('hopu.program')
        ActWindow = pool.get('ir.action.act_window')
        outer, = Menu.create([{'name': "Outer folder"}])
        inner, = Menu.create([{'name': "Inner folder", 'parent': outer.id}])
        screen, = Menu.create([{
                    'name': "A screen", 'parent': inner.id,
                    'action': str(ActWindow(ActWindow.create([{
                                        'name': "Warnings",
                                        'res_model': 'res.user.warning',
                                        }])[0].id)),
                    }])
        Program.create([{
                    'code': 'TEST-NESTED', 'name': "Nested",
                    'model_names': 'res.user.warning', 'menu': screen.id,
                    }])
        ids = [outer.id, inner.id, screen.id]
        clerk = make_user('clerk')
        with as_user(clerk):
            self.assertEqual(Menu.search([('id', 'in', ids)]), [])
            self.assertNotIn(outer, Menu.search([('parent', '=', None)]))
        grant(clerk, 'TEST-NESTED', ['read'])
        with as_user(clerk):
            self.assertEqual(
                Menu.search([('id', 'in', ids)], order=[('id', 'ASC')]),
                [outer, inner, screen])

    @with_transaction()
    def test_favorites_of_own_menus(self):
        """ERP-8 SYS-5: a user marks the menus he sees as favourites; a
        hidden menu is refused, and a favourite whose right is withdrawn
        leaves his favourites"""
        pool = Pool()
        Favorite = pool.get('ir.ui.menu.favorite')
        ModelData = pool.get('ir.model.data')
        menu_id = ModelData.get_id('hopu_sysadmin', 'menu_account_set_form')
        clerk = make_user('clerk')
        with as_user(clerk):
            with self.assertRaises(UserError):
                Favorite.set(menu_id)
            self.assertEqual(Favorite.get(), [])
        grant(clerk, 'SYS-2', ['read'])
        with as_user(clerk):
            Favorite.set(menu_id)
            Favorite.set(menu_id)
            self.assertEqual([f[0] for f in Favorite.get()], [menu_id])
        grant(clerk, 'SYS-2', [])
        with as_user(clerk):
            self.assertEqual(Favorite.get(), [])
        self.assertEqual(
            Favorite.search_count([('user', '=', clerk.id)]), 1)

    @with_transaction()
    def test_program_renamed(self):
        """SYS-7: the administrator renames a program the module ships, in
        the company's own words; its other fields stay protected"""
        pool = Pool()
        Program = pool.get('hopu.program')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        admin = User(ModelData.get_id('res', 'user_admin'))
        program, = Program.search([('code', '=', 'SYS-2')])
        with as_user(admin):
            Program.write([Program(program.id)], {'name': "帐套管理"})
            with self.assertRaises(AccessError):
                Program.write([Program(program.id)], {'code': 'X-2'})
        self.assertEqual(Program(program.id).name, "帐套管理")

    @with_transaction()
    def test_program_compile_and_delete(self):
        """SYS-7: a new program gets its seven right groups and grants them
        the models of the program; deleted, it takes its groups along (and
        makes no new ones)"""
        pool = Pool()
        Program = pool.get('hopu.program')
        Group = pool.get('res.group')
        Access = pool.get('ir.model.access')
        program, = Program.create([{
                    'code': 'TEST-1', 'name': "Test Program",
                    'model_names': 'res.user.warning',
                    }])
        groups = Group.search([('name', 'like', 'TEST-1/%')])
        self.assertEqual(len(groups), 7)
        self.assertTrue(Access.search([
                    ('model', '=', 'res.user.warning'),
                    ('group', '=', program.group_read.id),
                    ('perm_read', '=', True),
                    ]))
        Program.write([program], {'model_names': 'res.user.warning\n'})
        self.assertEqual(
            len(Group.search([('name', 'like', 'TEST-1/%')])), 7)
        Program.delete([program])
        self.assertEqual(Group.search([('name', 'like', 'TEST-1/%')]), [])

    @with_transaction()
    def test_program_code_changed_groups_follow(self):
        """SYS-7: a program's code changed, its right groups take the new
        code's names, and a new program may take the old code; a group
        named as another is refused with the user's message (trytond's
        constraint had a text, not a message: an internal error)"""
        pool = Pool()
        Program = pool.get('hopu.program')
        Group = pool.get('res.group')
        program, = Program.create([{
                    'code': 'TEST-OLD', 'name': "Test Program",
                    'model_names': 'res.user.warning',
                    }])
        Program.write([program], {'code': 'TEST-NEW'})
        self.assertEqual(
            sorted(g.name for g in Group.search(
                    [('name', 'like', 'TEST-NEW/%')])),
            sorted(f'TEST-NEW/{r}' for r in RIGHTS))
        self.assertEqual(Group.search([('name', 'like', 'TEST-OLD/%')]), [])
        again, = Program.create([{
                    'code': 'TEST-OLD', 'name': "Test Program again",
                    'model_names': 'res.user.warning',
                    }])
        self.assertEqual(again.group_read.name, 'TEST-OLD/read')
        self.assertEqual(program.group_read.name, 'TEST-NEW/read')

        with self.assertRaises(SQLConstraintError) as refused:
            Group.create([{'name': 'TEST-OLD/read'}])
        self.assertEqual(
            refused.exception.message,
            gettext('hopu_sysadmin.msg_group_name_unique'))

    @with_transaction()
    def test_program_model_named_rights(self):
        """SYS-5 SYS-7: a model the program's documents show but which is
        changed elsewhere is given with the rights named after it
        ("res.user.warning:read"): the holder of every right of the
        program reads it and may not write, create or delete it; a right
        that does not exist is refused with the program, the model and the
        rights of a model named"""
        pool = Pool()
        Program = pool.get('hopu.program')
        Warning_ = pool.get('res.user.warning')
        Application = pool.get('res.user.application')
        program, = Program.create([{
                    'code': 'TEST-SHOWN', 'name': "Shown",
                    'model_names': 'res.user.application\n'
                    'res.user.warning:read',
                    }])
        self.assertEqual(program.model_rights, [
                ('res.user.application',
                    {'read', 'write', 'create', 'delete'}),
                ('res.user.warning', {'read'})])
        clerk = make_user('clerk')
        warning, = Warning_.create([{
                    'user': clerk.id, 'name': 'shown', 'always': True}])
        grant(clerk, 'TEST-SHOWN', ['read', 'write', 'create', 'delete'])
        with as_user(clerk):
            self.assertEqual(Warning_.search([]), [warning])
            Application.search([])
            with self.assertRaises(AccessError):
                Warning_.write(
                    [Warning_(warning.id)], {'always': False})
            with self.assertRaises(AccessError):
                Warning_.create([{'user': clerk.id, 'name': 'more'}])
            with self.assertRaises(AccessError):
                Warning_.delete([Warning_(warning.id)])
        self.assertTrue(Warning_(warning.id).always)

        with self.assertRaises(ValidationError) as raised:
            Program.write([program], {
                    'model_names': 'res.user.warning:raed'})
        self.assertIn('raed', str(raised.exception))
        self.assertIn('res.user.warning', str(raised.exception))

    @with_transaction()
    def test_menu_one_program_only(self):
        """SYS-5: with the read right on one program, the menu shows that
        program and nothing else: no official menu (参与者, 公司 …), and a
        hidden menu cannot be read either"""
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        menu_id = ModelData.get_id('hopu_sysadmin', 'menu_account_set_form')
        party_menu = ModelData.get_id('party', 'menu_party_form')
        clerk = make_user('clerk')
        grant(clerk, 'SYS-2', ['read'])
        with as_user(clerk):
            actions = [m.id for m in Menu.search([]) if m.action]
            roots = Menu.search([('parent', '=', None)])
            with self.assertRaises(AccessError):
                Menu.read([party_menu], ['name'])
        open_menus = {
            ModelData.get_id('hopu_sysadmin', 'menu_user_password_change')}
        self.assertEqual(set(actions) - open_menus, {menu_id})
        self.assertEqual(
            {m.id for m in roots} - open_menus,
            {ModelData.get_id('hopu_sysadmin', 'menu_sysadmin')})
        # the administrator keeps every menu
        User = pool.get('res.user')
        with as_user(User(ModelData.get_id('res', 'user_admin'))):
            self.assertTrue(Menu.search([('id', '=', party_menu)]))

    @with_transaction()
    def test_menu_search_queries_flat(self):
        """SYS-5 (login speed): the menus without action are checked for a
        visible entry in one search, not one search per menu: searching
        many menus of one level costs less than a statement more per menu
        than searching two (what remains is Tryton's own check of the
        actions' models)"""
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        admin = User(ModelData.get_id('res', 'user_admin'))
        level = [m.id for m in Menu.search([
                    ('parent', '!=', None), ('parent.parent', '=', None),
                    ('childs', '!=', None)])]
        self.assertGreater(len(level), 4)
        counts = []
        with as_user(admin):
            Menu.search([])
            for ids in [level[:2], level]:
                forget_records()
                with check_access(), counted_queries() as counter:
                    Menu.search([('id', 'in', ids)])
                counts.append(counter['queries'])
        self.assertLess(counts[1] - counts[0], len(level) - 2)

    @with_transaction()
    def test_sysadmin_menus(self):
        "SYS-1…SYS-8: the eight entries of 系统管理, each a program"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        Program = pool.get('hopu.program')
        ModelData = pool.get('ir.model.data')
        root = Menu(ModelData.get_id('hopu_sysadmin', 'menu_sysadmin'))
        with Transaction().set_context(language='zh_CN'):
            entries = [m.name for m in Menu.search(
                    [('parent', '=', root.id)],
                    order=[('sequence', 'ASC'), ('id', 'ASC')])]
        self.assertEqual(len(entries), 8)
        menus = Menu.search([('parent', '=', root.id)])
        programs = {p.menu for p in Program.search([])}
        self.assertTrue(set(menus) <= programs)

    @with_transaction()
    def test_account_set_duplicate(self):
        "SYS-2: a database already registered on the server is refused"
        pool = Pool()
        AccountSet = pool.get('hopu.account_set')
        account_set, company = self._account_set()
        with self.assertRaises(UserError):
            AccountSet.create([{
                        'company': company.id, 'server': 'localhost',
                        'database': 'bad name;'}])
        with self.assertRaises(UserError):
            AccountSet.create([{
                        'company': company.id, 'server': 'bad server!',
                        'database': 'hopu_gz'}])
        with self.assertRaises(UserError):
            AccountSet.create([{
                        'company': company.id, 'server': 'localhost',
                        'database': 'hopu_sh'}])

    @with_transaction()
    def test_account_set_databases(self):
        """SYS-2/SYS-9: account set create, duplicate, backup, archive,
        restore, delete"""
        pool = Pool()
        AccountSet = pool.get('hopu.account_set')
        from trytond.modules.hopu_sysadmin import account_set_db
        company = create_company(name="皓普科技广州分公司")
        Company = pool.get('company.company')
        Company.write([company], {'code': 'GZ01', 'short_name': "广州分公司"})
        name = f'hopu_test_as_{os.getpid()}'
        account_set, = AccountSet.create([{
                    'company': company.id, 'server': 'localhost',
                    'database': name}])
        try:
            AccountSet.create_database([account_set])
            self.assertEqual(account_set.state, 'created')
            self.assertTrue(account_set_db.exists('localhost', name))
            self.assertIn(name, Transaction().database.list())

            # the company exists inside the new database
            self.assertEqual(self._company_codes(name), ['GZ01'])

            # a second account set on the same database is refused and
            # creates nothing
            other, = AccountSet.create([{
                        'company': company.id, 'server': '127.0.0.1',
                        'database': name}])
            with self.assertRaises(UserError):
                AccountSet.create_database([other])
            self.assertEqual(other.state, 'draft')
            AccountSet.delete([other])

            AccountSet.backup([account_set])
            backup, = account_set.backups
            self.assertTrue(os.path.exists(backup.path))

            AccountSet.archive([account_set])
            self.assertEqual(account_set.state, 'archived')
            self.assertFalse(account_set_db.exists('localhost', name))

            AccountSet.restore([account_set])
            self.assertEqual(account_set.state, 'created')
            self.assertEqual(self._company_codes(name), ['GZ01'])
        finally:
            AccountSet.delete([account_set])
        self.assertFalse(account_set_db.exists('localhost', name))

    @staticmethod
    def _company_codes(name):
        "The company codes inside the account set's database"
        import subprocess
        import sys
        code = (
            "import os, sys\n"
            "from trytond import config\n"
            "config.update_etc(os.environ['TRYTOND_CONFIG'])\n"
            "from trytond import backend\n"
            "db = backend.Database(sys.argv[1]).connect()\n"
            "conn = db.get_connection()\n"
            "cur = conn.cursor()\n"
            "cur.execute('SELECT code FROM company_company ORDER BY code')\n"
            "print(','.join(r[0] for r in cur))\n")
        result = subprocess.run(
            [sys.executable, '-c', code, name], capture_output=True,
            text=True, check=True)
        return result.stdout.strip().split(',')

    @with_transaction()
    def test_account_set_unreachable_server(self):
        """SYS-2: a server that can't be reached gets a clear error,
        nothing created"""
        pool = Pool()
        AccountSet = pool.get('hopu.account_set')
        company = create_company()
        account_set, = AccountSet.create([{
                    'company': company.id, 'server': 'db.invalid',
                    'database': 'hopu_nowhere'}])
        with self.assertRaises(UserError):
            AccountSet.create_database([account_set])
        self.assertEqual(account_set.state, 'draft')


del ModuleTestCase
