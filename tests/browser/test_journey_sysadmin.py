"""「皓普ERP管理系统操作手册-系统管理」 in the browser, as the administrator
does it (SYS-1 … SYS-8): 公司或部门设定, 公司数据库设定, 使用者帐号设定,
使用者密码设定, 使用者权限设定, 使用者权限复制, 应用程序名设定,
使用者权限一览表 (the list, printed as a PDF and exported as a
spreadsheet). Screenshots and the report's files in
var/artifacts/journey-admin/."""
import os
import re
import subprocess
import zipfile

from lxml import etree
from playwright.sync_api import expect

from hopu_cli import demo

from ..support import drop_database
from .journey import JourneyTestCase

ODS_MIME = b'application/vnd.oasis.opendocument.spreadsheet'
NEW_PASSWORD = 'Zhao#Min-2026'
FIRST_PASSWORD = 'Chu#Shi-2026'


class SysadminJourneyTestCase(JourneyTestCase):
    "系统管理: the administrator sets up the ERP for a new department"
    artifacts = 'journey-admin'
    suffix = ''

    def setUp(self):
        super().setUp()
        self.account_set = f'hopu_test_set_{os.getpid()}{self.suffix}'
        self.addCleanup(drop_database, self.account_set, self.db_uri)

    def test_sysadmin_journey(self):
        "SYS-1 … SYS-8: the manual's system administration, step by step"
        page = self.open_page()
        self.login(page, 'admin', demo.ADMIN_PASSWORD, menu='系统管理')
        self.screenshot(page, 'admin-menu')
        self.department(page)
        self.account_set_created(page)
        self.user_account(page)
        self.password(page)
        self.rights(page)
        self.first_login()
        self.copy_rights(page)
        self.rename_program(page)
        self.overview(page)

    def department(self, page):
        """一、公司或部门设定: a department under a company, every field of
        the manual; the party behind a company is made, not asked; the
        department books in its company's books (SYS-1)"""
        sfx = self.suffix
        self.open_menu(page, '系统管理', '公司或部门设定')
        tab = self.tab(page)
        expect(tab).to_contain_text(demo.HEAD_COMPANY)
        self.screenshot(page, 'company-tree')
        self.new(page)
        expect(tab.locator('label', has_text='参与者')).to_have_count(0)
        self.select(tab, '类别', '部门')
        self.fill(tab, '编号', f'HP05{sfx}')
        self.fill(tab, '公司/部门简称', f'华南市场部{sfx}')
        self.fill(tab, '公司/部门全称', f'皓普科技华南市场部{sfx}')
        self.fill(tab, '电话', '020-88886666')
        self.fill(tab, '传真', '020-88886667')
        self.choose(tab, '直属公司', '皓普科技广州分公司')
        # a department has no currency of its own: no books
        expect(tab.locator('label:visible', has_text='币种')).to_have_count(0)
        self.screenshot(page, 'department-filled')
        self.save(page)
        self.screenshot(page, 'department-saved')
        expect(self.widget(tab, '所属公司')).to_have_value('皓普科技广州分公司')
        # back in the tree, the department is under its company
        self.switch(page)
        self.row(tab, demo.HEAD_COMPANY).locator('.expander').click()
        self.wait_idle(page)
        self.row(tab, '皓普科技广州分公司').locator('.expander').click()
        self.wait_idle(page)
        expect(self.row(tab, f'皓普科技华南市场部{sfx}')).to_contain_text(
            '020-88886667')
        expect(self.row(tab, f'皓普科技华南市场部{sfx}')).to_contain_text('部门')
        self.screenshot(page, 'department-in-tree')

    def account_set_created(self, page):
        """二、公司数据库设定: the account set (帐套) of the department's
        company (a department books in its company's), created from the
        form (SYS-2)"""
        self.open_menu(page, '系统管理', '公司数据库设定')
        tab = self.tab(page)
        self.new(page)
        self.choose(tab, '公司或部门', '皓普科技广州分公司')
        expect(self.widget(tab, '服务器')).to_have_value('localhost')
        self.fill(tab, '数据库', self.account_set)
        self.save(page)
        self.screenshot(page, 'account-set-saved')
        self.click(tab, '建立数据库', timeout=900000)
        expect(self.widget(tab, '状态')).to_have_value(
            re.compile('created|已建立'))
        self.screenshot(page, 'account-set-created')

    def user_account(self, page):
        "三、使用者帐号设定: the account, without a password (SYS-3)"
        sfx = self.suffix
        self.open_menu(page, '系统管理', '使用者帐号设定')
        tab = self.tab(page)
        self.new(page)
        self.fill(tab, '登录', f'zhaomin{sfx}')
        self.fill(tab, '名称', f'赵敏{sfx}')
        self.add_to(tab, '公司', '皓普科技广州分公司')
        self.screenshot(page, 'user-filled')
        self.save(page)
        self.screenshot(page, 'user-saved')

    def password(self, page):
        "四、使用者密码设定: the administrator sets the first one (SYS-4)"
        dialog = self.open_wizard(page, '系统管理', '使用者密码设定')
        self.choose(dialog, '使用者', f'赵敏{self.suffix}')
        self.fill(dialog, '新密码', FIRST_PASSWORD)
        self.fill(dialog, '确认密码', FIRST_PASSWORD)
        self.screenshot(page, 'password-set')
        self.click(dialog, '设定')
        expect(dialog).to_be_hidden()

    def rights(self, page):
        "五、使用者权限设定: the read right on one program (SYS-5)"
        self.open_menu(page, '系统管理', '使用者权限设定')
        tab = self.tab(page)
        self.new(page)
        line = tab.locator('tbody tr').filter(
            has=page.locator('input[name=user]'))
        self.choose(line, None, f'赵敏{self.suffix}', entry=line.locator(
                'input[name=user]'))
        # 客户信息, by its program number
        self.choose(line, None, 'CRM-2', entry=line.locator(
                'input[name=program]'))
        line.locator('input[name=perm_read]').check()
        self.screenshot(page, 'right-read-granted')
        self.save(page)
        self.screenshot(page, 'right-saved')

    def first_login(self):
        """The new user, at another desk: the login page offers the new
        account set; the first login asks for a new password (SYS-2,
        SYS-4); the menu shows the one program and nothing else (SYS-5)"""
        page = self.open_page()
        self.assertIn(self.account_set, self.database_options(page))
        self.screenshot(page, 'login-databases')
        self.login(page, f'zhaomin{self.suffix}', FIRST_PASSWORD,
            new_password=NEW_PASSWORD)
        self.screenshot(page, 'zhaomin-menu')
        roots = page.locator('#menu .column-char')
        # 修改我的密码 is every user's own
        expect(roots).to_have_text(['客户管理', '修改我的密码'])
        self.open_menu(page, '客户管理', '客户信息')
        expect(roots).to_have_text(['客户管理', '客户信息', '修改我的密码'])
        self.screenshot(page, 'zhaomin-one-program')
        return page

    def copy_rights(self, page):
        """六、使用者权限复制: 赵敏's rights merged into 刘洋's (SYS-6); the
        copy is recorded"""
        dialog = self.open_wizard(page, '系统管理', '使用者权限复制')
        self.choose(dialog, '来源使用者', f'赵敏{self.suffix}')
        self.select(dialog, '复制方式', '合并')
        self.add_to(dialog, '目标使用者', '刘洋')
        self.screenshot(page, 'copy-filled')
        self.click(dialog, '复制')
        expect(dialog).to_be_hidden()
        self.open_menu(page, '系统管理', '使用者权限复制', '权限复制记录')
        row = self.row(self.tab(page), f'赵敏{self.suffix}')
        expect(row).to_contain_text('liuyang')
        self.screenshot(page, 'copy-log')

    def rename_program(self, page):
        "七、应用程序名设定: 客户信息 renamed in the company's words (SYS-7)"
        self.open_menu(page, '系统管理', '应用程序名设定')
        tab = self.tab(page)
        tab.locator('tbody tr').filter(has=page.locator(
                'td', has_text=re.compile('^CRM-2$'))).first.dblclick()
        self.wait_idle(page)
        self.fill(tab, '程序名称', f'客户资料{self.suffix}')
        self.screenshot(page, 'program-renamed')
        self.save(page)

    def overview(self, page):
        """八、使用者权限一览表: 赵敏's rights in the list, then the report
        (用报表的形式反映用户权限明细): printed as a PDF and exported as a
        spreadsheet, for the user chosen (SYS-8)"""
        sfx = self.suffix
        self.open_menu(page, '系统管理', '使用者权限一览表')
        tab = self.tab(page)
        self.search(page, f'帐号: zhaomin{sfx}')
        row = self.row(tab, f'赵敏{sfx}')
        expect(row).to_contain_text(f'客户资料{sfx}')
        self.screenshot(page, 'overview')
        # the report's lines: 赵敏's account, the renamed program, its right
        expected = [f'zhaomin{sfx}', f'赵敏{sfx}', f'客户资料{sfx}', 'CRM-2']

        pdf = self.overview_report(page, '打印', '.pdf')
        self.assertEqual(pdf.read_bytes()[:5], b'%PDF-')
        text = subprocess.run(
            ['pdftotext', '-layout', str(pdf), '-'], check=True,
            capture_output=True, text=True).stdout
        for word in ['使用者权限一览表', '查询', *expected]:
            self.assertIn(word, text)
        # 刘洋 got 赵敏's rights by the copy, he was not asked for
        self.assertNotIn('liuyang', text)

        ods = self.overview_report(page, '导出电子表格', '.ods')
        header, *lines = spreadsheet_rows(ods)
        line, = [r for r in lines if f'zhaomin{sfx}' in r]
        for word in expected:
            self.assertIn(word, line)
        # the read right granted in 五, and only it
        marks = dict(zip(header, line))
        self.assertEqual(
            [right for right, mark in marks.items() if mark == '\u2713'],
            ['查询'])

    def overview_report(self, page, button, extension):
        """打印使用者权限一览表 for 赵敏 only, the wizard's button, the file
        sao downloads, kept in var/artifacts/journey-admin/"""
        dialog = self.open_wizard(
            page, '系统管理', '使用者权限一览表', '打印使用者权限一览表')
        self.add_to(dialog, '使用者', f'赵敏{self.suffix}')
        self.screenshot(page, f'overview-{extension[1:]}-asked')
        # LibreOffice converts the PDF: the first conversion starts it
        with page.expect_download(timeout=300000) as download:
            self.button(dialog, button).click()
        self.wait_idle(page)
        self.assertTrue(download.value.suggested_filename.endswith(extension))
        path = self.folder / f'{self._testMethodName}-overview{extension}'
        download.value.save_as(path)
        self.screenshot(page, f'overview-{extension[1:]}-downloaded')
        self.close_downloads(page)
        return path

    def close_downloads(self, page):
        "sao's 下载 dialog, when it is still open after the download"
        for dialog in page.locator('.modal-dialog:visible').all():
            dialog.locator('.modal-footer button').last.click()
        expect(page.locator('.modal-dialog:visible')).to_have_count(0)


def spreadsheet_rows(path):
    "The rows of the first sheet of an ODS file, each a list of its texts"
    namespace = {
        'table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
        'text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
        }
    with zipfile.ZipFile(path) as ods:
        if ods.read('mimetype') != ODS_MIME:
            raise ValueError(f"{path} is not a spreadsheet")
        content = etree.fromstring(ods.read('content.xml'))
    table = content.find('.//table:table', namespace)
    rows = []
    for row in table.iterfind('.//table:table-row', namespace):
        cells = []
        for cell in row.iterfind('table:table-cell', namespace):
            cells.append(''.join(
                    ''.join(p.itertext())
                    for p in cell.iterfind('text:p', namespace)))
        rows.append(cells)
    return rows
