"""Writes of an agency's self-assessment: answers, evidence, submission, reopening.

Every change goes through ``_kunci_untuk_ubah``: it locks the participant's row
and refuses the change, whatever the browser sent, once the assessment is
submitted or past its deadline.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import berkas as berkas_bukti
from ..jadwal import waktu_wib
from ..models import BuktiDukung, Indikator, JawabanMandiri, PembukaanKembali, Peserta, Tahap
from ..queries import kemajuan_peserta
from .periode import tahan_periode


def tenggat(peserta):
    """Until when the agency may change its self-assessment (None if no timeline)."""
    jadwal = peserta.periode.jadwal_tahap(Tahap.PENILAIAN_MANDIRI)
    batas = jadwal.selesai if jadwal else None
    if peserta.tenggat_khusus and (batas is None or peserta.tenggat_khusus > batas):
        return peserta.tenggat_khusus
    return batas


def alasan_terkunci(peserta, sekarang=None):
    """Why the agency may not change its self-assessment now, or None when it may."""
    sekarang = sekarang or timezone.now()
    periode = peserta.periode
    if peserta.dikirim_pada:
        return _("Penilaian mandiri sudah dikirim pada %(waktu)s; isiannya tidak dapat diubah lagi.") % {
            "waktu": waktu_wib(peserta.dikirim_pada)
        }
    if periode.tahap == Tahap.PERSIAPAN:
        return _("Penilaian mandiri %(periode)s belum dibuka.") % {"periode": periode.nama}
    jadwal = periode.jadwal_tahap(Tahap.PENILAIAN_MANDIRI)
    if jadwal and sekarang < jadwal.mulai:
        return _("Penilaian mandiri baru dibuka pada %(waktu)s.") % {"waktu": waktu_wib(jadwal.mulai)}
    batas = tenggat(peserta)
    dibuka_kembali = peserta.tenggat_khusus is not None
    if periode.tahap not in (Tahap.PENILAIAN_MANDIRI, Tahap.VERIFIKASI) or (
        periode.tahap == Tahap.VERIFIKASI and not dibuka_kembali
    ):
        return _("Tahap penilaian mandiri sudah berakhir; isian tidak dapat diubah lagi.")
    if batas and sekarang >= batas:
        return _("Batas waktu penilaian mandiri (%(waktu)s) sudah lewat; perubahan tidak dapat disimpan.") % {
            "waktu": waktu_wib(batas)
        }
    return None


def _kunci_untuk_ubah(peserta):
    """The participant, locked for this transaction, if its self-assessment may change; else ValidationError."""
    # The participant locked, its period only held: other agencies' saves do not wait for this one.
    tahan_periode(peserta.periode_id)
    peserta = (
        Peserta.objects.select_for_update(of=("self",))
        .select_related("periode", "instansi")
        .get(pk=peserta.pk)
    )
    alasan = alasan_terkunci(peserta)
    if alasan:
        raise ValidationError(alasan, code="terkunci")
    return peserta


class JawabanKedaluwarsa(ValidationError):
    """A save from a stale page: the answer changed since that page was loaded."""

    def __init__(self, jawaban):
        self.jawaban = jawaban
        super().__init__(
            _(
                "Jawaban indikator %(kode)s sudah diubah di tab atau jendela lain oleh %(nama)s pada %(waktu)s "
                "(sekarang level %(level)s). Isian Anda belum disimpan dan masih ada di formulir: salin bila "
                "perlu, lalu muat ulang halaman untuk melihat jawaban terbaru."
            )
            % {
                "kode": jawaban.indikator.kode,
                "nama": jawaban.diperbarui_oleh.nama,
                "waktu": waktu_wib(jawaban.diperbarui),
                "level": "—" if jawaban.level is None else jawaban.level,
            },
            code="kedaluwarsa",
        )


@transaction.atomic
def simpan_jawaban(*, peserta, indikator, level, penjelasan, oleh, versi=None, kunci=None):
    """Save the agency's level and explanation for one indicator (the autosave and the form).

    ``versi`` is the version the page was showing: if the answer was saved since
    (another tab, a colleague, a second request at once), JawabanKedaluwarsa is
    raised and nothing is overwritten. ``versi=None`` (scripts, the demo) saves
    over whatever is there. ``kunci`` is the autosave's key for this edit, sent
    again with each retry of it: when it is the key of the last save applied, this
    save was applied already and its answer lost on the way, so the answer is
    returned as it stands (no second change) instead of being refused as stale.
    Returns the saved JawabanMandiri, with its new version.
    """
    _kunci_untuk_ubah(peserta)
    levels = [r.level for r in indikator.rubrik.all()]
    if level is not None and level not in levels:
        raise ValidationError(_("Pilih salah satu level rubrik indikator ini."), code="level")
    penjelasan = penjelasan.strip()
    jawaban, _dibuat = JawabanMandiri.objects.select_related("indikator", "diperbarui_oleh").get_or_create(
        peserta=peserta, indikator=indikator, defaults={"diperbarui_oleh": oleh}
    )
    if kunci is not None and jawaban.kunci_simpan == kunci:
        return jawaban
    if versi is None:
        versi = jawaban.versi
    if jawaban.versi != versi:
        raise JawabanKedaluwarsa(jawaban)
    if (jawaban.level, jawaban.penjelasan) == (level, penjelasan) and jawaban.versi:
        return jawaban
    # Compare-and-set: of two saves carrying the same version, exactly one matches.
    diubah = JawabanMandiri.objects.filter(pk=jawaban.pk, versi=versi).update(
        level=level,
        penjelasan=penjelasan,
        diperbarui_oleh=oleh,
        diperbarui=timezone.now(),
        versi=F("versi") + 1,
        kunci_simpan=kunci,
    )
    if not diubah:
        jawaban.refresh_from_db()
        raise JawabanKedaluwarsa(jawaban)
    jawaban.refresh_from_db()
    return jawaban


def unggah_bukti(*, peserta, indikator, berkas, syarat=None, oleh, mengganti=None):
    """Check and store an evidence file for an indicator; ``mengganti`` is a file it replaces.

    The file is checked and stored before anything is written to the database,
    and a replaced file is deleted only once the new one is safely recorded: a
    refused upload leaves every stored file as it was.
    """
    if syarat is not None and syarat.indikator_id != indikator.pk:
        raise ValidationError(_("Bukti wajib yang dipilih bukan milik indikator ini."))
    if mengganti is not None and (
        mengganti.peserta_id != peserta.pk or mengganti.indikator_id != indikator.pk
    ):
        raise ValidationError(_("Berkas yang akan diganti tidak ditemukan pada indikator ini."))
    # Refuse early, before reading the file, when nothing may change anyway.
    alasan = alasan_terkunci(Peserta.objects.select_related("periode").get(pk=peserta.pk))
    if alasan:
        raise ValidationError(alasan, code="terkunci")
    jenis, sha256, ukuran = berkas_bukti.periksa(berkas)
    if BuktiDukung.objects.filter(
        peserta=peserta, indikator=indikator, sha256=sha256, diganti_pada__isnull=True
    ).exists():
        raise ValidationError(_duplikat(peserta, indikator, sha256), code="duplikat")
    lokasi = berkas_bukti.simpan(berkas, folder=f"{peserta.periode.tahun}/{peserta.instansi_id}", jenis=jenis)
    try:
        with transaction.atomic():
            _kunci_untuk_ubah(peserta)
            terpakai = kuota_terpakai(peserta)
            if mengganti is not None:
                terpakai -= mengganti.ukuran
            pastikan_kuota(terpakai + ukuran)
            if mengganti is not None:
                BuktiDukung.objects.filter(pk=mengganti.pk).delete()
                transaction.on_commit(lambda lama=mengganti.lokasi: berkas_bukti.hapus(lama))
            bukti = BuktiDukung.objects.create(
                peserta=peserta,
                indikator=indikator,
                syarat=syarat if syarat is not None else getattr(mengganti, "syarat", None),
                nama_berkas=berkas_bukti.nama_aman(berkas.name),
                lokasi=lokasi,
                jenis=jenis,
                ukuran=ukuran,
                sha256=sha256,
                diunggah_oleh=oleh,
            )
    except IntegrityError:
        # Two identical uploads at the same moment (a double click): one wins.
        berkas_bukti.hapus(lokasi)
        raise ValidationError(_duplikat(peserta, indikator, sha256), code="duplikat") from None
    except BaseException:
        berkas_bukti.hapus(lokasi)
        raise
    return bukti


@dataclass(frozen=True)
class HasilUnggah:
    """What became of one file of a batch: the stored evidence, or why it was refused."""

    nama: str
    bukti: BuktiDukung | None = None
    galat: tuple = ()


def unggah_beberapa_bukti(*, peserta, indikator, berkas, syarat=None, oleh):
    """Store several evidence files for an indicator, each on its own (``unggah_bukti``).

    A refused file does not stop the others: each good file is stored and
    committed whatever becomes of the rest. Returns one HasilUnggah per file,
    in the order given.
    """
    hasil = []
    for satu in berkas:
        try:
            bukti = unggah_bukti(peserta=peserta, indikator=indikator, berkas=satu, syarat=syarat, oleh=oleh)
        except ValidationError as exc:
            hasil.append(HasilUnggah(nama=berkas_bukti.nama_aman(satu.name), galat=tuple(exc.messages)))
        else:
            hasil.append(HasilUnggah(nama=bukti.nama_berkas, bukti=bukti))
    return hasil


def kuota_terpakai(peserta):
    """Bytes of the agency's current evidence, the measure of its storage quota."""
    return (
        BuktiDukung.objects.filter(peserta=peserta, diganti_pada__isnull=True).aggregate(n=Sum("ukuran"))["n"]
        or 0
    )


def pastikan_kuota(jumlah):
    """Refuse when the agency's evidence would take ``jumlah`` bytes, more than its quota."""
    if jumlah > settings.BUKTI_KUOTA_MB * 1024 * 1024:
        raise ValidationError(
            _(
                "Kuota penyimpanan instansi (%(kuota)s MB) akan terlampaui. Hapus berkas yang tidak diperlukan."
            )
            % {"kuota": settings.BUKTI_KUOTA_MB}
        )


def _duplikat(peserta, indikator, sha256):
    ada = BuktiDukung.objects.filter(
        peserta=peserta, indikator=indikator, sha256=sha256, diganti_pada__isnull=True
    ).first()
    nama = ada.nama_berkas if ada else ""
    return _("Berkas yang sama sudah diunggah untuk indikator ini (%(nama)s).") % {"nama": nama}


@transaction.atomic
def hapus_bukti(*, bukti):
    """Delete an evidence file (the stored file goes once the deletion is committed)."""
    _kunci_untuk_ubah(bukti.peserta)
    bukti.delete()
    transaction.on_commit(lambda: berkas_bukti.hapus(bukti.lokasi))


@transaction.atomic
def kirim_penilaian_mandiri(*, peserta, oleh):
    """Submit the self-assessment; afterwards it is read-only.

    Refused, with what is missing, until every indicator is answered and every
    required document is uploaded. A second click finds it already submitted.
    """
    peserta = _kunci_untuk_ubah(peserta)
    kemajuan = kemajuan_peserta(peserta)
    if not kemajuan.lengkap:
        pesan = []
        if kemajuan.belum_dijawab:
            pesan.append(
                _("%(n)s indikator belum dijawab: %(kode)s.")
                % {"n": len(kemajuan.belum_dijawab), "kode": ", ".join(kemajuan.belum_dijawab)}
            )
        if kemajuan.bukti_kurang:
            pesan.append(
                _("%(n)s bukti wajib belum diunggah, antara lain pada indikator %(kode)s.")
                % {
                    "n": kemajuan.jumlah_bukti_kurang,
                    "kode": ", ".join(kemajuan.bukti_kurang),
                }
            )
        raise ValidationError(pesan, code="belum_lengkap")
    peserta.dikirim_pada = timezone.now()
    peserta.dikirim_oleh = oleh
    peserta.save(update_fields=["dikirim_pada", "dikirim_oleh"])
    return peserta


@transaction.atomic
def buka_kembali(*, peserta, alasan, tenggat_baru, oleh):
    """Reopen one agency's self-assessment until ``tenggat_baru``, with a logged reason."""
    peserta = Peserta.objects.select_for_update().select_related("periode").get(pk=peserta.pk)
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan pembukaan kembali."), code="alasan")
    if tenggat_baru <= timezone.now():
        raise ValidationError(_("Tenggat baru harus di masa depan."), code="tenggat")
    if peserta.periode.tahap not in (Tahap.PENILAIAN_MANDIRI, Tahap.VERIFIKASI):
        raise ValidationError(
            _("Penilaian mandiri hanya dapat dibuka kembali pada tahap Penilaian mandiri atau Verifikasi."),
            code="tahap",
        )
    PembukaanKembali.objects.create(peserta=peserta, alasan=alasan, tenggat=tenggat_baru, oleh=oleh)
    peserta.dikirim_pada = None
    peserta.dikirim_oleh = None
    peserta.tenggat_khusus = tenggat_baru
    peserta.save(update_fields=["dikirim_pada", "dikirim_oleh", "tenggat_khusus"])
    return peserta


# The receipt of a submission.


@dataclass(frozen=True)
class BarisTandaTerima:
    indikator: Indikator
    level: int | None
    bukti: list


@dataclass(frozen=True)
class TandaTerima:
    """What an agency submitted, and when: the content of its receipt ("tanda terima")."""

    peserta: Peserta
    dikirim_pada: object
    dikirim_oleh: object
    baris: list
    sidik: str  # SHA-256 over the submitted content, hex

    @property
    def nomor(self):
        """The receipt number people quote: the first 16 hex digits of the fingerprint, in groups."""
        awal = self.sidik[:16].upper()
        return "-".join(awal[i : i + 4] for i in range(0, 16, 4))

    @property
    def jumlah_dijawab(self):
        return sum(1 for b in self.baris if b.level is not None)

    @property
    def jumlah_berkas(self):
        return sum(len(b.bukti) for b in self.baris)

    @property
    def total_ukuran(self):
        return sum(x.ukuran for b in self.baris for x in b.bukti)


def tanda_terima(peserta):
    """The receipt of the agency's latest submission, or None while it is not submitted.

    The evidence is the evidence as it stood at submission: files uploaded later
    (answers to clarification requests) are left out, and a file replaced later
    is still listed, so the receipt, and its fingerprint, never change. The
    fingerprint covers the agency, the period, the moment, who submitted, and per
    indicator the level, the explanation and each file's name, size and SHA-256.
    """
    if not peserta.dikirim_pada:
        return None
    dikirim = peserta.dikirim_pada
    jawaban = {j.indikator_id: j for j in JawabanMandiri.objects.filter(peserta=peserta)}
    bukti = {}
    for b in (
        BuktiDukung.objects.filter(peserta=peserta, diunggah__lte=dikirim)
        .filter(Q(diganti_pada__isnull=True) | Q(diganti_pada__gt=dikirim))
        .select_related("syarat")
        .order_by("diunggah", "pk")
    ):
        bukti.setdefault(b.indikator_id, []).append(b)
    baris = [
        BarisTandaTerima(
            indikator=i,
            level=getattr(jawaban.get(i.pk), "level", None),
            bukti=bukti.get(i.pk, []),
        )
        for i in Indikator.objects.filter(periode=peserta.periode_id)
        .select_related("elemen")
        .order_by("elemen__urutan", "urutan", "pk")
    ]
    isi = {
        "instansi": peserta.instansi.kode,
        "periode": peserta.periode.tahun,
        "dikirim_pada": dikirim.astimezone(UTC).isoformat(),
        "dikirim_oleh": peserta.dikirim_oleh.username if peserta.dikirim_oleh else None,
        "indikator": [
            {
                "kode": b.indikator.kode,
                "level": b.level,
                "penjelasan": getattr(jawaban.get(b.indikator.pk), "penjelasan", ""),
                "bukti": [
                    {
                        "nama": x.nama_berkas,
                        "ukuran": x.ukuran,
                        "sha256": x.sha256,
                        "syarat": x.syarat_id,
                    }
                    for x in b.bukti
                ],
            }
            for b in baris
        ],
    }
    sidik = hashlib.sha256(
        json.dumps(isi, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    return TandaTerima(
        peserta=peserta, dikirim_pada=dikirim, dikirim_oleh=peserta.dikirim_oleh, baris=baris, sidik=sidik
    )
