# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.hopu_sysadmin.speedup import transaction_memo
from trytond.pool import Pool, PoolMeta
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

# The documents whose moves a program covering them changes, each with
# the moves that are its own: a supplier shipment's, and the moves of the
# purchases waiting to be received (采购到货 adds them to the receipt)
MOVE_DOCUMENTS = {
    'stock.shipment.in': ['OR',
        ('shipment', 'like', 'stock.shipment.in,%'),
        [('shipment', '=', None), ('origin', 'like', 'purchase.line,%')],
        ],
    'stock.shipment.in.return': [
        ('shipment', 'like', 'stock.shipment.in.return,%')],
    'stock.shipment.out': [
        ('shipment', 'like', 'stock.shipment.out,%')],
    'stock.shipment.out.return': [
        ('shipment', 'like', 'stock.shipment.out.return,%')],
    'stock.shipment.internal': [
        ('shipment', 'like', 'stock.shipment.internal,%')],
    }
# The operations on the moves kept to the documents of the programs;
# reading is left to the programs' rights and to the other rules
MOVE_MODES = ['write', 'create', 'delete']


class Rule(metaclass=PoolMeta):
    """SYS-5: the moves of a document follow the programs of the document.
    A program that gives a right on stock.move together with documents
    of MOVE_DOCUMENTS (采购到货 the supplier shipments, 发货通知 the
    customer shipments …) gives it on the moves of those documents only; a
    program that gives it alone (库存移动 ERP-3-MOVE), or any other group
    that gives it (Tryton's stock groups), on every move. The record rules
    on stock.move use Eval('hopu_move_all_<mode>') (the user reaches every
    move for that operation) and Eval('hopu_move_domain_<mode>'): the
    union of the moves of the documents reached. The rights add up: a
    right added never hides what another right shows. The result depends
    on the user's groups only, as the rules' cache key.

    trytond's get() asks _get_context once per rule of the model: the
    documents are computed once per transaction, user, operation and
    groups (transaction_memo, dropped when the transaction writes)."""
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name == 'stock.move':
            for mode in MOVE_MODES:
                documents = cls.hopu_move_documents(mode)
                context[f'hopu_move_all_{mode}'] = documents is None
                domain = ['OR']
                for document in sorted(documents or []):
                    domain.append(MOVE_DOCUMENTS[document])
                context[f'hopu_move_domain_{mode}'] = (
                    domain if len(domain) > 1 else [('id', '=', None)])
        return context

    @classmethod
    def hopu_move_documents(cls, mode):
        """The documents (of MOVE_DOCUMENTS) whose moves the user may change
        for the mode, or None for every move"""
        User = Pool().get('res.user')
        groups = tuple(User.get_groups())
        key = (Transaction().user, mode, groups)
        memo = transaction_memo('hopu_move_documents')
        if key not in memo:
            memo[key] = cls._hopu_move_documents(mode, set(groups))
        return memo[key]

    @classmethod
    def _hopu_move_documents(cls, mode, groups):
        pool = Pool()
        Access = pool.get('ir.model.access')
        Program = pool.get('hopu.program')
        with without_check_access(), inactive_records():
            # a program archived keeps its groups: still a program's
            granting = {a.group.id for a in Access.search([
                        ('model', '=', 'stock.move'),
                        ('group', 'in', list(groups)),
                        (f'perm_{mode}', '=', True),
                        ], order=[])}
            if not granting:
                # No right of the user gives it: the access check decides
                return None
            programs = Program.search([
                    (f'group_{mode}', 'in', list(granting)),
                    ], order=[])
            if granting - {getattr(p, f'group_{mode}').id
                    for p in programs}:
                # A group that is not a program's right
                return None
            documents = set()
            for program in programs:
                covered = {m for m, rights in program.model_rights
                    if m in MOVE_DOCUMENTS and mode in rights}
                if not covered:
                    return None
                documents |= covered
        return frozenset(documents)
