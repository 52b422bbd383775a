"""Preliminary results and objections: the agency reads and objects; the panel decides; the agency's timeline."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from bkn_award.halaman import galat_ke_form, halaman, pesan_galat
from instansi.models import Peran

from .. import berkas as berkas_bukti
from .. import queries
from ..forms_sanggah import PutuskanSanggahForm, SanggahForm
from ..jadwal import waktu_wib
from ..models import Sanggah, StatusSanggah, Tahap
from ..queries import sanggah as q
from ..services import sanggah as layanan
from ..services.penilai import instansi_terlarang

isi_mandiri = permission_required("penilaian.isi_mandiri", raise_exception=True)
moderasi = permission_required("penilaian.moderasi", raise_exception=True)


def _respons_berkas(sanggah):
    return berkas_bukti.respons_berkas(
        berkas_bukti.storage(),
        sanggah.berkas_lokasi,
        nama_berkas=sanggah.berkas_nama,
        content_type=berkas_bukti.CONTENT_TYPE.get(sanggah.berkas_jenis)
        or mimetypes.guess_type(sanggah.berkas_nama)[0],
        ukuran=sanggah.berkas_ukuran,
    )


# The agency


@isi_mandiri
def hasil_sementara(request, tahun):
    peserta = queries.get_peserta_operator(request.user, tahun)
    periode = peserta.periode
    return render(
        request,
        "penilaian/sanggah/hasil_sementara.html",
        {
            "peserta": peserta,
            "periode": periode,
            "sementara": q.hasil_sementara_instansi(peserta),
            "tertutup": layanan.alasan_tidak_dapat_menyanggah(periode),
            "jadwal_sanggah": periode.jadwal_tahap(Tahap.SANGGAH),
        },
    )


@isi_mandiri
def ajukan(request, tahun, kode):
    """The objection form of one indicator; a refused objection comes back with what was typed."""
    peserta = queries.get_peserta_operator(request.user, tahun)
    periode = peserta.periode
    indikator = get_object_or_404(periode.indikator.select_related("elemen"), kode=kode)
    lama = Sanggah.objects.filter(peserta=peserta, indikator=indikator).first()
    dikirim = request.method == "POST"
    form = SanggahForm(request.POST if dikirim else None, request.FILES if dikirim else None)
    if dikirim and form.is_valid():
        try:
            layanan.ajukan_sanggah(
                peserta=peserta, indikator=indikator, oleh=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            galat_ke_form(form, exc)
        else:
            messages.success(
                request,
                _("Sanggah indikator %(kode)s terkirim ke panel penilai.") % {"kode": indikator.kode},
            )
            return redirect(f"{reverse('mandiri:hasil_sementara', args=[tahun])}#indikator-{indikator.pk}")
    return render(
        request,
        "penilaian/sanggah/ajukan.html",
        {
            "peserta": peserta,
            "periode": periode,
            "indikator": indikator,
            "level_sementara": layanan.level_sementara(peserta, indikator),
            "sanggah": lama,
            "form": form,
            "tertutup": layanan.alasan_tidak_dapat_menyanggah(periode),
            "jadwal_sanggah": periode.jadwal_tahap(Tahap.SANGGAH),
        },
    )


@isi_mandiri
def berkas_instansi(request, tahun, pk):
    peserta = queries.get_peserta_operator(request.user, tahun)
    sanggah = q.sanggah_operator(peserta, pk)
    if not sanggah.berkas_lokasi:
        return render(request, "404.html", status=404)
    return _respons_berkas(sanggah)


@isi_mandiri
def linimasa(request, tahun):
    peserta = queries.get_peserta_operator(request.user, tahun)
    return render(
        request,
        "penilaian/sanggah/linimasa.html",
        {"peserta": peserta, "periode": peserta.periode, "peristiwa_list": q.linimasa_instansi(peserta)},
    )


# The panel


@moderasi
def daftar(request, tahun, forms=None):
    periode = queries.get_periode(tahun)
    status = request.GET.get("status")
    cari = request.GET.get("q", "").strip()[:100]
    elemen = request.GET.get("elemen", "")
    page, query = halaman(request, q.sanggah_periode(periode, status, q=cari, elemen=elemen), 25)
    sanggah_list = list(page.object_list)
    forms = forms or {}
    # A refused decision is shown beside its objection, whichever page that would be on.
    sanggah_list[:0] = [f.sanggah for pk, f in forms.items() if pk not in {s.pk for s in sanggah_list}]
    # A chair reads the objections of agencies it may not score, but the admin decides them.
    terlarang = instansi_terlarang(request.user) if request.user.peran == Peran.KETUA else set()
    for s in sanggah_list:
        s.konflik = s.peserta.instansi_id in terlarang
        if s.status == StatusSanggah.MENUNGGU and not s.konflik:
            s.form = forms.get(s.pk) or PutuskanSanggahForm(sanggah=s)
    return render(
        request,
        "penilaian/sanggah/daftar.html",
        {
            "periode": periode,
            "sanggah_list": sanggah_list,
            "page": page,
            "query": query,
            "cari": cari,
            "elemen_dipilih": elemen,
            "elemen_list": periode.elemen.order_by("urutan", "kode"),
            "jumlah": q.jumlah_sanggah(periode),
            "status_dipilih": status if status in StatusSanggah.values else "",
            "status_pilihan": StatusSanggah.choices,
            "terbit": layanan.hasil_sementara_terbit(periode),
        },
    )


@moderasi
@require_POST
def putuskan(request, tahun, pk):
    """Accept or reject one objection; a refused decision comes back beside its row, as typed."""
    periode = queries.get_periode(tahun)
    sanggah = get_object_or_404(
        Sanggah.objects.select_related("indikator", "peserta__instansi").prefetch_related(
            "indikator__rubrik"
        ),
        peserta__periode=periode,
        pk=pk,
    )
    form = PutuskanSanggahForm(request.POST, sanggah=sanggah)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sanggah = layanan.putuskan_sanggah(
                sanggah=sanggah,
                terima=data["terima"],
                level=data["level"] if data["terima"] else None,
                alasan=data["keputusan"],
                oleh=request.user,
            )
        except ValidationError as exc:
            if sanggah.status != StatusSanggah.MENUNGGU or exc.code in ("tahap", "konflik"):
                pesan_galat(request, exc)
                return redirect("penilaian:sanggah", tahun=tahun)
            galat_ke_form(form, exc)
        else:
            messages.success(
                request,
                _("Sanggah %(instansi)s atas indikator %(kode)s diputuskan pada %(waktu)s.")
                % {
                    "instansi": sanggah.peserta.instansi.nama,
                    "kode": sanggah.indikator.kode,
                    "waktu": waktu_wib(sanggah.diputuskan_pada),
                },
            )
            return redirect(f"{reverse('penilaian:sanggah', args=[tahun])}#sanggah-{sanggah.pk}")
    return daftar(request, tahun, forms={sanggah.pk: form})


@moderasi
def berkas_panel(request, tahun, pk):
    sanggah = get_object_or_404(Sanggah, peserta__periode__tahun=tahun, pk=pk)
    if not sanggah.berkas_lokasi:
        return render(request, "404.html", status=404)
    return _respons_berkas(sanggah)
