"""Telling people: rows written with the event, e-mail sent from them afterwards, once.

``beri_tahu`` is called inside the event's own transaction. It writes one ``Notifikasi`` per
recipient (the in-app inbox), with the e-mail state the recipient's preference asks for,
and after the commit asks a worker to send the e-mails (``kirim_antrean``). Celery beat
runs ``kirim_antrean`` every minute as well, so a lost message, a broker that was down or
a worker that died mid-send only delays a mail.

Sending claims each row with a conditional UPDATE (``menunggu``/``gagal`` → ``mengirim``):
of two workers, or a task run twice, exactly one sends it. A refused address, a user
without an address or deactivated since are recorded on their row and the batch goes on;
a server that cannot be reached or does not answer in time (``timeout`` of the mailer)
marks the row ``gagal`` with a growing delay before the next try, and leaves the rest
queued for the next run. Nothing here is called from a request's transaction after the
rows are written, so a failing mail server never undoes or breaks the user's action.
"""

import logging
import smtplib
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bkn_award import antrean

from .models import STATUS_TERBUKA, Jenis, Notifikasi, Preferensi, StatusEmail

log = logging.getLogger(__name__)

MAKS_PERCOBAAN = 8
JEDA_AWAL_MENIT = 1
JEDA_MAKS_MENIT = 6 * 60
# A row left "mengirim" this long lost its worker mid-send: it is tried again.
BATAS_MENGIRIM = timedelta(minutes=10)
UKURAN_ANTREAN = 500


def beri_tahu(penerima, *, jenis, judul, isi, tautan="", periode=None, kunci=None):
    """Notify each of ``penerima`` (users or their ids); returns the rows written.

    ``kunci``, when given, makes the notice idempotent per recipient: a second call with
    the same key (a retried task, a second beat) writes nothing for a recipient who has it.
    """
    ids = sorted({getattr(p, "pk", p) for p in penerima if p is not None})
    if not ids:
        return []
    periode_id = getattr(periode, "pk", periode)
    return beri_tahu_masing(
        [Pesan(pk, judul, isi, tautan, kunci, periode_id) for pk in ids],
        jenis=jenis,
    )


def _status_awal(preferensi):
    if preferensi is None:
        return StatusEmail.MENUNGGU
    if not preferensi.email:
        return StatusEmail.TIDAK_DIMINTA
    return StatusEmail.RINGKASAN if preferensi.ringkasan else StatusEmail.MENUNGGU


def antrekan_pengiriman():
    """Ask a worker to send what is queued; with the broker down, beat's next run will."""
    from . import tasks

    try:
        antrean.kirim(tasks.kirim_antrean)
    except antrean.AntreanTidakTersedia:
        log.warning("Pengiriman surel notifikasi menunggu jadwal berikutnya: antrean tidak tersedia")


# The inbox


def jumlah_belum_dibaca(user):
    return Notifikasi.objects.filter(penerima=user, dibaca_pada__isnull=True).count()


def tandai_dibaca(user, pk=None):
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    qs = Notifikasi.objects.filter(penerima=user, dibaca_pada__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(dibaca_pada=timezone.now())


# Sending


def _jatuh_tempo(sekarang):
    return Q(status_email__in=STATUS_TERBUKA) & (
        Q(coba_lagi_pada__isnull=True) | Q(coba_lagi_pada__lte=sekarang)
    )


def kirim_antrean(batas=UKURAN_ANTREAN):
    """Send the queued e-mails that are due; returns a Counter of the outcomes."""
    sekarang = timezone.now()
    # Rows whose worker died mid-send go back to the queue.
    Notifikasi.objects.filter(
        status_email=StatusEmail.MENGIRIM, diklaim_pada__lt=sekarang - BATAS_MENGIRIM
    ).update(status_email=StatusEmail.GAGAL, galat_terakhir="Pengiriman terhenti di tengah jalan.")
    ids = list(
        Notifikasi.objects.filter(_jatuh_tempo(sekarang))
        .order_by("dibuat", "pk")
        .values_list("pk", flat=True)[:batas]
    )
    hasil = Counter()
    if not ids:
        return hasil
    koneksi = mail.mailers["default"]
    try:
        for pk in ids:
            status = kirim_satu(pk, koneksi)
            if status is not None:
                hasil[status] += 1
            if status == StatusEmail.GAGAL:
                break  # the server itself failed: the rest wait for the next run rather than each time out
    finally:
        try:
            koneksi.close()
        except Exception:
            log.debug("Menutup koneksi surel gagal", exc_info=True)
    return hasil


def kirim_satu(pk, koneksi=None):
    """Send one notification's e-mail if it is still due and nobody else took it; its new state or None."""
    sekarang = timezone.now()
    diklaim = Notifikasi.objects.filter(_jatuh_tempo(sekarang), pk=pk).update(
        status_email=StatusEmail.MENGIRIM, diklaim_pada=sekarang
    )
    if not diklaim:
        return None
    notifikasi = Notifikasi.objects.select_related("penerima").get(pk=pk)
    pengguna = notifikasi.penerima
    if not pengguna.is_active:
        return _selesai(notifikasi, StatusEmail.NONAKTIF)
    if not pengguna.email:
        return _selesai(notifikasi, StatusEmail.TANPA_ALAMAT)
    try:
        _kirim(surel(notifikasi), koneksi)
    except smtplib.SMTPRecipientsRefused as exc:
        return _selesai(notifikasi, StatusEmail.DITOLAK, galat=_galat(exc))
    except (smtplib.SMTPException, OSError) as exc:
        return _gagal(notifikasi, exc)
    return _selesai(notifikasi, StatusEmail.TERKIRIM, dikirim_pada=timezone.now(), alamat=pengguna.email)


def _kirim(pesan, koneksi=None):
    """Send through the batch's open connection (opened on its first message), or a connection of its own."""
    if koneksi is None:
        with mail.mailers["default"] as sendiri:
            sendiri.send_messages([pesan])
        return
    koneksi.open()  # a no-op once open; raises when the server cannot be reached
    koneksi.send_messages([pesan])


def _galat(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{alamat}: {kode} {pesan.decode(errors='replace') if isinstance(pesan, bytes) else pesan}"
            for alamat, (kode, pesan) in exc.recipients.items()
        )
    return f"{type(exc).__name__}: {exc}"[:2000]


def _selesai(notifikasi, status, galat="", **kolom):
    Notifikasi.objects.filter(pk=notifikasi.pk).update(
        status_email=status, galat_terakhir=galat, coba_lagi_pada=None, **kolom
    )
    return status


def _gagal(notifikasi, exc):
    percobaan = notifikasi.percobaan + 1
    log.warning("Surel notifikasi %s gagal dikirim (percobaan %s): %s", notifikasi.pk, percobaan, exc)
    if percobaan >= MAKS_PERCOBAAN:
        status, coba_lagi = StatusEmail.GAGAL_TETAP, None
    else:
        jeda = min(JEDA_AWAL_MENIT * 2 ** (percobaan - 1), JEDA_MAKS_MENIT)
        status, coba_lagi = StatusEmail.GAGAL, timezone.now() + timedelta(minutes=jeda)
    Notifikasi.objects.filter(pk=notifikasi.pk).update(
        status_email=status, percobaan=percobaan, coba_lagi_pada=coba_lagi, galat_terakhir=_galat(exc)
    )
    return StatusEmail.GAGAL


def kirim_ulang(notifikasi):
    """The admin's "kirim ulang" of a failed or refused e-mail: queued again, attempts counted anew."""
    diubah = Notifikasi.objects.filter(
        pk=notifikasi.pk,
        status_email__in=(
            StatusEmail.GAGAL,
            StatusEmail.GAGAL_TETAP,
            StatusEmail.DITOLAK,
            StatusEmail.TANPA_ALAMAT,
            StatusEmail.NONAKTIF,
        ),
    ).update(status_email=StatusEmail.MENUNGGU, percobaan=0, coba_lagi_pada=None)
    if diubah:
        transaction.on_commit(antrekan_pengiriman)
    return bool(diubah)


# The daily digest


def kirim_ringkasan():
    """One e-mail per user with the notifications they asked to receive as a daily digest."""
    hasil = Counter()
    penerima = (
        Notifikasi.objects.filter(status_email=StatusEmail.RINGKASAN)
        .order_by()  # the model's ordering would make DISTINCT run over (penerima, dibuat, pk)
        .values_list("penerima_id", flat=True)
        .distinct()
    )
    koneksi = mail.mailers["default"]
    try:
        for pengguna_id in list(penerima):
            hasil[_kirim_ringkasan_untuk(pengguna_id, koneksi)] += 1
    finally:
        try:
            koneksi.close()
        except Exception:
            log.debug("Menutup koneksi surel gagal", exc_info=True)
    return hasil


def _kirim_ringkasan_untuk(pengguna_id, koneksi):
    sekarang = timezone.now()
    ids = list(
        Notifikasi.objects.filter(penerima_id=pengguna_id, status_email=StatusEmail.RINGKASAN).values_list(
            "pk", flat=True
        )
    )
    # Claimed together: a second run of the digest finds nothing left to send.
    if not Notifikasi.objects.filter(pk__in=ids, status_email=StatusEmail.RINGKASAN).update(
        status_email=StatusEmail.MENGIRIM, diklaim_pada=sekarang
    ):
        return None
    daftar = list(
        Notifikasi.objects.filter(pk__in=ids, status_email=StatusEmail.MENGIRIM, diklaim_pada=sekarang)
        .select_related("penerima")
        .order_by("dibuat", "pk")
    )
    if not daftar:
        return None
    pengguna = daftar[0].penerima
    semua = Notifikasi.objects.filter(pk__in=[n.pk for n in daftar])
    if not pengguna.is_active:
        semua.update(status_email=StatusEmail.NONAKTIF)
        return StatusEmail.NONAKTIF
    if not pengguna.email:
        semua.update(status_email=StatusEmail.TANPA_ALAMAT)
        return StatusEmail.TANPA_ALAMAT
    try:
        _kirim(surel_ringkasan(pengguna, daftar), koneksi)
    except smtplib.SMTPRecipientsRefused as exc:
        semua.update(status_email=StatusEmail.DITOLAK, galat_terakhir=_galat(exc))
        return StatusEmail.DITOLAK
    except (smtplib.SMTPException, OSError) as exc:
        # Back in tomorrow's digest; the error is on the rows meanwhile.
        semua.update(status_email=StatusEmail.RINGKASAN, galat_terakhir=_galat(exc))
        return StatusEmail.GAGAL
    semua.update(status_email=StatusEmail.TERKIRIM, dikirim_pada=timezone.now(), alamat=pengguna.email)
    return StatusEmail.TERKIRIM


# The e-mails


def url_penuh(path):
    return f"{settings.SITE_URL}{path}" if path else settings.SITE_URL + "/"


def _konteks(pengguna):
    return {
        "pengguna": pengguna,
        "url_preferensi": url_penuh(reverse("notifikasi:preferensi")),
        "url_kotak_masuk": url_penuh(reverse("notifikasi:daftar")),
        "site_url": settings.SITE_URL,
    }


def surel(notifikasi):
    """The e-mail of one notification: plain text and HTML, absolute links, times in WIB."""
    konteks = {**_konteks(notifikasi.penerima), "n": notifikasi, "url": url_penuh(notifikasi.tautan)}
    pesan = mail.EmailMultiAlternatives(
        subject=f"[BKN Award] {notifikasi.judul}",
        body=render_to_string("notifikasi/email/notifikasi.txt", konteks),
        to=[notifikasi.penerima.email],
        headers={"X-BKN-Award-Notifikasi": str(notifikasi.pk)},
    )
    pesan.attach_alternative(render_to_string("notifikasi/email/notifikasi.html", konteks), "text/html")
    return pesan


def surel_ringkasan(pengguna, daftar):
    konteks = {
        **_konteks(pengguna),
        "daftar": [(n, url_penuh(n.tautan)) for n in daftar],
        "tanggal": timezone.localdate(),
    }
    pesan = mail.EmailMultiAlternatives(
        subject=f"[BKN Award] Ringkasan harian: {len(daftar)} pemberitahuan",
        body=render_to_string("notifikasi/email/ringkasan.txt", konteks),
        to=[pengguna.email],
    )
    pesan.attach_alternative(render_to_string("notifikasi/email/ringkasan.html", konteks), "text/html")
    return pesan


JENIS_UNTUK_PERAN = {
    # The kinds a role can receive: what its preferences page lists.
    "operator": [
        Jenis.PERIODE_DIBUKA,
        Jenis.KLARIFIKASI_DIMINTA,
        Jenis.SANGGAH_DIPUTUS,
        Jenis.HASIL_SEMENTARA,
        Jenis.PEMENANG_DIUMUMKAN,
        Jenis.SERTIFIKAT_SIAP,
        Jenis.PENGINGAT_TENGGAT,
    ],
    "penilai": [
        Jenis.KLARIFIKASI_DIJAWAB,
        Jenis.LEMBAR_DITUGASKAN,
        Jenis.LEMBAR_DIKEMBALIKAN,
        Jenis.PENUGASAN_DIBATALKAN,
        Jenis.PENGINGAT_TENGGAT,
    ],
    "ketua": [
        Jenis.KLARIFIKASI_DIJAWAB,
        Jenis.LEMBAR_DITUGASKAN,
        Jenis.LEMBAR_DIKEMBALIKAN,
        Jenis.PENUGASAN_DIBATALKAN,
        Jenis.PERINGKAT_SELESAI,
        Jenis.PENGINGAT_TENGGAT,
        Jenis.TENGGAT_TERLEWAT,
    ],
    "admin": [
        Jenis.PERINGKAT_SELESAI,
        Jenis.TENGGAT_TERLEWAT,
    ],
}


# Many people, each told something of their own (the reminders' digests)


@dataclass(frozen=True)
class Pesan:
    """One person's notice for ``beri_tahu_masing``; ``kunci`` as in ``beri_tahu`` (the user's pk is added)."""

    penerima_id: int
    judul: str
    isi: str
    tautan: str = ""
    kunci: str | None = None
    periode_id: int | None = None


def beri_tahu_masing(pesan, *, jenis):
    """Notify each person of their own text (a list of ``Pesan``), in two queries whatever their number.

    ``beri_tahu`` tells many people the same thing; a reminder's digest differs per person, and
    one ``beri_tahu`` per person would cost queries per person. Same rules otherwise: called in
    the caller's transaction, a keyed notice is written once (ON CONFLICT DO NOTHING on
    ``kunci``), the sending is queued after the commit. Returns the rows it tried to write.
    """
    pesan = list(pesan)
    if not pesan:
        return []
    ids = {p.penerima_id for p in pesan}
    pilihan = {p.pengguna_id: p for p in Preferensi.objects.filter(pengguna_id__in=ids, jenis=jenis)}
    sekarang = timezone.now()
    baris = [
        Notifikasi(
            penerima_id=p.penerima_id,
            jenis=jenis,
            periode_id=p.periode_id,
            judul=p.judul[:200],
            isi=p.isi,
            tautan=p.tautan,
            kunci=f"{p.kunci}:{p.penerima_id}" if p.kunci else None,
            dibuat=sekarang,
            status_email=_status_awal(pilihan.get(p.penerima_id)),
        )
        for p in pesan
    ]
    # One INSERT: Django splits it only past the database's limit on parameters.
    Notifikasi.objects.bulk_create(baris, ignore_conflicts=any(b.kunci is not None for b in baris))
    if any(b.status_email == StatusEmail.MENUNGGU for b in baris):
        transaction.on_commit(antrekan_pengiriman)
    return baris
