"""The decision (penetapan), publication, certificates; the public pages; each agency's own result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from bkn_award import halaman_publik
from bkn_award.halaman import pesan_galat
from penilaian import berkas
from penilaian.models import JenisKategori, Moderasi, Peserta
from penilaian.queries import get_periode
from penilaian.queries.sanggah import catatan_untuk_instansi
from penilaian.services.sanggah import jumlah_sanggah_terbuka

from . import queries, services
from .forms import (
    AlasanForm,
    KhususForm,
    PenetapanForm,
    PengaturanPiagamForm,
    SeriForm,
    SetujuiForm,
    UmumkanForm,
)
from .kelompok import label_kelompok, nama_kelompok_periode
from .kesiapan import kesiapan
from .models import (
    HasilPeserta,
    KeputusanSeri,
    Penetapan,
    PenghargaanKhusus,
    Sertifikat,
    StatusPenetapan,
    StatusSertifikat,
)
from .pengumuman import html_pemenang, pengumuman_berikutnya
from .queries.rekomendasi import rekomendasi_instansi, rubrik_periode
from .services import sertifikat as layanan_sertifikat
from .services.sertifikat import isi as isi_sertifikat
from .services.sertifikat import storage as storage_sertifikat

tetapkan = permission_required("laporan.tetapkan_pemenang", raise_exception=True)


def _penetapan_aktif(periode):
    return (
        Penetapan.objects.filter(periode=periode)
        .exclude(status=StatusPenetapan.DITARIK)
        .select_related("snapshot__dibuat_oleh", "disetujui_oleh")
        .first()
    )


# What the certificates print: a change re-renders those of the approved decision.
_ISI_PIAGAM = {"penandatangan_nama", "penandatangan_jabatan", "tempat_penetapan"}


@tetapkan
def penetapan(request, tahun, forms=None):
    periode = get_periode(tahun)
    aktif = _penetapan_aktif(periode)
    forms = forms or {}
    konteks = {
        "periode": periode,
        "penetapan": aktif,
        "penetapan_form": forms.get("penetapan") or PenetapanForm(periode=periode),
        "pengaturan_form": forms.get("pengaturan") or PengaturanPiagamForm(instance=periode),
        "ditarik_list": Penetapan.objects.filter(
            periode=periode, status=StatusPenetapan.DITARIK
        ).select_related("ditarik_oleh"),
        "sekarang": timezone.now(),
        "sanggah_terbuka": jumlah_sanggah_terbuka(periode),
    }
    if aktif is not None and aktif.status == StatusPenetapan.DRAF:
        draf = queries.draf_pemenang(aktif)
        seri_form = forms.get("seri")
        konteks.update(
            pemenang_list=draf.pemenang,
            seri_list=[
                (
                    seri,
                    seri_form
                    if seri_form is not None and seri_form.seri.peserta_ids == seri.peserta_ids
                    else SeriForm(seri=seri, auto_id=f"seri{n}-%s"),
                    KeputusanSeri.objects.filter(
                        penetapan=aktif,
                        snapshot=aktif.snapshot_id,
                        kategori=seri.kategori,
                        kode_kelompok=seri.kode_kelompok,
                        peringkat=seri.peringkat,
                    ).select_related("oleh"),
                )
                for n, seri in enumerate(draf.seri)
            ],
            kesiapan=kesiapan(aktif, draf),
            setujui_form=forms.get("setujui") or SetujuiForm(),
        )
    elif aktif is not None:
        kemajuan = layanan_sertifikat.kemajuan(penetapan=aktif)
        pemenang_list = queries.pemenang(aktif)
        for p in pemenang_list:
            # Each row links the certificate only when its stored version is the current one.
            s = getattr(p.penghargaan, "sertifikat", None)
            if s is not None:
                s.keadaan = kemajuan.keadaan.get(s.pk)
                s.label_keadaan = layanan_sertifikat.LABEL_KEADAAN.get(s.keadaan, "")
        konteks.update(
            keputusan_seri_list=_dengan_label_kelompok(
                periode, aktif.keputusan_seri.select_related("kategori", "oleh")
            ),
            pemenang_list=pemenang_list,
            kemajuan=kemajuan,
            umumkan_form=forms.get("umumkan") or UmumkanForm(),
            tarik_form=forms.get("tarik") or AlasanForm(),
            terbit=aktif.terbit(timezone.now()),
            cabut_form=forms.get("cabut"),
        )
    if aktif is not None:
        konteks.update(
            khusus_form=forms.get("khusus") or KhususForm(periode=periode),
            khusus_list=aktif.khusus.select_related("peserta__instansi", "kategori", "oleh"),
        )
    return render(request, "laporan/penetapan.html", konteks)


def _dengan_label_kelompok(periode, keputusan_list):
    """The panel's tie decisions, each with its peer group's name for display."""
    nama = nama_kelompok_periode(periode)
    keputusan_list = list(keputusan_list)
    for k in keputusan_list:
        k.label_kelompok = label_kelompok(k.kode_kelompok, nama.get(k.kode_kelompok, k.kode_kelompok))
    return keputusan_list


def _nomor_berkas(nomor):
    """001/PIAGAM/BKN-AWARD/2023 → 001-piagam-bkn-award-2023, for file names."""
    return slugify(nomor.replace("/", "-"))


def _kembali(tahun):
    return redirect("laporan:penetapan", tahun=tahun)


@tetapkan
@require_POST
def penetapan_buat(request, tahun):
    periode = get_periode(tahun)
    form = PenetapanForm(request.POST, periode=periode)
    if form.is_valid():
        try:
            services.buat_penetapan(periode=periode, oleh=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Draf pemenang disusun dari snapshot terpilih; periksa daftarnya lalu setujui.")
            )
            return _kembali(tahun)
    return penetapan(request, tahun=tahun, forms={"penetapan": form})


@tetapkan
@require_POST
def pengaturan_piagam(request, tahun):
    periode = get_periode(tahun)
    form = PengaturanPiagamForm(request.POST, instance=periode)
    if form.is_valid():
        aktif = _penetapan_aktif(periode)
        form.save()
        # Approved certificates print the changed text: they show as pending at once (none is
        # counted or served in its old version) and the workers render their new version.
        if (
            aktif is not None
            and aktif.status == StatusPenetapan.DISETUJUI
            and _ISI_PIAGAM & set(form.changed_data)
        ):
            try:
                layanan_sertifikat.render_semua(penetapan=aktif)
            except ValidationError as exc:
                messages.warning(request, _("Pengaturan piagam disimpan.") + " " + " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Pengaturan piagam disimpan. Piagam dengan isi baru sedang dirender ulang.")
                )
        else:
            messages.success(request, _("Pengaturan piagam disimpan."))
        return _kembali(tahun)
    return penetapan(request, tahun=tahun, forms={"pengaturan": form})


@tetapkan
@require_POST
def khusus_tambah(request, tahun):
    periode = get_periode(tahun)
    aktif = get_object_or_404(Penetapan, periode=periode, status=StatusPenetapan.DRAF)
    form = KhususForm(request.POST, periode=periode)
    if form.is_valid():
        try:
            services.beri_penghargaan_khusus(penetapan=aktif, oleh=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(kategori)s diberikan kepada %(instansi)s.")
                % {
                    "kategori": form.cleaned_data["kategori"].nama,
                    "instansi": form.cleaned_data["peserta"].instansi.nama,
                },
            )
            return _kembali(tahun)
    return penetapan(request, tahun=tahun, forms={"khusus": form})


@tetapkan
@require_POST
def khusus_hapus(request, tahun, pk):
    khusus = get_object_or_404(
        PenghargaanKhusus.objects.select_related("penetapan", "peserta__instansi"),
        penetapan__periode__tahun=tahun,
        pk=pk,
    )
    try:
        services.hapus_penghargaan_khusus(khusus=khusus)
    except ValidationError as exc:
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Penghargaan khusus untuk %(instansi)s dihapus.") % {"instansi": khusus.peserta.instansi.nama},
        )
    return _kembali(tahun)


@tetapkan
@require_POST
def seri_putuskan(request, tahun):
    periode = get_periode(tahun)
    aktif = get_object_or_404(Penetapan, periode=periode, status=StatusPenetapan.DRAF)
    kunci = (request.POST.get("kategori"), request.POST.get("kelompok"), request.POST.get("peringkat"))
    seri = next(
        (
            s
            for s in queries.draf_pemenang(aktif).seri
            if (str(s.kategori.pk), s.kode_kelompok, str(s.peringkat)) == kunci
        ),
        None,
    )
    if seri is None:
        messages.error(request, _("Peringkat bersama itu tidak lagi ada pada draf ini; muat ulang halaman."))
        return _kembali(tahun)
    form = SeriForm(request.POST, seri=seri, auto_id="seri-%s")
    if form.is_valid():
        try:
            services.putuskan_seri(
                penetapan=aktif,
                seri=seri,
                keputusan=form.cleaned_data["keputusan"],
                urutan=form.urutan,
                alasan=form.cleaned_data["alasan"],
                oleh=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Keputusan panel atas peringkat %(peringkat)s bersama %(kategori)s, %(kelompok)s dicatat.")
                % {
                    "peringkat": seri.peringkat,
                    "kategori": seri.kategori.nama,
                    "kelompok": seri.label_kelompok,
                },
            )
            return _kembali(tahun)
    return penetapan(request, tahun=tahun, forms={"seri": form})


@tetapkan
@require_POST
def setujui(request, tahun):
    periode = get_periode(tahun)
    aktif = _penetapan_aktif(periode)
    if aktif is None or aktif.status != StatusPenetapan.DRAF:
        messages.info(request, _("Tidak ada draf yang menunggu persetujuan."))
        return _kembali(tahun)
    form = SetujuiForm(request.POST)
    form.is_valid()
    try:
        aktif = services.setujui(
            penetapan=aktif, oleh=request.user, alasan_lanjut=form.cleaned_data.get("alasan_lanjut", "")
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "alasan_lanjut":
            form.add_error("alasan_lanjut", exc)
            return penetapan(request, tahun=tahun, forms={"setujui": form})
        pesan_galat(request, exc)
    else:
        messages.success(
            request,
            _("Pemenang %(periode)s disetujui: %(n)s penghargaan. Piagam sedang dirender oleh worker.")
            % {"periode": periode.nama, "n": aktif.penghargaan.count()},
        )
    return _kembali(tahun)


@tetapkan
@require_POST
def umumkan(request, tahun):
    periode = get_periode(tahun)
    aktif = _penetapan_aktif(periode)
    form = UmumkanForm(request.POST)
    if aktif is None or not form.is_valid():
        messages.error(request, _("Tidak ada pemenang yang disetujui untuk diumumkan."))
        return _kembali(tahun)
    try:
        aktif = services.umumkan(penetapan=aktif, waktu=form.cleaned_data["waktu"])
    except ValidationError as exc:
        form.add_error("waktu", exc)
        return penetapan(request, tahun=tahun, forms={"umumkan": form})
    if aktif.terbit(timezone.now()):
        messages.success(
            request, _("Pemenang %(periode)s kini terbuka untuk publik.") % {"periode": periode.nama}
        )
    else:
        messages.success(
            request,
            _("Pemenang %(periode)s akan terbuka untuk publik pada %(waktu)s.")
            % {
                "periode": periode.nama,
                "waktu": timezone.localtime(aktif.diumumkan_pada).strftime("%d-%m-%Y %H.%M"),
            },
        )
    return _kembali(tahun)


@tetapkan
@require_POST
def tarik(request, tahun):
    periode = get_periode(tahun)
    aktif = _penetapan_aktif(periode)
    form = AlasanForm(request.POST)
    if aktif is not None and form.is_valid():
        try:
            services.tarik(penetapan=aktif, alasan=form.cleaned_data["alasan"], oleh=request.user)
        except ValidationError as exc:
            form.add_error("alasan", exc)
        else:
            messages.warning(
                request, _("Persetujuan pemenang %(periode)s ditarik.") % {"periode": periode.nama}
            )
            return _kembali(tahun)
    return penetapan(request, tahun=tahun, forms={"tarik": form})


@tetapkan
@require_POST
def render_ulang(request, tahun):
    periode = get_periode(tahun)
    aktif = get_object_or_404(Penetapan, periode=periode, status=StatusPenetapan.DISETUJUI)
    try:
        n = services.render_semua(penetapan=aktif)
    except ValidationError as exc:
        pesan_galat(request, exc)
        return _kembali(tahun)
    messages.info(
        request,
        _(
            "%(n)s piagam diperiksa ulang; yang isinya berubah, gagal atau tertahan diantrekan untuk "
            "dirender sebagai versi baru."
        )
        % {"n": n},
    )
    return _kembali(tahun)


@tetapkan
def kemajuan_sertifikat(request, tahun):
    """The certificates' progress, polled by the panel while some are pending; it says when they are held up."""
    periode = get_periode(tahun)
    aktif = get_object_or_404(Penetapan, periode=periode, status=StatusPenetapan.DISETUJUI)
    return render(
        request,
        "laporan/penetapan.html#kemajuan_sertifikat",
        {"periode": periode, "penetapan": aktif, "kemajuan": layanan_sertifikat.kemajuan(penetapan=aktif)},
    )


@tetapkan
@require_POST
def cabut(request, tahun, kode):
    sertifikat = get_object_or_404(Sertifikat, penghargaan__penetapan__periode__tahun=tahun, kode=kode)
    form = AlasanForm(request.POST)
    if sertifikat.dicabut_pada:  # revoked meanwhile (another tab, a colleague): nothing left to do
        messages.info(request, _("Sertifikat %(nomor)s sudah dicabut.") % {"nomor": sertifikat.nomor})
        return _kembali(tahun)
    if form.is_valid():
        try:
            services.cabut(sertifikat=sertifikat, alasan=form.cleaned_data["alasan"], oleh=request.user)
        except ValidationError as exc:
            form.add_error("alasan", exc)
        else:
            messages.warning(request, _("Sertifikat %(nomor)s dicabut.") % {"nomor": sertifikat.nomor})
            return _kembali(tahun)
    # Refused: shown beside that certificate, with the reason as typed.
    form.kode = sertifikat.kode
    return penetapan(request, tahun=tahun, forms={"cabut": form})


@tetapkan
def zip_sertifikat(request, tahun):
    periode = get_periode(tahun)
    aktif = get_object_or_404(Penetapan, periode=periode, status=StatusPenetapan.DISETUJUI)
    # Only current versions: a certificate being renewed is left out until its new version is stored.
    isi = [
        (f"{_nomor_berkas(s.nomor)} {slugify(s.penghargaan.peserta.instansi.nama)}.pdf", s.lokasi)
        for s in Sertifikat.objects.filter(
            penghargaan__penetapan=aktif, status=StatusSertifikat.SELESAI, dicabut_pada__isnull=True
        ).select_related(
            "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
        )
        if layanan_sertifikat.terkini(s)
    ]
    return berkas.respons_zip(
        isi, nama_berkas=f"piagam-{slugify(periode.nama)}.zip", storage=storage_sertifikat()
    )


def unduh_sertifikat(request, kode):
    sertifikat = queries.get_sertifikat_untuk_pengguna(request.user, kode)
    nama = f"piagam-{_nomor_berkas(sertifikat.nomor)}.pdf"
    return berkas.respons_berkas(
        storage_sertifikat(), sertifikat.lokasi, nama_berkas=nama, content_type="application/pdf", unduh=True
    )


# Public pages


def _belum_ada_hasil(request, tahun):
    """No published result: "under review" if one was published and withdrawn, else "not yet announced"."""
    ditarik = queries.penetapan_ditinjau(tahun)
    if ditarik is not None:
        response = render(request, "laporan/sedang_ditinjau.html", {"tahun": tahun, "penetapan": ditarik})
        response["Cache-Control"] = "public, no-cache"
        return response
    return render(request, "laporan/belum_diumumkan.html", {"tahun": tahun}, status=404)


@login_not_required
@halaman_publik.tersimpan(sampai=pengumuman_berikutnya)
def pemenang(request, tahun):
    html = html_pemenang(tahun)
    if html is None:
        return _belum_ada_hasil(request, tahun)
    response = HttpResponse(html)
    response["Cache-Control"] = "public, no-cache"
    return response


@login_not_required
@halaman_publik.tersimpan(sampai=pengumuman_berikutnya)
def pemenang_daftar(request):
    sekarang = timezone.now()
    terbit = (
        Penetapan.objects.filter(status=StatusPenetapan.DISETUJUI, diumumkan_pada__lte=sekarang)
        .select_related("periode")
        .order_by("-periode__tahun")
    )
    tahun_terbit = {p.periode.tahun for p in terbit}
    ditinjau = sorted(
        {
            p.periode.tahun: p
            for p in Penetapan.objects.filter(status=StatusPenetapan.DITARIK, diumumkan_pada__lte=sekarang)
            .exclude(periode__tahun__in=tahun_terbit)
            .select_related("periode")
        }.values(),
        key=lambda p: -p.periode.tahun,
    )
    return render(
        request, "laporan/pemenang_daftar.html", {"penetapan_list": terbit, "ditinjau_list": ditinjau}
    )


@login_not_required
@halaman_publik.tersimpan(
    sampai=pengumuman_berikutnya, versi_dari=(halaman_publik.SEMUA, halaman_publik.SERTIFIKAT)
)
def verifikasi(request, kode):
    sertifikat = (
        Sertifikat.objects.select_related(
            "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
        )
        .filter(kode=kode.strip().upper())
        .first()
    )
    penetapan_ = sertifikat.penghargaan.penetapan if sertifikat else None
    # Before publication a certificate does not exist for the public.
    terlihat = (
        penetapan_ is not None and penetapan_.diumumkan_pada and penetapan_.diumumkan_pada <= timezone.now()
    )
    if sertifikat is None or not terlihat:
        return render(request, "laporan/verifikasi.html", {"kode": kode, "tidak_dikenal": True}, status=404)
    dicabut = sertifikat.dicabut_pada is not None or penetapan_.status == StatusPenetapan.DITARIK
    # The page states the certificate as the official record reads now, signatory included, never as
    # its stored PDF reads: whoever scans the QR code wants to know what is valid. While a change
    # (a new signatory) is still being rendered, it says the certificate is being renewed, so that a
    # copy printed before, which may differ, is not mistaken for the current one.
    return render(
        request,
        "laporan/verifikasi.html",
        {
            "kode": kode,
            "sertifikat": sertifikat,
            "isi": isi_sertifikat(sertifikat),
            "diperbarui": not layanan_sertifikat.terkini(sertifikat),
            "dicabut": dicabut,
            "penetapan": penetapan_,
        },
        status=410 if dicabut else 200,
    )


# The agency's own result


def _sertifikat_instansi(penetapan_, peserta):
    """The agency's valid certificates; one being renewed is listed without its outdated file."""
    daftar = list(
        Sertifikat.objects.filter(
            penghargaan__penetapan=penetapan_, penghargaan__peserta=peserta, dicabut_pada__isnull=True
        ).select_related(
            "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
        )
    )
    for s in daftar:
        s.terkini = layanan_sertifikat.terkini(s)
    return daftar


@permission_required("penilaian.isi_mandiri", raise_exception=True)
def hasil_instansi(request, tahun):
    penetapan_ = queries.penetapan_terbit(tahun)
    peserta = get_object_or_404(
        Peserta.objects.select_related("instansi", "periode"),
        periode__tahun=tahun,
        instansi=request.user.instansi_id,
    )
    if penetapan_ is None:
        return _belum_ada_hasil(request, tahun)
    hasil = HasilPeserta.objects.filter(snapshot=penetapan_.snapshot, peserta=peserta).first()
    kategori = {str(k.pk): k for k in queries.kategori_diperingkat(peserta.periode)}
    peringkat = [
        (kategori[k], queries.peringkat_setelah_keputusan(penetapan_, peserta.pk, kategori[k], p))
        for k, p in (hasil.peringkat.items() if hasil else [])
        if k in kategori
    ]
    peringkat.sort(key=lambda item: item[0].urutan)
    # The evaluators' notes, without their names: "Penilai 1", "Penilai 2" in a fixed order.
    catatan = catatan_untuk_instansi(peserta)
    # The rubric's rows bring their indicators: the notes and the recommendations share one query.
    rubrik = rubrik_periode(peserta.periode)
    indikator = {pk: i for pk, (i, _levels) in rubrik.items()}
    if not indikator.keys() >= catatan.keys():  # an indicator without a rubric (an invalid instrument)
        indikator |= {i.pk: i for i in peserta.periode.indikator.filter(pk__in=catatan)}
    moderasi = {m.indikator_id: m for m in Moderasi.objects.filter(peserta=peserta)}
    return render(
        request,
        "laporan/hasil.html",
        {
            "periode": peserta.periode,
            "peserta": peserta,
            "hasil": hasil,
            "peringkat": peringkat,
            "catatan": [(indikator[pk], daftar, moderasi.get(pk)) for pk, daftar in catatan.items()],
            "rekomendasi": rekomendasi_instansi(hasil, rubrik),
            "sertifikat_list": _sertifikat_instansi(penetapan_, peserta),
            "khusus": JenisKategori.KHUSUS,
        },
    )
