# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CON-4 approval flow of contracts, change and termination orders, on the
engine of hopu_approval.

Each step of a contract's document keeps the contract, so that the contract
shows the flow of its orders too (审批流) and whoever a step names sees the
contract. A rule may be limited to a contract type. The steps and rules of
the contract flow before hopu_approval (hopu_contract_approval*) move to the
engine's tables when the module is updated."""
from trytond import backend
from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .contract import CONTRACT_TYPES

CONTRACT_DOCUMENTS = {
    'hopu.contract', 'hopu.contract.change', 'hopu.contract.termination'}


def _migrate(table, old_table, columns, extra=None):
    "Copy the rows of old_table into table once, keeping the ids"
    TableHandler = backend.TableHandler
    if not TableHandler.table_exist(old_table):
        return
    cursor = Transaction().connection.cursor()
    extra = extra or {}
    names = list(columns) + list(extra)
    values = list(columns) + list(extra.values())
    cursor.execute(
        f'INSERT INTO "{table}" (id, create_uid, create_date, write_uid, '
        f'write_date, {", ".join(names)}) '
        f'SELECT id, create_uid, create_date, write_uid, write_date, '
        f'{", ".join(values)} FROM "{old_table}" '
        f'WHERE id NOT IN (SELECT id FROM "{table}")')
    if backend.name == 'postgresql':
        cursor.execute(
            f"SELECT setval('{table}_id_seq', "
            f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))')
    TableHandler.table_rename(old_table, f'{old_table}_migrated')


class ApprovalRule(metaclass=PoolMeta):
    __name__ = 'hopu.approval.rule'
    contract_type = fields.Selection(
        [(None, "")] + CONTRACT_TYPES, "Contract Type",
        states={
            'invisible': ~Eval('document').in_(sorted(CONTRACT_DOCUMENTS)),
            },
        help="Leave empty for every type.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module == 'hopu_contract':
            _migrate(cls._table, 'hopu_contract_approval_rule', [
                    'sequence', 'name', 'document', 'contract_type',
                    'min_amount', 'max_amount'])
            _migrate('hopu_approval_rule_step',
                'hopu_contract_approval_rule_step', [
                    'sequence', 'rule', 'name', 'approver_type', 'level',
                    '"group"', '"user"'])

    def match(self, document):
        if self.contract_type and document.__name__ in CONTRACT_DOCUMENTS:
            contract = document.approval_contract
            if contract.type != self.contract_type:
                return False
        return super().match(document)


class Approval(metaclass=PoolMeta):
    __name__ = 'hopu.approval'
    contract = fields.Many2One(
        'hopu.contract', "Contract", readonly=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.contract, Index.Range())))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module == 'hopu_contract':
            # the approver is kept as text, the amount and names stored for
            # the 「待我审批」 list; the state of the contract step does not
            # change
            _migrate(cls._table, 'hopu_contract_approval', [
                    'contract', 'document', 'round', 'sequence', 'name',
                    'approver_type', 'level', 'approver_group',
                    'approver_user', 'approver_employee', 'state', 'opened',
                    'decided_by', 'decided', 'comment'])
            cls._migrate_document_values()

    @classmethod
    def _migrate_document_values(cls):
        "Fill the stored document values of the steps that lack them"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(
                table.id, where=table.document_name == None))  # noqa: E711
        ids = [i for i, in cursor]
        if not ids:
            return
        for step in cls.browse(ids):
            try:
                document = step.document
                values = cls._document_values(document)
            except Exception:
                continue
            values.pop('document')
            values['approver'] = cls._approver_string({
                    'approver_user': step.approver_user
                    and step.approver_user.id,
                    'approver_group': step.approver_group
                    and step.approver_group.id,
                    'approver_employee': step.approver_employee
                    and step.approver_employee.id,
                    })
            columns = [getattr(table, n) for n in values]
            cursor.execute(*table.update(
                    columns, list(values.values()),
                    where=table.id == step.id))

    @classmethod
    def _document_values(cls, document):
        values = super()._document_values(document)
        if document.__name__ in CONTRACT_DOCUMENTS:
            values['contract'] = document.approval_contract.id
        return values
