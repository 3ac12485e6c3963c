"""Web client benchmark (issue 12 item 4): how long a user waits in the
browser for the login and for each main list and form of the demo data.

    .venv/bin/python bench/web_client.py [--db sqlite] [--name hopu_bench_web]
        [--runs 3] [--keep] [--rpc]

Creates the demo database (`hopu setup-db --demo`, a copy of the demo
template: what `make demo` loads; --keep reuses it and keeps it), starts
`hopu serve` on a free port as the browser tests do, and in a headless
Chromium (Playwright, the Debian chromium) for 王芳 (wangfang) and 张伟
(zhangwei), each run in a new
browser profile (empty cache, as at a first visit):

- page: from the address typed to the login dialog ready (sao and its
  files), with an empty cache and then again with the cache of the run;
- login: from 确定 in the password dialog to the menu shown, every call to
  the server answered;
- each main list opened from its menu, first time in the session (as a
  click on the menu entry does), and its first record's form, each up to
  the screen drawn with every call answered.

Prints the median of the runs per step and role, with the targets (list or
form under 2 s, login under 3 s), then with --rpc the calls to the server
of one run: per method the number and the time the server took (time to
first byte) and the static files (count, bytes, how they were served).
Not run by `make test`."""
import argparse
import statistics
import time
from collections import defaultdict

import common  # noqa: F401 (the checkout on sys.path)

from hopu_cli import paths  # noqa: I100

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run']
USERS = [('wangfang', "王芳"), ('zhangwei', "张伟")]
PASSWORD = 'Hopu@2026'
# The menu entries of the main lists (module, XML id), or by the name
LISTS = [
    ('hopu_crm', 'menu_lead_form'),
    ('hopu_crm', 'menu_customer_form'),
    ('hopu_crm', 'menu_daily_report_all'),
    ('hopu_crm', 'menu_contact_record_form'),
    ('hopu_crm_opportunity', 'menu_opportunity_form'),
    ('hopu_contract', 'menu_contract_service_form'),
    ('hopu_contract', 'menu_contract_product_form'),
    # by its name: the module that holds it changes (hopu_approval)
    (None, "待我审批"),
    ('hopu_crm', 'menu_alert_form'),
    ]
LOGIN_TARGET, SCREEN_TARGET = 3000, 2000

# Time to the screen drawn with every call answered: the page's clock when
# the last call ended (idle for 100 ms after)
SETTLED = """async (start) => {
    await new Promise(resolve => {
        let since = null;
        const tick = () => {
            const processing = document.getElementById('processing');
            const busy = (window.jQuery && jQuery.active)
                || (processing && (processing.offsetWidth
                    || processing.offsetHeight));
            if (busy) {
                since = null;
            } else {
                since = since || performance.now();
                if (performance.now() - since > 100) {
                    return resolve();
                }
            }
            setTimeout(tick, 5);
        };
        tick();
    });
    return window.__last_end - start;
}"""
# The end of the last request, by the page's clock
TRACK = """(() => {
    window.__last_end = performance.now();
    const observer = new PerformanceObserver(list => {
        for (const entry of list.getEntries()) {
            window.__last_end = Math.max(window.__last_end,
                entry.responseEnd || entry.startTime + entry.duration);
        }
    });
    observer.observe({type: 'resource', buffered: true});
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function(...args) {
        this.addEventListener('loadend',
            () => { window.__last_end = performance.now(); });
        return open.apply(this, args);
    };
})();"""


def menu_ids(url, database):
    "The zh_CN name → id of the menu entry of each list"
    from tests.support import Client
    client = Client(url, database)
    client.login('admin', 'admin')
    ids = {}
    for module, name in LISTS:
        if module:
            found = [client.model('ir.model.data', 'get_id', module, name)]
        else:
            found = client.model('ir.ui.menu', 'search',
                [('name', '=', name)], 0, 1, None)
        if found:
            menu, = client.model('ir.ui.menu', 'read', found, ['name'])
            ids[menu['name']] = menu['id']
    return ids


class Run:
    "One browser profile: page, login, then every list and form"

    def __init__(self, browser, url, database, login, menus, rpc):
        self.context = browser.new_context(
            viewport={'width': 1366, 'height': 900}, locale='zh-CN')
        self.context.add_init_script(TRACK)
        self.page = self.context.new_page()
        self.url, self.database, self.login = url, database, login
        self.menus = menus
        self.rpc = rpc
        self.errors = []
        self.page.on('pageerror', lambda e: self.errors.append(str(e)))
        if rpc is not None:
            self.page.on('requestfinished', self.record)

    def record(self, request):
        timing = request.timing
        if request.resource_type in {'xhr', 'fetch'}:
            try:
                method = request.post_data_json.get('method', '?')
            except Exception:
                method = request.url
            self.rpc['calls'][method].append(
                timing['responseStart'] - timing['requestStart'])
        else:
            response = request.response()
            headers = response.all_headers() if response else {}
            size = request.sizes()['responseBodySize']
            self.rpc['static'].append((request.url, size,
                    headers.get('cache-control', ''),
                    headers.get('content-encoding', ''),
                    response.status if response else 0,
                    timing['responseEnd']))

    def now(self):
        return self.page.evaluate('performance.now()')

    def settle(self, start):
        return self.page.evaluate(SETTLED, start)

    def load(self):
        "The login dialog ready, from the address typed (ms)"
        start = time.perf_counter()
        self.page.goto(self.url + '/')
        self.page.wait_for_function(
            "() => document.querySelector('.login-dialog select#database')"
            "?.options.length"
            " || document.querySelector('.login-dialog input#database')"
            "?.value")
        return (time.perf_counter() - start) * 1000

    def sign_in(self):
        page = self.page
        selector = page.locator('.login-dialog select#database')
        if selector.is_visible():
            selector.select_option(self.database)
        page.fill('.login-dialog input#login', self.login)
        page.click('.login-dialog button[type=submit]')
        page.fill('#ask-dialog-entry', PASSWORD)
        start = self.now()
        page.click('.ask-dialog .btn-primary')
        page.locator('#menu .column-char').first.wait_for()
        return self.settle(start)

    def open_list(self, menu):
        start = self.now()
        self.page.evaluate("""async (id) => {
            const actions = await Sao.rpc({
                method: 'model.ir.action.keyword.get_keyword',
                params: ['tree_open', ['ir.ui.menu', id], {}]},
                Sao.Session.current_session);
            await Sao.Action.exec_action(
                actions[0], {model: 'ir.ui.menu', id: id}, null);
        }""", menu)
        return self.settle(start)

    def open_form(self):
        "The first record's form, as a double click on the row"
        count = self.page.evaluate(
            "Sao.Tab.tabs.get_current().screen.group.length")
        if not count:
            return None
        start = self.now()
        self.page.evaluate("""() => {
            const screen = Sao.Tab.tabs.get_current().screen;
            screen.current_record = screen.group[0];
            return screen.switch_view('form');
        }""")
        return self.settle(start)

    def close_tab(self):
        self.page.evaluate("""() => Sao.Tab.tabs.get_current().close()""")
        self.settle(self.now())

    def close(self):
        self.context.close()


def measure(browser, url, database, runs, rpc_log):
    menus = menu_ids(url, database)
    timings = defaultdict(list)
    for login, _ in USERS:
        for n in range(runs):
            rpc = ({'calls': defaultdict(list), 'static': []}
                if rpc_log is not None and n == runs - 1 else None)
            run = Run(browser, url, database, login, menus, rpc)
            try:
                timings[login, "页面 (空缓存)"].append(run.load())
                timings[login, "页面 (有缓存)"].append(run.load())
                timings[login, "登录"].append(run.sign_in())
                for label, menu in menus.items():
                    timings[login, label].append(run.open_list(menu))
                    form = run.open_form()
                    if form is not None:
                        timings[login, label + " 表单"].append(form)
                    run.close_tab()
                if run.errors:
                    print(f"{login}: page errors {run.errors}")
            finally:
                run.close()
            if rpc is not None:
                rpc_log[login] = rpc
    return timings


def report(timings):
    steps = list(dict.fromkeys(step for _, step in timings))
    print(f"{'step':24}" + "".join(
            f"{name + ' ms':>12}" for _, name in USERS) + "  target")
    worst = {}
    for step in steps:
        line = f"{step:24}"
        for login, _ in USERS:
            values = timings.get((login, step))
            value = statistics.median(values) if values else None
            line += f"{value:12.0f}" if value is not None else f"{'-':>12}"
            worst[step] = max(worst.get(step, 0), value or 0)
        target = (LOGIN_TARGET if step == "登录" else None
            if step.startswith("页面") else SCREEN_TARGET)
        if target:
            met = 'ok' if worst[step] < target else 'MISSED'
            line += f"  < {target} {met}"
        print(line)


def report_rpc(rpc_log):
    for login, rpc in rpc_log.items():
        print(f"\n{login}: calls to the server in one run "
            "(method, count, server ms: total, max)")
        calls = sorted(rpc['calls'].items(), key=lambda i: -sum(i[1]))
        for method, times in calls:
            print(f"  {method:52} {len(times):4d} {sum(times):8.0f} "
                f"{max(times):7.0f}")
        static = rpc['static']
        print(f"{login}: {len(static)} static files, "
            f"{sum(max(s[1], 0) for s in static) / 1024:.0f} KiB transferred")
        for url, size, cache, encoding, status, end in static[:40]:
            print(f"  {status} {size:8d} {encoding or '-':6} "
                f"{cache or '-':28} {url.split('/', 3)[-1][:60]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default='sqlite')
    parser.add_argument('--name', default='hopu_bench_web')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it exists, and keep it")
    parser.add_argument('--rpc', action='store_true',
        help="print the calls and files of one run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.support import drop_database, hopu, running_server

    (paths.VAR / 'test-logs').mkdir(parents=True, exist_ok=True)
    reuse = args.keep and hopu('load-demo', args.name, '--db', args.db,
        check=False).returncode == 0
    if not reuse:
        drop_database(args.name, args.db)
        hopu('setup-db', args.name, '--db', args.db, '--demo')
    rpc_log = {} if args.rpc else None
    try:
        with running_server(args.db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                timings = measure(
                    browser, url, args.name, args.runs, rpc_log)
            finally:
                browser.close()
    finally:
        if not args.keep:
            drop_database(args.name, args.db)
    print(f"median of {args.runs} runs, each in a new browser profile "
        f"({args.db})")
    report(timings)
    if rpc_log:
        report_rpc(rpc_log)


if __name__ == '__main__':
    main()
