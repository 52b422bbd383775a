"""The operator's self-assessment, evidence downloads, and the admin's completion overview."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event
from rules.contrib.views import permission_required

from bkn_award.halaman import halaman, pesan_galat

from .. import berkas, queries, services
from ..forms import BukaKembaliForm, JawabanForm, UnggahBuktiForm
from ..models import BuktiDukung, Indikator, StatusKlarifikasi
from ..queries import StatusPengisian
from ..queries.klarifikasi import jumlah_klarifikasi
from ..services.mandiri import tanda_terima as buat_tanda_terima
from ..services.mandiri import unggah_beberapa_bukti
from ..services.sanggah import hasil_sementara_terbit
from .koneksi import ulangi_bila_koneksi_putus
from .umum import saring

isi_mandiri = permission_required("penilaian.isi_mandiri", raise_exception=True)
kelola_periode = permission_required("penilaian.kelola_periode", raise_exception=True)


@isi_mandiri
def ringkasan(request, tahun):
    peserta = queries.get_peserta_operator(request.user, tahun)
    return render(
        request,
        "penilaian/mandiri/ringkasan.html",
        {
            "peserta": peserta,
            "periode": peserta.periode,
            "kemajuan": queries.kemajuan_peserta(peserta),
            "tenggat": services.tenggat(peserta),
            "terkunci": services.alasan_terkunci(peserta),
            "klarifikasi": jumlah_klarifikasi(peserta=peserta),
            "hasil_sementara": hasil_sementara_terbit(peserta.periode),
        },
    )


def _indikator_periode(peserta, kode):
    return get_object_or_404(
        Indikator.objects.select_related("elemen").prefetch_related("rubrik", "syarat_bukti"),
        periode=peserta.periode,
        kode=kode,
    )


@ulangi_bila_koneksi_putus
@isi_mandiri
@require_POST
def simpan_jawaban(request, tahun, kode):
    """The autosave of the agency's answer (htmx): the saved time, or why it was not saved.

    The page's script sends a key per edit (``kunci``) and sends the edit again,
    with the same key, when it got no answer: see ``services.simpan_jawaban``.
    """
    peserta = queries.get_peserta_operator(request.user, tahun)
    indikator = _indikator_periode(peserta, kode)
    form = JawabanForm(request.POST, indikator=indikator, wajib_level=False)
    jawaban = galat = None
    if form.is_valid():
        try:
            jawaban = services.simpan_jawaban(
                peserta=peserta, indikator=indikator, oleh=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            galat = exc.messages
    else:
        galat = [e for errors in form.errors.values() for e in errors]
    response = render(
        request,
        "penilaian/mandiri/indikator.html#status_jawaban",
        {"jawaban": jawaban, "galat": galat, "oob": True},
    )
    if not galat:
        trigger_client_event(response, "tersimpan")
    return response


@isi_mandiri
def indikator(request, tahun, kode):
    peserta = queries.get_peserta_operator(request.user, tahun)
    indikator = _indikator_periode(peserta, kode)
    jawaban = peserta.jawaban.filter(indikator=indikator).select_related("diperbarui_oleh").first()
    jawaban_form = JawabanForm(
        indikator=indikator,
        initial={"level": jawaban.level, "penjelasan": jawaban.penjelasan, "versi": jawaban.versi}
        if jawaban
        else {"versi": 0},
    )
    unggah_form = _unggah_form_baru(peserta, indikator)
    aksi = request.POST.get("aksi")
    if request.method == "POST" and aksi == "jawaban":
        jawaban_form = JawabanForm(request.POST, indikator=indikator)
        if jawaban_form.is_valid():
            try:
                services.simpan_jawaban(
                    peserta=peserta, indikator=indikator, oleh=request.user, **jawaban_form.cleaned_data
                )
            except ValidationError as exc:
                jawaban_form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Jawaban indikator %(kode)s tersimpan.") % {"kode": indikator.kode}
                )
                return redirect("mandiri:indikator", tahun=tahun, kode=kode)
    elif request.method == "POST" and aksi == "unggah":
        unggah_form = UnggahBuktiForm(request.POST, request.FILES, indikator=indikator, peserta=peserta)
        if unggah_form.is_valid() and _unggah_dari_form(request, peserta, indikator, unggah_form):
            return redirect("mandiri:indikator", tahun=tahun, kode=kode)
    return _halaman_indikator(request, peserta, indikator, jawaban, jawaban_form, unggah_form)


def _unggah_satu(request, peserta, indikator, data):
    """The one file of a valid upload form: new, or replacing ``data["mengganti"]``."""
    return services.unggah_bukti(
        peserta=peserta,
        indikator=indikator,
        berkas=data["berkas"][0],
        syarat=data["syarat"],
        mengganti=data["mengganti"],
        oleh=request.user,
    )


def _unggah_dari_form(request, peserta, indikator, form):
    """The page's own upload (without the script): one replacement, or one or more new files.

    Each accepted file gets its message; each refused one an error under the file
    field, with its name when several were sent. True when every file was stored.
    """
    data = form.cleaned_data
    if data["mengganti"]:
        try:
            bukti = _unggah_satu(request, peserta, indikator, data)
        except ValidationError as exc:
            form.add_error("berkas", exc)
            return False
        messages.success(
            request,
            _("%(nama)s menggantikan %(lama)s.")
            % {"nama": bukti.nama_berkas, "lama": data["mengganti"].nama_berkas},
        )
        return True
    hasil = unggah_beberapa_bukti(
        peserta=peserta, indikator=indikator, berkas=data["berkas"], syarat=data["syarat"], oleh=request.user
    )
    for h in hasil:
        if h.bukti:
            messages.success(request, _("%(nama)s terunggah.") % {"nama": h.nama})
        for galat in h.galat:
            form.add_error(
                "berkas",
                _("%(nama)s: %(galat)s") % {"nama": h.nama, "galat": galat} if len(hasil) > 1 else galat,
            )
    return all(h.bukti for h in hasil)


@isi_mandiri
@require_POST
def unggah_bukti(request, tahun, kode):
    """One evidence file sent by the page's script: {"ok": true, ...} or {"ok": false, "galat": [why]}.

    The script sends each file of a batch on its own request, so that each gets
    its own progress and its own verdict, and a refused file stops no other. A
    refusal is the verdict of a request that was handled, answered 200 as the
    autosave's is: a 4xx would make the browser log an error for every refused
    file. Requests that cannot be handled keep their status (403, 404, 405, CSRF).
    """
    peserta = queries.get_peserta_operator(request.user, tahun)
    indikator = _indikator_periode(peserta, kode)
    mengganti = request.POST.get("mengganti")
    if mengganti:
        # Someone else's file, or one that is gone: as for any object not the agency's own.
        get_object_or_404(
            peserta.bukti,
            pk=mengganti if mengganti.isdigit() else None,
            indikator=indikator,
            diganti_pada=None,
        )
    form = UnggahBuktiForm(request.POST, request.FILES, indikator=indikator, peserta=peserta)
    if form.is_valid() and len(form.cleaned_data["berkas"]) > 1:
        form.add_error("berkas", _("Kirim satu berkas per permintaan."))
    if not form.is_valid():
        return JsonResponse({"ok": False, "galat": [e for errors in form.errors.values() for e in errors]})
    data = form.cleaned_data
    try:
        bukti = _unggah_satu(request, peserta, indikator, data)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "galat": exc.messages})
    return JsonResponse(
        {
            "ok": True,
            "id": bukti.pk,
            "nama": bukti.nama_berkas,
            "ukuran": bukti.ukuran,
            "syarat": bukti.syarat.uraian if bukti.syarat else _("Bukti pendukung lain"),
            "pesan": _("%(nama)s terunggah.") % {"nama": bukti.nama_berkas},
        }
    )


def _unggah_form_baru(peserta, indikator):
    """An empty upload form, pointing at the first required document still missing."""
    ada = set(
        peserta.bukti.filter(indikator=indikator, diganti_pada__isnull=True).values_list(
            "syarat_id", flat=True
        )
    )
    kurang = next((s for s in indikator.syarat_bukti.all() if s.pk not in ada), None)
    return UnggahBuktiForm(indikator=indikator, peserta=peserta, initial={"syarat": kurang})


def _halaman_indikator(request, peserta, indikator, jawaban, jawaban_form, unggah_form):
    kemajuan = queries.kemajuan_peserta(peserta)
    urutan = [i.indikator.kode for i in kemajuan.semua_indikator]
    posisi = urutan.index(indikator.kode)
    bukti = list(
        peserta.bukti.filter(indikator=indikator, diganti_pada__isnull=True).select_related("syarat")
    )
    # A failed replacement shows its error next to the file it was to replace.
    mengganti = (
        unggah_form.cleaned_data.get("mengganti") if unggah_form.is_bound and unggah_form.errors else None
    )
    syarat_list = [(s, [b for b in bukti if b.syarat_id == s.pk]) for s in indikator.syarat_bukti.all()]
    return render(
        request,
        "penilaian/mandiri/indikator.html",
        {
            "peserta": peserta,
            "periode": peserta.periode,
            "indikator": indikator,
            "jawaban": jawaban,
            "jawaban_form": jawaban_form,
            "unggah_form": unggah_form,
            "syarat_list": syarat_list,
            # The page's script gives each chosen file the next required document still missing.
            "syarat_kurang": [s.pk for s, files in syarat_list if not files],
            # The script refuses a file over the limit before sending it, with the server's words.
            "unggah_teks": {
                "maks_bita": berkas.maks_ukuran(),
                "terlalu_besar": _("Berkas terlalu besar (%(ukuran)s MB); batasnya %(maks)s MB per berkas.")
                % {"ukuran": "{ukuran}", "maks": settings.BUKTI_MAKS_MB},
            },
            "bukti_lain": [b for b in bukti if b.syarat_id is None],
            "kemajuan": kemajuan,
            "sebelumnya": urutan[posisi - 1] if posisi > 0 else None,
            "berikutnya": urutan[posisi + 1] if posisi + 1 < len(urutan) else None,
            "terkunci": services.alasan_terkunci(peserta),
            "ganti_gagal": mengganti.pk if mengganti else None,
            # Asked during verification: answered on the request's own page.
            "klarifikasi_indikator": peserta.klarifikasi.filter(indikator=indikator).exclude(
                status=StatusKlarifikasi.DITARIK
            ),
            "unggah_form_kosong": _unggah_form_baru(peserta, indikator),
        },
    )


@isi_mandiri
@require_POST
def hapus_bukti(request, tahun, pk):
    peserta = queries.get_peserta_operator(request.user, tahun)
    bukti = get_object_or_404(
        BuktiDukung.objects.select_related("indikator"), peserta=peserta, pk=pk, diganti_pada__isnull=True
    )
    try:
        services.hapus_bukti(bukti=bukti)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(request, _("%(nama)s dihapus.") % {"nama": bukti.nama_berkas})
    return redirect("mandiri:indikator", tahun=tahun, kode=bukti.indikator.kode)


@isi_mandiri
@require_POST
def kirim(request, tahun):
    peserta = queries.get_peserta_operator(request.user, tahun)
    if peserta.dikirim_pada:
        # A second click (or a second tab): the first one already did it.
        messages.info(request, _("Penilaian mandiri sudah dikirim sebelumnya."))
        return redirect("mandiri:ringkasan", tahun=tahun)
    try:
        services.kirim_penilaian_mandiri(peserta=peserta, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
        return redirect("mandiri:ringkasan", tahun=tahun)
    messages.success(
        request,
        _("Penilaian mandiri %(instansi)s terkirim. Terima kasih; isian kini hanya dapat dibaca.")
        % {"instansi": peserta.instansi.nama},
    )
    return redirect("mandiri:tanda_terima", tahun=tahun)


@isi_mandiri
def tanda_terima(request, tahun):
    """The receipt of the agency's submission: what it sent and when, with a fingerprint."""
    peserta = queries.get_peserta_operator(request.user, tahun)
    return _halaman_tanda_terima(
        request,
        peserta,
        kembali_url=reverse("mandiri:ringkasan", args=[tahun]),
        kembali_label=_("Kembali ke penilaian mandiri"),
    )


def _halaman_tanda_terima(request, peserta, *, kembali_url, kembali_label):
    terima = buat_tanda_terima(peserta)
    if terima is None:
        messages.info(
            request, _("Penilaian mandiri belum dikirim; tanda terima tersedia setelah pengiriman.")
        )
        return redirect(kembali_url)
    return render(
        request,
        "penilaian/mandiri/tanda_terima.html",
        {
            "peserta": peserta,
            "periode": peserta.periode,
            "terima": terima,
            "kembali_url": kembali_url,
            "kembali_label": kembali_label,
        },
    )


def unduh_bukti(request, pk):
    bukti = queries.get_bukti_for_user(request.user, pk)
    return berkas.respons(bukti, unduh=request.GET.get("lihat") != "1")


# The admin's view of every agency's self-assessment.


@kelola_periode
def pengisian(request, tahun):
    periode = queries.get_periode(tahun)
    filter_form, qs = saring(request, queries.pengisian_peserta(periode))
    per_status = dict.fromkeys(StatusPengisian.LABEL, 0)
    for status in qs.values_list("status_pengisian", flat=True):
        per_status[status] += 1
    status = request.GET.get("status")
    if status in StatusPengisian.LABEL:
        qs = qs.filter(status_pengisian=status)
    page, query = halaman(request, qs)
    tanpa_status = request.GET.copy()
    tanpa_status.pop("halaman", None)
    tanpa_status.pop("status", None)
    total_indikator, total_syarat = queries.ukuran_instrumen(periode)
    return render(
        request,
        "penilaian/pengisian/daftar.html",
        {
            "periode": periode,
            "filter_form": filter_form,
            "page": page,
            "query": query,
            "query_tanpa_status": tanpa_status.urlencode(),
            "status_dipilih": status,
            "per_status": [(s, StatusPengisian.LABEL[s], n) for s, n in per_status.items()],
            "total_indikator": total_indikator,
            "total_syarat": total_syarat,
        },
    )


@kelola_periode
def pengisian_instansi(request, tahun, kode, buka_form=None):
    periode = queries.get_periode(tahun)
    peserta = get_object_or_404(
        queries.pengisian_peserta(periode).prefetch_related("pembukaan_kembali__oleh"), instansi__kode=kode
    )
    bukti = (
        peserta.bukti.filter(diganti_pada__isnull=True)
        .select_related("syarat")
        .prefetch_related("versi_lama")  # replaced by a clarification answer: kept, listed beneath
        .order_by("indikator__urutan", "diunggah")
    )
    per_indikator = {}
    for b in bukti:
        per_indikator.setdefault(b.indikator_id, []).append(b)
    return render(
        request,
        "penilaian/pengisian/instansi.html",
        {
            "periode": periode,
            "peserta": peserta,
            "kemajuan": queries.kemajuan_peserta(peserta),
            "bukti_per_indikator": per_indikator,
            "tenggat": services.tenggat(peserta),
            "terkunci": services.alasan_terkunci(peserta),
            "buka_form": buka_form
            or BukaKembaliForm(initial={"tenggat": timezone.localtime() + timedelta(days=3)}),
        },
    )


@kelola_periode
def pengisian_tanda_terima(request, tahun, kode):
    """An agency's receipt, as BKN's admins see it."""
    periode = queries.get_periode(tahun)
    peserta = get_object_or_404(
        periode.peserta.select_related("instansi", "periode", "dikirim_oleh"), instansi__kode=kode
    )
    return _halaman_tanda_terima(
        request,
        peserta,
        kembali_url=reverse("penilaian:pengisian_instansi", args=[tahun, kode]),
        kembali_label=_("Kembali ke pengisian instansi"),
    )


@kelola_periode
@require_POST
def buka_kembali(request, tahun, kode):
    periode = queries.get_periode(tahun)
    peserta = get_object_or_404(periode.peserta.select_related("instansi"), instansi__kode=kode)
    form = BukaKembaliForm(request.POST)
    if form.is_valid():
        try:
            services.buka_kembali(
                peserta=peserta,
                alasan=form.cleaned_data["alasan"],
                tenggat_baru=form.cleaned_data["tenggat"],
                oleh=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Penilaian mandiri %(instansi)s dibuka kembali.") % {"instansi": peserta.instansi.nama},
            )
            return redirect("penilaian:pengisian_instansi", tahun=tahun, kode=kode)
    return pengisian_instansi(request, tahun=tahun, kode=kode, buka_form=form)


@kelola_periode
def pengisian_zip(request, tahun, kode):
    periode = queries.get_periode(tahun)
    peserta = get_object_or_404(periode.peserta.select_related("instansi"), instansi__kode=kode)
    isi = []
    dipakai = set()
    for b in (
        peserta.bukti.filter(diganti_pada__isnull=True)
        .select_related("indikator")
        .order_by("indikator__urutan", "diunggah", "pk")
    ):
        nama = f"{b.indikator.kode}/{b.nama_berkas}"
        if nama in dipakai:  # two files with one name on one indicator
            nama = f"{b.indikator.kode}/{b.pk}-{b.nama_berkas}"
        dipakai.add(nama)
        isi.append((nama, b.lokasi))
    return berkas.respons_zip(isi, nama_berkas=f"bukti-{slugify(peserta.instansi.nama)}-{periode.tahun}.zip")
