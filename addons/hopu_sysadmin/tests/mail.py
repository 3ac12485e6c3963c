# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"A real SMTP server for the tests of every Hopu module (aiosmtpd in a thread)"
import socket
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from trytond import config


class SMTPHandler:
    """Keeps what it receives; refuses the addresses of `refused` at RCPT
    with 550 as a real server does for an unknown mailbox"""

    def __init__(self, refused=()):
        self.refused = {a.lower() for a in refused}
        self.messages = []

    async def handle_RCPT(
            self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return f'550 5.1.1 <{address}>: Recipient address rejected: ' \
                'User unknown in local recipient table'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((
                envelope.mail_from, list(envelope.rcpt_tos),
                message_from_bytes(envelope.content, policy=policy.default)))
        return '250 Message accepted for delivery'

    def received(self, address):
        "The messages received for address"
        return [m for _, rcpt, m in self.messages if address in rcpt]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(refused=(), from_=None):
    """Run an SMTP server on a free local port and point [email] uri (and
    from, when given) at it for the duration; yields the handler"""
    handler = SMTPHandler(refused)
    controller = Controller(handler, hostname='127.0.0.1', port=free_port())
    controller.start()
    uri = config.get('email', 'uri')
    from_before = config.get('email', 'from')
    try:
        config.set('email', 'uri', f'smtp://127.0.0.1:{controller.port}')
        if from_:
            config.set('email', 'from', from_)
        yield handler
    finally:
        config.set('email', 'uri', uri)
        if from_:
            config.set('email', 'from', from_before)
        controller.stop()


def body_text(message):
    "The text/plain part of a received message"
    return message.get_body(preferencelist=('plain',)).get_content()


def body_html(message):
    "The text/html part of a received message"
    return message.get_body(preferencelist=('html',)).get_content()
