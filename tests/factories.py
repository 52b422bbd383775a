"""factory_boy factories for the models the tests need."""

from datetime import timedelta

import factory
from django.utils import timezone

from instansi.demo import KATA_SANDI_DEMO
from instansi.models import Instansi, JenisInstansi, Pengguna, Peran
from penilaian.models import Periode, Tahap

KATA_SANDI = KATA_SANDI_DEMO


class ProvinsiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instansi
        django_get_or_create = ("kode",)

    kode = factory.Sequence(lambda n: f"{90 + n % 10}")
    nama_wilayah = factory.Sequence(lambda n: f"Provinsi Uji {n}")
    nama = factory.LazyAttribute(lambda o: f"Pemerintah Provinsi {o.nama_wilayah}")
    singkatan = factory.LazyAttribute(lambda o: f"Pemprov {o.nama_wilayah}")
    jenis = JenisInstansi.PROVINSI


class InstansiFactory(factory.django.DjangoModelFactory):
    """A kabupaten by default, in its own province."""

    class Meta:
        model = Instansi

    induk = factory.SubFactory(ProvinsiFactory)
    kode = factory.Sequence(lambda n: f"99.{n:04d}")
    nama_wilayah = factory.Sequence(lambda n: f"Wilayah Uji {n}")
    nama = factory.LazyAttribute(lambda o: f"Pemerintah Kabupaten {o.nama_wilayah}")
    singkatan = factory.LazyAttribute(lambda o: f"Pemkab {o.nama_wilayah}")
    jenis = JenisInstansi.KABUPATEN


class InstansiPusatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instansi

    kode = factory.Sequence(lambda n: f"lembaga-uji-{n}")
    nama = factory.Sequence(lambda n: f"Badan Uji {n}")
    singkatan = factory.Sequence(lambda n: f"BU{n}")
    jenis = JenisInstansi.LEMBAGA
    induk = None


class PenggunaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pengguna
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    nama = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.username}@uji.bkn.go.id")
    peran = Peran.PENILAI
    instansi = None
    password = factory.django.Password(KATA_SANDI)


class OperatorFactory(PenggunaFactory):
    peran = Peran.OPERATOR
    instansi = factory.SubFactory(InstansiFactory)


class PeriodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Periode

    nama = factory.LazyAttribute(lambda o: f"BKN Award {o.tahun}")
    tahun = factory.Sequence(lambda n: 2030 + n)
    dibuat_oleh = factory.SubFactory(PenggunaFactory, peran=Peran.ADMIN)


def jadwal_lengkap(awal=None):
    """A valid timeline: each stage two weeks, starting a week ago."""
    awal = awal or timezone.now() - timedelta(days=7)
    return {
        tahap: (awal + timedelta(days=14 * n), awal + timedelta(days=14 * (n + 1)))
        for n, tahap in enumerate(Tahap.terjadwal())
    }
