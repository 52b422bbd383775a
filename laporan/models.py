"""Ranking runs and their immutable snapshots, and the predikat bands of a period."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkn_award.halaman_publik import PublikQuerySet
from penilaian.models import Kategori, Periode, Peserta

from .kelompok import label_kelompok


class Predikat(models.Model):
    """A band of total scores with its name, e.g. "Sangat Baik" from 85."""

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="predikat")
    nama = models.CharField(_("predikat"), max_length=50)
    batas_bawah = models.DecimalField(_("nilai minimal"), max_digits=7, decimal_places=4)

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("predikat")
        verbose_name_plural = _("predikat")
        ordering = ["-batas_bawah"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "batas_bawah"], name="predikat_batas_unik"),
            models.CheckConstraint(
                condition=Q(batas_bawah__gte=0, batas_bawah__lte=100), name="predikat_batas_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.nama} (≥ {self.batas_bawah:g})"


PREDIKAT_BAWAAN = [("Sangat Baik", 85), ("Baik", 70), ("Cukup", 55), ("Kurang", 0)]


class StatusRun(models.TextChoices):
    ANTRE = "antre", _("Menunggu worker")
    BERJALAN = "berjalan", _("Sedang dihitung")
    SELESAI = "selesai", _("Selesai")
    GAGAL = "gagal", _("Gagal")


RUN_AKTIF = (StatusRun.ANTRE, StatusRun.BERJALAN)


class RunPeringkat(models.Model):
    """One request to compute a period's ranking, with its live progress."""

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="run_peringkat")
    status = models.CharField(_("status"), max_length=10, choices=StatusRun.choices, default=StatusRun.ANTRE)
    persen = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    tahap = models.CharField(_("tahap"), max_length=100, blank=True)
    pesan_galat = models.TextField(_("pesan galat"), blank=True)
    task_id = models.CharField(max_length=50, blank=True)
    dibuat = models.DateTimeField(_("diminta"), auto_now_add=True)
    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mulai = models.DateTimeField(_("mulai"), null=True, blank=True)
    selesai = models.DateTimeField(_("selesai"), null=True, blank=True)
    # Touched at every progress report and heartbeat: a run silent for too long has lost its worker.
    diperbarui = models.DateTimeField(_("kabar terakhir"), auto_now_add=True)

    class Meta:
        verbose_name = _("perhitungan peringkat")
        verbose_name_plural = _("perhitungan peringkat")
        ordering = ["-dibuat", "-pk"]
        constraints = [
            # One run at a time per period: a second one is refused while this one works.
            models.UniqueConstraint(
                fields=["periode"],
                condition=Q(status__in=["antre", "berjalan"]),
                name="run_peringkat_satu_aktif",
            ),
        ]

    def __str__(self):
        return f"{self.periode} · {self.dibuat:%Y-%m-%d %H:%M} · {self.get_status_display()}"

    @property
    def aktif(self):
        return self.status in RUN_AKTIF

    @property
    def diam(self):
        """Queued or working, yet silent for longer than a working run ever is: nobody works on it."""
        batas = timezone.now() - timedelta(seconds=settings.PERINGKAT_BATAS_DIAM_DETIK)
        return self.aktif and self.diperbarui < batas


class TidakDapatDiubah(Exception):
    """A snapshot is history: it is written once, with all its rows, and never changed."""


class _SekaliTulis(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TidakDapatDiubah(f"{type(self).__name__} tidak dapat diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TidakDapatDiubah(f"{type(self).__name__} tidak dapat dihapus.")


class Snapshot(_SekaliTulis):
    """The immutable result of a ranking run: parameters, inputs' digest, and every agency's scores and ranks."""

    periode = models.ForeignKey(Periode, on_delete=models.PROTECT, related_name="snapshot")
    run = models.OneToOneField(RunPeringkat, on_delete=models.PROTECT, related_name="snapshot")
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)
    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parameter = models.JSONField(_("parameter"))
    digest = models.CharField(_("digest masukan (SHA-256)"), max_length=64)
    reliabilitas = models.JSONField(_("reliabilitas panel"))

    class Meta:
        verbose_name = _("snapshot peringkat")
        verbose_name_plural = _("snapshot peringkat")
        ordering = ["-dibuat", "-pk"]

    def __str__(self):
        return f"{self.periode} · {self.dibuat:%Y-%m-%d %H:%M}"


class HasilPeserta(_SekaliTulis):
    """An agency's scores in a snapshot (normalised and raw), its peer group, predikat and flags."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="hasil")
    peserta = models.ForeignKey(Peserta, on_delete=models.PROTECT, related_name="hasil_peringkat")
    # The peer group by identity ("kota", or "kota:12" for sub-group 12 of the cities), and its name
    # for display: sub-group names are unique only within one kind of agency.
    kode_kelompok = models.CharField(_("kode kelompok"), max_length=60)
    kelompok = models.CharField(_("kelompok"), max_length=150)
    total = models.DecimalField(_("nilai total"), max_digits=8, decimal_places=4, null=True)
    total_mentah = models.DecimalField(_("nilai total mentah"), max_digits=8, decimal_places=4, null=True)
    skor_elemen = models.JSONField(_("nilai elemen"))  # {kode elemen: "12.3456"}
    skor_elemen_mentah = models.JSONField(_("nilai elemen mentah"))
    # {kode indikator: "3.5000"}: the level each indicator counted with (aggregated, or settled).
    level_indikator = models.JSONField(_("level per indikator"), default=dict)
    indikator_puncak = models.JSONField(_("indikator di level tertinggi per elemen"))
    jumlah_lembar = models.PositiveSmallIntegerField(_("lembar penilaian"))
    jumlah_moderasi = models.PositiveSmallIntegerField(_("indikator dimoderasi"))
    predikat = models.CharField(_("predikat"), max_length=50, blank=True)
    # {kategori id: {"skor": "62.5000", "peringkat": 1, "seri": false, "pemecah_seri": true}}: one row per
    # agency keeps a national snapshot to 627 inserts; pages read one peer group and sort in memory.
    peringkat = models.JSONField(_("peringkat per kategori"), default=dict)

    class Meta:
        verbose_name = _("hasil peserta")
        verbose_name_plural = _("hasil peserta")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "peserta"], name="hasil_unik_per_snapshot")
        ]

    def __str__(self):
        return f"{self.peserta.instansi} · {self.total}"

    @property
    def label_kelompok(self):
        return label_kelompok(self.kode_kelompok, self.kelompok)


class HasilSementara(models.Model):
    """A snapshot the admin published to the agencies as their preliminary results (not to the public).

    Each agency's operators read their own row of it. The latest publication of a
    period is the one shown: a later snapshot changes nothing until it is published.
    """

    periode = models.ForeignKey(Periode, on_delete=models.PROTECT, related_name="hasil_sementara")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="hasil_sementara")
    diterbitkan = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("hasil sementara")
        verbose_name_plural = _("hasil sementara")
        ordering = ["-diterbitkan", "-pk"]
        get_latest_by = ["diterbitkan", "pk"]

    def __str__(self):
        return f"{self.periode} · {self.diterbitkan:%d-%m-%Y %H:%M}"


# Penetapan: the approved winners of a snapshot, their publication and certificates.


class StatusPenetapan(models.TextChoices):
    DRAF = "draf", _("Draf")
    DISETUJUI = "disetujui", _("Disetujui")
    DITARIK = "ditarik", _("Ditarik")


class Penetapan(models.Model):
    """The winners of a period, taken from one snapshot: drafted, approved (final), published, or withdrawn."""

    periode = models.ForeignKey(Periode, on_delete=models.PROTECT, related_name="penetapan")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="penetapan")
    jumlah_peringkat = models.PositiveSmallIntegerField(_("peringkat yang diberi penghargaan"))
    status = models.CharField(
        _("status"), max_length=10, choices=StatusPenetapan.choices, default=StatusPenetapan.DRAF
    )
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)
    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disetujui_pada = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    disetujui_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diumumkan_pada = models.DateTimeField(
        _("diumumkan pada"), null=True, blank=True, help_text=_("Sejak waktu ini hasil terbuka untuk publik.")
    )
    ditarik_pada = models.DateTimeField(_("ditarik pada"), null=True, blank=True)
    ditarik_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alasan_tarik = models.TextField(_("alasan penarikan"), blank=True)
    # Approved while score sheets were still unsubmitted: why the admin went ahead.
    alasan_lanjut = models.TextField(_("alasan menyetujui dengan lembar belum dikirim"), blank=True)

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("penetapan pemenang")
        verbose_name_plural = _("penetapan pemenang")
        ordering = ["-dibuat", "-pk"]
        constraints = [
            # One live decision per period; withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["periode"], condition=~Q(status="ditarik"), name="penetapan_satu_aktif_per_periode"
            ),
        ]

    def __str__(self):
        return f"{self.periode} · {self.get_status_display()}"

    def terbit(self, sekarang):
        """Published: approved, and its announcement time has come."""
        return (
            self.status == StatusPenetapan.DISETUJUI
            and self.diumumkan_pada is not None
            and self.diumumkan_pada <= sekarang
        )


class KeputusanSeri(models.Model):
    """The panel's decision on a shared rank that decides who gets an award.

    The tie is that of the draft's snapshot: these agencies share this rank in
    this category and peer group, across the last awarded rank. The panel awards
    them all, or orders them with a written reason. Never changed: a new
    decision is a new row, and the newest for the same tie counts.
    """

    class Pilihan(models.TextChoices):
        SEMUA = "semua", _("Semua menerima penghargaan pada peringkat itu")
        URUTAN = "urutan", _("Diurutkan panel")

    penetapan = models.ForeignKey(Penetapan, on_delete=models.CASCADE, related_name="keputusan_seri")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    kategori = models.ForeignKey(Kategori, on_delete=models.PROTECT, related_name="+")
    kode_kelompok = models.CharField(_("kode kelompok"), max_length=60)
    peringkat = models.PositiveSmallIntegerField(_("peringkat bersama"))
    peserta = models.JSONField(_("peserta yang seri"))  # sorted Peserta ids
    keputusan = models.CharField(_("keputusan"), max_length=10, choices=Pilihan.choices)
    urutan = models.JSONField(_("urutan panel"), default=list)  # Peserta ids, first is the better rank
    alasan = models.TextField(_("alasan"))
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    waktu = models.DateTimeField(_("waktu"), auto_now_add=True)

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("keputusan seri")
        verbose_name_plural = _("keputusan seri")
        ordering = ["waktu", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(keputusan__in=["semua", "urutan"]), name="keputusan_seri_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kategori} · {self.kode_kelompok} · {self.peringkat} · {self.get_keputusan_display()}"


class PenghargaanKhusus(models.Model):
    """A special mention the panel grants, with its reason (drafted with the winners)."""

    penetapan = models.ForeignKey(Penetapan, on_delete=models.CASCADE, related_name="khusus")
    peserta = models.ForeignKey(Peserta, on_delete=models.PROTECT, related_name="+")
    kategori = models.ForeignKey(Kategori, on_delete=models.PROTECT, related_name="+")
    alasan = models.TextField(_("alasan"))
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("penghargaan khusus")
        verbose_name_plural = _("penghargaan khusus")
        constraints = [
            models.UniqueConstraint(fields=["penetapan", "peserta", "kategori"], name="khusus_unik"),
        ]

    def __str__(self):
        return f"{self.kategori} — {self.peserta.instansi}"


class Penghargaan(models.Model):
    """One award of an approved decision: an agency, a category, its peer group and rank (none for a special mention)."""

    penetapan = models.ForeignKey(Penetapan, on_delete=models.PROTECT, related_name="penghargaan")
    peserta = models.ForeignKey(Peserta, on_delete=models.PROTECT, related_name="penghargaan")
    kategori = models.ForeignKey(Kategori, on_delete=models.PROTECT, related_name="+")
    kode_kelompok = models.CharField(_("kode kelompok"), max_length=60)
    kelompok = models.CharField(_("kelompok"), max_length=150)
    peringkat = models.PositiveSmallIntegerField(_("peringkat"), null=True, blank=True)
    skor = models.DecimalField(_("nilai"), max_digits=8, decimal_places=4, null=True, blank=True)
    alasan = models.TextField(_("alasan (penghargaan khusus)"), blank=True)
    urutan = models.PositiveIntegerField(_("urutan"))

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("penghargaan")
        verbose_name_plural = _("penghargaan")
        ordering = ["urutan"]
        constraints = [
            models.UniqueConstraint(fields=["penetapan", "peserta", "kategori"], name="penghargaan_unik"),
        ]

    def __str__(self):
        return f"{self.kategori} · {self.kelompok} · {self.peringkat} · {self.peserta.instansi}"

    @property
    def label_kelompok(self):
        return label_kelompok(self.kode_kelompok, self.kelompok)


class SertifikatQuerySet(PublikQuerySet):
    # Its rendering state: shown on its verification page only.
    kolom_sertifikat = frozenset(
        {"status", "versi", "sidik", "lokasi", "riwayat_versi", "dirender_pada", "diperbarui", "pesan_galat"}
    )


class StatusSertifikat(models.TextChoices):
    ANTRE = "antre", _("Menunggu")
    BERJALAN = "berjalan", _("Sedang dirender")
    SELESAI = "selesai", _("Siap")
    GAGAL = "gagal", _("Gagal")


class Sertifikat(models.Model):
    """The certificate (piagam) of an award: a unique number, a code to verify it, its rendered PDF versions."""

    penghargaan = models.OneToOneField(Penghargaan, on_delete=models.PROTECT, related_name="sertifikat")
    nomor = models.CharField(_("nomor"), max_length=60, unique=True)
    kode = models.CharField(_("kode verifikasi"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StatusSertifikat.choices, default=StatusSertifikat.ANTRE
    )
    versi = models.PositiveIntegerField(_("versi"), default=0)
    sidik = models.CharField(_("sidik isi"), max_length=64, blank=True)
    lokasi = models.CharField(_("lokasi berkas"), max_length=255, blank=True)
    riwayat_versi = models.JSONField(_("versi sebelumnya"), default=list)
    dirender_pada = models.DateTimeField(_("dirender pada"), null=True, blank=True)
    pesan_galat = models.TextField(_("pesan galat"), blank=True)
    # Touched when the certificate is queued, taken by a worker, stored or failed: pending ones whose
    # decision has been silent for too long have lost their worker (services.sertifikat.kemajuan).
    diperbarui = models.DateTimeField(_("kabar terakhir"), null=True, blank=True)
    dicabut_pada = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    dicabut_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alasan_cabut = models.TextField(_("alasan pencabutan"), blank=True)

    objects = SertifikatQuerySet.as_manager()

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        ordering = ["penghargaan__urutan"]

    def __str__(self):
        return self.nomor
