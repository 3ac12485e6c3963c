# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class SaleApprovalError(UserError):
    "ERP-2 审核 or 反审核 of a sales quotation or order refused"


class AmendmentApprovalError(UserError):
    "ERP-2 an amendment applied without its approval"
