"""A small period computed by hand: 2 elements × 2 indicators (0–4), 3 regencies, 2 evaluators.

Loaded as a pytest plugin by tests/conftest.py, so that every test folder can use `contoh`.
"""

from decimal import Decimal

import pytest

from instansi.models import Peran
from penilaian import instrumen
from penilaian.instrumen import Bukti, ElemenData, IndikatorData, Instrumen, KategoriData, Level
from penilaian.models import LembarPenilaian, Moderasi, NilaiPenilai, StatusLembar, Tahap

from .factories import InstansiFactory, PenggunaFactory, PeriodeFactory

RUBRIK = [Level(n, f"Level {n}") for n in range(5)]


def instrumen_kecil():
    def indikator(kode):
        return IndikatorData(kode, f"{kode}?", "", Decimal(50), list(RUBRIK), [Bukti("Dokumen")])

    return Instrumen(
        kategori=[
            KategoriData("UTAMA", "utama", "Implementasi Manajemen ASN Terbaik"),
            KategoriData("KE-1", "elemen", "Elemen Satu", "E1"),
            KategoriData("KE-2", "elemen", "Elemen Dua", "E2"),
            KategoriData("KHUSUS", "khusus", "Komitmen"),
        ],
        elemen=[
            ElemenData("E1", "Elemen Satu", Decimal(50), [indikator("I1"), indikator("I2")]),
            ElemenData("E2", "Elemen Dua", Decimal(50), [indikator("I3"), indikator("I4")]),
        ],
    )


# Levels (evaluator P, evaluator Q) per agency and indicator; see test_contoh_hitung_tangan.
LEVEL = {
    "A": {"I1": (3, 2), "I2": (2, 3), "I3": (2, 2), "I4": (3, 3)},
    "B": {"I1": (3, 3), "I2": (2, 2), "I3": (3, 2), "I4": (2, 3)},
    "C": {"I1": (0, 4), "I2": (2, 2), "I3": (4, 4), "I4": (1, 1)},
}


@pytest.fixture
def contoh(db, admin_bkn):
    """The hand-computed example, in the database, with both sheets submitted and C's I1 settled at level 1."""
    periode = PeriodeFactory(nama="BKN Award 2040", tahun=2040, dibuat_oleh=admin_bkn, tahap=Tahap.MODERASI)
    instrumen.simpan(instrumen_kecil(), periode)
    ketua = PenggunaFactory(username="ketua.contoh", peran=Peran.KETUA)
    penilai = {
        "P": PenggunaFactory(username="penilai.p", nama="Penilai P", peran=Peran.PENILAI),
        "Q": PenggunaFactory(username="penilai.q", nama="Penilai Q", peran=Peran.PENILAI),
    }
    indikator = {i.kode: i for i in periode.indikator.all()}
    peserta = {}
    for nama in LEVEL:
        instansi = InstansiFactory(nama=f"Pemerintah Kabupaten {nama}", nama_wilayah=nama)
        peserta[nama] = periode.peserta.create(instansi=instansi)
    for nama, per_indikator in LEVEL.items():
        for n, user in enumerate(penilai.values()):
            lembar = LembarPenilaian.objects.create(
                periode=periode,
                peserta=peserta[nama],
                penilai=user,
                cara="manual",
                ditugaskan_oleh=admin_bkn,
                status=StatusLembar.DIKIRIM,
            )
            NilaiPenilai.objects.bulk_create(
                NilaiPenilai(lembar=lembar, indikator=indikator[kode], level=levels[n], versi=1)
                for kode, levels in per_indikator.items()
            )
    Moderasi.objects.create(
        peserta=peserta["C"], indikator=indikator["I1"], level=1, alasan="Bukti sebagian", oleh=ketua
    )
    return periode, peserta
