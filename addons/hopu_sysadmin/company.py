# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields, tree
from trytond.pool import PoolMeta


class Company(tree(name='rec_name'), metaclass=PoolMeta):
    "Company or department (SYS-1 公司或部门设定)"
    __name__ = 'company.company'

    parent = fields.Many2One(
        'company.company', "Parent Company", ondelete='RESTRICT',
        help="The company this company or department belongs to.")
    children = fields.One2Many('company.company', 'parent', "Subsidiaries")
