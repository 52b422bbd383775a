"""Clarification requests: the evaluator asks and withdraws, the operator answers; the admin's cuti bersama."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from bkn_award.halaman import pesan_galat

from .. import queries
from ..forms_klarifikasi import HariLiburForm, JawabanKlarifikasiForm, KlarifikasiForm
from ..hari_kerja import libur_nasional
from ..jadwal import waktu_wib
from ..models import HariLiburTambahan, Indikator, PermintaanKlarifikasi
from ..queries import klarifikasi as q
from ..services import klarifikasi as layanan
from . import penilai as views_penilai

menilai = permission_required("penilaian.menilai", raise_exception=True)
isi_mandiri = permission_required("penilaian.isi_mandiri", raise_exception=True)
kelola_periode = permission_required("penilaian.kelola_periode", raise_exception=True)


def bukti_berlaku(peserta_id, indikator):
    return indikator.bukti.filter(peserta_id=peserta_id, diganti_pada__isnull=True).order_by("diunggah", "pk")


# The evaluator


def _lembar_sendiri(request, pk):
    lembar = queries.get_lembar_for_user(request.user, pk)
    if lembar.penilai_id != request.user.pk:
        return None
    return lembar


@menilai
@require_POST
def ajukan(request, pk, kode):
    """Ask the agency about one indicator; a refused question comes back beside its indicator, as typed."""
    lembar = _lembar_sendiri(request, pk)
    if lembar is None:
        return render(request, "404.html", status=404)
    indikator = get_object_or_404(Indikator, periode=lembar.periode, kode=kode)
    form = KlarifikasiForm(request.POST, bukti=bukti_berlaku(lembar.peserta_id, indikator))
    if form.is_valid():
        try:
            permintaan = layanan.ajukan_klarifikasi(
                lembar=lembar, indikator=indikator, oleh=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            # Beside its field when the service named one, else above the form.
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Permintaan klarifikasi indikator %(kode)s terkirim ke instansi; tenggat jawaban %(tenggat)s."
                )
                % {"kode": kode, "tenggat": waktu_wib(permintaan.tenggat)},
            )
            return redirect(f"{reverse('penilai:lembar', args=[pk])}#indikator-{indikator.pk}")
    return views_penilai.lembar(request, pk, klarifikasi_ditolak={indikator.pk: form})


@menilai
@require_POST
def tarik(request, pk, id_klarifikasi):
    lembar = _lembar_sendiri(request, pk)
    if lembar is None:
        return render(request, "404.html", status=404)
    permintaan = get_object_or_404(
        PermintaanKlarifikasi.objects.select_related("indikator"), lembar=lembar, pk=id_klarifikasi
    )
    try:
        layanan.tarik_klarifikasi(permintaan=permintaan, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Permintaan klarifikasi indikator %(kode)s ditarik.") % {"kode": permintaan.indikator.kode},
        )
    return redirect(f"{reverse('penilai:lembar', args=[pk])}#indikator-{permintaan.indikator_id}")


# The operator


@isi_mandiri
def daftar(request, tahun):
    peserta = queries.get_peserta_operator(request.user, tahun)
    return render(
        request,
        "penilaian/klarifikasi/daftar.html",
        {
            "peserta": peserta,
            "periode": peserta.periode,
            "klarifikasi_list": q.klarifikasi_peserta(peserta),
            "jumlah": q.jumlah_klarifikasi(peserta=peserta),
        },
    )


@isi_mandiri
def jawab(request, tahun, pk):
    """The request and, while it may be answered, the answer form (text, and a new or replacing file)."""
    peserta = queries.get_peserta_operator(request.user, tahun)
    permintaan = q.get_klarifikasi_operator(peserta, pk)
    indikator = permintaan.indikator
    dikirim = request.method == "POST"
    form = JawabanKlarifikasiForm(
        request.POST if dikirim else None,
        request.FILES if dikirim else None,
        bukti=bukti_berlaku(peserta.pk, indikator),
        syarat=indikator.syarat_bukti.all(),
        initial={"mengganti": permintaan.bukti if permintaan.bukti and permintaan.bukti.berlaku else None},
    )
    if dikirim and form.is_valid():
        try:
            layanan.jawab_klarifikasi(permintaan=permintaan, oleh=request.user, **form.cleaned_data)
        except ValidationError as exc:
            # Beside its field when the service named one, else above the form.
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Jawaban klarifikasi indikator %(kode)s terkirim ke penilai.") % {"kode": indikator.kode},
            )
            return redirect("mandiri:klarifikasi_daftar", tahun=tahun)
    return render(
        request,
        "penilaian/klarifikasi/jawab.html",
        {
            "peserta": peserta,
            "periode": peserta.periode,
            "permintaan": permintaan,
            "indikator": indikator,
            "jawaban_level": peserta.jawaban.filter(indikator=indikator).first(),
            "bukti_list": bukti_berlaku(peserta.pk, indikator),
            "form": form,
            "terkunci": layanan.alasan_tidak_dapat_dijawab(permintaan),
        },
    )


# The admin's cuti bersama


@kelola_periode
def hari_libur(request, tahun):
    form = HariLiburForm(
        request.POST if request.method == "POST" else None, initial={"tanggal": f"{tahun}-01-01"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            libur = layanan.tambah_hari_libur(oleh=request.user, **form.cleaned_data)
        except ValidationError as exc:
            # Beside its field when the service named one, else above the form.
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(tanggal)s dicatat sebagai cuti bersama.") % {"tanggal": f"{libur.tanggal:%d-%m-%Y}"},
            )
            return redirect("penilaian:hari_libur", tahun=libur.tanggal.year)
    return render(
        request,
        "penilaian/klarifikasi/hari_libur.html",
        {
            "tahun": tahun,
            "form": form,
            "tambahan_list": HariLiburTambahan.objects.filter(tanggal__year=tahun).select_related(
                "dibuat_oleh"
            ),
            "nasional_list": sorted(libur_nasional(tahun).items()),
        },
    )


@kelola_periode
@require_POST
def hari_libur_hapus(request, tahun, pk):
    libur = get_object_or_404(HariLiburTambahan, tanggal__year=tahun, pk=pk)
    layanan.hapus_hari_libur(hari_libur=libur)
    messages.success(
        request, _("Cuti bersama %(tanggal)s dihapus.") % {"tanggal": f"{libur.tanggal:%d-%m-%Y}"}
    )
    return redirect("penilaian:hari_libur", tahun=tahun)
