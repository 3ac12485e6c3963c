# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

__all__ = ['register']


def register():
    Pool.register(
        module='hopu_crm_mailing', type_='model')
