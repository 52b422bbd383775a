"""Notifications: one row per person told something, the in-app inbox and the e-mail outbox at once.

A row is written in the same transaction as the event it tells of, so a rolled-back action
tells nobody and a committed one is never lost: the e-mail is sent from the row afterwards
(``services.kirim_antrean``), retried with backoff, and its outcome recorded on the row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Jenis(models.TextChoices):
    """What a notification is about; each user chooses e-mail on/off and digest per kind."""

    PERIODE_DIBUKA = "periode_dibuka", _("Periode dibuka untuk penilaian mandiri")
    KLARIFIKASI_DIMINTA = "klarifikasi_diminta", _("Permintaan klarifikasi untuk instansi")
    KLARIFIKASI_DIJAWAB = "klarifikasi_dijawab", _("Jawaban instansi atas permintaan klarifikasi")
    SANGGAH_DIPUTUS = "sanggah_diputus", _("Keputusan atas sanggahan instansi")
    LEMBAR_DITUGASKAN = "lembar_ditugaskan", _("Lembar penilaian ditugaskan")
    LEMBAR_DIKEMBALIKAN = "lembar_dikembalikan", _("Lembar penilaian dikembalikan")
    PENUGASAN_DIBATALKAN = (
        "penugasan_dibatalkan",
        _("Penugasan dibatalkan (konflik kepentingan atau keputusan admin)"),
    )
    PERINGKAT_SELESAI = "peringkat_selesai", _("Perhitungan peringkat selesai atau gagal")
    HASIL_SEMENTARA = "hasil_sementara", _("Hasil sementara terbit")
    PEMENANG_DIUMUMKAN = "pemenang_diumumkan", _("Pemenang diumumkan")
    SERTIFIKAT_SIAP = "sertifikat_siap", _("Piagam siap diunduh")
    PENGINGAT_TENGGAT = "pengingat_tenggat", _("Pengingat tenggat")
    TENGGAT_TERLEWAT = "tenggat_terlewat", _("Ringkasan tenggat yang terlewat")


class StatusEmail(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu dikirim")
    MENGIRIM = "mengirim", _("Sedang dikirim")
    RINGKASAN = "ringkasan", _("Menunggu ringkasan harian")
    TERKIRIM = "terkirim", _("Terkirim")
    GAGAL = "gagal", _("Gagal, dicoba lagi")
    GAGAL_TETAP = "gagal_tetap", _("Gagal setelah semua percobaan")
    DITOLAK = "ditolak", _("Alamat ditolak server surel")
    TANPA_ALAMAT = "tanpa_alamat", _("Pengguna tidak punya alamat surel")
    NONAKTIF = "nonaktif", _("Akun pengguna nonaktif")
    TIDAK_DIMINTA = "tidak_diminta", _("Surel dimatikan oleh pengguna")


# The states the sender still has to act on.
STATUS_TERBUKA = (StatusEmail.MENUNGGU, StatusEmail.GAGAL)


class Notifikasi(models.Model):
    penerima = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="notifikasi",
    )
    jenis = models.CharField(_("jenis"), max_length=30, choices=Jenis.choices)
    periode = models.ForeignKey(
        "penilaian.Periode",
        verbose_name=_("periode"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifikasi",
    )
    judul = models.CharField(_("judul"), max_length=200)
    isi = models.TextField(_("isi"))
    # A path on this site (the e-mail makes it absolute with SITE_URL).
    tautan = models.CharField(_("tautan"), max_length=500, blank=True)
    # Makes the same notice idempotent: a reminder's (user, kind, object, day), an event's own.
    kunci = models.CharField(_("kunci"), max_length=200, null=True, blank=True, unique=True)
    dibuat = models.DateTimeField(_("dibuat"), default=timezone.now)
    dibaca_pada = models.DateTimeField(_("dibaca pada"), null=True, blank=True)

    status_email = models.CharField(
        _("status surel"), max_length=20, choices=StatusEmail.choices, default=StatusEmail.MENUNGGU
    )
    percobaan = models.PositiveSmallIntegerField(_("percobaan kirim"), default=0)
    coba_lagi_pada = models.DateTimeField(_("dicoba lagi pada"), null=True, blank=True)
    diklaim_pada = models.DateTimeField(_("mulai dikirim pada"), null=True, blank=True)
    dikirim_pada = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    galat_terakhir = models.TextField(_("galat terakhir"), blank=True)
    alamat = models.EmailField(_("dikirim ke alamat"), blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-dibuat", "-pk"]
        indexes = [
            models.Index(
                fields=["penerima", "dibuat"],
                condition=Q(dibaca_pada__isnull=True),
                name="notifikasi_belum_dibaca",
            ),
            models.Index(fields=["penerima", "-dibuat"], name="notifikasi_kotak_masuk"),
            models.Index(fields=["status_email", "coba_lagi_pada"], name="notifikasi_antrean_surel"),
            models.Index(fields=["periode", "-dibuat"], name="notifikasi_per_periode"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(jenis__in=Jenis.values), name="notifikasi_jenis_valid"),
            models.CheckConstraint(
                condition=Q(status_email__in=StatusEmail.values), name="notifikasi_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.penerima}: {self.judul}"


class Preferensi(models.Model):
    """A user's choice for one kind of notification; without a row: e-mail on, sent at once."""

    pengguna = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferensi_notifikasi"
    )
    jenis = models.CharField(_("jenis"), max_length=30, choices=Jenis.choices)
    email = models.BooleanField(_("kirim surel"), default=True)
    ringkasan = models.BooleanField(_("dalam ringkasan harian"), default=False)

    class Meta:
        verbose_name = _("preferensi notifikasi")
        verbose_name_plural = _("preferensi notifikasi")
        constraints = [
            models.UniqueConstraint(fields=["pengguna", "jenis"], name="preferensi_satu_per_jenis"),
        ]

    def __str__(self):
        return f"{self.pengguna}: {self.jenis}"
