"""Reads of rankings: snapshots, their tables per category and peer group."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from penilaian.models import JenisKategori, Kategori

from ..kelompok import label_kelompok, urutan_kelompok
from ..models import HasilPeserta, RunPeringkat, Snapshot


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


@dataclass(frozen=True)
class Kelompok:
    """A peer group of a snapshot: its code, name, and how many of its agencies are ranked."""

    kode: str
    nama: str
    diperingkat: int

    @property
    def label(self):
        return label_kelompok(self.kode, self.nama)


def kelompok_snapshot(snapshot):
    """[Kelompok] of a snapshot, kinds in their usual order, each kind before its sub-groups."""
    baris = (
        HasilPeserta.objects.filter(snapshot=snapshot)
        .values_list("kode_kelompok", "kelompok")
        .annotate(diperingkat=Count("pk", filter=Q(total__isnull=False)))
        .order_by()
    )
    return sorted(
        (Kelompok(kode, nama, n) for kode, nama, n in baris), key=lambda k: urutan_kelompok(k.kode, k.nama)
    )


@dataclass(frozen=True)
class BarisPeringkat:
    """An agency's row in one category's ranking."""

    hasil: HasilPeserta
    kelompok: str
    skor: Decimal
    peringkat: int
    seri: bool
    pemecah_seri: bool
    rinci: bool = False  # its scores shown to four decimals: a tie, or a neighbour alike to two

    @property
    def desimal(self):
        return 4 if self.rinci else 2


def _tampak_sama(a, b):
    """Whether two rows of one group would read the same score at two decimals."""
    return a.hasil.kode_kelompok == b.hasil.kode_kelompok and round(a.skor, 2) == round(b.skor, 2)


def tabel_peringkat(snapshot, kategori, *, kelompok=None, q=""):
    """The ranking rows of one category (and peer group, by its code), by group and rank: one query."""
    qs = HasilPeserta.objects.filter(snapshot=snapshot, total__isnull=False).select_related(
        "peserta__instansi"
    )
    if kelompok:
        qs = qs.filter(kode_kelompok=kelompok)
    if q:
        qs = qs.filter(Q(peserta__instansi__nama__icontains=q) | Q(peserta__instansi__kode__icontains=q))
    kunci = str(kategori.pk)
    baris = [
        BarisPeringkat(
            hasil=h,
            kelompok=h.label_kelompok,
            skor=Decimal(p["skor"]),
            peringkat=p["peringkat"],
            seri=p["seri"],
            pemecah_seri=p["pemecah_seri"],
        )
        for h in qs
        if (p := h.peringkat.get(kunci))
    ]
    baris.sort(
        key=lambda b: (
            urutan_kelompok(b.hasil.kode_kelompok, b.hasil.kelompok),
            b.peringkat,
            b.hasil.peserta.instansi.nama,
        ),
    )
    return tandai_rinci(baris)


def tandai_rinci(baris):
    """The rows, those whose scores are to be read to four decimals marked ``rinci``.

    Scores are read to two decimals; where that would hide why one agency ranks
    above another (a tie, a tie-break, two neighbours alike to two decimals), to four.
    """
    return [
        replace(
            b,
            rinci=b.seri
            or b.pemecah_seri
            or (i > 0 and _tampak_sama(b, baris[i - 1]))
            or (i + 1 < len(baris) and _tampak_sama(b, baris[i + 1])),
        )
        for i, b in enumerate(baris)
    ]


def tanpa_peringkat(snapshot, *, kelompok=None):
    """Participants that could not be ranked: no submitted score sheet."""
    qs = HasilPeserta.objects.filter(snapshot=snapshot, total__isnull=True).select_related(
        "peserta__instansi"
    )
    if kelompok:
        qs = qs.filter(kode_kelompok=kelompok)
    return qs.order_by("peserta__instansi__nama")
