"""Reads of the decision: the winners (drafted from a snapshot, or approved), the shared ranks that
decide an award, the public page's sections, certificates a user may download."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from penilaian.models import Kategori

from ..kelompok import kode_kelompok, label_kelompok, nama_kelompok, urutan_kelompok
from ..models import HasilPeserta, KeputusanSeri, Penetapan, Sertifikat, StatusPenetapan
from .peringkat import kategori_diperingkat


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
    seri: bool = False  # a rank shared with other agencies

    @property
    def label_kelompok(self):
        return label_kelompok(self.kode_kelompok, self.kelompok)

    @property
    def dicabut(self):
        """Its certificate was revoked: the award no longer stands."""
        sertifikat = getattr(self.penghargaan, "sertifikat", None) if self.penghargaan else None
        return bool(sertifikat and sertifikat.dicabut_pada)


@dataclass
class Seri:
    """Agencies sharing a rank after every tie-break, across the last awarded rank: the panel decides."""

    kategori: Kategori
    kode_kelompok: str
    kelompok: str
    peringkat: int
    anggota: list  # [HasilPeserta], by name
    skor: Decimal
    keputusan: KeputusanSeri | None = None

    @property
    def label_kelompok(self):
        return label_kelompok(self.kode_kelompok, self.kelompok)

    @property
    def peserta_ids(self):
        return sorted(h.peserta_id for h in self.anggota)

    @property
    def peringkat_akhir(self):
        """The last rank the tie would take if ordered (rank 3 shared by two: 3 and 4)."""
        return self.peringkat + len(self.anggota) - 1

    def cocok(self, keputusan):
        return (
            keputusan.kategori_id == self.kategori.pk
            and keputusan.kode_kelompok == self.kode_kelompok
            and keputusan.peringkat == self.peringkat
            and sorted(keputusan.peserta) == self.peserta_ids
        )


@dataclass
class Draf:
    pemenang: list  # [Pemenang]
    seri: list  # [Seri] that decide an award, decided or not

    @property
    def seri_terbuka(self):
        return [s for s in self.seri if s.keputusan is None]


def peringkat_setelah_keputusan(penetapan, peserta_id, kategori, peringkat):
    """An agency's rank in a category (its snapshot entry) as the panel's tie decision of the decision left it.

    Returns the snapshot entry, with the rank the panel's order gave and the
    decision's reason as ``keputusan_panel`` where the panel decided a shared rank.
    """
    if not peringkat.get("seri"):
        return peringkat
    for (kategori_id, _kode, rank, anggota), keputusan in _keputusan_terbaru(penetapan).items():
        if kategori_id == kategori.pk and rank == peringkat["peringkat"] and peserta_id in anggota:
            baru = {**peringkat, "keputusan_panel": keputusan.alasan}
            if keputusan.keputusan == KeputusanSeri.Pilihan.URUTAN:
                baru.update(peringkat=rank + keputusan.urutan.index(peserta_id), seri=False)
            return baru
    return peringkat


def _keputusan_terbaru(penetapan):
    """The newest decision for each tie of the draft's snapshot."""
    terbaru = {}
    for k in KeputusanSeri.objects.filter(penetapan=penetapan, snapshot=penetapan.snapshot_id).select_related(
        "oleh"
    ):
        terbaru[(k.kategori_id, k.kode_kelompok, k.peringkat, tuple(sorted(k.peserta)))] = k
    return terbaru


def draf_pemenang(penetapan):
    """The draft's winners and the shared ranks that decide an award.

    Ranks 1..N of every ranked category and peer group of the snapshot. Where
    agencies share a rank across N (rank 3 shared by two when N is 3), the
    panel's decision counts: all awarded at that rank, or its order, by which
    only those it places within N are awarded. Undecided, they are all listed
    (and approval waits for the decision).
    """
    kategori = list(kategori_diperingkat(penetapan.periode).order_by("urutan"))
    semua = list(
        HasilPeserta.objects.filter(snapshot=penetapan.snapshot_id, total__isnull=False).select_related(
            "peserta__instansi"
        )
    )
    keputusan = _keputusan_terbaru(penetapan)
    n = penetapan.jumlah_peringkat
    hasil, daftar_seri = [], []
    for k in kategori:
        kunci = str(k.pk)
        bersama = defaultdict(list)  # (group, rank) → agencies sharing it
        for h in semua:
            p = h.peringkat.get(kunci)
            if p and p["seri"]:
                bersama[(h.kode_kelompok, p["peringkat"])].append(h)
        penentu = {}  # (group, rank) → Seri, for shared ranks across N
        for (kode, rank), anggota in bersama.items():
            if rank <= n < rank + len(anggota) - 1:
                anggota.sort(key=lambda h: h.peserta.instansi.nama)
                seri = Seri(
                    k, kode, anggota[0].kelompok, rank, anggota, Decimal(anggota[0].peringkat[kunci]["skor"])
                )
                seri.keputusan = keputusan.get((k.pk, kode, rank, tuple(seri.peserta_ids)))
                penentu[(kode, rank)] = seri
                daftar_seri.append(seri)
        for h in semua:
            p = h.peringkat.get(kunci)
            if not p or p["peringkat"] > n:
                continue
            rank, bersama_ = p["peringkat"], p["seri"]
            seri = penentu.get((h.kode_kelompok, rank))
            if seri and seri.keputusan and seri.keputusan.keputusan == KeputusanSeri.Pilihan.URUTAN:
                rank += seri.keputusan.urutan.index(h.peserta_id)
                bersama_ = False
                if rank > n:
                    continue
            hasil.append(
                Pemenang(
                    h.peserta_id,
                    h.peserta.instansi,
                    k,
                    h.kode_kelompok,
                    h.kelompok,
                    rank,
                    Decimal(p["skor"]),
                    seri=bersama_,
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
    daftar_seri.sort(
        key=lambda s: (posisi[s.kategori.pk], urutan_kelompok(s.kode_kelompok, s.kelompok), s.peringkat)
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
    return Draf(hasil, daftar_seri)


def pemenang(penetapan):
    """The winners of a decision, by category, peer group and rank (special mentions last).

    Approved or withdrawn: its frozen awards. Draft: as ``draf_pemenang`` lists them.
    """
    if penetapan.status == StatusPenetapan.DRAF:
        return draf_pemenang(penetapan).pemenang
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


def penetapan_ditinjau(tahun, sekarang=None):
    """The newest published-then-withdrawn decision of that year, when nothing is published now; else None.

    Its results were public: the public page says they are under review rather than "not yet announced".
    """
    sekarang = sekarang or timezone.now()
    if penetapan_terbit(tahun, sekarang) is not None:
        return None
    return (
        Penetapan.objects.filter(
            periode__tahun=tahun, status=StatusPenetapan.DITARIK, diumumkan_pada__lte=sekarang
        )
        .select_related("periode")
        .order_by("-ditarik_pada")
        .first()
    )


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
    """A certificate the user may download: admins any; an operator its own agency's once published. 404 otherwise.

    Only while its stored file is its current version: an outdated one (its text
    changed, the new version not stored yet) is never handed out as the certificate.
    """
    from instansi.rules import is_admin_bkn

    from ..services.sertifikat import terkini

    qs = Sertifikat.objects.select_related(
        "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
    )
    try:
        sertifikat = qs.get(kode=kode, status="selesai")
    except Sertifikat.DoesNotExist:
        raise Http404 from None
    if not terkini(sertifikat):
        raise Http404
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
