# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.res.exceptions import PasswordError


class CompanyReferencedError(UserError):
    pass


class CompanyCodeError(ValidationError):
    pass


class HopuPasswordError(PasswordError):
    pass


class PasswordChangeError(UserError):
    pass


class ExportAccessError(AccessError):
    pass


class RightCopyError(ValidationError):
    pass


class AccountSetError(UserError):
    pass


class InputValueError(ValidationError):
    pass


class DomainValueError(UserError):
    pass


class ContextValueError(UserError):
    pass


class DepartmentCompanyError(ValidationError):
    pass


class OrganisationError(UserError):
    pass


class FavoriteMenuError(UserError):
    "ERP-8 a favourite of a menu the user does not see"


class ProgramModelRightsError(ValidationError):
    pass


class WizardRecordError(UserError):
    "A wizard that works on a record started without one"
