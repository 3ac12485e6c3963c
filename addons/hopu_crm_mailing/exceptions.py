# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class MailingError(UserError):
    pass


class RecipientError(UserError):
    pass


class TemplateError(ValidationError):
    pass
