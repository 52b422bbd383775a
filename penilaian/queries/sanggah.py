"""Reads on preliminary results and objections: the agency's page, the panel's list, the agency's timeline."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ..models import (
    Elemen,
    Indikator,
    LembarPenilaian,
    NilaiPenilai,
    PermintaanKlarifikasi,
    Sanggah,
    StatusLembar,
    StatusSanggah,
)
from ..services.sanggah import hasil_sementara_terbit


def catatan_untuk_instansi(peserta):
    """{indikator id: [(nomor, level, catatan)]}: the notes of submitted sheets, evaluators numbered, never named.

    "Penilai 1", "Penilai 2" follow the sheets' order, so the numbers stay the same
    from page to page. The panel's internal notes (catatan_panel) are never read here.
    """
    lembar = list(
        LembarPenilaian.objects.filter(peserta=peserta, status=StatusLembar.DIKIRIM)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    nomor = {pk: n for n, pk in enumerate(lembar, start=1)}
    catatan = {}
    for indikator_id, lembar_id, level, teks in (
        NilaiPenilai.objects.filter(lembar_id__in=lembar)
        .order_by("indikator__elemen__urutan", "indikator__urutan", "lembar_id")
        .values_list("indikator_id", "lembar_id", "level", "catatan")
    ):
        catatan.setdefault(indikator_id, []).append((nomor[lembar_id], level, teks))
    return catatan


@dataclass
class BarisSementara:
    indikator: Indikator
    level: Decimal | None
    catatan: list
    sanggah: Sanggah | None


@dataclass
class ElemenSementara:
    elemen: Elemen
    skor: str | None
    baris: list = field(default_factory=list)


@dataclass
class HasilSementaraInstansi:
    terbit: object  # laporan.HasilSementara
    hasil: object | None  # laporan.HasilPeserta, None when the agency had no submitted sheet
    elemen: list

    @property
    def jumlah_sanggah(self):
        return sum(1 for e in self.elemen for b in e.baris if b.sanggah)


def hasil_sementara_instansi(peserta):
    """The agency's published preliminary results, indicator by indicator with its objections; None if none."""
    terbit = hasil_sementara_terbit(peserta.periode)
    if terbit is None:
        return None
    hasil = terbit.snapshot.hasil.filter(peserta=peserta).first()
    level = hasil.level_indikator if hasil else {}
    skor = hasil.skor_elemen_mentah if hasil else {}
    catatan = catatan_untuk_instansi(peserta)
    sanggah = {s.indikator_id: s for s in Sanggah.objects.filter(peserta=peserta)}
    elemen_list = []
    for elemen in peserta.periode.elemen.prefetch_related(
        Prefetch("indikator", queryset=Indikator.objects.order_by("urutan", "pk"))
    ).order_by("urutan", "pk"):
        baris = [
            BarisSementara(
                indikator=i,
                level=Decimal(level[i.kode]) if i.kode in level else None,
                catatan=[c for c in catatan.get(i.pk, []) if c[2]],
                sanggah=sanggah.get(i.pk),
            )
            for i in elemen.indikator.all()
        ]
        elemen_list.append(ElemenSementara(elemen=elemen, skor=skor.get(elemen.kode), baris=baris))
    return HasilSementaraInstansi(terbit=terbit, hasil=hasil, elemen=elemen_list)


def sanggah_operator(peserta, pk):
    """An objection of the operator's own agency; 404 for any other."""
    return get_object_or_404(Sanggah.objects.select_related("indikator"), peserta=peserta, pk=pk)


def sanggah_periode(periode, status=None, *, q="", elemen=""):
    """The period's objections for the panel: those awaiting a decision first, oldest first.

    ``q`` searches the agency's name or code, ``elemen`` is an element's code.
    """
    qs = Sanggah.objects.filter(peserta__periode=periode)
    if status in StatusSanggah.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(peserta__instansi__nama__icontains=q) | Q(peserta__instansi__kode__icontains=q))
    if elemen:
        qs = qs.filter(indikator__elemen__kode=elemen)
    return (
        qs.select_related("peserta__instansi", "indikator__elemen", "dibuat_oleh", "diputuskan_oleh")
        .prefetch_related("indikator__rubrik")
        .annotate(
            _menunggu=Case(
                When(status=StatusSanggah.MENUNGGU, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_menunggu", "dibuat", "pk")
    )


def jumlah_sanggah(periode):
    """{status: count} of the period's objections, every status present."""
    jumlah = dict.fromkeys(StatusSanggah.values, 0)
    for status in Sanggah.objects.filter(peserta__periode=periode).values_list("status", flat=True):
        jumlah[status] += 1
    return jumlah


@dataclass
class Peristiwa:
    """One event on the agency's timeline of clarifications and objections."""

    waktu: object
    pelaku: str
    jenis: str
    indikator: Indikator
    teks: str
    level_lama: Decimal | None = None
    level_baru: Decimal | None = None


def _jawaban(permintaan):
    """The answer's text, and the files it added or replaced."""
    baris = [permintaan.jawaban]
    for baru in permintaan.bukti_baru.all():
        lama = ", ".join(b.nama_berkas for b in baru.versi_lama.all())
        baris.append(
            _("Berkas %(baru)s menggantikan %(lama)s.") % {"baru": baru.nama_berkas, "lama": lama}
            if lama
            else _("Berkas baru: %(baru)s.") % {"baru": baru.nama_berkas}
        )
    return "\n".join(baris)


def linimasa_instansi(peserta):
    """Every clarification and objection event of the agency, newest first.

    Evaluators are "Penilai" and the panel's decisions "Panel penilai": the agency
    never learns who scored it. Its own operators are named.
    """
    peristiwa = []
    klarifikasi = (
        PermintaanKlarifikasi.objects.filter(peserta=peserta)
        .select_related("indikator", "dijawab_oleh")
        .prefetch_related("bukti_baru__versi_lama")
    )
    for k in klarifikasi:
        peristiwa.append(
            Peristiwa(k.dibuat, _("Penilai"), _("Permintaan klarifikasi"), k.indikator, k.pertanyaan)
        )
        if k.dijawab_pada:
            peristiwa.append(
                Peristiwa(
                    k.dijawab_pada, k.dijawab_oleh.nama, _("Jawaban klarifikasi"), k.indikator, _jawaban(k)
                )
            )
        if k.ditarik_pada:
            peristiwa.append(
                Peristiwa(k.ditarik_pada, _("Penilai"), _("Permintaan klarifikasi ditarik"), k.indikator, "")
            )
    for s in Sanggah.objects.filter(peserta=peserta).select_related("indikator", "dibuat_oleh"):
        peristiwa.append(
            Peristiwa(
                s.dibuat, s.dibuat_oleh.nama, _("Sanggah diajukan"), s.indikator, s.alasan, s.level_semula
            )
        )
        if s.diputuskan_pada:
            peristiwa.append(
                Peristiwa(
                    s.diputuskan_pada,
                    _("Panel penilai"),
                    _("Sanggah %(status)s") % {"status": s.get_status_display().lower()},
                    s.indikator,
                    s.keputusan,
                    s.level_semula,
                    Decimal(s.level_baru) if s.level_baru is not None else s.level_semula,
                )
            )
    peristiwa.sort(key=lambda p: p.waktu, reverse=True)
    return peristiwa
