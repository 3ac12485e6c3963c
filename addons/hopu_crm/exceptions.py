# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class DuplicateCustomerWarning(UserWarning):
    pass


class ContactValidationError(ValidationError):
    pass


class ReportValidationError(ValidationError):
    pass


class ConversionError(UserError):
    pass


class DemotionError(UserError):
    pass


class EmailError(UserError):
    pass


class StageChangeError(UserError):
    pass


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
