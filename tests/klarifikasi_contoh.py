"""A clarification's setting, shared by the clarification tests and the notification tests.

Regency A's SK ANJAB uploaded on E1.1 during self-assessment, and A's sheet assigned to the
evaluator once the period is in verification.
"""

import pytest

from penilaian import services

from .penilaian import berkas_uji


@pytest.fixture
def e11(periode):
    return periode.indikator.prefetch_related("rubrik", "syarat_bukti").get(kode="E1.1")


@pytest.fixture
def bukti_a(peserta_a, operator_a, e11):
    """The agency's SK ANJAB on E1.1, uploaded during self-assessment."""
    return services.unggah_bukti(
        peserta=peserta_a,
        indikator=e11,
        berkas=berkas_uji.unggahan("SK ANJAB 2019.pdf", berkas_uji.pdf("sk 2019")),
        syarat=e11.syarat_bukti.first(),
        oleh=operator_a,
    )


@pytest.fixture
def lembar(bukti_a, periode_verifikasi, peserta_a, penilai, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)
