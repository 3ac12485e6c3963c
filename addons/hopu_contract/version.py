# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-5: the numbered versions a contract leaves when a change order is
approved, with the lines and commission shares it had. Only the contract's
workflow writes them."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary

from .commission import CommissionMixin
from .contract_line import LineMixin
from .document import is_internal
from .exceptions import ContractReadOnlyError


class Version(ModelSQL, ModelView):
    "Contract Version"
    __name__ = 'hopu.contract.version'
    contract = fields.Many2One(
        'hopu.contract', "Contract", required=True, ondelete='CASCADE',
        readonly=True)
    number = fields.Integer("Version", readonly=True)
    change = fields.Many2One(
        'hopu.contract.change', "Change Order", readonly=True,
        ondelete='RESTRICT')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    amount = Monetary(
        "Contract Amount", currency='currency', digits='currency',
        readonly=True)
    signing_date = fields.Date("Signing Date", readonly=True)
    start_date = fields.Date("Start Date", readonly=True)
    end_date = fields.Date("End Date", readonly=True)
    salesperson = fields.Many2One(
        'company.employee', "Salesperson", readonly=True)
    payment_terms = fields.Text("Payment Terms", readonly=True)
    delivery_terms = fields.Text("Delivery Terms", readonly=True)
    description = fields.Text("Remarks", readonly=True)
    lines = fields.One2Many(
        'hopu.contract.version.line', 'version', "Lines", readonly=True)
    commissions = fields.One2Many(
        'hopu.contract.version.commission', 'version', "Commission Accrual",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')
        cls._order = [('contract', 'ASC'), ('number', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.contract, Index.Range()), (t.number, Index.Range())))

    @fields.depends('contract', '_parent_contract.currency')
    def on_change_with_currency(self, name=None):
        return self.contract.currency if self.contract else None

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} v{self.number}'

    @classmethod
    def check_modification(cls, mode, versions, values=None, external=False):
        super().check_modification(
            mode, versions, values=values, external=external)
        if not is_internal(external):
            raise ContractReadOnlyError(gettext(
                    'hopu_contract.msg_version_readonly'))


class VersionLine(LineMixin, ModelSQL, ModelView):
    "Contract Version Line"
    __name__ = 'hopu.contract.version.line'
    version = fields.Many2One(
        'hopu.contract.version', "Version", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('version')
        for name in ['product', 'description', 'quantity', 'unit',
                'unit_price']:
            getattr(cls, name).readonly = True

    @fields.depends('version', '_parent_version.contract')
    def on_change_with_contract_type(self, name=None):
        if self.version and self.version.contract:
            return self.version.contract.type

    @fields.depends('version', '_parent_version.currency')
    def on_change_with_currency(self, name=None):
        return self.version.currency if self.version else None


class VersionCommission(CommissionMixin, ModelSQL, ModelView):
    "Contract Version Commission"
    __name__ = 'hopu.contract.version.commission'
    version = fields.Many2One(
        'hopu.contract.version', "Version", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('version')

    @fields.depends('version', '_parent_version.currency')
    def on_change_with_currency(self, name=None):
        return self.version.currency if self.version else None
