"""Agencies (instansi), their peer groups, and the people who use the system."""

from django.contrib.auth.models import AbstractUser, UserManager, _user_has_perm
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bkn_award.halaman_publik import PublikQuerySet


class JenisInstansi(models.TextChoices):
    """The kind of an agency; agencies are ranked only against agencies of the same kind."""

    KEMENTERIAN = "kementerian", _("Kementerian")
    LEMBAGA = "lembaga", _("Lembaga")
    PROVINSI = "provinsi", _("Pemerintah Provinsi")
    KOTA = "kota", _("Pemerintah Kota")
    KABUPATEN = "kabupaten", _("Pemerintah Kabupaten")

    @classmethod
    def daerah(cls):
        """Kinds that belong to a province."""
        return [cls.KOTA, cls.KABUPATEN]


class Instansi(models.Model):
    kode = models.CharField(
        _("kode"),
        max_length=32,
        unique=True,
        help_text=_(
            "Kode resmi: kode wilayah Kemendagri untuk instansi daerah, singkatan baku untuk instansi pusat."
        ),
    )
    nama = models.CharField(_("nama"), max_length=255)
    singkatan = models.CharField(_("nama singkat"), max_length=100, blank=True)
    jenis = models.CharField(_("jenis instansi"), max_length=20, choices=JenisInstansi.choices)
    induk = models.ForeignKey(
        "self",
        verbose_name=_("provinsi induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wilayah_bawahan",
        limit_choices_to={"jenis": JenisInstansi.PROVINSI},
    )
    nama_wilayah = models.CharField(_("nama wilayah"), max_length=150, blank=True)
    aktif = models.BooleanField(_("aktif"), default=True)
    dibuat = models.DateTimeField(_("dibuat"), auto_now_add=True)
    diperbarui = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = PublikQuerySet.as_manager()

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["nama"]
        indexes = [models.Index(fields=["jenis", "nama"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(jenis__in=JenisInstansi.values),
                name="instansi_jenis_valid",
            ),
            # A kabupaten/kota always has its province; no other kind has one.
            models.CheckConstraint(
                condition=(
                    Q(jenis__in=JenisInstansi.daerah(), induk__isnull=False)
                    | (~Q(jenis__in=JenisInstansi.daerah()) & Q(induk__isnull=True))
                ),
                name="instansi_induk_sesuai_jenis",
            ),
        ]

    def __str__(self):
        return self.nama

    @property
    def nama_pendek(self):
        return self.singkatan or self.nama

    @property
    def provinsi(self):
        """The province the agency belongs to (itself for a province), or None for central agencies."""
        if self.jenis == JenisInstansi.PROVINSI:
            return self
        return self.induk


class Peran(models.TextChoices):
    ADMIN = "admin", _("Admin BKN")
    KETUA = "ketua", _("Ketua Tim Penilai")
    PENILAI = "penilai", _("Penilai")
    OPERATOR = "operator", _("Operator Instansi")


class PenggunaManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("peran", Peran.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class Pengguna(AbstractUser):
    """A person who signs in: BKN staff (admin, ketua, penilai) or an agency's operator."""

    first_name = None
    last_name = None
    nama = models.CharField(_("nama lengkap"), max_length=150)
    peran = models.CharField(_("peran"), max_length=20, choices=Peran.choices)
    instansi = models.ForeignKey(
        Instansi,
        verbose_name=_("instansi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operator",
        help_text=_("Wajib untuk Operator Instansi, kosong untuk peran lain."),
    )
    jabatan = models.CharField(_("jabatan"), max_length=150, blank=True)

    objects = PenggunaManager()

    REQUIRED_FIELDS = ["email", "nama"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        ordering = ["nama", "username"]
        constraints = [
            models.CheckConstraint(condition=Q(peran__in=Peran.values), name="pengguna_peran_valid"),
            # An operator is tied to exactly one agency; BKN staff to none.
            models.CheckConstraint(
                condition=(
                    Q(peran=Peran.OPERATOR, instansi__isnull=False)
                    | (~Q(peran=Peran.OPERATOR) & Q(instansi__isnull=True))
                ),
                name="pengguna_instansi_sesuai_peran",
            ),
        ]

    def __str__(self):
        return self.nama or self.username

    def has_perm(self, perm, obj=None):
        # The role decides, not the superuser flag: Django's shortcut would let an
        # Admin BKN pass every role check, including an operator's. Superusers still
        # get Django's own model permissions (the Django admin) from ModelBackend.
        return self.is_active and _user_has_perm(self, perm, obj)

    def get_full_name(self):
        return self.nama

    def get_short_name(self):
        return self.nama.split(" ")[0] if self.nama else self.username
