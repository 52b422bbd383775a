"""Objections (sanggah): an agency objects to a published preliminary level; the panel decides.

Filing is bounded by the Sanggah stage and its scheduled end. Decisions are bounded
by the stage only: the panel may decide objections filed in time until the admin
moves the period to Penetapan, which waits for every objection to be decided.
"""

from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifikasi import peristiwa

from .. import berkas as berkas_bukti
from ..jadwal import alasan_lewat_batas, waktu_wib
from ..models import JenisRiwayat, Moderasi, Periode, RiwayatNilai, Sanggah, StatusSanggah, Tahap
from .penilai import _pastikan_bebas_konflik, tetapkan_level


def hasil_sementara_terbit(periode):
    """The preliminary results published to the agencies of ``periode`` (the latest), or None."""
    # The reports app owns the publication; it is looked up by name to keep apps one-way.
    model = apps.get_model("laporan", "HasilSementara")
    return (
        model.objects.filter(periode=periode)
        .select_related("snapshot")
        .order_by("-diterbitkan", "-pk")
        .first()
    )


def level_sementara(peserta, indikator, terbit=None):
    """The agency's published preliminary level of ``indikator`` (a Decimal), or None."""
    terbit = terbit or hasil_sementara_terbit(peserta.periode)
    if terbit is None:
        return None
    hasil = terbit.snapshot.hasil.filter(peserta=peserta).values_list("level_indikator", flat=True).first()
    nilai = (hasil or {}).get(indikator.kode)
    return Decimal(nilai) if nilai is not None else None


def alasan_tidak_dapat_menyanggah(periode, sekarang=None):
    """Why no objection can be filed in ``periode`` now, or None."""
    if periode.tahap != Tahap.SANGGAH:
        return _("Sanggah hanya dapat diajukan pada tahap Sanggah (sekarang: %(tahap)s).") % {
            "tahap": periode.get_tahap_display()
        }
    lewat = alasan_lewat_batas(periode, _("sanggah"), sekarang)
    if lewat:
        return lewat
    if hasil_sementara_terbit(periode) is None:
        return _("Hasil sementara belum diterbitkan; belum ada level yang dapat disanggah.")
    return None


def ajukan_sanggah(*, peserta, indikator, alasan, oleh, berkas=None):
    """File the agency's one objection to its preliminary level of ``indikator``.

    The optional supporting file is checked like evidence and stored in the private
    evidence storage before anything is written (and deleted again if the
    objection is refused); writes a SANGGAH audit entry.
    """
    lokasi = None
    try:
        # Refused early, before reading the file, when nothing may be filed anyway.
        data = _periksa_sanggah(
            peserta, indikator, alasan, berkas, periode=Periode.objects.get(pk=peserta.periode_id)
        )
        if berkas:
            lokasi = berkas_bukti.simpan(
                berkas,
                folder=f"{peserta.periode.tahun}/{peserta.instansi_id}/sanggah",
                jenis=data["berkas_jenis"],
            )
            data["berkas_lokasi"] = lokasi
        with transaction.atomic():
            periode = Periode.objects.select_for_update().get(pk=peserta.periode_id)
            # Checked again under the lock: the stage may have moved while the file was stored.
            data = {**_periksa_sanggah(peserta, indikator, alasan, None, periode=periode), **data}
            sanggah = Sanggah.objects.create(
                peserta=peserta, indikator=indikator, alasan=alasan.strip(), dibuat_oleh=oleh, **data
            )
            RiwayatNilai.objects.create(
                peserta=peserta,
                indikator=indikator,
                jenis=JenisRiwayat.SANGGAH,
                oleh=oleh,
                catatan=_("Level sementara %(level)s. %(alasan)s")
                % {"level": _angka(sanggah.level_semula), "alasan": sanggah.alasan},
            )
    except IntegrityError:
        # Two objections on one indicator at the same moment (a double click): one wins.
        if lokasi:
            berkas_bukti.hapus(lokasi)
        raise ValidationError(
            {
                "indikator": _("Sanggah untuk indikator %(kode)s sudah diajukan; satu sanggah per indikator.")
                % {"kode": indikator.kode}
            },
            code="ganda",
        ) from None
    except BaseException:
        if lokasi:
            berkas_bukti.hapus(lokasi)
        raise
    return sanggah


def _angka(level):
    """A level as Indonesians write it: 2,5 rather than 2.5000."""
    return f"{level.normalize():f}".replace(".", ",")


def _periksa_sanggah(peserta, indikator, alasan, berkas, *, periode):
    """The objection's checks; returns the fields to store (level_semula, and the file's)."""
    tolak = alasan_tidak_dapat_menyanggah(periode)
    if tolak:
        raise ValidationError(tolak, code="tahap")
    if indikator.elemen.periode_id != peserta.periode_id:
        raise ValidationError(_("Indikator itu bukan bagian dari instrumen periode ini."), code="indikator")
    if not alasan.strip():
        raise ValidationError({"alasan": _("Tuliskan alasan sanggah.")}, code="alasan")
    lama = Sanggah.objects.filter(peserta=peserta, indikator=indikator).first()
    if lama is not None:
        raise ValidationError(
            {
                "indikator": _(
                    "Sanggah untuk indikator %(kode)s sudah diajukan pada %(waktu)s; satu sanggah per indikator."
                )
                % {"kode": indikator.kode, "waktu": waktu_wib(lama.dibuat)}
            },
            code="ganda",
        )
    semula = level_sementara(peserta, indikator, hasil_sementara_terbit(periode))
    if semula is None:
        raise ValidationError(_("Hasil sementara tidak memuat level indikator ini."), code="indikator")
    data = {"level_semula": semula}
    if berkas:
        try:
            jenis, sha256, ukuran = berkas_bukti.periksa(berkas)
        except ValidationError as e:
            raise ValidationError({"berkas": e.messages}) from None
        data.update(
            berkas_nama=berkas_bukti.nama_aman(berkas.name),
            berkas_jenis=jenis,
            berkas_ukuran=ukuran,
            berkas_sha256=sha256,
        )
    return data


@transaction.atomic
def putuskan_sanggah(*, sanggah, terima, alasan, oleh, level=None):
    """Accept (settling ``level`` as moderation does) or reject an objection, with a written reason.

    Accepted: a Moderasi with its MODERASI audit entry; either way a SANGGAH_PUTUS
    audit entry with the level before and after. A chair with a conflict with the
    agency does not decide (the admin does). The agency's operators are told the
    decision, without the name of who took it.
    """
    sanggah = (
        Sanggah.objects.select_for_update()
        .select_related("peserta__instansi", "indikator")
        .get(pk=sanggah.pk)
    )
    periode = Periode.objects.select_for_update().get(pk=sanggah.peserta.periode_id)
    if periode.tahap != Tahap.SANGGAH:
        raise ValidationError(
            _("Sanggah diputuskan pada tahap Sanggah (sekarang: %(tahap)s).")
            % {"tahap": periode.get_tahap_display()},
            code="tahap",
        )
    if sanggah.status != StatusSanggah.MENUNGGU:
        raise ValidationError(
            _("Sanggah ini sudah %(status)s.") % {"status": sanggah.get_status_display().lower()},
            code="status",
        )
    _pastikan_bebas_konflik(oleh, sanggah.peserta.instansi)
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(
            {"keputusan": _("Tuliskan alasan keputusan; instansi membacanya.")}, code="alasan"
        )
    peserta, indikator = sanggah.peserta, sanggah.indikator
    lama = (
        Moderasi.objects.filter(peserta=peserta, indikator=indikator).values_list("level", flat=True).first()
    )
    if terima:
        if level is None:
            raise ValidationError({"level": _("Pilih level baru untuk sanggah yang diterima.")}, code="level")
        try:
            tetapkan_level(
                peserta=peserta,
                indikator=indikator,
                level=level,
                alasan=_("Sanggah diterima: %(alasan)s") % {"alasan": alasan},
                oleh=oleh,
            )
        except ValidationError as e:
            raise ValidationError({"level": e.messages}) from None
        sanggah.status = StatusSanggah.DITERIMA
        sanggah.level_baru = level
    else:
        sanggah.status = StatusSanggah.DITOLAK
    sanggah.keputusan = alasan
    sanggah.diputuskan_oleh = oleh
    sanggah.diputuskan_pada = timezone.now()
    sanggah.save(update_fields=["status", "level_baru", "keputusan", "diputuskan_oleh", "diputuskan_pada"])
    RiwayatNilai.objects.create(
        peserta=peserta,
        indikator=indikator,
        jenis=JenisRiwayat.SANGGAH_PUTUS,
        oleh=oleh,
        level_lama=lama,
        level_baru=level if terima else lama,
        catatan=_("%(status)s (level sementara %(semula)s): %(alasan)s")
        % {"status": sanggah.get_status_display(), "semula": _angka(sanggah.level_semula), "alasan": alasan},
    )
    peristiwa.sanggah_diputus(sanggah, periode=periode)
    return sanggah


def jumlah_sanggah_terbuka(periode):
    return Sanggah.objects.filter(peserta__periode=periode, status=StatusSanggah.MENUNGGU).count()
