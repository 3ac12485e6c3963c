# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-1 5.2 采购订单处理 on Tryton's purchase: numbers CG+YYYYMM+serial,
审核 (the official confirm, the approve right of the program ERP-1-PO, never
by the order's author), 反审核 while nothing was received nor invoiced,
发送采购订单 (the order as PDF mailed to the supplier) and 采购订单跟踪
(receipt and invoicing progress of each order)."""
import datetime as dt
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.modules.hopu_sysadmin.wizard_record import wizard_record
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import PurchaseApprovalError, PurchaseSendError

PURCHASE_PREFIX = 'CG'


def acting_user():
    """The user a client acts as, None when the server acts on its own
    behalf (the queue, the approval engine, an update)"""
    transaction = Transaction()
    if transaction.user and transaction.check_access:
        return transaction.user
    return None


class ConfigurationPurchaseMethod(metaclass=PoolMeta):
    __name__ = 'purchase.configuration.purchase_method'

    @classmethod
    def default_purchase_invoice_method(cls):
        "采购开票 from what was received (验收合格的数量)"
        return 'fulfillment'


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    sent_date = fields.DateTime("Sent", readonly=True,
        help="When the order was last sent to the supplier.")
    receipt_progress = fields.Function(fields.Float(
            "Received", digits=(1, 4),
            help="The share of the ordered quantities received."),
        'get_progress')
    invoice_progress = fields.Function(fields.Float(
            "Invoiced", digits=(1, 4),
            help="The share of the ordered quantities invoiced."),
        'get_progress')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {('processing', 'draft')}
        cls._buttons['draft']['invisible'] = ~Eval('state').in_(
            ['cancelled', 'quotation'])
        cls._buttons.update({
                'unapprove': {
                    'invisible': ~Eval('state').in_(
                        ['confirmed', 'processing']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'send': {
                    'invisible': ~Eval('state').in_(
                        ['confirmed', 'processing', 'done']),
                    'icon': 'tryton-email',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_progress(cls, purchases, names):
        result = {n: {} for n in names}
        for purchase in purchases:
            lines = [l for l in purchase.line_lines if l.quantity]
            for name, line_name in [
                    ('receipt_progress', 'moves_progress'),
                    ('invoice_progress', 'invoice_progress')]:
                if name not in names:
                    continue
                values = [getattr(l, line_name) for l in lines]
                values = [v for v in values if v is not None]
                result[name][purchase.id] = (
                    round(sum(values) / len(values), 4) if values else None)
        return result

    @classmethod
    def set_number(cls, purchases):
        "ERP-8: 采购订单 CG + YYYYMM + serial of the month, per company"
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        Date = pool.get('ir.date')
        for purchase in purchases:
            if purchase.number:
                continue
            with Transaction().set_context(company=purchase.company.id):
                date = purchase.purchase_date or Date.today()
            purchase.number = Number.next_number(
                PURCHASE_PREFIX, date=date, company=purchase.company)
        super().set_number(purchases)

    @classmethod
    def copy(cls, purchases, default=None):
        default = default.copy() if default else {}
        default.setdefault('sent_date', None)
        return super().copy(purchases, default=default)

    @classmethod
    def confirm(cls, purchases):
        """ERP-1 审核: the approve right of the program (the button's
        groups, checked first by the official button) and never by the
        order's author (the transaction is rolled back)"""
        user = acting_user()
        super().confirm(purchases)
        if user is not None:
            for purchase in purchases:
                if purchase.create_uid and purchase.create_uid.id == user:
                    raise PurchaseApprovalError(gettext(
                            'hopu_purchase.msg_purchase_confirm_own',
                            purchase=purchase.rec_name))

    def check_unapprove(self):
        "反审核 only while nothing was received nor invoiced"
        if any(m.state == 'done' for m in self.moves):
            raise PurchaseApprovalError(gettext(
                    'hopu_purchase.msg_purchase_unapprove_received',
                    purchase=self.rec_name))
        if self.invoices or any(l.invoice_lines for l in self.lines):
            raise PurchaseApprovalError(gettext(
                    'hopu_purchase.msg_purchase_unapprove_invoiced',
                    purchase=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def unapprove(cls, purchases):
        """ERP-1 反审核: a confirmed order back to draft while no receipt
        move is done and no invoice exists; its pending moves go"""
        pool = Pool()
        Move = pool.get('stock.move')
        for purchase in purchases:
            purchase.check_unapprove()
        moves = [m for p in purchases for m in p.moves]
        Move.cancel([m for m in moves if m.state not in {'cancelled'}])
        Move.delete(moves)
        cls.write(purchases, {
                'shipment_state': 'none',
                'invoice_state': 'none',
                'tax_amount_cache': None,
                'untaxed_amount_cache': None,
                'total_amount_cache': None,
                'confirmed_by': None,
                })

    @classmethod
    @ModelView.button_action('hopu_purchase.wizard_purchase_send')
    def send(cls, purchases):
        "ERP-1 5.2.2 发送采购订单"
        pass

    def send_email(self, to, subject, body):
        """Mail the order as its printed report (PDF) to the supplier
        through the SMTP server when the transaction commits"""
        pool = Pool()
        Report = pool.get('purchase.purchase', type='report')
        if self.state not in {'confirmed', 'processing', 'done'}:
            raise PurchaseSendError(gettext(
                    'hopu_purchase.msg_purchase_send_state',
                    purchase=self.rec_name))
        if not to:
            raise PurchaseSendError(gettext(
                    'hopu_purchase.msg_purchase_send_no_email',
                    purchase=self.rec_name))
        ext, content, _, name = Report.execute([self.id], {})
        from_ = config.get('email', 'from')
        msg = EmailMessage()
        msg['From'] = from_
        msg['To'] = formataddr((self.party.rec_name, to))
        msg['Subject'] = subject
        msg.set_content(body or '')
        maintype, subtype = {
            'pdf': ('application', 'pdf'),
            }.get(ext, ('application', 'octet-stream'))
        msg.add_attachment(
            bytes(content), maintype=maintype, subtype=subtype,
            filename=f'{self.number}.{ext}')
        send_message_transactional(
            msg, from_addr=parseaddr(from_)[1] or from_, to_addrs=[to])
        self.__class__.write([self], {'sent_date': dt.datetime.now()})
        self.__class__.log([self], 'button', 'send')
        return msg


class PurchaseSendStart(ModelView):
    "Send Purchase Order"
    __name__ = 'purchase.purchase.send.start'
    to = fields.Char("To", required=True,
        help="The supplier's e-mail address.")
    subject = fields.Char("Subject", required=True)
    body = fields.Text("Message")


class PurchaseSend(Wizard):
    "Send Purchase Order"
    __name__ = 'purchase.purchase.send'
    start = StateView('purchase.purchase.send.start',
        'hopu_purchase.purchase_send_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-email', default=True),
            ])
    send = StateTransition()

    def default_start(self, fields):
        purchase = wizard_record(self, 'purchase.purchase')
        email = ''
        if purchase.contact and purchase.contact.type == 'email':
            email = purchase.contact.value
        elif purchase.party:
            email = purchase.party.email or ''
        company = purchase.company.rec_name if purchase.company else ''
        return {
            'to': email,
            'subject': gettext('hopu_purchase.msg_purchase_send_subject',
                number=purchase.number or '', company=company),
            'body': gettext('hopu_purchase.msg_purchase_send_body',
                supplier=purchase.party.rec_name, number=purchase.number or '',
                company=company),
            }

    def transition_send(self):
        wizard_record(self, 'purchase.purchase').send_email(
            self.start.to, self.start.subject, self.start.body)
        return 'end'
