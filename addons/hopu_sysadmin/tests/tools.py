# This file is part of Hopu ERP-CRM.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Helpers for scenarios of every Hopu module"
from proteus import Model

ALL_RIGHTS = (
    'read', 'create', 'write', 'delete', 'print', 'export', 'approve')


def grant_rights(user, codes, rights=ALL_RIGHTS, config=None):
    """SYS-5: grant the user these rights on the programs of these codes
    (as the administrator does in 使用者权限设定)"""
    Program = Model.get('hopu.program', config=config)
    UserRight = Model.get('hopu.user.right', config=config)
    for code in ([codes] if isinstance(codes, str) else codes):
        program, = Program.find([('code', '=', code)])
        right, = (UserRight.find([
                    ('user', '=', user.id), ('program', '=', program.id)])
            or [UserRight(user=user, program=program)])
        for name in ALL_RIGHTS:
            setattr(right, f'perm_{name}', name in rights)
        right.save()
