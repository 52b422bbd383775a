"""The rules every instrument obeys, and the BKN Award 2023 template."""

import copy
from decimal import Decimal

import pytest

from penilaian import instrumen
from penilaian.instrumen import Level


@pytest.fixture
def templat():
    return instrumen.dari_json()


def test_2023_template_is_valid_and_complete(templat):
    assert instrumen.validasi(templat) == []
    assert [k.nama for k in templat.kategori] == [
        "Implementasi Manajemen ASN Terbaik",
        "Perencanaan Kebutuhan dan Mutasi Kepegawaian",
        "Pengembangan Kompetensi",
        "Implementasi Penerapan Manajemen Kinerja",
        "Penerapan Pemanfaatan Data – Sistem Informasi dan CAT",
        "Komitmen Peningkatan Pelayanan Kepegawaian BKN",
    ]
    assert [k.jenis for k in templat.kategori] == ["utama", "elemen", "elemen", "elemen", "elemen", "khusus"]
    for elemen in templat.elemen:
        assert len(elemen.indikator) >= 6
        for indikator in elemen.indikator:
            assert [r.level for r in indikator.rubrik] == [0, 1, 2, 3, 4]
            assert indikator.bukti_dukung


def test_element_weights_must_sum_to_100(templat):
    templat.elemen[0].bobot = Decimal(20)

    assert instrumen.validasi(templat) == ["bobot seluruh elemen berjumlah 95, harus 100."]


def test_indicator_weights_inside_an_element_must_sum_to_100(templat):
    templat.elemen[1].indikator[0].bobot = Decimal("12.5")

    assert instrumen.validasi(templat) == [
        "bobot indikator dalam elemen E2 (Pengembangan Kompetensi) berjumlah 97.5, harus 100."
    ]


def test_weights_must_be_positive(templat):
    e1 = templat.elemen[0].indikator
    e1[0].bobot, e1[1].bobot = Decimal(0), Decimal(30)

    assert instrumen.validasi(templat) == ["bobot indikator E1.1 harus lebih dari 0."]


def test_indicator_codes_are_unique(templat):
    templat.elemen[2].indikator[0].kode = "E1.1"

    assert instrumen.validasi(templat) == ["kode indikator E1.1 dipakai 2 kali; kode harus unik."]


def test_element_codes_are_unique(templat):
    extra = copy.deepcopy(templat.elemen[0])
    extra.bobot = Decimal("0.01")
    templat.elemen.append(extra)

    assert "kode elemen E1 dipakai 2 kali; kode harus unik." in instrumen.validasi(templat)


def test_rubric_needs_at_least_two_levels(templat):
    templat.elemen[0].indikator[3].rubrik = [Level(level=4, deskripsi="Lengkap")]

    assert instrumen.validasi(templat) == [
        "rubrik indikator E1.4 harus memiliki sedikitnya dua level (sekarang 1)."
    ]


@pytest.mark.parametrize("levels", [[0, 2, 1, 3, 4], [0, 1, 1, 2, 3]])
def test_rubric_levels_must_ascend(templat, levels):
    for level, nilai in zip(templat.elemen[3].indikator[0].rubrik, levels, strict=True):
        level.level = nilai

    assert instrumen.validasi(templat) == [
        "level rubrik indikator E4.1 harus naik berurutan tanpa pengulangan "
        f"(tertulis: {', '.join(map(str, levels))})."
    ]


def test_every_rubric_level_has_a_description(templat):
    templat.elemen[0].indikator[0].rubrik[2].deskripsi = " "

    assert instrumen.validasi(templat) == ["level 2 rubrik indikator E1.1 belum memiliki deskripsi."]


def test_an_indicator_needs_a_question(templat):
    templat.elemen[0].indikator[0].pertanyaan = ""

    assert instrumen.validasi(templat) == ["indikator E1.1 belum memiliki pertanyaan."]


def test_exactly_one_main_category(templat):
    templat.kategori = [k for k in templat.kategori if k.jenis != "utama"]

    assert instrumen.validasi(templat) == ["Instrumen harus memiliki tepat satu kategori utama (sekarang 0)."]


def test_each_element_is_ranked_by_one_element_category(templat):
    templat.kategori = [k for k in templat.kategori if k.kode != "KE-3"]

    assert instrumen.validasi(templat) == [
        "Elemen E3 (Implementasi Penerapan Manajemen Kinerja) harus diperingkat oleh tepat satu kategori elemen (sekarang 0)."
    ]


def test_an_element_category_names_an_existing_element(templat):
    templat.kategori[1].elemen = "E9"

    assert instrumen.validasi(templat) == [
        "kategori KE-1 menyebut elemen E9 yang tidak ada.",
        "Elemen E1 (Perencanaan Kebutuhan dan Mutasi Kepegawaian) harus diperingkat oleh tepat satu kategori elemen (sekarang 0).",
    ]


def test_an_element_needs_indicators(templat):
    templat.elemen[0].indikator = []

    assert "elemen E1 (Perencanaan Kebutuhan dan Mutasi Kepegawaian) belum memiliki indikator." in (
        instrumen.validasi(templat)
    )


@pytest.mark.django_db
def test_saved_instrument_reads_back_the_same(periode, templat):
    assert instrumen.dari_periode(periode) == templat
