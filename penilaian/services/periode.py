"""Writes on periods, their instrument, timeline and participants.

Each function is one user action in one transaction. A refused action raises
ValidationError with a message for the user; nothing is half-saved.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from instansi.models import Instansi, JenisInstansi
from notifikasi import peristiwa

from .. import excel, instrumen
from ..jadwal import waktu_wib
from ..models import (
    JadwalTahap,
    LembarPenilaian,
    Periode,
    Peserta,
    RiwayatTahap,
    Sanggah,
    StatusLembar,
    StatusSanggah,
    StatusTinjauan,
    SubKelompok,
    Tahap,
    TinjauanKonflik,
)


def tahan_periode(periode_id):
    """Hold the period's stage for this transaction, without holding up the other saves of the period.

    A share lock (FOR SHARE): any number of saves (the autosaves of a room of
    evaluators, agencies answering before a deadline) hold it at once, and a
    stage move, which locks the period FOR UPDATE (``_kunci``), waits for them
    and they for it. Taken first, before the row a save locks for update. On
    SQLite, which writes one transaction at a time, there is nothing to take.
    """
    if connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Periode._meta.db_table} WHERE id = %s FOR SHARE", [periode_id])  # noqa: S608 - the table's own name


def _kunci(periode):
    """The period, re-read and locked until the transaction ends, so that a stage
    move and a change of participants cannot cross each other."""
    return Periode.objects.select_for_update().get(pk=periode.pk)


def _pastikan_belum_beku(periode):
    if periode.instrumen_beku:
        raise ValidationError(
            _(
                "Instrumen %(periode)s sudah dibekukan karena penilaian mandiri telah dibuka. "
                "Untuk mengubahnya, buat periode baru dan salin instrumen ini."
            )
            % {"periode": periode.nama}
        )


def _pastikan_persiapan(periode, apa):
    if periode.tahap != Tahap.PERSIAPAN:
        raise ValidationError(
            _("%(apa)s hanya dapat diubah pada tahap Persiapan; periode ini sudah di tahap %(tahap)s.")
            % {"apa": apa, "tahap": periode.get_tahap_display()}
        )


@transaction.atomic
def buat_periode(*, nama, tahun, oleh, sumber_instrumen="kosong", salin_dari=None):
    """Create a period in preparation, with the 2023 template, a copy of an earlier instrument, or none."""
    if Periode.objects.filter(tahun=tahun).exists():
        raise ValidationError(_("Periode tahun %(tahun)s sudah ada.") % {"tahun": tahun}, code="tahun")
    periode = Periode.objects.create(nama=nama, tahun=tahun, dibuat_oleh=oleh)
    if sumber_instrumen == "templat":
        muat_templat(periode=periode)
    elif sumber_instrumen == "salin":
        salin_instrumen(dari=salin_dari, ke=periode)
    return periode


def pasang_instrumen(*, periode, data):
    """Replace the period's instrument with ``data`` after checking every rule.

    Refused (ValidationError listing every problem) when the instrument is frozen
    or ``data`` is invalid; the existing instrument then stays as it was.
    """
    with transaction.atomic():
        periode = _kunci(periode)
        _pastikan_belum_beku(periode)
        pesan = instrumen.validasi(data)
        if pesan:
            raise ValidationError(pesan)
        instrumen.simpan(data, periode)
    return instrumen.ringkasan(data)


def muat_templat(*, periode):
    """Load the BKN Award 2023 instrument shipped with the application."""
    return pasang_instrumen(periode=periode, data=instrumen.dari_json())


def salin_instrumen(*, dari, ke):
    """Copy an earlier period's instrument into this one."""
    if dari.pk == ke.pk:
        raise ValidationError(_("Pilih periode lain sebagai sumber salinan."))
    data = instrumen.dari_periode(dari)
    if not data.elemen:
        raise ValidationError(
            _("Periode %(periode)s belum memiliki instrumen untuk disalin.") % {"periode": dari}
        )
    return pasang_instrumen(periode=ke, data=data)


def impor_instrumen_excel(*, periode, berkas):
    """Replace the instrument with the one in an uploaded workbook; all or nothing."""
    _pastikan_belum_beku(periode)
    try:
        data = excel.baca(berkas)
    except excel.WorkbookTidakValid as exc:
        raise ValidationError(exc.pesan) from None
    return pasang_instrumen(periode=periode, data=data)


@transaction.atomic
def simpan_jadwal(*, periode, jadwal):
    """Set the timeline: ``jadwal`` maps each scheduled stage to (start, end).

    The stages follow each other: each starts after it begins and no earlier
    than the previous one ends.
    """
    pesan = []
    sebelumnya = None
    for tahap in Tahap.terjadwal():
        mulai, selesai = jadwal[tahap]
        if mulai >= selesai:
            pesan.append(
                _("Tahap %(tahap)s: waktu selesai harus setelah waktu mulai.") % {"tahap": tahap.label}
            )
        if sebelumnya and mulai < jadwal[sebelumnya][1]:
            pesan.append(
                _("Tahap %(tahap)s tidak boleh dimulai sebelum tahap %(sebelum)s selesai.")
                % {"tahap": tahap.label, "sebelum": sebelumnya.label}
            )
        sebelumnya = tahap
    if pesan:
        raise ValidationError(pesan)
    for tahap, (mulai, selesai) in jadwal.items():
        JadwalTahap.objects.update_or_create(
            periode=periode, tahap=tahap, defaults={"mulai": mulai, "selesai": selesai}
        )


@transaction.atomic
def tetapkan_peserta(*, periode, jenis):
    """Make every active agency of the chosen kinds a participant, and only those.

    Returns (added, removed). Allowed while the period is in preparation.
    """
    periode = _kunci(periode)
    _pastikan_persiapan(periode, _("Peserta"))
    if not jenis:
        raise ValidationError(_("Pilih sedikitnya satu kelompok instansi."))
    sasaran = set(Instansi.objects.filter(aktif=True, jenis__in=jenis).values_list("pk", flat=True))
    ada = set(periode.peserta.values_list("instansi_id", flat=True))
    dihapus, _detail = periode.peserta.exclude(instansi_id__in=sasaran).delete()
    Peserta.objects.bulk_create(Peserta(periode=periode, instansi_id=pk) for pk in sorted(sasaran - ada))
    return len(sasaran - ada), dihapus


@transaction.atomic
def tambah_peserta(*, periode, instansi):
    periode = _kunci(periode)
    _pastikan_persiapan(periode, _("Peserta"))
    if not instansi.aktif:
        raise ValidationError(_("%(instansi)s tidak aktif.") % {"instansi": instansi})
    peserta, dibuat = Peserta.objects.get_or_create(periode=periode, instansi=instansi)
    if not dibuat:
        raise ValidationError(_("%(instansi)s sudah menjadi peserta.") % {"instansi": instansi})
    return peserta


@transaction.atomic
def hapus_peserta(*, peserta):
    _pastikan_persiapan(_kunci(peserta.periode), _("Peserta"))
    peserta.delete()


def _pastikan_sebelum_penetapan(periode):
    if Tahap.urutan(periode.tahap) >= Tahap.urutan(Tahap.PENETAPAN):
        raise ValidationError(_("Subkelompok tidak dapat diubah lagi setelah tahap Penetapan dimulai."))


@transaction.atomic
def buat_subkelompok(*, periode, jenis, nama):
    periode = _kunci(periode)
    _pastikan_sebelum_penetapan(periode)
    nama = nama.strip()
    if SubKelompok.objects.filter(periode=periode, jenis=jenis, nama__iexact=nama).exists():
        raise ValidationError(_("Subkelompok %(nama)s sudah ada.") % {"nama": nama})
    return SubKelompok.objects.create(periode=periode, jenis=jenis, nama=nama)


@transaction.atomic
def hapus_subkelompok(*, subkelompok):
    """Delete a sub-group; its members go back to their kind's group."""
    _pastikan_sebelum_penetapan(_kunci(subkelompok.periode))
    subkelompok.delete()


@transaction.atomic
def atur_subkelompok(*, periode, peserta_ids, subkelompok):
    """Put participants into a sub-group (or back into their kind's group with None).

    A sub-group only takes participants of its own kind.
    """
    periode = _kunci(periode)
    _pastikan_sebelum_penetapan(periode)
    peserta = periode.peserta.filter(pk__in=peserta_ids).select_related("instansi")
    if subkelompok is not None:
        lain = [p.instansi.nama for p in peserta if p.instansi.jenis != subkelompok.jenis]
        if lain:
            raise ValidationError(
                _("Subkelompok %(sub)s hanya untuk %(jenis)s; tidak cocok: %(lain)s.")
                % {
                    "sub": subkelompok.nama,
                    "jenis": JenisInstansi(subkelompok.jenis).label,
                    "lain": ", ".join(lain),
                }
            )
    return peserta.update(subkelompok=subkelompok)


def syarat_tahap_berikutnya(periode):
    """What still stands in the way of the next stage (empty when it may open)."""
    ke = periode.tahap_berikutnya
    if ke is None:
        return [_("Periode sudah berada di tahap terakhir.")]
    syarat = []
    if ke == Tahap.PENILAIAN_MANDIRI:
        data = instrumen.dari_periode(periode)
        if not data.elemen:
            syarat.append(_("Instrumen belum diisi."))
        elif instrumen.validasi(data):
            syarat.append(_("Instrumen belum valid; perbaiki masalah yang tercantum pada halaman instrumen."))
        if not periode.peserta.exists():
            syarat.append(_("Belum ada instansi peserta."))
        if periode.jadwal.count() < len(Tahap.terjadwal()):
            syarat.append(_("Jadwal tahapan belum lengkap."))
    if ke == Tahap.PENETAPAN:
        terbuka = Sanggah.objects.filter(peserta__periode=periode, status=StatusSanggah.MENUNGGU).count()
        if terbuka:
            syarat.append(_("%(n)s sanggah instansi belum diputuskan.") % {"n": terbuka})
    if ke == Tahap.SANGGAH:
        from ..queries import jumlah_perlu_moderasi

        belum = LembarPenilaian.objects.filter(
            periode=periode, status__in=[StatusLembar.DRAF, StatusLembar.DIKEMBALIKAN]
        ).count()
        if belum:
            syarat.append(_("%(n)s lembar penilaian belum dikirim penilainya.") % {"n": belum})
        terbuka = jumlah_perlu_moderasi(periode)
        if terbuka:
            syarat.append(
                _("%(n)s perbedaan nilai antarpenilai belum dimoderasi ketua tim.") % {"n": terbuka}
            )
        konflik = TinjauanKonflik.objects.filter(
            lembar__periode=periode, status=StatusTinjauan.MENUNGGU
        ).count()
        if konflik:
            syarat.append(
                _("%(n)s pernyataan konflik kepentingan atas lembar terkirim menunggu keputusan ketua tim.")
                % {"n": konflik}
            )
    if ke == Tahap.PENGUMUMAN:
        # The reports app decides the winners; it is looked up by name to keep apps one-way.
        penetapan = apps.get_model("laporan", "Penetapan")
        if not penetapan.objects.filter(periode=periode, status="disetujui").exists():
            syarat.append(_("Pemenang belum disetujui pada halaman Penetapan."))
    if ke == Tahap.VERIFIKASI:
        mandiri = periode.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).first()
        if mandiri and timezone.now() < mandiri.selesai:
            syarat.append(
                _("Batas waktu penilaian mandiri (%(waktu)s) belum lewat; instansi masih dapat mengisi.")
                % {"waktu": waktu_wib(mandiri.selesai)}
            )
    return syarat


def pesan_tahap_berubah(periode):
    """For a confirmation sent from a page that showed another stage (a second click, a colleague)."""
    return _("Periode sudah berada di tahap %(tahap)s; tahap tidak dapat dilompati. Muat ulang halaman.") % {
        "tahap": periode.get_tahap_display()
    }


def mulai_terjadwal(periode):
    """The scheduled start of the next stage while it is still ahead, else None: opening it now is early."""
    ke = periode.tahap_berikutnya
    jadwal = periode.jadwal.filter(tahap=ke).first() if ke else None
    if jadwal is not None and timezone.now() < jadwal.mulai:
        return jadwal.mulai
    return None


@transaction.atomic
def maju_tahap(*, periode, dari, oleh, alasan_lebih_awal=""):
    """Move the period from stage ``dari`` to the next one, and log who did it.

    ``dari`` is the stage the admin saw when confirming: a second click, or a
    colleague who moved the period meanwhile, makes the stages differ and the
    move is refused instead of skipping a stage. A stage whose scheduled start
    is still ahead opens only with a reason (``alasan_lebih_awal``), logged with
    the start it had; the timeline then says it started now, and the stage
    before it ended no later. Opening self-assessment tells every participating
    agency's operators (``peristiwa.periode_dibuka``).
    """
    periode = _kunci(periode)
    if periode.tahap != dari:
        raise ValidationError(pesan_tahap_berubah(periode), code="tahap_berubah")
    syarat = syarat_tahap_berikutnya(periode)
    if syarat:
        raise ValidationError(syarat)
    ke = periode.tahap_berikutnya
    semula = mulai_terjadwal(periode)
    alasan = alasan_lebih_awal.strip()
    if semula is not None and not alasan:
        raise ValidationError(
            _(
                "Tahap %(tahap)s dijadwalkan mulai %(waktu)s. Untuk membukanya lebih awal, "
                "konfirmasikan dan tuliskan alasannya."
            )
            % {"tahap": ke.label, "waktu": waktu_wib(semula)},
            code="lebih_awal",
        )
    sekarang = timezone.now()
    RiwayatTahap.objects.create(
        periode=periode,
        dari=periode.tahap,
        ke=ke,
        oleh=oleh,
        waktu=sekarang,
        alasan=alasan if semula is not None else "",
        jadwal_semula=semula,
    )
    if semula is not None:
        periode.jadwal.filter(tahap=ke).update(mulai=sekarang)
        periode.jadwal.filter(tahap=periode.tahap, selesai__gt=sekarang).update(selesai=sekarang)
    periode.tahap = ke
    periode.save(update_fields=["tahap"])
    if ke == Tahap.PENILAIAN_MANDIRI:
        peristiwa.periode_dibuka(periode)
    return periode
