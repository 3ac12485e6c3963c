# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"A real SMTP server for the tests of CRM-33 (aiosmtpd in a thread)"
from trytond.modules.hopu_sysadmin.tests.mail import (  # noqa: F401
    SMTPHandler, body_html, body_text, free_port)
from trytond.modules.hopu_sysadmin.tests.mail import \
    smtp_server as _smtp_server  # noqa: F401

SENDER = '皓普科技 <crm@hopu.example.cn>'


def smtp_server(refused=()):
    "The shared test SMTP server, sending from the demo company's address"
    return _smtp_server(refused, from_=SENDER)
