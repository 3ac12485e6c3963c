# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""ERP-2 销售管理 on Tryton's sale: the customers are the CRM's, each
quotation and order belongs to a salesperson (业务员, CRM-2 record rules: own,
subtree, all). 销售报价: 报价 numbers the quotation BJ+YYYYMM+serial and
submits it to the approval engine of hopu_approval (rules by amount band,
the salesperson's supervisor chain); 销售订单: 审核 (the official confirm)
of an approved quotation by a user with the approve right of the program
ERP-2-SO and never by its author numbers the order XS+YYYYMM+serial;
反审核 while nothing was shipped nor invoiced."""
import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

from sql import Cast, Null
from sql.conditionals import Case
from sql.operators import Concat

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelView, Workflow, fields
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.modules.hopu_sysadmin.party import RecNameColumnMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.tools import timezone as tz
from trytond.transaction import Transaction, without_check_access

from .exceptions import SaleApprovalError

QUOTATION_PREFIX = 'BJ'
ORDER_PREFIX = 'XS'
INTERNAL = '_hopu_sale_approval'
#: the computed columns of the lists that read them in bulk (Sale.read)
LIST_AMOUNTS = ('untaxed_amount', 'quotation_expire')
QUOTATION_STATES = [
    (None, ""),
    ('waiting', "Waiting for Approval"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ]


def to_decimal(value):
    "A numeric column as a Decimal (SQLite gives a float or None)"
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value or 0))


def acting_user():
    """The user a client acts as, None when the server acts on its own
    behalf (the queue, the approval engine, an update)"""
    transaction = Transaction()
    if transaction.user and transaction.check_access:
        return transaction.user
    return None


def check_rules(cls, records, mode='write'):
    """The user's record rules on the records a button acts on: a button
    that writes nothing (a record in another state) does not check them"""
    if acting_user() is not None and records:
        cls._ModelSQL__check_domain_rule([r.id for r in records], mode)


class ConfigurationSaleMethod(metaclass=PoolMeta):
    __name__ = 'sale.configuration.sale_method'

    @classmethod
    def default_sale_invoice_method(cls, **pattern):
        "销售开票 from what was shipped: 反审核 stays possible until then"
        return 'fulfillment'


class Sale(RecNameColumnMixin, ApprovalMixin, metaclass=PoolMeta):
    """Besides ERP-2's workflow, what makes 销售订单 a list as fast as the
    same query in SQL (issue 15, bench/sale_orders.py): the order's name is
    read in its SELECT (column_rec_name), the untaxed amount of the orders
    not yet confirmed is summed from one statement over their lines
    (get_amount), so is the quotation's expiry (get_quotation_expire); a
    list's read adds both to its rows without the getters (read), and
    the record rule's column (the salesperson) is indexed; the names of
    the company, currency, warehouse and salesperson are kept across
    requests (hopu_sysadmin's rec_name_cache.py)."""
    __name__ = 'sale.sale'

    salesperson = fields.Many2One(
        'company.employee', "Salesperson",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': ~Eval('state').in_(['draft', 'quotation']),
            },
        help="The salesperson the quotation and the order belong to "
        "(by default the customer's).")
    quotation_number = fields.Char(
        "Quotation Number", readonly=True,
        help="The number of the quotation (BJ), kept once the order has "
        "its own (XS).")
    quotation_state = fields.Selection(
        QUOTATION_STATES, "Quotation Approval", readonly=True, sort=False)
    approvals = fields.Function(fields.One2Many(
            'hopu.approval', None, "Approval Flow", readonly=True),
        'get_approvals', setter='set_approvals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # CRM-2: every list of a salesperson or a supervisor is searched by
        # the record rule's salesperson IN (subtree)
        cls._sql_indexes.add(Index(t, (t.salesperson, Index.Range())))
        cls.salesperson.search_context = {'active_test': False}
        cls.quotation_expire.getter = 'get_amount'
        cls._transitions |= {('processing', 'draft')}
        cls._buttons['confirm']['invisible'] = (
            (Eval('state') != 'quotation')
            | (Eval('quotation_state') != 'approved'))
        cls._buttons['confirm']['depends'] = ['state', 'quotation_state']
        cls._buttons['draft']['invisible'] = ~Eval('state').in_(
            ['cancelled', 'quotation'])
        cls._buttons.update({
                'unapprove': {
                    'invisible': ~Eval('state').in_(
                        ['confirmed', 'processing']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def column_rec_name(cls, tables):
        """The SQL of sale's get_rec_name: the number (with sale_history's
        revision), the reference in brackets, else the id in brackets"""
        sale, _ = tables[None]
        text = cls.number.sql_type().base
        number = Concat(sale.number, Case(
                (sale.revision != 0, Concat('/', Cast(sale.revision, text))),
                else_=''))
        reference = Concat(Concat('[', sale.reference), ']')
        has_number = number != ''
        has_reference = sale.reference != ''
        return Case(
            (has_number & has_reference,
                Concat(Concat(number, ' '), reference)),
            (has_number, number),
            (has_reference, reference),
            else_=Concat(Concat('(', Cast(sale.id, text)), ')'))

    @classmethod
    def get_amount(cls, sales, names):
        """The two computed columns of the lists, from one statement for
        the page (one getter: trytond calls it once for both): the untaxed
        amount (stored once confirmed; of an order not yet confirmed, the
        sum of its lines' amounts as sale.line's amount makes each:
        quantity × unit price rounded by the order's currency) and the
        quotation's expiry (get_quotation_expire); the tax and total
        amounts, and everything in the past (_datetime), as sale computes
        them"""
        names = set(names)
        result = {}
        fast = {'untaxed_amount', 'quotation_expire'} & names
        if Transaction().context.get('_datetime'):
            fast = set()
        if 'quotation_expire' in names and not fast:
            result['quotation_expire'] = {
                s.id: s.on_change_with_quotation_expire() for s in sales}
        rest = names - fast - {'quotation_expire'}
        if rest:
            # the form's amounts: sale's, the untaxed one with the others
            rest |= names & {'untaxed_amount'}
            fast.discard('untaxed_amount')
            result.update(super().get_amount(sales, list(rest)))
        if fast:
            for name, values in cls._list_amounts(
                    [s.id for s in sales]).items():
                if name in fast:
                    result[name] = values
        return result

    @classmethod
    def read(cls, ids, fields_names):
        """A list's untaxed amounts and expiries (LIST_AMOUNTS) added to
        the rows of the other fields from _list_amounts, without trytond's
        path of the getters (the page's records instantiated and each
        filled with every column read, then the getter): the access to
        the fields checked first as trytond's read checks it, the records
        (and their rules) by the read of the other fields. A form's read
        (with the tax and total amounts), a read in the past or of these
        fields alone goes through the getter (get_amount)."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelFieldAccess = pool.get('ir.model.field.access')
        if (not ids or not isinstance(fields_names, (list, tuple))
                or Transaction().context.get('_datetime')):
            return super().read(ids, fields_names)
        fast = [n for n in fields_names if n in LIST_AMOUNTS]
        rest = [n for n in fields_names if n not in LIST_AMOUNTS]
        if (not fast or not any(
                    n in cls._fields and n not in {'id', 'rec_name'}
                    for n in rest)
                or {'tax_amount', 'total_amount'} & set(rest)):
            return super().read(ids, fields_names)
        ModelAccess.check(cls.__name__, 'read')
        ModelFieldAccess.check(cls.__name__, fast, 'read')
        rows = super().read(ids, rest)
        amounts = cls._list_amounts([r['id'] for r in rows])
        for row in rows:
            for name in fast:
                row[name] = amounts[name][row['id']]
        return rows

    @classmethod
    def get_quotation_expire(cls, sales, name):
        "The quotation's expiry, as the lists read it"
        return cls.get_amount(sales, [name])[name]

    @classmethod
    def _list_amounts(cls, ids):
        """untaxed_amount and quotation_expire of the sales of ids from one
        statement (the orders, their currency's rounding and, for the
        orders without stored amounts, their lines)"""
        pool = Pool()
        Line = pool.get('sale.line')
        Currency = pool.get('currency.currency')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        sale = cls.__table__()
        line = Line.__table__()
        currency = Currency.__table__()
        company = Company.__table__()
        stored = (sale.state.in_(cls._states_cached)
            & (sale.untaxed_amount_cache != Null)
            & (sale.tax_amount_cache != Null)
            & (sale.total_amount_cache != Null))
        query = sale.join(currency, condition=currency.id == sale.currency
            ).join(company, 'LEFT', condition=company.id == sale.company
            ).join(line, 'LEFT', condition=(line.sale == sale.id)
            & (line.type == 'line') & ~stored)
        amounts, expires, today = {}, {}, {}
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*query.select(sale.id, stored,
                    sale.untaxed_amount_cache, currency.rounding,
                    line.quantity, line.unit_price, sale.company,
                    company.timezone, sale.quotation_date,
                    sale.quotation_validity,
                    where=fields.SQL_OPERATORS['in'](sale.id, list(sub_ids))))
            for (sale_id, is_stored, untaxed, rounding, quantity,
                    unit_price, company_id, timezone, date,
                    validity) in cursor:
                if is_stored:
                    amounts[sale_id] = to_decimal(untaxed)
                else:
                    amount = amounts.setdefault(sale_id, Decimal(0))
                    if quantity is not None:
                        # currency.round without loading the currency
                        amounts[sale_id] = amount + Currency._round(
                            Decimal(str(quantity)) * to_decimal(unit_price),
                            to_decimal(rounding), ROUND_HALF_EVEN)
                if sale_id in expires:
                    continue
                expires[sale_id] = None
                if validity is None:
                    continue
                if not isinstance(validity, dt.timedelta):
                    # SQLite keeps the interval in seconds
                    validity = dt.timedelta(seconds=validity)
                if date is None:
                    if company_id not in today:
                        # as company's ir.date today, with the timezone
                        # read here rather than by loading the company
                        if timezone:
                            today[company_id] = Date.today(
                                timezone=tz.ZoneInfo(timezone))
                        else:
                            with transaction.set_context(company=company_id):
                                today[company_id] = Date.today()
                    date = today[company_id]
                elif not isinstance(date, dt.date):
                    date = dt.date.fromisoformat(date)
                expires[sale_id] = date + validity
        return {'untaxed_amount': amounts, 'quotation_expire': expires}

    @classmethod
    def default_salesperson(cls):
        return Transaction().context.get('employee')

    @fields.depends('party', 'salesperson')
    def on_change_party(self):
        super().on_change_party()
        if self.party and getattr(self.party, 'salesperson', None):
            self.salesperson = self.party.salesperson

    @classmethod
    def preprocess_values(cls, mode, values):
        """The salesperson of a new order is the customer's (CRM-2), else
        the user's employee"""
        pool = Pool()
        Party = pool.get('party.party')
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and not values.get('salesperson')
                and values.get('party')):
            with without_check_access():
                party = Party(values['party'])
                if party.salesperson:
                    values['salesperson'] = party.salesperson.id
        if mode == 'create' and not values.get('salesperson'):
            values['salesperson'] = cls.default_salesperson()
        return values

    @classmethod
    def get_approvals(cls, sales, name):
        "审批流: every round of the quotation's approval"
        pool = Pool()
        Approval = pool.get('hopu.approval')
        result = {s.id: [] for s in sales}
        steps = Approval.search([
                ('document', 'in', [str(s) for s in sales]),
                ], order=[('round', 'ASC'), ('sequence', 'ASC')])
        for step in steps:
            result[step.document.id].append(step.id)
        return result

    @classmethod
    def set_approvals(cls, sales, name, value):
        "The steps are the approval engine's to write"
        pass

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('quotation_number', None)
        default.setdefault('quotation_state', None)
        return super().copy(sales, default=default)

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op, domain, ('quotation_number', operator, value)]

    @classmethod
    def set_number(cls, sales):
        """ERP-8: 销售报价 BJ + YYYYMM + serial of the month, per company,
        when quoted (the order gets its XS number at 审核)"""
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        Date = pool.get('ir.date')
        for sale in sales:
            if sale.number:
                continue
            with Transaction().set_context(company=sale.company.id):
                date = sale.quotation_date or Date.today()
            sale.number = sale.quotation_number = Number.next_number(
                QUOTATION_PREFIX, date=date, company=sale.company)
        cls.save(sales)

    @property
    def approval_amount(self):
        return self.total_amount

    @property
    def approval_currency(self):
        return self.currency

    @classmethod
    def quote(cls, sales):
        "报价: the quotation is submitted to its approval (rules)"
        check_rules(cls, sales)
        super().quote(sales)
        sales = [s for s in sales if s.state == 'quotation']
        cls.write(sales, {'quotation_state': 'waiting'})
        cls.approval_start(sales)

    @classmethod
    def draft(cls, sales):
        """Withdrawn while waiting: the open steps are cancelled; an
        approved order goes back to draft only by 反审核"""
        pool = Pool()
        Approval = pool.get('hopu.approval')
        check_rules(cls, sales)
        for sale in sales:
            if sale.state == 'confirmed':
                raise SaleApprovalError(gettext(
                        'hopu_sale.msg_sale_draft_confirmed',
                        sale=sale.rec_name))
        Approval.cancel_round(
            [s for s in sales if s.quotation_state == 'waiting'])
        super().draft(sales)
        cls.write(sales, {'quotation_state': None})

    @classmethod
    def approval_done(cls, sales):
        "The quotation is approved: it may be 审核-ed as an order"
        with Transaction().set_context(**{INTERNAL: True}):
            cls.write(sales, {'quotation_state': 'approved'})

    @classmethod
    def approval_rejected(cls, sales):
        "The quotation goes back to the salesperson, as a draft"
        with Transaction().set_context(**{INTERNAL: True}):
            cls.draft(sales)
            cls.write(sales, {'quotation_state': 'rejected'})

    @classmethod
    def confirm(cls, sales):
        """ERP-2 审核: an approved quotation, by a user with the approve
        right of the program (the button's groups, checked first by the
        official button) and never by the order's author; the order is
        numbered XS + YYYYMM + serial of the month"""
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        Date = pool.get('ir.date')
        user = acting_user()
        check_rules(cls, sales)
        sales = [s for s in sales if s.state == 'quotation']
        super().confirm(sales)
        # after the official button's check of the approve right; the
        # transaction is rolled back
        for sale in sales:
            if sale.quotation_state != 'approved':
                raise SaleApprovalError(gettext(
                        'hopu_sale.msg_sale_quotation_not_approved',
                        sale=sale.rec_name))
            if (user is not None and sale.create_uid
                    and sale.create_uid.id == user):
                raise SaleApprovalError(gettext(
                        'hopu_sale.msg_sale_confirm_own',
                        sale=sale.rec_name))
        for sale in sales:
            if sale.number and sale.number != sale.quotation_number:
                continue
            with Transaction().set_context(company=sale.company.id):
                date = sale.sale_date or Date.today()
            sale.number = Number.next_number(
                ORDER_PREFIX, date=date, company=sale.company)
        cls.save(sales)

    @classmethod
    def process(cls, sales):
        check_rules(cls, sales)
        super().process(sales)

    def check_unapprove(self):
        "反审核 only while nothing was shipped nor invoiced"
        if any(m.state == 'done' for l in self.lines for m in l.moves):
            raise SaleApprovalError(gettext(
                    'hopu_sale.msg_sale_unapprove_shipped',
                    sale=self.rec_name))
        if self.invoices or any(l.invoice_lines for l in self.lines):
            raise SaleApprovalError(gettext(
                    'hopu_sale.msg_sale_unapprove_invoiced',
                    sale=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def unapprove(cls, sales):
        """ERP-2 反审核: a confirmed order back to draft while no move is
        done and no invoice exists; its pending shipments and moves go and
        the quotation is approved again before the next 审核"""
        pool = Pool()
        Move = pool.get('stock.move')
        ShipmentOut = pool.get('stock.shipment.out')
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        check_rules(cls, sales)
        for sale in sales:
            sale.check_unapprove()
        shipments = list({s for sale in sales for s in sale.shipments})
        returns = list({s for sale in sales for s in sale.shipment_returns})
        moves = {m for sale in sales for l in sale.lines for m in l.moves}
        moves.update(m for s in shipments + returns for m in s.moves)
        moves = list(moves)
        # the order's own work, once 反审核 was allowed to the user
        with without_check_access():
            ShipmentOut.cancel([s for s in shipments
                    if s.state not in {'cancelled', 'done'}])
            ShipmentOutReturn.cancel([s for s in returns
                    if s.state not in {'cancelled', 'done'}])
            Move.cancel([m for m in moves if m.state != 'cancelled'])
            Move.delete(moves)
            ShipmentOut.delete(shipments)
            ShipmentOutReturn.delete(returns)
        cls.write(sales, {
                'shipment_state': 'none',
                'invoice_state': 'none',
                'quotation_state': None,
                'tax_amount_cache': None,
                'untaxed_amount_cache': None,
                'total_amount_cache': None,
                'confirmed_by': None,
                'quoted_by': None,
                })
