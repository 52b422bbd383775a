"""Deadline reminders and the missed-deadline summary: who is told what, on which day, once.

The days are in March 2031, chosen on the calendar: Friday 14 March is a plain working day,
Monday 24 March is Nyepi (a national holiday from the ``holidays`` library). Each run is
given its day (``hari=``), as the beat's 07.00 run would compute it; one test freezes the
clock instead and runs the Celery task itself.
"""

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from instansi.models import Peran
from notifikasi import pengingat, tasks
from notifikasi.models import Jenis, Notifikasi, Preferensi, StatusEmail
from penilaian import instrumen
from penilaian.forms import PengaturanPenilaianForm
from penilaian.models import (
    HariLiburTambahan,
    JadwalTahap,
    LembarPenilaian,
    Periode,
    PermintaanKlarifikasi,
    StatusKlarifikasi,
    StatusLembar,
    Tahap,
)

from ..contoh import instrumen_kecil
from ..factories import InstansiFactory, OperatorFactory, PenggunaFactory, PeriodeFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
JUMAT = date(2031, 3, 14)  # Friday
SENIN = date(2031, 3, 17)  # Monday
SABTU = date(2031, 3, 15)  # Saturday
SELASA_SETELAH_NYEPI = date(2031, 3, 25)  # Tuesday; Monday 24 March is Nyepi


def akhir(tanggal):
    return datetime.combine(tanggal, time(23, 59, 59), tzinfo=WIB)


def pukul(tanggal, jam, menit=0):
    return datetime.combine(tanggal, time(jam, menit), tzinfo=WIB)


def buat_periode(admin, *, tahap, tenggat, tahap_tenggat=None, tahun=2031, **kwargs):
    """A period in ``tahap`` whose ``tahap_tenggat`` (by default ``tahap``) ends at 23.59 WIB on ``tenggat``."""
    periode = PeriodeFactory(tahun=tahun, nama=f"BKN Award {tahun}", dibuat_oleh=admin, tahap=tahap, **kwargs)
    tahap_tenggat = tahap_tenggat or tahap
    if tahap_tenggat != Tahap.PENILAIAN_MANDIRI:
        # Self-assessment closed before the stage whose deadline the test is about.
        JadwalTahap.objects.create(
            periode=periode,
            tahap=Tahap.PENILAIAN_MANDIRI,
            mulai=pukul(date(2031, 1, 6), 8),
            selesai=akhir(date(2031, 1, 31)),
        )
    JadwalTahap.objects.create(
        periode=periode, tahap=tahap_tenggat, mulai=pukul(date(2031, 2, 3), 8), selesai=akhir(tenggat)
    )
    return periode


def peserta_dengan_operator(periode, **kwargs):
    instansi = InstansiFactory()
    return periode.peserta.create(instansi=instansi, **kwargs), OperatorFactory(instansi=instansi)


def lembar(periode, peserta, penilai, admin, status=StatusLembar.DRAF):
    return LembarPenilaian.objects.create(
        periode=periode, peserta=peserta, penilai=penilai, cara="manual", ditugaskan_oleh=admin, status=status
    )


def jalankan(dari, sampai, fungsi=pengingat.kirim_pengingat):
    for n in range((sampai - dari).days + 1):
        fungsi(hari=dari + timedelta(days=n))


def hari_pengingat(user):
    """The days on which ``user`` got a reminder digest, read from their keys."""
    kunci = Notifikasi.objects.filter(penerima=user, jenis=Jenis.PENGINGAT_TENGGAT).values_list(
        "kunci", flat=True
    )
    return sorted(date.fromisoformat(k.split(":")[1]) for k in kunci)


def pengingat_pada(user, hari):
    return Notifikasi.objects.get(
        penerima=user, jenis=Jenis.PENGINGAT_TENGGAT, kunci__contains=hari.isoformat()
    )


@pytest.fixture
def periode_mandiri(admin_bkn):
    """Self-assessment open until Friday 14 March 2031, 23.59 WIB."""
    return buat_periode(admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=JUMAT)


# Self-assessment


def test_operator_of_an_agency_that_has_not_submitted_is_reminded_7_3_and_1_days_before(periode_mandiri):
    _peserta, operator = peserta_dengan_operator(periode_mandiri)

    jalankan(date(2031, 3, 1), JUMAT + timedelta(days=2))

    assert hari_pengingat(operator) == [date(2031, 3, 7), date(2031, 3, 11), date(2031, 3, 13)]
    n = pengingat_pada(operator, date(2031, 3, 11))
    assert n.judul == "Pengingat: penilaian mandiri BKN Award 2031 berakhir 3 hari lagi"
    assert n.isi == (
        "Pekerjaan berikut belum selesai dan tenggatnya sudah dekat:\n\n"
        f"• Penilaian mandiri {_peserta.instansi.nama} untuk BKN Award 2031 belum dikirim. "
        "Tenggat: 14 Maret 2031 23.59 WIB (3 hari lagi).\n\n"
        "Abaikan pengingat ini bila pekerjaan tersebut sudah Anda selesaikan hari ini."
    )
    assert n.tautan == reverse("mandiri:ringkasan", args=[2031]) == "/penilaian-mandiri/2031/"
    assert n.periode == periode_mandiri
    assert n.status_email == StatusEmail.MENUNGGU
    assert pengingat_pada(operator, date(2031, 3, 13)).judul.endswith("berakhir besok")


def test_operator_of_an_agency_that_submitted_is_not_reminded(periode_mandiri, admin_bkn):
    _peserta, operator = peserta_dengan_operator(periode_mandiri, dikirim_pada=pukul(date(2031, 3, 3), 9))

    jalankan(date(2031, 3, 1), JUMAT)

    assert hari_pengingat(operator) == []


def test_every_active_operator_of_the_agency_is_reminded_but_not_a_deactivated_one(periode_mandiri):
    peserta, operator = peserta_dengan_operator(periode_mandiri)
    rekan = OperatorFactory(instansi=peserta.instansi)
    keluar = OperatorFactory(instansi=peserta.instansi, is_active=False)

    pengingat.kirim_pengingat(hari=date(2031, 3, 11))

    assert hari_pengingat(operator) == hari_pengingat(rekan) == [date(2031, 3, 11)]
    assert hari_pengingat(keluar) == []


def test_a_reopened_agency_is_reminded_of_its_own_deadline(admin_bkn):
    # Verification is under way; only the reopened agency may still change its self-assessment.
    periode = buat_periode(
        admin_bkn, tahap=Tahap.VERIFIKASI, tenggat=date(2031, 4, 30), tahap_tenggat=Tahap.VERIFIKASI
    )
    _dibuka, operator_dibuka = peserta_dengan_operator(periode, tenggat_khusus=akhir(JUMAT))
    _lain, operator_lain = peserta_dengan_operator(periode)

    jalankan(date(2031, 3, 1), JUMAT)

    assert hari_pengingat(operator_dibuka) == [date(2031, 3, 7), date(2031, 3, 11), date(2031, 3, 13)]
    assert hari_pengingat(operator_lain) == []


def test_no_reminder_while_the_stage_is_not_open(admin_bkn):
    periode = buat_periode(
        admin_bkn, tahap=Tahap.PERSIAPAN, tenggat=JUMAT, tahap_tenggat=Tahap.PENILAIAN_MANDIRI
    )
    _peserta, operator = peserta_dengan_operator(periode)

    jalankan(date(2031, 3, 1), JUMAT)

    assert hari_pengingat(operator) == []


# Weekends and holidays


@pytest.mark.parametrize(
    ("tenggat", "cuti_bersama", "hari"),
    [
        # Monday: the 1-day reminder (Sunday) goes out on Friday with the 3-day one.
        (SENIN, None, [date(2031, 3, 10), date(2031, 3, 14)]),
        # Saturday: the 7-day reminder (Saturday) on the Friday before.
        (SABTU, None, [date(2031, 3, 7), date(2031, 3, 12), date(2031, 3, 14)]),
        # Tuesday after Nyepi: the 1-day (Nyepi) and the 3-day (Saturday) both on Friday 21.
        (SELASA_SETELAH_NYEPI, None, [date(2031, 3, 18), date(2031, 3, 21)]),
        # A cuti bersama on Thursday 13: the 1-day reminder on Wednesday 12.
        (JUMAT, date(2031, 3, 13), [date(2031, 3, 7), date(2031, 3, 11), date(2031, 3, 12)]),
    ],
    ids=["senin", "sabtu", "nyepi", "cuti-bersama"],
)
def test_a_reminder_due_on_a_non_working_day_goes_out_on_the_working_day_before(
    admin_bkn, tenggat, cuti_bersama, hari
):
    if cuti_bersama:
        HariLiburTambahan.objects.create(
            tanggal=cuti_bersama, keterangan="Cuti bersama uji", dibuat_oleh=admin_bkn
        )
    periode = buat_periode(admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=tenggat)
    _peserta, operator = peserta_dengan_operator(periode)

    jalankan(tenggat - timedelta(days=12), tenggat)

    assert hari_pengingat(operator) == hari
    assert all(pengingat.hari_sasaran(h) for h in hari)  # never on a weekend or a holiday


def test_two_reminders_moved_to_the_same_friday_are_one_line_of_one_digest(admin_bkn):
    periode = buat_periode(admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=SENIN)
    _peserta, operator = peserta_dengan_operator(periode)

    pengingat.kirim_pengingat(hari=date(2031, 3, 14))

    (n,) = Notifikasi.objects.filter(penerima=operator)
    assert n.isi.count("• ") == 1
    assert "Tenggat: 17 Maret 2031 23.59 WIB (3 hari lagi)." in n.isi


def test_nothing_is_sent_on_a_weekend(periode_mandiri):
    _peserta, operator = peserta_dengan_operator(periode_mandiri)

    jalankan(date(2031, 3, 8), date(2031, 3, 9))

    assert hari_pengingat(operator) == []
    assert pengingat.hari_sasaran(date(2031, 3, 8)) == []
    assert pengingat.hari_sasaran(date(2031, 3, 7)) == [date(2031, 3, 7), date(2031, 3, 8), date(2031, 3, 9)]


def test_the_period_chooses_its_reminder_days(admin_bkn):
    periode = buat_periode(admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=JUMAT, hari_pengingat="10,2")
    _peserta, operator = peserta_dengan_operator(periode)
    tanpa = buat_periode(
        admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=JUMAT, tahun=2032, hari_pengingat=""
    )
    _peserta_tanpa, operator_tanpa = peserta_dengan_operator(tanpa)

    jalankan(date(2031, 3, 1), JUMAT)

    assert hari_pengingat(operator) == [date(2031, 3, 4), date(2031, 3, 12)]
    assert hari_pengingat(operator_tanpa) == []


# Evaluators


@pytest.fixture
def periode_verifikasi(admin_bkn):
    """Verification and scoring open until Friday 14 March 2031, 23.59 WIB."""
    return buat_periode(admin_bkn, tahap=Tahap.VERIFIKASI, tenggat=JUMAT)


def test_evaluators_with_unsubmitted_sheets_are_reminded_with_how_many(
    periode_verifikasi, admin_bkn, penilai, penilai2, ketua
):
    peserta = [peserta_dengan_operator(periode_verifikasi)[0] for _n in range(3)]
    lembar(periode_verifikasi, peserta[0], penilai, admin_bkn)
    lembar(periode_verifikasi, peserta[1], penilai, admin_bkn, StatusLembar.DIKEMBALIKAN)
    lembar(periode_verifikasi, peserta[2], penilai, admin_bkn, StatusLembar.DIKIRIM)
    lembar(periode_verifikasi, peserta[0], penilai2, admin_bkn, StatusLembar.DIKIRIM)
    lembar(periode_verifikasi, peserta[1], penilai2, admin_bkn, StatusLembar.DIBATALKAN)
    lembar(periode_verifikasi, peserta[2], ketua, admin_bkn)

    jalankan(date(2031, 3, 1), JUMAT)

    assert hari_pengingat(penilai) == [date(2031, 3, 7), date(2031, 3, 11), date(2031, 3, 13)]
    assert hari_pengingat(penilai2) == []  # submitted, and a cancelled sheet
    assert hari_pengingat(ketua) == hari_pengingat(penilai)
    n = pengingat_pada(penilai, date(2031, 3, 7))
    assert n.judul == "Pengingat: 2 lembar penilaian BKN Award 2031 belum dikirim"
    assert (
        "• 2 lembar penilaian BKN Award 2031 belum Anda kirim. Tahap Verifikasi dan penilaian berakhir "
        "14 Maret 2031 23.59 WIB (7 hari lagi)." in n.isi
    )
    assert n.tautan == "/penilai/?periode=2031"
    assert pengingat_pada(ketua, date(2031, 3, 7)).tautan == "/ketua/?periode=2031"


def test_a_deactivated_evaluator_is_not_reminded(periode_verifikasi, admin_bkn, penilai):
    peserta, _operator = peserta_dengan_operator(periode_verifikasi)
    lembar(periode_verifikasi, peserta, penilai, admin_bkn)
    penilai.is_active = False
    penilai.save(update_fields=["is_active"])

    pengingat.kirim_pengingat(hari=date(2031, 3, 7))

    assert not Notifikasi.objects.exists()


# Clarification


@pytest.fixture
def periode_klarifikasi(admin_bkn):
    """Verification until the end of April, with a small instrument to ask about."""
    periode = buat_periode(admin_bkn, tahap=Tahap.VERIFIKASI, tenggat=date(2031, 4, 30))
    instrumen.simpan(instrumen_kecil(), periode)
    return periode


def minta_klarifikasi(periode, peserta, penilai, admin, *, status=StatusKlarifikasi.TERBUKA, kode="I1"):
    """A request made on Wednesday 5 March at 10.00, due 5 working days later (Wednesday 12 March)."""
    lb = LembarPenilaian.objects.filter(peserta=peserta, penilai=penilai).first() or lembar(
        periode, peserta, penilai, admin, StatusLembar.DIKIRIM
    )
    return PermintaanKlarifikasi.objects.create(
        lembar=lb,
        peserta=peserta,
        indikator=periode.indikator.get(kode=kode),
        pertanyaan="Apakah ada SK yang lebih baru?",
        status=status,
        dibuat=pukul(date(2031, 3, 5), 10),
        tenggat=akhir(date(2031, 3, 12)),
    )


def test_operators_with_an_unanswered_clarification_request_are_reminded_before_its_deadline(
    periode_klarifikasi, admin_bkn, penilai
):
    terbuka, operator_terbuka = peserta_dengan_operator(periode_klarifikasi)
    dijawab, operator_dijawab = peserta_dengan_operator(periode_klarifikasi)
    ditarik, operator_ditarik = peserta_dengan_operator(periode_klarifikasi)
    minta_klarifikasi(periode_klarifikasi, terbuka, penilai, admin_bkn)
    minta_klarifikasi(periode_klarifikasi, terbuka, penilai, admin_bkn, kode="I3")
    minta_klarifikasi(periode_klarifikasi, dijawab, penilai, admin_bkn, status=StatusKlarifikasi.DIJAWAB)
    minta_klarifikasi(periode_klarifikasi, ditarik, penilai, admin_bkn, status=StatusKlarifikasi.DITARIK)

    jalankan(date(2031, 3, 1), date(2031, 3, 13))

    # 7 days before is the day it was asked (its own notice told them); 3 days before is a Sunday.
    assert hari_pengingat(operator_terbuka) == [date(2031, 3, 7), date(2031, 3, 11)]
    assert hari_pengingat(operator_dijawab) == hari_pengingat(operator_ditarik) == []
    n = pengingat_pada(operator_terbuka, date(2031, 3, 11))
    assert n.judul == "Pengingat: 2 permintaan klarifikasi belum dijawab"
    assert (
        f"• 2 permintaan klarifikasi penilai kepada {terbuka.instansi.nama} (BKN Award 2031) belum dijawab, "
        "indikator I1, I3. Tenggat jawaban: 12 Maret 2031 23.59 WIB (besok)." in n.isi
    )
    assert n.tautan == reverse("mandiri:klarifikasi_daftar", args=[2031])


def test_everything_due_for_one_person_on_one_day_is_one_digest(periode_klarifikasi, admin_bkn, penilai):
    peserta, operator = peserta_dengan_operator(periode_klarifikasi, tenggat_khusus=akhir(JUMAT))
    minta_klarifikasi(periode_klarifikasi, peserta, penilai, admin_bkn)

    jalankan(date(2031, 3, 1), JUMAT)

    assert hari_pengingat(operator) == [date(2031, 3, 7), date(2031, 3, 11), date(2031, 3, 13)]
    n = pengingat_pada(operator, date(2031, 3, 11))
    assert n.judul == "Pengingat tenggat: 2 pekerjaan belum selesai"
    baris = [b for b in n.isi.splitlines() if b.startswith("• ")]
    assert len(baris) == 2
    # The nearest deadline first.
    assert baris[0].startswith("• 1 permintaan klarifikasi penilai")
    assert "Tenggat jawaban: 12 Maret 2031 23.59 WIB (besok)." in baris[0]
    assert baris[1].startswith("• Penilaian mandiri")
    assert "Tenggat: 14 Maret 2031 23.59 WIB (3 hari lagi)." in baris[1]
    assert n.tautan == reverse("mandiri:klarifikasi_daftar", args=[2031])


# Once


def test_running_twice_on_the_same_day_writes_one_digest_per_person(periode_mandiri):
    _peserta, operator = peserta_dengan_operator(periode_mandiri)
    Preferensi.objects.create(pengguna=operator, jenis=Jenis.PENGINGAT_TENGGAT, ringkasan=True)

    assert pengingat.kirim_pengingat(hari=date(2031, 3, 11)) == 1
    assert pengingat.kirim_pengingat(hari=date(2031, 3, 11)) == 1

    (n,) = Notifikasi.objects.filter(penerima=operator)
    assert n.kunci == f"pengingat:2031-03-11:{operator.pk}"
    assert n.status_email == StatusEmail.RINGKASAN  # the user's choice: in the 07.30 digest


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="PostgreSQL")
def test_two_beat_runs_at_the_same_moment_write_one_digest_per_person(admin_bkn):
    periode = buat_periode(admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=JUMAT)
    operator = [peserta_dengan_operator(periode)[1] for _n in range(5)]
    mulai = threading.Barrier(2)
    galat = []

    def beat():
        try:
            mulai.wait(10)
            pengingat.kirim_pengingat(hari=date(2031, 3, 11))
        except Exception as exc:  # reported below, in the test's thread
            galat.append(exc)
        finally:
            connection.close()

    utas = [threading.Thread(target=beat) for _n in range(2)]
    for u in utas:
        u.start()
    for u in utas:
        u.join(30)

    assert galat == []
    assert sorted(Notifikasi.objects.values_list("penerima_id", flat=True)) == sorted(o.pk for o in operator)


def test_the_beat_task_reminds_on_the_frozen_day(periode_mandiri):
    _peserta, operator = peserta_dengan_operator(periode_mandiri)

    with time_machine.travel(pukul(date(2031, 3, 13), 7), tick=False):
        assert tasks.kirim_pengingat() == 1
        assert tasks.kirim_pengingat() == 1

    assert hari_pengingat(operator) == [date(2031, 3, 13)]


# Bounded queries


def _ukur(hari):
    Notifikasi.objects.all().delete()
    with CaptureQueriesContext(connection) as kueri:
        jumlah = pengingat.kirim_pengingat(hari=hari)
    return len(kueri), jumlah


def _tambah(periode_mandiri, periode_klarifikasi, admin, penilai, n):
    for _n in range(n):
        peserta_dengan_operator(periode_mandiri)
        peserta, _operator = peserta_dengan_operator(periode_klarifikasi)
        minta_klarifikasi(periode_klarifikasi, peserta, penilai, admin)


def test_the_number_of_queries_does_not_grow_with_the_agencies(admin_bkn, penilai):
    mandiri = buat_periode(admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI, tenggat=date(2031, 3, 12), tahun=2031)
    verifikasi = buat_periode(admin_bkn, tahap=Tahap.VERIFIKASI, tenggat=date(2031, 3, 12), tahun=2032)
    instrumen.simpan(instrumen_kecil(), verifikasi)
    penilai_lain = [PenggunaFactory(peran=Peran.PENILAI) for _n in range(3)]
    for p in penilai_lain:
        lembar(verifikasi, peserta_dengan_operator(verifikasi)[0], p, admin_bkn)

    _tambah(mandiri, verifikasi, admin_bkn, penilai, 3)
    kueri_3, jumlah_3 = _ukur(date(2031, 3, 11))
    _tambah(mandiri, verifikasi, admin_bkn, penilai, 9)
    kueri_12, jumlah_12 = _ukur(date(2031, 3, 11))

    assert (jumlah_3, jumlah_12) == (3 + 3 + 3, 12 + 12 + 3)  # operators of both periods, the evaluators
    assert kueri_12 == kueri_3
    assert kueri_3 <= 12


# The missed-deadline summary


@pytest.fixture
def periode_lewat(admin_bkn):
    """Self-assessment ended Friday 14 March 2031 (23.59 WIB); verification has begun."""
    periode = PeriodeFactory(tahun=2031, nama="BKN Award 2031", dibuat_oleh=admin_bkn, tahap=Tahap.VERIFIKASI)
    JadwalTahap.objects.create(
        periode=periode, tahap=Tahap.PENILAIAN_MANDIRI, mulai=pukul(date(2031, 2, 3), 8), selesai=akhir(JUMAT)
    )
    JadwalTahap.objects.create(
        periode=periode, tahap=Tahap.VERIFIKASI, mulai=akhir(JUMAT), selesai=akhir(date(2031, 4, 30))
    )
    return periode


def ringkasan(user):
    return list(Notifikasi.objects.filter(penerima=user, jenis=Jenis.TENGGAT_TERLEWAT).order_by("kunci"))


def test_the_day_after_the_deadline_admins_and_chairs_learn_once_which_agencies_missed_it(
    periode_lewat, admin_bkn, ketua, operator_a
):
    terlambat, _op = peserta_dengan_operator(periode_lewat)
    peserta_dengan_operator(periode_lewat, dikirim_pada=pukul(JUMAT, 15))
    dibuka, _op = peserta_dengan_operator(periode_lewat, tenggat_khusus=akhir(date(2031, 3, 20)))
    admin_lain = PenggunaFactory(peran=Peran.ADMIN, is_active=False)

    pengingat.kirim_tenggat_terlewat(hari=JUMAT)
    assert not Notifikasi.objects.exists()  # the deadline is tonight

    jalankan(SABTU, SABTU + timedelta(days=3), pengingat.kirim_tenggat_terlewat)

    (n,) = ringkasan(admin_bkn)
    assert [x.isi for x in ringkasan(ketua)] == [n.isi]
    assert ringkasan(admin_lain) == ringkasan(operator_a) == []
    assert n.judul == "Tenggat penilaian mandiri BKN Award 2031 terlewat: 1 instansi belum mengirim"
    assert n.isi.startswith(
        "Tenggat penilaian mandiri BKN Award 2031 berakhir 14 Maret 2031 23.59 WIB. "
        f"1 instansi belum mengirim penilaian mandirinya:\n\n• {terlambat.instansi.nama}\n"
    )
    assert dibuka.instansi.nama not in n.isi  # its own deadline has not passed
    assert n.tautan == reverse("penilaian:periode", args=[2031])
    assert n.kunci == f"terlewat:{periode_lewat.pk}:penilaian_mandiri:2031-03-14:{admin_bkn.pk}"

    # The reopened agency's own deadline passes unsubmitted: its own summary.
    pengingat.kirim_tenggat_terlewat(hari=date(2031, 3, 21))
    lama, baru = ringkasan(admin_bkn)
    assert lama == n
    assert (
        f"berakhir 20 Maret 2031 23.59 WIB. 1 instansi belum mengirim penilaian mandirinya:\n\n• {dibuka.instansi.nama}"
        in baru.isi
    )


def test_a_summary_the_beat_missed_is_sent_within_the_catch_up_days(periode_lewat, admin_bkn):
    peserta_dengan_operator(periode_lewat)

    pengingat.kirim_tenggat_terlewat(hari=JUMAT + timedelta(days=pengingat.BATAS_SUSULAN + 1))
    assert ringkasan(admin_bkn) == []
    pengingat.kirim_tenggat_terlewat(hari=JUMAT + timedelta(days=pengingat.BATAS_SUSULAN))
    assert len(ringkasan(admin_bkn)) == 1


def test_the_summary_of_the_scoring_deadline_names_the_evaluators_with_unsubmitted_sheets(
    admin_bkn, ketua, penilai, penilai2
):
    periode = buat_periode(admin_bkn, tahap=Tahap.MODERASI, tenggat=JUMAT, tahap_tenggat=Tahap.VERIFIKASI)
    peserta = [peserta_dengan_operator(periode)[0] for _n in range(3)]
    for p in peserta:
        lembar(periode, p, penilai2, admin_bkn, StatusLembar.DIKIRIM)
    lembar(periode, peserta[0], penilai, admin_bkn)
    lembar(periode, peserta[1], penilai, admin_bkn, StatusLembar.DIKEMBALIKAN)
    lembar(periode, peserta[2], penilai, admin_bkn, StatusLembar.DIBATALKAN)

    assert pengingat.kirim_tenggat_terlewat(hari=SABTU) == 1
    assert pengingat.kirim_tenggat_terlewat(hari=SABTU) == 1

    (n,) = ringkasan(ketua)
    assert n.judul == "Tenggat penilaian BKN Award 2031 terlewat: 2 lembar belum dikirim"
    assert n.isi == (
        "Tahap Verifikasi dan penilaian BKN Award 2031 berakhir 14 Maret 2031 23.59 WIB. "
        "2 lembar dari 1 penilai belum dikirim:\n\n• Penilai Uji: 2 lembar"
    )
    assert len(ringkasan(admin_bkn)) == 1


def test_no_summary_when_nobody_missed_the_deadline(periode_lewat, admin_bkn):
    peserta_dengan_operator(periode_lewat, dikirim_pada=pukul(JUMAT, 15))

    assert pengingat.kirim_tenggat_terlewat(hari=SABTU) == 0
    assert not Notifikasi.objects.exists()


# The setting and the schedule


@pytest.mark.parametrize(
    ("masukan", "tersimpan"),
    [("7,3,1", "7,3,1"), (" 1, 3 ,7, 3 ", "7,3,1"), ("14 7 1", "14,7,1"), ("60", "60"), ("", "")],
)
def test_reminder_days_are_stored_largest_first_with_duplicates_merged(periode_mandiri, masukan, tersimpan):
    form = PengaturanPenilaianForm(
        {"jumlah_penilai": 2, "ambang_moderasi": 2, "hari_kerja_klarifikasi": 5, "hari_pengingat": masukan},
        instance=periode_mandiri,
    )

    assert form.is_valid(), form.errors
    form.save()
    periode_mandiri.refresh_from_db()
    assert periode_mandiri.hari_pengingat == tersimpan


@pytest.mark.parametrize(
    ("masukan", "pesan"),
    [
        ("7,tiga,1", "“tiga” bukan angka hari. Tulis bilangan bulat dipisah koma, misalnya 7, 3, 1."),
        ("7,0", "Hari pengingat paling sedikit 1 (sehari sebelum tenggat); 0 tidak dapat dipakai."),
        ("7,-2", "Hari pengingat paling sedikit 1 (sehari sebelum tenggat); -2 tidak dapat dipakai."),
        ("61", "Hari pengingat paling banyak 60 hari sebelum tenggat; 61 terlalu jauh."),
        ("1.5", "“1.5” bukan angka hari. Tulis bilangan bulat dipisah koma, misalnya 7, 3, 1."),
    ],
)
def test_the_admin_gets_a_clear_message_for_bad_reminder_days(
    client_of, admin_bkn, periode_mandiri, masukan, pesan
):
    response = client_of(admin_bkn).post(
        reverse("penilaian:penugasan_pengaturan", args=[2031]),
        {"jumlah_penilai": 3, "ambang_moderasi": 2, "hari_kerja_klarifikasi": 5, "hari_pengingat": masukan},
    )

    assert response.status_code == 200
    assert response.context["pengaturan_form"].errors == {"hari_pengingat": [pesan]}
    periode_mandiri.refresh_from_db()
    assert (periode_mandiri.jumlah_penilai, periode_mandiri.hari_pengingat) == (2, "7,3,1")


def test_the_admin_sets_the_reminder_days_on_the_settings_page(
    client_of, admin_bkn, periode_mandiri, operator_a
):
    halaman = client_of(admin_bkn).get(reverse("penilaian:penugasan", args=[2031]))
    assert 'name="hari_pengingat" value="7,3,1"' in halaman.content.decode()

    response = client_of(admin_bkn).post(
        reverse("penilaian:penugasan_pengaturan", args=[2031]),
        {"jumlah_penilai": 2, "ambang_moderasi": 2, "hari_kerja_klarifikasi": 5, "hari_pengingat": "5, 2, 5"},
    )

    assert response.status_code == 302
    assert Periode.objects.get(pk=periode_mandiri.pk).hari_pengingat == "5,2"
    assert (
        client_of(operator_a)
        .post(reverse("penilaian:penugasan_pengaturan", args=[2031]), {"hari_pengingat": "1"})
        .status_code
        == 403
    )


def test_beat_runs_the_reminders_every_morning_and_the_outbox_every_minute():
    from celery.schedules import crontab

    from bkn_award.celery import app

    app.loader.import_default_modules()
    jadwal = {j["task"]: j["schedule"] for j in settings.CELERY_BEAT_SCHEDULE.values()}

    assert set(jadwal) <= set(app.tasks)
    assert jadwal["notifikasi.tasks.kirim_antrean"] == 60
    assert jadwal["notifikasi.tasks.kirim_pengingat"] == crontab(hour=7, minute=0)
    assert jadwal["notifikasi.tasks.tenggat_terlewat"] == crontab(hour=7, minute=0)
    assert jadwal["notifikasi.tasks.kirim_ringkasan"] == crontab(hour=7, minute=30)
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"
