"""The journeys of 「CRM操作手册(销售版)」 part 1 in the real web client (sao)
in a headless Debian Chromium, each as the role that does it (issue 12
item 2): the salesperson's customer life from a cold visit to the demotion
of an existing customer, what the supervisor and the other salesperson
see, and a daily report filed from a phone.

The database is the demo database of the run's backend (SQLite, or
PostgreSQL with HOPU_TEST_BACKEND=postgresql). Screenshots of each step are
kept in var/artifacts/journey-crm/. Any page error or console error fails
the test."""
import datetime
import os
import re
import unittest

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from hopu_cli import demo, paths

from ..support import Client
from .journey import DESKTOP, PHONE, chromium, demo_server, log_in, new_page

ARTIFACTS = paths.ARTIFACTS / 'journey-crm'

COLD_VISIT_COMPANY = '深圳市南山区云帆网络科技有限公司'
NEW_CUSTOMER = '广州市海珠区新锐广告有限公司'

# sao answers within seconds on this machine; a shared CI runner is slower
expect.set_options(timeout=20000)


_shared = {}


def setUpModule():
    """One demo database, server and browser for every journey (the demo
    data takes minutes to load)"""
    name = f'hopu_test_journey_crm_{os.getpid()}'
    url = demo_server(name, unittest.addModuleCleanup, databases=[name])
    browser = chromium(unittest.addModuleCleanup)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _shared.update(name=name, url=url, browser=browser)


class CRMJourneyTestCase(unittest.TestCase):
    "What every CRM journey needs: the demo database, a server, a browser"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.name = _shared['name']
        cls.url = _shared['url']
        cls.browser = _shared['browser']

    # The browser

    def open_page(self, viewport=DESKTOP, **kwargs):
        "A new browser window; its page and console errors fail the test"
        page = new_page(self.browser, viewport, timeout=20000, **kwargs)
        context = page.context
        errors = []
        page.on('pageerror', lambda error: errors.append(str(error)))
        page.on('console', lambda message: (
                errors.append(message.text) if message.type == 'error'
                else None))

        def close():
            context.close()
            self.assertEqual(errors, [], "page or console errors")
        self.addCleanup(close)
        page.goto(self.url + '/')
        return page

    def login(self, page, login, password=demo.DEMO_PASSWORD):
        "The login dialog: database, login, then the password"
        log_in(page, self.name, login, password)
        expect(page.locator('#menu')).to_contain_text('客户管理')

    def open_menu(self, page, *names):
        """Open a screen of the menu: the folders in turn (left open when
        they are), then the screen's entry, which opens it in a tab; the
        tabs of the steps before are closed first"""
        self.close_tabs(page)
        menu = page.locator('#menu')
        if not menu.is_visible():
            # On a phone the menu hides behind the button of the title
            page.locator('#main_navbar .navbar-brand').first.click()
            expect(menu).to_be_visible()
        entries = menu.locator('.column-char')
        for folder, following in zip(names, names[1:]):
            shown = entries.get_by_text(following, exact=True)
            if shown.count() > (folder == following):
                continue
            entries.get_by_text(folder, exact=True).first.click()
            expect(shown).to_have_count(1 + (folder == following))
        entries.get_by_text(names[-1], exact=True).last.click()
        expect(page.locator('#tablist li.active a > span[title]')
            ).to_have_attribute('title', re.compile(
                ' / ' + re.escape(names[-1]) + '$'))
        self.wait_idle(page)

    def close_tabs(self, page):
        "Close every tab (what is saved stays)"
        tabs = page.locator('#tablist li')
        for count in range(tabs.count(), 0, -1):
            tabs.first.locator('button.close').click()
            expect(tabs).to_have_count(count - 1)
        self.wait_idle(page)

    def tab(self, page):
        return page.locator('#tabcontent > .tab-pane.active')

    def wait_idle(self, page):
        "Wait until sao has its answers (no request to the server left)"
        page.wait_for_function("() => window.jQuery && jQuery.active == 0")
        page.wait_for_timeout(200)
        page.wait_for_function("() => jQuery.active == 0")

    def toolbar(self, page, title):
        "A button of the active tab's toolbar by its title (新建, 保存 …)"
        return self.tab(page).locator(
            f'.navbar-right button[title="{title}"]').first

    def press(self, page, title):
        "Click a toolbar button and wait for sao to be done"
        self.toolbar(page, title).click()
        self.wait_idle(page)

    def button(self, page, title):
        "A button of the active tab's form by its text"
        return self.tab(page).locator(
            f'.form button[title="{title}"]:visible').first

    def dialog(self, page):
        return page.locator('.modal.in:visible').last

    def field(self, scope, name):
        return scope.locator(
            f'[name="{name}"]:is(input, select, textarea):visible').first

    def fill(self, scope, **values):
        """Type text into the fields named (input or textarea), then leave
        each as a user does, once sao has taken it"""
        for name, value in values.items():
            field = self.field(scope, name)
            for _ in range(3):
                field.fill(value)
                field.press('Tab')
                self.wait_idle(scope.page)
                # sao redrawing the form may wipe what was typed meanwhile
                if field.input_value() == value:
                    break
            self.assertEqual(field.input_value(), value, name)

    def select(self, scope, **labels):
        "Choose the shown value of selection fields"
        for name, label in labels.items():
            self.field(scope, name).select_option(label=label)

    def choose(self, page, scope, name, text, search=None):
        """A many2one: type a part of the name (search) and pick it in the
        completion list"""
        item = page.locator('.dropdown-menu:visible li', has_text=text).first
        for _ in range(3):
            # What is typed while sao still draws a new record is lost
            self.field(scope, name).fill(search or text)
            try:
                item.wait_for(timeout=5000)
                break
            except PlaywrightTimeoutError:
                continue
        item.click()
        self.wait_idle(page)
        self.assertIn(text, self.field(scope, name).input_value())

    def value(self, scope, name):
        "The shown value of a field (the label of a selection)"
        widget = self.field(scope, name)
        if widget.evaluate('e => e.tagName') == 'SELECT':
            return widget.evaluate(
                'e => e.selectedIndex < 0 ? "" '
                ': e.options[e.selectedIndex].text')
        return widget.input_value()

    def assertValue(self, scope, name, expected, contains=False):
        "The field shows the value (sao may still be drawing it)"
        for _ in range(100):
            shown = self.value(scope, name)
            if (expected in shown) if contains else (shown == expected):
                return
            scope.page.wait_for_timeout(200)
        if contains:
            self.assertIn(expected, shown, name)
        else:
            self.assertEqual(shown, expected, name)

    def row(self, scope, text):
        "The visible list row holding the text"
        return scope.locator('.treeview tbody tr:visible', has_text=text)

    def open_row(self, page, text):
        "Double-click a list row (on its text) to open its form"
        cell = self.row(self.tab(page), text).first.locator(
            'td', has_text=text).first
        form = self.tab(page).locator('.form:visible')
        # On a touch screen a tap opens the record: a double-click would
        # tap the form that opened with its second click
        cell.click()
        self.wait_idle(page)
        for _ in range(3):
            if form.count():
                break
            # A double-click while the list is redrawn does not open it
            cell.dblclick()
            self.wait_idle(page)
        expect(form.first).to_be_visible()

    def relate(self, page, name):
        "相关行动: a related list of the record shown"
        button = self.toolbar(page, '打开关联记录')
        if button.is_visible():
            button.click()
        else:
            # On a phone it is in the menu of the screen's title
            title = self.tab(page).locator('a.navbar-brand.dropdown-toggle')
            expect(title).to_be_visible()
            title.click()
            page.locator('.dropdown-menu:visible a', has_text='关联').click()
        page.locator('.dropdown-menu:visible li').get_by_text(
            name, exact=True).first.click()
        expect(page.locator('#tablist li.active')).to_contain_text(name)
        self.wait_idle(page)

    def save(self, page):
        "保存 in the toolbar; sao says 「记录保存成功」"
        self.press(page, '保存')
        expect(self.tab(page)).to_contain_text('记录保存成功')
        self.wait_idle(page)

    def screenshot(self, page, name):
        self.wait_idle(page)
        path = ARTIFACTS / f'{name}.png'
        page.screenshot(path=str(path))
        self.assertGreater(path.stat().st_size, 10000)

    # The server, to prepare what a journey starts from

    @classmethod
    def rpc(cls, login, password=demo.DEMO_PASSWORD):
        "A JSON-RPC client of the server, logged in as the user"
        client = Client(cls.url, cls.name)
        client.login(login, password)
        return client


class SalespersonJourneyTestCase(CRMJourneyTestCase):
    "「CRM操作手册(销售版)」 第一部分 客户, step by step, as 王芳"

    def test_customer_life(self):
        """CRM-10 … CRM-18: cold visit → potential customer with contacts →
        daily report with CALL CARD → second report by 「保存并复制」 →
        跟进阶段 → existing customer with the contacts → new contact →
        existing-customer report → back to potential"""
        page = self.open_page()
        self.login(page, 'wangfang')
        self.cold_visit(page)
        self.potential_customer(page)
        self.first_daily_report(page)
        self.second_daily_report(page)
        self.follow_up_stage(page)
        self.convert(page)
        self.new_contact(page)
        self.existing_customer_report(page)
        self.demote(page)

    def cold_visit(self, page):
        "陌拜客户信息录入: 【所有拜访日报】 → 【新建】 → 陌生拜访"
        self.open_menu(page, '客户管理', '所有拜访日报')
        self.press(page, '新建')
        form = self.tab(page)
        self.assertValue(form, 'kind', '陌生拜访')
        self.fill(form,
            visited_company=COLD_VISIT_COMPANY,
            address='深圳市南山区科技园科苑路15号',
            person_met='赵磊',
            person_phone='13800138000',
            content='陌生拜访,介绍皓普ERP-CRM。',
            result='赵总对客户管理有兴趣,留下名片。',
            next_step='一周内电话回访,约演示。')
        self.screenshot(page, '01-cold-visit')
        self.save(page)
        # The cold visit becomes a potential customer without retyping
        self.button(page, '转为潜在客户').click()
        expect(page.locator('#tablist li.active')).to_contain_text(
            '潜在客户&跟进客户')
        self.wait_idle(page)
        form = self.tab(page)
        self.assertValue(form, 'name', COLD_VISIT_COMPANY)
        self.assertValue(form, 'crm_stage', '潜在客户')
        self.assertValue(form, 'crm_source', '陌生拜访')
        self.assertValue(form, 'crm_address', '深圳市南山区科技园科苑路15号')
        expect(self.row(form, '赵磊')).to_have_count(1)
        self.screenshot(page, '02-potential-customer-from-cold-visit')

    def potential_customer(self, page):
        """潜在客户信息录入 and 潜在客户联系人录入: the lead's data, then
        【联系人:潜在客户】 → 【新建】"""
        form = self.tab(page)
        self.fill(form, crm_industry='互联网和相关服务', crm_region='深圳')
        self.select(form, crm_size='21-100人')
        self.save(page)
        self.assertValue(form, 'crm_industry', '互联网和相关服务')
        self.assertValue(form, 'crm_region', '深圳')
        self.assertValue(form, 'crm_size', '21-100人')
        form.locator('.nav-tabs a:visible', has_text='联系人').click()
        contacts = form.locator('.form-one2many:visible').first
        contacts.locator('button[title="新建"]').click()
        dialog = self.dialog(page)
        self.fill(dialog, name='孙丽', title='采购经理', department='采购部',
            mobile='13912345678', email='sunli@yunfan.example.com')
        self.screenshot(page, '03-new-contact')
        dialog.locator('.modal-footer button.btn-primary').click()
        expect(self.row(form, '孙丽')).to_have_count(1)
        self.save(page)
        expect(self.row(form, '赵磊')).to_have_count(1)
        self.screenshot(page, '04-potential-customer-contacts')

    def first_daily_report(self, page):
        """潜在客户日报填写: 相关行动 → 潜在客户&跟进客户日报 → 新建; the
        CALL CARD chosen, 【保存并退出】"""
        self.relate(page, '潜在客户&跟进客户日报')
        self.press(page, '新建')
        form = self.tab(page)
        self.assertValue(form, 'customer', COLD_VISIT_COMPANY, contains=True)
        self.assertValue(form, 'customer_stage', '潜在客户')
        self.choose(page, form, 'contact', '孙丽')
        self.select(form, visit_type='拜访', purpose='需求了解')
        self.fill(form,
            content='上门拜访孙经理,了解采购和客户管理现状。',
            feedback='希望统一管理客户和日报。',
            next_plan='准备方案,下次演示。')
        self.field(form, 'next_date').fill(
            str(datetime.date.today() + datetime.timedelta(days=7)))
        self.screenshot(page, '05-daily-report-call-card')
        self.button(page, '保存并退出').click()
        expect(page.locator('#tablist li.active')).not_to_contain_text(
            '日报')
        self.wait_idle(page)
        expect(page.locator('.modal.in')).to_have_count(0)

    def second_daily_report(self, page):
        """The second report: choose the first one, 【保存并复制】, the CALL
        CARD comes along, change what differs, 【保存并退出】"""
        self.open_menu(page, '客户管理', '线索', '潜在客户&跟进客户日报')
        reports = self.tab(page)
        first = self.row(reports, COLD_VISIT_COMPANY)
        expect(first).to_have_count(1)
        first.locator('td[data-title^="日期"]').click()
        expect(first).to_have_class(re.compile('selected'))
        self.wait_idle(page)
        first.locator('button[title="保存并复制"]').click()
        expect(page.locator('#tablist li.active')).to_contain_text(
            COLD_VISIT_COMPANY)
        self.wait_idle(page)
        form = self.tab(page)
        self.assertValue(form, 'purpose', '需求了解')
        self.assertValue(form, 'visit_type', '拜访')
        self.assertValue(form, 'contact', '孙丽', contains=True)
        self.assertValue(form, 'feedback', '希望统一管理客户和日报。')
        self.select(form, visit_type='电话', purpose='方案报价')
        self.fill(form, content='电话沟通方案,约定演示时间。')
        self.screenshot(page, '06-second-report-save-and-copy')
        self.button(page, '保存并退出').click()
        expect(page.locator('#tablist li.active')).not_to_contain_text(
            COLD_VISIT_COMPANY)
        self.open_menu(page, '客户管理', '线索', '潜在客户&跟进客户日报')
        self.press(page, '刷新/撤销')
        self.wait_idle(page)
        reports = self.tab(page)
        expect(self.row(reports, COLD_VISIT_COMPANY)).to_have_count(2)
        expect(self.row(reports, COLD_VISIT_COMPANY).filter(
                has_text='方案报价')).to_have_count(1)
        self.screenshot(page, '07-two-reports')

    def follow_up_stage(self, page):
        "修改潜在客户跟进阶段, on the lead's own form"
        self.open_menu(page, '客户管理', '线索', '潜在客户&跟进客户')
        self.open_row(page, COLD_VISIT_COMPANY)
        form = self.tab(page)
        self.choose(page, form, 'crm_follow_up_stage', '需求确认')
        self.save(page)
        self.assertValue(form, 'crm_stage', '跟进客户')
        form.locator('.nav-tabs a:visible', has_text='阶段历史').click()
        expect(self.row(form, '需求确认')).to_have_count(1)
        self.screenshot(page, '08-follow-up-stage')

    def convert(self, page):
        """将跟进客户转化为现有客户, its contacts carried over to the
        existing customer"""
        self.button(page, '转化为现有客户').click()
        dialog = self.dialog(page)
        expect(dialog).to_contain_text('赵磊')
        expect(dialog).to_contain_text('孙丽')
        self.screenshot(page, '09-convert')
        dialog.locator('.modal-footer button', has_text='转化').click()
        expect(page.locator('.modal.in')).to_have_count(0)
        # The existing customer opens, with the contacts of the lead
        expect(page.locator('#tablist li.active')).to_contain_text('现有客户')
        self.wait_idle(page)
        form = self.tab(page)
        self.assertValue(form, 'name', COLD_VISIT_COMPANY)
        self.assertValue(form, 'crm_stage', '现有客户')
        expect(self.row(form, '赵磊')).to_have_count(1)
        expect(self.row(form, '孙丽')).to_have_count(1)
        self.screenshot(page, '10-existing-customer')

    def new_contact(self, page):
        "如现有客户阶段发现新联系人,需在现有客户下新建"
        form = self.tab(page)
        contacts = form.locator('.form-one2many:visible').first
        contacts.locator('button[title="新建"]').click()
        dialog = self.dialog(page)
        self.fill(dialog, name='周强', title='信息部主管', department='信息部',
            mobile='13766554433')
        dialog.locator('.modal-footer button.btn-primary').click()
        self.save(page)
        expect(self.row(form, '周强')).to_have_count(1)
        self.screenshot(page, '11-new-contact-existing-customer')

    def existing_customer_report(self, page):
        "现有客户日报填写: 【现有客户日报】 → 【新建】"
        self.open_menu(page, '客户管理', '现有客户', '现有客户日报')
        self.press(page, '新建')
        form = self.tab(page)
        self.choose(page, form, 'customer', COLD_VISIT_COMPANY, search='云帆')
        self.assertValue(form, 'customer_stage', '现有客户')
        self.choose(page, form, 'contact', '周强')
        self.select(form, visit_type='拜访', purpose='客情维护')
        self.fill(form, content='上线后回访,培训信息部。',
            feedback='使用顺利。', next_plan='季度回访。')
        self.screenshot(page, '12-existing-customer-report')
        self.button(page, '保存并退出').click()
        expect(page.locator('#tablist li')).to_have_count(0)
        self.open_menu(page, '客户管理', '现有客户', '现有客户日报')
        expect(self.row(self.tab(page), COLD_VISIT_COMPANY).filter(
                has_text='客情维护')).to_have_count(1)
        self.screenshot(page, '13-existing-customer-reports')
        self.wait_idle(page)

    def demote(self, page):
        "现有客户变为潜在客户, with the reason"
        self.open_menu(page, '客户管理', '现有客户', '现有客户')
        self.open_row(page, COLD_VISIT_COMPANY)
        self.button(page, '变为潜在客户').click()
        # 「确定」 the confirmation, then the reason
        page.locator('.modal.in:visible .modal-footer button',
            has_text='确定').click()
        dialog = self.dialog(page)
        self.fill(dialog, reason='合同到期未续约。')
        self.screenshot(page, '14-demote')
        dialog.locator('.modal-footer button.btn-primary').click()
        expect(page.locator('.modal.in')).to_have_count(0)
        # Back among the potential customers, its history kept
        expect(page.locator('#tablist li.active')).to_contain_text(
            '潜在客户&跟进客户')
        self.wait_idle(page)
        form = self.tab(page)
        self.assertValue(form, 'name', COLD_VISIT_COMPANY)
        self.assertValue(form, 'crm_stage', '潜在客户')
        form.locator('.nav-tabs a:visible', has_text='阶段历史').click()
        expect(self.row(form, '合同到期未续约。')).to_have_count(1)
        expect(self.row(form, '需求确认').first).to_be_visible()
        self.screenshot(page, '15-demoted')


class SupervisorJourneyTestCase(CRMJourneyTestCase):
    """What the supervisor 张伟 sees of his two salespeople 王芳 and 刘洋,
    and what 刘洋 does not see of 王芳's"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 王芳 enters a new potential customer
        wangfang = cls.rpc('wangfang')
        wangfang.model('party.party', 'create', [{
                    'name': NEW_CUSTOMER,
                    'crm_stage': 'potential',
                    'salesperson': wangfang.context['employee'],
                    'crm_region': '广州',
                    }])

    def customers(self, page):
        "客户信息, tab 全部: every customer the user may see"
        self.open_menu(page, '客户管理', '客户信息')
        tab = self.tab(page)
        tab.locator('.nav-tabs a', has_text='全部').click()
        self.wait_idle(page)
        return tab

    def chart(self, page, menu, *labels):
        "A screen of 报表分析 switched to its chart, which shows the labels"
        self.open_menu(page, '客户管理', '报表分析', menu)
        self.press(page, '切换')
        tab = self.tab(page)
        chart = tab.locator('svg:visible').first
        expect(chart).to_be_visible()
        for label in labels:
            expect(chart).to_contain_text(label)
        return chart

    def test_supervisor(self):
        """CRM-2 CRM-31 CRM-32: 张伟 sees the customers of 王芳 and 刘洋,
        the charts of 报表分析 and the 业务警示 of both"""
        page = self.open_page()
        self.login(page, 'zhangwei')
        customers = self.customers(page)
        for name, salesperson in [
                ('广州市天河区星辰贸易有限公司', '王芳'),
                (NEW_CUSTOMER, '王芳'),
                ('东莞市长安镇鑫达模具有限公司', '刘洋'),
                ]:
            expect(self.row(customers, name)).to_contain_text(salesperson)
        self.screenshot(page, 'supervisor-01-customers')

        self.chart(page, '销售漏斗', '方案报价')
        self.screenshot(page, 'supervisor-02-funnel')
        self.chart(page, '销售统计', '王芳', '刘洋')
        self.screenshot(page, 'supervisor-03-sales')
        self.chart(page, '查看业务员销售跟进情况', '王芳', '刘洋')
        self.screenshot(page, 'supervisor-04-follow-up')

        self.open_menu(page, '客户管理', '业务警示')
        alerts = self.tab(page)
        expect(self.row(alerts, '逾期未拜访')).to_contain_text('刘洋')
        expect(self.row(alerts, '保护期即将到期').first).to_contain_text(
            '王芳')
        expect(self.row(alerts, '合同即将到期').first).to_be_visible()
        self.screenshot(page, 'supervisor-05-alerts')

    def test_other_salesperson(self):
        "CRM-2: 刘洋 does not see the new customer of 王芳"
        page = self.open_page()
        self.login(page, 'liuyang')
        customers = self.customers(page)
        expect(self.row(customers, '东莞市长安镇鑫达模具有限公司')
            ).to_have_count(1)
        expect(self.row(customers, NEW_CUSTOMER)).to_have_count(0)
        expect(self.row(customers, '广州市天河区星辰贸易有限公司')
            ).to_have_count(0)
        self.screenshot(page, 'liuyang-01-customers')
        self.open_menu(page, '客户管理', '线索', '潜在客户&跟进客户')
        leads = self.tab(page)
        leads.locator('.nav-tabs a', has_text='全部').click()
        self.wait_idle(page)
        expect(self.row(leads, '东莞市长安镇鑫达模具有限公司')
            ).to_have_count(1)
        expect(self.row(leads, NEW_CUSTOMER)).to_have_count(0)
        self.screenshot(page, 'liuyang-02-leads')


class PhoneJourneyTestCase(CRMJourneyTestCase):
    "A salesperson on a 390×844 phone"

    def test_daily_report_on_phone(self):
        """CRM-13 ERP-8: 王芳 logs in on her phone, finds her customer and
        files a daily report"""
        page = self.open_page(PHONE, is_mobile=True, has_touch=True)
        self.login(page, 'wangfang')
        self.screenshot(page, 'phone-01-menu')
        self.open_menu(page, '客户管理', '客户信息')
        customers = self.tab(page)
        # On a phone the search hides in the menu of the screen's title
        customers.locator('a.navbar-brand.dropdown-toggle').click()
        page.locator('.dropdown-menu:visible a', has_text='查找').click()
        search = customers.locator('.filter-box input:visible').first
        search.fill('星辰')
        search.press('Enter')
        self.wait_idle(page)
        expect(self.row(customers, '广州市天河区星辰贸易有限公司')
            ).to_have_count(1)
        self.screenshot(page, 'phone-02-customer-found')
        self.open_row(page, '广州市天河区星辰贸易有限公司')
        self.assertValue(
            self.tab(page), 'name', '广州市天河区星辰贸易有限公司')
        self.relate(page, '潜在客户&跟进客户日报')
        self.press(page, '新建')
        form = self.tab(page)
        self.assertValue(
            form, 'customer', '广州市天河区星辰贸易有限公司', contains=True)
        self.select(form, visit_type='电话', purpose='初步接触')
        self.fill(form, content='电话联系,约下周上门拜访。',
            next_plan='下周上门演示。')
        self.screenshot(page, 'phone-03-daily-report')
        self.button(page, '保存并退出').click()
        expect(page.locator('#tablist li.active')).not_to_contain_text(
            '日报')
        self.wait_idle(page)
        wangfang = self.rpc('wangfang')
        reports = wangfang.model('hopu.crm.daily_report', 'search_read', [
                ('customer.name', '=', '广州市天河区星辰贸易有限公司'),
                ('content', '=', '电话联系,约下周上门拜访。'),
                ], 0, None, None, ['visit_type', 'purpose', 'salesperson'])
        self.assertEqual(len(reports), 1)
        self.assertEqual(reports[0]['visit_type'], 'phone')
        self.assertEqual(reports[0]['purpose'], 'first_contact')
        self.assertEqual(
            reports[0]['salesperson'], wangfang.context['employee'])
