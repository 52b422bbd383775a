"""Improvement recommendations in the instrument: the 2023 template, the workbook round trip, copies, the admin page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from penilaian import excel, instrumen, services
from penilaian.models import LevelRubrik

from ..factories import PeriodeFactory

pytestmark = pytest.mark.django_db


def _workbook(ubah):
    """The 2023 template as a workbook, changed by ``ubah(wb)``, as .xlsx bytes."""
    wb = load_workbook(io.BytesIO(excel.tulis(instrumen.dari_json())))
    ubah(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rekomendasi(data):
    """{(kode indikator, level): rekomendasi} of an instrument."""
    return {(i.kode, r.level): r.rekomendasi for i in data.semua_indikator for r in i.rubrik}


def test_2023_template_has_a_specific_recommendation_for_every_level():
    templat = instrumen.dari_json()
    rekomendasi = _rekomendasi(templat)

    assert len(templat.semua_indikator) == 28
    assert len(rekomendasi) == 140
    assert all(len(teks) >= 60 for teks in rekomendasi.values())
    # Each level says something of its own: no text is reused across levels or indicators.
    assert len(set(rekomendasi.values())) == 140
    assert rekomendasi[("E1.1", 1)].startswith("Lengkapi ANJAB-ABK untuk jabatan fungsional dan pelaksana")
    assert "CAT BKN" in rekomendasi[("E4.5", 1)]
    # The highest level says how to keep it up.
    assert all(rekomendasi[(i.kode, 4)].startswith("Pertahankan") for i in templat.semua_indikator)


def test_the_workbook_round_trip_keeps_the_recommendations():
    templat = instrumen.dari_json()

    dibaca = excel.baca(io.BytesIO(excel.tulis(templat)))

    assert _rekomendasi(dibaca) == _rekomendasi(templat)
    wb = load_workbook(io.BytesIO(excel.tulis(templat)))
    assert [c.value for c in wb["Rubrik"][1]] == ["Kode Indikator", "Level", "Deskripsi", "Rekomendasi"]
    assert wb["Rubrik"]["D3"].value == _rekomendasi(templat)[("E1.1", 1)]
    petunjuk = " ".join(str(c.value) for c in wb["Petunjuk"]["A"] if c.value)
    assert "kolom Rekomendasi (boleh kosong)" in petunjuk


def test_an_old_workbook_without_the_column_still_imports_with_empty_recommendations(admin_bkn):
    data = _workbook(lambda wb: wb["Rubrik"].delete_cols(4))
    periode = PeriodeFactory(tahun=2035, dibuat_oleh=admin_bkn)

    dibaca = excel.baca(io.BytesIO(data))
    services.impor_instrumen_excel(periode=periode, berkas=io.BytesIO(data))

    assert set(_rekomendasi(dibaca).values()) == {""}
    assert LevelRubrik.objects.filter(indikator__periode=periode).count() == 140
    assert not LevelRubrik.objects.filter(indikator__periode=periode).exclude(rekomendasi="").exists()


def test_a_blank_recommendation_cell_imports_as_empty_and_the_rest_are_kept():
    def kosongkan(wb):
        wb["Rubrik"]["D2"] = None
        wb["Rubrik"]["D3"] = "   "

    dibaca = _rekomendasi(excel.baca(io.BytesIO(_workbook(kosongkan))))

    assert dibaca[("E1.1", 0)] == dibaca[("E1.1", 1)] == ""
    assert dibaca[("E1.1", 2)] == _rekomendasi(instrumen.dari_json())[("E1.1", 2)]


def test_the_recommendation_column_may_come_in_any_order():
    def tukar(wb):
        ws = wb["Rubrik"]
        for row in ws.iter_rows():
            row[2].value, row[3].value = row[3].value, row[2].value

    dibaca = excel.baca(io.BytesIO(_workbook(tukar)))

    assert _rekomendasi(dibaca) == _rekomendasi(instrumen.dari_json())
    assert dibaca.elemen[0].indikator[0].rubrik[0].deskripsi.startswith("Instansi belum menyusun ANJAB-ABK")


def test_loading_the_template_saves_the_recommendations(periode):
    level = LevelRubrik.objects.get(indikator__periode=periode, indikator__kode="E1.1", level=1)

    assert level.rekomendasi == _rekomendasi(instrumen.dari_json())[("E1.1", 1)]
    assert _rekomendasi(instrumen.dari_periode(periode)) == _rekomendasi(instrumen.dari_json())


def test_copying_an_instrument_keeps_the_recommendations(client_of, admin_bkn, periode):
    LevelRubrik.objects.filter(indikator__periode=periode, indikator__kode="E2.3", level=2).update(
        rekomendasi="Rekomendasi yang diubah admin."
    )
    baru = PeriodeFactory(tahun=2031, dibuat_oleh=admin_bkn)

    response = client_of(admin_bkn).post(
        reverse("penilaian:instrumen_salin", args=[baru.tahun]), {"dari": periode.pk}
    )

    assert response.status_code == 302
    assert _rekomendasi(instrumen.dari_periode(baru)) == _rekomendasi(instrumen.dari_periode(periode))
    assert (
        LevelRubrik.objects.get(indikator__periode=baru, indikator__kode="E2.3", level=2).rekomendasi
        == "Rekomendasi yang diubah admin."
    )


def test_the_instrument_page_shows_each_levels_recommendation(client_of, admin_bkn, periode):
    html = client_of(admin_bkn).get(reverse("penilaian:instrumen", args=[periode.tahun])).content.decode()

    templat = _rekomendasi(instrumen.dari_json())
    assert html.count('data-testid="rekomendasi-level"') == 140
    assert templat[("E1.1", 1)] in html
    assert templat[("E4.7", 4)] in html
