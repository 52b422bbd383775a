"""Reads of notifications: a user's inbox and bell, a period's sending log."""

from django.db.models import Count
from django.shortcuts import get_object_or_404

from .models import Notifikasi, StatusEmail

JUMLAH_LONCENG = 5

# The e-mail states the admin may send again (services.kirim_ulang accepts these).
STATUS_KIRIM_ULANG = (
    StatusEmail.GAGAL,
    StatusEmail.GAGAL_TETAP,
    StatusEmail.DITOLAK,
    StatusEmail.TANPA_ALAMAT,
    StatusEmail.NONAKTIF,
)


def kotak_masuk(user, *, belum_dibaca=False):
    """The user's own notifications, newest first; only the unread ones when asked."""
    qs = Notifikasi.objects.filter(penerima=user).only(
        "pk", "penerima_id", "jenis", "judul", "isi", "tautan", "dibuat", "dibaca_pada"
    )
    if belum_dibaca:
        qs = qs.filter(dibaca_pada__isnull=True)
    return qs.order_by("-dibuat", "-pk")


def terbaru(user, jumlah=JUMLAH_LONCENG):
    """The latest few, for the bell's menu."""
    return list(kotak_masuk(user)[:jumlah])


def get_notifikasi_for_user(user, pk):
    """One of the user's own notifications; anyone else's is not found (404)."""
    return get_object_or_404(Notifikasi, penerima=user, pk=pk)


def log_periode(periode, *, status="", jenis=""):
    """What was sent for the period, to whom, and how it went: newest first, filtered."""
    qs = Notifikasi.objects.filter(periode=periode).select_related("penerima", "penerima__instansi")
    if status:
        qs = qs.filter(status_email=status)
    if jenis:
        qs = qs.filter(jenis=jenis)
    return qs.order_by("-dibuat", "-pk")


def jumlah_per_status(periode):
    """[(StatusEmail, count)] for the period, every state listed (zero too), in the choices' order."""
    jumlah = dict(
        Notifikasi.objects.filter(periode=periode)
        .order_by()
        .values_list("status_email")
        .annotate(n=Count("pk"))
        .values_list("status_email", "n")
    )
    return [(status, jumlah.get(status.value, 0)) for status in StatusEmail]
