"""Reads of rankings: snapshots, their tables per category and peer group."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from instansi.models import JenisInstansi
from penilaian.models import JenisKategori, Kategori

from .models import HasilPeserta, RunPeringkat, Snapshot


def snapshot_periode(periode):
    return Snapshot.objects.filter(periode=periode).select_related("run", "dibuat_oleh")


def get_snapshot(periode, pk=None):
    """The chosen snapshot of the period (404 if it is not the period's), or its newest, or None."""
    qs = snapshot_periode(periode)
    if pk:
        return get_object_or_404(qs, pk=pk)
    return qs.first()


def run_terakhir(periode):
    return RunPeringkat.objects.filter(periode=periode).select_related("dibuat_oleh").first()


def kategori_diperingkat(periode):
    return Kategori.objects.filter(
        periode=periode, jenis__in=[JenisKategori.UTAMA, JenisKategori.ELEMEN]
    ).select_related("elemen")


def kelompok_snapshot(snapshot):
    """[(peer group, number of ranked agencies)] of a snapshot, in the order of the kinds."""
    urutan = {jenis.value: n for n, jenis in enumerate(JenisInstansi)}
    baris = (
        HasilPeserta.objects.filter(snapshot=snapshot)
        .values_list("peserta__instansi__jenis", "kelompok")
        .annotate(diperingkat=Count("pk", filter=Q(total__isnull=False)))
        .order_by()
    )
    per_kelompok = {}
    for jenis, kelompok, n in baris:
        kunci, lama = per_kelompok.get(kelompok, ((urutan[jenis], kelompok), 0))
        per_kelompok[kelompok] = (min(kunci, (urutan[jenis], kelompok)), lama + n)
    return [(k, n) for k, (_kunci, n) in sorted(per_kelompok.items(), key=lambda item: item[1][0])]


@dataclass(frozen=True)
class BarisPeringkat:
    """An agency's row in one category's ranking."""

    hasil: HasilPeserta
    kelompok: str
    skor: Decimal
    peringkat: int
    seri: bool
    pemecah_seri: bool


def tabel_peringkat(snapshot, kategori, *, kelompok=None, q=""):
    """The ranking rows of one category (and peer group), by group and rank: one query."""
    qs = HasilPeserta.objects.filter(snapshot=snapshot, total__isnull=False).select_related(
        "peserta__instansi"
    )
    if kelompok:
        qs = qs.filter(kelompok=kelompok)
    if q:
        qs = qs.filter(Q(peserta__instansi__nama__icontains=q) | Q(peserta__instansi__kode__icontains=q))
    kunci = str(kategori.pk)
    baris = [
        BarisPeringkat(
            hasil=h,
            kelompok=h.kelompok,
            skor=Decimal(p["skor"]),
            peringkat=p["peringkat"],
            seri=p["seri"],
            pemecah_seri=p["pemecah_seri"],
        )
        for h in qs
        if (p := h.peringkat.get(kunci))
    ]
    urutan = (
        {nama: n for n, (nama, _jumlah) in enumerate(kelompok_snapshot(snapshot))} if not kelompok else {}
    )
    return sorted(
        baris, key=lambda b: (urutan.get(b.kelompok, 0), b.peringkat, b.hasil.peserta.instansi.nama)
    )


def tanpa_peringkat(snapshot, *, kelompok=None):
    """Participants that could not be ranked: no submitted score sheet."""
    qs = HasilPeserta.objects.filter(snapshot=snapshot, total__isnull=True).select_related(
        "peserta__instansi"
    )
    if kelompok:
        qs = qs.filter(kelompok=kelompok)
    return qs.order_by("peserta__instansi__nama")
