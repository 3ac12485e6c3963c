# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class SalespersonCodeError(ValidationError):
    pass


class TransferError(UserError):
    pass


class AssignError(UserError):
    pass


class ClaimError(UserError):
    pass


class ExtensionError(UserError):
    pass


class RecycleError(UserError):
    pass
