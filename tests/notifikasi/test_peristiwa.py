"""The events that notify: who is told of each (and who is not), what the notice says and links to,
once per keyed event, nothing when the action is rolled back, and a fixed number of queries for the
events that tell hundreds of agencies or dozens of evaluators at once."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from instansi.models import Peran
from laporan import services as laporan_services
from laporan.models import RunPeringkat, Sertifikat, StatusRun
from laporan.services import sertifikat as layanan_sertifikat
from laporan.tasks import beri_tahu_pengumuman
from notifikasi import peristiwa
from notifikasi.models import Jenis, Notifikasi, Preferensi, StatusEmail
from penilaian import services
from penilaian.jadwal import waktu_wib
from penilaian.models import (
    JadwalTahap,
    KonflikKepentingan,
    LevelRubrik,
    Peserta,
    StatusLembar,
    Tahap,
    TinjauanKonflik,
)

from ..factories import (
    InstansiFactory,
    InstansiPusatFactory,
    OperatorFactory,
    PenggunaFactory,
    PeriodeFactory,
    jadwal_lengkap,
)
from ..laporan.conftest import render_semua_sertifikat
from ..laporan.test_gangguan import _lupakan_koneksi_celery
from ..penilaian import berkas_uji

pytestmark = pytest.mark.django_db

TAHUN = 2030
PERTANYAAN = "SK ANJAB yang diunggah bertanggal 2019; apakah ada penetapan yang lebih baru?"
JAWABAN = "Terlampir SK ANJAB 2024 yang menggantikan SK 2019."


def diterima(user, jenis=None):
    qs = Notifikasi.objects.filter(penerima=user)
    if jenis is not None:
        qs = qs.filter(jenis=jenis)
    return list(qs.order_by("pk"))


def satu(user, jenis):
    """The one notice of that kind the user has."""
    daftar = diterima(user, jenis)
    assert len(daftar) == 1, [(n.jenis, n.judul) for n in daftar]
    return daftar[0]


def jumlah_query(fungsi):
    with CaptureQueriesContext(connection) as queries:
        fungsi()
    return [q["sql"] for q in queries.captured_queries]


def query_notifikasi(sql):
    return [q for q in sql if "notifikasi_" in q]


class Dibatalkan(Exception):
    """What rolls back the caller's transaction after the action succeeded in it."""


def lalu_batal(aksi):
    """Run ``aksi`` in a transaction that is then rolled back (the view failing after the service)."""
    with transaction.atomic():
        sebelum = Notifikasi.objects.count()
        aksi()
        assert Notifikasi.objects.count() > sebelum  # written, inside
        raise Dibatalkan


@pytest.fixture
def operator_a_nonaktif(instansi_a):
    return OperatorFactory(
        username="operator.a.lama", nama="Operator Lama", instansi=instansi_a, is_active=False
    )


@pytest.fixture
def operator_a2(instansi_a):
    return OperatorFactory(username="operator.a2", nama="Operator Alfa Dua", instansi=instansi_a)


@pytest.fixture
def operator_luar(db):
    """The operator of an agency that takes no part in the period."""
    return OperatorFactory(username="operator.luar", instansi=InstansiPusatFactory(nama="Badan Luar"))


# 1. A period opens for self-assessment


def test_opening_self_assessment_tells_the_active_operators_of_every_participant(
    admin_bkn, periode_siap, operator_a, operator_a2, operator_b, operator_a_nonaktif, operator_luar, penilai
):
    periode = services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)

    selesai = periode.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI).selesai
    notif = satu(operator_a, Jenis.PERIODE_DIBUKA)
    assert notif.judul == "Penilaian mandiri BKN Award 2030 dibuka"
    assert notif.isi == (
        "Penilaian mandiri BKN Award 2030 untuk Pemerintah Kabupaten Alfa telah dibuka. Jawab setiap indikator, "
        f"unggah bukti dukungnya, lalu kirim penilaian mandiri paling lambat {waktu_wib(selesai)}; "
        "setelah itu isian tidak dapat diubah lagi."
    )
    assert notif.tautan == reverse("mandiri:ringkasan", args=[TAHUN]) == "/penilaian-mandiri/2030/"
    assert (notif.periode, notif.status_email, notif.dibaca_pada) == (periode, StatusEmail.MENUNGGU, None)
    assert "Pemerintah Kabupaten Alfa" in satu(operator_a2, Jenis.PERIODE_DIBUKA).isi
    assert "Pemerintah Kabupaten Beta" in satu(operator_b, Jenis.PERIODE_DIBUKA).isi
    assert diterima(operator_a_nonaktif) == diterima(operator_luar) == diterima(penilai) == []
    assert diterima(admin_bkn) == []


def test_only_the_opening_of_self_assessment_tells_the_agencies(operator_a, operator_b, periode_verifikasi):
    # Opened, then moved on to verification: told once, of the opening.
    assert [n.jenis for n in diterima(operator_a)] == [Jenis.PERIODE_DIBUKA]
    assert Notifikasi.objects.count() == 2


def test_an_opening_is_told_once_per_recipient(operator_a, periode_mandiri):
    with transaction.atomic():
        peristiwa.periode_dibuka(periode_mandiri)  # a second call, as a retry would make

    assert len(diterima(operator_a, Jenis.PERIODE_DIBUKA)) == 1


def test_opening_follows_each_users_preference(admin_bkn, periode_siap, operator_a, operator_b):
    Preferensi.objects.create(pengguna=operator_a, jenis=Jenis.PERIODE_DIBUKA, email=False)
    Preferensi.objects.create(pengguna=operator_b, jenis=Jenis.PERIODE_DIBUKA, ringkasan=True)

    services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)

    assert satu(operator_a, Jenis.PERIODE_DIBUKA).status_email == StatusEmail.TIDAK_DIMINTA
    assert satu(operator_b, Jenis.PERIODE_DIBUKA).status_email == StatusEmail.RINGKASAN


def test_a_rolled_back_opening_tells_nobody(admin_bkn, periode_siap, operator_a):
    with pytest.raises(Dibatalkan):
        lalu_batal(lambda: services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn))

    assert Notifikasi.objects.count() == 0
    periode_siap.refresh_from_db()
    assert periode_siap.tahap == Tahap.PERSIAPAN


def test_a_refused_opening_tells_nobody(admin_bkn, periode, operator_a):
    with pytest.raises(ValidationError):
        services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin_bkn)  # no timeline yet

    assert Notifikasi.objects.count() == 0


def _periode_dengan_peserta(admin, tahun, jumlah):
    periode = PeriodeFactory(nama=f"BKN Award {tahun}", tahun=tahun, dibuat_oleh=admin)
    services.muat_templat(periode=periode)
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    for n in range(jumlah):
        instansi = InstansiFactory(nama_wilayah=f"Uji {tahun}-{n}")
        Peserta.objects.create(periode=periode, instansi=instansi)
        OperatorFactory(instansi=instansi)
        OperatorFactory(instansi=instansi)
    return periode


def test_opening_costs_the_same_queries_for_2_and_for_12_agencies(admin_bkn):
    kecil = _periode_dengan_peserta(admin_bkn, 2031, 2)
    besar = _periode_dengan_peserta(admin_bkn, 2032, 12)

    sql = [
        jumlah_query(lambda p=p: services.maju_tahap(periode=p, dari=Tahap.PERSIAPAN, oleh=admin_bkn))
        for p in (kecil, besar)
    ]

    assert len(sql[0]) == len(sql[1])
    # The operators in one query, their preferences in one, every notice in one insert.
    assert [len(query_notifikasi(s)) for s in sql] == [2, 2]
    assert Notifikasi.objects.filter(periode=kecil).count() == 4
    assert Notifikasi.objects.filter(periode=besar).count() == 24


# 2. Clarification


@pytest.fixture
def permintaan(lembar, e11, bukti_a, penilai):
    return services.ajukan_klarifikasi(
        lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, bukti=bukti_a, oleh=penilai
    )


def test_a_clarification_request_tells_the_agencys_operators_but_not_who_asked(
    operator_a, operator_a2, operator_a_nonaktif, operator_b, permintaan, penilai
):
    notif = satu(operator_a, Jenis.KLARIFIKASI_DIMINTA)

    assert notif.judul == "Permintaan klarifikasi indikator E1.1, BKN Award 2030"
    assert notif.isi == (
        f"Penilai meminta klarifikasi Pemerintah Kabupaten Alfa atas indikator E1.1:\n\n{PERTANYAAN}\n\n"
        "Berkas yang dipertanyakan: SK ANJAB 2019.pdf.\n\n"
        f"Jawab paling lambat {waktu_wib(permintaan.tenggat)}; setelah itu jawaban tidak dapat dikirim lagi."
    )
    assert notif.tautan == reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk])
    assert penilai.nama not in notif.isi + notif.judul
    assert penilai.username not in notif.isi + notif.judul
    assert notif.kunci == f"klarifikasi:{permintaan.pk}:diminta:{operator_a.pk}"
    assert len(diterima(operator_a2, Jenis.KLARIFIKASI_DIMINTA)) == 1
    assert diterima(operator_a_nonaktif) == diterima(operator_b, Jenis.KLARIFIKASI_DIMINTA) == []
    assert diterima(penilai, Jenis.KLARIFIKASI_DIMINTA) == []


def test_a_clarification_request_is_told_once(permintaan, operator_a):
    with transaction.atomic():
        baris = peristiwa.klarifikasi_diminta(permintaan, periode=permintaan.lembar.periode)

    assert len(baris) == 1  # tried, and the unique key kept the second row out
    assert len(diterima(operator_a, Jenis.KLARIFIKASI_DIMINTA)) == 1


def test_a_refused_request_tells_nobody(permintaan, lembar, e11, penilai, operator_a):
    with pytest.raises(ValidationError, match="masih menunggu jawaban"):
        services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan="Lagi?", oleh=penilai)

    assert len(diterima(operator_a, Jenis.KLARIFIKASI_DIMINTA)) == 1


def test_a_withdrawn_request_tells_the_operators_it_needs_no_answer(
    operator_a, operator_b, permintaan, penilai
):
    services.tarik_klarifikasi(permintaan=permintaan, oleh=penilai)

    diminta, notif = diterima(operator_a, Jenis.KLARIFIKASI_DIMINTA)
    assert diminta.judul == "Permintaan klarifikasi indikator E1.1, BKN Award 2030"
    assert notif.judul == "Permintaan klarifikasi indikator E1.1 ditarik, BKN Award 2030"
    assert notif.isi == (
        "Penilai menarik permintaan klarifikasi Pemerintah Kabupaten Alfa atas indikator E1.1 yang diajukan pada "
        f"{waktu_wib(permintaan.dibuat)}. Permintaan itu tidak perlu dijawab lagi."
    )
    assert notif.tautan == reverse("mandiri:klarifikasi_daftar", args=[TAHUN])
    assert penilai.nama not in notif.isi
    assert diterima(operator_b, Jenis.KLARIFIKASI_DIMINTA) == []


def test_an_answer_tells_the_evaluator_who_asked(
    permintaan, operator_a, penilai, penilai2, peserta_a, admin_bkn
):
    services.tugaskan(peserta=peserta_a, penilai=penilai2, oleh=admin_bkn)
    berkas = berkas_uji.unggahan("SK ANJAB 2024.pdf", berkas_uji.pdf("sk 2024"))

    services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, oleh=operator_a, berkas=berkas)

    notif = satu(penilai, Jenis.KLARIFIKASI_DIJAWAB)
    assert notif.judul == "Pemerintah Kabupaten Alfa menjawab klarifikasi indikator E1.1"
    assert notif.isi == (
        "Pemerintah Kabupaten Alfa menjawab permintaan klarifikasi Anda atas indikator E1.1 (BKN Award 2030):\n\n"
        f"{JAWABAN}\n\nBerkas baru: SK ANJAB 2024.pdf."
    )
    assert notif.tautan == f"/penilaian/lembar/{permintaan.lembar_id}/#indikator-{permintaan.indikator_id}"
    assert diterima(penilai2, Jenis.KLARIFIKASI_DIJAWAB) == []
    assert diterima(operator_a, Jenis.KLARIFIKASI_DIJAWAB) == []


def test_a_refused_answer_tells_nobody(permintaan, operator_a, penilai):
    with pytest.raises(ValidationError):
        services.jawab_klarifikasi(permintaan=permintaan, jawaban="   ", oleh=operator_a)

    assert diterima(penilai, Jenis.KLARIFIKASI_DIJAWAB) == []


def test_an_inactive_evaluator_is_not_told_of_the_answer(permintaan, operator_a, penilai):
    penilai.is_active = False
    penilai.save()

    services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, oleh=operator_a)

    assert diterima(penilai, Jenis.KLARIFIKASI_DIJAWAB) == []


def test_a_rolled_back_request_tells_nobody(lembar, e11, penilai, operator_a):
    with pytest.raises(Dibatalkan):
        lalu_batal(
            lambda: services.ajukan_klarifikasi(
                lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai
            )
        )

    assert diterima(operator_a) == []


# 3. Objections, and 6. preliminary results


@pytest.fixture
def operator_kab(contoh):
    _periode, peserta = contoh
    return {
        nama: OperatorFactory(username=f"operator.kab-{nama.lower()}", instansi=peserta[nama].instansi)
        for nama in peserta
    }


def _snapshot(periode, oleh):
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=oleh)
    return periode.snapshot.get(pk=laporan_services.jalankan_run(run_id=run.pk))


@pytest.fixture
def masa_sanggah(contoh, admin_bkn, operator_kab):
    periode, peserta = contoh
    laporan_services.terbitkan_hasil_sementara(snapshot=_snapshot(periode, admin_bkn), oleh=admin_bkn)
    periode = services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    return periode, peserta


def test_preliminary_results_tell_every_participants_operators(
    contoh, admin_bkn, operator_kab, operator_luar
):
    periode, _peserta = contoh
    selesai = timezone.now() + timedelta(days=10)
    JadwalTahap.objects.create(periode=periode, tahap=Tahap.SANGGAH, mulai=timezone.now(), selesai=selesai)

    hasil = laporan_services.terbitkan_hasil_sementara(snapshot=_snapshot(periode, admin_bkn), oleh=admin_bkn)

    notif = satu(operator_kab["A"], Jenis.HASIL_SEMENTARA)
    assert notif.judul == "Hasil sementara BKN Award 2040 terbit"
    assert notif.isi == (
        "Hasil sementara BKN Award 2040 untuk Pemerintah Kabupaten A telah terbit: level setiap indikator. "
        "Bila tidak sependapat, ajukan sanggah per indikator pada tahap Sanggah, paling lambat "
        f"{waktu_wib(selesai)}."
    )
    assert notif.tautan == reverse("mandiri:hasil_sementara", args=[2040])
    assert notif.kunci == f"hasil_sementara:{hasil.pk}:{operator_kab['A'].pk}"
    assert "Pemerintah Kabupaten C" in satu(operator_kab["C"], Jenis.HASIL_SEMENTARA).isi
    assert diterima(operator_luar) == []

    # Published again while objections are decided: told again, as an update.
    laporan_services.terbitkan_hasil_sementara(snapshot=_snapshot(periode, admin_bkn), oleh=admin_bkn)
    assert [n.judul for n in diterima(operator_kab["B"], Jenis.HASIL_SEMENTARA)] == [
        "Hasil sementara BKN Award 2040 terbit",
        "Hasil sementara BKN Award 2040 diperbarui",
    ]


def test_preliminary_results_cost_the_same_queries_for_3_and_for_13_agencies(contoh, admin_bkn, operator_kab):
    from ..laporan.test_run import _tambah_peserta

    periode, _peserta = contoh
    snapshot = _snapshot(periode, admin_bkn)
    kecil = jumlah_query(
        lambda: laporan_services.terbitkan_hasil_sementara(snapshot=snapshot, oleh=admin_bkn)
    )
    _tambah_peserta(periode, admin_bkn, 10)
    for peserta in periode.peserta.exclude(instansi__operator__isnull=False):
        OperatorFactory(instansi=peserta.instansi)
    besar = jumlah_query(
        lambda: laporan_services.terbitkan_hasil_sementara(snapshot=snapshot, oleh=admin_bkn)
    )

    assert len(kecil) == len(besar)
    assert [len(query_notifikasi(s)) for s in (kecil, besar)] == [2, 2]
    assert Notifikasi.objects.filter(jenis=Jenis.HASIL_SEMENTARA).count() == 3 + 13


def test_an_accepted_objection_tells_the_agency_its_new_level_but_not_who_decided(
    masa_sanggah, operator_kab, ketua, admin_bkn
):
    periode, peserta = masa_sanggah
    i1 = periode.indikator.get(kode="I1")
    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=i1, alasan="SK sudah terbit.", oleh=operator_kab["A"]
    )

    services.putuskan_sanggah(sanggah=sanggah, terima=True, level=4, alasan="SK 2024 sah.", oleh=ketua)

    notif = satu(operator_kab["A"], Jenis.SANGGAH_DIPUTUS)
    assert notif.judul == "Sanggah indikator I1 diterima"
    assert notif.isi == (
        "Panel penilai menerima sanggah Pemerintah Kabupaten A atas indikator I1 (BKN Award 2040). "
        "Level sementara 2,5 menjadi level 4.\n\nAlasan panel: SK 2024 sah."
    )
    assert notif.tautan == reverse("mandiri:sanggah_ajukan", args=[2040, "I1"])
    assert ketua.nama not in notif.isi
    assert diterima(operator_kab["B"], Jenis.SANGGAH_DIPUTUS) == []
    assert diterima(ketua) == []


def test_a_rejected_objection_tells_the_agency_why(masa_sanggah, operator_kab, admin_bkn):
    periode, peserta = masa_sanggah
    i2 = periode.indikator.get(kode="I2")
    sanggah = services.ajukan_sanggah(
        peserta=peserta["B"], indikator=i2, alasan="Kurang tepat.", oleh=operator_kab["B"]
    )

    services.putuskan_sanggah(
        sanggah=sanggah, terima=False, alasan="Bukti tidak memenuhi level 3.", oleh=admin_bkn
    )

    notif = satu(operator_kab["B"], Jenis.SANGGAH_DIPUTUS)
    assert notif.judul == "Sanggah indikator I2 ditolak"
    assert notif.isi == (
        "Panel penilai menolak sanggah Pemerintah Kabupaten B atas indikator I2 (BKN Award 2040). "
        "Level sementara 2 tidak berubah.\n\nAlasan panel: Bukti tidak memenuhi level 3."
    )
    assert diterima(operator_kab["A"], Jenis.SANGGAH_DIPUTUS) == []


def test_a_refused_decision_tells_nobody(masa_sanggah, operator_kab, admin_bkn):
    periode, peserta = masa_sanggah
    i1 = periode.indikator.get(kode="I1")
    sanggah = services.ajukan_sanggah(
        peserta=peserta["A"], indikator=i1, alasan="SK sudah terbit.", oleh=operator_kab["A"]
    )

    with pytest.raises(ValidationError):
        services.putuskan_sanggah(sanggah=sanggah, terima=True, level=None, alasan="Ya.", oleh=admin_bkn)

    assert diterima(operator_kab["A"], Jenis.SANGGAH_DIPUTUS) == []


# 4. Evaluators' sheets


def test_a_sheet_assigned_by_hand_tells_its_evaluator_only(
    periode_verifikasi, peserta_a, penilai, penilai2, operator_a, admin_bkn
):
    lembar = services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)

    notif = satu(penilai, Jenis.LEMBAR_DITUGASKAN)
    selesai = periode_verifikasi.jadwal.get(tahap=Tahap.VERIFIKASI).selesai
    assert notif.judul == "Lembar penilaian baru: Pemerintah Kabupaten Alfa"
    assert notif.isi == (
        f"Anda ditugaskan menilai Pemerintah Kabupaten Alfa pada BKN Award 2030. Kirim lembar paling lambat "
        f"{waktu_wib(selesai)}."
    )
    assert notif.tautan == reverse("penilai:lembar", args=[lembar.pk])
    # Nobody else hears of it: least of all the agency, which must not learn who scores it.
    assert diterima(penilai2) == diterima(operator_a) == diterima(admin_bkn) == []


def test_a_sheet_assigned_before_scoring_opens_says_when_it_does(
    periode_mandiri, peserta_a, penilai, admin_bkn
):
    services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)

    jadwal = periode_mandiri.jadwal.get(tahap=Tahap.VERIFIKASI)
    assert satu(penilai, Jenis.LEMBAR_DITUGASKAN).isi == (
        f"Anda ditugaskan menilai Pemerintah Kabupaten Alfa pada BKN Award 2030. Penilaian dibuka "
        f"{waktu_wib(jadwal.mulai)}; kirim lembar paling lambat {waktu_wib(jadwal.selesai)}."
    )


def _penugasan_otomatis(admin, tahun, jumlah_instansi, jumlah_penilai=3):
    periode = PeriodeFactory(tahun=tahun, dibuat_oleh=admin, jumlah_penilai=2, tahap=Tahap.VERIFIKASI)
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    for n in range(jumlah_instansi):
        periode.peserta.create(instansi=InstansiFactory(nama_wilayah=f"Otomatis {tahun}-{n:02d}"))
    penilai = [PenggunaFactory(peran=Peran.PENILAI) for _n in range(jumlah_penilai)]
    return periode, penilai


def test_automatic_assignment_tells_each_evaluator_once_how_many_sheets_it_got(admin_bkn):
    periode, penilai = _penugasan_otomatis(admin_bkn, 2050, 6)
    nonaktif = PenggunaFactory(peran=Peran.PENILAI, is_active=False)

    services.tugaskan_otomatis(periode=periode, oleh=admin_bkn, seed=1)

    for p in penilai:
        nama = sorted(_dinilai(periode, p))
        assert len(nama) == 4
        notif = satu(p, Jenis.LEMBAR_DITUGASKAN)
        assert notif.judul == f"{len(nama)} lembar penilaian baru, {periode.nama}"
        assert notif.isi.startswith(
            f"Anda ditugaskan menilai {len(nama)} instansi pada {periode.nama}: {', '.join(nama[:-1])} dan {nama[-1]}."
        )
        assert notif.tautan == f"/penilai/?periode={periode.tahun}"
    assert diterima(nonaktif) == diterima(admin_bkn) == []

    # Run again with nothing left to assign: nobody is told anything new.
    services.tugaskan_otomatis(periode=periode, oleh=admin_bkn, seed=1)
    assert Notifikasi.objects.filter(jenis=Jenis.LEMBAR_DITUGASKAN).count() == 3


def _dinilai(periode, penilai):
    """The names of the agencies the evaluator has a live sheet for."""
    return (
        periode.lembar.filter(penilai=penilai)
        .exclude(status=StatusLembar.DIBATALKAN)
        .values_list("peserta__instansi__nama", flat=True)
    )


def test_a_rebalanced_evaluator_is_told_what_moved_away(admin_bkn):
    periode, penilai = _penugasan_otomatis(admin_bkn, 2051, 4, jumlah_penilai=2)
    periode.jumlah_penilai = 1
    periode.save()
    services.tugaskan_otomatis(periode=periode, oleh=admin_bkn, seed=1)  # 2 sheets each
    baru = PenggunaFactory(peran=Peran.PENILAI, nama="Penilai Baru")
    # One evaluator holds three untouched sheets now, the newcomer none.
    pindah = periode.lembar.filter(penilai=penilai[1]).first()
    pindah.penilai = penilai[0]
    pindah.save()

    services.tugaskan_otomatis(periode=periode, oleh=admin_bkn, seed=1)

    # The heaviest loses untouched sheets and is told which; the newcomer is told what it got.
    notif = diterima(penilai[0], Jenis.LEMBAR_DITUGASKAN)[-1]
    assert notif.judul == f"Penugasan Anda pada {periode.nama} berubah"
    assert "dipindahkan ke penilai lain untuk menyeimbangkan beban" in notif.isi
    n = len(_dinilai(periode, baru))
    assert n >= 1
    assert satu(baru, Jenis.LEMBAR_DITUGASKAN).judul == f"{n} lembar penilaian baru, {periode.nama}"


def test_automatic_assignment_costs_the_same_queries_for_6_and_for_24_agencies(admin_bkn):
    kecil, _p = _penugasan_otomatis(admin_bkn, 2052, 6)
    sql_kecil = jumlah_query(lambda: services.tugaskan_otomatis(periode=kecil, oleh=admin_bkn, seed=1))
    besar, _p = _penugasan_otomatis(admin_bkn, 2053, 24, jumlah_penilai=5)
    sql_besar = jumlah_query(lambda: services.tugaskan_otomatis(periode=besar, oleh=admin_bkn, seed=1))

    assert len(sql_kecil) == len(sql_besar)
    assert [len(query_notifikasi(s)) for s in (sql_kecil, sql_besar)] == [2, 2]
    # The pool is every active evaluator: the first period's 3 and these 5, one notice each.
    assert Notifikasi.objects.filter(periode=kecil).count() == 3
    assert Notifikasi.objects.filter(periode=besar).count() == 8


def test_a_csv_import_tells_each_evaluator_of_its_own_agencies(
    admin_bkn, periode_verifikasi, peserta_a, peserta_b, penilai, ketua
):
    isi = (
        "kode_instansi;username_penilai\n"
        f"{peserta_a.instansi.kode};{penilai.username}\n"
        f"{peserta_b.instansi.kode};{penilai.username}\n"
        f"{peserta_b.instansi.kode};{ketua.username}\n"
    )

    services.impor_penugasan_csv(
        periode=periode_verifikasi, berkas=SimpleUploadedFile("p.csv", isi.encode()), oleh=admin_bkn
    )

    notif = satu(penilai, Jenis.LEMBAR_DITUGASKAN)
    assert notif.judul == "2 lembar penilaian baru, BKN Award 2030"
    assert notif.isi.startswith(
        "Anda ditugaskan menilai 2 instansi pada BKN Award 2030: "
        "Pemerintah Kabupaten Alfa dan Pemerintah Kabupaten Beta."
    )
    assert notif.tautan == "/penilai/?periode=2030"
    notif_ketua = satu(ketua, Jenis.LEMBAR_DITUGASKAN)
    assert notif_ketua.isi.startswith(
        "Anda ditugaskan menilai 1 instansi pada BKN Award 2030: Pemerintah Kabupaten Beta."
    )
    assert notif_ketua.tautan == "/ketua/?periode=2030"


def test_a_refused_csv_tells_nobody(admin_bkn, periode_verifikasi, peserta_a, penilai):
    isi = f"kode_instansi;username_penilai\n{peserta_a.instansi.kode};{penilai.username}\ntidak-ada;{penilai.username}\n"

    with pytest.raises(ValidationError):
        services.impor_penugasan_csv(
            periode=periode_verifikasi, berkas=SimpleUploadedFile("p.csv", isi.encode()), oleh=admin_bkn
        )

    assert Notifikasi.objects.count() == 0


def _kirim_lembar(lembar, penilai):
    for i in lembar.periode.indikator.prefetch_related("rubrik"):
        services.simpan_nilai(
            lembar=lembar, indikator=i, level=3, catatan="Sesuai bukti.", versi=0, oleh=penilai
        )
    return services.kirim_lembar(lembar=lembar, oleh=penilai)


def test_a_returned_sheet_tells_its_evaluator_the_chairs_note(
    periode_verifikasi, peserta_a, penilai, ketua, operator_a, admin_bkn
):
    lembar = _kirim_lembar(services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn), penilai)

    services.kembalikan_lembar(lembar=lembar, catatan="E1.1 belum diberi catatan yang cukup.", oleh=ketua)

    notif = satu(penilai, Jenis.LEMBAR_DIKEMBALIKAN)
    selesai = periode_verifikasi.jadwal.get(tahap=Tahap.VERIFIKASI).selesai
    assert notif.judul == "Lembar Pemerintah Kabupaten Alfa dikembalikan ketua tim"
    assert notif.isi == (
        "Ketua tim mengembalikan lembar penilaian Pemerintah Kabupaten Alfa (BKN Award 2030) untuk Anda "
        f"perbaiki, lalu kirim kembali. Kirim lembar paling lambat {waktu_wib(selesai)}.\n\n"
        "Catatan ketua tim: E1.1 belum diberi catatan yang cukup."
    )
    assert notif.tautan == reverse("penilai:lembar", args=[lembar.pk])
    assert diterima(operator_a) == []


def test_an_accepted_conflict_tells_the_evaluator_its_sheet_is_cancelled(
    periode_verifikasi, peserta_a, penilai, ketua, admin_bkn
):
    lembar = _kirim_lembar(services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn), penilai)
    services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Adik saya kepala BKPSDM.")
    assert diterima(penilai, Jenis.PENUGASAN_DIBATALKAN) == []  # its own declaration: nothing to tell it

    services.putuskan_konflik(
        tinjauan=TinjauanKonflik.objects.get(), terima=True, catatan="Hubungan keluarga.", oleh=ketua
    )

    notif = satu(penilai, Jenis.PENUGASAN_DIBATALKAN)
    assert notif.judul == "Penugasan Pemerintah Kabupaten Alfa dibatalkan"
    assert notif.isi == (
        "Penugasan Anda menilai Pemerintah Kabupaten Alfa pada BKN Award 2030 dibatalkan: ketua tim menerima "
        "pernyataan konflik kepentingan Anda (Hubungan keluarga). Lembarnya tidak lagi ada di daftar kerja Anda "
        "dan nilainya tidak dihitung."
    )
    assert notif.kunci == f"lembar:{lembar.pk}:dibatalkan:{penilai.pk}"


def test_a_rejected_conflict_cancels_nothing_and_tells_nothing(
    periode_verifikasi, peserta_a, penilai, ketua, admin_bkn
):
    _kirim_lembar(services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn), penilai)
    services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Teman kuliah.")

    services.putuskan_konflik(
        tinjauan=TinjauanKonflik.objects.get(), terima=False, catatan="Tidak relevan.", oleh=ketua
    )

    assert diterima(penilai, Jenis.PENUGASAN_DIBATALKAN) == []


def test_a_conflict_declared_by_the_admin_tells_the_evaluator(
    periode_verifikasi, peserta_a, penilai, admin_bkn
):
    services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)

    services.nyatakan_konflik(
        penilai=penilai, instansi=peserta_a.instansi, alasan="Mantan pegawai.", oleh=admin_bkn
    )

    assert satu(penilai, Jenis.PENUGASAN_DIBATALKAN).isi.startswith(
        "Penugasan Anda menilai Pemerintah Kabupaten Alfa pada BKN Award 2030 dibatalkan: konflik kepentingan "
        "dinyatakan panitia (Mantan pegawai)."
    )
    assert KonflikKepentingan.objects.filter(penilai=penilai).count() == 1


def test_an_assignment_withdrawn_by_the_admin_tells_the_evaluator(
    periode_verifikasi, peserta_a, penilai, admin_bkn
):
    lembar = services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)

    services.batalkan_penugasan(lembar=lembar, oleh=admin_bkn)

    notif = satu(penilai, Jenis.PENUGASAN_DIBATALKAN)
    assert "dibatalkan: Penugasan dicabut oleh admin." in notif.isi
    assert notif.tautan == "/penilai/?periode=2030"


# 5. Ranking runs


def test_a_finished_run_tells_the_admin_who_asked_once(contoh, admin_bkn, ketua):
    periode, _peserta = contoh
    admin_lain = PenggunaFactory(peran=Peran.ADMIN)
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)

    snapshot_id = laporan_services.jalankan_run(run_id=run.pk)
    laporan_services.jalankan_run(run_id=run.pk)  # a redelivered task: nothing to do, nobody told again

    notif = satu(admin_bkn, Jenis.PERINGKAT_SELESAI)
    assert notif.judul == "Peringkat BKN Award 2040 selesai dihitung"
    assert notif.isi == (
        f"Perhitungan peringkat BKN Award 2040 yang Anda minta pada {waktu_wib(run.dibuat)} selesai: snapshot "
        f"#{snapshot_id} memuat 3 instansi. Periksa hasilnya sebelum diterbitkan atau ditetapkan."
    )
    assert notif.tautan == f"/peringkat/2040/?snapshot={snapshot_id}"
    assert notif.kunci == f"peringkat:{run.pk}:selesai:{admin_bkn.pk}"
    assert diterima(admin_lain) == diterima(ketua) == []


def test_a_failed_run_tells_the_admin_why_and_never_that_it_finished(contoh, admin_bkn):
    periode, _peserta = contoh
    # An indicator without its rubric: the run cannot compute its scores.
    LevelRubrik.objects.filter(indikator__periode=periode, indikator__kode="I4").delete()
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)

    with pytest.raises(Exception):  # noqa: B017, PT011 - re-raised for Celery, whatever it is
        laporan_services.jalankan_run(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == StatusRun.GAGAL
    notif = satu(admin_bkn, Jenis.PERINGKAT_SELESAI)
    assert notif.judul == "Perhitungan peringkat BKN Award 2040 gagal"
    assert notif.isi == (
        f"Perhitungan peringkat BKN Award 2040 yang Anda minta pada {waktu_wib(run.dibuat)} gagal: "
        f"{run.pesan_galat}\n\nTidak ada snapshot yang tersimpan dari perhitungan ini; hitung ulang dari "
        "halaman peringkat."
    )
    assert notif.tautan == "/peringkat/2040/"
    assert notif.kunci == f"peringkat:{run.pk}:gagal:{admin_bkn.pk}"

    # The task's last resort fails it again: nothing changes, nobody is told twice.
    assert laporan_services.gagalkan_run(run.pk, "Koneksi ke database terputus berulang kali") == 0
    assert len(diterima(admin_bkn)) == 1


def test_a_silent_run_closed_by_the_page_tells_its_admin_once(contoh, admin_bkn, client_of):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    RunPeringkat.objects.filter(pk=run.pk).update(diperbarui=timezone.now() - timedelta(minutes=11))

    client_of(admin_bkn).get(reverse("laporan:peringkat", args=[2040]))
    laporan_services.tutup_run_diam(periode)

    notif = satu(admin_bkn, Jenis.PERINGKAT_SELESAI)
    assert notif.judul == "Perhitungan peringkat BKN Award 2040 gagal"
    assert "Tidak ada worker Celery yang mengambil perhitungan ini" in notif.isi


def test_an_inactive_admin_is_not_told_of_its_run(contoh, admin_bkn):
    periode, _peserta = contoh
    admin_lama = PenggunaFactory(peran=Peran.ADMIN, is_active=False)
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_lama)

    laporan_services.jalankan_run(run_id=run.pk)

    assert diterima(admin_lama) == []


@pytest.fixture
def broker_mati(redis_sementara, monkeypatch):
    """The Celery broker on the test's own redis-server, stopped (as tests/laporan/test_gangguan.py does)."""
    from bkn_award.celery import app

    tersimpan = app.conf.get("broker_url"), app.conf.get("broker_transport_options")
    monkeypatch.setenv("CELERY_BROKER_URL", redis_sementara.url)
    app.conf.broker_url = redis_sementara.url
    app.conf.broker_transport_options = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
    _lupakan_koneksi_celery()
    redis_sementara.hentikan()
    yield
    app.conf.broker_url, app.conf.broker_transport_options = tersimpan
    _lupakan_koneksi_celery()


def test_a_run_the_broker_cannot_take_tells_its_admin(
    contoh, admin_bkn, broker_mati, django_capture_on_commit_callbacks
):
    periode, _peserta = contoh
    with django_capture_on_commit_callbacks(execute=True):
        run = laporan_services.minta_peringkat(periode=periode, oleh=admin_bkn)

    run.refresh_from_db()
    assert run.status == StatusRun.GAGAL
    notif = satu(admin_bkn, Jenis.PERINGKAT_SELESAI)
    assert notif.judul == "Perhitungan peringkat BKN Award 2040 gagal"
    assert "broker Celery" in notif.isi


# 7. Winners and certificates (the decision as tests/laporan/conftest.py builds it)

# The notices of the results; the admin has its ranking run's besides.
JENIS_HASIL = (Jenis.PEMENANG_DIUMUMKAN, Jenis.SERTIFIKAT_SIAP)


@pytest.fixture
def draf(contoh, admin_bkn):
    periode, peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = periode.snapshot.get(pk=laporan_services.jalankan_run(run_id=run.pk))
    periode = services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    periode = services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin_bkn)
    periode.penandatangan_nama = "Dr. Contoh Penandatangan"
    periode.save()
    penetapan = laporan_services.buat_penetapan(
        periode=periode, snapshot=snapshot, jumlah_peringkat=3, oleh=admin_bkn
    )
    laporan_services.beri_penghargaan_khusus(
        penetapan=penetapan,
        peserta=peserta["C"],
        kategori=periode.kategori.get(kode="KHUSUS"),
        alasan="Layanan kepegawaian terbaik",
        oleh=admin_bkn,
    )
    return penetapan, peserta


@pytest.fixture
def disetujui(draf, admin_bkn):
    penetapan, peserta = draf
    penetapan = laporan_services.setujui(penetapan=penetapan, oleh=admin_bkn)
    render_semua_sertifikat(penetapan)
    return penetapan, peserta


@pytest.fixture
def operator_pemenang(draf):
    _penetapan, peserta = draf
    return {
        nama: OperatorFactory(username=f"operator.menang-{nama.lower()}", instansi=peserta[nama].instansi)
        for nama in peserta
    }


@pytest.fixture
def peserta_tanpa_penghargaan(draf):
    """A participant the snapshot did not rank (it joined later): told of the results, not of an award."""
    penetapan, _peserta = draf
    instansi = InstansiFactory(nama="Pemerintah Kabupaten D", nama_wilayah="D")
    penetapan.periode.peserta.create(instansi=instansi)
    return OperatorFactory(username="operator.kab-d", instansi=instansi)


def test_publishing_tells_the_winners_their_awards_and_the_others_the_results(
    disetujui, operator_pemenang, peserta_tanpa_penghargaan, operator_luar, admin_bkn
):
    penetapan, peserta = disetujui
    assert Notifikasi.objects.filter(jenis__in=[Jenis.PEMENANG_DIUMUMKAN, Jenis.SERTIFIKAT_SIAP]).count() == 0

    laporan_services.umumkan(penetapan=penetapan)

    notif = satu(operator_pemenang["C"], Jenis.PEMENANG_DIUMUMKAN)
    assert notif.judul == "Selamat! Pemerintah Kabupaten C meraih penghargaan BKN Award 2040"
    penghargaan = (
        penetapan.penghargaan.filter(peserta=peserta["C"]).select_related("kategori").order_by("urutan")
    )
    for p in penghargaan:
        assert f"- {layanan_sertifikat.prestasi(p)} ({p.kelompok})" in notif.isi
    assert "Penerima Penghargaan Khusus" in notif.isi
    assert notif.tautan == reverse("hasil", args=[2040]) == "/hasil/2040/"
    lain = satu(peserta_tanpa_penghargaan, Jenis.PEMENANG_DIUMUMKAN)
    assert lain.judul == "Hasil BKN Award 2040 telah diumumkan"
    assert lain.isi == (
        "Pemenang BKN Award 2040 telah diumumkan. Nilai, peringkat, dan catatan penilai untuk Pemerintah "
        "Kabupaten D dapat dibaca di halaman hasil instansi."
    )
    assert diterima(operator_luar) == diterima(admin_bkn, Jenis.PEMENANG_DIUMUMKAN) == []

    # Every certificate was rendered before: the winners hear they are ready, the others do not.
    siap = satu(operator_pemenang["C"], Jenis.SERTIFIKAT_SIAP)
    jumlah = Sertifikat.objects.filter(penghargaan__peserta=peserta["C"]).count()
    assert siap.judul == "Piagam penghargaan BKN Award 2040 siap diunduh"
    assert siap.isi.startswith(
        f"{jumlah} piagam penghargaan Pemerintah Kabupaten C pada BKN Award 2040 siap diunduh"
    )
    assert siap.tautan == "/hasil/2040/"
    assert diterima(peserta_tanpa_penghargaan, Jenis.SERTIFIKAT_SIAP) == []

    # Published again (a second click): nobody is told twice.
    laporan_services.umumkan(penetapan=penetapan)
    assert len(diterima(operator_pemenang["C"])) == 2


def test_a_scheduled_announcement_tells_nobody_before_its_time(disetujui, operator_pemenang):
    penetapan, _peserta = disetujui
    nanti = timezone.now() + timedelta(hours=2)

    laporan_services.umumkan(penetapan=penetapan, waktu=nanti)
    assert peristiwa.umumkan_yang_tiba() == 0
    assert Notifikasi.objects.filter(jenis__in=JENIS_HASIL).count() == 0

    with time_machine.travel(nanti + timedelta(minutes=1)):
        assert beri_tahu_pengumuman() == 1  # the beat's task, run here
        assert beri_tahu_pengumuman() == 0  # beat again, or a second beat: told once

    assert len(diterima(operator_pemenang["A"], Jenis.PEMENANG_DIUMUMKAN)) == 1
    assert len(diterima(operator_pemenang["A"], Jenis.SERTIFIKAT_SIAP)) == 1


def test_a_scheduled_announcement_withdrawn_before_its_time_is_never_told(
    disetujui, operator_pemenang, admin_bkn
):
    penetapan, _peserta = disetujui
    nanti = timezone.now() + timedelta(hours=2)
    laporan_services.umumkan(penetapan=penetapan, waktu=nanti)
    laporan_services.tarik(penetapan=penetapan, alasan="Ada keberatan.", oleh=admin_bkn)

    with time_machine.travel(nanti + timedelta(minutes=1)):
        assert peristiwa.umumkan_yang_tiba() == 0

    assert Notifikasi.objects.filter(jenis__in=JENIS_HASIL).count() == 0


def test_certificates_finished_after_the_announcement_are_told_once_when_the_last_is_ready(
    draf, operator_pemenang, admin_bkn
):
    penetapan, _peserta = draf
    penetapan = laporan_services.setujui(
        penetapan=penetapan, oleh=admin_bkn
    )  # certificates queued, not rendered
    laporan_services.umumkan(penetapan=penetapan)
    assert diterima(operator_pemenang["A"], Jenis.SERTIFIKAT_SIAP) == []
    *awal, terakhir = Sertifikat.objects.filter(penghargaan__penetapan=penetapan).order_by("pk")

    for s in awal:
        layanan_sertifikat.render(sertifikat_id=s.pk)
    assert Notifikasi.objects.filter(jenis=Jenis.SERTIFIKAT_SIAP).count() == 0
    layanan_sertifikat.render(sertifikat_id=terakhir.pk)
    layanan_sertifikat.render(sertifikat_id=terakhir.pk)  # a redelivered task

    pemenang = set(penetapan.penghargaan.values_list("peserta__instansi_id", flat=True))
    told = set(
        Notifikasi.objects.filter(jenis=Jenis.SERTIFIKAT_SIAP).values_list("penerima__instansi_id", flat=True)
    )
    assert told == pemenang
    assert Notifikasi.objects.filter(jenis=Jenis.SERTIFIKAT_SIAP).count() == len(pemenang)


def test_publishing_costs_the_same_queries_for_3_and_for_13_agencies(disetujui, operator_pemenang, admin_bkn):
    penetapan, _peserta = disetujui

    def umumkan():
        with transaction.atomic():
            peristiwa.pemenang_diumumkan(penetapan)

    penetapan = laporan_services.umumkan(penetapan=penetapan, waktu=timezone.now() + timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        kecil = jumlah_query(umumkan)
        Notifikasi.objects.filter(jenis__in=JENIS_HASIL).delete()
        for n in range(10):
            instansi = InstansiFactory(nama_wilayah=f"Tambahan {n}")
            penetapan.periode.peserta.create(instansi=instansi)
            OperatorFactory(instansi=instansi)
        besar = jumlah_query(umumkan)

    assert len(kecil) == len(besar)
    # Told already? The operators, their preferences, the insert; the same for the certificates.
    assert [len(query_notifikasi(s)) for s in (kecil, besar)] == [6, 6]
    assert Notifikasi.objects.filter(jenis=Jenis.PEMENANG_DIUMUMKAN).count() == 3 + 10
    assert Notifikasi.objects.filter(jenis=Jenis.SERTIFIKAT_SIAP).count() == 3


def test_a_rolled_back_announcement_tells_nobody(disetujui, operator_pemenang):
    penetapan, _peserta = disetujui

    with pytest.raises(Dibatalkan):
        lalu_batal(lambda: laporan_services.umumkan(penetapan=penetapan))

    assert Notifikasi.objects.filter(jenis__in=JENIS_HASIL).count() == 0


def test_rendering_before_the_announcement_reads_no_notices(disetujui):
    penetapan, _peserta = disetujui
    s = Sertifikat.objects.filter(penghargaan__penetapan=penetapan).first()

    sql = jumlah_query(lambda: layanan_sertifikat.render(sertifikat_id=s.pk))

    assert query_notifikasi(sql) == []
    assert Notifikasi.objects.filter(jenis=Jenis.SERTIFIKAT_SIAP).count() == 0
