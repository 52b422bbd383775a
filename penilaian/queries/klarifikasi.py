"""Reads on clarification requests: per sheet, per agency, and the counts of the progress pages."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import BuktiDukung, PermintaanKlarifikasi, StatusKlarifikasi


def _dengan_bukti(qs):
    """Requests with the file in doubt, and the files of the answer with the old versions they replaced."""
    return qs.select_related("indikator", "bukti__pengganti").prefetch_related(
        Prefetch(
            "bukti_baru",
            queryset=BuktiDukung.objects.prefetch_related("versi_lama").order_by("diunggah", "pk"),
        )
    )


def klarifikasi_lembar(lembar):
    """{indikator id: [PermintaanKlarifikasi]} of one sheet, oldest first."""
    hasil = defaultdict(list)
    for permintaan in _dengan_bukti(PermintaanKlarifikasi.objects.filter(lembar=lembar)):
        hasil[permintaan.indikator_id].append(permintaan)
    return hasil


def pasang_pada_baris(lembar, elemen):
    """Give each row of baris_lembar() its requests of this sheet (``klarifikasi``), and whether one is open."""
    per_indikator = klarifikasi_lembar(lembar)
    for _elemen, baris_list in elemen:
        for b in baris_list:
            b.klarifikasi = per_indikator.get(b.indikator.pk, [])
            b.klarifikasi_terbuka = any(k.status == StatusKlarifikasi.TERBUKA for k in b.klarifikasi)
    return elemen


def klarifikasi_peserta(peserta):
    """The agency's requests, of all its evaluators (never named): open ones first, by due date."""
    return _dengan_bukti(PermintaanKlarifikasi.objects.filter(peserta=peserta)).order_by(
        "status", "tenggat", "pk"
    )


def get_klarifikasi_operator(peserta, pk):
    """A request to the operator's own agency (``peserta`` from get_peserta_operator); 404 otherwise."""
    return get_object_or_404(_dengan_bukti(PermintaanKlarifikasi.objects.filter(peserta=peserta)), pk=pk)


@dataclass
class JumlahKlarifikasi:
    terbuka: int = 0  # waiting for the agency, still in time
    lewat: int = 0  # waiting, but past the due date
    dijawab: int = 0

    @property
    def total(self):
        return self.terbuka + self.lewat + self.dijawab


def jumlah_klarifikasi(**filter_kwargs):
    """Open, overdue and answered requests (withdrawn ones not counted), in one query.

    ``filter_kwargs`` narrow the requests: ``peserta__periode=periode``, ``peserta=peserta``.
    """
    sekarang = timezone.now()
    terbuka = Q(status=StatusKlarifikasi.TERBUKA)
    hasil = PermintaanKlarifikasi.objects.filter(**filter_kwargs).aggregate(
        terbuka=Count("pk", filter=terbuka & Q(tenggat__gt=sekarang)),
        lewat=Count("pk", filter=terbuka & Q(tenggat__lte=sekarang)),
        dijawab=Count("pk", filter=Q(status=StatusKlarifikasi.DIJAWAB)),
    )
    return JumlahKlarifikasi(**hasil)
