"""The timeline of a period: each stage's scheduled start and end, and what they allow.

Every scheduled end is enforced on the server: self-assessment after its
deadline (services/mandiri.py), scoring and moderation after the end of the
stage the period is in. An admin extends a deadline by editing the timeline.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def waktu_wib(dt):
    """A moment as people here read it: "12 Desember 2026 23.59 WIB"."""
    return date_format(timezone.localtime(dt), "j F Y H.i") + " WIB"


def batas_tahap(periode):
    """The scheduled end of the stage the period is in, or None (no timeline for it)."""
    jadwal = periode.jadwal_tahap(periode.tahap)
    return jadwal.selesai if jadwal else None


def alasan_lewat_batas(periode, apa, sekarang=None):
    """Why ``apa`` (e.g. "nilai") cannot be saved: the current stage's end has passed; or None."""
    batas = batas_tahap(periode)
    if batas is not None and (sekarang or timezone.now()) >= batas:
        return _(
            "Batas waktu tahap %(tahap)s (%(waktu)s) sudah lewat; %(apa)s tidak dapat disimpan lagi."
        ) % {
            "tahap": periode.get_tahap_display(),
            "waktu": waktu_wib(batas),
            "apa": apa,
        }
    return None
