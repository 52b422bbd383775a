"""The public winners page: rendered once per publication and served from the cache."""

from django.core.cache import cache
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone

from bkn_award import halaman_publik

from .models import Penetapan
from .queries import kunci_cache_pemenang, pemenang_per_bagian, penetapan_terbit

# A published page changes when an approval is withdrawn or published again (both delete
# the key) or when anything it shows changes (the version); the timeout is a safety net.
LAMA_CACHE = 60 * 60 * 24


def html_pemenang(tahun, sekarang=None):
    """The page's HTML for that year, from the cache, or rendered and cached; None if nothing is published.

    ``sekarang`` renders it as of a later time: the worker prepares the page before its
    announcement, and the cached copy is served from then on.
    """
    sekarang = sekarang or timezone.now()
    kunci = kunci_cache_pemenang(tahun)
    # Stamped with the public pages' version, read before the rows: any change to what it shows
    # (a revoked certificate, a renamed agency) makes it stale.
    versi = halaman_publik.versi()
    tersimpan = cache.get(kunci)
    if tersimpan is not None and tersimpan["terbit"] <= sekarang and tersimpan.get("versi") == versi:
        return tersimpan["html"]
    penetapan = penetapan_terbit(tahun, sekarang)
    if penetapan is None:
        return None
    html = render_to_string(
        "laporan/pemenang.html",
        {"periode": penetapan.periode, "penetapan": penetapan, "bagian_list": pemenang_per_bagian(penetapan)},
    )
    cache.set(kunci, {"html": html, "terbit": penetapan.diumumkan_pada, "versi": versi}, LAMA_CACHE)
    return html


def pengumuman_berikutnya():
    """The next scheduled announcement: the public pages read differently from then on; None if none."""
    return Penetapan.objects.filter(diumumkan_pada__gt=timezone.now()).aggregate(m=Min("diumumkan_pada"))["m"]
