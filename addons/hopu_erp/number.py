# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Document numbers the Chinese way (ERP-8): a prefix per kind of document,
the year and month, and a serial that starts again each month —
CG2026110001 is the first purchase order of November 2026."""
import datetime

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction


class DocumentNumber(ModelSQL, ModelView):
    "Document Number Counter"
    __name__ = 'hopu.erp.document_number'

    prefix = fields.Char("Prefix", required=True, readonly=True)
    company = fields.Many2One(
        'company.company', "Company", readonly=True, ondelete='CASCADE')
    period = fields.Char(
        "Period", readonly=True,
        help="The year and month the serial counts in (YYYYMM); empty for a "
        "serial that never starts again.")
    last = fields.Integer("Last Serial", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('prefix_company_period_unique',
                Unique(t, t.prefix, t.company, t.period),
                'hopu_erp.msg_document_number_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.prefix, Index.Equality()),
                (t.company, Index.Equality()),
                (t.period, Index.Equality())))
        cls._order = [
            ('prefix', 'ASC'), ('period', 'DESC'), ('id', 'DESC')]

    @classmethod
    def next_serials(cls, prefix, count=1, company=None, period=''):
        """Reserve count serials of the prefix in the company and period;
        the table is locked until the transaction ends, so two documents
        never get the same number"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cls.lock()
        company_id = int(company) if company is not None else None
        where = (table.prefix == prefix) & (table.period == (period or ''))
        if company_id is None:
            where &= table.company == None  # noqa: E711
        else:
            where &= table.company == company_id
        cursor.execute(*table.select(table.id, table.last, where=where))
        row = cursor.fetchone()
        if row:
            id_, last = row
            cursor.execute(*table.update(
                    [table.last, table.write_date, table.write_uid],
                    [last + count, datetime.datetime.now(),
                        Transaction().user],
                    where=table.id == id_))
        else:
            last = 0
            cursor.execute(*table.insert(
                    [table.prefix, table.company, table.period, table.last,
                        table.create_date, table.create_uid],
                    [[prefix, company_id, period or '', count,
                        datetime.datetime.now(), Transaction().user]]))
        return list(range(last + 1, last + count + 1))

    @classmethod
    def next_numbers(cls, prefix, count=1, date=None, company=None):
        "count document numbers: prefix, YYYYMM and a 4-digit serial"
        if date is None:
            date = Pool().get('ir.date').today()
        if company is None:
            company = Transaction().context.get('company')
        period = date.strftime('%Y%m')
        return [f'{prefix}{period}{serial:04d}'
            for serial in cls.next_serials(
                prefix, count, company=company, period=period)]

    @classmethod
    def next_number(cls, prefix, date=None, company=None):
        return cls.next_numbers(prefix, 1, date=date, company=company)[0]
