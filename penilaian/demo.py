"""The demo period of `make run`: BKN Award 2023 with its full instrument, open for self-assessment."""

from datetime import timedelta

from django.utils import timezone

from instansi.models import JenisInstansi

from . import services
from .models import Periode, Tahap

TAHUN_DEMO = 2023

# Days from today at which each stage starts; each ends where the next starts.
_HARI = {
    Tahap.PENILAIAN_MANDIRI: (-7, 21),
    Tahap.VERIFIKASI: (21, 42),
    Tahap.MODERASI: (42, 49),
    Tahap.PENETAPAN: (49, 56),
    Tahap.PENGUMUMAN: (56, 63),
}


def buat_periode_demo(*, admin):
    """Create BKN Award 2023 (once): template instrument, a timeline around today, every agency taking part.

    Returns (periode, created).
    """
    periode = Periode.objects.filter(tahun=TAHUN_DEMO).first()
    if periode is not None:
        return periode, False
    periode = services.buat_periode(
        nama=f"BKN Award {TAHUN_DEMO}", tahun=TAHUN_DEMO, oleh=admin, sumber_instrumen="templat"
    )
    awal = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    services.simpan_jadwal(
        periode=periode,
        jadwal={
            tahap: (awal + timedelta(days=mulai), awal + timedelta(days=selesai) - timedelta(minutes=1))
            for tahap, (mulai, selesai) in _HARI.items()
        },
    )
    services.tetapkan_peserta(periode=periode, jenis=JenisInstansi.values)
    periode = services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin)
    return periode, True
