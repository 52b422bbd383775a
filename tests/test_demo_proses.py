"""The demo of `make run` shows clarification (2024) and objections (2023) as the services leave them."""

import pytest
from django.core.management import call_command

from instansi.demo import buat_pengguna_demo
from instansi.models import Peran
from laporan.demo import siapkan_semua
from laporan.models import Penetapan
from penilaian.models import (
    BuktiDukung,
    JenisRiwayat,
    PermintaanKlarifikasi,
    RiwayatNilai,
    Sanggah,
    StatusKlarifikasi,
    StatusLembar,
    StatusSanggah,
    Tahap,
)

pytestmark = pytest.mark.django_db


def _klarifikasi_2024(baris):
    permintaan = PermintaanKlarifikasi.objects.filter(peserta__periode__tahun=2024)
    assert sorted(permintaan.values_list("status", flat=True)) == sorted(
        [StatusKlarifikasi.DIJAWAB] * 2 + [StatusKlarifikasi.TERBUKA] * 3
    )
    assert set(permintaan.values_list("lembar__status", flat=True)) == {StatusLembar.DRAF}
    # operator.jabar has a request to answer after logging in.
    assert permintaan.filter(peserta__instansi__kode="32", status=StatusKlarifikasi.TERBUKA).exists()
    diganti = BuktiDukung.objects.get(peserta__periode__tahun=2024, pengganti__isnull=False)
    assert diganti.pengganti.klarifikasi.status == StatusKlarifikasi.DIJAWAB
    jenis = list(RiwayatNilai.objects.filter(peserta__periode__tahun=2024).values_list("jenis", flat=True))
    assert (jenis.count(JenisRiwayat.KLARIFIKASI), jenis.count(JenisRiwayat.KLARIFIKASI_JAWAB)) == (5, 2)
    assert "5 permintaan klarifikasi (3 terbuka, 2 dijawab)" in baris


def _sanggah_2023(baris):
    sanggah = Sanggah.objects.filter(peserta__periode__tahun=2023).select_related("peserta", "dibuat_oleh")
    jadwal = sanggah.first().peserta.periode.jadwal_tahap(Tahap.SANGGAH)
    penetapan = Penetapan.objects.get(periode__tahun=2023)
    assert sorted(sanggah.values_list("status", flat=True)) == sorted(
        [StatusSanggah.DITERIMA] * 2 + [StatusSanggah.DITOLAK] * 2
    )
    for satu in sanggah:
        assert jadwal.mulai <= satu.dibuat < satu.diputuskan_pada < jadwal.selesai
        assert satu.dibuat_oleh.instansi_id == satu.peserta.instansi_id
        assert satu.diputuskan_pada < penetapan.snapshot.dibuat
    for satu in sanggah.filter(status=StatusSanggah.DITERIMA):
        assert satu.level_baru != satu.level_semula
        assert satu.peserta.moderasi.get(indikator=satu.indikator).level == satu.level_baru
    putus = RiwayatNilai.objects.filter(peserta__periode__tahun=2023, jenis=JenisRiwayat.SANGGAH_PUTUS)
    assert sorted(putus.values_list("waktu", flat=True)) == sorted(
        sanggah.values_list("diputuskan_pada", flat=True)
    )
    assert "4 sanggah diputuskan (2 diterima, 2 ditolak)" in baris


def test_demo_has_clarification_requests_in_2024_and_decided_objections_in_2023():
    # One build for both checks: the demo takes every one of the 627 agencies (about half a minute).
    call_command("impor_instansi", verbosity=0)
    admin = next(u for u in buat_pengguna_demo() if u.peran == Peran.ADMIN)

    baris = siapkan_semua(admin=admin)

    _klarifikasi_2024(baris[1])
    _sanggah_2023(baris[0])
