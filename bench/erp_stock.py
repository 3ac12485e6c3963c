"""Speed of 库存查询 (ERP-3 6.1.3, issue 15): the quantities on hand and
forecast of the first 80 materials of one warehouse, with 20,000
materials, 5 warehouses and 1,000,000 stock moves, on PostgreSQL, against
the same figures in plain SQL.

    .venv/bin/python bench/erp_stock.py
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench_erp] [--materials 20000] [--moves 1000000]
        [--repeat 20] [--keep]

Creates the database with `hopu setup-db --demo` (the ERP master data:
materials numbered by category, 总部仓库 and 上海仓库), adds three
warehouses with the ORM, the materials up to --materials and --moves done
moves (receipts from suppliers into a warehouse, deliveries to customers,
transfers between warehouses: products and warehouses spread evenly)
with plain SQL, then measures one request of the web client's stock
query: the products of a page of 80 by code with the warehouse in the
context (`locations`), read with their code, name, unit, quantity and
forecast quantity (Tryton's products_by_location, as the product list of
库存管理 computes them), in one transaction with the access checks,
against one hand-written SQL statement returning the same rows and
figures (checked), sampled alternately. Prints the medians, the ratio
(target: at most 3) and the SQL statements of the ORM request at 8 and
at 80 rows. --keep reuses a filled database and keeps it; otherwise it is
dropped at the end. Not run by `make test`."""
import argparse
import datetime as dt
import time

import common
from common import Clock

PAGES = [8, 80]
NEW_WAREHOUSES = [
    ("北京仓库", 'BJ'), ("广州仓库", 'GZ'), ("成都仓库", 'CD')]
FIELDS = ['code', 'name', 'default_uom.rec_name', 'quantity',
    'forecast_quantity', 'rec_name']

# One statement: the first materials by code, their on-hand quantity in
# the warehouse (done moves in or out of its locations) and the forecast
# (done, assigned and draft moves)
QUERY = '''
WITH loc AS (
        SELECT id FROM stock_location
        WHERE "left" >= %(left)s AND "right" <= %(right)s),
    page AS (
        SELECT pp.id, pp.code, pt.name, pt.default_uom
        FROM product_product pp
        JOIN product_template pt ON pt.id = pp.template
        WHERE pp.active AND pt.active
        ORDER BY pp.code, pp.id
        LIMIT %(limit)s),
    moves AS (
        SELECT m.product, m.state,
            CASE WHEN m.to_location IN (SELECT id FROM loc)
                THEN m.internal_quantity ELSE -m.internal_quantity END
                AS quantity
        FROM stock_move m
        WHERE m.product IN (SELECT id FROM page)
            AND (m.to_location IN (SELECT id FROM loc))
                <> (m.from_location IN (SELECT id FROM loc))
            AND m.state IN ('done', 'assigned', 'draft'))
SELECT page.id, page.code, page.name, u.name,
    COALESCE((SELECT SUM(quantity) FROM moves
            WHERE moves.product = page.id AND moves.state = 'done'), 0),
    COALESCE((SELECT SUM(quantity) FROM moves
            WHERE moves.product = page.id), 0)
FROM page
JOIN product_uom u ON u.id = page.default_uom
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
        company = transaction.connection.cursor()
        company.execute('SELECT MIN(id) FROM company_company')
        company_id, = company.fetchone()
        cursor = transaction.connection.cursor()
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
        # customer), transfers (a warehouse → the next one), in turn
        cursor.execute('''
            WITH params AS (
                SELECT %(products)s::int[] AS products,
                    %(storages)s::int[] AS storages),
            serial AS (
                SELECT i, i %% 3 AS kind,
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
                'done', %(company)s, d, d, 0, %(now)s
            FROM (SELECT *, (1 + i %% 17)::float AS q,
                    (DATE '2025-01-01' + (i %% 600)) AS d
                FROM serial) AS s''', {
                'products': products, 'storages': storages,
                'moves': moves, 'unit': unit, 'supplier': supplier,
                'customer': customer, 'company': company_id, 'now': now})
        cursor.execute('ANALYZE stock_move')
        cursor.execute('ANALYZE product_product')
        cursor.execute('ANALYZE product_template')
        return len(products), len(warehouses)


def measure(database, repeat, clock):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access

    user_id = common.user_ids(database, ['admin'])['admin']
    context, _ = common.user_context(database, user_id)
    with Transaction().start(database, user_id, context=context):
        pool = Pool()
        Location = pool.get('stock.location')
        warehouse, = Location.search([('code', '=', 'SH')])
        bounds = {'left': warehouse.left, 'right': warehouse.right}
        context = dict(context, locations=[warehouse.id])
    order = [('code', 'ASC'), ('id', 'ASC')]
    queries = {}

    def orm(limit):
        def run():
            with Transaction().start(
                    database, user_id, context=context, readonly=True):
                clock.reset()
                Product = Pool().get('product.product')
                with check_access():
                    ids = list(map(int, Product.search([], 0, limit, order)))
                    rows = Product.read(ids, FIELDS)
                queries[limit] = clock.queries
            return ids, rows
        return run

    def sql(limit):
        def run():
            with Transaction().start(
                    database, user_id, context=context,
                    readonly=True) as transaction:
                cursor = transaction.connection.cursor()
                cursor.execute(QUERY, dict(bounds, limit=limit))
                return cursor.fetchall()
        return run

    for limit in PAGES:
        ids, rows = orm(limit)()
        sql_rows = sql(limit)()
        assert ids == [r[0] for r in sql_rows], "ORM and SQL disagree"
        orm_figures = [(r['quantity'], r['forecast_quantity']) for r in rows]
        sql_figures = [(float(r[4]), float(r[5])) for r in sql_rows]
        assert orm_figures == sql_figures, (
            "quantities differ", orm_figures[:5], sql_figures[:5])
    stocked = sum(1 for q, _ in orm_figures if q)
    timings = common.alternate(
        {'orm': orm(PAGES[-1]), 'sql': sql(PAGES[-1])}, repeat)
    # the statements of warm requests (caches filled)
    for limit in PAGES:
        orm(limit)()
    return timings, queries, stocked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench_erp')
    parser.add_argument('--materials', type=int, default=20000)
    parser.add_argument('--moves', type=int, default=1000000)
    parser.add_argument('--repeat', type=int, default=20)
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
    try:
        timings, queries, stocked = measure(args.name, args.repeat, clock)
        ratio = timings['orm'] / timings['sql']
        print(f"库存查询 上海仓库, {PAGES[-1]} materials ({stocked} with "
            f"stock): ORM {timings['orm']:.1f} ms, SQL "
            f"{timings['sql']:.1f} ms, ratio {ratio:.2f} (target: at most "
            f"3); statements at {PAGES[0]} / {PAGES[-1]} rows: "
            f"{queries[PAGES[0]]} / {queries[PAGES[-1]]}")
    finally:
        if not args.keep:
            common.drop(args.name)
            print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
