"""Reads on periods, their instrument and participants."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from instansi.models import Instansi, JenisInstansi

from ..models import (
    Elemen,
    Indikator,
    Kategori,
    Periode,
    Peserta,
)


def get_periode(tahun):
    return get_object_or_404(Periode.objects.prefetch_related("jadwal"), tahun=tahun)


def daftar_periode():
    return Periode.objects.prefetch_related("jadwal").annotate(
        jumlah_peserta=Count("peserta", distinct=True), jumlah_indikator=Count("indikator", distinct=True)
    )


def elemen_lengkap(periode):
    """The period's elements with their indicators, rubrics and required evidence, in four queries."""
    return Elemen.objects.filter(periode=periode).prefetch_related(
        Prefetch("indikator", queryset=Indikator.objects.order_by("urutan", "pk")),
        "indikator__rubrik",
        "indikator__syarat_bukti",
    )


def kategori_periode(periode):
    return Kategori.objects.filter(periode=periode).select_related("elemen")


def peserta_per_jenis(periode):
    """[(JenisInstansi, participants, active agencies of that kind)] in the order of the kinds."""
    peserta = dict(periode.peserta.values_list("instansi__jenis").annotate(n=Count("pk")).order_by())
    aktif = dict(Instansi.objects.filter(aktif=True).values_list("jenis").annotate(n=Count("pk")).order_by())
    return [(jenis, peserta.get(jenis.value, 0), aktif.get(jenis.value, 0)) for jenis in JenisInstansi]


def saring_peserta(qs, *, q="", jenis="", provinsi=None, subkelompok=None):
    """Participants matching a search on the agency's name or code, its kind, province and sub-group."""
    if q:
        qs = qs.filter(Q(instansi__nama__icontains=q) | Q(instansi__kode__icontains=q))
    if jenis:
        qs = qs.filter(instansi__jenis=jenis)
    if provinsi is not None:
        qs = qs.filter(Q(instansi=provinsi) | Q(instansi__induk=provinsi))
    if subkelompok is not None:
        qs = qs.filter(subkelompok=subkelompok)
    return qs


def cari_peserta(periode, **filters):
    qs = Peserta.objects.filter(periode=periode).select_related("instansi__induk", "subkelompok")
    return saring_peserta(qs, **filters).order_by("instansi__nama")


def bukan_peserta(periode):
    """Active agencies not (yet) taking part in the period."""
    return Instansi.objects.filter(aktif=True).exclude(kepesertaan__periode=periode).order_by("nama")
