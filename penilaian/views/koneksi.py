"""Views that outlive a dropped database connection: the autosaves."""

import functools
import logging

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

PERCOBAAN = 3
# The session ended by the server: an administrator, a restart or failover, a crash (SQLSTATE 57P01-57P03).
SESI_DIHENTIKAN = {"57P01", "57P02", "57P03"}


def koneksi_putus(exc):
    """Whether a database error is the connection lost, rather than a query refused.

    The driver's SQLSTATE says which: class 08 (connection exception), the
    session ended by the server, or none at all when the client found the
    socket closed. A deadlock (40P01), a cancelled query (57014) and the like
    are not: the connection is fine, and the error is the request's answer.
    """
    asal = exc.__cause__
    kode = getattr(asal, "pgcode", None) or getattr(asal, "sqlstate", None)  # psycopg2, psycopg 3
    return kode is None or kode.startswith("08") or kode in SESI_DIHENTIKAN


def ulangi_bila_koneksi_putus(view):
    """Run the view again, on a new connection, when its database connection drops (twice at most).

    For the autosaves only: a view whose every write is one transaction made
    idempotent by the save's key, so that running it again after a connection
    that dropped at the commit (the change stored, the answer lost) recognises
    the save instead of applying it twice. A view run inside an outer
    transaction (``ATOMIC_REQUESTS``, a test's) is not retried: the outer
    transaction is lost with the connection, and running the view again would
    hide that.
    """

    @functools.wraps(view)
    def _view(request, *args, **kwargs):
        koneksi = connections[DEFAULT_DB_ALIAS]
        percobaan = 1
        while True:
            try:
                return view(request, *args, **kwargs)
            except (OperationalError, InterfaceError) as exc:
                if percobaan == PERCOBAAN or koneksi.in_atomic_block or not koneksi_putus(exc):
                    raise
                log.warning(
                    "Koneksi basis data terputus pada %s %s; dicoba lagi (%s dari %s)",
                    request.method,
                    request.path,
                    percobaan,
                    PERCOBAAN - 1,
                    exc_info=True,
                )
                # A transaction's atomic block has already dropped its connection; one lost
                # outside a transaction is dropped here. The next query connects anew.
                koneksi.close_if_unusable_or_obsolete()
                percobaan += 1

    return _view
