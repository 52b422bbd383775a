"""Evaluators' score sheets and conflicts; the admin's assignments; the chair's moderation; progress and audit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event
from rules.contrib.views import permission_required

from bkn_award.halaman import halaman, pesan_galat
from instansi.models import Pengguna, Peran

from .. import queries, services
from ..forms import (
    KembalikanLembarForm,
    KonflikForm,
    ModerasiForm,
    NilaiForm,
    PengaturanPenilaianForm,
    PutuskanKonflikForm,
    TambahPenugasanForm,
    UnggahCsvForm,
)
from ..models import Indikator, KonflikKepentingan, LembarPenilaian, Peserta, StatusLembar
from ..queries.klarifikasi import jumlah_klarifikasi, pasang_pada_baris
from .koneksi import ulangi_bila_koneksi_putus
from .umum import saring

menilai = permission_required("penilaian.menilai", raise_exception=True)
kelola_penugasan = permission_required("penilaian.kelola_penugasan", raise_exception=True)
pantau = permission_required("penilaian.pantau_penilaian", raise_exception=True)
moderasi_perm = permission_required("penilaian.moderasi", raise_exception=True)


# The evaluator


def lembar(request, pk, klarifikasi_ditolak=None):
    """The score sheet; ``klarifikasi_ditolak`` ({indikator id: bound form}) re-shows a refused question."""
    lembar = queries.get_lembar_for_user(request.user, pk)
    # Only the chair and admins get other evaluators' sheets from get_lembar_for_user.
    milik_sendiri = lembar.penilai_id == request.user.pk
    terkunci = (
        services.alasan_lembar_terkunci(lembar) if milik_sendiri else _("Anda membaca lembar penilai lain.")
    )
    # Blind: the other evaluators' scores appear only once this sheet is submitted.
    tampilkan_lain = not milik_sendiri or lembar.status == StatusLembar.DIKIRIM
    elemen = pasang_pada_baris(lembar, queries.baris_lembar(lembar, tampilkan_lain=tampilkan_lain))
    semua = [b for _e, daftar in elemen for b in daftar]
    return render(
        request,
        "penilaian/lembar.html",
        {
            "lembar": lembar,
            "periode": lembar.periode,
            "elemen_list": elemen,
            "jumlah_indikator": len(semua),
            "jumlah_dinilai": sum(1 for b in semua if b.nilai and b.nilai.level is not None),
            "bisa_ubah": milik_sendiri and terkunci is None,
            "terkunci": terkunci,
            "tampilkan_lain": tampilkan_lain,
            "milik_sendiri": milik_sendiri,
            "klarifikasi_ditolak": klarifikasi_ditolak or {},
        },
    )


@ulangi_bila_koneksi_putus
@menilai
@require_POST
def simpan_nilai(request, pk, kode):
    """The autosave of one indicator (htmx), or a plain form post without JavaScript.

    The page's script sends a key per edit (``kunci``) and sends the edit again,
    with the same key, when it got no answer: see ``services.simpan_nilai``.
    """
    lembar = queries.lembar_sendiri(request.user, pk)
    indikator = get_object_or_404(
        Indikator.objects.prefetch_related("rubrik"), periode_id=lembar.periode_id, kode=kode
    )
    form = NilaiForm(request.POST, indikator=indikator)
    nilai = galat = None
    if form.is_valid():
        try:
            nilai = services.simpan_nilai(
                lembar=lembar, indikator=indikator, oleh=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            galat = exc.messages
            nilai = getattr(exc, "nilai", None)
    else:
        galat = [e for errors in form.errors.values() for e in errors]
    if not request.htmx:
        for pesan in galat or [_("Nilai indikator %(kode)s tersimpan.") % {"kode": kode}]:
            messages.add_message(request, messages.ERROR if galat else messages.SUCCESS, pesan)
        return redirect(f"{reverse('penilai:lembar', args=[pk])}#indikator-{indikator.pk}")
    level_mandiri, jumlah_dinilai = queries.ringkasan_simpan(lembar, indikator)
    response = render(
        request,
        "penilaian/lembar.html#status_simpan",
        {
            "indikator": indikator,
            "nilai": nilai,
            "galat": galat,
            # A stale save keeps the version the page had: the evaluator must reload.
            "versi_baru": None if galat else nilai.versi,
            "perlu_catatan": bool(
                nilai
                and not galat
                and nilai.level is not None
                and nilai.level != level_mandiri
                and not nilai.catatan
            ),
            "jumlah_dinilai": jumlah_dinilai,
            "oob": True,
        },
    )
    if not galat:
        trigger_client_event(response, "tersimpan")  # the page no longer warns before leaving
    return response


@menilai
@require_POST
def kirim_lembar(request, pk):
    lembar = queries.get_lembar_for_user(request.user, pk)
    if lembar.penilai_id != request.user.pk:
        return render(request, "404.html", status=404)
    if lembar.status == StatusLembar.DIKIRIM:
        messages.info(request, _("Lembar penilaian ini sudah dikirim sebelumnya."))
        return redirect("penilai:lembar", pk=pk)
    try:
        services.kirim_lembar(lembar=lembar, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Lembar penilaian %(instansi)s terkirim. Nilai penilai lain kini dapat Anda lihat.")
            % {"instansi": lembar.peserta.instansi.nama},
        )
    return redirect("penilai:lembar", pk=pk)


@menilai
def konflik(request):
    form = KonflikForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hasil = services.nyatakan_konflik(penilai=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Konflik kepentingan dengan %(instansi)s dicatat.")
                % {"instansi": form.cleaned_data["instansi"]},
            )
            if hasil.batal:
                messages.warning(
                    request,
                    _("Penugasan Anda untuk instansi itu dibatalkan; panitia akan menugaskan penilai lain."),
                )
            for lembar in hasil.ditinjau:
                messages.info(
                    request,
                    _(
                        "Lembar %(periode)s yang sudah Anda kirim tetap dihitung sampai ketua tim memutuskan "
                        "pernyataan konflik ini."
                    )
                    % {"periode": lembar.periode.nama},
                )
            return redirect("penilai:konflik")
    return render(
        request,
        "penilaian/konflik.html",
        {
            "form": form,
            "konflik_list": KonflikKepentingan.objects.filter(penilai=request.user).select_related(
                "instansi"
            ),
        },
    )


# The admin's assignments


def _periode_penugasan(tahun):
    return queries.get_periode(tahun)


@kelola_penugasan
def penugasan(request, tahun, pengaturan_form=None, csv_form=None):
    periode = _periode_penugasan(tahun)
    filter_form, qs = saring(request, queries.penugasan_peserta(periode))
    if request.GET.get("kurang") == "1":
        qs = qs.filter(jumlah_lembar__lt=periode.jumlah_penilai)
    page, query = halaman(request, qs)
    penilai_list = list(
        Pengguna.objects.filter(peran__in=[Peran.PENILAI, Peran.KETUA], is_active=True).order_by("nama")
    )
    return render(
        request,
        "penilaian/penugasan.html",
        {
            "periode": periode,
            "filter_form": filter_form,
            "page": page,
            "query": query,
            "beban": queries.kemajuan_per_penilai(periode),
            "jumlah_kurang": queries.perlu_penugasan(periode).count(),
            "penilai_list": penilai_list,
            "pengaturan_form": pengaturan_form or PengaturanPenilaianForm(instance=periode),
            "csv_form": csv_form or UnggahCsvForm(),
            "hanya_kurang": request.GET.get("kurang") == "1",
        },
    )


def _kembali_ke_penugasan(request, tahun):
    query = request.POST.get("query", "")
    return redirect(f"{reverse('penilaian:penugasan', args=[tahun])}{'?' + query if query else ''}")


@kelola_penugasan
@require_POST
def penugasan_pengaturan(request, tahun):
    periode = _periode_penugasan(tahun)
    form = PengaturanPenilaianForm(request.POST, instance=periode)
    if form.is_valid():
        form.save()
        messages.success(request, _("Pengaturan penilaian disimpan."))
        return redirect("penilaian:penugasan", tahun=tahun)
    return penugasan(request, tahun=tahun, pengaturan_form=form)


@kelola_penugasan
@require_POST
def penugasan_otomatis(request, tahun):
    periode = _periode_penugasan(tahun)
    try:
        hasil = services.tugaskan_otomatis(periode=periode, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        beban = sorted(hasil.beban.values())
        messages.success(
            request,
            _("Penugasan otomatis: %(dibuat)s penugasan baru; beban per penilai %(min)s–%(max)s instansi.")
            % {"dibuat": hasil.dibuat, "min": beban[0] if beban else 0, "max": beban[-1] if beban else 0},
        )
        if hasil.kurang:
            messages.warning(
                request,
                _(
                    "%(n)s instansi belum mendapat cukup penilai karena konflik kepentingan atau wilayah: %(nama)s."
                )
                % {
                    "n": len(hasil.kurang),
                    "nama": ", ".join(p.instansi.nama for p, _sisa in hasil.kurang[:10]),
                },
            )
    return redirect("penilaian:penugasan", tahun=tahun)


@kelola_penugasan
@require_POST
def penugasan_impor(request, tahun):
    periode = _periode_penugasan(tahun)
    form = UnggahCsvForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            n = services.impor_penugasan_csv(
                periode=periode, berkas=form.cleaned_data["berkas"], oleh=request.user
            )
        except ValidationError as exc:
            form.add_error("berkas", exc)
        else:
            messages.success(request, _("%(n)s penugasan diimpor dari CSV.") % {"n": n})
            return redirect("penilaian:penugasan", tahun=tahun)
    return penugasan(request, tahun=tahun, csv_form=form)


@kelola_penugasan
@require_POST
def penugasan_tambah(request, tahun):
    periode = _periode_penugasan(tahun)
    form = TambahPenugasanForm(request.POST, periode=periode)
    if form.is_valid():
        peserta, penilai = form.cleaned_data["peserta"], form.cleaned_data["penilai"]
        try:
            services.tugaskan(peserta=peserta, penilai=penilai, oleh=request.user)
        except ValidationError as exc:
            pesan_galat(request, exc)
        else:
            messages.success(
                request,
                _("%(nama)s ditugaskan menilai %(instansi)s.")
                % {"nama": penilai.nama, "instansi": peserta.instansi.nama},
            )
    else:
        messages.error(request, _("Pilih penilai yang akan ditugaskan."))
    return _kembali_ke_penugasan(request, tahun)


@kelola_penugasan
@require_POST
def penugasan_batal(request, tahun, pk):
    periode = _periode_penugasan(tahun)
    lembar = get_object_or_404(
        LembarPenilaian.objects.select_related("peserta__instansi", "penilai", "periode"),
        periode=periode,
        pk=pk,
    )
    try:
        services.batalkan_penugasan(lembar=lembar, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Penugasan %(nama)s untuk %(instansi)s dicabut.")
            % {"nama": lembar.penilai.nama, "instansi": lembar.peserta.instansi.nama},
        )
    return _kembali_ke_penugasan(request, tahun)


# Progress, moderation and audit


@pantau
def kemajuan(request, tahun):
    periode = queries.get_periode(tahun)
    filter_form, qs = saring(request, queries.penugasan_peserta(periode))
    if request.GET.get("belum") == "1":
        qs = qs.filter(Q(lembar_dikirim__lt=periode.jumlah_penilai))
    page, query = halaman(request, qs)
    return render(
        request,
        "penilaian/kemajuan_penilaian.html",
        {
            "periode": periode,
            "per_penilai": queries.kemajuan_per_penilai(periode),
            "klarifikasi": jumlah_klarifikasi(peserta__periode=periode),
            "filter_form": filter_form,
            "page": page,
            "query": query,
        },
    )


def _pk(nilai):
    """A posted id as the rows know it (an int); anything else matches no row."""
    return int(nilai) if nilai and nilai.isdigit() else None


def _isian_ditolak(form, exc=None):
    """What a refused form held, to show again beside its row: the values as typed, and why."""
    if exc is not None:
        form.add_error(None, exc)
    return {"data": form.data, "galat": [e for errors in form.errors.values() for e in errors]}


@moderasi_perm
def moderasi(request, tahun, ditolak=None):
    """The chair's page; ``ditolak`` re-shows a refused form's input, and why, beside its row."""
    periode = queries.get_periode(tahun)
    saring = _saring_moderasi(request, periode)
    page, query = halaman(request, queries.antrean_moderasi(periode, **saring), per_halaman=25)
    baris = queries.baris_moderasi(periode, page.object_list)
    tinjauan = list(queries.tinjauan_konflik(periode))
    ditolak = ditolak or {}
    # Agencies the chair may not decide on (its own, its region's, its conflicts): the admin's.
    terlarang = services.instansi_terlarang(request.user) if request.user.peran == Peran.KETUA else set()
    # A refused form whose row shows no form (it no longer needs the chair, or not this chair): say why
    # at the top.
    tampil = {
        "moderasi": {b.kunci for b in baris if b.peserta.instansi_id not in terlarang},
        "kembali": {n.lembar_id for b in baris if b.peserta.instansi_id not in terlarang for n in b.nilai},
        "konflik": {t.pk for t in tinjauan if t.lembar.peserta.instansi_id not in terlarang},
    }
    for jenis, isian in ditolak.items():
        for kunci, isi in isian.items():
            if kunci not in tampil[jenis]:
                for pesan in isi["galat"]:
                    messages.error(request, pesan)
    return render(
        request,
        "penilaian/moderasi.html",
        {
            "periode": periode,
            "baris_list": baris,
            "belum": queries.jumlah_perlu_moderasi(periode),
            "page": page,
            "query": query,
            "saring": saring,
            "elemen_list": periode.elemen.order_by("urutan"),
            "selisih_list": range(periode.ambang_moderasi, 5),
            "tinjauan_list": tinjauan,
            "isian_moderasi": ditolak.get("moderasi", {}),
            "isian_kembali": ditolak.get("kembali", {}),
            "isian_konflik": ditolak.get("konflik", {}),
            "terlarang": terlarang,
        },
    )


def _saring_moderasi(request, periode):
    """The moderation queue's filters from the query string, each ignored when it is not valid."""
    elemen = request.GET.get("elemen", "")
    try:
        selisih = int(request.GET.get("selisih", ""))
    except ValueError:
        selisih = None
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "elemen": elemen if periode.elemen.filter(kode=elemen).exists() else "",
        "selisih": selisih if selisih is not None and periode.ambang_moderasi <= selisih <= 4 else None,
        "status": request.GET.get("status") if request.GET.get("status") in ("belum", "sudah") else "",
    }


@moderasi_perm
@require_POST
def moderasi_tetapkan(request, tahun):
    periode = queries.get_periode(tahun)
    form = ModerasiForm(request.POST, periode=periode)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.moderasi_nilai(
                peserta=data["peserta"],
                indikator=data["indikator"],
                level=data["level"],
                alasan=data["alasan"],
                oleh=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Nilai akhir %(kode)s untuk %(instansi)s ditetapkan: level %(level)s.")
                % {
                    "kode": data["indikator"].kode,
                    "instansi": data["peserta"].instansi.nama,
                    "level": data["level"],
                },
            )
            return redirect("penilaian:moderasi", tahun=tahun)
    kunci = f"{request.POST.get('peserta')}-{request.POST.get('indikator')}"
    return moderasi(request, tahun, ditolak={"moderasi": {kunci: _isian_ditolak(form)}})


@moderasi_perm
@require_POST
def lembar_kembalikan(request, tahun):
    periode = queries.get_periode(tahun)
    form = KembalikanLembarForm(request.POST, periode=periode)
    if form.is_valid():
        lembar = form.cleaned_data["lembar"]
        try:
            services.kembalikan_lembar(lembar=lembar, catatan=form.cleaned_data["catatan"], oleh=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Lembar %(nama)s untuk %(instansi)s dikembalikan.")
                % {"nama": lembar.penilai.nama, "instansi": lembar.peserta.instansi.nama},
            )
            return redirect("penilaian:moderasi", tahun=tahun)
    return moderasi(
        request, tahun, ditolak={"kembali": {_pk(request.POST.get("lembar")): _isian_ditolak(form)}}
    )


@moderasi_perm
@require_POST
def konflik_putuskan(request, tahun):
    periode = queries.get_periode(tahun)
    form = PutuskanKonflikForm(request.POST, periode=periode)
    if form.is_valid():
        tinjauan = form.cleaned_data["tinjauan"]
        terima = form.cleaned_data["keputusan"]
        try:
            services.putuskan_konflik(
                tinjauan=tinjauan, terima=terima, catatan=form.cleaned_data["catatan"], oleh=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            lembar = tinjauan.lembar
            pesan = (
                _(
                    "Konflik diterima: lembar %(nama)s untuk %(instansi)s dibatalkan; instansi perlu penilai lain."
                )
                if terima
                else _("Konflik ditolak: lembar %(nama)s untuk %(instansi)s tetap dihitung.")
            )
            messages.success(
                request, pesan % {"nama": lembar.penilai.nama, "instansi": lembar.peserta.instansi.nama}
            )
            return redirect("penilaian:moderasi", tahun=tahun)
    return moderasi(
        request, tahun, ditolak={"konflik": {_pk(request.POST.get("tinjauan")): _isian_ditolak(form)}}
    )


@pantau
def riwayat(request, tahun, kode):
    periode = queries.get_periode(tahun)
    peserta = get_object_or_404(
        Peserta.objects.select_related("instansi"), periode=periode, instansi__kode=kode
    )
    return render(
        request,
        "penilaian/riwayat.html",
        {
            "periode": periode,
            "peserta": peserta,
            "riwayat": queries.riwayat_peserta(peserta),
            "lembar_list": peserta.lembar.select_related("penilai").order_by("ditugaskan"),
        },
    )
