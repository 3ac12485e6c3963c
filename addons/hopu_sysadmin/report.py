# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reports printed as PDF (or another format) by LibreOffice headless."""
from trytond.report import Report


class SofficeReport(Report):
    """A report whose template LibreOffice converts to the action's
    extension (PDF, xlsx, …) with trytond's own ``Report.convert``, by the
    command of ``[report] convert_command`` in trytond.conf: each conversion
    gets a LibreOffice profile (``-env:UserInstallation``) and a HOME of its
    own in trytond's temporary folder of the conversion — soffice hands a
    conversion over to any instance already running on the same profile
    (another server worker, a test run), which may not do it — and runs
    under ``timeout``, which ends the whole process group (soffice.bin
    included) if it hangs, before trytond gives up on it."""
