"""Speed of a salesperson's order list (ERP-2 销售订单, issue 15): 王芳 opens
销售管理 › 销售订单 with 100,000 sale orders of 1 to 5 lines in the
database, on PostgreSQL, against the same rows in plain SQL.

    .venv/bin/python bench/sale_orders.py
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench_sale] [--copies 100] [--orders 100000]
        [--repeat 20] [--runs 1] [--keep]

Creates the database with `hopu setup-db --demo`, scales the CRM demo up
with bench/crm_data.py (scale_demo, as bench/lists.py: every customer …
copied --copies times, 3 copies in 4 owned by 50 salespeople outside the
demo's team), then adds --orders sale orders with plain SQL, spread evenly
over the salespeople who own customers and, for each, over their
customers (the order's salesperson is the customer's, as hopu_sale sets
it): 1 to 5 lines of the demo's materials each; 1 in 10 draft, 1 in 20
quoted and waiting for approval, 1 in 20 approved, 1 in 20 confirmed, 1
in 4 processing, 9 in 20 done, 1 in 20 cancelled, numbered BJ / XS as
hopu_sale numbers them, dated over the last two years (the higher the id
the later), the amounts of the confirmed ones stored as Tryton's sale
stores them (untaxed_amount_cache …), one order in three with the
customer's reference; then VACUUM ANALYZE.

Measures the list request as the web client makes it (common.list_request,
the loop of bench/lists.py and bench/erp_stock.py): 销售管理 › 销售订单 (the
menu entry's action, its domain and order, the tab, the list view and the
fields sao reads for it: every field of the view, the names of the
many2one fields, the labels of the selections, rec_name, _timestamp,
_write, _delete), a search of a page of 80 + the read, with the access
checks and the CRM-2 record rules (王芳 sees her own orders, 张伟 his
team's), in a read-only transaction; against one hand-written SQL
statement returning the same rows and columns in the same order (checked:
the ids, the numbers and names, the customer, the salesperson and the
untaxed amount, summed from the lines while the order is not confirmed),
sampled alternately in the same run. Tabs: 草稿 (the first, as the list
opens) and 全部. Prints for each user and tab the orders the user reaches,
the medians, the ratio ORM / SQL (target: at most 3) and the SQL
statements of the ORM request at 8 and 80 rows (target: equal), then the
median ratio of --runs runs. --keep reuses a filled database and keeps it;
otherwise it is dropped at the end; --statements prints the SQL
statements of each warm ORM request of 80 rows. Not run by `make test`."""
import argparse
import datetime as dt
import statistics
import time

import common
from common import PAGES, SUBTREE, Clock
from lists import employee_name, sql_parameters

MENU = ('sale', 'menu_sale_form')
# (label, tab of act_sale_form: 草稿 is the first, 全部 the last, the
# SQL condition of the tab's domain)
TABS = [("草稿", 0, "s.state = 'draft'"), ("全部", 5, "true")]
USERS = [('wangfang', "王芳 (业务员)"), ('zhangwei', "张伟 (主管)")]
ORDER_MARK = 'BENCH-SALE'

# The order's name as sale's get_rec_name makes it (sale_history's
# revision after the number, the reference in brackets, else the id)
SALE_NAME = '''COALESCE(NULLIF(CONCAT_WS(' ',
        NULLIF(s.number, '') || CASE WHEN s.revision <> 0
            THEN '/' || s.revision ELSE '' END,
        '[' || NULLIF(s.reference, '') || ']'), ''),
    '(' || s.id || ')')'''
# The name of a party (hopu_sysadmin's party_name) and of a location
PARTY_NAME = "COALESCE(NULLIF({p}.name, ''), '[' || {p}.code || ']')"
LOCATION_NAME = '''CASE WHEN {l}.code IS NOT NULL AND {l}.code <> ''
    THEN '[' || {l}.code || '] ' ELSE '' END || COALESCE(
        (SELECT t.value FROM ir_translation t
            WHERE t.name = 'stock.location,name' AND t.res_id = {l}.id
            AND t.lang = %(language)s AND t.type = 'model'
            AND t.value <> '' AND NOT t.fuzzy LIMIT 1), {l}.name)'''

# One statement: the user's orders (the record rules: the user's
# companies, the salesperson in the user's subtree, listed: the ORM keeps
# the subtree in a cache, a recursive subquery here would make PostgreSQL
# scan every order) in the tab, in the
# action's order (sale's _order), the columns of the list: company,
# number, reference, quotation expiry, date, customer, warehouse, untaxed
# amount (stored once confirmed, else the sum of the lines rounded to the
# currency), description, states, to invoice / ship, quotation number,
# salesperson, quotation state, currency and the order's name
QUERY = '''
SELECT s.id, ''' + PARTY_NAME.format(p='cp') + ''', s.number, s.reference,
    s.quotation_date + s.quotation_validity, s.sale_date,
    ''' + PARTY_NAME.format(p='p') + ''',
    ''' + LOCATION_NAME.format(l='w') + ''',
    CASE WHEN s.state IN ('confirmed', 'processing', 'done', 'cancelled')
            AND s.untaxed_amount_cache IS NOT NULL
            AND s.tax_amount_cache IS NOT NULL
            AND s.total_amount_cache IS NOT NULL
        THEN s.untaxed_amount_cache
        ELSE COALESCE((SELECT SUM(ROUND(
                    CAST(l.quantity AS numeric) * l.unit_price,
                    cu.digits))
            FROM sale_line l
            WHERE l.sale = s.id AND l.type = 'line'), 0) END,
    s.description, s.state, s.invoice_state, s.to_invoice,
    s.shipment_state, s.to_ship, s.quotation_number,
    ''' + employee_name('e', 'ep') + ''', s.quotation_state, cu.symbol,
    ''' + SALE_NAME + '''
FROM (SELECT s.* FROM sale_sale s
    WHERE s.company = ANY(%(companies)s)
        AND s.salesperson = ANY(%(subtree)s) AND {tab}
    ORDER BY s.sale_date DESC NULLS FIRST, s.id DESC
    LIMIT %(limit)s) s
JOIN company_company c ON c.id = s.company
JOIN party_party cp ON cp.id = c.party
JOIN party_party p ON p.id = s.party
JOIN currency_currency cu ON cu.id = s.currency
LEFT JOIN stock_location w ON w.id = s.warehouse
LEFT JOIN company_employee e ON e.id = s.salesperson
LEFT JOIN party_party ep ON ep.id = e.party
ORDER BY s.sale_date DESC NULLS FIRST, s.id DESC
'''
# the columns of QUERY compared with the ORM's rows
CHECKED = {2: 'number', 3: 'reference', 5: 'sale_date',
    6: 'party.rec_name', 8: 'untaxed_amount', 10: 'state',
    16: 'salesperson.rec_name', 19: 'rec_name'}


def filled(database):
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT COUNT(*) FROM sale_sale WHERE comment = %s',
            (ORDER_MARK,))
        return cursor.fetchone()[0]


def fill(database, orders):
    """orders sale orders with their lines (plain SQL) over the customers
    owned by a salesperson; return the number of orders, of lines and of
    salespeople"""
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        cursor = transaction.connection.cursor()
        # what the demo's orders have in common: company, currency,
        # warehouse, payment term, methods
        cursor.execute('SELECT company, currency, warehouse, payment_term, '
            'invoice_method, shipment_method FROM sale_sale '
            'ORDER BY id LIMIT 1')
        (company, currency, warehouse, payment_term, invoice_method,
            shipment_method) = cursor.fetchone()
        cursor.execute('SELECT MAX(id) FROM sale_sale')
        last, = cursor.fetchone()
        # the materials the demo sells, with their unit
        cursor.execute('SELECT pp.id, pt.name, COALESCE(pt.sale_uom, '
            'pt.default_uom) FROM product_product pp '
            'JOIN product_template pt ON pt.id = pp.template '
            'WHERE pt.salable AND pp.active ORDER BY pp.id')
        products = cursor.fetchall()
        cursor.execute('''
            CREATE TEMPORARY TABLE bench_customer AS
            SELECT p.id AS party, p.salesperson,
                row_number() OVER (
                    PARTITION BY p.salesperson ORDER BY p.id) AS k,
                count(*) OVER (PARTITION BY p.salesperson) AS n,
                (SELECT a.id FROM party_address a
                    WHERE a.party = p.id AND a.active
                    ORDER BY a.sequence, a.id LIMIT 1) AS address
            FROM party_party p
            JOIN company_employee e ON e.id = p.salesperson
            WHERE p.active AND p.crm_stage IS NOT NULL
                AND e.company = %s''', (company,))
        cursor.execute(
            'CREATE INDEX ON bench_customer (salesperson, k)')
        cursor.execute('''
            CREATE TEMPORARY TABLE bench_salesperson AS
            SELECT salesperson, n,
                row_number() OVER (ORDER BY salesperson) - 1 AS r
            FROM (SELECT DISTINCT salesperson, n FROM bench_customer) s''')
        cursor.execute('SELECT COUNT(*) FROM bench_salesperson')
        salespeople, = cursor.fetchone()
        # the orders: salespeople in turn, each one's customers in turn;
        # the state by tens of orders; the older the lower the id
        cursor.execute('''
            INSERT INTO sale_sale (company, currency, warehouse,
                payment_term, invoice_method, shipment_method, party,
                invoice_address, shipment_address, salesperson, state,
                quotation_state, invoice_state, shipment_state, to_invoice,
                to_ship, quotation_date, sale_date, quotation_number,
                number, reference, description, comment, revision,
                create_uid, create_date)
            SELECT %(company)s, %(currency)s, %(warehouse)s,
                %(payment_term)s, %(invoice_method)s, %(shipment_method)s,
                party, address, address, salesperson, state,
                CASE WHEN state = 'draft' THEN NULL
                    WHEN state = 'quotation' AND b = 2 THEN 'waiting'
                    ELSE 'approved' END,
                CASE state WHEN 'processing' THEN 'pending'
                    WHEN 'done' THEN 'paid' ELSE 'none' END,
                CASE WHEN state = 'processing' AND g %% 2 = 0
                        THEN 'waiting'
                    WHEN state IN ('processing', 'done') THEN 'sent'
                    ELSE 'none' END,
                state = 'processing' AND g %% 2 = 1,
                state = 'processing' AND g %% 2 = 0,
                CASE WHEN state <> 'draft' THEN day - (g %% 10) END,
                CASE WHEN state NOT IN ('draft', 'quotation', 'cancelled')
                    THEN day END,
                CASE WHEN state <> 'draft' THEN 'BJ'
                    || to_char(day - (g %% 10), 'YYYYMM')
                    || lpad(g::text, 6, '0') END,
                CASE WHEN state IN ('quotation', 'cancelled') THEN 'BJ'
                        || to_char(day - (g %% 10), 'YYYYMM')
                        || lpad(g::text, 6, '0')
                    WHEN state <> 'draft' THEN 'XS'
                        || to_char(day, 'YYYYMM')
                        || lpad(g::text, 6, '0') END,
                CASE WHEN g %% 3 = 0 THEN 'PO-' || (100000 + g) END,
                (ARRAY['年度备货', '项目采购', '试点项目', '补货订单',
                    '改造工程'])[1 + g %% 5] || ' ' || g,
                %(mark)s, 0, 0, %(now)s
            FROM (SELECT g, c.party, c.address, c.salesperson,
                    (g / 7) %% 20 AS b,
                    CASE WHEN (g / 7) %% 20 < 2 THEN 'draft'
                        WHEN (g / 7) %% 20 < 4 THEN 'quotation'
                        WHEN (g / 7) %% 20 = 4 THEN 'confirmed'
                        WHEN (g / 7) %% 20 < 10 THEN 'processing'
                        WHEN (g / 7) %% 20 < 19 THEN 'done'
                        ELSE 'cancelled' END AS state,
                    %(today)s::date
                        - ((%(orders)s - g) * 730 / %(orders)s)::int AS day
                FROM generate_series(1, %(orders)s) AS g
                JOIN bench_salesperson sp
                    ON sp.r = g %% %(salespeople)s
                JOIN bench_customer c ON c.salesperson = sp.salesperson
                    AND c.k = 1 + ((g / %(salespeople)s)::bigint * 7919)
                        %% sp.n
                ORDER BY g) AS o''', {
                'company': company, 'currency': currency,
                'warehouse': warehouse, 'payment_term': payment_term,
                'invoice_method': invoice_method,
                'shipment_method': shipment_method,
                'salespeople': salespeople, 'orders': orders,
                'today': dt.date.today(), 'now': dt.datetime.now(),
                'mark': ORDER_MARK})
        # 1 to 5 lines per order: a material of the demo, 1 to 20 units
        # at a price in yuan and fen
        cursor.execute('''
            WITH params AS (
                SELECT %(products)s::int[] AS products,
                    %(names)s::text[] AS names,
                    %(units)s::int[] AS units)
            INSERT INTO sale_line (sale, sequence, type, product,
                description, quantity, unit, unit_price, create_uid,
                create_date)
            SELECT s.id, j, 'line', products[k], names[k],
                1 + (s.id + j) %% 20, units[k],
                ROUND((100 + (s.id * 7 + j * 13) %% 90 * 10
                        + (s.id %% 100) / 100.0)::numeric, 2),
                0, %(now)s
            FROM params, sale_sale s,
                generate_series(1, 1 + (s.id * 31) %% 5) AS j,
                LATERAL (SELECT 1 + (s.id + j * 3) %%
                    array_length(products, 1) AS k) AS pick
            WHERE s.id > %(last)s''', {
                'products': [p for p, _, _ in products],
                'names': [n for _, n, _ in products],
                'units': [u for _, _, u in products],
                'now': dt.datetime.now(), 'last': last})
        # the amounts Tryton's sale stores at 审核 (no tax on the lines)
        cursor.execute('''
            UPDATE sale_sale s SET untaxed_amount_cache = a.amount,
                tax_amount_cache = 0, total_amount_cache = a.amount
            FROM (SELECT l.sale, SUM(ROUND(
                        CAST(l.quantity AS numeric) * l.unit_price, 2))
                    AS amount
                FROM sale_line l WHERE l.sale > %s GROUP BY l.sale) a
            WHERE a.sale = s.id
                AND s.state IN ('confirmed', 'processing', 'done',
                    'cancelled')''', (last,))
        cursor.execute('SELECT COUNT(*) FROM sale_line WHERE sale > %s',
            (last,))
        lines, = cursor.fetchone()
        transaction.commit()
    common.vacuum(database, ['sale_sale', 'sale_line'])
    return orders, lines, salespeople


def measure(database, user_id, tab, where, repeat, clock, show=False):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access

    context, employees = common.user_context(database, user_id)
    model, domain, order, context, fields = common.open_action(
        database, user_id, context, MENU, tab=tab)
    params = dict(sql_parameters(database, user_id, context, employees),
        language=context.get('language') or 'en')
    # the user's subtree, found once as the ORM keeps it (hopu_crm's
    # ir.rule cache): the statement lists the salespeople, as the rule
    with Transaction().start(database, user_id) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(SUBTREE + 'SELECT id FROM subtree ORDER BY id',
            params)
        params['subtree'] = [i for i, in cursor]

    def value(row, name):
        if name.endswith('.rec_name'):
            related = row.get(name[:-len('rec_name')])
            return related['rec_name'] if related else None
        return row[name]

    def check(limit, ids, rows, sql_rows):
        common.same_ids(limit, ids, rows, sql_rows)
        by_id = {r['id']: r for r in rows}
        for sql_row in sql_rows:
            row = by_id[sql_row[0]]
            orm = [value(row, n) for n in CHECKED.values()]
            sql = [sql_row[i] for i in CHECKED]
            assert orm == sql, ("ORM and SQL disagree", row['id'],
                [(n, o, s) for n, o, s in zip(CHECKED.values(), orm, sql)
                    if o != s])

    with Transaction().start(database, user_id, context=context):
        with check_access():
            reach = Pool().get(model).search_count(domain)
    r = common.list_request(database, user_id, context, model, domain,
        order, fields, QUERY.replace('{tab}', where), params, repeat, clock,
        check=check, statements=show)
    return dict(r, reach=reach)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench_sale')
    parser.add_argument('--copies', type=int, default=100)
    parser.add_argument('--orders', type=int, default=100000)
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--runs', type=int, default=1)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it is filled, and keep it")
    parser.add_argument('--statements', action='store_true',
        help="print the SQL statements of each ORM request")
    args = parser.parse_args()

    import crm_data
    common.use_server(args.db)
    from trytond.pool import Pool

    start = time.perf_counter()
    if not args.keep and common.exists(args.name):
        common.drop(args.name)
    if not common.exists(args.name):
        common.setup_database(args.name, args.db, demo=True)
        print(f"database in {time.perf_counter() - start:.0f} s", flush=True)
    Pool(args.name).init()
    if not crm_data.scaled(args.name):
        counts = crm_data.scale_demo(args.name, args.copies)
        print(f"demo scaled ×{args.copies} in "
            f"{time.perf_counter() - start:.0f} s: "
            + ", ".join(f"{t} {n}" for t, n in counts.items()), flush=True)
    if not filled(args.name):
        orders, lines, salespeople = fill(args.name, args.orders)
        print(f"{orders} orders, {lines} lines, {salespeople} salespeople "
            f"in {time.perf_counter() - start:.0f} s", flush=True)
    users = common.user_ids(args.name, [login for login, _ in USERS])
    Pool(args.name).init()

    clock = Clock().install()
    print(f"销售管理 › 销售订单: median of {args.repeat} requests of "
        f"{PAGES[-1]} rows each, ORM and SQL alternately; queries: SQL "
        f"statements of the ORM request at {PAGES[0]} / {PAGES[-1]} rows")
    print(f"{'user':14}{'tab':6}{'reach':>7}{'ORM ms':>8}{'SQL ms':>8}"
        f"{'ratio':>7}{'queries':>10}")
    ratios = {}
    try:
        for run in range(args.runs):
            for login, who in USERS:
                for label, tab, where in TABS:
                    r = measure(args.name, users[login], tab, where,
                        args.repeat, clock, show=args.statements)
                    ratio = r['orm'] / r['sql']
                    ratios.setdefault((who, label), []).append(ratio)
                    flat = ('' if r['queries'][0] == r['queries'][1]
                        else '  NOT FLAT')
                    print(f"{who:14}{label:6}{r['reach']:7d}"
                        f"{r['orm']:8.1f}{r['sql']:8.1f}{ratio:7.2f}"
                        f"{r['queries'][0]:>5} / {r['queries'][1]:<3}{flat}",
                        flush=True)
                    for statement, params in r['statements'] or []:
                        print('   ', ' '.join(str(statement).split())[:600],
                            params)
        for (who, label), values in ratios.items():
            print(f"{who} {label}: median ratio of {args.runs} runs "
                f"{statistics.median(values):.2f} (target: at most 3)")
    finally:
        if not args.keep:
            common.drop(args.name)
            print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
