"""Reads of a period's dashboard: each panel's numbers in a fixed number of queries, whatever the period's size.

Counts are aggregated in SQL; the leniency panel loads its narrow rows (evaluator,
agency, indicator, level) once and computes in numpy, as the ranking does.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from instansi.models import Pengguna
from penilaian.models import Elemen, NilaiPenilai, Peserta, StatusLembar, Tahap
from penilaian.queries.penilai import kemajuan_per_penilai

from ..kelompok import label_kelompok
from ..models import HasilPeserta, Snapshot

# Fewer evaluators with a comparable score than this and nobody is flagged: quartiles of three
# numbers say nothing about which one is unusual.
MINIMAL_PENILAI_PENCILAN = 4
# Tukey's fences: beyond 1.5 interquartile ranges below the first or above the third quartile.
PENGALI_IQR = 1.5


@dataclass(frozen=True)
class KemajuanMandiri:
    hari: list  # dates with submissions, ascending
    dikirim: list  # submissions on each of those days
    total: int  # participants
    tenggat: object  # the self-assessment deadline's date, or None


def kemajuan_mandiri(periode):
    """Submitted self-assessments per day (in the site's time zone), the participants, the deadline: 2 queries.

    Counts each participant's current submission: one reopened and not yet sent
    again counts as not submitted.
    """
    per_hari = (
        Peserta.objects.filter(periode=periode, dikirim_pada__isnull=False)
        .annotate(hari=TruncDate("dikirim_pada", tzinfo=timezone.get_current_timezone()))
        .values("hari")
        .annotate(n=Count("pk"))
        .order_by("hari")
    )
    hari, dikirim = [], []
    for baris in per_hari:
        hari.append(baris["hari"])
        dikirim.append(baris["n"])
    jadwal = periode.jadwal_tahap(Tahap.PENILAIAN_MANDIRI)
    return KemajuanMandiri(
        hari=hari,
        dikirim=dikirim,
        total=Peserta.objects.filter(periode=periode).count(),
        tenggat=timezone.localdate(jadwal.selesai) if jadwal else None,
    )


def kemajuan_penilai(periode):
    """Per evaluator, its live sheets and how many it submitted (one query, shared with the progress page)."""
    return list(kemajuan_per_penilai(periode))


@dataclass(frozen=True)
class Kelonggaran:
    """An evaluator's leniency: its mean difference, in rubric levels, from the other evaluators of the same cells."""

    penilai_id: int
    nama: str
    selisih: float
    jumlah: int  # (agency, indicator) cells compared
    pencilan: bool


def kelonggaran(periode):
    """Each evaluator's mean difference from the others, over the submitted sheets, outliers flagged: 2 queries.

    For each (agency, indicator) scored on two or more submitted sheets, each
    evaluator's level minus the mean of the other evaluators' levels there; an
    evaluator's leniency is the mean over its cells (+: more generous, −: stricter).
    An outlier lies beyond Tukey's fences (``PENGALI_IQR`` × IQR) of all the
    evaluators' means, when there are at least ``MINIMAL_PENILAI_PENCILAN`` of them.
    Sorted from the most generous.
    """
    baris = np.array(
        list(
            NilaiPenilai.objects.filter(
                lembar__periode=periode, lembar__status=StatusLembar.DIKIRIM, level__isnull=False
            ).values_list("lembar__penilai_id", "lembar__peserta_id", "indikator_id", "level")
        ),
        dtype=np.int64,
    ).reshape(-1, 4)
    if not len(baris):
        return []
    _sel, indeks_sel, banyak = np.unique(baris[:, 1:3], axis=0, return_inverse=True, return_counts=True)
    indeks_sel = indeks_sel.ravel()
    level = baris[:, 3].astype(float)
    jumlah_sel = np.bincount(indeks_sel, weights=level)
    banyak_baris = banyak[indeks_sel]
    dipakai = banyak_baris >= 2
    if not dipakai.any():
        return []
    lain = (jumlah_sel[indeks_sel][dipakai] - level[dipakai]) / (banyak_baris[dipakai] - 1)
    selisih = level[dipakai] - lain
    penilai, indeks_penilai = np.unique(baris[dipakai, 0], return_inverse=True)
    indeks_penilai = indeks_penilai.ravel()
    jumlah = np.bincount(indeks_penilai)
    rata = np.bincount(indeks_penilai, weights=selisih) / jumlah
    pencilan = np.zeros(len(penilai), dtype=bool)
    if len(penilai) >= MINIMAL_PENILAI_PENCILAN:
        q1, q3 = np.percentile(rata, [25, 75])
        rentang = PENGALI_IQR * (q3 - q1)
        pencilan = (rata < q1 - rentang) | (rata > q3 + rentang)
    nama = dict(Pengguna.objects.filter(pk__in=penilai.tolist()).values_list("pk", "nama"))
    hasil = [
        Kelonggaran(penilai_id=p, nama=nama.get(p, ""), selisih=s, jumlah=j, pencilan=c)
        for p, s, j, c in zip(
            penilai.tolist(), rata.round(10).tolist(), jumlah.tolist(), pencilan.tolist(), strict=True
        )
    ]
    return sorted(hasil, key=lambda k: (-k.selisih, k.nama))


def snapshot_terakhir(periode):
    """The period's newest ranking snapshot, or None (one query)."""
    return Snapshot.objects.filter(periode=periode).first()


def sebaran_kelompok(snapshot):
    """[(peer group label, [totals])] of a snapshot, in group order, agencies without a total left out: 1 query."""
    kelompok = {}
    for kode, nama, total in (
        HasilPeserta.objects.filter(snapshot=snapshot, total__isnull=False)
        .order_by("kode_kelompok", "total")
        .values_list("kode_kelompok", "kelompok", "total")
    ):
        kelompok.setdefault((kode, nama), []).append(float(total))
    return [(label_kelompok(kode, nama), nilai) for (kode, nama), nilai in kelompok.items()]


def reliabilitas(snapshot):
    """[(element name, {"icc", "alpha", "n", "cukup"})] of a snapshot, elements in order, then the total: 1 query."""
    rel = snapshot.reliabilitas or {}
    per_elemen = rel.get("elemen", {})
    baris = [
        (f"{kode} {nama}", per_elemen[kode])
        for kode, nama in Elemen.objects.filter(periode_id=snapshot.periode_id)
        .order_by("urutan", "kode")
        .values_list("kode", "nama")
        if kode in per_elemen
    ]
    if "total" in rel:
        baris.append(("Nilai total", rel["total"]))
    return baris
