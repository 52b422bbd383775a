"""The evaluator's worklist, rendered once and served from the cache until something on it changes.

The worklist is the page an evaluator opens most — after signing in, between two
sheets, paging through 626 agencies — and computing it means counting the scored
indicators of every sheet. Its HTML is cached per evaluator and query string, stamped
with two versions: the evaluator's own (their sheets and scores) and everyone's (the
periods, their schedules and participants, the agencies' names). A write that can
change a worklist replaces the version it touches, so the next visit renders afresh:

- ``post_save``/``post_delete`` receivers (``penilaian.signals``) for saves and deletes;
- ``KerjaQuerySet`` for the bulk writes that send no signals (``update``, ``bulk_create``).

Replacing a version is done at once and again after the commit: a page rendered between
the two from the old rows carries a version that is gone by then. A cached page lives
at most ``DETIK`` seconds whatever happens, and without the cache (Redis down) the page
is computed as if nothing were cached.
"""

import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import models, transaction

log = logging.getLogger(__name__)

DETIK = 120
KUNCI_SEMUA = "daftar-kerja:versi"


def kunci_penilai(pk):
    return f"daftar-kerja:versi:{pk}"


def berubah(penilai_ids=None):
    """The cached worklists of these evaluators (``None``: of every evaluator) are stale."""
    if penilai_ids is None:
        kunci = [KUNCI_SEMUA]
    else:
        kunci = [kunci_penilai(pk) for pk in set(penilai_ids) if pk is not None]
    if kunci:
        _ganti(kunci)
        transaction.on_commit(lambda: _ganti(kunci))


def _ganti(kunci):
    try:
        cache.set_many(dict.fromkeys(kunci, uuid.uuid4().hex), timeout=None)
    except Exception:  # the cache down: nothing is read from it either
        log.warning("Versi daftar kerja tidak dapat diganti di cache", exc_info=True)


def html(request, hitung):
    """The worklist's HTML for ``request`` (its user and query string): cached, or ``hitung()``."""
    permintaan = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]
    kunci_versi = [KUNCI_SEMUA, kunci_penilai(request.user.pk)]
    kunci_html = f"daftar-kerja:html:{request.user.pk}:{permintaan}"
    try:
        simpanan = cache.get_many([*kunci_versi, kunci_html])
        versi = tuple(simpanan.get(k) for k in kunci_versi)
        if None not in versi and simpanan.get(kunci_html, (None,))[0] == versi:
            return simpanan[kunci_html][1]
        if None in versi:
            # First visit since the cache started: a version that a concurrent write's wins over.
            for kunci in kunci_versi:
                cache.add(kunci, uuid.uuid4().hex, timeout=None)
            versi = tuple(cache.get_many(kunci_versi).get(k) for k in kunci_versi)
    except Exception:
        log.warning("Cache daftar kerja tidak dapat dibaca", exc_info=True)
        return hitung()
    # The version read before the rows: a write meanwhile makes this copy stale at once.
    hasil = hitung()
    if None not in versi:
        try:
            cache.set(kunci_html, (versi, hasil), DETIK)
        except Exception:
            log.warning("Cache daftar kerja tidak dapat ditulis", exc_info=True)
    return hasil


class KerjaQuerySet(models.QuerySet):
    """A queryset whose bulk writes, which send no signals, mark the worklists they touch as stale.

    ``penilai`` is the lookup from the model to the evaluator whose worklist a row is on;
    ``None`` (periods, schedules, participants) concerns every worklist. A caller that
    knows the evaluator already (the autosave) says so with ``milik(pk)``, which spares
    the query that would look it up.
    """

    penilai = None
    pindah = frozenset()  # the fields that move a row to another evaluator's worklist

    def milik(self, penilai_id):
        """These rows are on this evaluator's worklist only."""
        qs = self._chain()
        qs._penilai_diketahui = {penilai_id}
        return qs

    def _clone(self):
        qs = super()._clone()
        qs._penilai_diketahui = getattr(self, "_penilai_diketahui", None)
        return qs

    def _penilai_terdampak(self, kolom):
        if self.penilai is None or self.pindah & kolom:
            return None
        diketahui = getattr(self, "_penilai_diketahui", None)
        if diketahui is not None:
            return diketahui
        return set(self.order_by().values_list(self.penilai, flat=True).distinct())

    def update(self, **kwargs):
        terdampak = self._penilai_terdampak(kwargs.keys())
        jumlah = super().update(**kwargs)
        if jumlah:
            berubah(terdampak)
        return jumlah

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        return _semua_berubah(super().bulk_create(objs, *args, **kwargs))

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs):
        return _semua_berubah(super().bulk_update(objs, *args, **kwargs))

    bulk_update.alters_data = True


def _semua_berubah(hasil):
    """After a bulk write (its rows, or how many): every worklist, when it wrote anything."""
    if hasil:
        berubah()
    return hasil


class LembarQuerySet(KerjaQuerySet):
    penilai = "penilai_id"
    pindah = frozenset({"penilai", "penilai_id"})


class NilaiQuerySet(KerjaQuerySet):
    penilai = "lembar__penilai_id"
    pindah = frozenset({"lembar", "lembar_id"})
