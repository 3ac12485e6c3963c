"""The real web client (sao) in a headless Debian Chromium (issue 2, ERP-8
登陆与导航): log in through the database selector as the demo
administrator in zh_CN, open a Hopu menu, on a desk and on a phone.
Screenshots are kept in var/artifacts/."""
import os
import unittest

from playwright.sync_api import expect

from hopu_cli import demo, paths

from .journey import PHONE, chromium, demo_server, log_in, new_page

DESKTOP = {'width': 1366, 'height': 768}


class WebClientTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.name = f'hopu_test_browser_{os.getpid()}'
        cls.url = demo_server(cls.name, cls.addClassCleanup)
        cls.browser = chromium(cls.addClassCleanup)

    def open_page(self, viewport, **kwargs):
        page = new_page(self.browser, viewport, **kwargs)
        self.addCleanup(page.context.close)
        page.goto(self.url + '/')
        return page

    def login(self, page, login, password, menu='系统管理'):
        "The login dialog: database selector, login, then the password"
        dialog = page.locator('.login-dialog')
        expect(dialog.locator('label[for=database]')).to_have_text('数据库')
        log_in(page, self.name, login, password)
        expect(page.locator('#menu')).to_contain_text(menu)

    def open_menu(self, page, *names):
        for name in names:
            page.locator('#menu .column-char', has_text=name).first.click()

    def screenshot(self, page, name):
        path = paths.ARTIFACTS / f'{name}.png'
        page.screenshot(path=str(path))
        self.assertGreater(path.stat().st_size, 10000)

    def test_desktop_login_and_company_tree(self):
        "SYS-1 ERP-8: admin logs in (zh_CN) and opens 公司或部门设定"
        page = self.open_page(DESKTOP)
        self.login(page, 'admin', demo.ADMIN_PASSWORD)
        menu = page.locator('#menu')
        for root in ['系统管理', '客户管理', '合同管理']:
            expect(menu).to_contain_text(root)
        expect(page.locator('#title')).to_have_text('皓普 ERP-CRM')
        self.open_menu(page, '系统管理', '公司或部门设定')
        tab = page.locator('#tabcontent .tab-pane.active')
        expect(tab).to_contain_text(demo.HEAD_COMPANY)
        expect(page.locator('#tablist')).to_contain_text('公司或部门设定')
        self.screenshot(page, 'desktop-company-tree')

    def test_main_menu_order(self):
        """ERP-8 登陆与导航: the main menu by module, in the manuals' order
        (系统管理, 客户管理, 合同管理, then 销售管理, 库存管理, 财务管理)"""
        page = self.open_page(DESKTOP)
        self.login(page, 'admin', demo.ADMIN_PASSWORD)
        # nothing expanded yet: the rows are the main menu
        roots = page.locator('#menu .column-char')
        expect(roots.first).to_have_text('系统管理')
        names = [n.strip() for n in roots.all_inner_texts()]
        order = ['系统管理', '客户管理', '合同管理', '销售管理', '库存管理',
            '财务管理']
        self.assertEqual([n for n in names if n in order], order)

    def test_favorite_on_phone(self):
        """ERP-8: 王芳 marks 客户信息 as a favourite on her phone and opens
        it again from the favourites (收藏夹) of another session"""
        page = self.open_page(PHONE, is_mobile=True, has_touch=True)
        self.login(page, 'wangfang', demo.DEMO_PASSWORD, menu='客户管理')
        page.locator('#menu .column-char', has_text='客户管理').first.click()
        row = page.locator('#menu tr', has_text='客户信息').first
        # the star at the end of the entry
        star = row.locator('td:last-child img')
        expect(star).to_be_visible()
        star.click()
        self.screenshot(page, 'phone-favorite-marked')

        page = self.open_page(PHONE, is_mobile=True, has_touch=True)
        self.login(page, 'wangfang', demo.DEMO_PASSWORD, menu='客户管理')
        # on a phone the favourites are behind the button of the navbar
        page.locator('.navbar-toggle').first.click()
        page.locator('#user-favorites button').click()
        entry = page.locator('#user-favorites .dropdown-menu a',
            has_text='客户信息')
        expect(entry).to_be_visible()
        self.screenshot(page, 'phone-favorites')
        entry.click()
        tab = page.locator('#tabcontent .tab-pane.active')
        expect(tab).to_contain_text('广州市天河区星辰贸易有限公司')

    def test_phone_login_and_company_tree(self):
        "ERP-8: the same on a 390×844 phone screen"
        page = self.open_page(PHONE, is_mobile=True, has_touch=True)
        self.login(page, 'admin', demo.ADMIN_PASSWORD)
        self.open_menu(page, '系统管理', '公司或部门设定')
        tab = page.locator('#tabcontent .tab-pane.active')
        expect(tab).to_contain_text(demo.HEAD_COMPANY)
        self.screenshot(page, 'phone-company-tree')

    def test_salesperson_customer_list(self):
        "CRM-1 CRM-2: 王芳 opens 客户信息 and sees her customers with owner"
        page = self.open_page(DESKTOP)
        self.login(page, 'wangfang', demo.DEMO_PASSWORD, menu='客户管理')
        self.open_menu(page, '客户管理', '客户信息')
        tab = page.locator('#tabcontent .tab-pane.active')
        expect(tab.locator('th')).to_contain_text(['业务员', '编号(赠送代码)'])
        row = tab.locator('tr', has_text='广州市天河区星辰贸易有限公司')
        expect(row).to_contain_text('王芳')
        expect(row).to_contain_text(demo.SALESPERSON_CODES['wangfang'])
        expect(tab).not_to_contain_text('东莞市长安镇鑫达模具有限公司')
        self.screenshot(page, 'desktop-salesperson-customers')
        # 全部: what the rules let her reach, her own and the pool (公海),
        # not her colleague 刘洋's
        tab.locator('.nav-tabs a', has_text='全部').click()
        expect(tab).to_contain_text('惠州市仲恺高新区创新科技有限公司')
        expect(tab).to_contain_text('广州市天河区星辰贸易有限公司')
        expect(tab).not_to_contain_text('东莞市长安镇鑫达模具有限公司')
