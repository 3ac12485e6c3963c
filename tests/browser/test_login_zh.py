"""The login of the web client speaks Chinese even in a browser set to
English (issue 12 item 3, ERP-8 登陆与导航, SYS-4): the login dialog, the
password prompt the server sends ("Password for …"), the link to reset a
forgotten password, and the prompt for a new password after the
administrator set one."""
import os
import unittest

from playwright.sync_api import expect

from hopu_cli import demo, paths

from ..support import Client
from .journey import ask_password, chromium, demo_server, new_page
from .test_web_client import DESKTOP


class LoginChineseTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.name = f'hopu_test_login_zh_{os.getpid()}'
        cls.url = demo_server(cls.name, cls.addClassCleanup)
        cls.browser = chromium(cls.addClassCleanup)

    def open_page(self):
        "A browser set to English"
        page = new_page(self.browser, DESKTOP, locale='en-US')
        self.addCleanup(page.context.close)
        page.goto(self.url + '/')
        return page

    def ask_password(self, page, login):
        dialog = page.locator('.login-dialog')
        expect(dialog.locator('label[for=database]')).to_have_text('数据库')
        expect(dialog.locator('label[for=login]')).to_have_text('用户名')
        return ask_password(page, self.name, login)

    def test_password_prompt_in_chinese(self):
        "ERP-8: 王芳's browser is English, the login speaks Chinese"
        page = self.open_page()
        ask = self.ask_password(page, 'wangfang')
        expect(ask.locator('label[for=ask-dialog-entry]')).to_have_text(
            'wangfang 的密码')
        expect(ask.locator('.modal-footer')).to_contain_text('忘记密码？重置')
        expect(ask.locator('.modal-footer')).to_contain_text('确定')
        for english in ['Password for', 'forgotten', 'Cancel']:
            expect(ask).not_to_contain_text(english)
        page.screenshot(path=str(paths.ARTIFACTS / 'login-zh-password.png'))
        page.fill('#ask-dialog-entry', demo.DEMO_PASSWORD)
        page.click('.ask-dialog .btn-primary')
        expect(page.locator('#menu')).to_contain_text('客户管理')

    def test_new_password_prompt_in_chinese(self):
        "SYS-4 ERP-8: after the administrator set it, the user is asked in "
        "Chinese for a new password"
        admin = Client(self.url, self.name)
        admin.login('admin', demo.ADMIN_PASSWORD)
        user, = admin.model(
            'res.user', 'search', [('login', '=', 'liuyang')], 0, 1, None)
        session, _, _ = admin.call(
            'wizard.hopu.user.password.set.create', admin.context)
        context = dict(
            admin.context, active_model='res.user', active_id=user,
            active_ids=[user])
        password = 'Hopu-Set-By-Admin-1'
        admin.call(
            'wizard.hopu.user.password.set.execute', session, {
                'start': {
                    'user': user, 'password': password,
                    'confirm': password,
                    }}, 'set_', context)

        page = self.open_page()
        ask = self.ask_password(page, 'liuyang')
        expect(ask.locator('label[for=ask-dialog-entry]')).to_have_text(
            'liuyang 的密码')
        page.fill('#ask-dialog-entry', password)
        page.click('.ask-dialog .btn-primary')
        # the password dialog may still be closing while the next opens:
        # the newest dialog's label
        expect(page.locator('.ask-dialog label[for=ask-dialog-entry]').last
            ).to_contain_text('您的密码由管理员设定')
        page.screenshot(
            path=str(paths.ARTIFACTS / 'login-zh-new-password.png'))
