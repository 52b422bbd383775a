"""Reads of the evaluation: score sheets, what moderation must look at, progress, the audit trail."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, When
from django.http import Http404

from instansi.models import Peran
from instansi.rules import is_admin_bkn, is_ketua

from ..models import (
    BuktiDukung,
    Indikator,
    JawabanMandiri,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    Peserta,
    RiwayatNilai,
    StatusLembar,
    StatusTinjauan,
    TinjauanKonflik,
)

AKTIF = ~Q(status=StatusLembar.DIBATALKAN)


def get_lembar_for_user(user, pk):
    """A score sheet the user may open; 404 otherwise.

    An evaluator opens its own live sheets; the panel chair and admins read any
    sheet (to moderate and audit), a cancelled one included.
    """
    qs = LembarPenilaian.objects.select_related("periode", "peserta__instansi", "penilai")
    if not (is_ketua(user) or is_admin_bkn(user)):
        qs = qs.filter(AKTIF, penilai=user)
    try:
        return qs.get(pk=pk)
    except LembarPenilaian.DoesNotExist:
        raise Http404 from None


def lembar_sendiri(user, pk):
    """The user's own score sheet, as the autosave needs it (no joins); 404 otherwise.

    The same sheets as ``get_lembar_for_user`` followed by the own-sheet check: an
    evaluator's live sheets; the panel chair's and an admin's own, a cancelled one
    included (saving to it then says why it cannot change).
    """
    qs = LembarPenilaian.objects.only("pk", "periode_id", "peserta_id", "penilai_id", "status")
    if not (is_ketua(user) or is_admin_bkn(user)):
        qs = qs.filter(AKTIF)
    try:
        return qs.get(pk=pk, penilai=user)
    except LembarPenilaian.DoesNotExist:
        raise Http404 from None


def ringkasan_simpan(lembar, indikator):
    """(the agency's own level for the indicator, the sheet's scored indicators): the autosave's answer.

    One plain statement: it runs on every autosave, where building the ORM's subqueries
    would cost more than the query itself.
    """
    sql = f"""
        SELECT (SELECT level FROM {JawabanMandiri._meta.db_table}
                WHERE peserta_id = %s AND indikator_id = %s ORDER BY id LIMIT 1),
               (SELECT COUNT(*) FROM {NilaiPenilai._meta.db_table} WHERE lembar_id = %s AND level IS NOT NULL)
    """  # noqa: S608 - the models' own table names
    with connection.cursor() as cursor:
        cursor.execute(sql, [lembar.peserta_id, indikator.pk, lembar.pk])
        level_mandiri, jumlah_dinilai = cursor.fetchone()
    return level_mandiri, jumlah_dinilai


@dataclass
class BarisLembar:
    """One indicator on a score sheet: the question, the agency's answer and files, the scores."""

    indikator: Indikator
    jawaban: JawabanMandiri | None
    bukti: list
    nilai: NilaiPenilai | None
    lain: list = field(default_factory=list)  # other evaluators' NilaiPenilai, once the sheet is submitted
    moderasi: Moderasi | None = None

    @property
    def level_mandiri(self):
        return self.jawaban.level if self.jawaban else None

    @property
    def perlu_catatan(self):
        """The evaluator's level differs from the agency's own, and the note is still empty."""
        return (
            self.nilai is not None
            and self.nilai.level is not None
            and self.nilai.level != self.level_mandiri
            and not self.nilai.catatan.strip()
        )


def baris_lembar(lembar, *, tampilkan_lain):
    """[(elemen, [BarisLembar])] for a sheet, in a fixed number of queries whatever the instrument's size."""
    indikator = list(
        Indikator.objects.filter(periode_id=lembar.periode_id)
        .select_related("elemen")
        .prefetch_related("rubrik", "syarat_bukti")
        .order_by("elemen__urutan", "urutan")
    )
    jawaban = {j.indikator_id: j for j in JawabanMandiri.objects.filter(peserta_id=lembar.peserta_id)}
    bukti = defaultdict(list)
    for b in (
        BuktiDukung.objects.filter(peserta_id=lembar.peserta_id, diganti_pada__isnull=True)
        .select_related("syarat")
        .order_by("diunggah")
    ):
        bukti[b.indikator_id].append(b)
    milik = {n.indikator_id: n for n in NilaiPenilai.objects.filter(lembar=lembar)}
    lain = defaultdict(list)
    moderasi = {}
    if tampilkan_lain:
        for n in (
            NilaiPenilai.objects.filter(
                lembar__peserta_id=lembar.peserta_id, lembar__status=StatusLembar.DIKIRIM
            )
            .exclude(lembar=lembar)
            .select_related("lembar__penilai")
        ):
            lain[n.indikator_id].append(n)
        moderasi = {m.indikator_id: m for m in Moderasi.objects.filter(peserta_id=lembar.peserta_id)}
    hasil = []
    for i in indikator:
        baris = BarisLembar(
            indikator=i,
            jawaban=jawaban.get(i.pk),
            bukti=bukti[i.pk],
            nilai=milik.get(i.pk),
            lain=lain[i.pk],
            moderasi=moderasi.get(i.pk),
        )
        if hasil and hasil[-1][0] == i.elemen:
            hasil[-1][1].append(baris)
        else:
            hasil.append((i.elemen, [baris]))
    return hasil


@dataclass
class BarisModerasi:
    peserta: Peserta
    indikator: Indikator
    nilai: list  # submitted NilaiPenilai, with their sheet and evaluator
    level_mandiri: int | None
    moderasi: Moderasi | None

    @property
    def selisih(self):
        levels = [n.level for n in self.nilai]
        return max(levels) - min(levels)

    @property
    def kunci(self):
        """The row's key in the form it posts ("peserta-indikator")."""
        return f"{self.peserta.pk}-{self.indikator.pk}"


def _nilai_terkirim(periode):
    return NilaiPenilai.objects.filter(
        lembar__periode=periode, lembar__status=StatusLembar.DIKIRIM, level__isnull=False
    )


def antrean_moderasi(periode, *, peserta=None, q="", elemen="", selisih=None, status=""):
    """The (agency, indicator) pairs whose submitted levels differ by the threshold, as one aggregate query.

    Rows of ``{"lembar__peserta": id, "indikator": id, "selisih": gap, "dimoderasi": bool}``, those awaiting
    the chair first, then the largest gap. Narrowed by agency (name or code), element code,
    a larger minimum gap, and status ("belum" or "sudah").
    """
    nilai = _nilai_terkirim(periode)
    if peserta is not None:
        nilai = nilai.filter(lembar__peserta=peserta)
    if q:
        nilai = nilai.filter(
            Q(lembar__peserta__instansi__nama__icontains=q) | Q(lembar__peserta__instansi__kode__icontains=q)
        )
    if elemen:
        nilai = nilai.filter(indikator__elemen__kode=elemen)
    ambang = max(periode.ambang_moderasi, selisih or 0)
    dimoderasi = Moderasi.objects.filter(peserta=OuterRef("lembar__peserta"), indikator=OuterRef("indikator"))
    antrean = (
        nilai.values("lembar__peserta", "indikator")
        .annotate(n=Count("pk"), tinggi=Max("level"), rendah=Min("level"), dimoderasi=Exists(dimoderasi))
        .filter(n__gt=1, tinggi__gte=F("rendah") + ambang)
        .annotate(selisih=F("tinggi") - F("rendah"))
    )
    if status == "belum":
        antrean = antrean.filter(dimoderasi=False)
    elif status == "sudah":
        antrean = antrean.filter(dimoderasi=True)
    return antrean.order_by(
        "dimoderasi",
        "-selisih",
        "lembar__peserta__instansi__nama",
        "indikator__elemen__urutan",
        "indikator__urutan",
    )


def baris_moderasi(periode, antrean):
    """The rows of ``antrean`` (some rows of antrean_moderasi, e.g. one page) with their scores, in order."""
    kunci = [(a["lembar__peserta"], a["indikator"]) for a in antrean]
    if not kunci:
        return []
    # The agencies and indicators of the rows, not one OR per pair: that nests past SQLite's
    # expression depth limit with hundreds of rows. Scores of other pairs are dropped below.
    peserta_ids = {p for p, _i in kunci}
    kelompok = defaultdict(list)
    for n in (
        _nilai_terkirim(periode)
        .filter(lembar__peserta_id__in=peserta_ids, indikator_id__in={i for _p, i in kunci})
        .select_related("lembar__penilai", "lembar__peserta__instansi", "indikator__elemen")
        .prefetch_related("indikator__rubrik")
        .order_by("lembar__penilai__nama")
    ):
        kelompok[(n.lembar.peserta_id, n.indikator_id)].append(n)
    mandiri = {
        (j.peserta_id, j.indikator_id): j.level
        for j in JawabanMandiri.objects.filter(peserta_id__in=peserta_ids)
    }
    moderasi = {
        (m.peserta_id, m.indikator_id): m
        for m in Moderasi.objects.filter(peserta_id__in=peserta_ids).select_related("oleh")
    }
    return [
        BarisModerasi(
            peserta=kelompok[k][0].lembar.peserta,
            indikator=kelompok[k][0].indikator,
            nilai=kelompok[k],
            level_mandiri=mandiri.get(k),
            moderasi=moderasi.get(k),
        )
        for k in kunci
        if kelompok.get(k)
    ]


def perlu_moderasi(periode, *, peserta=None):
    """Every indicator whose submitted levels differ by the period's threshold: awaiting first, largest gap first."""
    return baris_moderasi(periode, antrean_moderasi(periode, peserta=peserta))


def jumlah_perlu_moderasi(periode):
    """How many (agency, indicator) pairs still wait for the chair: one aggregate query, for the home page."""
    dimoderasi = Moderasi.objects.filter(peserta=OuterRef("lembar__peserta"), indikator=OuterRef("indikator"))
    return (
        NilaiPenilai.objects.filter(
            lembar__periode=periode, lembar__status=StatusLembar.DIKIRIM, level__isnull=False
        )
        .exclude(Exists(dimoderasi))
        .values("lembar__peserta", "indikator")
        .annotate(n=Count("pk"), tinggi=Max("level"), rendah=Min("level"))
        .filter(n__gt=1, tinggi__gte=F("rendah") + periode.ambang_moderasi)
        .count()
    )


def kemajuan_per_penilai(periode):
    """Every evaluator with live sheets in the period: how many assigned, submitted, returned, in progress."""
    return (
        LembarPenilaian.objects.filter(AKTIF, periode=periode)
        .values("penilai__pk", "penilai__nama", "penilai__peran")
        .annotate(
            jumlah=Count("pk"),
            dikirim=Count("pk", filter=Q(status=StatusLembar.DIKIRIM)),
            dikembalikan=Count("pk", filter=Q(status=StatusLembar.DIKEMBALIKAN)),
            draf=Count("pk", filter=Q(status=StatusLembar.DRAF)),
        )
        .order_by("penilai__nama")
    )


def penugasan_peserta(periode):
    """Participants with their live sheets (evaluator, status) and their counts, for the assignment pages."""
    return (
        Peserta.objects.filter(periode=periode)
        .select_related("instansi__induk")
        .prefetch_related(
            Prefetch(
                "lembar",
                queryset=LembarPenilaian.objects.filter(AKTIF)
                .select_related("penilai")
                .order_by("penilai__nama"),
                to_attr="lembar_aktif",
            )
        )
        .annotate(
            jumlah_lembar=Count("lembar", filter=~Q(lembar__status=StatusLembar.DIBATALKAN)),
            lembar_dikirim=Count("lembar", filter=Q(lembar__status=StatusLembar.DIKIRIM)),
        )
        .order_by("instansi__nama")
    )


def perlu_penugasan(periode):
    """Participants with fewer live sheets than the period asks for (e.g. after a conflict was declared)."""
    return penugasan_peserta(periode).filter(jumlah_lembar__lt=periode.jumlah_penilai)


def riwayat_peserta(peserta):
    return RiwayatNilai.objects.filter(peserta=peserta).select_related("oleh", "indikator", "lembar__penilai")


def boleh_baca_bukti_peserta(user, peserta_id):
    """An evaluator reads an agency's evidence only through a live sheet of its own; the chair reads all."""
    if is_ketua(user):
        return True
    if getattr(user, "peran", None) != Peran.PENILAI:
        return False
    return LembarPenilaian.objects.filter(AKTIF, penilai=user, peserta_id=peserta_id).exists()


def tinjauan_konflik(periode):
    """Conflicts declared against submitted sheets of the period: those awaiting the chair first."""
    return (
        TinjauanKonflik.objects.filter(lembar__periode=periode)
        .select_related("konflik", "lembar__penilai", "lembar__peserta__instansi", "diputuskan_oleh")
        .order_by(
            Case(When(status=StatusTinjauan.MENUNGGU, then=0), default=1),
            "-diputuskan_pada",
            "dibuat",
        )
    )
