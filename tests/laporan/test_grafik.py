"""The charts: SVG drawn by matplotlib, the same bytes for the same numbers, and their numbers as table rows."""

import base64
import re
from datetime import date

from laporan import grafik


def _teks(svg):
    """Text is drawn as paths (svg.fonttype = "path"): no <text> element and no font needed at the client."""
    return "<text" in svg


def test_self_assessment_chart_is_svg_and_rows_cumulate():
    g = grafik.kemajuan_mandiri(
        [date(2041, 3, 1), date(2041, 3, 3)], [2, 5], total=10, tenggat=date(2041, 3, 5)
    )

    assert g.svg.lstrip().startswith("<?xml")
    assert "<svg" in g.svg
    assert not _teks(g.svg)
    assert g.baris == [("01-03-2041", 2, 2), ("03-03-2041", 5, 7)]
    assert "7 dari 10 instansi" in g.judul
    assert "tenggat 05-03-2041" in g.judul


def test_same_numbers_give_the_same_bytes():
    def gambar():
        return grafik.kelonggaran(["Penilai A", "Penilai B"], [1.0, -1.0], [True, False], [8, 8]).svg

    assert gambar() == gambar()
    assert "Date" not in gambar()


def test_data_uri_carries_the_svg():
    g = grafik.kemajuan_penilai(["Penilai A"], [1], [4])

    awalan = "data:image/svg+xml;base64,"
    assert g.data_uri.startswith(awalan)
    assert base64.b64decode(g.data_uri[len(awalan) :]).decode() == g.svg


def test_evaluator_progress_rows_match_the_bars():
    g = grafik.kemajuan_penilai(["Penilai A", "Penilai B"], [1, 3], [4, 3])

    assert g.kolom == ("Penilai", "Ditugaskan", "Dikirim", "Persen dikirim")
    assert g.baris == [("Penilai A", 4, 1, "25%"), ("Penilai B", 3, 3, "100%")]
    # One outlined bar per evaluator for the assigned sheets, one hatched for the submitted ones.
    assert len(re.findall(r'id="patch_\d+"', g.svg)) >= 4
    assert "pattern" in g.svg  # the hatching: reads without colour


def test_box_plot_rows_hold_the_quartiles():
    g = grafik.sebaran_kelompok(
        [("Pemerintah Kabupaten", [50, 60, 70, 80]), ("Kosong", []), ("Kota", [40.5])]
    )

    assert g.baris == [
        ("Pemerintah Kabupaten", 4, "50,00", "57,50", "65,00", "72,50", "80,00"),
        ("Kota", 1, "40,50", "40,50", "40,50", "40,50", "40,50"),
    ]


def test_leniency_rows_sign_and_flag():
    g = grafik.kelonggaran(["A", "B", "C"], [1.0, -0.5, 0.0], [True, False, False], [8, 8, 4])

    assert g.baris == [("A", 8, "+1,00", "Ya"), ("B", 8, "−0,50", "Tidak"), ("C", 4, "0,00", "Tidak")]
    assert "pencilan: A" in g.judul


def test_reliability_rows_show_missing_figures_as_dash():
    g = grafik.reliabilitas(["E1 Elemen Satu", "Nilai total"], [0.5, None], [0.4, None])

    assert g.kolom == ("Elemen", "ICC(1,1)", "Alpha Krippendorff")
    assert g.baris == [("E1 Elemen Satu", "0,50", "0,40"), ("Nilai total", "—", "—")]
