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
        """Fill the stored document values of the migrated steps from their
        contract, in SQL (the ORM is not ready while the module updates)"""
        cursor = Transaction().connection.cursor()
        cursor.execute(
            'SELECT a.id, a.document, c.number, c.company, c.party, '
            'c.salesperson, c.amount, co.currency, a.approver_user, '
            'a.approver_group, a.approver_employee '
            'FROM "hopu_approval" a '
            'JOIN "hopu_contract" c ON c.id = a.contract '
            'JOIN "company_company" co ON co.id = c.company '
            'WHERE a.document_name IS NULL')
        rows = cursor.fetchall()
        names = {
            'res_user': 'SELECT name FROM "res_user" WHERE id = %s',
            'res_group': 'SELECT name FROM "res_group" WHERE id = %s',
            'company_employee': 'SELECT p.name FROM "company_employee" e '
            'JOIN "party_party" p ON p.id = e.party WHERE e.id = %s',
            }
        if backend.name == 'sqlite':
            names = {k: v.replace('%s', '?') for k, v in names.items()}
        update = (
            'UPDATE "hopu_approval" SET document_kind = %s, '
            'document_name = %s, company = %s, party = %s, '
            'salesperson = %s, amount = %s, currency = %s, approver = %s '
            'WHERE id = %s')
        if backend.name == 'sqlite':
            update = update.replace('%s', '?')
        for (id_, document, number, company, party, salesperson, amount,
                currency, user, group, employee) in rows:
            kind, document_id = document.split(',', 1)
            name = number
            if kind != 'hopu.contract':
                name = f'{number} #{document_id}'
            if kind == 'hopu.contract.change':
                cursor.execute(
                    'SELECT amount FROM "hopu_contract_change" WHERE id = '
                    + ('?' if backend.name == 'sqlite' else '%s'),
                    (int(document_id),))
                row = cursor.fetchone()
                amount = row[0] if row else amount
            approver = ''
            for table, value in [('res_user', user), ('res_group', group),
                    ('company_employee', employee)]:
                if value:
                    cursor.execute(names[table], (value,))
                    row = cursor.fetchone()
                    approver = row[0] if row else ''
                    break
            cursor.execute(update, (kind, name, company, party, salesperson,
                    amount, currency, approver, id_))

    @classmethod
    def _document_values(cls, document):
        values = super()._document_values(document)
        if document.__name__ in CONTRACT_DOCUMENTS:
            values['contract'] = document.approval_contract.id
        return values
