"""An admin prepares BKN Award 2030 and opens self-assessment, in a real browser."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from penilaian import excel, instrumen
from penilaian.models import Periode, Tahap

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _workbook(tmp_path, nama, ubah):
    wb = load_workbook(io.BytesIO(excel.tulis(instrumen.dari_json())))
    ubah(wb)
    path = tmp_path / nama
    wb.save(path)
    return path


def test_admin_prepares_a_period_and_opens_self_assessment(
    page, masuk, admin_bkn, instansi_a, instansi_b, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    masuk(admin_bkn)

    # A period from the 2023 template.
    page.get_by_role("link", name="Periode", exact=True).click()
    page.get_by_role("link", name="Buat periode").click()
    page.get_by_label("Nama periode").fill("BKN Award 2030")
    page.get_by_label("Tahun").fill("2030")
    page.get_by_label("Templat instrumen BKN Award 2023").check()
    page.get_by_role("button", name="Buat periode").click()
    expect(page.get_by_text("Periode BKN Award 2030 dibuat.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("BKN Award 2030")

    # A broken workbook is refused with its errors next to the field; a good one replaces the instrument.
    page.get_by_role("link", name="Instrumen", exact=True).click()
    expect(page.get_by_test_id("instrumen-valid")).to_be_visible()

    def rusak(wb):
        wb["Indikator"]["E2"] = "lima belas"

    page.get_by_label("Workbook instrumen (.xlsx)").set_input_files(_workbook(tmp_path, "rusak.xlsx", rusak))
    page.get_by_role("button", name="Impor workbook").click()
    expect(
        page.get_by_text("Sheet 'Indikator', baris 2, kolom 'Bobot': 'lima belas' bukan angka.")
    ).to_be_visible()

    def baik(wb):
        wb["Indikator"]["C2"] = "Apakah ANJAB-ABK seluruh jabatan telah ditetapkan PPK pada tahun 2030?"

    page.get_by_label("Workbook instrumen (.xlsx)").set_input_files(
        _workbook(tmp_path, "instrumen.xlsx", baik)
    )
    page.get_by_role("button", name="Impor workbook").click()
    expect(page.get_by_text("Instrumen dari instrumen.xlsx dipasang: 4 elemen, 28 indikator")).to_be_visible()
    expect(
        page.get_by_text("Apakah ANJAB-ABK seluruh jabatan telah ditetapkan PPK pada tahun 2030?")
    ).to_be_visible()

    # The timeline.
    page.get_by_role("link", name="Jadwal", exact=True).click()
    for n, tahap in enumerate(Tahap.terjadwal()):
        page.locator(f"#id_{tahap}_mulai").fill(f"2030-0{n + 1}-01T08:00")
        page.locator(f"#id_{tahap}_selesai").fill(f"2030-0{n + 1}-25T23:59")
    page.get_by_role("button", name="Simpan jadwal").click()
    expect(page.get_by_text("Jadwal tahapan disimpan.")).to_be_visible()

    # Participants: every active regency.
    page.get_by_role("link", name="Peserta", exact=True).click()
    page.get_by_label("Pemerintah Kabupaten").check()
    page.get_by_role("button", name="Tetapkan peserta").click()
    expect(page.get_by_text("Peserta ditetapkan: 2 instansi ditambahkan, 0 dikeluarkan.")).to_be_visible()
    expect(page.locator("tbody").get_by_text("Pemerintah Kabupaten Alfa")).to_be_visible()

    # Open self-assessment, after a confirmation.
    page.get_by_role("link", name="Ringkasan").click()
    page.get_by_test_id("tombol-maju").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "dari tahap Persiapan ke tahap Penilaian mandiri?"
    )
    # The timeline starts in 2030: opening now is early, and needs a confirmation and a reason.
    expect(page.get_by_test_id("tahap-lebih-awal")).to_contain_text(
        "Menurut jadwal, tahap Penilaian mandiri baru dimulai 1 Januari 2030 08.00 WIB."
    )
    page.get_by_role("button", name="Ya, buka tahap Penilaian mandiri").click()
    expect(page.get_by_text("Centang konfirmasi untuk membuka tahap sebelum jadwalnya.")).to_be_visible()
    expect(page.get_by_text("Tuliskan alasan membuka tahap lebih awal.")).to_be_visible()
    assert Periode.objects.get(tahun=2030).tahap == Tahap.PERSIAPAN
    page.get_by_label("Saya memahami bahwa tahap ini dibuka sebelum jadwalnya").check()
    page.get_by_label("Alasan membuka lebih awal").fill("Rakornas dimajukan; instansi perlu waktu lebih.")
    page.get_by_role("button", name="Ya, buka tahap Penilaian mandiri").click()

    expect(page.get_by_text("BKN Award 2030 kini berada di tahap Penilaian mandiri.")).to_be_visible()
    expect(page.get_by_text(f"Persiapan → Penilaian mandiri oleh {admin_bkn.nama}")).to_be_visible()
    expect(page.get_by_text("dibuka lebih awal (jadwal semula 1 Januari 2030 08.00 WIB)")).to_be_visible()
    expect(page.get_by_text("Alasan: Rakornas dimajukan; instansi perlu waktu lebih.")).to_be_visible()
    page.get_by_role("link", name="Instrumen", exact=True).click()
    expect(page.get_by_text("Instrumen dibekukan sejak penilaian mandiri dibuka.")).to_be_visible()
    expect(page.get_by_role("button", name="Impor workbook")).to_have_count(0)
    assert Periode.objects.get(tahun=2030).tahap == Tahap.PENILAIAN_MANDIRI
