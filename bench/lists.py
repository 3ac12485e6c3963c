"""Speed of the lists a Hopu user opens every day (issue 14 item 8):
customers, daily reports, contact records, opportunities, contracts,
待我审批 and business alerts, as the supervisor 张伟 and the salesperson
王芳 of the demo, each against the same query in plain SQL, on PostgreSQL.

    .venv/bin/python bench/lists.py
        [--db postgresql://postgres@127.0.0.1:5432/]
        [--name hopu_bench_lists] [--copies 500] [--repeat 30] [--keep]
        [--only LABEL]

Creates the database with `hopu setup-db --demo`, scales the
demo up with bench/crm_data.py (scale_demo: every customer, contact, daily
report, contact record, opportunity, contract, approval step and alert
copied --copies times, 3 copies in 4 owned by salespeople outside the
demo's team), then for each list, found by its menu entry as the web
client opens it (the action's model, domain, first tab, context and list
view; 待我审批 by the menu's name, wherever the module that holds it),
measures one list request: search of a page in the action's domain and
order + read of the fields sao asks for (the view's eager fields, the
names of the many2one fields, rec_name, _timestamp, _write, _delete), in
one transaction with the record rules and access checks, as the user;
against the one SQL statement that returns the same rows and columns, in
a transaction of its own; sampled alternately in the same run. Checks
that both find the same rows in the same order. Prints per list and role
the rows the user reaches, the medians at 80 rows, the ratio ORM / SQL
(target: at most 3) and the number of SQL statements of the ORM request
at 8 and at 80 rows (target: equal). --keep reuses a scaled database
and keeps it; otherwise it is dropped at the end. Not run by
`make test`."""
import argparse
import time

import common
from common import PAGES, SUBTREE, Clock

USERS = [('zhangwei', "张伟 (主管)"), ('wangfang', "王芳 (业务员)")]

# The rows of the party (customer) lists a user reaches: own and
# subordinates' customers and the pool
CUSTOMER_RULE = '''(p.salesperson IN (SELECT id FROM subtree)
        OR p.salesperson IS NULL)'''
# The name of an employee as the lists show it ([code] name)
EMPLOYEE_NAME = '''CASE WHEN {e}.salesperson_code IS NOT NULL
        THEN '[' || {e}.salesperson_code || '] ' ELSE '' END
        || COALESCE({p}.name, '[' || {p}.code || ']')'''


def employee_name(e, p):
    return EMPLOYEE_NAME.format(e=e, p=p)


CUSTOMERS = SUBTREE + '''
SELECT p.id, p.name, p.crm_stage, fs.name, p.salesperson_name, cm.value,
    p.crm_region, p.crm_industry
FROM (SELECT p.*, ep.name AS salesperson_name FROM party_party p
    LEFT JOIN company_employee e ON e.id = p.salesperson
    LEFT JOIN party_party ep ON ep.id = e.party
    WHERE p.active AND p.crm_stage = ANY(%(stages)s)
        AND ''' + CUSTOMER_RULE + '''
    ORDER BY p.name, p.id LIMIT %(limit)s) p
LEFT JOIN hopu_crm_stage fs ON fs.id = p.crm_follow_up_stage
LEFT JOIN LATERAL (SELECT c.value FROM party_contact_mechanism c
    WHERE c.party = p.id AND c.active AND c.type IN ('phone', 'mobile')
    ORDER BY c.sequence, c.id LIMIT 1) cm ON true
ORDER BY p.name, p.id
'''

DAILY_REPORTS = SUBTREE + '''
SELECT r.id, r.date, r.kind, ''' + employee_name('e', 'ep') + ''',
    c.name, r.visited_company, ct.name, r.visit_type, r.purpose,
    r.next_date
FROM hopu_crm_daily_report r
JOIN company_employee e ON e.id = r.salesperson
JOIN party_party ep ON ep.id = e.party
LEFT JOIN party_party c ON c.id = r.customer
LEFT JOIN hopu_crm_contact ct ON ct.id = r.contact
WHERE r.salesperson IN (SELECT id FROM subtree)
ORDER BY r.date DESC, r.id DESC
LIMIT %(limit)s
'''

CONTACT_RECORDS = SUBTREE + '''
SELECT r.id, r.date, r.kind, c.name, ct.name, ''' + employee_name(
    'e', 'ep') + ''', r.purpose, r.subject, r.state
FROM hopu_crm_contact_record r
JOIN company_employee e ON e.id = r.salesperson
JOIN party_party ep ON ep.id = e.party
LEFT JOIN party_party c ON c.id = r.customer
LEFT JOIN hopu_crm_contact ct ON ct.id = r.contact
WHERE r.salesperson IN (SELECT id FROM subtree)
ORDER BY r.date DESC, r.id DESC
LIMIT %(limit)s
'''

OPPORTUNITIES = SUBTREE + '''
SELECT o.id, o.number, o.reference, c.name, o.description,
    ''' + employee_name('e', 'ep') + ''', o.start_date, o.amount,
    s.name, o.expected_close_date, o.state
FROM sale_opportunity o
LEFT JOIN company_employee e ON e.id = o.employee
LEFT JOIN party_party ep ON ep.id = e.party
LEFT JOIN party_party c ON c.id = o.party
LEFT JOIN hopu_crm_opportunity_stage s ON s.id = o.stage
WHERE o.company = %(company)s AND o.employee IN (SELECT id FROM subtree)
ORDER BY o.start_date DESC, o.id
LIMIT %(limit)s
'''

CONTRACTS = SUBTREE + '''
SELECT k.id, k.number, k.type, c.name, ''' + employee_name('e', 'ep') + ''',
    k.signing_date, k.start_date, k.end_date, k.amount, k.version, k.state
FROM hopu_contract k
LEFT JOIN company_employee e ON e.id = k.salesperson
LEFT JOIN party_party ep ON ep.id = e.party
LEFT JOIN party_party c ON c.id = k.party
WHERE k.type = 'service' AND k.company = ANY(%(companies)s)
    AND (k.salesperson IN (SELECT id FROM subtree)
        OR EXISTS (SELECT 1 FROM hopu_approval a
            WHERE a.contract = k.id AND (a.approver_user = %(user)s
                OR a.approver_group = ANY(%(groups)s)
                OR a.approver_employee = ANY(%(employees)s))))
ORDER BY k.signing_date DESC NULLS FIRST, k.id DESC
LIMIT %(limit)s
'''

ALERTS = SUBTREE + '''
SELECT a.id, a.due_date, a.kind, c.name,
    ''' + employee_name('e', 'ep') + ''', a.date
FROM hopu_crm_alert a
LEFT JOIN company_employee e ON e.id = a.salesperson
LEFT JOIN party_party ep ON ep.id = e.party
LEFT JOIN party_party c ON c.id = a.customer
WHERE a.salesperson IN (SELECT id FROM subtree)
ORDER BY a.due_date, a.id
LIMIT %(limit)s
'''

# 待我审批 (hopu_approval): the pending steps the user decides (by user,
# group or employee) in the user's companies, with the document's name,
# customer, salesperson and amount the steps keep
APPROVALS = '''
SELECT a.id, a.document_kind, a.document_name, c.name,
    ''' + employee_name('e', 'ep') + ''', a.amount, cu.symbol, a.round,
    a.name, a.approver, a.opened, a.state, du.name, a.decided, a.comment
FROM hopu_approval a
LEFT JOIN company_employee e ON e.id = a.salesperson
LEFT JOIN party_party ep ON ep.id = e.party
LEFT JOIN party_party c ON c.id = a.party
LEFT JOIN currency_currency cu ON cu.id = a.currency
LEFT JOIN res_user du ON du.id = a.decided_by
WHERE a.state = 'pending' AND a.company = ANY(%(companies)s)
    AND (a.approver_user = %(user)s
        OR a.approver_group = ANY(%(groups)s)
        OR a.approver_employee = ANY(%(employees)s))
ORDER BY a.opened, a.id
LIMIT %(limit)s
'''

# label, the menu entry (module, XML id) or (None, its zh_CN name), SQL,
# extra SQL parameters
LISTS = [
    # the first tab of the menu's action: 潜在客户
    ("潜在客户&跟进客户", ('hopu_crm', 'menu_lead_form'), CUSTOMERS,
        {'stages': ['potential']}),
    ("现有客户", ('hopu_crm', 'menu_customer_form'), CUSTOMERS,
        {'stages': ['existing']}),
    ("所有拜访日报", ('hopu_crm', 'menu_daily_report_all'), DAILY_REPORTS,
        {}),
    ("联系记录", ('hopu_crm', 'menu_contact_record_form'), CONTACT_RECORDS,
        {}),
    ("销售机会", ('hopu_crm_opportunity', 'menu_opportunity_form'),
        OPPORTUNITIES, {}),
    ("服务合同", ('hopu_contract', 'menu_contract_service_form'), CONTRACTS,
        {}),
    ("待我审批", (None, "待我审批"), APPROVALS, {}),
    ("业务警示", ('hopu_crm', 'menu_alert_form'), ALERTS, {}),
    ]


def sql_parameters(database, user_id, context, employees):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, user_id, context=context):
        User = Pool().get('res.user')
        user = User(user_id)
        return {
            'user': user_id, 'employees': employees,
            'groups': [g.id for g in user.groups],
            'companies': [c.id for c in user.companies],
            'company': user.company.id,
            }


def measure(database, user_id, label, menu, query, extra, repeat, clock,
        show=False):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access

    context, employees = common.user_context(database, user_id)
    model, domain, order, context, fields = common.open_action(
        database, user_id, context, menu)
    params = dict(sql_parameters(database, user_id, context, employees),
        **extra)

    def check(limit, ids, rows, sql_rows):
        # Same rows, same order: the rules reach what the SQL reaches
        sql_ids = [r[0] for r in sql_rows]
        assert ids == sql_ids, (
            f"{label}: ORM and SQL disagree", ids[:8], sql_ids[:8])

    with Transaction().start(database, user_id, context=context):
        with check_access():
            reach = Pool().get(model).search_count(domain)
    r = common.list_request(database, user_id, context, model, domain,
        order, fields, query, params, repeat, clock, check=check,
        statements=show)
    return dict(r, model=model, reach=reach, rows=len(r['rows']))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default=common.DEFAULT_DB)
    parser.add_argument('--name', default='hopu_bench_lists')
    parser.add_argument('--copies', type=int, default=500)
    parser.add_argument('--repeat', type=int, default=30)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database if it has the scaled demo, and keep it")
    parser.add_argument('--statements', action='store_true',
        help="print the SQL statements of each ORM request")
    parser.add_argument('--only',
        help="the lists whose label contains one of these (comma-separated)")
    args = parser.parse_args()

    import crm_data
    common.use_server(args.db)
    from trytond.pool import Pool

    start = time.perf_counter()
    if not args.keep and common.exists(args.name):
        common.drop(args.name)
    if not common.exists(args.name):
        common.setup_database(args.name, args.db, demo=True)
    Pool(args.name).init()
    if not crm_data.scaled(args.name):
        counts = crm_data.scale_demo(args.name, args.copies)
        print(f"demo scaled ×{args.copies} in "
            f"{time.perf_counter() - start:.0f} s: "
            + ", ".join(f"{t} {n}" for t, n in counts.items()))
    users = common.user_ids(args.name, [login for login, _ in USERS])
    Pool(args.name).init()

    clock = Clock().install()
    print(f"median of {args.repeat} requests of {PAGES[-1]} rows each, "
        "ORM and SQL alternately; queries: SQL statements of the ORM "
        f"request at {PAGES[0]} / {PAGES[-1]} rows")
    print(f"{'list':12}{'user':12}{'reach':>7}{'ORM ms':>8}{'SQL ms':>8}"
        f"{'ratio':>7}{'queries':>10}")
    worst = 0
    try:
        for label, menu, query, extra in LISTS:
            if args.only and not any(
                    o in label for o in args.only.split(',')):
                continue
            for login, who in USERS:
                r = measure(args.name, users[login], label, menu, query,
                    extra, args.repeat, clock, show=args.statements)
                ratio = r['orm'] / r['sql']
                worst = max(worst, ratio)
                flat = ('' if r['queries'][0] == r['queries'][1]
                    else '  NOT FLAT')
                print(f"{label:12}{who:12}{r['reach']:7d}{r['orm']:8.1f}"
                    f"{r['sql']:8.1f}{ratio:7.2f}"
                    f"{r['queries'][0]:>5} / {r['queries'][1]:<3}{flat}")
                for statement, params in r['statements'] or []:
                    print('   ', ' '.join(str(statement).split())[:600],
                        params)
        print(f"worst ratio {worst:.2f} (target: at most 3)")
    finally:
        if not args.keep:
            common.drop(args.name)
            print(f"dropped {args.name}")


if __name__ == '__main__':
    main()
