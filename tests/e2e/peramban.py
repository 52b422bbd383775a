"""Browser helpers shared by the journeys that switch between users: a fresh context, a sign-in."""

from contextlib import contextmanager

from ..factories import KATA_SANDI


@contextmanager
def konteks_baru(browser, live_server):
    """A fresh, signed-out browser context; like the `page` fixture, any console error fails the test."""
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    halaman = context.new_page()
    galat = []
    halaman.on("pageerror", lambda exc: galat.append(str(exc)))
    halaman.on("console", lambda msg: galat.append(msg.text) if msg.type == "error" else None)
    try:
        yield halaman
    finally:
        context.close()
    assert galat == [], f"Galat di konsol peramban: {galat}"


def masuk_di(halaman, user):
    halaman.goto("/akun/masuk/")
    halaman.get_by_label("Nama pengguna").fill(user.username)
    halaman.get_by_label("Kata sandi").fill(KATA_SANDI)
    halaman.get_by_role("button", name="Masuk").click()
    halaman.wait_for_load_state()
