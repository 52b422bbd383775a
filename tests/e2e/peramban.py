"""Browser helpers: a fresh context (every page of the browser tests comes from one), a sign-in."""

from contextlib import contextmanager

from ..factories import KATA_SANDI
from .aksesibilitas import Axe

DESKTOP = {"width": 1280, "height": 900}
PONSEL = {"width": 390, "height": 844}


@contextmanager
def konteks_baru(browser, live_server, viewport=DESKTOP):
    """A fresh, signed-out browser context and its page.

    Any console error (a CSP violation lands there) fails the test, and so does a serious or
    critical WCAG 2.2 AA violation that axe finds on any page the context showed.
    """
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=viewport)
    context.set_default_timeout(10_000)
    axe = Axe()
    axe.pasang(context)
    halaman = context.new_page()
    galat = []
    halaman.on("pageerror", lambda exc: galat.append(str(exc)))
    halaman.on("console", lambda msg: galat.append(msg.text) if msg.type == "error" else None)
    halaman.axe = axe
    halaman.galat_konsol = galat  # a test that opens a missing page on purpose takes its 404 out
    try:
        yield halaman
        axe.periksa_akhir(context)
    finally:
        context.close()
    assert galat == [], f"Galat di konsol peramban: {galat}"
    axe.pastikan_bersih()


def masuk_di(halaman, user):
    halaman.goto("/akun/masuk/")
    halaman.get_by_label("Nama pengguna").fill(user.username)
    halaman.get_by_label("Kata sandi").fill(KATA_SANDI)
    halaman.get_by_role("button", name="Masuk").click()
    halaman.wait_for_load_state()
