"""Writes of the decision: the winners of a snapshot, special mentions, approval, publication, withdrawal."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifikasi import peristiwa
from penilaian.jadwal import waktu_wib
from penilaian.models import JenisKategori, Kategori, Periode, RiwayatTahap, Sanggah, StatusSanggah, Tahap

from ..kesiapan import kesiapan
from ..models import (
    KeputusanSeri,
    Penetapan,
    Penghargaan,
    PenghargaanKhusus,
    Sertifikat,
    StatusPenetapan,
    StatusSertifikat,
)
from ..queries import draf_pemenang, kunci_cache_pemenang

log = logging.getLogger(__name__)

# Unambiguous letters and digits for verification codes (no 0/O, 1/I/L).
_HURUF_KODE = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _kunci(penetapan):
    return Penetapan.objects.select_for_update().select_related("periode", "snapshot").get(pk=penetapan.pk)


def _pastikan_draf(penetapan):
    if penetapan.status != StatusPenetapan.DRAF:
        raise ValidationError(
            _("Penetapan ini sudah %(status)s; tidak dapat diubah.")
            % {"status": penetapan.get_status_display().lower()},
            code="status",
        )


def penghalang_sanggah(periode, snapshot):
    """Why ``snapshot`` cannot be the basis of the decision because of objections (empty when it can).

    The decision is drafted only from a snapshot taken after every objection was decided.
    """
    terbuka = Sanggah.objects.filter(peserta__periode=periode, status=StatusSanggah.MENUNGGU).count()
    if terbuka:
        return [_("%(n)s sanggah instansi belum diputuskan.") % {"n": terbuka}]
    terakhir = (
        Sanggah.objects.filter(peserta__periode=periode, diputuskan_pada__isnull=False)
        .order_by("-diputuskan_pada")
        .values_list("diputuskan_pada", flat=True)
        .first()
    )
    if terakhir is not None and snapshot.dibuat < terakhir:
        return [
            _(
                "Snapshot ini dihitung sebelum keputusan sanggah terakhir (%(waktu)s). Hitung peringkat lagi, "
                "lalu gunakan snapshot terbaru."
            )
            % {"waktu": waktu_wib(terakhir)}
        ]
    return []


@transaction.atomic
def buat_penetapan(*, periode, snapshot, jumlah_peringkat, oleh):
    """Start (or restart) the draft decision of a period from a snapshot."""
    periode = Periode.objects.select_for_update().get(pk=periode.pk)
    if periode.tahap != Tahap.PENETAPAN:
        raise ValidationError(
            _("Pemenang ditetapkan pada tahap Penetapan (sekarang: %(tahap)s).")
            % {"tahap": periode.get_tahap_display()},
            code="tahap",
        )
    if snapshot.periode_id != periode.pk:
        raise ValidationError(_("Snapshot itu bukan milik periode ini."))
    if jumlah_peringkat < 1:
        raise ValidationError(_("Sedikitnya peringkat 1 diberi penghargaan."))
    for pesan in penghalang_sanggah(periode, snapshot):
        raise ValidationError(pesan, code="sanggah")
    aktif = Penetapan.objects.filter(periode=periode).exclude(status=StatusPenetapan.DITARIK).first()
    if aktif is not None and aktif.status == StatusPenetapan.DISETUJUI:
        raise ValidationError(
            _("Pemenang %(periode)s sudah disetujui; tarik persetujuan itu dahulu (dengan alasan).")
            % {"periode": periode.nama},
            code="disetujui",
        )
    if aktif is not None:
        aktif.snapshot = snapshot
        aktif.jumlah_peringkat = jumlah_peringkat
        aktif.save(update_fields=["snapshot", "jumlah_peringkat"])
        return aktif
    return Penetapan.objects.create(
        periode=periode, snapshot=snapshot, jumlah_peringkat=jumlah_peringkat, dibuat_oleh=oleh
    )


@transaction.atomic
def beri_penghargaan_khusus(*, penetapan, peserta, kategori, alasan, oleh):
    """Grant a special mention (a khusus category) to a participant, with the panel's reason."""
    penetapan = _kunci(penetapan)
    _pastikan_draf(penetapan)
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan penghargaan khusus."), code="alasan")
    if kategori.jenis != JenisKategori.KHUSUS or kategori.periode_id != penetapan.periode_id:
        raise ValidationError(_("Pilih kategori khusus periode ini."))
    if peserta.periode_id != penetapan.periode_id:
        raise ValidationError(_("Instansi itu bukan peserta periode ini."))
    try:
        with transaction.atomic():
            return PenghargaanKhusus.objects.create(
                penetapan=penetapan, peserta=peserta, kategori=kategori, alasan=alasan, oleh=oleh
            )
    except IntegrityError:
        raise ValidationError(
            _("%(instansi)s sudah menerima %(kategori)s.")
            % {"instansi": peserta.instansi.nama, "kategori": kategori.nama}
        ) from None


@transaction.atomic
def hapus_penghargaan_khusus(*, khusus):
    _pastikan_draf(_kunci(khusus.penetapan))
    khusus.delete()


def _kode_baru(terpakai):
    while True:
        kode = "".join(secrets.choice(_HURUF_KODE) for _n in range(10))
        if kode not in terpakai:
            terpakai.add(kode)
            return kode


@transaction.atomic
def putuskan_seri(*, penetapan, seri, keputusan, alasan, oleh, urutan=()):
    """Record the panel's decision on a shared rank that decides an award (``seri``, from the draft).

    ``keputusan`` "semua" awards every agency of the tie at that rank; "urutan"
    orders them (``urutan``: their Peserta ids, best first) and only those it
    places within the awarded ranks are awarded. The reason is required. A new
    decision on the same tie replaces the earlier one, which stays in the history.
    """
    penetapan = _kunci(penetapan)
    _pastikan_draf(penetapan)
    kunci = (seri.kategori.pk, seri.kode_kelompok, seri.peringkat, seri.peserta_ids)
    seri = next(
        (
            s
            for s in draf_pemenang(penetapan).seri
            if (s.kategori.pk, s.kode_kelompok, s.peringkat, s.peserta_ids) == kunci
        ),
        None,
    )
    if seri is None:
        raise ValidationError(
            _("Peringkat bersama itu tidak lagi ada pada draf ini; muat ulang halaman."), code="tidak_ada"
        )
    if keputusan not in KeputusanSeri.Pilihan.values:
        raise ValidationError(_("Pilih keputusan panel."), code="keputusan")
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan keputusan panel."), code="alasan")
    urutan = list(urutan) if keputusan == KeputusanSeri.Pilihan.URUTAN else []
    if urutan and sorted(urutan) != seri.peserta_ids:
        raise ValidationError(
            _("Urutan harus memuat setiap instansi yang seri tepat satu kali."), code="urutan"
        )
    if keputusan == KeputusanSeri.Pilihan.URUTAN and not urutan:
        raise ValidationError(_("Tentukan urutan instansi yang seri."), code="urutan")
    return KeputusanSeri.objects.create(
        penetapan=penetapan,
        snapshot=penetapan.snapshot,
        kategori=seri.kategori,
        kode_kelompok=seri.kode_kelompok,
        peringkat=seri.peringkat,
        peserta=seri.peserta_ids,
        keputusan=keputusan,
        urutan=urutan,
        alasan=alasan,
        oleh=oleh,
    )


@transaction.atomic
def setujui(*, penetapan, oleh, alasan_lanjut=""):
    """Approve the draft: the winners become final awards, each with a numbered certificate to render.

    Refused while anything the verdict depends on is open (``kesiapan``: open
    disagreements or conflict decisions, a snapshot older than the scores, a
    shared rank at the award limit the panel has not decided, no signer). With
    score sheets still unsubmitted, only with the admin's reason
    (``alasan_lanjut``), which is kept. Rendering starts on the workers once
    this is committed.
    """
    from .sertifikat import render_semua

    penetapan = _kunci(penetapan)
    _pastikan_draf(penetapan)
    if penetapan.periode.tahap != Tahap.PENETAPAN:
        raise ValidationError(_("Pemenang hanya dapat disetujui pada tahap Penetapan."), code="tahap")
    draf = draf_pemenang(penetapan)
    siap = kesiapan(penetapan, draf)
    if siap.penghalang:
        raise ValidationError(siap.penghalang, code="belum_siap")
    alasan_lanjut = alasan_lanjut.strip()
    if siap.lembar_belum and not alasan_lanjut:
        raise ValidationError(
            _("%(n)s lembar penilaian belum dikirim. Tuliskan alasan untuk tetap menyetujui pemenang.")
            % {"n": siap.lembar_belum},
            code="alasan_lanjut",
        )
    daftar = draf.pemenang
    if not daftar:
        raise ValidationError(_("Snapshot ini tidak menghasilkan pemenang."), code="kosong")
    penghargaan = Penghargaan.objects.bulk_create(
        Penghargaan(
            penetapan=penetapan,
            peserta_id=p.peserta_id,
            kategori_id=p.kategori.pk,
            kode_kelompok=p.kode_kelompok,
            kelompok=p.kelompok,
            peringkat=p.peringkat,
            skor=p.skor,
            alasan=p.alasan,
            urutan=n,
        )
        for n, p in enumerate(daftar, start=1)
    )
    terpakai = set(Sertifikat.objects.values_list("kode", flat=True))
    tahun = penetapan.periode.tahun
    awal = Sertifikat.objects.filter(penghargaan__penetapan__periode=penetapan.periode).count()
    Sertifikat.objects.bulk_create(
        Sertifikat(
            penghargaan=p,
            nomor=f"{awal + n:03d}/PIAGAM/BKN-AWARD/{tahun}",
            kode=_kode_baru(terpakai),
            status=StatusSertifikat.ANTRE,
        )
        for n, p in enumerate(penghargaan, start=1)
    )
    penetapan.status = StatusPenetapan.DISETUJUI
    penetapan.disetujui_pada = timezone.now()
    penetapan.disetujui_oleh = oleh
    penetapan.alasan_lanjut = alasan_lanjut if siap.lembar_belum else ""
    penetapan.save(update_fields=["status", "disetujui_pada", "disetujui_oleh", "alasan_lanjut"])
    render_semua(penetapan=penetapan)
    return penetapan


@transaction.atomic
def umumkan(*, penetapan, waktu=None):
    """Publish the approved winners now, or at ``waktu``; the public page's cache is rebuilt then.

    Published now, the operators of every participating agency are told in this
    transaction (the winners which awards they won); published later, when its time
    comes (``peristiwa.umumkan_yang_tiba``, run by Celery beat), so that no agency
    hears of the winners before the public page shows them.
    """
    from ..tasks import segarkan_pengumuman

    penetapan = _kunci(penetapan)
    if penetapan.status != StatusPenetapan.DISETUJUI:
        raise ValidationError(_("Hanya pemenang yang sudah disetujui yang dapat diumumkan."), code="status")
    sekarang = timezone.now()
    waktu = waktu or sekarang
    if waktu < sekarang - timedelta(minutes=1):
        raise ValidationError(
            _("Waktu pengumuman tidak boleh di masa lalu; pilih sekarang atau nanti."), code="waktu"
        )
    penetapan.diumumkan_pada = waktu
    penetapan.save(update_fields=["diumumkan_pada"])
    peristiwa.pemenang_diumumkan(penetapan)
    tahun = penetapan.periode.tahun
    transaction.on_commit(lambda: cache.delete(kunci_cache_pemenang(tahun)))
    transaction.on_commit(lambda: _siapkan_halaman(segarkan_pengumuman, tahun))
    return penetapan


def _siapkan_halaman(task, tahun):
    """Have a worker render the winners page into the cache now, to be served from its announcement time.

    Now, not at that time: a task held back (eta) until an announcement days away would
    outlive the broker's visibility timeout and be delivered again and again. If it cannot
    be published, the first visitor after the announcement renders the page instead.
    """
    try:
        task.apply_async(kwargs={"tahun": tahun}, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:
        log.warning("Halaman pemenang %s tidak dapat disiapkan lebih dulu", tahun, exc_info=True)


@transaction.atomic
def tarik(*, penetapan, alasan, oleh):
    """Withdraw an approval, with a logged reason: the results and certificates are no longer valid or public.

    The period returns to the Penetapan stage (logged in its stage history with
    the same reason), so that the admin can draft and approve the winners again;
    until then the public page says the result is under review.
    """
    penetapan = _kunci(penetapan)
    if penetapan.status != StatusPenetapan.DISETUJUI:
        raise ValidationError(_("Hanya penetapan yang sudah disetujui yang dapat ditarik."), code="status")
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan penarikan persetujuan."), code="alasan")
    sekarang = timezone.now()
    penetapan.status = StatusPenetapan.DITARIK
    penetapan.ditarik_pada = sekarang
    penetapan.ditarik_oleh = oleh
    penetapan.alasan_tarik = alasan
    penetapan.save(update_fields=["status", "ditarik_pada", "ditarik_oleh", "alasan_tarik"])
    periode = Periode.objects.select_for_update().get(pk=penetapan.periode_id)
    if periode.tahap == Tahap.PENGUMUMAN:
        RiwayatTahap.objects.create(
            periode=periode,
            dari=Tahap.PENGUMUMAN,
            ke=Tahap.PENETAPAN,
            oleh=oleh,
            waktu=sekarang,
            alasan=_("Persetujuan pemenang ditarik: %(alasan)s") % {"alasan": alasan},
        )
        periode.tahap = Tahap.PENETAPAN
        periode.save(update_fields=["tahap"])
    tahun = penetapan.periode.tahun
    transaction.on_commit(lambda: cache.delete(kunci_cache_pemenang(tahun)))
    return penetapan


def kategori_khusus(periode):
    return Kategori.objects.filter(periode=periode, jenis=JenisKategori.KHUSUS)
