"""The admin and the panel chair open a period's dashboard: charts as images with alt text, their tables beside."""

import re

import pytest
from playwright.sync_api import expect

from ..laporan.test_dasbor import _isi, _penilai, _periode, _snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_opens_the_dashboard_and_reads_charts_and_tables(page, masuk, admin_bkn):
    periode = _periode(admin_bkn)
    _isi(
        periode,
        admin_bkn,
        jumlah_instansi=12,
        penilai={_penilai("Penilai Longgar"): 1, _penilai("Penilai Biasa"): 0},
    )
    _snapshot(periode, admin_bkn)
    masuk(admin_bkn)

    page.goto(f"/periode/{periode.tahun}/")
    page.get_by_role("link", name="Dasbor", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dasbor — {periode.nama}")
    grafik = page.get_by_test_id("grafik")
    expect(grafik).to_have_count(5)
    for n in range(5):
        expect(grafik.nth(n)).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    expect(
        page.get_by_role("img", name="12 dari 12 instansi telah mengirim penilaian mandiri", exact=False)
    ).to_be_visible()
    # Every image has drawn (a refused or broken SVG has no natural width).
    assert page.evaluate("Array.from(document.images).filter(i => i.alt).every(i => i.naturalWidth > 0)")

    panel = page.get_by_test_id("panel-kelonggaran")
    panel.get_by_text("Angka grafik ini (tabel)").click()
    baris = panel.get_by_role("row", name="Penilai Longgar")
    expect(baris).to_contain_text("+1,00")
    expect(baris).to_contain_text("48")  # cells compared: 12 agencies × 4 indicators


def test_chair_reaches_the_dashboard_from_home(page, masuk, admin_bkn, ketua):
    periode = _periode(admin_bkn)
    masuk(ketua)

    page.goto("/")
    page.get_by_test_id("tautan-dasbor").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dasbor — {periode.nama}")
    expect(page.get_by_text("Belum ada perhitungan peringkat.").first).to_be_visible()
