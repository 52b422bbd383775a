"""The instrument workbook: an exact round trip, and bad workbooks rejected whole with located errors."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from penilaian import excel, instrumen, services
from penilaian.models import Indikator

from ..factories import PeriodeFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def isi(data):
    """Every sheet's cell values: what a person sees in the workbook."""
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb}


def workbook(ubah=None, hapus_sheet=None):
    """The 2023 template as a workbook, changed by ``ubah(wb)``."""
    wb = load_workbook(io.BytesIO(excel.tulis(instrumen.dari_json())))
    if hapus_sheet:
        del wb[hapus_sheet]
    if ubah:
        ubah(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def unggah(data, nama="instrumen.xlsx"):
    return SimpleUploadedFile(nama, data, content_type=XLSX)


def galat(data):
    with pytest.raises(excel.WorkbookTidakValid) as exc:
        excel.baca(io.BytesIO(data))
    return exc.value.pesan


def test_export_import_export_is_an_exact_round_trip(client_of, admin_bkn, periode):
    client = client_of(admin_bkn)
    pertama = client.get(reverse("penilaian:instrumen_ekspor", args=[periode.tahun]))
    assert pertama["Content-Type"] == XLSX
    assert pertama["Content-Disposition"] == 'attachment; filename="instrumen-bkn-award-2030.xlsx"'

    baru = PeriodeFactory(tahun=2031, dibuat_oleh=admin_bkn)
    services.impor_instrumen_excel(periode=baru, berkas=unggah(pertama.content))
    kedua = client.get(reverse("penilaian:instrumen_ekspor", args=[baru.tahun]))

    assert isi(kedua.content) == isi(pertama.content)
    assert instrumen.dari_periode(baru) == instrumen.dari_periode(periode)


def test_exported_workbook_has_readable_indonesian_headers(periode):
    sheets = isi(excel.tulis(instrumen.dari_periode(periode)))

    assert list(sheets) == ["Petunjuk", "Kategori", "Elemen", "Indikator", "Rubrik", "Bukti Dukung"]
    assert sheets["Indikator"][0] == ["Kode", "Kode Elemen", "Pertanyaan", "Panduan", "Bobot"]
    assert sheets["Rubrik"][0] == ["Kode Indikator", "Level", "Deskripsi", "Rekomendasi"]
    assert sheets["Elemen"][1] == ["E1", "Perencanaan Kebutuhan dan Mutasi Kepegawaian", 25]
    assert len(sheets["Indikator"]) == 29


def test_missing_sheet():
    assert galat(workbook(hapus_sheet="Rubrik")) == ["Sheet 'Rubrik' tidak ada di berkas."]


def test_missing_column():
    def tanpa_bobot(wb):
        wb["Indikator"]["E1"] = "Nilai"

    assert galat(workbook(tanpa_bobot)) == ["Sheet 'Indikator', baris 1: kolom 'Bobot' tidak ada."]


def test_text_where_a_number_belongs():
    def teks(wb):
        wb["Indikator"]["E3"] = "sepuluh"
        wb["Rubrik"]["B4"] = "dua"

    assert galat(workbook(teks)) == [
        "Sheet 'Indikator', baris 3, kolom 'Bobot': 'sepuluh' bukan angka.",
        "Sheet 'Rubrik', baris 4, kolom 'Level': 'dua' bukan angka.",
    ]


def test_wrong_weights_name_the_element():
    def bobot(wb):
        wb["Indikator"]["E2"] = 5
        wb["Elemen"]["C5"] = 30

    assert galat(workbook(bobot)) == [
        "Sheet 'Indikator', kolom 'Bobot': bobot indikator dalam elemen E1 (Perencanaan Kebutuhan dan Mutasi Kepegawaian) berjumlah 90, harus 100.",
        "Sheet 'Elemen', kolom 'Bobot': bobot seluruh elemen berjumlah 105, harus 100.",
    ]


def test_duplicate_codes_name_the_rows():
    def ganda(wb):
        wb["Indikator"]["A3"] = "E1.1"

    pesan = galat(workbook(ganda))
    assert "Sheet 'Indikator', baris 2, 3: kode indikator E1.1 dipakai 2 kali; kode harus unik." in pesan
    # The rubric rows of the overwritten E1.2 now point nowhere: said too.
    assert (
        "Sheet 'Rubrik', baris 7, kolom 'Kode Indikator': indikator 'E1.2' tidak ada di sheet Indikator."
        in pesan
    )


def test_unknown_references_are_located():
    def rujukan(wb):
        wb["Indikator"]["B2"] = "E9"

    assert galat(workbook(rujukan))[0] == (
        "Sheet 'Indikator', baris 2, kolom 'Kode Elemen': elemen 'E9' tidak ada di sheet Elemen."
    )


def test_descending_rubric_is_located():
    def turun(wb):
        wb["Rubrik"]["B2"], wb["Rubrik"]["B3"] = 1, 0

    assert galat(workbook(turun)) == [
        "Sheet 'Rubrik', kolom 'Level': level rubrik indikator E1.1 harus naik berurutan tanpa pengulangan "
        "(tertulis: 1, 0, 2, 3, 4)."
    ]


def test_not_a_workbook():
    assert galat(b"%PDF-1.7 bukan excel") == [
        "Berkas tidak dapat dibaca sebagai workbook Excel (.xlsx). Unggah berkas hasil ekspor instrumen."
    ]


def test_a_bad_workbook_saves_nothing(periode):
    sebelum = instrumen.dari_periode(periode)

    def rusak(wb):
        wb["Elemen"]["B2"] = "Nama baru yang tidak boleh tersimpan"
        wb["Indikator"]["E9"] = "x"

    with pytest.raises(ValidationError):
        services.impor_instrumen_excel(periode=periode, berkas=unggah(workbook(rusak)))

    assert instrumen.dari_periode(periode) == sebelum


def test_upload_page_shows_every_error_next_to_the_field(client_of, admin_bkn, periode):
    def rusak(wb):
        wb["Indikator"]["E3"] = "sepuluh"

    response = client_of(admin_bkn).post(
        reverse("penilaian:instrumen_impor", args=[periode.tahun]), {"berkas": unggah(workbook(rusak))}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Sheet &#x27;Indikator&#x27;, baris 3, kolom &#x27;Bobot&#x27;: &#x27;sepuluh&#x27; bukan angka."
        in html
    )
    assert response.context["impor_form"].errors["berkas"]
    assert Indikator.objects.filter(periode=periode).count() == 28


def test_upload_replaces_the_instrument(client_of, admin_bkn, periode):
    def ubah(wb):
        wb["Indikator"]["C2"] = "Pertanyaan baru dari Excel?"

    response = client_of(admin_bkn).post(
        reverse("penilaian:instrumen_impor", args=[periode.tahun]),
        {"berkas": unggah(workbook(ubah))},
        follow=True,
    )

    assert "Instrumen dari instrumen.xlsx dipasang: 4 elemen, 28 indikator, 87 bukti dukung." in (
        response.content.decode()
    )
    assert Indikator.objects.get(periode=periode, kode="E1.1").pertanyaan == "Pertanyaan baru dari Excel?"


def test_upload_refuses_other_file_types(client_of, admin_bkn, periode):
    response = client_of(admin_bkn).post(
        reverse("penilaian:instrumen_impor", args=[periode.tahun]),
        {"berkas": unggah(b"a,b,c", nama="instrumen.csv")},
    )

    assert response.context["impor_form"].errors["berkas"] == ["Unggah workbook Excel berakhiran .xlsx."]
