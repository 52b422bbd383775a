"""Assessment periods, their timeline, instrument and participants."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkn_award.halaman_publik import PublikQuerySet
from instansi.models import Instansi, JenisInstansi

from .cache_kerja import KerjaQuerySet, LembarQuerySet, NilaiQuerySet


class KerjaPublikQuerySet(PublikQuerySet, KerjaQuerySet):
    """Periods and participants are on the evaluators' worklists and on the public pages."""


class Tahap(models.TextChoices):
    """The stages of a period, in the order a period goes through them."""

    PERSIAPAN = "persiapan", _("Persiapan")
    PENILAIAN_MANDIRI = "penilaian_mandiri", _("Penilaian mandiri")
    VERIFIKASI = "verifikasi", _("Verifikasi dan penilaian")
    MODERASI = "moderasi", _("Moderasi")
    # Agencies read their preliminary results and may object, one objection per indicator.
    SANGGAH = "sanggah", _("Sanggah")
    PENETAPAN = "penetapan", _("Penetapan")
    PENGUMUMAN = "pengumuman", _("Pengumuman")

    @classmethod
    def urutan(cls, tahap):
        return list(cls).index(cls(tahap))

    @classmethod
    def berikutnya(cls, tahap):
        """The stage after this one, or None after the last."""
        semua = list(cls)
        i = cls.urutan(tahap)
        return semua[i + 1] if i + 1 < len(semua) else None

    @classmethod
    def terjadwal(cls):
        """The stages with a start and an end in the timeline (all but preparation)."""
        return [t for t in cls if t != cls.PERSIAPAN]


class MetodeAgregasi(models.TextChoices):
    RERATA = "rerata", _("Rerata")
    MEDIAN = "median", _("Median")
    RERATA_TERPANGKAS = (
        "terpangkas",
        _("Rerata terpangkas (tanpa nilai tertinggi dan terendah bila ≥ 4 lembar)"),
    )


HARI_PENGINGAT_BAWAAN = "7,3,1"
HARI_PENGINGAT_MAKS = 60


def urai_hari_pengingat(teks):
    """The reminder days written as "7, 3, 1": whole numbers from 1 to 60, largest first.

    A day typed twice is merged rather than refused (it can only mean that day); anything
    else that is not such a number raises ValidationError with a message for the admin.
    """
    hari = set()
    for bagian in re.split(r"[,;\s]+", str(teks or "").strip()):
        if not bagian:
            continue
        try:
            n = int(bagian)
        except ValueError:
            raise ValidationError(
                _("“%(nilai)s” bukan angka hari. Tulis bilangan bulat dipisah koma, misalnya 7, 3, 1."),
                code="bukan_angka",
                params={"nilai": bagian[:20]},
            ) from None
        if n < 1:
            raise ValidationError(
                _("Hari pengingat paling sedikit 1 (sehari sebelum tenggat); %(nilai)s tidak dapat dipakai."),
                code="terlalu_kecil",
                params={"nilai": n},
            )
        if n > HARI_PENGINGAT_MAKS:
            raise ValidationError(
                _("Hari pengingat paling banyak %(maks)s hari sebelum tenggat; %(nilai)s terlalu jauh."),
                code="terlalu_besar",
                params={"nilai": n, "maks": HARI_PENGINGAT_MAKS},
            )
        hari.add(n)
    return sorted(hari, reverse=True)


def validasi_hari_pengingat(nilai):
    urai_hari_pengingat(nilai)


class Periode(models.Model):
    """One year of the award ("BKN Award 2023"): its timeline, instrument and participants."""

    nama = models.CharField(_("nama"), max_length=150)
    tahun = models.PositiveIntegerField(_("tahun"), unique=True, validators=[MinValueValidator(2015)])
    tahap = models.CharField(_("tahap"), max_length=30, choices=Tahap.choices, default=Tahap.PERSIAPAN)
    jumlah_penilai = models.PositiveSmallIntegerField(
        _("penilai per instansi"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Berapa penilai menilai setiap instansi."),
    )
    ambang_moderasi = models.PositiveSmallIntegerField(
        _("ambang moderasi (level)"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Indikator masuk moderasi bila level antarpenilai berbeda sebesar ini atau lebih."),
    )
    hari_kerja_klarifikasi = models.PositiveSmallIntegerField(
        _("tenggat jawaban klarifikasi (hari kerja)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Hari kerja yang dimiliki instansi untuk menjawab permintaan klarifikasi, tanpa Sabtu, Minggu, "
            "hari libur nasional, dan cuti bersama."
        ),
    )
    hari_pengingat = models.CharField(
        _("hari pengingat tenggat"),
        max_length=200,
        blank=True,
        default=HARI_PENGINGAT_BAWAAN,
        validators=[validasi_hari_pengingat],
        help_text=_(
            "Berapa hari sebelum setiap tenggat pengingat dikirim kepada yang belum selesai, dipisah koma "
            "(misalnya 7, 3, 1). Pengingat yang jatuh pada Sabtu, Minggu, atau hari libur dikirim pada hari "
            "kerja sebelumnya. Kosongkan bila periode ini tidak memakai pengingat."
        ),
    )
    metode_agregasi = models.CharField(
        _("agregasi nilai penilai"),
        max_length=15,
        choices=MetodeAgregasi.choices,
        default=MetodeAgregasi.RERATA,
    )
    normalisasi = models.BooleanField(
        _("normalisasi per penilai"),
        default=False,
        help_text=_(
            "Skor z per penilai dan elemen, dikembalikan ke skala nilai; nilai mentah tetap ditampilkan."
        ),
    )
    jumlah_peringkat_penghargaan = models.PositiveSmallIntegerField(
        _("peringkat yang diberi penghargaan"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Peringkat 1 sampai angka ini di setiap kategori dan kelompok menerima piagam."),
    )
    penandatangan_nama = models.CharField(_("nama penandatangan piagam"), max_length=150, blank=True)
    penandatangan_jabatan = models.CharField(
        _("jabatan penandatangan"), max_length=150, default="Kepala Badan Kepegawaian Negara"
    )
    tempat_penetapan = models.CharField(_("tempat penetapan"), max_length=100, default="Jakarta")
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), on_delete=models.PROTECT, related_name="+"
    )

    objects = KerjaPublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        ordering = ["-tahun"]
        constraints = [
            models.CheckConstraint(condition=Q(tahap__in=Tahap.values), name="periode_tahap_valid")
        ]

    def __str__(self):
        return self.nama

    @property
    def daftar_hari_pengingat(self):
        """The reminder days, largest first; a value written past the form's check falls back to 7, 3, 1."""
        try:
            return urai_hari_pengingat(self.hari_pengingat)
        except ValidationError:
            return urai_hari_pengingat(HARI_PENGINGAT_BAWAAN)

    @property
    def instrumen_beku(self):
        """Once self-assessment has opened, agencies answer this instrument: it may not change."""
        return self.tahap != Tahap.PERSIAPAN

    @property
    def tahap_berikutnya(self):
        return Tahap.berikutnya(self.tahap)

    def jadwal_tahap(self, tahap):
        """The JadwalTahap of a stage, or None (uses the prefetched timeline when there is one)."""
        return next((j for j in self.jadwal.all() if j.tahap == tahap), None)


class JadwalTahap(models.Model):
    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="jadwal")
    tahap = models.CharField(_("tahap"), max_length=30, choices=Tahap.choices)
    mulai = models.DateTimeField(_("mulai"))
    selesai = models.DateTimeField(_("selesai"))

    objects = KerjaQuerySet.as_manager()

    class Meta:
        verbose_name = _("jadwal tahap")
        verbose_name_plural = _("jadwal tahap")
        ordering = ["mulai"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "tahap"], name="jadwal_satu_per_tahap"),
            models.CheckConstraint(
                condition=Q(mulai__lt=models.F("selesai")), name="jadwal_mulai_sebelum_selesai"
            ),
        ]

    def __str__(self):
        return f"{self.get_tahap_display()}: {self.mulai:%d-%m-%Y} – {self.selesai:%d-%m-%Y}"

    @property
    def sudah_lewat(self):
        return timezone.now() >= self.selesai


class RiwayatTahap(models.Model):
    """A move of a period from one stage to another: who, when, and why when it needed a reason.

    A stage opened before its scheduled start keeps that start in ``jadwal_semula``;
    a move back (a withdrawn approval returns the period to Penetapan) says why.
    """

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="riwayat_tahap")
    dari = models.CharField(_("dari tahap"), max_length=30, choices=Tahap.choices)
    ke = models.CharField(_("ke tahap"), max_length=30, choices=Tahap.choices)
    oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, related_name="+"
    )
    waktu = models.DateTimeField(_("waktu"), default=timezone.now)
    alasan = models.TextField(_("alasan"), blank=True)
    jadwal_semula = models.DateTimeField(_("jadwal mulai semula"), null=True, blank=True)

    class Meta:
        verbose_name = _("riwayat tahap")
        verbose_name_plural = _("riwayat tahap")
        ordering = ["waktu", "pk"]

    def __str__(self):
        return f"{self.periode}: {self.get_dari_display()} → {self.get_ke_display()}"


class HariLiburTambahan(models.Model):
    """A non-working day the national holiday calendar does not hold: a cuti bersama set for the year.

    National public holidays come from the ``holidays`` library (penilaian/hari_kerja.py);
    these are the extra days the admin enters once the government decides them.
    """

    tanggal = models.DateField(_("tanggal"), unique=True)
    keterangan = models.CharField(_("keterangan"), max_length=150)
    dibuat = models.DateTimeField(_("dicatat"), auto_now_add=True)
    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cuti bersama")
        verbose_name_plural = _("cuti bersama")
        ordering = ["tanggal"]

    def __str__(self):
        return f"{self.tanggal:%d-%m-%Y} {self.keterangan}"


# The instrument: categories → elements → indicators (with rubric levels and required evidence).


class JenisKategori(models.TextChoices):
    UTAMA = "utama", _("Kategori Utama")
    ELEMEN = "elemen", _("Kategori Elemen")
    KHUSUS = "khusus", _("Kategori Khusus")


class Elemen(models.Model):
    """An aspect of ASN management, weighted in the main category's total."""

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="elemen")
    kode = models.CharField(_("kode"), max_length=20)
    nama = models.CharField(_("nama"), max_length=200)
    bobot = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    urutan = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("elemen")
        verbose_name_plural = _("elemen")
        ordering = ["urutan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "kode"], name="elemen_kode_unik_per_periode")
        ]

    def __str__(self):
        return f"{self.kode} {self.nama}"


class Kategori(models.Model):
    """An award category: the main one (total), one per element, or the panel's special mention."""

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="kategori")
    kode = models.CharField(_("kode"), max_length=20)
    jenis = models.CharField(_("jenis"), max_length=10, choices=JenisKategori.choices)
    nama = models.CharField(_("nama"), max_length=200)
    elemen = models.OneToOneField(
        Elemen,
        verbose_name=_("elemen yang diperingkat"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kategori",
    )
    urutan = models.PositiveIntegerField(_("urutan"), default=0)

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")
        ordering = ["urutan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "kode"], name="kategori_kode_unik_per_periode"),
            models.CheckConstraint(condition=Q(jenis__in=JenisKategori.values), name="kategori_jenis_valid"),
            # An element category ranks exactly one element; the others rank none.
            models.CheckConstraint(
                condition=Q(jenis=JenisKategori.ELEMEN, elemen__isnull=False)
                | (~Q(jenis=JenisKategori.ELEMEN) & Q(elemen__isnull=True)),
                name="kategori_elemen_sesuai_jenis",
            ),
        ]

    def __str__(self):
        return self.nama


class Indikator(models.Model):
    # The period is the element's; kept here too so that codes are unique per
    # period in the database and scoring can read a period's indicators directly.
    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="indikator")
    elemen = models.ForeignKey(Elemen, on_delete=models.CASCADE, related_name="indikator")
    kode = models.CharField(_("kode"), max_length=20)
    pertanyaan = models.TextField(_("pertanyaan"))
    panduan = models.TextField(_("panduan"), blank=True)
    bobot = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)
    urutan = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["elemen__urutan", "urutan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "kode"], name="indikator_kode_unik_per_periode")
        ]

    def __str__(self):
        return f"{self.kode} {self.pertanyaan[:60]}"

    @property
    def level_tertinggi(self):
        """The highest rubric level (uses the prefetched rubric when there is one)."""
        return max((level.level for level in self.rubrik.all()), default=None)


class LevelRubrik(models.Model):
    indikator = models.ForeignKey(Indikator, on_delete=models.CASCADE, related_name="rubrik")
    level = models.PositiveSmallIntegerField(_("level"))
    deskripsi = models.TextField(_("deskripsi"))
    rekomendasi = models.TextField(
        _("rekomendasi"),
        blank=True,
        help_text=_(
            "Langkah perbaikan bagi instansi yang memperoleh level ini agar mencapai level berikutnya; "
            "untuk level tertinggi, cara mempertahankan dan melembagakannya."
        ),
    )

    class Meta:
        verbose_name = _("level rubrik")
        verbose_name_plural = _("level rubrik")
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["indikator", "level"], name="rubrik_level_unik")]

    def __str__(self):
        return f"{self.level}: {self.deskripsi[:60]}"


class SyaratBukti(models.Model):
    """A document the agency must upload as evidence (bukti dukung) for an indicator."""

    indikator = models.ForeignKey(Indikator, on_delete=models.CASCADE, related_name="syarat_bukti")
    uraian = models.CharField(_("uraian"), max_length=300)
    urutan = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("syarat bukti dukung")
        verbose_name_plural = _("syarat bukti dukung")
        ordering = ["urutan", "pk"]

    def __str__(self):
        return self.uraian


# Participants and peer groups.


class SubKelompok(models.Model):
    """An admin-defined split of one peer group, e.g. "Kabupaten tipe A"."""

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="subkelompok")
    jenis = models.CharField(_("kelompok"), max_length=20, choices=JenisInstansi.choices)
    nama = models.CharField(_("nama"), max_length=100)

    class Meta:
        verbose_name = _("subkelompok")
        verbose_name_plural = _("subkelompok")
        ordering = ["jenis", "nama"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "jenis", "nama"], name="subkelompok_nama_unik"),
        ]

    def __str__(self):
        return self.nama


class Peserta(models.Model):
    """An agency taking part in a period; its peer group is its kind, or a sub-group of it."""

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="peserta")
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="kepesertaan")
    subkelompok = models.ForeignKey(
        SubKelompok,
        verbose_name=_("subkelompok"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="peserta",
    )
    dikirim_pada = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    dikirim_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when an admin reopens the submission: the agency may change it until then.
    tenggat_khusus = models.DateTimeField(_("tenggat khusus"), null=True, blank=True)

    objects = KerjaPublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        ordering = ["instansi__nama"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "instansi"], name="peserta_unik_per_periode")
        ]

    def __str__(self):
        return f"{self.instansi} ({self.periode})"


# Self-assessment and evidence.


class JawabanMandiri(models.Model):
    """An agency's own answer to an indicator: the rubric level it claims, and why.

    ``versi`` grows with every save: a save that carries an older version comes
    from a stale page (another tab, a colleague) and is refused instead of
    overwriting newer work, as with the evaluators' scores. ``kunci_simpan`` is the
    key of the last save applied, by which its retry is recognised (see
    ``services.simpan_jawaban``).
    """

    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="jawaban")
    indikator = models.ForeignKey(Indikator, on_delete=models.PROTECT, related_name="jawaban_mandiri")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    penjelasan = models.TextField(_("penjelasan"), blank=True)
    versi = models.PositiveIntegerField(default=0)
    kunci_simpan = models.UUIDField(null=True, blank=True, editable=False)
    diperbarui = models.DateTimeField(_("diperbarui"), auto_now=True)
    diperbarui_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("jawaban penilaian mandiri")
        verbose_name_plural = _("jawaban penilaian mandiri")
        constraints = [models.UniqueConstraint(fields=["peserta", "indikator"], name="jawaban_unik")]

    def __str__(self):
        return f"{self.peserta.instansi} · {self.indikator.kode}: {self.level}"


class JenisBerkas(models.TextChoices):
    PDF = "pdf", "PDF"
    JPG = "jpg", "JPG"
    PNG = "png", "PNG"
    XLSX = "xlsx", "Excel (XLSX)"
    DOCX = "docx", "Word (DOCX)"


class BuktiDukung(models.Model):
    """An evidence file an agency uploaded for an indicator.

    The file lives in the private "bukti" storage under a random name
    (``lokasi``); ``nama_berkas`` is the sanitised original name, for display.
    """

    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="bukti")
    indikator = models.ForeignKey(Indikator, on_delete=models.PROTECT, related_name="bukti")
    syarat = models.ForeignKey(
        SyaratBukti,
        verbose_name=_("untuk bukti wajib"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bukti",
    )
    nama_berkas = models.CharField(_("nama berkas"), max_length=255)
    lokasi = models.CharField(_("lokasi penyimpanan"), max_length=255, unique=True)
    jenis = models.CharField(_("jenis berkas"), max_length=10, choices=JenisBerkas.choices)
    ukuran = models.BigIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    diunggah = models.DateTimeField(_("diunggah"), default=timezone.now)
    diunggah_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Uploaded to answer a clarification request (during verification), or None.
    klarifikasi = models.ForeignKey(
        "PermintaanKlarifikasi",
        verbose_name=_("jawaban atas klarifikasi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bukti_baru",
    )
    # A replaced file is kept, never overwritten: it leaves the evidence and stays in its history.
    diganti_pada = models.DateTimeField(_("diganti pada"), null=True, blank=True)
    pengganti = models.ForeignKey(
        "self",
        verbose_name=_("diganti dengan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versi_lama",
    )

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["diunggah", "pk"]
        constraints = [
            # The same file twice on one indicator is a double upload, not new evidence.
            models.UniqueConstraint(
                fields=["peserta", "indikator", "sha256"],
                condition=Q(diganti_pada__isnull=True),
                name="bukti_berkas_unik_per_indikator",
            ),
            models.CheckConstraint(condition=Q(jenis__in=JenisBerkas.values), name="bukti_jenis_valid"),
        ]

    def __str__(self):
        return self.nama_berkas

    @property
    def berlaku(self):
        """Part of the agency's evidence now (not replaced)."""
        return self.diganti_pada is None


class PembukaanKembali(models.Model):
    """An admin reopened an agency's submitted self-assessment: why, until when, who."""

    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="pembukaan_kembali")
    alasan = models.TextField(_("alasan"))
    tenggat = models.DateTimeField(_("tenggat baru"))
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    waktu = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("pembukaan kembali")
        verbose_name_plural = _("pembukaan kembali")
        ordering = ["waktu", "pk"]

    def __str__(self):
        return f"{self.peserta}: {self.alasan[:40]}"


# Evaluators: profiles, conflicts of interest, assignments (score sheets), scores, moderation, audit.


class ProfilPenilai(models.Model):
    """Where an evaluator comes from: the agencies and region it may not score."""

    pengguna = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profil_penilai"
    )
    unit_kerja = models.CharField(_("unit kerja"), max_length=200, blank=True)
    instansi_asal = models.ForeignKey(
        Instansi,
        verbose_name=_("instansi asal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Instansi tempat penilai bekerja; tidak pernah ditugaskan menilainya."),
    )
    wilayah = models.ForeignKey(
        Instansi,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"jenis": JenisInstansi.PROVINSI},
        help_text=_(
            "Provinsi asal (opsional): provinsi itu dan kabupaten/kotanya tidak ditugaskan kepadanya."
        ),
    )

    class Meta:
        verbose_name = _("profil penilai")
        verbose_name_plural = _("profil penilai")

    def __str__(self):
        return str(self.pengguna)


class KonflikKepentingan(models.Model):
    """An agency an evaluator declared it must not score, and why."""

    penilai = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="konflik")
    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="konflik_penilai")
    alasan = models.CharField(_("alasan"), max_length=500)
    dibuat = models.DateTimeField(_("dinyatakan"), default=timezone.now)

    class Meta:
        verbose_name = _("konflik kepentingan")
        verbose_name_plural = _("konflik kepentingan")
        ordering = ["-dibuat"]
        constraints = [models.UniqueConstraint(fields=["penilai", "instansi"], name="konflik_unik")]

    def __str__(self):
        return f"{self.penilai} × {self.instansi}"


class StatusTinjauan(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu keputusan ketua")
    DITERIMA = "diterima", _("Diterima: lembar dibatalkan")
    DITOLAK = "ditolak", _("Ditolak: lembar tetap dihitung")


class TinjauanKonflik(models.Model):
    """A conflict declared against an agency whose sheet the evaluator had already submitted.

    Submitted work is not the evaluator's to withdraw: the sheet keeps counting
    until the panel chair decides whether the conflict cancels it.
    """

    konflik = models.ForeignKey(KonflikKepentingan, on_delete=models.CASCADE, related_name="tinjauan")
    lembar = models.ForeignKey("LembarPenilaian", on_delete=models.CASCADE, related_name="tinjauan_konflik")
    status = models.CharField(
        _("status"), max_length=10, choices=StatusTinjauan.choices, default=StatusTinjauan.MENUNGGU
    )
    dibuat = models.DateTimeField(_("diajukan"), default=timezone.now)
    diputuskan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_pada = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    catatan = models.TextField(_("catatan keputusan"), blank=True)

    class Meta:
        verbose_name = _("tinjauan konflik kepentingan")
        verbose_name_plural = _("tinjauan konflik kepentingan")
        ordering = ["dibuat", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StatusTinjauan.values), name="tinjauan_status_valid"
            ),
            models.UniqueConstraint(
                fields=["lembar"], condition=Q(status="menunggu"), name="tinjauan_satu_menunggu_per_lembar"
            ),
        ]

    def __str__(self):
        return f"{self.konflik} · {self.get_status_display()}"


class StatusLembar(models.TextChoices):
    DRAF = "draf", _("Sedang dinilai")
    DIKIRIM = "dikirim", _("Dikirim")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan ketua")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")


class CaraPenugasan(models.TextChoices):
    MANUAL = "manual", _("Manual")
    CSV = "csv", _("Impor CSV")
    OTOMATIS = "otomatis", _("Otomatis")


class LembarPenilaian(models.Model):
    """An evaluator's assignment to one agency, and its score sheet.

    A cancelled sheet (a conflict declared afterwards, a removed assignment)
    is kept, with its audit trail, but no longer counts.
    """

    periode = models.ForeignKey(Periode, on_delete=models.CASCADE, related_name="lembar")
    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="lembar")
    penilai = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lembar_penilaian"
    )
    status = models.CharField(
        _("status"), max_length=15, choices=StatusLembar.choices, default=StatusLembar.DRAF
    )
    cara = models.CharField(_("cara penugasan"), max_length=10, choices=CaraPenugasan.choices)
    ditugaskan = models.DateTimeField(_("ditugaskan"), default=timezone.now)
    ditugaskan_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dikirim_pada = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    catatan_pengembalian = models.TextField(_("catatan pengembalian"), blank=True)
    alasan_batal = models.CharField(_("alasan pembatalan"), max_length=500, blank=True)

    objects = LembarQuerySet.as_manager()

    class Meta:
        verbose_name = _("lembar penilaian")
        verbose_name_plural = _("lembar penilaian")
        ordering = ["peserta__instansi__nama", "penilai__nama"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StatusLembar.values), name="lembar_status_valid"),
            # One live sheet per evaluator and agency; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["peserta", "penilai"],
                condition=~Q(status=StatusLembar.DIBATALKAN),
                name="lembar_aktif_unik",
            ),
        ]

    def __str__(self):
        return f"{self.peserta.instansi} — {self.penilai}"

    @property
    def aktif(self):
        return self.status != StatusLembar.DIBATALKAN

    @property
    def bisa_diisi(self):
        return self.status in (StatusLembar.DRAF, StatusLembar.DIKEMBALIKAN)


class NilaiPenilai(models.Model):
    """An evaluator's level for one indicator on its sheet, with its note.

    ``versi`` grows with every save: a save that carries an older version comes
    from a stale page and is refused instead of overwriting newer work.
    ``kunci_simpan`` is the key of the last save applied, by which its retry is
    recognised (see ``services.simpan_nilai``).
    """

    lembar = models.ForeignKey(LembarPenilaian, on_delete=models.CASCADE, related_name="nilai")
    indikator = models.ForeignKey(Indikator, on_delete=models.PROTECT, related_name="nilai_penilai")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    catatan = models.TextField(_("catatan"), blank=True)
    # Only the panel ever reads it: the other evaluators of the agency (after submitting), the chair,
    # the admin. The note above is the agency's, shown with its results.
    catatan_panel = models.TextField(_("catatan internal panel"), blank=True)
    versi = models.PositiveIntegerField(default=0)
    kunci_simpan = models.UUIDField(null=True, blank=True, editable=False)
    diperbarui = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = NilaiQuerySet.as_manager()

    class Meta:
        verbose_name = _("nilai penilai")
        verbose_name_plural = _("nilai penilai")
        constraints = [models.UniqueConstraint(fields=["lembar", "indikator"], name="nilai_unik_per_lembar")]

    def __str__(self):
        return f"{self.lembar} · {self.indikator.kode}: {self.level}"


class Moderasi(models.Model):
    """The panel chair's final value for an indicator of an agency, with the reason."""

    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="moderasi")
    indikator = models.ForeignKey(Indikator, on_delete=models.PROTECT, related_name="moderasi")
    level = models.PositiveSmallIntegerField(_("level akhir"))
    alasan = models.TextField(_("alasan"))
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    waktu = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("moderasi")
        verbose_name_plural = _("moderasi")
        constraints = [models.UniqueConstraint(fields=["peserta", "indikator"], name="moderasi_unik")]

    def __str__(self):
        return f"{self.peserta.instansi} · {self.indikator.kode}: {self.level}"


# Clarification during verification, and objections (sanggah) before penetapan.


class StatusKlarifikasi(models.TextChoices):
    TERBUKA = "terbuka", _("Menunggu jawaban")
    DIJAWAB = "dijawab", _("Dijawab")
    DITARIK = "ditarik", _("Ditarik penilai")


class PermintaanKlarifikasi(models.Model):
    """An evaluator's question to the agency about one indicator, answered by the agency before ``tenggat``.

    The agency sees the question without the evaluator's name; its answer may add or
    replace evidence of that indicator (BuktiDukung.klarifikasi, BuktiDukung.pengganti).
    """

    lembar = models.ForeignKey(LembarPenilaian, on_delete=models.CASCADE, related_name="klarifikasi")
    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="klarifikasi")
    indikator = models.ForeignKey(Indikator, on_delete=models.PROTECT, related_name="klarifikasi")
    bukti = models.ForeignKey(
        BuktiDukung,
        verbose_name=_("bukti yang diragukan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="klarifikasi_diragukan",
    )
    pertanyaan = models.TextField(_("pertanyaan"))
    status = models.CharField(
        _("status"), max_length=10, choices=StatusKlarifikasi.choices, default=StatusKlarifikasi.TERBUKA
    )
    dibuat = models.DateTimeField(_("diajukan"), default=timezone.now)
    tenggat = models.DateTimeField(_("tenggat jawaban"))
    jawaban = models.TextField(_("jawaban"), blank=True)
    dijawab_pada = models.DateTimeField(_("dijawab pada"), null=True, blank=True)
    dijawab_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ditarik_pada = models.DateTimeField(_("ditarik pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("permintaan klarifikasi")
        verbose_name_plural = _("permintaan klarifikasi")
        ordering = ["dibuat", "pk"]
        indexes = [models.Index(fields=["peserta", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StatusKlarifikasi.values), name="klarifikasi_status_valid"
            )
        ]

    def __str__(self):
        return f"{self.peserta.instansi} · {self.indikator.kode}: {self.get_status_display()}"

    @property
    def lewat_tenggat(self):
        return self.status == StatusKlarifikasi.TERBUKA and timezone.now() >= self.tenggat


class StatusSanggah(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu keputusan")
    DITERIMA = "diterima", _("Diterima")
    DITOLAK = "ditolak", _("Ditolak")


class Sanggah(models.Model):
    """An agency's objection to its preliminary level of one indicator, and the panel's decision.

    Accepted, it settles a new level the way moderation does (Moderasi, audited);
    rejected, the agency reads the written reason. The optional supporting file is
    checked like evidence and kept in the private evidence storage.
    """

    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="sanggah")
    indikator = models.ForeignKey(Indikator, on_delete=models.PROTECT, related_name="sanggah")
    alasan = models.TextField(_("alasan sanggah"))
    level_semula = models.DecimalField(
        _("level sementara"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    berkas_nama = models.CharField(_("nama berkas pendukung"), max_length=255, blank=True)
    berkas_lokasi = models.CharField(_("lokasi berkas"), max_length=255, blank=True)
    berkas_jenis = models.CharField(_("jenis berkas"), max_length=10, choices=JenisBerkas.choices, blank=True)
    berkas_ukuran = models.BigIntegerField(_("ukuran berkas (bita)"), null=True, blank=True)
    berkas_sha256 = models.CharField(_("SHA-256 berkas"), max_length=64, blank=True)
    dibuat = models.DateTimeField(_("diajukan"), default=timezone.now)
    dibuat_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=StatusSanggah.choices, default=StatusSanggah.MENUNGGU
    )
    level_baru = models.PositiveSmallIntegerField(_("level baru"), null=True, blank=True)
    keputusan = models.TextField(_("alasan keputusan"), blank=True)
    diputuskan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_pada = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanggah")
        verbose_name_plural = _("sanggah")
        ordering = ["dibuat", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["peserta", "indikator"], name="sanggah_satu_per_indikator"),
            models.CheckConstraint(condition=Q(status__in=StatusSanggah.values), name="sanggah_status_valid"),
        ]

    def __str__(self):
        return f"{self.peserta.instansi} · {self.indikator.kode}: {self.get_status_display()}"


class JenisRiwayat(models.TextChoices):
    NILAI = "nilai", _("Nilai penilai")
    KIRIM = "kirim", _("Lembar dikirim")
    MODERASI = "moderasi", _("Moderasi ketua")
    PENGEMBALIAN = "pengembalian", _("Lembar dikembalikan")
    PEMBATALAN = "pembatalan", _("Penugasan dibatalkan")
    KONFLIK = "konflik", _("Konflik kepentingan atas lembar terkirim")
    KLARIFIKASI = "klarifikasi", _("Permintaan klarifikasi")
    KLARIFIKASI_JAWAB = "klarif_jawab", _("Jawaban klarifikasi")
    KLARIFIKASI_TARIK = "klarif_tarik", _("Klarifikasi ditarik")
    SANGGAH = "sanggah", _("Sanggah diajukan")
    SANGGAH_PUTUS = "sanggah_putus", _("Keputusan sanggah")


class RiwayatNilai(models.Model):
    """The audit trail: every change of a score, and every step of a sheet, never edited."""

    peserta = models.ForeignKey(Peserta, on_delete=models.CASCADE, related_name="riwayat_nilai")
    lembar = models.ForeignKey(
        LembarPenilaian, on_delete=models.CASCADE, null=True, blank=True, related_name="riwayat"
    )
    indikator = models.ForeignKey(
        Indikator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    jenis = models.CharField(_("jenis"), max_length=15, choices=JenisRiwayat.choices)
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    waktu = models.DateTimeField(_("waktu"), default=timezone.now)
    level_lama = models.PositiveSmallIntegerField(_("level lama"), null=True, blank=True)
    level_baru = models.PositiveSmallIntegerField(_("level baru"), null=True, blank=True)
    catatan = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("riwayat nilai")
        verbose_name_plural = _("riwayat nilai")
        ordering = ["waktu", "pk"]
        indexes = [models.Index(fields=["peserta", "waktu"])]

    def __str__(self):
        return f"{self.waktu:%Y-%m-%d %H:%M} {self.get_jenis_display()}"
