"""Ranking pages: compute (on a worker, with live progress), read, export."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from rules.contrib.views import permission_required

from bkn_award.halaman import pesan_galat
from bkn_award.lembar_kerja import tambah_baris
from penilaian.jadwal import waktu_wib
from penilaian.queries import get_periode
from penilaian.services.sanggah import hasil_sementara_terbit

from . import queries, services
from .forms import PengaturanPeringkatForm, PredikatFormSet
from .models import RunPeringkat

lihat = permission_required("laporan.lihat_peringkat", raise_exception=True)
hitung = permission_required("laporan.hitung_peringkat", raise_exception=True)


def _pengaturan_forms(periode, data=None):
    form = PengaturanPeringkatForm(
        data, initial={"metode_agregasi": periode.metode_agregasi, "normalisasi": periode.normalisasi}
    )
    formset = PredikatFormSet(
        data,
        prefix="predikat",
        initial=[{"nama": p.nama, "batas_bawah": p.batas_bawah} for p in services.pastikan_predikat(periode)],
    )
    return form, formset


@lihat
def peringkat(request, tahun, form=None, formset=None):
    periode = get_periode(tahun)
    run = queries.run_terakhir(periode)
    if run is not None and run.diam:
        # Its worker died, or none took it: shown as stopped, with the button free.
        services.tutup_run_diam(periode)
        run = queries.run_terakhir(periode)
    snapshot = queries.get_snapshot(periode, request.GET.get("snapshot"))
    kategori_list = list(queries.kategori_diperingkat(periode))
    konteks = {
        "periode": periode,
        "run": run,
        "snapshot": snapshot,
        "snapshot_list": queries.snapshot_periode(periode)[:20],
        "kategori_list": kategori_list,
        "hasil_sementara": hasil_sementara_terbit(periode),
    }
    if request.user.has_perm("laporan.hitung_peringkat"):
        bawaan_form, bawaan_formset = _pengaturan_forms(periode)
        konteks.update(pengaturan_form=form or bawaan_form, predikat_formset=formset or bawaan_formset)
    if snapshot is not None and kategori_list:
        kategori = next(
            (k for k in kategori_list if str(k.pk) == request.GET.get("kategori")), kategori_list[0]
        )
        kelompok_list = queries.kelompok_snapshot(snapshot)
        kode = [k.kode for k in kelompok_list]
        kelompok = request.GET.get("kelompok") if request.GET.get("kelompok") in kode else None
        # By default the first group with ranked agencies.
        kelompok = kelompok or next(
            (k.kode for k in kelompok_list if k.diperingkat), kode[0] if kode else None
        )
        q = request.GET.get("q", "").strip()
        konteks.update(
            kategori=kategori,
            kelompok_list=kelompok_list,
            kelompok=kelompok,
            q=q,
            baris_list=queries.tabel_peringkat(snapshot, kategori, kelompok=kelompok, q=q),
            tanpa_peringkat=queries.tanpa_peringkat(snapshot, kelompok=kelompok),
            elemen_kode=[e[0] for e in snapshot.parameter["elemen"]],
        )
    return render(request, "laporan/peringkat.html", konteks)


@hitung
@require_POST
def mulai(request, tahun):
    periode = get_periode(tahun)
    try:
        services.minta_peringkat(periode=periode, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.info(request, _("Perhitungan peringkat dimulai; kemajuannya tampil di bawah."))
    return redirect("laporan:peringkat", tahun=tahun)


@lihat
def status_run(request, tahun, pk):
    """The run's progress, polled by the page; a finished run reloads the page."""
    run = get_object_or_404(RunPeringkat, periode__tahun=tahun, pk=pk)
    if run.diam:
        services.tutup_run_diam(run.periode)
        run.refresh_from_db()
    if request.htmx and not run.aktif:
        return HttpResponseClientRefresh()
    return render(request, "laporan/peringkat.html#status_run", {"run": run, "periode": run.periode})


@hitung
@require_POST
def pengaturan(request, tahun):
    periode = get_periode(tahun)
    form, formset = _pengaturan_forms(periode, request.POST)
    if form.is_valid() and formset.is_valid():
        predikat = [
            (f.cleaned_data["nama"], f.cleaned_data["batas_bawah"])
            for f in formset
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.simpan_pengaturan(periode=periode, predikat=predikat, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Pengaturan peringkat disimpan; berlaku pada perhitungan berikutnya.")
            )
            return redirect("laporan:peringkat", tahun=tahun)
    return peringkat(request, tahun=tahun, form=form, formset=formset)


@hitung
@require_POST
def terbitkan_sementara(request, tahun, pk):
    """Publish a snapshot to the agencies as their preliminary results (not to the public)."""
    periode = get_periode(tahun)
    snapshot = queries.get_snapshot(periode, pk)
    try:
        services.terbitkan_hasil_sementara(snapshot=snapshot, oleh=request.user)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _(
                "Hasil sementara diterbitkan kepada instansi dari snapshot %(waktu)s. Instansi melihat level "
                "indikator, nilai elemen, dan catatan penilai miliknya sendiri; publik tidak melihatnya."
            )
            % {"waktu": waktu_wib(snapshot.dibuat)},
        )
    return redirect(f"{reverse('laporan:peringkat', args=[tahun])}?snapshot={snapshot.pk}")


@lihat
def ekspor(request, tahun, pk):
    periode = get_periode(tahun)
    snapshot = queries.get_snapshot(periode, pk)
    wb = Workbook()
    info = wb.active
    info.title = "Parameter"
    param = snapshot.parameter
    for baris in [
        ["Periode", periode.nama],
        ["Snapshot", timezone.localtime(snapshot.dibuat).strftime("%d-%m-%Y %H.%M")],
        ["Dihitung oleh", snapshot.dibuat_oleh.nama],
        ["Digest masukan (SHA-256)", snapshot.digest],
        ["Agregasi", param["metode_agregasi"]],
        ["Normalisasi", "ya" if param["normalisasi"] else "tidak"],
        ["Status", "sementara" if param.get("keadaan", {}).get("sementara") else "final"],
        ["Pemecah seri kategori utama", param["pemecah_seri"]["utama"]],
        ["Pemecah seri kategori elemen", param["pemecah_seri"]["elemen"]],
        *[[f"Predikat {nama}", f"≥ {batas}"] for nama, batas in param["predikat"]],
    ]:
        tambah_baris(info, baris)
    info.column_dimensions["A"].width = 32
    info.column_dimensions["B"].width = 70
    elemen = [e[0] for e in param["elemen"]]
    sementara = param.get("keadaan", {}).get("sementara", False)
    kepala = [
        "Kelompok",
        "Peringkat",
        "Kode",
        "Instansi",
        "Nilai",
        "Nilai mentah",
        *elemen,
        "Lembar",
        "Moderasi",
        "Seri",
        "Predikat",
    ]
    for kategori in queries.kategori_diperingkat(periode):
        ws = wb.create_sheet(kategori.kode[:31])
        tambah_baris(ws, kepala)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", start_color="0F2F6B")
        for b in queries.tabel_peringkat(snapshot, kategori):
            h = b.hasil
            tambah_baris(
                ws,
                [
                    b.kelompok,
                    b.peringkat,
                    h.peserta.instansi.kode,
                    h.peserta.instansi.nama,
                    float(b.skor),
                    float(h.total_mentah)
                    if kategori.jenis == "utama"
                    else float(h.skor_elemen_mentah[kategori.elemen.kode]),
                    *[float(h.skor_elemen[k]) for k in elemen],
                    h.jumlah_lembar,
                    h.jumlah_moderasi,
                    "ya" if b.seri else "",
                    f"{h.predikat} (sementara)" if sementara and h.predikat else h.predikat,
                ],
            )
        ws.freeze_panes = "A2"
        ws.column_dimensions["D"].width = 50
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    nama = f"peringkat-{slugify(periode.nama)}-{timezone.localtime(snapshot.dibuat):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{nama}"'
    return response
