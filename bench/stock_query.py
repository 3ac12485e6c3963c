"""ERP-3 库存查询 benchmark: the quantities on hand and forecast of the first
80 materials (by code) of one warehouse, through the ORM as the web client
asks them (search with the warehouse in the context, then read of code,
name, quantity and forecast quantity) next to the same figures in plain
SQL, on PostgreSQL.

    .venv/bin/python bench/stock_query.py \
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench_stock] [--materials 20000] [--warehouses 5]
        [--moves 1000000] [--repeat 20] [--keep]

Creates the database with `hopu setup-db` (all Hopu modules), a company,
the warehouses (Tryton's and more, through the ORM: their nested set), and
with plain SQL the materials and the stock moves: each move brings a
material into the storage location of a warehouse from a supplier or takes
it out to a customer (90 % done over the last year, 10 % planned in the
next month, so that the forecast differs). Prints the medians (search,
read, SQL) and the ratio of each request and of both over the one SQL
query (target: ≤ 3). Drops the database at the end unless --keep. Not run
by `make test`."""
import argparse
import datetime as dt
import statistics
import time

import common

QUANTITY_SQL = '''
WITH first AS (
    SELECT p.id, p.code FROM product_product p
    JOIN product_template t ON t.id = p.template
    WHERE p.active AND t.type = 'goods'
    ORDER BY p.code, p.id LIMIT 80),
locations AS (
    SELECT l.id FROM stock_location l, stock_location w
    WHERE w.id = %(warehouse)s
        AND l."left" >= w."left" AND l."right" <= w."right")
SELECT f.id,
    COALESCE(SUM(CASE WHEN m.state = 'done'
        AND m.effective_date <= %(today)s
        THEN m.internal_quantity * (
            CASE WHEN m.to_location IN (SELECT id FROM locations)
            THEN 1 ELSE -1 END) END), 0),
    COALESCE(SUM(m.internal_quantity * (
            CASE WHEN m.to_location IN (SELECT id FROM locations)
            THEN 1 ELSE -1 END)), 0)
FROM first f
LEFT JOIN stock_move m ON m.product = f.id
    AND m.state IN ('done', 'assigned', 'draft')
    AND ((m.to_location IN (SELECT id FROM locations))
        <> (m.from_location IN (SELECT id FROM locations)))
GROUP BY f.id, f.code
ORDER BY f.code, f.id
'''


def generate(database, materials, warehouses, moves):
    "The company, the warehouses (ORM) and materials and moves (SQL)"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Currency = pool.get('currency.currency')
        Location = pool.get('stock.location')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        cursor = transaction.connection.cursor()

        cny, = Currency.search([('code', '=', 'CNY')]) or Currency.create(
            [{'name': "人民币", 'code': 'CNY', 'symbol': '¥'}])
        party, = Party.create([{'name': "皓普库存基准测试有限公司"}])
        company, = Company.create([{'party': party.id, 'currency': cny.id}])
        warehouse_list = Location.search([('type', '=', 'warehouse')])
        for i in range(len(warehouse_list), warehouses):
            zones = Location.create([
                    {'name': f"仓库{i}{zone}", 'type': 'storage'}
                    for zone in ["收货区", "发货区", "存储区"]])
            warehouse, = Location.create([{
                        'name': f"仓库{i}", 'code': f'W{i}',
                        'type': 'warehouse',
                        'input_location': zones[0].id,
                        'output_location': zones[1].id,
                        'storage_location': zones[2].id,
                        }])
            Location.write(zones, {'parent': warehouse.id})
            warehouse_list.append(warehouse)
        storages = [w.storage_location.id for w in warehouse_list]
        supplier = ModelData.get_id('stock', 'location_supplier')
        customer = ModelData.get_id('stock', 'location_customer')
        unit, = Uom.search([('symbol', '=', 'u')])

        now = dt.datetime.now()
        cursor.execute(
            'INSERT INTO product_template (name, code, type, default_uom, '
            'consumable, active, create_uid, create_date) '
            "SELECT '物料' || g, LPAD(g::text, 8, '0'), 'goods', %s, "
            'false, true, 0, %s FROM generate_series(1, %s) g',
            (unit.id, now, materials))
        cursor.execute(
            'INSERT INTO product_product (template, code, active, '
            'create_uid, create_date) '
            'SELECT id, code, true, 0, %s FROM product_template '
            "WHERE name LIKE '物料%%'", (now,))
        cursor.execute(
            "SELECT MIN(id), MAX(id) FROM product_product "
            "WHERE code ~ '^[0-9]{8}$'")
        first, last = cursor.fetchone()
        today = dt.date.today()
        # A move in of 100 per 3 moves out of 10 to 30, so that the stock
        # stays positive; 10 % of the moves planned in the next month
        cursor.execute(
            'INSERT INTO stock_move (product, unit, quantity, '
            'internal_quantity, from_location, to_location, company, '
            'currency, unit_price, state, planned_date, effective_date, '
            'create_uid, create_date) '
            'SELECT p, %(unit)s, q, q, '
            'CASE WHEN inward THEN %(supplier)s ELSE s END, '
            'CASE WHEN inward THEN s ELSE %(customer)s END, '
            '%(company)s, %(currency)s, 1, '
            "CASE WHEN planned THEN 'draft' ELSE 'done' END, "
            'd, CASE WHEN planned THEN NULL ELSE d END, 0, %(now)s '
            'FROM (SELECT '
            '%(first)s + (g * 7919) %% (%(last)s - %(first)s + 1) AS p, '
            '(%(storages)s)[1 + (g / 7) %% %(count)s] AS s, '
            'g %% 4 = 0 AS inward, '
            'CASE WHEN g %% 4 = 0 THEN 100 ELSE 10 + g %% 21 END AS q, '
            'g %% 10 = 9 AS planned, '
            'CASE WHEN g %% 10 = 9 THEN %(today)s::date + 1 + (g %% 30)::int '
            'ELSE %(today)s::date - (g %% 365)::int END AS d '
            'FROM generate_series(1::bigint, %(moves)s::bigint) g) AS x',
            {'unit': unit.id, 'supplier': supplier, 'customer': customer,
                'company': company.id, 'currency': cny.id, 'now': now,
                'first': first, 'last': last, 'storages': storages,
                'count': len(storages), 'today': today, 'moves': moves})
        cursor.execute('ANALYZE product_template')
        cursor.execute('ANALYZE product_product')
        cursor.execute('ANALYZE stock_move')
        transaction.commit()
        return company.id, warehouse_list[0].id


def measure(database, company_id, warehouse_id, repeat):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access

    context = {
        'company': company_id, 'companies': [company_id],
        'location': warehouse_id, 'language': 'zh_CN'}
    params = {'warehouse': warehouse_id, 'today': dt.date.today()}
    domain = [('type', '=', 'goods')]
    order = [('code', 'ASC'), ('id', 'ASC')]
    fields = ['code', 'name', 'quantity', 'forecast_quantity']

    def search():
        with Transaction().start(database, 0, context=context,
                readonly=True):
            Product = Pool().get('product.product')
            with check_access():
                return list(map(int, Product.search(
                            domain, order=order, limit=80)))

    ids = search()

    def read():
        with Transaction().start(database, 0, context=context,
                readonly=True):
            Product = Pool().get('product.product')
            with check_access():
                return Product.read(ids, fields)

    def sql():
        with Transaction().start(database, 0, context=context,
                readonly=True) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(QUANTITY_SQL, params)
            return cursor.fetchall()

    orm_rows = [(r['id'], r['quantity'], r['forecast_quantity'])
        for r in sorted(read(), key=lambda r: ids.index(r['id']))]
    sql_rows = [(i, float(q), float(f)) for i, q, f in sql()]
    assert orm_rows == sql_rows, (
        "ORM and SQL disagree", orm_rows[:3], sql_rows[:3])
    timings = {}
    for name, run in [('search', search), ('read', read), ('sql', sql)]:
        run()
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) * 1000)
        timings[name] = statistics.median(samples)
    return timings, orm_rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench_stock')
    parser.add_argument('--materials', type=int, default=20_000)
    parser.add_argument('--warehouses', type=int, default=5)
    parser.add_argument('--moves', type=int, default=1_000_000)
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it has the benchmark data, and keep it")
    args = parser.parse_args()

    common.use_server(args.db)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    start = time.perf_counter()
    ids = None
    if args.keep and common.exists(args.name):
        Pool(args.name).init()
        with Transaction().start(args.name, 0):
            Company = Pool().get('company.company')
            Location = Pool().get('stock.location')
            companies = Company.search([], order=[('id', 'DESC')], limit=1)
            warehouses = Location.search(
                [('type', '=', 'warehouse')], order=[('id', 'ASC')])
            if companies and len(warehouses) >= args.warehouses:
                ids = companies[0].id, warehouses[0].id
    if not ids:
        if not common.exists(args.name):
            common.setup_database(args.name, args.db)
        ids = generate(
            args.name, args.materials, args.warehouses, args.moves)
        print(f"generated {args.materials} materials, {args.warehouses} "
            f"warehouses, {args.moves} moves "
            f"in {time.perf_counter() - start:.0f} s")
    Pool(args.name).init()

    timings, rows = measure(args.name, *ids, args.repeat)
    sql_ms = timings['sql']
    print(f"{'rows':>5} {'search ms':>9} {'read ms':>8} {'SQL ms':>7} "
        f"{'ratio/request':>13} {'ratio total':>11}")
    print(f"{len(rows):5d} {timings['search']:9.1f} {timings['read']:8.1f} "
        f"{sql_ms:7.1f} "
        f"{max(timings['search'], timings['read']) / sql_ms:13.2f} "
        f"{(timings['search'] + timings['read']) / sql_ms:11.2f}")
    if not args.keep:
        common.drop(args.name)
        print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
