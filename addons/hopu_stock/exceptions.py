# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class AdjustmentError(UserError):
    "ERP-3 库存调整 refused"


class AdjustmentReadOnlyError(AccessError):
    "ERP-3 a submitted or done 库存调整 is read-only"
