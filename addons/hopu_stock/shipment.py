# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""库存信息录入 and 库存调拨 (ERP-3 6.1.2, 6.3.3) on Tryton's internal
shipment: an 入库单 (RK) brings stock from outside the warehouses (the
lost and found location: gifts, returns of loans, found goods) into a
storage location, an 出库单 (CK) takes it out (consumption, scrap, loans),
and a 调拨单 (DB) moves it between two warehouses through the transit
location (shipped, then received). Each kind is numbered by hopu_erp:
prefix, year and month, and a serial (RK2026110001)."""
from trytond.model import fields
from trytond.modules.hopu_sysadmin.speedup import transaction_memo
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools.domain_inversion import eval_domain, is_leaf
from trytond.transaction import Transaction, without_check_access

KINDS = [
    ('transfer', "Transfer"),
    ('in', "Stock In"),
    ('out', "Stock Out"),
    ]
PREFIXES = {'transfer': 'DB', 'in': 'RK', 'out': 'CK'}


class ShipmentInternal(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    hopu_kind = fields.Selection(
        KINDS, "Document Kind", required=True,
        states={
            'readonly': (~Eval('state').in_(['request', 'draft'])
                | Eval('moves', [0])),
            },
        help="入库单 and 出库单 bring stock in from or take it out to the "
        "lost and found location; a 调拨单 moves it between warehouses.")
    hopu_reason = fields.Char(
        "Reason",
        states={
            'readonly': ~Eval('state').in_(['request', 'draft']),
            },
        help="Why the stock comes in, goes out or moves.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # An 入库单 comes from the lost and found location into storage, an
        # 出库单 goes the other way, a 调拨单 is between storage locations
        cls.from_location.domain = [
            cls.from_location.domain,
            If(Eval('hopu_kind') == 'in',
                ('type', '=', 'lost_found'),
                ('type', 'in', ['view', 'storage'])),
            ]
        cls.to_location.domain = [
            cls.to_location.domain,
            If(Eval('hopu_kind') == 'out',
                ('type', '=', 'lost_found'),
                ('type', 'in', ['view', 'storage'])),
            ]

    @classmethod
    def default_hopu_kind(cls):
        kind = Transaction().context.get('hopu_stock_kind')
        return kind if kind in PREFIXES else 'transfer'

    @classmethod
    def default_from_location(cls):
        if cls.default_hopu_kind() == 'in':
            return cls._lost_found()

    @classmethod
    def default_to_location(cls):
        if cls.default_hopu_kind() == 'out':
            return cls._lost_found()

    @classmethod
    def _lost_found(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('stock', 'location_lost_found')

    @classmethod
    def set_number(cls, shipments):
        """Number the shipments RK/CK/DB + YYYYMM + serial per company
        (ERP-8), instead of the sequence of the stock configuration"""
        pool = Pool()
        Number = pool.get('hopu.erp.document_number')
        Date = pool.get('ir.date')
        for shipment in shipments:
            if shipment.number:
                continue
            with Transaction().set_context(company=shipment.company.id):
                today = Date.today()
            shipment.number = Number.next_number(
                PREFIXES.get(shipment.hopu_kind, 'DB'),
                date=shipment.planned_start_date or shipment.planned_date
                or today,
                company=shipment.company)
        cls.save(shipments)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['hopu.stock.adjustment.line']


class Rule(metaclass=PoolMeta):
    """SYS-5: the moves of an internal shipment follow it. The record rules
    on stock.move may use Eval('hopu_shipment_all_<mode>') (the user is not
    restricted to some kinds of internal shipment for that operation) and
    Eval('hopu_shipment_kinds_<mode>'): the kinds the user reaches by the
    rules of stock.shipment.internal (those of the rights of ERP-3-RK, -CK,
    -DB, -DB-track). The holders of the right of 库存移动 (ERP-3-MOVE) for
    the operation reach the moves of every kind: a right added never hides
    what another right shows. trytond's get() asks _get_context once per
    rule of the model: the kinds are computed once per transaction, user,
    operation and groups (transaction_memo, dropped when the transaction
    writes)"""
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name == 'stock.move':
            for mode in sorted(cls.modes):
                kinds = cls.hopu_shipment_kinds(mode)
                context[f'hopu_shipment_all_{mode}'] = kinds is None
                context[f'hopu_shipment_kinds_{mode}'] = sorted(kinds or [])
        return context

    @classmethod
    def hopu_shipment_kinds(cls, mode):
        """The kinds of internal shipment the user reaches for the mode by
        the non-global rules, or None for all of them"""
        User = Pool().get('res.user')
        groups = tuple(User.get_groups())
        key = (Transaction().user, mode, groups)
        memo = transaction_memo('hopu_shipment_kinds')
        if key not in memo:
            memo[key] = cls._hopu_shipment_kinds(mode, groups)
        return memo[key]

    @classmethod
    def _hopu_shipment_kinds(cls, mode, groups):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Program = pool.get('hopu.program')
        with without_check_access():
            program_move = Program(
                ModelData.get_id('hopu_stock', 'program_move'))
            move_group = getattr(program_move, f'group_{mode}', None)
        if move_group and move_group.id in groups:
            return None
        clause, _ = cls.get('stock.shipment.internal', mode=mode)
        if not clause:
            return None
        kinds = set()
        for domain in clause.values():
            if _fields(domain) - {'hopu_kind'}:
                # A rule on other fields, not by kind: left to itself
                return None
            kinds.update(k for k in PREFIXES
                if eval_domain(domain, {'hopu_kind': k}))
        if kinds >= set(PREFIXES):
            return None
        return frozenset(kinds)


def _fields(domain):
    "The names of the fields a domain tests"
    if is_leaf(domain):
        return {domain[0]}
    return set().union(*(_fields(d) for d in domain
            if d not in ('AND', 'OR')))
