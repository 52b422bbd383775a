"""Fixtures of the decision (penetapan), built on the hand-computed example `contoh` (tests/contoh.py)."""

import pytest

from laporan import services
from laporan.models import RunPeringkat, Sertifikat
from laporan.services import sertifikat as layanan_sertifikat
from penilaian import services as penilaian_services
from penilaian.models import Kategori, Tahap

from ..factories import OperatorFactory


def render_semua_sertifikat(penetapan):
    """Render every certificate of the decision here, as the workers would."""
    for s in Sertifikat.objects.filter(penghargaan__penetapan=penetapan):
        layanan_sertifikat.render(sertifikat_id=s.pk)


@pytest.fixture
def tahap_penetapan(contoh, admin_bkn):
    periode, peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin_bkn)
    periode.penandatangan_nama = "Dr. Contoh Penandatangan"
    periode.save()
    return periode, peserta, snapshot


@pytest.fixture
def draf(tahap_penetapan, admin_bkn):
    periode, peserta, snapshot = tahap_penetapan
    penetapan = services.buat_penetapan(
        periode=periode, snapshot=snapshot, jumlah_peringkat=3, oleh=admin_bkn
    )
    khusus = Kategori.objects.get(periode=periode, kode="KHUSUS")
    services.beri_penghargaan_khusus(
        penetapan=penetapan,
        peserta=peserta["C"],
        kategori=khusus,
        alasan="Layanan kepegawaian terbaik",
        oleh=admin_bkn,
    )
    return penetapan, peserta


@pytest.fixture
def disetujui(draf, admin_bkn):
    penetapan, peserta = draf
    penetapan = services.setujui(penetapan=penetapan, oleh=admin_bkn)
    render_semua_sertifikat(penetapan)
    return penetapan, peserta


@pytest.fixture
def diumumkan(disetujui):
    penetapan, peserta = disetujui
    return services.umumkan(penetapan=penetapan), peserta


@pytest.fixture
def operator_kab_a(contoh):
    _periode, peserta = contoh
    return OperatorFactory(username="operator.kab-a", nama="Operator Kab A", instansi=peserta["A"].instansi)
