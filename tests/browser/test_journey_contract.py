"""「CRM操作手册(销售版)」 第二部分 合同 in the browser, each step as the role
that does it (CON-1 … CON-4): 王芳 enters a new service contract with its
销售计提 split and a product sales contract and submits them; her
supervisors 张伟 and 陈刚 approve from 待我审批 and she follows the
审批流.
Screenshots in var/artifacts/journey-admin/."""
import datetime as dt
import re

from playwright.sync_api import expect

from hopu_cli import demo

from .journey import JourneyTestCase

CUSTOMER = '深圳市福田区华信电子有限公司'


class ContractJourneyTestCase(JourneyTestCase):
    "合同: from the salesperson's entry to the approvers and the orders"
    artifacts = 'journey-admin'
    suffix = ''

    def test_contract_journey(self):
        "CON-1 … CON-4: the manual's part 2, step by step"
        wangfang = self.open_page()
        self.login(wangfang, 'wangfang', demo.DEMO_PASSWORD, menu='合同管理')
        service = self.service_contract(wangfang)
        self.submit(wangfang)
        self.screenshot(wangfang, 'service-submitted')
        # 120 000: the supervisors up to level 2 approve, 张伟 then 陈刚
        self.approve('zhangwei', service)
        self.approve('chengang', service)
        self.follow_flow(wangfang, '新服务合同', service, ['张伟', '陈刚'])

        product = self.product_contract(wangfang)
        self.submit(wangfang)
        self.approve('zhangwei', product)
        self.follow_flow(wangfang, '产品销售合同', product, ['张伟'])

    # 王芳's steps

    def lines(self, page, name):
        "The editable list of a form (明细, 销售计提): 新建 adds a line"
        tab = self.tab(page)
        widget = tab.locator('.form-one2many').filter(
            has=page.locator('.form-one2many-string', has_text=name)).first
        return widget

    def new_line(self, page, widget):
        widget.locator('.form-one2many-menu button[title="新建"]').first.click()
        self.wait_idle(page)
        return widget.locator('tbody tr.selected').last

    def cell(self, line, title, value):
        "A cell of the line being edited: click it, type, Tab"
        td = line.locator(f'td[data-title^="{title}"]')
        td.click()
        entry = td.locator('input:visible').first
        entry.fill(str(value))
        entry.press('Tab')
        self.wait_idle(line.page)

    def cell_choose(self, line, title, text):
        td = line.locator(f'td[data-title^="{title}"]')
        td.click()
        self.choose(line, None, text, entry=td.locator('input:visible').first)

    def service_contract(self, page):
        """一. 新服务合同 under an existing customer; 二. its 销售计提: 王芳
        60 %, 刘洋 40 % (CON-1, CON-2)"""
        self.open_menu(page, '合同管理', '新服务合同')
        tab = self.tab(page)
        self.screenshot(page, 'service-list')
        self.new(page)
        self.choose(tab, '客户', CUSTOMER)
        expect(self.widget(tab, '业务员')).to_have_value(re.compile('王芳'))
        self.fill_date(tab, '签约日期', dt.date(2026, 3, 1))
        self.fill_date(tab, '开始日期', dt.date(2026, 4, 1))
        self.fill_date(tab, '结束日期', dt.date(2027, 3, 31))
        self.fill(tab, '合同金额', '120000')
        self.fill(tab, '付款条件', '签约后付50%,验收后付50%')
        line = self.new_line(page, self.lines(page, '明细'))
        self.cell(line, '说明', '年度运维服务')
        self.cell(line, '数量', '1')
        self.cell(line, '单价', '120000')
        self.screenshot(page, 'service-filled')
        self.page_tab(tab, '销售计提')
        commissions = self.lines(page, '销售计提')
        for salesperson, share in [('王芳', '60'), ('刘洋', '40')]:
            line = self.new_line(page, commissions)
            self.cell_choose(line, '业务员', salesperson)
            self.cell(line, '分配比例', share)
            self.cell(line, '计提比例', '5')
        self.screenshot(page, 'service-commission')
        self.save(page)
        expect(commissions).to_contain_text('72,000.00')
        expect(commissions).to_contain_text('48,000.00')
        self.screenshot(page, 'service-saved')
        return self.widget(tab, '合同编号').input_value()

    def product_contract(self, page):
        "三. 产品销售合同 under the existing customer (CON-3)"
        self.open_menu(page, '合同管理', '产品销售合同')
        tab = self.tab(page)
        self.new(page)
        self.choose(tab, '客户', CUSTOMER)
        self.fill(tab, '合同金额', '60000')
        self.fill_date(tab, '开始日期', dt.date(2026, 4, 1))
        self.fill_date(tab, '结束日期', dt.date(2027, 3, 31))
        line = self.new_line(page, self.lines(page, '明细'))
        self.cell_choose(line, '产品', '皓普服务器 H100')
        self.cell(line, '数量', '2')
        self.cell(line, '单价', '30000')
        self.fill(tab, '交货条款', '签约后30日内送货')
        self.page_tab(tab, '销售计提')
        line = self.new_line(page, self.lines(page, '销售计提'))
        self.cell_choose(line, '业务员', '王芳')
        self.cell(line, '分配比例', '100')
        self.cell(line, '计提比例', '3')
        self.screenshot(page, 'product-filled')
        self.save(page)
        self.screenshot(page, 'product-saved')
        return self.widget(tab, '合同编号').input_value()

    def submit(self, page):
        "三. 合同的提交审批 (CON-4)"
        tab = self.tab(page)
        self.click(tab, '提交审批')
        expect(self.widget(tab, '状态')).to_have_value(
            re.compile('submitted|审批中|已提交'))

    def follow_flow(self, page, menu, number, approvers):
        "查看审批流: every step, who and the result (CON-4)"
        self.open_menu(page, '合同管理', menu)
        self.open_row(page, number)
        tab = self.tab(page)
        self.reload(page)
        self.page_tab(tab, '审批流')
        flow = self.lines(page, '审批流')
        for approver in approvers:
            expect(flow).to_contain_text(approver)
        expect(self.widget(tab, '状态')).to_have_value(
            re.compile('approved|已生效|生效'))
        self.screenshot(page, f'flow-{number}')

    # the approvers

    def approve(self, login, number):
        "待我审批: the approver opens the step, writes 审批意见, 审批通过"
        page = self.open_page()
        self.login(page, login, demo.DEMO_PASSWORD, menu='合同管理')
        self.open_menu(page, '合同管理', '待我审批')
        self.screenshot(page, f'{login}-inbox')
        self.open_row(page, number)
        tab = self.tab(page)
        self.fill(tab, '审批意见', '同意')
        self.screenshot(page, f'{login}-approving')
        self.click(tab, '审批通过')
        self.screenshot(page, f'{login}-approved')
        page.context.close()
