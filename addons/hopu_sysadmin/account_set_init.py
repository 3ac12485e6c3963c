# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run in a child process by SYS-2: create the account set's company
inside its new database and give the administrator it and the password
of the administrator who created it."""
import ast
import os
import secrets
import sys
from decimal import Decimal


def main(database):
    from trytond import config
    config.update_etc(os.environ['TRYTOND_CONFIG'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    company = ast.literal_eval(os.environ['HOPU_ACCOUNT_SET_COMPANY'])
    admin_hash = os.environ.get('HOPU_ACCOUNT_SET_ADMIN_HASH')
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, context={'language': 'zh_CN'}):
        Currency = pool.get('currency.currency')
        Company = pool.get('company.company')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        currencies = Currency.search([('code', '=', 'CNY')])
        if currencies:
            cny, = currencies
        else:
            cny, = Currency.create([{
                        'name': "人民币", 'code': 'CNY', 'symbol': '¥',
                        'rounding': Decimal('0.01'), 'digits': 2}])
        companies = Company.search([('code', '=', company['code'])])
        if not companies:
            companies = Company.create([{
                        'code': company['code'],
                        'short_name': company.get('short_name'),
                        'full_name': company['full_name'],
                        'phone': company.get('phone'),
                        'fax': company.get('fax'),
                        'currency': cny.id,
                        }])
        admin = User(ModelData.get_id('res', 'user_admin'))
        values = {
            'companies': [('add', [c.id for c in companies])],
            'company': companies[0].id,
            'email': os.environ.get('HOPU_ACCOUNT_SET_ADMIN_EMAIL'),
            }
        if admin_hash:
            values['password_hash'] = admin_hash
        else:
            # the database is a copy of a template: its password is not
            # this account set's own
            values['password'] = secrets.token_urlsafe(24)
        User.write([admin], values)
        Transaction().commit()


if __name__ == '__main__':
    main(sys.argv[1])
