"""Working days (hari kerja) as the Indonesian civil service counts them.

A working day is Monday to Friday, less the national public holidays and the extra
non-working days (cuti bersama) of the year. The holidays come from the ``holidays``
library (``holidays.country_holidays("ID")``), never typed in by hand; the cuti bersama
are decided by the government each year and entered by the admin (HariLiburTambahan).

    tambah_hari_kerja(date(2025, 3, 27), 1)  # → 8 April 2025 (Idul Fitri and its cuti bersama)
    tenggat_hari_kerja(dibuat, 5)            # → 23:59:59 WIB of the 5th working day after ``dibuat``

The library's holidays of a year are cached for the life of the process (they do not
change); the admin's days are read from the database on each call, one query per year.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from .models import HariLiburTambahan

SABTU = 5  # date.weekday(): Saturday and Sunday are 5 and 6
WIB = ZoneInfo("Asia/Jakarta")  # deadlines are set in Jakarta time, whatever the request's time zone


@lru_cache(maxsize=32)
def _libur_nasional(tahun):
    return dict(holidays.country_holidays("ID", years=tahun))


def libur_nasional(tahun):
    """{date: name} of Indonesia's national public holidays in ``tahun``, from the ``holidays`` library."""
    return dict(_libur_nasional(tahun))


def hari_libur(tahun):
    """{date: description} of the holidays of ``tahun``: the national ones and the admin's cuti bersama."""
    hasil = libur_nasional(tahun)
    for tanggal, keterangan in HariLiburTambahan.objects.filter(tanggal__year=tahun).values_list(
        "tanggal", "keterangan"
    ):
        hasil.setdefault(tanggal, keterangan)
    return hasil


def adalah_hari_kerja(tanggal, libur=None):
    """Whether ``tanggal`` is a working day; ``libur`` is hari_libur() of its year when the caller has it."""
    if tanggal.weekday() >= SABTU:
        return False
    return tanggal not in (libur if libur is not None else hari_libur(tanggal.year))


def tambah_hari_kerja(tanggal, n):
    """The ``n``-th working day after ``tanggal`` (``tanggal`` itself never counts), for n ≥ 1."""
    if n < 1:
        raise ValueError("n harus paling sedikit 1")
    libur = {}
    hari = tanggal
    while n:
        hari += datetime.timedelta(days=1)
        if hari.year not in libur:
            libur[hari.year] = hari_libur(hari.year)
        if adalah_hari_kerja(hari, libur[hari.year]):
            n -= 1
    return hari


def akhir_hari(tanggal):
    """The last second of ``tanggal`` in Jakarta (23:59:59 WIB), as an aware datetime."""
    return datetime.datetime.combine(tanggal, datetime.time(23, 59, 59), tzinfo=WIB)


def tenggat_hari_kerja(sejak, n):
    """The end (23:59:59 WIB) of the ``n``-th working day after the Jakarta day of the moment ``sejak``."""
    return akhir_hari(tambah_hari_kerja(timezone.localdate(sejak, WIB), n))
