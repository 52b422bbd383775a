"""Sign-in and permissions: model permissions only for the Django admin's staff; cached province choices."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from instansi.models import Instansi, Peran
from instansi.queries import pilihan_provinsi

from ..factories import PenggunaFactory, ProvinsiFactory

pytestmark = pytest.mark.django_db


def _pengguna_baru(user):
    """The user as the next request loads it: no permission cache yet."""
    return type(user).objects.get(pk=user.pk)


def test_izin_model_tidak_ditanyakan_untuk_bukan_staf():
    penilai = PenggunaFactory(peran=Peran.PENILAI)
    penilai.user_permissions.add(Permission.objects.get(codename="change_instansi"))
    penilai = _pengguna_baru(penilai)
    with CaptureQueriesContext(connection) as kueri:
        assert not penilai.has_perm("instansi.change_instansi")
        assert not penilai.has_perm("penilaian.kelola_periode")
    assert len(kueri) == 0


def test_staf_tetap_mendapat_izin_model_untuk_admin_django():
    admin = PenggunaFactory(peran=Peran.ADMIN, is_staff=True)
    admin.user_permissions.add(Permission.objects.get(codename="change_instansi"))
    assert _pengguna_baru(admin).has_perm("instansi.change_instansi")


def test_peran_tetap_menentukan_izin_aplikasi():
    assert _pengguna_baru(PenggunaFactory(peran=Peran.ADMIN)).has_perm("penilaian.kelola_periode")


def test_pilihan_provinsi_dari_cache_dan_diperbarui_saat_instansi_berubah():
    jabar = ProvinsiFactory(kode="32", nama_wilayah="Jawa Barat")
    assert pilihan_provinsi() == [("32", "Jawa Barat")]
    with CaptureQueriesContext(connection) as kueri:
        assert pilihan_provinsi() == [("32", "Jawa Barat")]
    assert len(kueri) == 0
    Instansi.objects.filter(pk=jabar.pk).update(nama_wilayah="x")  # no signal: still the cached one
    assert pilihan_provinsi() == [("32", "Jawa Barat")]
    jabar.refresh_from_db()
    jabar.nama_wilayah = "Jawa Barat (baru)"
    jabar.save()
    assert pilihan_provinsi() == [("32", "Jawa Barat (baru)")]
    ProvinsiFactory(kode="33", nama_wilayah="Jawa Tengah")
    assert [kode for kode, _nama in pilihan_provinsi()] == ["32", "33"]
