# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The lines of a contract (CON-1/CON-3): products or services, quantities
and agreed prices; their fields are shared with change orders and versions
(CON-5)."""
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pyson import Bool, Eval

from .contract import CONTRACT_TYPES
from .document import DocumentCurrencyMixin, ParentLockedMixin
from .sale import ContractLineSaleMixin


class LineMixin(DocumentCurrencyMixin):
    "The fields of a contract line, shared with change orders and versions"
    __slots__ = ()
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT',
        domain=[('type', '!=', 'service')],
        states={
            'required': Eval('contract_type') == 'product',
            'invisible': Eval('contract_type') != 'product',
            })
    description = fields.Char("Description", required=True)
    quantity = fields.Float("Quantity", digits=(16, 2), required=True)
    unit = fields.Many2One(
        'product.uom', "Unit", ondelete='RESTRICT',
        states={
            'required': Bool(Eval('product')),
            'invisible': Eval('contract_type') != 'product',
            })
    unit_price = Monetary(
        "Unit Price", currency='currency', digits=(16, 4), required=True)
    amount = fields.Function(
        Monetary("Amount", currency='currency', digits='currency'),
        'on_change_with_amount')
    contract_type = fields.Function(
        fields.Selection(CONTRACT_TYPES, "Contract Type"),
        'on_change_with_contract_type')

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def _contract_type_states(cls, contract_type):
        """product and unit shown and required by the contract type, which
        a document's editable list gives from the parent before the
        computed contract_type of a new line"""
        cls.product.states = {
            'required': contract_type == 'product',
            'invisible': contract_type != 'product',
            }
        cls.unit.states = {
            'required': Bool(Eval('product')),
            'invisible': contract_type != 'product',
            }

    @fields.depends('quantity', 'unit_price', 'currency')
    def on_change_with_amount(self, name=None):
        if self.quantity is None or self.unit_price is None:
            return None
        return self.round_amount(
            Decimal(str(self.quantity)) * self.unit_price)

    @fields.depends('product', 'unit', 'description')
    def on_change_product(self):
        if self.product:
            self.unit = self.product.sale_uom
            if not self.description:
                self.description = self.product.rec_name

    def on_change_with_contract_type(self, name=None):
        raise NotImplementedError

    def line_values(self):
        return {
            'product': self.product.id if self.product else None,
            'description': self.description,
            'quantity': self.quantity,
            'unit': self.unit.id if self.unit else None,
            'unit_price': self.unit_price,
            }


class ContractLine(
        ContractLineSaleMixin, ParentLockedMixin, LineMixin, ModelSQL,
        ModelView):
    "Contract Line"
    __name__ = 'hopu.contract.line'
    contract = fields.Many2One(
        'hopu.contract', "Contract", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS FIRST'), ('id', 'ASC')]
        cls._contract_type_states(Eval('_parent_contract', {}).get(
                'type', Eval('contract_type')))

    @fields.depends('contract', '_parent_contract.type')
    def on_change_with_contract_type(self, name=None):
        return self.contract.type if self.contract else None

    @fields.depends('contract', '_parent_contract.currency')
    def on_change_with_currency(self, name=None):
        return self.contract.currency if self.contract else None
