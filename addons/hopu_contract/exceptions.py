# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ContractValidationError(ValidationError):
    "CON-9 entry rule broken"


class ContractReadOnlyError(AccessError):
    "CON-8/CON-9: effective, closed or terminated contracts are read-only"


class ApprovalError(UserError):
    "CON-4 approval refused"
