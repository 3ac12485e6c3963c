# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-3: the sale order of an approved product sales contract.

The sale has the contract as its origin; its lines are made as
sale_opportunity makes them, through the sale line's on_change calls, so
that they get the product's taxes, unit and other defaults as if entered
in the sale form, at the unit price the contract agreed."""
from trytond.modules.account_product.exceptions import AccountError, TaxError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['hopu.contract']


class ContractSaleMixin:
    "The sale order a product sales contract creates once approved"
    __slots__ = ()

    def get_sale(self):
        "The sale of the contract with its lines, not saved"
        pool = Pool()
        Sale = pool.get('sale.sale')
        sale = Sale(
            company=self.company,
            party=self.party,
            sale_date=self.signing_date,
            reference=self.number,
            description=self.number,
            comment=self.delivery_terms,
            origin=self,
            warehouse=Sale.default_warehouse(),
            )
        sale.on_change_party()
        sale.currency = self.currency
        sale.lines = [line.get_sale_line(sale) for line in self.lines]
        return sale

    @classmethod
    def create_sales(cls, contracts):
        "CON-3: save the sale order of each contract and link it"
        pool = Pool()
        Sale = pool.get('sale.sale')
        sales = [c.get_sale() for c in contracts]
        with without_check_access():
            Sale.save(sales)
        for contract, sale in zip(contracts, sales):
            cls.write([contract], {'sale': sale.id})
        return sales


class ContractLineSaleMixin:
    "The sale line of a contract line"
    __slots__ = ()

    def get_sale_line(self, sale):
        """The sale line with the product's defaults, for the quantity,
        unit, description and unit price of the contract"""
        pool = Pool()
        SaleLine = pool.get('sale.line')
        sale_line = SaleLine(
            type='line',
            product=self.product,
            sale=sale,
            description=self.description,
            )
        try:
            sale_line.on_change_product()
        except (AccountError, TaxError):
            # A product without accounting (no account category nor revenue
            # account) is sold without taxes, as the sale form enters it
            sale_line.taxes = []
        sale_line.quantity = self.quantity
        sale_line.unit = self.unit
        sale_line.on_change_quantity()
        # the price agreed in the contract, not the list price
        sale_line.unit_price = self.unit_price
        sale_line.amount = sale_line.on_change_with_amount()
        return sale_line
