# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What a contract and its change and termination orders share: the writes
their own workflow makes (internal), the lock of their lines and commission
shares on the document's state (CON-8/CON-9) and their approval (CON-4) on
the engine of hopu_approval."""
from decimal import Decimal
from functools import wraps

from trytond.model import fields
from trytond.modules.hopu_approval.approval import ApprovalMixin
from trytond.transaction import Transaction

INTERNAL = '_hopu_contract_internal'
ZERO = Decimal(0)
CENT = Decimal('0.01')


def internal(func):
    "Run func with the right to write the documents' internal fields"
    @wraps(func)
    def wrapper(*args, **kwargs):
        with Transaction().set_context(**{INTERNAL: True}):
            return func(*args, **kwargs)
    return wrapper


def is_internal(external=None):
    """Whether the server writes on its own behalf (the documents' workflow,
    an update) rather than for a client; external is the flag of
    check_modification, by default read from the transaction as Tryton
    does"""
    transaction = Transaction()
    if external is None:
        external = transaction.user and transaction.check_access
    return not external or bool(transaction.context.get(INTERNAL))


class DocumentCurrencyMixin:
    "The currency of a line or share: its document's (the company's)"
    __slots__ = ()
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')

    def on_change_with_currency(self, name=None):
        raise NotImplementedError

    def round_amount(self, amount):
        "The amount rounded as the currency is (to the cent without one)"
        currency = getattr(self, 'currency', None)
        if currency:
            return currency.round(amount)
        return amount.quantize(CENT)


class ParentLockedMixin:
    """Lines and commission shares change only while their document may
    (CON-8/CON-9): the document's check_modify runs on the server for every
    line created, written (on its document and on the one it moves to) or
    deleted."""
    __slots__ = ()
    _parent_field = 'contract'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Read and changed by who may read and change the document, under
        # its record rules
        cls.__access__.add(cls._parent_field)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        Parent = getattr(cls, cls._parent_field).get_target()
        parents = {getattr(l, cls._parent_field) for l in lines}
        if mode == 'write' and values.get(cls._parent_field) is not None:
            parents.add(Parent(values[cls._parent_field]))
        Parent.check_modify(list(parents), external=external)


class ApprovalDocumentMixin(ApprovalMixin):
    """A document approved by the contract flow (CON-4): contract, change
    or termination order, on the engine of hopu_approval"""
    __slots__ = ()

    @property
    def approval_contract(self):
        raise NotImplementedError

    @property
    def approval_employee(self):
        return self.approval_contract.salesperson

    @property
    def approval_salesperson(self):
        return self.approval_employee

    @property
    def approval_party(self):
        return self.approval_contract.party

    @property
    def approval_company(self):
        return self.approval_contract.company

    @classmethod
    @internal
    def approval_done(cls, documents):
        cls.approve(documents)

    @classmethod
    @internal
    def approval_rejected(cls, documents):
        cls.reject(documents)
