"""Real Chromium, driven by Playwright, against pytest-django's live server.

A missing Chromium or axe-core fails the tests (it never skips them): CI installs both.
"""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from laporan import services as laporan_services
from laporan.models import RunPeringkat
from penilaian import services as penilaian_services
from penilaian.models import Tahap

from ..factories import KATA_SANDI
from .peramban import konteks_baru

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium tidak ditemukan ({path}); pasang dengan 'apt-get install -y chromium'.")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context: console errors and axe's WCAG violations fail the test (peramban.py)."""
    with konteks_baru(browser, live_server) as page:
        yield page


@pytest.fixture
def masuk(page):
    """masuk(user): sign in through the login form, as a person would."""

    def _masuk(user, password=KATA_SANDI):
        page.goto("/akun/masuk/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()
        return page

    return _masuk


@pytest.fixture
def periode_penetapan(contoh, admin_bkn):
    """BKN Award 2040 ranked once and moved to the Penetapan stage, with a signer: (periode, snapshot id, peserta)."""
    periode, peserta = contoh
    snapshot_id = laporan_services.jalankan_run(
        run_id=RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn).pk
    )
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin_bkn)
    periode.penandatangan_nama = "Dr. Contoh Penandatangan"
    periode.save()
    return periode, snapshot_id, peserta
