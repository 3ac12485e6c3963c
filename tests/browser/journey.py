"""What the browser tests share: the demo database of the run's backend
(tests/support.py backend_uri(), HOPU_TEST_BACKEND) served by a server,
Debian's Chromium, sao's login dialog (demo_server(), chromium(),
new_page(), log_in() — every file of tests/browser/ sets up with them);
and for the manual journeys (JourneyTestCase) the steps a user takes in
sao: log in through the login dialog, open a menu, click 新建 / 保存, fill
a field by its label, click a form button. Every step is screenshotted; a
page error or a console error fails the test."""
import os
import re
import unittest

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from hopu_cli import paths

from ..support import backend_uri, drop_database, hopu, running_server

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run']
DESKTOP = {'width': 1366, 'height': 900}
PHONE = {'width': 390, 'height': 844}
TAB = '#tabcontent > .tab-pane.active'
# sao's login dialog offers a selector when the server lists several
# databases, an entry holding the name when there is one
LOGIN_READY = (
    "() => document.querySelector('.login-dialog select#database')"
    "?.options.length"
    " || document.querySelector('.login-dialog input#database')?.value")
expect.set_options(timeout=30000)


def demo_server(name, add_cleanup, db_uri=None, databases=()):
    """A fresh demo database `name` (a copy of the demo template, `hopu
    setup-db NAME --demo`: what `make demo` loads) on db_uri (the
    run's backend by default) and a server of the web client for it; both
    go with add_cleanup (a test class's addClassCleanup, or
    unittest.addModuleCleanup). The server's URL."""
    db_uri = db_uri or backend_uri()
    (paths.VAR / 'test-logs').mkdir(parents=True, exist_ok=True)
    paths.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    drop_database(name, db_uri)
    add_cleanup(drop_database, name, db_uri)
    hopu('setup-db', name, '--db', db_uri, '--demo')
    server = running_server(db_uri, databases)
    url = server.__enter__()
    add_cleanup(server.__exit__, None, None, None)
    return url


def chromium(add_cleanup):
    "Debian's headless Chromium, closed with add_cleanup"
    playwright = sync_playwright().start()
    add_cleanup(playwright.stop)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    add_cleanup(browser.close)
    return browser


def new_page(browser, viewport=DESKTOP, locale='zh-CN', timeout=30000,
        **kwargs):
    """A page in a browser window of its own (a user at a desk, or with
    viewport=PHONE, is_mobile=True, a phone); closing it is the caller's
    (page.context.close())"""
    context = browser.new_context(
        viewport=viewport, locale=locale, **kwargs)
    page = context.new_page()
    page.set_default_timeout(timeout)
    return page


def choose_database(page, name):
    "The login dialog's database: chosen in the selector, or the only one"
    page.wait_for_function(LOGIN_READY)
    selector = page.locator('.login-dialog select#database')
    if selector.is_visible():
        selector.select_option(name)
    else:
        expect(page.locator('.login-dialog input#database')).to_have_value(
            name)


def ask_password(page, name, login):
    "The login dialog up to sao's prompt for the password, which it returns"
    choose_database(page, name)
    page.fill('.login-dialog input#login', login)
    page.click('.login-dialog button[type=submit]')
    return page.locator('.ask-dialog').filter(
        has=page.locator('#ask-dialog-entry'))


def log_in(page, name, login, password):
    "The login dialog: database, 用户名, then the password"
    ask_password(page, name, login)
    page.fill('#ask-dialog-entry', password)
    page.click('.ask-dialog .btn-primary')


class JourneyTestCase(unittest.TestCase):
    "A fresh demo database served to Chromium, one per test class"
    artifacts = 'journey'

    @classmethod
    def setUpClass(cls):
        cls.db_uri = backend_uri()
        cls.name = f'hopu_test_{cls.artifacts.replace("-", "_")}_{os.getpid()}'
        cls.url = demo_server(cls.name, cls.addClassCleanup, cls.db_uri)
        cls.browser = chromium(cls.addClassCleanup)
        cls.folder = paths.ARTIFACTS / cls.artifacts
        cls.folder.mkdir(parents=True, exist_ok=True)

    def setUp(self):
        self.errors = []
        self.pending = {}
        self.pages = []
        self.step = 0

    def tearDown(self):
        for i, page in enumerate(self.pages):
            # where the journey ended, for a failure's diagnosis
            if not page.is_closed():
                page.screenshot(path=str(
                        self.folder / f'{self._testMethodName}-last-{i}.png'))
        self.assertEqual(self.errors, [], msg="page or console errors")

    # the browser

    def open_page(self, viewport=DESKTOP, **kwargs):
        """A browser window (a phone: viewport=PHONE, is_mobile=True,
        has_touch=True); its page and console errors fail the test"""
        page = new_page(
            self.browser, viewport, accept_downloads=True, **kwargs)
        self.addCleanup(page.context.close)
        self.pages.append(page)
        self.pending[page] = 0

        def count(request, step):
            if request.resource_type in {'xhr', 'fetch'}:
                self.pending[page] += step
        page.on('request', lambda r: count(r, 1))
        page.on('requestfinished', lambda r: count(r, -1))
        page.on('requestfailed', lambda r: count(r, -1))
        page.on('pageerror', lambda e: self.errors.append(f'page: {e}'))
        page.on('console', lambda m: m.type == 'error' and self.errors.append(
                f'console: {m.text}'))
        page.goto(self.url + '/')
        return page

    def screenshot(self, page, name):
        "The step, as the user sees it, in var/artifacts/<journey>/"
        self.wait_idle(page)
        self.step += 1
        path = self.folder / (
            f'{self._testMethodName}-{self.step:02d}-{name}.png')
        page.screenshot(path=str(path))
        self.assertGreater(path.stat().st_size, 5000)

    def wait_idle(self, page, timeout=60000):
        "Until no call to the server has been running for a moment"
        quiet, waited = 0, 0
        while quiet < 3:
            page.wait_for_timeout(100)
            waited += 100
            quiet = 0 if self.pending.get(page) else quiet + 1
            self.assertLess(waited, timeout, msg="the server did not answer")

    # login, logout

    def select_database(self, page, name=None):
        choose_database(page, name or self.name)

    def database_options(self, page):
        page.wait_for_function(LOGIN_READY)
        selector = page.locator('.login-dialog select#database')
        if selector.is_visible():
            return selector.locator('option').all_inner_texts()
        return [page.locator('.login-dialog input#database').input_value()]

    def login(self, page, login, password, new_password=None, menu=None):
        """The login dialog: database, 用户名, then 密码 (and the new
        password when the administrator set the old one)"""
        log_in(page, self.name, login, password)
        if new_password:
            ask = page.locator('.ask-dialog')
            expect(ask).to_be_visible()
            self.screenshot(page, f'{login}-new-password')
            page.fill('#ask-dialog-entry', new_password)
            page.click('.ask-dialog .btn-primary')
        expect(page.locator('#menu .column-char').first).to_be_visible()
        if menu:
            expect(page.locator('#menu')).to_contain_text(menu)
        self.wait_idle(page)

    def logout(self, page):
        page.locator('#user-preferences, .navbar a.dropdown-toggle',
            has=page.locator('.icon')).first.click()
        page.locator('#user-logout').click()
        expect(page.locator('.login-dialog')).to_be_visible()

    # menus and tabs

    def menu_entry(self, page, name):
        return page.locator('#menu .column-char').filter(
            has_text=re.compile(f'^{re.escape(name)}$')).first

    def _menu_path(self, page, names):
        "Unfold the menu down to the last entry and click it"
        for name, child in zip(names, names[1:]):
            if not self.menu_entry(page, child).is_visible():
                entry = page.locator('.column-char').filter(
                    has_text=re.compile(f'^{re.escape(name)}$'))
                page.locator('#menu tr').filter(has=entry).first.locator(
                    '.expander').click()
            expect(self.menu_entry(page, child)).to_be_visible()
        self.menu_entry(page, names[-1]).click()
        self.wait_idle(page)

    def close_tabs(self, page):
        "Close the screens open (sao would show an open one again)"
        closes = page.locator('#tablist li .close')
        while closes.count():
            closes.first.click()
            self.wait_idle(page)

    def open_menu(self, page, *names):
        "Unfold the menu, the last entry opens its screen"
        self.close_tabs(page)
        self._menu_path(page, names)
        expect(page.locator('#tablist li.active')).to_contain_text(names[-1])

    def open_wizard(self, page, *names):
        "Unfold the menu, the last entry runs its wizard (a dialog)"
        self._menu_path(page, names)
        dialog = self.dialog(page)
        expect(dialog).to_be_visible()
        return dialog

    def tab(self, page):
        return page.locator(TAB)

    def toolbar(self, page, title):
        "A button of the active tab's toolbar: 新建, 保存, 切换 …"
        return self.tab(page).locator(
            f'.toolbar button[title="{title}"]').first

    def new(self, page):
        self.toolbar(page, '新建').click()
        self.wait_idle(page)

    def save(self, page):
        self.toolbar(page, '保存').click()
        self.wait_idle(page)
        expect(self.toolbar(page, '保存')).to_be_disabled()
        self.close_messages(page, '记录保存成功')

    def close_messages(self, page, text=None):
        "Close the messages of the info bar (they cover the toolbar)"
        alerts = page.locator('.infobar .alert:visible')
        if text:
            expect(alerts.filter(has_text=text)).to_have_count(1)
        for alert in alerts.all():
            alert.locator('button.close').click()
        expect(alerts).to_have_count(0)

    def reload(self, page):
        "刷新/撤销: what the others did meanwhile"
        self.tab(page).locator('.toolbar button#reload').click()
        self.wait_idle(page)

    def switch(self, page):
        self.toolbar(page, '切换').click()
        self.wait_idle(page)

    # forms

    def _label(self, scope, label):
        text = re.compile(f'^{re.escape(label)}[:：]?$')
        return scope.locator('label[for]:visible').filter(has_text=text).first

    def widget(self, scope, label):
        "The input of a form field, found by its label as the user reads it"
        target = self._label(scope, label).get_attribute('for')
        return scope.locator(f'[id="{target}"]:visible')

    def fill(self, scope, label, value):
        entry = self.widget(scope, label)
        entry.fill(str(value))
        entry.press('Tab')
        self.wait_idle(scope.page)

    def fill_date(self, scope, label, value):
        "Dates are typed as the user's language shows them"
        self.fill(scope, label, value.strftime('%Y-%m-%d'))

    def select(self, scope, label, text):
        entry = self.widget(scope, label)
        entry.select_option(label=text)
        self.wait_idle(scope.page)

    def choose(self, scope, label, text, entry=None):
        """A many2one: type the name and pick it from the completion (or
        the search dialog when several match)"""
        page = scope.page
        if entry is None:
            entry = self.widget(scope, label)
        entry.fill(text)
        widget = entry.locator('xpath=..')
        item = widget.locator(
            '.dropdown-completion li:visible', has_text=text).first
        try:
            item.wait_for(timeout=5000)
        except PlaywrightTimeout:
            # no completion: the search, as the Tab key asks it
            entry.press('Tab')
            self.wait_idle(page)
            dialog = self.dialog(page)
            if dialog.locator('.modal-title, .modal-header').filter(
                    has_text='搜索').count():
                dialog.locator('tbody tr', has_text=text).first.click()
                dialog.locator('.modal-footer button.btn-primary').click()
                self.wait_idle(page)
        else:
            item.click()
            self.wait_idle(page)
        expect(entry).to_have_value(re.compile(re.escape(text)))

    def add_to(self, scope, label, text):
        """A many2many list (公司, 目标使用者 …): type the name in its entry
        and pick it"""
        page = scope.page
        widget = scope.locator('.form-many2many').filter(
            has=page.locator('.form-many2many-string', has_text=label)).first
        entry = widget.locator('.form-many2many-toolbar input').first
        item = widget.locator(
            '.dropdown-completion li:visible', has_text=text).first
        entry.fill(text)
        self.wait_idle(page)
        try:
            item.wait_for(timeout=5000)
        except PlaywrightTimeout:
            # the text was filled before the widget listened (a wizard's
            # form still loading): typed again key by key, as a user would
            entry.fill('')
            entry.press_sequentially(text, delay=50)
            self.wait_idle(page)
        item.click()
        self.wait_idle(page)
        expect(widget.locator('tbody')).to_contain_text(text)

    def close_dialog(self, page):
        "The dialog's 关闭 / 确定 (the download dialog …)"
        dialog = self.dialog(page)
        dialog.locator('.modal-footer button').last.click()
        expect(dialog).to_be_hidden()

    def button(self, scope, text):
        "A button of the form: 提交审批, 审批通过 …"
        return scope.locator('button:visible', has_text=re.compile(
                f'^\\s*{re.escape(text)}\\s*$')).first

    def click(self, scope, text, timeout=60000):
        self.button(scope, text).click()
        self.wait_idle(scope.page, timeout=timeout)

    def page_tab(self, scope, name):
        "A tab of the form's notebook"
        scope.locator('.nav-tabs a', has_text=name).first.click()

    def search(self, page, text):
        "筛选: the search box of the list"
        entry = self.tab(page).locator('input[placeholder="查找"]').first
        entry.fill(text)
        entry.press('Enter')
        self.wait_idle(page)

    def dialog(self, page):
        return page.locator('.modal-dialog:visible').last

    def row(self, scope, text):
        return scope.locator('tbody tr', has_text=text).first

    def open_row(self, page, text):
        "Double-click the line (not on a link, which opens the record)"
        cells = self.row(self.tab(page), text).locator(
            'td:visible:not(.selection-state):not(.optional)').filter(
            has_not=page.locator('a'))
        cells.first.click()
        self.wait_idle(page)
        self.switch(page)
        expect(self.tab(page).locator('.form-container, .form').first
            ).to_be_visible()
