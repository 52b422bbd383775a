from datetime import timedelta

import pytest
from django.utils import timezone

from penilaian import services
from penilaian.models import Tahap

from ..factories import PeriodeFactory


def jadwal_lengkap(awal=None):
    """A valid timeline: each stage two weeks, starting a week ago."""
    awal = awal or timezone.now() - timedelta(days=7)
    return {
        tahap: (awal + timedelta(days=14 * n), awal + timedelta(days=14 * (n + 1)))
        for n, tahap in enumerate(Tahap.terjadwal())
    }


@pytest.fixture
def periode(admin_bkn):
    """A period in preparation with the 2023 template instrument."""
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    services.muat_templat(periode=periode)
    return periode


@pytest.fixture
def periode_siap(periode, instansi_a, instansi_b):
    """A period ready to open self-assessment: instrument, timeline, participants."""
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    return periode


@pytest.fixture
def periode_mandiri(admin_bkn, periode_siap):
    """A period open for self-assessment (until a week from now), instansi_a and instansi_b taking part."""
    return services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)


@pytest.fixture
def peserta_a(periode_mandiri, instansi_a):
    return periode_mandiri.peserta.get(instansi=instansi_a)


@pytest.fixture
def peserta_b(periode_mandiri, instansi_b):
    return periode_mandiri.peserta.get(instansi=instansi_b)


@pytest.fixture
def penilai2(db):
    from instansi.models import Peran

    from ..factories import PenggunaFactory

    return PenggunaFactory(username="penilai.dua", nama="Penilai Dua", peran=Peran.PENILAI)


@pytest.fixture
def periode_verifikasi(admin_bkn, periode_mandiri):
    """Self-assessment closed a minute ago; verification and scoring open."""
    periode_mandiri.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).update(
        selesai=timezone.now() - timedelta(minutes=1)
    )
    return services.maju_tahap(periode=periode_mandiri, dari=Tahap.PENILAIAN_MANDIRI, oleh=admin_bkn)
