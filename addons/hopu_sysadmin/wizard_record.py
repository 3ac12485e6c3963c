# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext

from .exceptions import WizardRecordError


def wizard_record(wizard, model_name):
    """The record a wizard works on: the active record, of model_name.
    Started by a hand-made call, from a menu or with nothing selected, the
    wizard has none (trytond's `record` is None or of another model): a
    user error rather than an AttributeError deep in the wizard."""
    model = wizard.model
    record = wizard.record
    if (record is None or model is None or model.__name__ != model_name
            or record.id is None or record.id < 0):
        raise WizardRecordError(gettext('hopu_sysadmin.msg_wizard_no_record'))
    return record
