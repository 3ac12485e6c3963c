# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class PurchaseApprovalError(UserError):
    "ERP-1 审核 or 反审核 of a purchase order refused"


class PurchaseSendError(UserError):
    "ERP-1 发送采购订单 refused"


class ReceiptError(UserError):
    "ERP-1 采购验收 refused"
