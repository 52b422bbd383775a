"""The admin ranks BKN Award 2040 on a real Celery worker, watches its progress and reads the table, in a real browser."""

import os
import re
import signal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from laporan.models import Snapshot, StatusRun

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAHAP = (
    "Memuat nilai penilai",
    "Menghitung nilai indikator",
    "Menyusun peringkat per kelompok",
    "Menghitung reliabilitas panel",
    "Menyimpan snapshot",
)
# The status block while the worker computes: data-testid="tahap-run" then data-testid="persen-run", a
# percentage strictly between 0 and 100, e.g. "Menghitung nilai indikator20%". Matched in one go, so the
# page cannot reload between reading the stage and reading the percentage.
SEDANG_DIHITUNG = re.compile("(" + "|".join(TAHAP) + r")\s*[1-9][0-9]?%")
SERI = "Seri — untuk panel"


def _kolom(tabel, n):
    return tabel.locator(f"tbody tr td:nth-child({n})")


def test_admin_ranks_a_period_and_reads_the_table(page, masuk, admin_bkn, contoh, jalankan_worker, tmp_path):
    worker = jalankan_worker(jeda=1)  # every stage pauses a second: the progress can be watched
    masuk(admin_bkn)

    page.goto("/peringkat/2040/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Peringkat — BKN Award 2040")
    expect(page.get_by_test_id("belum-ada-snapshot")).to_contain_text(
        "Belum ada snapshot peringkat untuk periode ini."
    )
    expect(page.get_by_test_id("tabel-peringkat")).to_have_count(0)
    tombol = page.get_by_role("button", name="Hitung peringkat")
    expect(tombol).to_be_enabled()

    # The run is queued; the page shows its progress while the worker computes.
    tombol.click()
    expect(page.get_by_text("Perhitungan peringkat dimulai; kemajuannya tampil di bawah.")).to_be_visible()
    expect(page.get_by_role("button", name="Hitung peringkat")).to_be_disabled()
    expect(page.get_by_test_id("belum-ada-snapshot")).to_have_count(0)
    status = page.get_by_test_id("status-run")
    try:
        expect(status).to_contain_text(SEDANG_DIHITUNG, timeout=30_000)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nWorker:\n{''.join(worker.keluaran[-30:])}") from None

    # Finished: the page reloads itself and shows the newest snapshot, main category, regencies.
    tabel = page.get_by_test_id("tabel-peringkat")
    try:
        expect(tabel).to_be_visible(timeout=40_000)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nWorker:\n{''.join(worker.keluaran[-30:])}") from None
    expect(page.get_by_test_id("tahap-run")).to_have_count(0)
    expect(page.get_by_role("button", name="Hitung peringkat")).to_be_enabled()

    snapshot = Snapshot.objects.select_related("run").get()
    assert snapshot.run.status == StatusRun.SELESAI
    assert snapshot.run.persen == 100
    expect(page.get_by_test_id("info-snapshot")).to_contain_text(
        re.compile(rf"^Snapshot .+ oleh Admin Uji · masukan {snapshot.digest[:12]}…$")
    )
    expect(page.get_by_role("link", name="Implementasi Manajemen ASN Terbaik")).to_have_class(
        re.compile(r"\bactive\b")
    )
    expect(page.locator("#kelompok option:checked")).to_have_text("Pemerintah Kabupaten (3)")
    expect(tabel.locator("thead th")).to_have_text(
        ["Peringkat", "Instansi", "Nilai", "E1", "E2", "Lembar", "Catatan", "Predikat"]
    )
    expect(_kolom(tabel, 1)).to_have_text(["1", "1", "3"])
    expect(_kolom(tabel, 1).first).to_have_class(re.compile(r"\bfw-bold\b"))
    expect(_kolom(tabel, 2)).to_have_text(
        ["Pemerintah Kabupaten A", "Pemerintah Kabupaten B", "Pemerintah Kabupaten C"]
    )
    expect(_kolom(tabel, 3)).to_have_text(
        ["62,5000", "62,5000", "50,00"]
    )  # a tie to four decimals, the rest to two
    expect(_kolom(tabel, 4)).to_have_text(["62,5000", "62,5000", "37,50"])  # E1
    expect(_kolom(tabel, 5)).to_have_text(["62,5000", "62,5000", "62,50"])  # E2
    expect(_kolom(tabel, 6)).to_have_text(["2", "2", "2"])  # Lembar
    baris = tabel.locator("tbody tr")
    expect(baris.nth(0).get_by_text(SERI)).to_be_visible()
    expect(baris.nth(1).get_by_text(SERI)).to_be_visible()
    expect(baris.nth(2).get_by_text(SERI)).to_have_count(0)
    expect(baris.nth(2)).to_contain_text("1 moderasi")
    expect(page.get_by_test_id("reliabilitas")).to_contain_text("Nilai total")

    # The Excel export: one sheet per ranked category.
    with page.expect_download() as unduhan:
        page.get_by_role("link", name="Unduh Excel").click()
    berkas = unduhan.value
    assert berkas.suggested_filename.startswith("peringkat-bkn-award-2040-")
    assert berkas.suggested_filename.endswith(".xlsx")
    path = tmp_path / berkas.suggested_filename
    berkas.save_as(path)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Parameter", "UTAMA", "KE-1", "KE-2"]
    utama = [r[:5] for r in wb["UTAMA"].iter_rows(min_row=2, values_only=True)]
    assert [(r[1], r[3], r[4]) for r in utama] == [
        (1, "Pemerintah Kabupaten A", 62.5),
        (1, "Pemerintah Kabupaten B", 62.5),
        (3, "Pemerintah Kabupaten C", 50.0),
    ]
    wb.close()

    # Elemen Dua: all equal; C has an indicator at the top level and comes first, A and B share rank 2.
    page.get_by_role("link", name="Elemen Dua").click()
    expect(page.get_by_role("link", name="Elemen Dua")).to_have_class(re.compile(r"\bactive\b"))
    expect(_kolom(tabel, 1)).to_have_text(["1", "2", "2"])
    expect(_kolom(tabel, 2)).to_have_text(
        ["Pemerintah Kabupaten C", "Pemerintah Kabupaten A", "Pemerintah Kabupaten B"]
    )
    expect(_kolom(tabel, 3)).to_have_text(["62,5000", "62,5000", "62,5000"])
    expect(baris.nth(0)).to_contain_text("Ditentukan pemecah seri")
    expect(baris.nth(1).get_by_text(SERI)).to_be_visible()
    expect(baris.nth(2).get_by_text(SERI)).to_be_visible()

    assert Snapshot.objects.count() == 1


def test_a_run_whose_worker_dies_shows_stopped_and_starts_again_from_the_page(
    page, masuk, admin_bkn, contoh, jalankan_worker, settings
):
    settings.PERINGKAT_BATAS_DIAM_DETIK = 3  # the page's poll and the test server read it
    worker = jalankan_worker(jeda=1.5, PERINGKAT_DETAK_DETIK="0.3")
    masuk(admin_bkn)
    page.goto("/peringkat/2040/")
    tombol = page.get_by_role("button", name="Hitung peringkat")
    tombol.click()
    status = page.get_by_test_id("status-run")
    expect(status).to_contain_text(SEDANG_DIHITUNG, timeout=30_000)

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)

    # The page notices the silence by itself, says what happened, and frees the button.
    expect(status.get_by_role("alert")).to_contain_text(
        "Worker berhenti di tengah perhitungan (tanpa kabar selama 3 detik); tidak ada snapshot yang tersimpan.",
        timeout=20_000,
    )
    expect(tombol).to_be_enabled()
    assert not Snapshot.objects.exists()

    # Started again from the page, on a worker that lives: the table.
    jalankan_worker()
    tombol.click()
    expect(page.get_by_test_id("tabel-peringkat")).to_be_visible(timeout=40_000)
    assert Snapshot.objects.count() == 1
