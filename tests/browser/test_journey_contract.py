"""「CRM操作手册(销售版)」 第二部分 合同 in the browser, each step as the role
that does it (CON-1 … CON-8): 王芳 enters a new service contract with its
销售计提 split and a product sales contract and submits them; her
supervisors 张伟 and 陈刚 approve from 待我审批 and she follows the
审批流. Then 四. 合同变更单 (the service contract changes once 张伟 approves)
and 合同终止单 (the product sales contract is terminated), 五. 续约 of the
contract about to expire and 六. 合同关闭 of it.
Every step's screen is checked for page and console errors and for English
words; screenshots in var/artifacts/journey-contract/."""
import datetime as dt
import re

from playwright.sync_api import expect

from hopu_cli import demo

from .journey import TAB, JourneyTestCase
from .test_every_screen import english_words

CUSTOMER = '深圳市福田区华信电子有限公司'
# the demo's service contract ending in 20 days (CRM-32/CON-7)
EXPIRING = '苏州恒达精密机械有限公司'
# the words on screen, as the every-screen walk reads them: the visible
# text, the selected option of a selection, the placeholders
SCREEN_TEXTS = """() => {
    const shown = el => !!(el.offsetWidth || el.offsetHeight
        || el.getClientRects().length)
        && getComputedStyle(el).visibility != 'hidden';
    const texts = [];
    const walker = document.createTreeWalker(
        document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const parent = node.parentElement;
        const text = node.textContent.trim();
        if (text && parent && !['SCRIPT', 'STYLE', 'OPTION'].includes(
                parent.tagName) && shown(parent)) {
            texts.push(text);
        }
    }
    for (const el of document.querySelectorAll(
            'select, input[placeholder], textarea[placeholder]')) {
        if (!shown(el)) {
            continue;
        }
        if (el.tagName == 'SELECT') {
            if (el.selectedOptions.length) {
                texts.push(el.selectedOptions[0].textContent.trim());
            }
        } else {
            texts.push(el.placeholder);
        }
    }
    return texts;
}"""


class ContractJourneyTestCase(JourneyTestCase):
    "合同: from the salesperson's entry to the approvers and the orders"
    artifacts = 'journey-contract'
    suffix = ''

    def screenshot(self, page, name):
        "The step as the user sees it, in Chinese (issue 12 item 3)"
        super().screenshot(page, name)
        english = sorted({text for text in page.evaluate(SCREEN_TEXTS)
                if english_words(text)})
        self.assertEqual(english, [], msg=f"English on the screen {name}")

    def test_contract_journey(self):
        "CON-1 … CON-8: the manual's part 2, step by step"
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

        # 四. 合同发生终止和变更的操作: the change order, approved by 张伟
        # (the demo's rule: the salesperson's supervisor)
        self.change_order(wangfang, service)
        self.approve('zhangwei', service, document='合同变更单')
        self.changed_contract(wangfang, service)
        # the termination order of the product sales contract
        self.termination_order(wangfang, product)
        self.approve('zhangwei', product, document='合同终止单')
        self.terminated_contract(wangfang, product)

        # 五. 续约 of the contract about to expire, 六. 合同关闭 of it
        expiring = self.renewal(wangfang)
        self.closing(wangfang, expiring)

    def shows(self, scope, label, text):
        "A selection shows the option the user reads"
        expect(self.widget(scope, label).locator('option:checked')
            ).to_have_text(text)

    def ready(self, page):
        """The new record's form shows its defaults and has the cursor
        (sao shows the defaults, then moves the cursor into the form: a
        text typed in a many2one before is lost when it leaves)"""
        self.shows(self.tab(page), '状态', '草稿')
        page.wait_for_function(
            f"() => document.querySelector('{TAB} .form')"
            "?.contains(document.activeElement)")

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
        self.shows(tab, '状态', '待审批')

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
        self.shows(tab, '状态', '已生效')
        self.screenshot(page, f'flow-{number}')

    def edit_line(self, widget, text):
        """A line already in the list: a click selects it, the next click
        on a cell edits that cell"""
        line = self.row(widget, text)
        line.locator('td[data-title^="说明"]').click()
        self.wait_idle(widget.page)
        return line

    def open_contract(self, page, menu, number):
        "The contract as it is now, from its menu"
        self.open_menu(page, '合同管理', menu)
        self.open_row(page, number)
        self.reload(page)
        return self.tab(page)

    def change_order(self, page, number):
        """四. 合同变更单: from the menu, 新建, the contract; the order
        comes with the contract's values; 王芳 extends it by three months
        at 132 000 and submits it (CON-5)"""
        self.open_menu(page, '合同管理', '合同变更单')
        tab = self.tab(page)
        self.screenshot(page, 'change-list')
        self.new(page)
        self.ready(page)
        self.choose(tab, '合同', number)
        # the contract's values, its lines and its commission accrual
        expect(self.widget(tab, '合同金额')).to_have_value('120,000.00')
        expect(self.widget(tab, '结束日期')).to_have_value('2027-03-31')
        expect(self.widget(tab, '业务员')).to_have_value(re.compile('王芳'))
        lines = self.lines(page, '明细')
        expect(lines.locator('tbody')).to_contain_text('年度运维服务')
        expect(lines.locator('tbody')).to_contain_text('120,000.00')
        self.screenshot(page, 'change-new')
        self.fill(tab, '变更原因', '客户增加服务范围,合同延长三个月')
        self.fill_date(tab, '结束日期', dt.date(2027, 6, 30))
        # the line's new price; the amount follows the lines
        line = self.edit_line(lines, '年度运维服务')
        self.cell(line, '单价', '132000')
        expect(self.widget(tab, '合同金额')).to_have_value('132,000.00')
        self.page_tab(tab, '销售计提')
        commissions = self.lines(page, '销售计提')
        expect(commissions.locator('tbody')).to_contain_text('王芳')
        expect(commissions.locator('tbody')).to_contain_text('刘洋')
        self.screenshot(page, 'change-filled')
        self.save(page)
        self.page_tab(tab, '变更内容')
        # the page's text: what changes, before → after
        diff = tab.locator('.tab-pane.active textarea:visible').last
        expect(diff).to_have_value(re.compile(
                '合同金额: 120000.00 → 132000.00'))
        expect(diff).to_have_value(re.compile(
                '结束日期: 2027-03-31 → 2027-06-30'))
        self.screenshot(page, 'change-diff')
        self.click(tab, '提交审批')
        self.shows(tab, '状态', '待审批')
        self.page_tab(tab, '审批流')
        expect(self.lines(page, '审批流')).to_contain_text('张伟')
        self.screenshot(page, 'change-submitted')

    def changed_contract(self, page, number):
        """The approved change order: the contract has its new values, its
        version 2; version 1 keeps the old ones (CON-5)"""
        self.open_menu(page, '合同管理', '合同变更单')
        self.open_row(page, number)
        tab = self.tab(page)
        self.reload(page)
        self.shows(tab, '状态', '已通过')
        self.page_tab(tab, '审批流')
        expect(self.lines(page, '审批流')).to_contain_text('张伟')
        self.screenshot(page, 'change-approved')

        tab = self.open_contract(page, '新服务合同', number)
        self.shows(tab, '状态', '已生效')
        expect(self.widget(tab, '合同金额')).to_have_value('132,000.00')
        expect(self.widget(tab, '结束日期')).to_have_value('2027-06-30')
        expect(self.widget(tab, '版本')).to_have_value('2')
        expect(self.lines(page, '明细').locator('tbody')).to_contain_text(
            '132,000.00')
        self.screenshot(page, 'changed-contract')
        # the commission accrual on the new amount: 60 % and 40 %
        self.page_tab(tab, '销售计提')
        commissions = self.lines(page, '销售计提')
        expect(commissions).to_contain_text('79,200.00')
        expect(commissions).to_contain_text('52,800.00')
        self.screenshot(page, 'changed-commission')
        # before and after: the change order, the old version
        self.page_tab(tab, '变更与版本')
        expect(self.lines(page, '合同变更单')).to_contain_text('已通过')
        versions = self.lines(page, '历史版本')
        expect(versions).to_contain_text('120,000.00')
        expect(versions).to_contain_text('2027-03-31')
        self.screenshot(page, 'changed-versions')

    def termination_order(self, page, number):
        """四. 合同终止单: from the menu, 新建, the contract, the date, the
        settlement and why; submitted (CON-6)"""
        self.open_menu(page, '合同管理', '合同终止单')
        tab = self.tab(page)
        self.screenshot(page, 'termination-list')
        self.new(page)
        self.ready(page)
        self.choose(tab, '合同', number)
        self.fill_date(tab, '生效日期', dt.date(2026, 12, 31))
        self.fill(tab, '结算/退款金额', '-15000')
        self.fill(tab, '终止原因', '客户经营调整,第二台服务器不再采购,退还部分货款')
        self.screenshot(page, 'termination-filled')
        self.save(page)
        expect(self.widget(tab, '结算/退款金额')).to_have_value('-15,000.00')
        self.click(tab, '提交审批')
        self.shows(tab, '状态', '待审批')
        expect(self.lines(page, '审批流')).to_contain_text('张伟')
        self.screenshot(page, 'termination-submitted')

    def terminated_contract(self, page, number):
        "The approved termination order: the contract is terminated"
        self.open_menu(page, '合同管理', '合同终止单')
        self.open_row(page, number)
        tab = self.tab(page)
        self.reload(page)
        self.shows(tab, '状态', '已通过')
        self.screenshot(page, 'termination-approved')

        tab = self.open_contract(page, '产品销售合同', number)
        self.shows(tab, '状态', '已终止')
        # nothing more to do on it: no change, termination nor closing
        for button in ['合同变更单', '合同终止单', '合同关闭']:
            expect(self.button(tab, button)).to_have_count(0)
        expect(self.widget(tab, '合同金额')).not_to_be_editable()
        self.page_tab(tab, '续约与关闭')
        expect(self.widget(tab, '终止日期')).to_have_value('2026-12-31')
        self.screenshot(page, 'terminated-contract')
        self.page_tab(tab, '变更与版本')
        # the last list of the page: scrolled to, as the user does
        terminations = self.lines(page, '合同终止单')
        terminations.scroll_into_view_if_needed()
        expect(terminations).to_contain_text('已通过')
        expect(terminations).to_contain_text('-15,000.00')
        self.screenshot(page, 'terminated-orders')

    def renewal(self, page):
        """五. 续约: 即将到期合同 lists the contract ending soon; 续约 makes
        the new contract, its values copied, the dates following on, linked
        to the old one (CON-7)"""
        self.open_menu(page, '合同管理', '即将到期合同')
        self.screenshot(page, 'expiring-list')
        tab = self.tab(page)
        row = self.row(tab, EXPIRING)
        expect(row).to_contain_text('已生效')
        self.open_row(page, EXPIRING)
        number = self.widget(tab, '合同编号').input_value()
        end = dt.date.fromisoformat(self.widget(tab, '结束日期').input_value())
        start = dt.date.fromisoformat(
            self.widget(tab, '开始日期').input_value())
        self.screenshot(page, 'expiring-contract')
        self.click(tab, '续约')
        # the renewal opens in a tab of its own
        expect(page.locator('#tablist li')).to_have_count(2)
        expect(page.locator('#tablist li.active')).to_contain_text(
            f'合同 ({number})')
        self.wait_idle(page)
        tab = self.tab(page)
        self.shows(tab, '状态', '草稿')
        renewal = self.widget(tab, '合同编号').input_value()
        self.assertNotEqual(renewal, number)
        expect(self.widget(tab, '客户')).to_have_value(EXPIRING)
        expect(self.widget(tab, '合同金额')).to_have_value('24,000.00')
        renewal_start = end + dt.timedelta(days=1)
        expect(self.widget(tab, '开始日期')).to_have_value(
            renewal_start.isoformat())
        expect(self.widget(tab, '结束日期')).to_have_value(
            (renewal_start + (end - start)).isoformat())
        self.page_tab(tab, '续约与关闭')
        expect(self.widget(tab, '续约自')).to_have_value(number)
        self.screenshot(page, 'renewal')
        # the old contract names its renewal
        tab = self.open_contract(page, '即将到期合同', number)
        self.page_tab(tab, '续约与关闭')
        expect(self.lines(page, '续约合同')).to_contain_text(renewal)
        self.screenshot(page, 'renewed-contract')
        return number

    def closing(self, page, number):
        """六. 合同关闭: the contract at its end is closed with a reason;
        read-only from then on, no longer about to expire (CON-8)"""
        tab = self.open_contract(page, '即将到期合同', number)
        self.page_tab(tab, '续约与关闭')
        self.fill(tab, '关闭原因', '合同到期,服务已完成,已续约')
        self.screenshot(page, 'closing')
        self.click(tab, '合同关闭')
        self.shows(tab, '状态', '已关闭')
        expect(self.widget(tab, '关闭日期')).not_to_have_value('')
        expect(self.widget(tab, '关闭原因')).not_to_be_editable()
        expect(self.widget(tab, '合同金额')).not_to_be_editable()
        for button in ['合同变更单', '合同终止单', '合同关闭']:
            expect(self.button(tab, button)).to_have_count(0)
        self.screenshot(page, 'closed')
        self.open_menu(page, '合同管理', '即将到期合同')
        expect(self.tab(page).locator('tbody')).not_to_contain_text(number)
        self.screenshot(page, 'expiring-after-closing')

    # the approvers

    def approve(self, login, number, document='合同'):
        """待我审批: the approver opens the step of the document, writes
        审批意见, 审批通过"""
        page = self.open_page()
        self.login(page, login, demo.DEMO_PASSWORD, menu='合同管理')
        self.open_menu(page, '合同管理', '待我审批')
        self.screenshot(page, f'{login}-inbox')
        tab = self.tab(page)
        # the inbox's 单据类型 and 单据 columns, side by side
        expect(self.row(tab, number)).to_contain_text(
            re.compile(re.escape(document) + r'\s*' + re.escape(number)))
        self.open_row(page, number)
        self.fill(tab, '审批意见', '同意')
        self.screenshot(page, f'{login}-approving')
        self.click(tab, '审批通过')
        self.screenshot(page, f'{login}-approved')
        page.context.close()
