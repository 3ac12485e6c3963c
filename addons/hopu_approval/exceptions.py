# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ApprovalError(UserError):
    "CON-4 approval refused"


class ApprovalAccessError(AccessError):
    "Approval steps are written by the approval flow only"


class ApprovalRuleValidationError(ValidationError):
    "An approval rule that cannot be applied"
