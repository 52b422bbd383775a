from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from bkn_award.halaman import halaman, pesan_form, pesan_galat

from .. import excel, instrumen, queries, services
from ..forms import (
    AturSubkelompokForm,
    ImporInstrumenForm,
    JadwalForm,
    MajuTahapForm,
    PeriodeForm,
    SalinInstrumenForm,
    SubKelompokForm,
    TambahPesertaForm,
    TetapkanPesertaForm,
)
from ..models import Peserta, SubKelompok, Tahap
from .umum import saring

kelola_periode = permission_required("penilaian.kelola_periode", raise_exception=True)


@kelola_periode
def daftar_periode(request):
    return render(request, "penilaian/periode_daftar.html", {"periode_list": queries.daftar_periode()})


@kelola_periode
def periode_baru(request):
    form = PeriodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            periode = services.buat_periode(oleh=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Periode %(nama)s dibuat.") % {"nama": periode.nama})
            return redirect("penilaian:periode", tahun=periode.tahun)
    return render(request, "penilaian/periode_baru.html", {"form": form})


@kelola_periode
def periode_detail(request, tahun):
    periode = queries.get_periode(tahun)
    data = instrumen.dari_periode(periode)
    return render(
        request,
        "penilaian/periode_detail.html",
        {
            "periode": periode,
            "tahapan": _tahapan(periode),
            "ringkasan": instrumen.ringkasan(data),
            "masalah_instrumen": instrumen.validasi(data) if data.elemen else [],
            "peserta_per_jenis": queries.peserta_per_jenis(periode),
            "syarat": services.syarat_tahap_berikutnya(periode),
            "riwayat": periode.riwayat_tahap.select_related("oleh"),
        },
    )


def _tahapan(periode):
    """[(Tahap, its JadwalTahap or None, 'selesai' | 'aktif' | 'akan')] for the stage stepper."""
    sekarang = Tahap.urutan(periode.tahap)
    hasil = []
    for tahap in Tahap:
        n = Tahap.urutan(tahap)
        status = "selesai" if n < sekarang else "aktif" if n == sekarang else "akan"
        hasil.append((tahap, periode.jadwal_tahap(tahap), status))
    return hasil


@kelola_periode
def jadwal(request, tahun):
    periode = queries.get_periode(tahun)
    form = JadwalForm(request.POST or None, periode=periode)
    if request.method == "POST" and form.is_valid():
        try:
            services.simpan_jadwal(periode=periode, jadwal=form.jadwal())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Jadwal tahapan disimpan."))
            return redirect("penilaian:periode", tahun=periode.tahun)
    return render(request, "penilaian/jadwal.html", {"periode": periode, "form": form})


@kelola_periode
def instrumen_detail(request, tahun, impor_form=None):
    periode = queries.get_periode(tahun)
    data = instrumen.dari_periode(periode)
    return render(
        request,
        "penilaian/instrumen.html",
        {
            "periode": periode,
            "kategori_list": queries.kategori_periode(periode),
            "elemen_list": queries.elemen_lengkap(periode),
            "masalah": instrumen.validasi(data) if data.elemen else [],
            "ringkasan": instrumen.ringkasan(data),
            "impor_form": impor_form or ImporInstrumenForm(),
            "salin_form": SalinInstrumenForm(periode=periode),
        },
    )


@kelola_periode
def instrumen_ekspor(request, tahun):
    periode = queries.get_periode(tahun)
    response = HttpResponse(
        excel.tulis(instrumen.dari_periode(periode)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="instrumen-{slugify(periode.nama)}.xlsx"'
    return response


def _pesan_terpasang(request, ringkasan, asal):
    messages.success(
        request,
        _(
            "Instrumen dari %(asal)s dipasang: %(elemen)s elemen, %(indikator)s indikator, %(bukti)s bukti dukung."
        )
        % {"asal": asal, **ringkasan},
    )


@kelola_periode
@require_POST
def instrumen_impor(request, tahun):
    periode = queries.get_periode(tahun)
    form = ImporInstrumenForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ringkasan = services.impor_instrumen_excel(periode=periode, berkas=form.cleaned_data["berkas"])
        except ValidationError as exc:
            form.add_error("berkas", exc)
        else:
            _pesan_terpasang(request, ringkasan, form.cleaned_data["berkas"].name)
            return redirect("penilaian:instrumen", tahun=periode.tahun)
    # The errors belong next to the upload field; the saved instrument is unchanged.
    return instrumen_detail(request, tahun=tahun, impor_form=form)


@kelola_periode
@require_POST
def instrumen_templat(request, tahun):
    periode = queries.get_periode(tahun)
    try:
        ringkasan = services.muat_templat(periode=periode)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        _pesan_terpasang(request, ringkasan, _("templat BKN Award 2023"))
    return redirect("penilaian:instrumen", tahun=periode.tahun)


@kelola_periode
@require_POST
def instrumen_salin(request, tahun):
    periode = queries.get_periode(tahun)
    form = SalinInstrumenForm(request.POST, periode=periode)
    if form.is_valid():
        dari = form.cleaned_data["dari"]
        try:
            ringkasan = services.salin_instrumen(dari=dari, ke=periode)
        except ValidationError as exc:
            pesan_galat(request, exc)
        else:
            _pesan_terpasang(request, ringkasan, dari.nama)
    else:
        messages.error(request, _("Pilih periode sumber salinan."))
    return redirect("penilaian:instrumen", tahun=periode.tahun)


PESERTA_PER_HALAMAN = 50


def _kembali_ke_peserta(request, tahun):
    """Back to the participants page, with the filters and page the admin was on."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('penilaian:peserta', args=[tahun])}{'?' + query if query else ''}")


@kelola_periode
def peserta(request, tahun, subkelompok_form=None):
    periode = queries.get_periode(tahun)
    subkelompok_list = list(SubKelompok.objects.filter(periode=periode))
    pilihan_sub = request.GET.get("subkelompok")
    subkelompok = next((s for s in subkelompok_list if str(s.pk) == pilihan_sub), None)
    filter_form, qs = saring(request, queries.cari_peserta(periode, subkelompok=subkelompok))
    page, query = halaman(request, qs, PESERTA_PER_HALAMAN)
    per_jenis = queries.peserta_per_jenis(periode)
    return render(
        request,
        "penilaian/peserta.html",
        {
            "periode": periode,
            "filter_form": filter_form,
            "page": page,
            "query": query,
            "per_jenis": per_jenis,
            "total_peserta": sum(n for _jenis, n, _aktif in per_jenis),
            "tetapkan_form": TetapkanPesertaForm(
                initial={"jenis": [jenis.value for jenis, n, _aktif in per_jenis if n]}
            ),
            "tambah_form": TambahPesertaForm(queryset=queries.bukan_peserta(periode)),
            "subkelompok_form": subkelompok_form or SubKelompokForm(),
            "subkelompok_list": subkelompok_list,
            "subkelompok_dipilih": subkelompok,
            "bisa_ubah_peserta": periode.tahap == Tahap.PERSIAPAN,
        },
    )


@kelola_periode
@require_POST
def peserta_tetapkan(request, tahun):
    periode = queries.get_periode(tahun)
    form = TetapkanPesertaForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["jenis"][0])
        return redirect("penilaian:peserta", tahun=tahun)
    try:
        ditambah, dihapus = services.tetapkan_peserta(periode=periode, jenis=form.cleaned_data["jenis"])
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Peserta ditetapkan: %(tambah)s instansi ditambahkan, %(hapus)s dikeluarkan.")
            % {"tambah": ditambah, "hapus": dihapus},
        )
    return redirect("penilaian:peserta", tahun=tahun)


@kelola_periode
@require_POST
def peserta_tambah(request, tahun):
    periode = queries.get_periode(tahun)
    form = TambahPesertaForm(request.POST, queryset=queries.bukan_peserta(periode))
    if not form.is_valid():
        messages.error(request, _("Pilih instansi yang belum menjadi peserta."))
        return redirect("penilaian:peserta", tahun=tahun)
    try:
        baru = services.tambah_peserta(periode=periode, instansi=form.cleaned_data["instansi"])
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request, _("%(instansi)s ditambahkan sebagai peserta.") % {"instansi": baru.instansi}
        )
    return redirect("penilaian:peserta", tahun=tahun)


@kelola_periode
@require_POST
def peserta_hapus(request, tahun, pk):
    periode = queries.get_periode(tahun)
    peserta = get_object_or_404(Peserta.objects.select_related("instansi", "periode"), periode=periode, pk=pk)
    try:
        services.hapus_peserta(peserta=peserta)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request, _("%(instansi)s dikeluarkan dari peserta.") % {"instansi": peserta.instansi}
        )
    return _kembali_ke_peserta(request, tahun)


@kelola_periode
@require_POST
def subkelompok_buat(request, tahun):
    periode = queries.get_periode(tahun)
    form = SubKelompokForm(request.POST)
    if form.is_valid():
        try:
            sub = services.buat_subkelompok(periode=periode, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("nama", exc)
        else:
            messages.success(request, _("Subkelompok %(nama)s dibuat.") % {"nama": sub.nama})
            return redirect("penilaian:peserta", tahun=tahun)
    # Refused: the page again, with what was typed and why beside it.
    return peserta(request, tahun=tahun, subkelompok_form=form)


@kelola_periode
@require_POST
def subkelompok_hapus(request, tahun, pk):
    periode = queries.get_periode(tahun)
    sub = get_object_or_404(SubKelompok, periode=periode, pk=pk)
    try:
        services.hapus_subkelompok(subkelompok=sub)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Subkelompok %(nama)s dihapus; anggotanya kembali ke kelompok utama.") % {"nama": sub.nama},
        )
    return redirect("penilaian:peserta", tahun=tahun)


@kelola_periode
@require_POST
def peserta_subkelompok(request, tahun):
    periode = queries.get_periode(tahun)
    form = AturSubkelompokForm(request.POST, periode=periode)
    if form.is_valid():
        sub = form.cleaned_data["subkelompok"]
        try:
            n = services.atur_subkelompok(
                periode=periode, peserta_ids=[p.pk for p in form.cleaned_data["peserta"]], subkelompok=sub
            )
        except ValidationError as exc:
            pesan_galat(request, exc)
        else:
            tujuan = sub.nama if sub else _("kelompok utama")
            messages.success(
                request, _("%(n)s peserta dimasukkan ke %(tujuan)s.") % {"n": n, "tujuan": tujuan}
            )
    else:
        pesan_form(request, form)
    return _kembali_ke_peserta(request, tahun)


@kelola_periode
def tahap_maju(request, tahun):
    periode = queries.get_periode(tahun)
    mulai = services.mulai_terjadwal(periode)
    if request.method == "POST" and request.POST.get("dari") != periode.tahap:
        messages.error(request, services.pesan_tahap_berubah(periode))
        return redirect("penilaian:periode", tahun=tahun)
    form = MajuTahapForm(request.POST or None, initial={"dari": periode.tahap}, mulai_terjadwal=mulai)
    if request.method == "POST" and form.is_valid():
        try:
            periode = services.maju_tahap(
                periode=periode,
                dari=form.cleaned_data["dari"],
                oleh=request.user,
                alasan_lebih_awal=form.alasan_lebih_awal,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(periode)s kini berada di tahap %(tahap)s.")
                % {"periode": periode.nama, "tahap": periode.get_tahap_display()},
            )
            return redirect("penilaian:periode", tahun=tahun)
    ke = periode.tahap_berikutnya
    jadwal_ke = periode.jadwal.filter(tahap=ke).first() if ke else None
    return render(
        request,
        "penilaian/tahap_maju.html",
        {
            "periode": periode,
            "ke": ke,
            "syarat": services.syarat_tahap_berikutnya(periode),
            "form": form,
            "mulai_terjadwal": mulai,
            "jadwal_ke": jadwal_ke,
            "sekarang": timezone.now(),
        },
    )
