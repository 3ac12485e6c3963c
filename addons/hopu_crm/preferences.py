# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-20 personal settings (个人设置): each user edits their own name,
phone, email and language in the preferences."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta

from .contact import check_email, check_phone
from .exceptions import ContactValidationError


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    phone = fields.Char("Phone")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['phone']:
            if name not in cls._preferences_fields:
                cls._preferences_fields.append(name)

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        for user in users:
            if user.phone and not check_phone(user.phone):
                raise ContactValidationError(gettext(
                        'hopu_crm.msg_user_phone_invalid',
                        value=user.phone))
            if user.email and not check_email(user.email):
                raise ContactValidationError(gettext(
                        'hopu_crm.msg_user_email_invalid',
                        value=user.email))
