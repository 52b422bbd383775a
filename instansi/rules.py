"""Who may do what: the role predicates, and the permissions built on them.

Views check these permissions (``permission_required``), templates show only
the links a user may follow (``perms``). Objects that belong to an agency are
additionally fetched through functions that take the user, so another agency's
object answers 404.
"""

import rules

from .models import Peran


def _has_role(user, *roles):
    return bool(user.is_authenticated and user.is_active and getattr(user, "peran", None) in roles)


@rules.predicate
def is_admin_bkn(user):
    return _has_role(user, Peran.ADMIN)


@rules.predicate
def is_ketua(user):
    return _has_role(user, Peran.KETUA)


@rules.predicate
def is_penilai(user):
    """A penilai, or the ketua, who may do whatever a penilai may."""
    return _has_role(user, Peran.PENILAI, Peran.KETUA)


@rules.predicate
def is_operator(user):
    return _has_role(user, Peran.OPERATOR) and user.instansi_id is not None


rules.add_perm("instansi.kelola_instansi", is_admin_bkn)
rules.add_perm("instansi.beranda_admin", is_admin_bkn)
rules.add_perm("instansi.beranda_ketua", is_ketua)
rules.add_perm("instansi.beranda_penilai", is_penilai & ~is_ketua)
rules.add_perm("instansi.beranda_operator", is_operator)
