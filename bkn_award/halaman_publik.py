"""Public pages served whole from memory to anonymous visitors, until something they show changes.

At Rakornas the winners page and the certificates' verification page (the QR code's target)
are opened by hundreds of people at once, none of them signed in. Each worker process keeps a
copy of such a page's response per address, stamped with the site's public version, a value
in the shared cache (Redis). A write that can change a public page replaces the version
(``berubah``), so every worker renders the page afresh on its next visit. The views say which
pages are kept (``tersimpan``); the middleware ``SalinanPublik``, near the top of the stack,
keeps and serves the copies:

- ``post_save``/``post_delete`` receivers (``laporan.signals``) for saves and deletes of what
  the pages show (decisions, awards, certificates, periods, categories, agencies);
- ``PublikQuerySet`` for the bulk writes that send no signals (``update``, ``bulk_create``).

The version is replaced at once and again after the commit, like the worklist's
(``penilaian.cache_kerja``). A copy is also dropped at a time the view names (the next
scheduled announcement) and after ``DETIK`` seconds whatever happens, which bounds how long
a change made while Redis was unreachable can go unseen. Without Redis the pages are computed
on every visit.

A copy carries an ETag and a Last-Modified date, and ``Cache-Control: no-cache``: a browser or
proxy keeps the page but asks each time, and is answered 304 when nothing changed. Requests
with a session or a flashed message, htmx requests and anything but GET and HEAD always go to
the view.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

log = logging.getLogger(__name__)

DETIK = 60
BATAS_SALINAN = 300  # copies per process; the least recently used is dropped
BATAS_UKURAN = 2 * 1024 * 1024  # a larger page is not kept
STATUS_DISIMPAN = {200, 410}
# The versions: "semua" for what every public page shows; "sertifikat" for a certificate's
# rendering state, which only its verification page shows (it changes for every certificate
# while a decision's certificates are rendered, and the winners page need not follow).
SEMUA = "semua"
SERTIFIKAT = "sertifikat"


def _kunci(nama):
    return f"halaman-publik:versi:{nama}"


def _baru():
    return f"{time.time():.6f}-{uuid.uuid4().hex[:12]}"


def berubah(nama=SEMUA):
    """The public pages' copies of that version are stale: at once, and again when the transaction commits."""
    _ganti(nama)
    transaction.on_commit(lambda: _ganti(nama))


def _ganti(nama=SEMUA):
    try:
        cache.set(_kunci(nama), _baru(), timeout=None)
    except Exception:  # the cache down: no copy is served without it either
        log.warning("Versi halaman publik tidak dapat diganti di cache", exc_info=True)


def versi(*nama):
    """The current versions (default: "semua"), or None when the cache cannot say.

    Without a version nothing is served from a copy.
    """
    kunci = [_kunci(n) for n in nama or (SEMUA,)]
    try:
        nilai = cache.get_many(kunci)
        if len(nilai) < len(kunci):
            # First visit since the cache started: a version that a concurrent write's wins over.
            for k in kunci:
                if k not in nilai:
                    cache.add(k, _baru(), timeout=None)
            nilai = cache.get_many(kunci)
    except Exception:
        log.warning("Versi halaman publik tidak dapat dibaca dari cache", exc_info=True)
        return None
    if len(nilai) < len(kunci):
        return None
    return tuple(nilai[k] for k in kunci)


@dataclass(frozen=True)
class Salinan:
    versi_dari: tuple  # the names of the versions
    versi: tuple
    sampai: float  # time.time() after which the copy is not served
    status: int
    isi: bytes
    header: tuple  # as the inner middleware left them; the outer (security) ones add theirs each time
    etag: str
    diubah: float  # Last-Modified: when the version was set


class _Simpanan:
    """The process's copies, least recently used first."""

    def __init__(self):
        self._salinan = OrderedDict()
        self._kunci = threading.Lock()

    def ambil(self, kunci):
        with self._kunci:
            salinan = self._salinan.get(kunci)
            if salinan is not None:
                self._salinan.move_to_end(kunci)
            return salinan

    def taruh(self, kunci, salinan):
        with self._kunci:
            self._salinan[kunci] = salinan
            self._salinan.move_to_end(kunci)
            while len(self._salinan) > BATAS_SALINAN:
                self._salinan.popitem(last=False)

    def kosongkan(self):
        with self._kunci:
            self._salinan.clear()


simpanan = _Simpanan()


def _untuk_tamu(request):
    """Only an anonymous visitor's plain GET or HEAD is answered from a copy."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HX-Request" not in request.headers
    )


def _layak(request, response):
    """A response every visitor may get as it is: nothing personal, nothing set on the client."""
    return (
        response.status_code in STATUS_DISIMPAN
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and len(response.content) <= BATAS_UKURAN
    )


def _dari_salinan(request, salinan):
    response = HttpResponse(salinan.isi, status=salinan.status)
    for nama, nilai in salinan.header:
        response[nama] = nilai
    response["ETag"] = salinan.etag
    response["Last-Modified"] = http_date(salinan.diubah)
    response["Cache-Control"] = "public, no-cache"
    # The same address shows a signed-in user another page: no shared cache may mix them.
    patch_vary_headers(response, ["Cookie"])
    return get_conditional_response(
        request, etag=salinan.etag, last_modified=int(salinan.diubah), response=response
    )


def tersimpan(sampai=None, versi_dari=(SEMUA,)):
    """Decorate a public view: anonymous visitors get its response from the process's copy.

    The view marks its response for ``SalinanPublik``, the middleware that keeps the copy
    (after the rest of the middleware added their headers) and serves it, ahead of them,
    to the next visitors. ``sampai()``, called when a copy is made, may return a datetime
    at which the page changes by itself (a scheduled announcement); the copy is not served
    from then on. ``versi_dari`` names the versions whose change makes a copy stale.
    """

    def dekorator(view):
        @wraps(view)
        def bungkus(request, *args, **kwargs):
            if not _untuk_tamu(request):
                return view(request, *args, **kwargs)
            # The version is read before the view reads the rows: a write meanwhile makes the copy stale.
            versi_ = versi(*versi_dari)
            response = view(request, *args, **kwargs)
            if versi_ is not None:
                batas = time.time() + DETIK
                if sampai is not None and (waktu := sampai()) is not None:
                    batas = min(batas, waktu.timestamp())
                response.salinan_publik = (versi_dari, versi_, batas)
            return response

        return bungkus

    return dekorator


class SalinanPublik:
    """The middleware that keeps and serves the copies of the views decorated with ``tersimpan``.

    It stands right after the security middleware: a copy is answered without the session,
    CSRF, authentication, messages and URL resolution that the page, served to an anonymous
    visitor, did not use, and with the headers those middleware had added to it. The host is
    still checked against ALLOWED_HOSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tamu = _untuk_tamu(request)
        if tamu:
            kunci = request.get_full_path()
            salinan = simpanan.ambil(kunci)
            if salinan is not None and salinan.sampai > time.time():
                request.get_host()  # DisallowedHost, a 400, as CommonMiddleware would answer
                if versi(*salinan.versi_dari) == salinan.versi:
                    return _dari_salinan(request, salinan)
        response = self.get_response(request)
        tanda = getattr(response, "salinan_publik", None)
        if not (tamu and tanda is not None and _layak(request, response)):
            return response
        versi_dari, versi_, batas = tanda
        salinan = Salinan(
            versi_dari=versi_dari,
            versi=versi_,
            sampai=batas,
            status=response.status_code,
            isi=response.content,
            header=tuple((nama, nilai) for nama, nilai in response.items() if nama != "Cache-Control"),
            etag=f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            diubah=min(max(float(v.split("-", 1)[0]) for v in versi_), time.time()),
        )
        simpanan.taruh(kunci, salinan)
        return _dari_salinan(request, salinan)


class PublikQuerySet(models.QuerySet):
    """A queryset whose bulk writes, which send no signals, make the public pages' copies stale.

    An update of only the ``kolom_sertifikat`` (a certificate's rendering state) changes the
    "sertifikat" version alone.
    """

    kolom_sertifikat = frozenset()

    def update(self, **kwargs):
        jumlah = super().update(**kwargs)
        if jumlah:
            berubah(SERTIFIKAT if kwargs.keys() <= self.kolom_sertifikat else SEMUA)
        return jumlah

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        hasil = super().bulk_create(objs, *args, **kwargs)
        if hasil:
            berubah()
        return hasil

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs):
        jumlah = super().bulk_update(objs, *args, **kwargs)
        if jumlah:
            berubah()
        return jumlah

    bulk_update.alters_data = True
