"""Speed of 库存查询 (ERP-3 6.1.3, issue 15): the quantities on hand and
forecast of the first 80 materials of one warehouse, with 20,000
materials, 5 warehouses and 1,000,000 stock moves, on PostgreSQL, against
the same figures in plain SQL.

    .venv/bin/python bench/erp_stock.py
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench_erp] [--materials 20000] [--moves 1000000]
        [--repeat 20] [--runs 1] [--keep]

Creates the database with `hopu setup-db --demo` (the ERP master data:
materials numbered by category, 总部仓库 and 上海仓库, the clerk 李强),
adds three warehouses with the ORM, the materials up to --materials and
--moves moves with plain SQL (receipts from suppliers into a warehouse,
deliveries to customers, transfers between warehouses, products and
warehouses spread evenly; of a material's moves 8 in 10 done in the past,
1 assigned, 1 draft planned from two weeks ago to next month or undated),
then VACUUM ANALYZE. Measures the list request of the screen as 李强
opens it (common.list_request): 库存管理 › 库存查询, its action's domain
and order, tab 全部, 上海仓库 in the context form, the fields sao reads
for the list (code, name, quantity, forecast quantity, unit …), with the
access checks; against one hand-written SQL statement returning the same
materials and figures (checked: the quantities as Tryton's stock counts
them), sampled alternately. Prints per run the medians, the ratio
(target: at most 3) and the SQL statements of the ORM request at 8 and
at 80 rows, then the median ratio of --runs runs. --keep reuses a filled
database and keeps it; otherwise it is dropped at the end. Not run by
`make test`."""
import argparse
import datetime as dt
import statistics
import time

import common
from common import PAGES, Clock

NEW_WAREHOUSES = [
    ("北京仓库", 'BJ'), ("广州仓库", 'GZ'), ("成都仓库", 'CD')]
# 库存管理 › 库存查询 as the warehouse clerk of the demo opens it, on its
# tab 全部 (every material; the first, 有库存, searches the quantity)
MENU = ('hopu_stock', 'menu_stock_query')
TAB = 1
CLERK = 'liqiang'

# One statement: the first materials by code, their quantity on hand in
# the warehouse (done moves in or out of its locations, up to today) and
# the forecast (besides, every move from today on: done, assigned —
# reserved today — and draft; none the past drafts), as Tryton's stock
# counts them (stock.move's compute_quantities_query)
QUERY = '''
WITH loc AS (
        SELECT id FROM stock_location
        WHERE "left" >= %(left)s AND "right" <= %(right)s),
    page AS (
        SELECT pp.id, pp.code, pt.name, pt.default_uom
        FROM product_product pp
        JOIN product_template pt ON pt.id = pp.template
        WHERE pp.active AND pt.active AND pt.type = 'goods'
        ORDER BY pp.code, pp.id
        LIMIT %(limit)s),
    moves AS (
        SELECT m.product,
            CASE WHEN m.to_location IN (SELECT id FROM loc)
                THEN m.internal_quantity ELSE -m.internal_quantity END
                AS quantity,
            m.state = 'done' AND COALESCE(
                m.effective_date, m.planned_date) <= %(today)s AS on_hand,
            COALESCE(m.effective_date,
                CASE WHEN m.state = 'assigned' THEN %(today)s END,
                m.planned_date, 'infinity') AS date
        FROM stock_move m
        WHERE m.product IN (SELECT id FROM page)
            AND m.company = %(company)s
            AND (m.to_location IN (SELECT id FROM loc))
                <> (m.from_location IN (SELECT id FROM loc))
            AND m.state IN ('done', 'assigned', 'draft'))
SELECT page.id, page.code, page.name, u.name,
    COALESCE(SUM(moves.quantity) FILTER (WHERE moves.on_hand), 0),
    COALESCE(SUM(moves.quantity) FILTER (
            WHERE moves.on_hand OR moves.date >= %(today)s), 0)
FROM page
JOIN product_uom u ON u.id = page.default_uom
LEFT JOIN moves ON moves.product = page.id
GROUP BY page.id, page.code, page.name, u.name
ORDER BY page.code, page.id
'''


def filled(database):
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM stock_location "
            "WHERE type = 'warehouse'")
        return cursor.fetchone()[0] >= 5


def fill(database, materials, moves):
    """Three more warehouses (ORM), materials up to materials and moves
    done moves (SQL)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        lost_found = ModelData.get_id('stock', 'location_lost_found')
        for name, code in NEW_WAREHOUSES:
            zones = Location.create([
                    {'name': f"{name}{zone}", 'type': 'storage'}
                    for zone in ["收货区", "发货区", "存储区"]])
            warehouse, = Location.create([{
                        'name': name, 'code': code, 'type': 'warehouse',
                        'input_location': zones[0].id,
                        'output_location': zones[1].id,
                        'storage_location': zones[2].id,
                        'lost_found_location': lost_found,
                        }])
            Location.write(zones, {'parent': warehouse.id})
        warehouses = Location.search([('type', '=', 'warehouse')])
        storages = [w.storage_location.id for w in warehouses]
        supplier = ModelData.get_id('stock', 'location_supplier')
        customer = ModelData.get_id('stock', 'location_customer')
        cursor = transaction.connection.cursor()
        # the moves of the clerk's company (Tryton counts those only)
        cursor.execute('SELECT company FROM res_user WHERE login = %s',
            (CLERK,))
        company_id, = cursor.fetchone()
        cursor.execute('SELECT id FROM product_uom WHERE symbol = %s',
            ('u',))
        unit, = cursor.fetchone()
        cursor.execute('SELECT COUNT(*) FROM product_product')
        existing, = cursor.fetchone()
        now = dt.datetime.now()
        # the materials: code 09 + a serial, after the demo's (01 … 03)
        cursor.execute('''
            INSERT INTO product_template (name, type, default_uom,
                code, active, consumable, create_uid, create_date)
            SELECT '物料' || lpad(i::text, 6, '0'), 'goods', %s,
                '09' || lpad(i::text, 6, '0'), true, false, 0, %s
            FROM generate_series(1, %s) AS i''',
            (unit, now, max(materials - existing, 0)))
        cursor.execute('''
            INSERT INTO product_product (template, code, active,
                create_uid, create_date)
            SELECT t.id, t.code, true, 0, %s FROM product_template t
            WHERE NOT EXISTS (
                SELECT 1 FROM product_product p WHERE p.template = t.id)
            ''', (now,))
        cursor.execute('SELECT id FROM product_product ORDER BY id')
        products = [p for p, in cursor]
        # receipts (supplier → a warehouse), deliveries (a warehouse →
        # customer), transfers (a warehouse → the next one), in turn; of
        # the moves of a material, 8 in 10 done in the past, 1 assigned
        # (reserved), 1 draft planned
        # from two weeks ago to next month or without a date, so that the
        # forecast differs from the quantity on hand
        cursor.execute('''
            WITH params AS (
                SELECT %(products)s::int[] AS products,
                    %(storages)s::int[] AS storages),
            serial AS (
                SELECT i, i %% 3 AS kind,
                    CASE (i / 7) %% 10 WHEN 8 THEN 'assigned'
                        WHEN 9 THEN 'draft' ELSE 'done' END AS state,
                    products[1 + (i::bigint * 7919)
                        %% array_length(products, 1)] AS product,
                    storages[1 + (i / 3) %% array_length(storages, 1)]
                        AS here,
                    storages[1 + (i / 3 + 1) %% array_length(storages, 1)]
                        AS there
                FROM params, generate_series(1, %(moves)s) AS i)
            INSERT INTO stock_move (product, unit, quantity,
                internal_quantity, from_location, to_location, state,
                company, effective_date, planned_date, create_uid,
                create_date)
            SELECT product, %(unit)s, q, q,
                CASE kind WHEN 0 THEN %(supplier)s ELSE here END,
                CASE kind WHEN 0 THEN here WHEN 1 THEN %(customer)s
                    ELSE there END,
                state, %(company)s,
                CASE WHEN state = 'done' THEN d END,
                CASE WHEN state = 'done' THEN d
                    WHEN state = 'draft' AND i %% 7 = 0 THEN NULL
                    ELSE %(today)s::date + (i %% 45 - 15)::int END,
                0, %(now)s
            FROM (SELECT *, (1 + i %% 17)::float AS q,
                    (DATE '2025-01-01' + (i %% 600)) AS d
                FROM serial) AS s''', {
                'products': products, 'storages': storages,
                'moves': moves, 'unit': unit, 'supplier': supplier,
                'customer': customer, 'company': company_id, 'now': now,
                'today': dt.date.today()})
        result = len(products), len(warehouses)
    common.vacuum(database,
        ['stock_move', 'product_product', 'product_template'])
    return result


def measure(database, repeat, clock):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    user_id = common.user_ids(database, [CLERK])[CLERK]
    context, _ = common.user_context(database, user_id)
    with Transaction().start(database, user_id, context=context):
        pool = Pool()
        Location = pool.get('stock.location')
        Date = pool.get('ir.date')
        warehouse, = Location.search([('code', '=', 'SH')])
        params = {
            'left': warehouse.left, 'right': warehouse.right,
            'company': context['company'], 'today': Date.today()}
    # the screen's context form: the warehouse, no forecast date
    context = dict(context, location=warehouse.id, stock_date_end=None)
    model, domain, order, context, fields = common.open_action(
        database, user_id, context, MENU, tab=TAB)
    stocked = []

    def check(limit, ids, rows, sql_rows):
        common.same_ids(limit, ids, rows, sql_rows)
        orm_figures = [(r['quantity'], r['forecast_quantity']) for r in rows]
        sql_figures = [(float(r[4]), float(r[5])) for r in sql_rows]
        assert orm_figures == sql_figures, (
            "quantities differ", [
                (i, o, s) for i, o, s in zip(ids, orm_figures, sql_figures)
                if o != s][:5])
        stocked[:] = [sum(1 for q, _ in orm_figures if q),
            sum(1 for q, f in orm_figures if q != f)]

    r = common.list_request(database, user_id, context, model, domain,
        order, fields, QUERY, params, repeat, clock, check=check)
    return r, stocked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench_erp')
    parser.add_argument('--materials', type=int, default=20000)
    parser.add_argument('--moves', type=int, default=1000000)
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--runs', type=int, default=1)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it is filled, and keep it")
    args = parser.parse_args()

    common.use_server(args.db)
    from trytond.pool import Pool

    start = time.perf_counter()
    if not args.keep and common.exists(args.name):
        common.drop(args.name)
    if not common.exists(args.name):
        common.setup_database(args.name, args.db, demo=True)
    Pool(args.name).init()
    if not filled(args.name):
        products, warehouses = fill(args.name, args.materials, args.moves)
        print(f"{products} materials, {warehouses} warehouses, "
            f"{args.moves} moves in {time.perf_counter() - start:.0f} s")
    clock = Clock().install()
    ratios = []
    try:
        for run in range(args.runs):
            r, (stocked, forecast) = measure(args.name, args.repeat, clock)
            ratio = r['orm'] / r['sql']
            ratios.append(ratio)
            print(f"库存查询 上海仓库, {PAGES[-1]} materials ({stocked} with "
                f"stock, {forecast} with a different forecast): ORM "
                f"{r['orm']:.1f} ms, SQL {r['sql']:.1f} ms, ratio "
                f"{ratio:.2f}; statements at {PAGES[0]} / {PAGES[-1]} rows: "
                f"{r['queries'][0]} / {r['queries'][1]}", flush=True)
        print(f"median ratio of {args.runs} runs: "
            f"{statistics.median(ratios):.2f} (target: at most 3)")
    finally:
        if not args.keep:
            common.drop(args.name)
            print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
