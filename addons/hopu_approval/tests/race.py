# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two approvers deciding the same step at once, for the tests of every
document on the approval engine (CON-4, CRM-4)."""
import threading

from trytond import backend
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction, TransactionError


def decide_at_once(user_ids, read, decide, attempts=50):
    """Each user of user_ids, in a transaction of their own with their
    preferences and the access checks, reads the document (read(pool)),
    then, once every user has read it, decides (decide(pool, record)).
    On PostgreSQL the users are threads on their own connections meeting
    before the decision; SQLite in memory is one connection: one after the
    other, and the second must be refused all the same. Return
    {user id: 'approved', the error's class name or 'gave up'}."""
    pool = Pool(DB_NAME)
    concurrent = backend.name == 'postgresql'
    barrier = threading.Barrier(len(user_ids) if concurrent else 1)
    outcomes = {}

    def approve(user_id):
        extras, first = {}, True
        for _ in range(attempts):
            try:
                with Transaction().start(
                        DB_NAME, user_id, **extras) as transaction:
                    User = pool.get('res.user')
                    context = User.get_preferences(context_only=True)
                    with transaction.set_context(
                            context, _check_access=True):
                        record = read(pool)
                        if first:
                            first = False
                            barrier.wait(timeout=30)
                        try:
                            decide(pool, record)
                        except TransactionError as e:
                            transaction.rollback()
                            e.fix(extras)
                            continue
                        transaction.commit()
                        outcomes[user_id] = 'approved'
                        return
            except UserError as e:
                outcomes[user_id] = type(e).__name__
                return
            except backend.DatabaseOperationalError:
                continue
        outcomes[user_id] = 'gave up'

    if concurrent:
        threads = [threading.Thread(target=approve, args=(u,))
            for u in user_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for user_id in user_ids:
            approve(user_id)
    return outcomes
