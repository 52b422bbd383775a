"""Reads of rankings: snapshots, their tables per category and peer group."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from penilaian.models import JenisKategori, Kategori

from .kelompok import kode_kelompok, label_kelompok, nama_kelompok, urutan_kelompok
from .models import HasilPeserta, Penetapan, RunPeringkat, Sertifikat, Snapshot


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
    return sorted(
        baris,
        key=lambda b: (
            urutan_kelompok(b.hasil.kode_kelompok, b.hasil.kelompok),
            b.peringkat,
            b.hasil.peserta.instansi.nama,
        ),
    )


def tanpa_peringkat(snapshot, *, kelompok=None):
    """Participants that could not be ranked: no submitted score sheet."""
    qs = HasilPeserta.objects.filter(snapshot=snapshot, total__isnull=True).select_related(
        "peserta__instansi"
    )
    if kelompok:
        qs = qs.filter(kode_kelompok=kelompok)
    return qs.order_by("peserta__instansi__nama")


# Winners, publication and certificates.


@dataclass(frozen=True)
class Pemenang:
    """An award, drafted (from a snapshot) or approved (a Penghargaan)."""

    peserta_id: int
    instansi: object
    kategori: Kategori
    kode_kelompok: str
    kelompok: str
    peringkat: int | None
    skor: Decimal | None
    alasan: str = ""
    penghargaan: object = None

    @property
    def label_kelompok(self):
        return label_kelompok(self.kode_kelompok, self.kelompok)


def pemenang(penetapan):
    """The winners of a decision, by category, peer group and rank (special mentions last).

    Approved: its frozen awards. Draft: ranks 1..N of every ranked category and
    group in its snapshot (shared ranks included), and the special mentions.
    """
    if penetapan.status != "draf":
        return [
            Pemenang(
                peserta_id=p.peserta_id,
                instansi=p.peserta.instansi,
                kategori=p.kategori,
                kode_kelompok=p.kode_kelompok,
                kelompok=p.kelompok,
                peringkat=p.peringkat,
                skor=p.skor,
                alasan=p.alasan,
                penghargaan=p,
            )
            for p in penetapan.penghargaan.select_related("peserta__instansi", "kategori", "sertifikat")
        ]
    kategori = list(kategori_diperingkat(penetapan.periode).order_by("urutan"))
    hasil = []
    semua = list(
        HasilPeserta.objects.filter(snapshot=penetapan.snapshot, total__isnull=False).select_related(
            "peserta__instansi"
        )
    )
    for k in kategori:
        kunci = str(k.pk)
        for h in semua:
            p = h.peringkat.get(kunci)
            if p and p["peringkat"] <= penetapan.jumlah_peringkat:
                hasil.append(
                    Pemenang(
                        h.peserta_id,
                        h.peserta.instansi,
                        k,
                        h.kode_kelompok,
                        h.kelompok,
                        p["peringkat"],
                        Decimal(p["skor"]),
                    )
                )
    posisi = {k.pk: n for n, k in enumerate(kategori)}
    hasil.sort(
        key=lambda p: (
            posisi[p.kategori.pk],
            urutan_kelompok(p.kode_kelompok, p.kelompok),
            p.peringkat,
            p.instansi.nama,
        )
    )
    for khusus in penetapan.khusus.select_related(
        "peserta__instansi__induk", "peserta__subkelompok", "kategori"
    ).order_by("kategori__urutan", "peserta__instansi__nama"):
        hasil.append(
            Pemenang(
                khusus.peserta_id,
                khusus.peserta.instansi,
                khusus.kategori,
                kode_kelompok(khusus.peserta),
                nama_kelompok(khusus.peserta),
                None,
                None,
                khusus.alasan,
            )
        )
    return hasil


def kunci_cache_pemenang(tahun):
    return f"pemenang:{tahun}"


def penetapan_terbit(tahun, sekarang=None):
    """The published decision of that year's period, or None (nothing is public before its time)."""
    sekarang = sekarang or timezone.now()
    penetapan = (
        Penetapan.objects.filter(periode__tahun=tahun, status="disetujui", diumumkan_pada__lte=sekarang)
        .select_related("periode", "snapshot")
        .first()
    )
    return penetapan


def pemenang_per_bagian(penetapan):
    """[(kategori, [(kode kelompok, label kelompok, [Pemenang])])] for the public page."""
    bagian = []
    for p in pemenang(penetapan):
        if not bagian or bagian[-1][0] != p.kategori:
            bagian.append((p.kategori, []))
        kelompok = bagian[-1][1]
        if not kelompok or kelompok[-1][0] != p.kode_kelompok:
            kelompok.append((p.kode_kelompok, p.label_kelompok, []))
        kelompok[-1][2].append(p)
    return bagian


def get_sertifikat_untuk_pengguna(user, kode):
    """A certificate the user may download: admins any; an operator its own agency's once published. 404 otherwise."""
    from instansi.rules import is_admin_bkn

    qs = Sertifikat.objects.select_related(
        "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
    )
    try:
        sertifikat = qs.get(kode=kode, status="selesai")
    except Sertifikat.DoesNotExist:
        raise Http404 from None
    penetapan = sertifikat.penghargaan.penetapan
    if is_admin_bkn(user):
        return sertifikat
    if (
        getattr(user, "instansi_id", None) == sertifikat.penghargaan.peserta.instansi_id
        and penetapan.terbit(timezone.now())
        and not sertifikat.dicabut_pada
    ):
        return sertifikat
    raise Http404
