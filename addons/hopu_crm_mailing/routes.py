# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CRM-33: the unsubscribe link of a mass email.

GET shows a page with a confirmation button (mail scanners open links, they
must not unsubscribe anyone); POST — the button, or a mail client's
one-click unsubscribe of RFC 8058 (List-Unsubscribe-Post) — records the
address as unsubscribed. The token is the recipient line's own random
secret (32 bytes), so a link can neither be guessed nor forged for another
address. A token that is not one (other characters, other length, a NUL
byte) is unknown without a database query."""
import html
import re
from http import HTTPStatus

from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    Response, allow_null_origin, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

#: the tokens of secrets.token_urlsafe(32)
TOKEN = re.compile(r'[A-Za-z0-9_-]{43}')

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto;">
<h1>{title}</h1>
<p>{text}</p>
{form}
</body></html>"""


def _page(title, text, form='', status=HTTPStatus.OK):
    content = PAGE.format(
        title=html.escape(title), text=html.escape(text), form=form)
    return Response(
        content, status=status, content_type='text/html; charset=utf-8')


def _language(pool):
    "Chinese pages when zh_CN is loaded, as the company's users read"
    Lang = pool.get('ir.lang')
    langs = Lang.search([
            ('code', '=', 'zh_CN'),
            ('translatable', '=', True),
            ], limit=1)
    return 'zh_CN' if langs else None


@app.route(
    '/<database_name>/hopu_crm_mailing/unsubscribe/<token>',
    methods=['GET', 'POST'])
@allow_null_origin
@with_pool
@with_transaction()
def unsubscribe(request, pool, token):
    try:
        Recipient = pool.get('hopu.crm.mailing.recipient')
        OptOut = pool.get('hopu.crm.mailing.optout')
    except KeyError:
        # The module is not activated in this database
        return _page('404', '', status=HTTPStatus.NOT_FOUND)
    language = _language(pool)
    with Transaction().set_context(language=language):
        recipients = []
        if TOKEN.fullmatch(token or ''):
            recipients = Recipient.search([
                    ('token', '=', token),
                    ], limit=1)
        if not recipients:
            return _page(
                gettext('hopu_crm_mailing.msg_unsubscribe_unknown_title'),
                gettext('hopu_crm_mailing.msg_unsubscribe_unknown'),
                status=HTTPStatus.NOT_FOUND)
        recipient, = recipients
        email = recipient.email or ''
        if request.method == 'POST':
            OptOut.unsubscribe(recipient)
            return _page(
                gettext('hopu_crm_mailing.msg_unsubscribe_done_title'),
                gettext('hopu_crm_mailing.msg_unsubscribe_done',
                    email=email))
        button = html.escape(
            gettext('hopu_crm_mailing.msg_unsubscribe_button'))
        form = (
            '<form method="post">'
            f'<button type="submit" name="confirm" value="1">{button}'
            '</button></form>')
        return _page(
            gettext('hopu_crm_mailing.msg_unsubscribe_confirm_title'),
            gettext('hopu_crm_mailing.msg_unsubscribe_confirm',
                email=email,
                company=(recipient.mailing.company.rec_name
                    if recipient.mailing.company else '')),
            form=form)
