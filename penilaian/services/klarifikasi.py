"""Clarification during verification: an evaluator asks, the agency answers before the due date.

The due date is counted in working days (penilaian/hari_kerja.py) from the day of
asking. An answer may add evidence to the indicator or replace one of its current
files; a replaced file is kept, marked ``diganti_pada``, never overwritten. Asking,
answering and withdrawing each write a RiwayatNilai row, and tell the other side
(``notifikasi.peristiwa``) in the same transaction: the agency's operators of a
request and its withdrawal, the evaluator who asked of the answer.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifikasi import peristiwa

from .. import berkas as berkas_bukti
from ..hari_kerja import tenggat_hari_kerja
from ..jadwal import alasan_lewat_batas, waktu_wib
from ..models import (
    BuktiDukung,
    HariLiburTambahan,
    JenisRiwayat,
    PermintaanKlarifikasi,
    RiwayatNilai,
    StatusKlarifikasi,
)
from .mandiri import _duplikat, kuota_terpakai, pastikan_kuota
from .penilai import TAHAP_MENILAI, _kunci_lembar


def tenggat_klarifikasi(periode, sejak=None):
    """The due date of a request made at ``sejak``: the end of the period's Nth working day after it."""
    return tenggat_hari_kerja(sejak or timezone.now(), periode.hari_kerja_klarifikasi)


def _pertanyaan_bukti(peserta, indikator, bukti):
    if bukti is not None and (
        bukti.peserta_id != peserta.pk or bukti.indikator_id != indikator.pk or not bukti.berlaku
    ):
        raise ValidationError(
            {"bukti": _("Berkas yang dipilih bukan bukti dukung indikator ini.")}, code="bukti"
        )


@transaction.atomic
def ajukan_klarifikasi(*, lembar, indikator, pertanyaan, bukti=None, oleh):
    """The evaluator asks the agency about one indicator of its own sheet, optionally naming a file in doubt.

    Only while the sheet may still be scored; one open request per sheet and
    indicator. Sets the due date, writes the audit trail (KLARIFIKASI) and tells
    the agency's operators.
    """
    lembar = _kunci_lembar(lembar)
    if lembar.penilai_id != oleh.pk:
        raise ValidationError(
            _("Hanya penilai lembar ini yang dapat meminta klarifikasi."), code="bukan_milik"
        )
    if indikator.periode_id != lembar.periode_id:
        raise ValidationError(_("Indikator bukan bagian dari instrumen periode ini."), code="indikator")
    pertanyaan = pertanyaan.strip()
    if not pertanyaan:
        raise ValidationError({"pertanyaan": _("Tuliskan pertanyaan untuk instansi.")}, code="pertanyaan")
    _pertanyaan_bukti(lembar.peserta, indikator, bukti)
    if PermintaanKlarifikasi.objects.filter(
        lembar=lembar, indikator=indikator, status=StatusKlarifikasi.TERBUKA
    ).exists():
        raise ValidationError(
            _(
                "Permintaan klarifikasi Anda untuk indikator %(kode)s masih menunggu jawaban; "
                "tarik dahulu sebelum mengajukan yang baru."
            )
            % {"kode": indikator.kode},
            code="ganda",
        )
    sekarang = timezone.now()
    permintaan = PermintaanKlarifikasi.objects.create(
        lembar=lembar,
        peserta_id=lembar.peserta_id,
        indikator=indikator,
        bukti=bukti,
        pertanyaan=pertanyaan,
        dibuat=sekarang,
        tenggat=tenggat_klarifikasi(lembar.periode, sekarang),
    )
    RiwayatNilai.objects.create(
        peserta_id=lembar.peserta_id,
        lembar=lembar,
        indikator=indikator,
        jenis=JenisRiwayat.KLARIFIKASI,
        oleh=oleh,
        catatan=_("%(pertanyaan)s (tenggat %(tenggat)s)")
        % {"pertanyaan": pertanyaan, "tenggat": waktu_wib(permintaan.tenggat)},
    )
    peristiwa.klarifikasi_diminta(permintaan, periode=lembar.periode)
    return permintaan


def _kunci_permintaan(permintaan):
    return (
        PermintaanKlarifikasi.objects.select_for_update(of=("self",))
        .select_related(
            "lembar__periode", "lembar__penilai", "peserta__periode", "peserta__instansi", "indikator"
        )
        .get(pk=permintaan.pk)
    )


def _pastikan_terbuka(permintaan):
    if permintaan.status == StatusKlarifikasi.DITARIK:
        raise ValidationError(_("Permintaan klarifikasi ini sudah ditarik penilai."), code="ditarik")
    if permintaan.status == StatusKlarifikasi.DIJAWAB:
        raise ValidationError(
            _("Permintaan klarifikasi ini sudah dijawab pada %(waktu)s.")
            % {"waktu": waktu_wib(permintaan.dijawab_pada)},
            code="dijawab",
        )


@transaction.atomic
def tarik_klarifikasi(*, permintaan, oleh):
    """The evaluator withdraws its open request (e.g. to submit the sheet); audited as KLARIFIKASI_TARIK.

    The agency's operators are told that it needs no answer any more.
    """
    permintaan = _kunci_permintaan(permintaan)
    if permintaan.lembar.penilai_id != oleh.pk:
        raise ValidationError(_("Hanya penilai yang meminta klarifikasi ini yang dapat menariknya."))
    _pastikan_terbuka(permintaan)
    _kunci_lembar(permintaan.lembar)
    permintaan.status = StatusKlarifikasi.DITARIK
    permintaan.ditarik_pada = timezone.now()
    permintaan.save(update_fields=["status", "ditarik_pada"])
    RiwayatNilai.objects.create(
        peserta_id=permintaan.peserta_id,
        lembar_id=permintaan.lembar_id,
        indikator_id=permintaan.indikator_id,
        jenis=JenisRiwayat.KLARIFIKASI_TARIK,
        oleh=oleh,
        catatan=permintaan.pertanyaan,
    )
    peristiwa.klarifikasi_ditarik(permintaan)
    return permintaan


def alasan_tidak_dapat_dijawab(permintaan, sekarang=None):
    """Why the agency cannot answer the request now, or None."""
    if permintaan.status == StatusKlarifikasi.DITARIK:
        return _("Permintaan klarifikasi ini sudah ditarik penilai.")
    if permintaan.status == StatusKlarifikasi.DIJAWAB:
        return _("Permintaan klarifikasi ini sudah dijawab pada %(waktu)s.") % {
            "waktu": waktu_wib(permintaan.dijawab_pada)
        }
    periode = permintaan.peserta.periode
    if periode.tahap not in TAHAP_MENILAI:
        return _(
            "Klarifikasi hanya dapat dijawab pada tahap Verifikasi dan penilaian (sekarang: %(tahap)s)."
        ) % {"tahap": periode.get_tahap_display()}
    if (sekarang or timezone.now()) >= permintaan.tenggat:
        return _("Tenggat jawaban klarifikasi (%(waktu)s) sudah lewat; jawaban tidak dapat dikirim lagi.") % {
            "waktu": waktu_wib(permintaan.tenggat)
        }
    return alasan_lewat_batas(periode, _("jawaban klarifikasi"), sekarang)


def jawab_klarifikasi(*, permintaan, jawaban, oleh, berkas=None, syarat=None, mengganti=None):
    """The agency answers a request, with text and optionally a file for that indicator.

    The file is added to the indicator's evidence (for the required document
    ``syarat``), or replaces ``mengganti``, one of the indicator's current files,
    which is then kept as an old version (``diganti_pada``, ``pengganti``). The file
    is checked and stored before anything is written, and removed again if the
    answer is refused. Writes the audit trail (KLARIFIKASI_JAWAB) and tells the
    evaluator who asked.
    """
    jawaban = jawaban.strip()
    alasan = alasan_tidak_dapat_dijawab(permintaan)
    if alasan:
        raise ValidationError(alasan, code="terkunci")
    if not jawaban:
        raise ValidationError({"jawaban": _("Tuliskan jawaban atas pertanyaan penilai.")}, code="jawaban")
    indikator = permintaan.indikator
    if syarat is not None and syarat.indikator_id != indikator.pk:
        raise ValidationError({"syarat": _("Bukti wajib yang dipilih bukan milik indikator ini.")})
    if mengganti is not None and (
        mengganti.peserta_id != permintaan.peserta_id
        or mengganti.indikator_id != indikator.pk
        or not mengganti.berlaku
    ):
        raise ValidationError(
            {"mengganti": _("Berkas yang akan diganti tidak ditemukan pada indikator ini.")}
        )
    if mengganti is not None and berkas is None:
        raise ValidationError({"berkas": _("Pilih berkas pengganti.")}, code="berkas")
    lokasi = None
    if berkas is not None:
        try:
            jenis, sha256, ukuran = berkas_bukti.periksa(berkas)
        except ValidationError as exc:
            raise ValidationError({"berkas": exc.messages}) from None
        peserta = permintaan.peserta
        if BuktiDukung.objects.filter(
            peserta=peserta, indikator=indikator, sha256=sha256, diganti_pada__isnull=True
        ).exists():
            raise ValidationError({"berkas": _duplikat(peserta, indikator, sha256)}, code="duplikat")
        lokasi = berkas_bukti.simpan(
            berkas, folder=f"{peserta.periode.tahun}/{peserta.instansi_id}", jenis=jenis
        )
    try:
        with transaction.atomic():
            permintaan = _kunci_permintaan(permintaan)
            alasan = alasan_tidak_dapat_dijawab(permintaan)
            if alasan:
                raise ValidationError(alasan, code="terkunci")
            sekarang = timezone.now()
            baru = None
            if lokasi is not None:
                baru = _simpan_berkas_jawaban(
                    permintaan,
                    berkas=berkas,
                    lokasi=lokasi,
                    jenis=jenis,
                    sha256=sha256,
                    ukuran=ukuran,
                    syarat=syarat,
                    mengganti=mengganti,
                    oleh=oleh,
                    sekarang=sekarang,
                )
            permintaan.status = StatusKlarifikasi.DIJAWAB
            permintaan.jawaban = jawaban
            permintaan.dijawab_pada = sekarang
            permintaan.dijawab_oleh = oleh
            permintaan.save(update_fields=["status", "jawaban", "dijawab_pada", "dijawab_oleh"])
            RiwayatNilai.objects.create(
                peserta_id=permintaan.peserta_id,
                lembar_id=permintaan.lembar_id,
                indikator=indikator,
                jenis=JenisRiwayat.KLARIFIKASI_JAWAB,
                oleh=oleh,
                catatan=_catatan_jawaban(jawaban, baru, mengganti),
            )
            peristiwa.klarifikasi_dijawab(permintaan, berkas=baru)
    except IntegrityError:
        # Two identical uploads at the same moment (a double click): one wins.
        berkas_bukti.hapus(lokasi)
        raise ValidationError(
            {"berkas": _duplikat(permintaan.peserta, indikator, sha256)}, code="duplikat"
        ) from None
    except BaseException:
        if lokasi is not None:
            berkas_bukti.hapus(lokasi)
        raise
    return permintaan


def _simpan_berkas_jawaban(
    permintaan, *, berkas, lokasi, jenis, sha256, ukuran, syarat, mengganti, oleh, sekarang
):
    peserta = permintaan.peserta
    if mengganti is not None:
        mengganti = BuktiDukung.objects.select_for_update().get(pk=mengganti.pk)
        if not mengganti.berlaku:
            raise ValidationError({"mengganti": _("Berkas yang akan diganti sudah diganti sebelumnya.")})
    terpakai = kuota_terpakai(peserta) - (mengganti.ukuran if mengganti else 0)
    pastikan_kuota(terpakai + ukuran)
    baru = BuktiDukung.objects.create(
        peserta=peserta,
        indikator=permintaan.indikator,
        syarat=mengganti.syarat if mengganti is not None else syarat,
        nama_berkas=berkas_bukti.nama_aman(berkas.name),
        lokasi=lokasi,
        jenis=jenis,
        ukuran=ukuran,
        sha256=sha256,
        diunggah=sekarang,
        diunggah_oleh=oleh,
        klarifikasi=permintaan,
    )
    if mengganti is not None:
        mengganti.diganti_pada = sekarang
        mengganti.pengganti = baru
        mengganti.save(update_fields=["diganti_pada", "pengganti"])
    return baru


def _catatan_jawaban(jawaban, baru, mengganti):
    if baru is None:
        return jawaban
    if mengganti is not None:
        return _("%(jawaban)s (berkas %(lama)s diganti dengan %(baru)s)") % {
            "jawaban": jawaban,
            "lama": mengganti.nama_berkas,
            "baru": baru.nama_berkas,
        }
    return _("%(jawaban)s (berkas baru: %(baru)s)") % {"jawaban": jawaban, "baru": baru.nama_berkas}


def klarifikasi_menahan_lembar(lembar, sekarang=None):
    """The sheet's own requests still open and not yet due: they keep the sheet from being submitted."""
    return list(
        PermintaanKlarifikasi.objects.filter(
            lembar=lembar, status=StatusKlarifikasi.TERBUKA, tenggat__gt=sekarang or timezone.now()
        )
        .select_related("indikator")
        .order_by("tenggat")
    )


# The admin's cuti bersama


def tambah_hari_libur(*, tanggal, keterangan, oleh):
    """Record a cuti bersama day; requests made afterwards count it as a non-working day."""
    keterangan = keterangan.strip()
    if not keterangan:
        raise ValidationError({"keterangan": _("Tuliskan keterangan hari libur.")}, code="keterangan")
    try:
        with transaction.atomic():
            return HariLiburTambahan.objects.create(tanggal=tanggal, keterangan=keterangan, dibuat_oleh=oleh)
    except IntegrityError:
        raise ValidationError(
            {
                "tanggal": _("Tanggal %(tanggal)s sudah tercatat sebagai cuti bersama.")
                % {"tanggal": f"{tanggal:%d-%m-%Y}"}
            },
            code="ganda",
        ) from None


def hapus_hari_libur(*, hari_libur):
    """Remove a cuti bersama day; due dates already set stay as they are."""
    hari_libur.delete()
