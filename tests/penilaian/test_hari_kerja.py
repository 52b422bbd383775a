"""Working days: weekends, national holidays from the ``holidays`` library, and the admin's cuti bersama."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from penilaian.hari_kerja import (
    adalah_hari_kerja,
    akhir_hari,
    hari_libur,
    libur_nasional,
    tambah_hari_kerja,
    tenggat_hari_kerja,
)
from penilaian.models import HariLiburTambahan

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")

# The government's cuti bersama around Idul Fitri 1446 H (SKB 3 Menteri 2025).
CUTI_BERSAMA_2025 = [date(2025, 3, 28), *(date(2025, 4, d) for d in range(2, 8))]


@pytest.fixture
def cuti_bersama_2025(admin_bkn):
    for tanggal in CUTI_BERSAMA_2025:
        HariLiburTambahan.objects.create(
            tanggal=tanggal, keterangan="Cuti bersama Idul Fitri 1446 H", dibuat_oleh=admin_bkn
        )


def test_idul_fitri_2025_comes_from_the_library():
    libur = libur_nasional(2025)
    assert date(2025, 3, 31) in libur
    assert date(2025, 4, 1) in libur
    assert date(2025, 8, 17) in libur
    assert date(2025, 4, 2) not in libur  # cuti bersama: not a national holiday


def test_national_holidays_and_weekends_are_not_working_days():
    assert adalah_hari_kerja(date(2025, 3, 27))  # Thursday
    assert not adalah_hari_kerja(date(2025, 3, 31))  # Idul Fitri, a Monday
    assert not adalah_hari_kerja(date(2025, 3, 29))  # Saturday (and Nyepi)
    assert not adalah_hari_kerja(date(2025, 3, 30))  # Sunday


def test_without_cuti_bersama_only_the_holidays_and_the_weekend_are_skipped():
    # Thursday 27 March: Fri 28, [Sat, Sun, Mon 31 and Tue 1 April off], Wed 2, Thu 3, Fri 4.
    assert tambah_hari_kerja(date(2025, 3, 27), 1) == date(2025, 3, 28)
    assert tambah_hari_kerja(date(2025, 3, 27), 2) == date(2025, 4, 2)
    assert tambah_hari_kerja(date(2025, 3, 27), 5) == date(2025, 4, 7)


def test_cuti_bersama_entered_by_the_admin_are_skipped_too(cuti_bersama_2025):
    libur = hari_libur(2025)
    assert libur[date(2025, 4, 2)] == "Cuti bersama Idul Fitri 1446 H"
    assert libur[date(2025, 3, 31)] == libur_nasional(2025)[date(2025, 3, 31)]
    # From Thursday 27 March nothing is a working day until Tuesday 8 April.
    assert tambah_hari_kerja(date(2025, 3, 27), 1) == date(2025, 4, 8)
    assert tambah_hari_kerja(date(2025, 3, 27), 5) == date(2025, 4, 14)


def test_the_day_of_asking_never_counts_even_when_it_is_a_holiday(cuti_bersama_2025):
    assert tambah_hari_kerja(date(2025, 3, 31), 1) == date(2025, 4, 8)
    assert tambah_hari_kerja(date(2025, 4, 8), 1) == date(2025, 4, 9)


def test_independence_day_and_a_weekend():
    # 17 August 2025 is a Sunday: Friday 15 → Mon 18, Tue 19, Wed 20.
    assert tambah_hari_kerja(date(2025, 8, 15), 3) == date(2025, 8, 20)
    # 17 August 2026 is a Monday: Friday 14 → [Sat, Sun, Mon 17 off] Tue 18 … Thu 20.
    assert not adalah_hari_kerja(date(2026, 8, 17))
    assert tambah_hari_kerja(date(2026, 8, 14), 1) == date(2026, 8, 18)
    assert tambah_hari_kerja(date(2026, 8, 14), 3) == date(2026, 8, 20)


def test_counting_runs_into_the_next_year():
    # Wed 31 Dec 2025 → Thu 1 Jan 2026 is New Year: Fri 2 Jan is the first working day.
    assert tambah_hari_kerja(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_due_date_is_the_end_of_the_nth_working_day_in_jakarta():
    # 27 March 2025 at 20.00 UTC is already Friday 28 March 03.00 WIB: the day of asking is the 28th,
    # so the 5th working day is Tuesday 8 April (2, 3, 4, 7, 8), not Monday 7 April.
    tenggat = tenggat_hari_kerja(datetime(2025, 3, 27, 20, 0, tzinfo=ZoneInfo("UTC")), 5)
    assert tenggat == datetime(2025, 4, 8, 23, 59, 59, tzinfo=WIB)
    assert akhir_hari(date(2025, 4, 8)) == tenggat


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="paling sedikit 1"):
        tambah_hari_kerja(date(2025, 3, 27), 0)
