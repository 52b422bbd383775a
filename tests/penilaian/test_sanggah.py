"""Preliminary results and objections (sanggah), on the hand-computed example (tests/contoh.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from laporan import services as laporan_services
from laporan.models import RunPeringkat
from penilaian import services
from penilaian.models import (
    JadwalTahap,
    JenisRiwayat,
    KonflikKepentingan,
    Moderasi,
    RiwayatNilai,
    Sanggah,
    StatusSanggah,
    Tahap,
)

from ..factories import OperatorFactory


def _snapshot(periode, oleh):
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=oleh)
    return periode.snapshot.get(pk=laporan_services.jalankan_run(run_id=run.pk))


@pytest.fixture
def masa_sanggah(contoh, admin_bkn):
    """The example in the Sanggah stage, its snapshot published as preliminary results."""
    periode, peserta = contoh
    snapshot = _snapshot(periode, admin_bkn)
    laporan_services.terbitkan_hasil_sementara(snapshot=snapshot, oleh=admin_bkn)
    periode = services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    operator = OperatorFactory(username="operator.kab-a", instansi=peserta["A"].instansi)
    return periode, peserta, operator


def _indikator(periode, kode):
    return periode.indikator.get(kode=kode)


def test_a_snapshot_stores_the_aggregated_level_of_each_indicator(contoh, admin_bkn):
    periode, peserta = contoh

    hasil = _snapshot(periode, admin_bkn).hasil.get(peserta=peserta["C"])

    # C: I1 settled at 1 by the chair (moderation wins); I3 4 and 4; A's I1 would be (3+2)/2.
    assert hasil.level_indikator == {"I1": "1.0000", "I2": "2.0000", "I3": "4.0000", "I4": "1.0000"}


def test_an_objection_records_the_published_level_and_is_audited(masa_sanggah):
    periode, peserta, operator = masa_sanggah

    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=_indikator(periode, "I1"), alasan="SK sudah terbit.", oleh=operator
    )

    assert (sanggah.level_semula, sanggah.status, sanggah.dibuat_oleh) == (
        Decimal("2.5000"),
        StatusSanggah.MENUNGGU,
        operator,
    )
    riwayat = RiwayatNilai.objects.get(jenis=JenisRiwayat.SANGGAH)
    assert (riwayat.oleh, riwayat.catatan) == (operator, "Level sementara 2,5. SK sudah terbit.")


def test_a_later_snapshot_does_not_change_the_published_level(masa_sanggah, admin_bkn):
    periode, peserta, operator = masa_sanggah
    Moderasi.objects.create(
        peserta=peserta["A"], indikator=_indikator(periode, "I1"), level=4, alasan="x", oleh=admin_bkn
    )
    _snapshot(periode, admin_bkn)

    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=_indikator(periode, "I1"), alasan="SK sudah terbit.", oleh=operator
    )

    assert sanggah.level_semula == Decimal("2.5")


def test_a_second_objection_on_the_same_indicator_is_refused(masa_sanggah):
    periode, peserta, operator = masa_sanggah
    indikator = _indikator(periode, "I1")
    services.ajukan_sanggah(peserta=peserta["A"], indikator=indikator, alasan="Pertama.", oleh=operator)

    with pytest.raises(ValidationError) as exc:
        services.ajukan_sanggah(peserta=peserta["A"], indikator=indikator, alasan="Kedua.", oleh=operator)

    assert "Sanggah untuk indikator I1 sudah diajukan pada" in exc.value.message_dict["indikator"][0]
    assert Sanggah.objects.count() == 1


def test_an_objection_without_a_reason_is_refused(masa_sanggah):
    periode, peserta, operator = masa_sanggah

    with pytest.raises(ValidationError) as exc:
        services.ajukan_sanggah(
            peserta=peserta["A"], indikator=_indikator(periode, "I2"), alasan="  ", oleh=operator
        )

    assert exc.value.message_dict == {"alasan": ["Tuliskan alasan sanggah."]}


def test_a_late_objection_is_refused_with_the_deadline(masa_sanggah):
    periode, peserta, operator = masa_sanggah
    lalu = timezone.now() - timedelta(minutes=1)
    JadwalTahap.objects.create(
        periode=periode, tahap=Tahap.SANGGAH, mulai=lalu - timedelta(days=7), selesai=lalu
    )

    with pytest.raises(ValidationError) as exc:
        services.ajukan_sanggah(
            peserta=peserta["A"], indikator=_indikator(periode, "I2"), alasan="x", oleh=operator
        )

    assert exc.value.messages[0].startswith("Batas waktu tahap Sanggah (")
    assert exc.value.messages[0].endswith("WIB) sudah lewat; sanggah tidak dapat disimpan lagi.")


def test_objections_wait_for_published_preliminary_results(contoh, admin_bkn):
    periode, peserta = contoh
    periode = services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    operator = OperatorFactory(username="operator.kab-a", instansi=peserta["A"].instansi)

    with pytest.raises(ValidationError, match="Hasil sementara belum diterbitkan"):
        services.ajukan_sanggah(
            peserta=peserta["A"], indikator=_indikator(periode, "I2"), alasan="x", oleh=operator
        )


def test_objections_are_refused_outside_the_sanggah_stage(contoh, admin_bkn):
    periode, peserta = contoh
    operator = OperatorFactory(username="operator.kab-a", instansi=peserta["A"].instansi)

    with pytest.raises(ValidationError, match=r"pada tahap Sanggah \(sekarang: Moderasi\)"):
        services.ajukan_sanggah(
            peserta=peserta["A"], indikator=_indikator(periode, "I2"), alasan="x", oleh=operator
        )


def test_an_accepted_objection_settles_the_level_as_moderation_does(masa_sanggah, ketua, admin_bkn):
    periode, peserta, operator = masa_sanggah
    indikator = _indikator(periode, "I1")
    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=indikator, alasan="SK terbit.", oleh=operator
    )

    services.putuskan_sanggah(sanggah=sanggah, terima=True, level=4, alasan="SK sah.", oleh=ketua)

    sanggah.refresh_from_db()
    assert (sanggah.status, sanggah.level_baru, sanggah.keputusan, sanggah.diputuskan_oleh) == (
        StatusSanggah.DITERIMA,
        4,
        "SK sah.",
        ketua,
    )
    assert Moderasi.objects.get(peserta=peserta["A"], indikator=indikator).level == 4
    assert list(
        RiwayatNilai.objects.filter(peserta=peserta["A"]).values_list("jenis", "level_lama", "level_baru")
    ) == [
        (JenisRiwayat.SANGGAH, None, None),
        (JenisRiwayat.MODERASI, None, 4),
        (JenisRiwayat.SANGGAH_PUTUS, None, 4),
    ]
    assert _snapshot(periode, admin_bkn).hasil.get(peserta=peserta["A"]).level_indikator["I1"] == "4.0000"


def test_a_rejected_objection_keeps_the_level_and_the_written_reason(masa_sanggah, ketua):
    periode, peserta, operator = masa_sanggah
    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=_indikator(periode, "I1"), alasan="SK terbit.", oleh=operator
    )

    with pytest.raises(ValidationError):
        services.putuskan_sanggah(sanggah=sanggah, terima=False, alasan=" ", oleh=ketua)
    services.putuskan_sanggah(sanggah=sanggah, terima=False, alasan="SK belum ditandatangani.", oleh=ketua)

    sanggah.refresh_from_db()
    assert (sanggah.status, sanggah.keputusan) == (StatusSanggah.DITOLAK, "SK belum ditandatangani.")
    assert not Moderasi.objects.filter(peserta=peserta["A"]).exists()
    with pytest.raises(ValidationError, match="sudah ditolak"):
        services.putuskan_sanggah(sanggah=sanggah, terima=True, level=4, alasan="x", oleh=ketua)


def test_a_chair_with_a_conflict_does_not_decide_but_the_admin_does(masa_sanggah, ketua, admin_bkn):
    periode, peserta, operator = masa_sanggah
    KonflikKepentingan.objects.create(penilai=ketua, instansi=peserta["A"].instansi, alasan="Keluarga.")
    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=_indikator(periode, "I1"), alasan="SK terbit.", oleh=operator
    )

    with pytest.raises(ValidationError, match="Keputusan untuk instansi ini diambil admin"):
        services.putuskan_sanggah(sanggah=sanggah, terima=False, alasan="Tidak.", oleh=ketua)
    services.putuskan_sanggah(sanggah=sanggah, terima=False, alasan="Tidak.", oleh=admin_bkn)

    assert Sanggah.objects.get().diputuskan_oleh == admin_bkn


def test_penetapan_waits_for_decisions_and_a_snapshot_taken_after_them(masa_sanggah, ketua, admin_bkn):
    periode, peserta, operator = masa_sanggah
    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=_indikator(periode, "I1"), alasan="SK terbit.", oleh=operator
    )
    lama = _snapshot(periode, admin_bkn)

    assert services.syarat_tahap_berikutnya(periode) == ["1 sanggah instansi belum diputuskan."]
    services.putuskan_sanggah(sanggah=sanggah, terima=True, level=4, alasan="SK sah.", oleh=ketua)
    periode = services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin_bkn)
    with pytest.raises(ValidationError, match="Snapshot ini dihitung sebelum keputusan sanggah terakhir"):
        laporan_services.buat_penetapan(periode=periode, snapshot=lama, jumlah_peringkat=3, oleh=admin_bkn)

    penetapan = laporan_services.buat_penetapan(
        periode=periode, snapshot=_snapshot(periode, admin_bkn), jumlah_peringkat=3, oleh=admin_bkn
    )

    sanggah.refresh_from_db()
    assert penetapan.snapshot.dibuat > sanggah.diputuskan_pada
