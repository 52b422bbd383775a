"""Reads on self-assessments: progress, completion overview, evidence access."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instansi.rules import is_admin_bkn

from ..jadwal import batas_tahap
from ..models import BuktiDukung, Elemen, Indikator, JawabanMandiri, Peserta, SyaratBukti, Tahap
from .penilai import boleh_baca_bukti_peserta
from .periode import elemen_lengkap

# Self-assessment progress.


@dataclass
class KemajuanIndikator:
    indikator: Indikator
    jawaban: JawabanMandiri | None
    syarat_terpenuhi: set = field(default_factory=set)  # ids of the required documents uploaded
    jumlah_bukti: int = 0

    @property
    def dijawab(self):
        return self.jawaban is not None and self.jawaban.level is not None

    @property
    def syarat_total(self):
        return len(self.indikator.syarat_bukti.all())

    @property
    def syarat_kurang(self):
        return [s for s in self.indikator.syarat_bukti.all() if s.pk not in self.syarat_terpenuhi]

    @property
    def lengkap(self):
        return self.dijawab and not self.syarat_kurang


def _persen(bagian, total):
    return round(100 * bagian / total) if total else 100


@dataclass
class KemajuanElemen:
    elemen: Elemen
    indikator: list

    @property
    def dijawab(self):
        return sum(1 for i in self.indikator if i.dijawab)

    @property
    def syarat_total(self):
        return sum(i.syarat_total for i in self.indikator)

    @property
    def syarat_terpenuhi(self):
        return sum(i.syarat_total - len(i.syarat_kurang) for i in self.indikator)

    @property
    def persen(self):
        return _persen(self.dijawab + self.syarat_terpenuhi, len(self.indikator) + self.syarat_total)


@dataclass
class Kemajuan:
    """How far an agency is: indicators answered and required documents uploaded, per element and overall."""

    elemen: list

    @property
    def semua_indikator(self):
        return [i for e in self.elemen for i in e.indikator]

    @property
    def total_indikator(self):
        return len(self.semua_indikator)

    @property
    def dijawab(self):
        return sum(e.dijawab for e in self.elemen)

    @property
    def syarat_total(self):
        return sum(e.syarat_total for e in self.elemen)

    @property
    def syarat_terpenuhi(self):
        return sum(e.syarat_terpenuhi for e in self.elemen)

    @property
    def persen(self):
        return _persen(self.dijawab + self.syarat_terpenuhi, self.total_indikator + self.syarat_total)

    @property
    def belum_dijawab(self):
        return [i.indikator.kode for i in self.semua_indikator if not i.dijawab]

    @property
    def bukti_kurang(self):
        return [i.indikator.kode for i in self.semua_indikator if i.syarat_kurang]

    @property
    def jumlah_bukti_kurang(self):
        return self.syarat_total - self.syarat_terpenuhi

    @property
    def lengkap(self):
        return not self.belum_dijawab and not self.bukti_kurang


def kemajuan_peserta(peserta):
    """The agency's progress, in a fixed number of queries whatever the instrument's size."""
    jawaban = {j.indikator_id: j for j in JawabanMandiri.objects.filter(peserta=peserta)}
    terpenuhi, jumlah = defaultdict(set), defaultdict(int)
    for indikator_id, syarat_id in BuktiDukung.objects.filter(
        peserta=peserta, diganti_pada__isnull=True
    ).values_list("indikator_id", "syarat_id"):
        jumlah[indikator_id] += 1
        if syarat_id:
            terpenuhi[indikator_id].add(syarat_id)
    return Kemajuan(
        elemen=[
            KemajuanElemen(
                elemen=elemen,
                indikator=[
                    KemajuanIndikator(
                        indikator=i,
                        jawaban=jawaban.get(i.pk),
                        syarat_terpenuhi=terpenuhi[i.pk],
                        jumlah_bukti=jumlah[i.pk],
                    )
                    for i in elemen.indikator.all()
                ],
            )
            for elemen in elemen_lengkap(peserta.periode)
        ]
    )


class StatusPengisian:
    BELUM_MULAI = "belum_mulai"
    MENGISI = "mengisi"
    DIKIRIM = "dikirim"
    LABEL = {BELUM_MULAI: _("Belum mulai"), MENGISI: _("Sedang mengisi"), DIKIRIM: _("Dikirim")}


def _hitung(model, **filter_kwargs):
    """Count of ``model`` rows per participant, as a subquery usable in an annotation."""
    return Coalesce(
        Subquery(
            model.objects.filter(peserta=OuterRef("pk"), **filter_kwargs)
            .order_by()
            .values("peserta")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def pengisian_peserta(periode):
    """Every participant with its answers, covered required documents and stored bytes: one query."""
    syarat_terpenuhi = Coalesce(
        Subquery(
            BuktiDukung.objects.filter(
                peserta=OuterRef("pk"), syarat__isnull=False, diganti_pada__isnull=True
            )
            .order_by()
            .values("peserta")
            .annotate(n=Count("syarat", distinct=True))
            .values("n")
        ),
        0,
    )
    return (
        Peserta.objects.filter(periode=periode)
        .select_related("instansi__induk", "subkelompok")
        .annotate(
            jumlah_dijawab=_hitung(JawabanMandiri, level__isnull=False),
            jumlah_berkas=_hitung(BuktiDukung, diganti_pada__isnull=True),
            jumlah_syarat_terpenuhi=syarat_terpenuhi,
            status_pengisian=Case(
                When(dikirim_pada__isnull=False, then=Value(StatusPengisian.DIKIRIM)),
                When(
                    Q(jumlah_dijawab__gt=0) | Q(jumlah_berkas__gt=0),
                    then=Value(StatusPengisian.MENGISI),
                ),
                default=Value(StatusPengisian.BELUM_MULAI),
            ),
        )
        .order_by("instansi__nama")
    )


def ukuran_instrumen(periode):
    """(indicators, required documents) of the period's instrument."""
    return (
        Indikator.objects.filter(periode=periode).count(),
        SyaratBukti.objects.filter(indikator__periode=periode).count(),
    )


def peserta_terbuka_operator(user):
    """The agency's participations in periods under way (opened, results not yet announced).

    The one whose current stage ends soonest comes first; a stage without an end last.
    """
    peserta = (
        Peserta.objects.filter(instansi=user.instansi_id)
        .exclude(periode__tahap__in=[Tahap.PERSIAPAN, Tahap.PENGUMUMAN])
        .select_related("periode", "instansi")
        .prefetch_related("periode__jadwal")
        .order_by("-periode__tahun")
    )
    jauh = timezone.now() + timedelta(days=365 * 100)
    return sorted(peserta, key=lambda p: batas_tahap(p.periode) or jauh)


def get_peserta_operator(user, tahun):
    """The operator's own participation in that year's period; 404 for anything else."""
    return get_object_or_404(
        Peserta.objects.select_related("periode", "instansi").prefetch_related("periode__jadwal"),
        periode__tahun=tahun,
        instansi=user.instansi_id,
    )


def get_bukti_for_user(user, pk):
    """An evidence file, if the user may read it; 404 otherwise.

    Admins read every file; operators their own agency's; evaluators those of
    agencies on their live sheets; the panel chair every agency's.
    """
    bukti = get_object_or_404(
        BuktiDukung.objects.select_related("peserta__periode", "peserta__instansi", "indikator"), pk=pk
    )
    if is_admin_bkn(user) or (
        getattr(user, "instansi_id", None) and bukti.peserta.instansi_id == user.instansi_id
    ):
        return bukti
    if boleh_baca_bukti_peserta(user, bukti.peserta_id):
        return bukti
    raise Http404
