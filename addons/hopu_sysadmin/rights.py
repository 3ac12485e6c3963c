# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SYS-6 使用者权限复制 (copy rights) and the SYS-9 history of the rights."""
import datetime

from sql import Column, Literal, Null
from sql.aggregate import Count
from sql.conditionals import Coalesce
from sql.operators import Exists, Or

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import RightCopyError
from .program import RIGHTS
from .user import active_user
from .user_right import RightsMixin, chunks

MODES = [
    ('replace', "Replace"),
    ('merge', "Merge"),
    ]


class RightCopyLog(ModelSQL, ModelView):
    "User Rights Copy Log"
    __name__ = 'hopu.user.right.copy.log'
    _history = True

    date = fields.Timestamp("Date", readonly=True)
    source = fields.Many2One(
        'res.user', "From User", readonly=True, ondelete='SET NULL')
    source_login = fields.Char("From Login", readonly=True)
    targets = fields.Text("To Users", readonly=True)
    mode = fields.Selection(MODES, "Mode", readonly=True)
    programs = fields.Integer("Programs", readonly=True)
    copied_by = fields.Many2One(
        'res.user', "Copied By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class RightCopyStart(ModelView):
    "Copy User Rights"
    __name__ = 'hopu.user.right.copy.start'

    source = fields.Many2One(
        'res.user', "From User", required=True,
        domain=[('id', '!=', 0)])
    targets = fields.Many2Many(
        'res.user', None, None, "To Users", required=True,
        domain=[('id', '!=', 0)])
    mode = fields.Selection(MODES, "Mode", required=True,
        help="Replace: the target users get exactly the rights of the source "
        "user.\nMerge: the rights of the source user are added to theirs.")

    @classmethod
    def default_mode(cls):
        return 'replace'


class RightCopy(Wizard):
    "SYS-6 使用者权限复制: copy one user's rights to several users"
    __name__ = 'hopu.user.right.copy'

    start = StateView('hopu.user.right.copy.start',
        'hopu_sysadmin.user_right_copy_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Copy", 'copy_', 'tryton-ok', default=True),
            ])
    copy_ = StateTransition()

    def default_start(self, fields):
        return {'source': active_user()}

    def transition_copy_(self):
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        UserRight.copy_rights(
            self.start.source, list(self.start.targets), self.start.mode)
        return 'end'


class UserRight(metaclass=PoolMeta):
    __name__ = 'hopu.user.right'

    @classmethod
    def copy_rights(cls, source, targets, mode):
        """Copy the rights of source to the targets ('replace' or 'merge')
        and log it; return the log.

        Set-based SQL, a few statements per 500 targets: the lines whose
        rights change are updated in one statement from the source's lines,
        the missing ones inserted from them, and (replace) the surplus ones
        deleted; the history rows are written alike so that the audit trail
        stays complete."""
        pool = Pool()
        Log = pool.get('hopu.user.right.copy.log')
        User = pool.get('res.user')
        transaction = Transaction()
        cursor = transaction.connection.cursor()

        target_ids = list(dict.fromkeys(
                t.id for t in targets if t.id != source.id))
        if not target_ids:
            raise RightCopyError(
                gettext('hopu_sysadmin.msg_right_copy_no_target'))
        if mode not in dict(MODES):
            raise RightCopyError(gettext('hopu_sysadmin.msg_right_copy_mode'))
        uid = transaction.user
        now = datetime.datetime.now()
        table = cls.__table__()
        source_table = cls.__table__()

        for sub in chunks(target_ids):
            in_targets = table.user.in_(sub)
            if mode == 'replace':
                surplus = in_targets & ~table.program.in_(source_table.select(
                        source_table.program,
                        where=source_table.user == source.id))
                cls._insert_history_where(
                    table, surplus, deleted=True, date=now)
                cursor.execute(*table.delete(where=surplus))
            # one UPDATE of the lines of the programs the source has whose
            # rights differ, each right from the source's line
            source_line = cls.__table__()
            columns, values, differs = [], [], []
            for name in RIGHTS:
                column = Column(table, f'perm_{name}')
                has = Coalesce(column, False)
                source_has = Coalesce(
                    Column(source_line, f'perm_{name}'), False)
                if mode == 'merge':
                    values.append(has | source_has)
                    differs.append(source_has & ~has)
                else:
                    values.append(source_has)
                    differs.append(source_has != has)
                columns.append(column)
            cursor.execute(*table.update(
                    columns + [table.write_uid, table.write_date],
                    values + [uid, now],
                    from_=[source_line],
                    where=in_targets & (source_line.user == source.id)
                    & (source_line.program == table.program)
                    & Or(differs)))
            target = User.__table__()
            existing = cls.__table__()
            cursor.execute(*table.insert(
                    [table.user, table.program]
                    + [Column(table, f'perm_{r}') for r in RIGHTS]
                    + [table.create_uid, table.create_date],
                    source_table.join(target,
                        condition=target.id.in_(sub)).select(
                        target.id, source_table.program,
                        *[Coalesce(Column(source_table, f'perm_{r}'), False)
                            for r in RIGHTS],
                        Literal(uid), Literal(now),
                        where=(source_table.user == source.id)
                        & ~Exists(existing.select(
                                existing.id,
                                where=(existing.user == target.id)
                                & (existing.program
                                    == source_table.program))))))
            cls._insert_history_where(
                table, in_targets & ((table.write_date == now)
                    | ((table.create_date == now)
                        & (table.write_date == Null))))
        cls.sync_users(target_ids, add_only=mode == 'merge')

        cursor.execute(*source_table.select(
                Count(source_table.id), where=source_table.user == source.id))
        programs, = cursor.fetchone()
        logins = {u.id: u.login for u in User.browse(target_ids)}
        log, = Log.create([{
                    'date': now,
                    'source': source.id,
                    'source_login': source.login,
                    'targets': '\n'.join(logins[i] for i in target_ids),
                    'mode': mode,
                    'programs': programs,
                    'copied_by': uid,
                    }])
        return log

    @classmethod
    def _insert_history_where(cls, table, where, deleted=False, date=None):
        """Write the history rows of the lines of table matching where, as
        ModelSQL._insert_history does for ids"""
        if not cls._history:
            return
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        history = cls.__table_history__()
        if deleted:
            cursor.execute(*history.insert(
                    [history.id, history.write_date, history.write_uid],
                    table.select(
                        table.id, Literal(date), Literal(transaction.user),
                        where=where)))
            return
        names = [n for n, f in sorted(cls._fields.items())
            if f.sql_type() and not isinstance(f, fields.Function)]
        cursor.execute(*history.insert(
                [Column(history, n) for n in names],
                table.select(*[Column(table, n) for n in names],
                    where=where)))


class UserRightHistory(RightsMixin, ModelSQL, ModelView):
    "User Rights History"
    __name__ = 'hopu.user.right.history'
    _rights_readonly = True

    date = fields.Timestamp("Date", readonly=True)
    changed_by = fields.Many2One('res.user', "Changed By", readonly=True)
    right = fields.Integer("Right Line", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    program = fields.Many2One('hopu.program', "Program", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        UserRight = pool.get('hopu.user.right')
        history = UserRight.__table_history__()
        return history.select(
            Column(history, '__id').as_('id'),
            history.create_uid.as_('create_uid'),
            history.create_date.as_('create_date'),
            history.write_uid.as_('write_uid'),
            history.write_date.as_('write_date'),
            Coalesce(history.write_date, history.create_date).as_('date'),
            Coalesce(history.write_uid, history.create_uid).as_('changed_by'),
            history.id.as_('right'),
            history.user.as_('user'),
            history.program.as_('program'),
            *[getattr(history, f'perm_{r}').as_(f'perm_{r}')
                for r in RIGHTS])
