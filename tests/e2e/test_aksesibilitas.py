"""Every page of every role, at desktop and at phone width: no serious or critical WCAG 2.2 AA violation.

The pages come from the permission matrix (tests/izin_data.py): every URL that answers a GET with
200 to the persona, with the arguments the matrix fills in, on the world tests/test_izin.py builds
(a period in scoring, a published one with objections, winners and certificates). A new page in
the matrix is checked here without a line of this file; a new download must be named in BERKAS.
axe itself is run by the browser context (tests/e2e/aksesibilitas.py) on every page it loads.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ..izin_data import ADMIN, ANONIM, KETUA, OPERATOR_A, PENILAI, SENDIRI, TABEL
from ..test_izin import _bangun_dunia
from .peramban import DESKTOP, PONSEL, konteks_baru, masuk_di

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# One persona per role; the conflicted evaluator and the second operator see the same templates.
PERAN = (ANONIM, ADMIN, KETUA, PENILAI, OPERATOR_A)

# GET answers that are files, not pages: nothing for axe to read.
BERKAS = {
    "healthz",
    "penilaian:instrumen_ekspor",
    "penilaian:pengisian_zip",
    "penilaian:sanggah_berkas",
    "mandiri:sanggah_berkas",
    "laporan:ekspor",
    "laporan:zip_sertifikat",
    "unduh_sertifikat",
    "bukti",
}

# htmx fragments that a page polls (its partial, swapped in place): checked inside that page, the
# ranking and the decision, which the context checks again after every swap. The header's bell is
# swapped into every page on load, its menu when opened (tests/e2e/test_notifikasi.py).
FRAGMEN = {
    "laporan:status_run",
    "laporan:kemajuan_sertifikat",
    "notifikasi:lonceng",
    "notifikasi:lonceng_menu",
}

# Pages another change is rebuilding right now; checked again once it lands (see the report).
DITUNDA = set()


def _status_get(rute, persona):
    harapan = rute.get[persona]
    return harapan[SENDIRI] if isinstance(harapan, dict) else harapan


def halaman_peran(persona):
    """The URL names of the pages ``persona`` may open (GET 200 on its own objects)."""
    return sorted(
        nama
        for nama, rute in TABEL.items()
        if _status_get(rute, persona) == 200 and nama not in BERKAS | FRAGMEN | DITUNDA
    )


def test_every_page_of_the_matrix_is_checked_for_some_role():
    """A GET page only another persona of the matrix may open would escape the browser check."""
    tercakup = {nama for persona in PERAN for nama in halaman_peran(persona)} | BERKAS | FRAGMEN | DITUNDA
    halaman = {nama for nama, rute in TABEL.items() if any(_status_get(rute, p) == 200 for p in rute.get)}

    assert halaman - tercakup == set()
    assert TABEL.keys() >= BERKAS | FRAGMEN | DITUNDA


@pytest.mark.parametrize("persona", PERAN)
def test_every_page_of_the_role_passes_axe_at_desktop_and_phone_width(browser, live_server, persona):
    dunia = _bangun_dunia()
    user = dunia.users[persona]
    for ukuran in (DESKTOP, PONSEL):
        with konteks_baru(browser, live_server, viewport=ukuran) as page:
            if user is None:
                # The sign-in form refused: its error is announced, and tied to the fields.
                page.goto(reverse("login"))
                page.get_by_label("Nama pengguna").fill("bukan.pengguna")
                page.get_by_label("Kata sandi").fill("salah-sandi")
                page.get_by_role("button", name="Masuk").click()
                expect(page.get_by_role("alert")).to_be_visible()
            else:
                masuk_di(page, user)
                # A form refused with its errors: each field's message tied to it (aria-describedby).
                page.goto(reverse("password_change"))
                page.get_by_role("button", name="Simpan kata sandi baru").click()
                expect(page.locator("[aria-invalid=true]").first).to_be_visible()

            dikunjungi = []
            for nama in halaman_peran(persona):
                rute = TABEL[nama]
                url = reverse(nama, kwargs=rute.args(dunia, persona, SENDIRI) if rute.args else None)
                response = page.goto(url)
                assert response.status == 200, f"{url} sebagai {persona}: {response.status}"
                jenis = response.headers.get("content-type", "")
                assert jenis.startswith("text/html"), (
                    f"{nama} ({url}) menjawab {jenis}: halaman berkas? tambahkan ke BERKAS di {__name__}"
                )
                assert response.text().lstrip().lower().startswith("<!doctype html>"), (
                    f"{nama} ({url}) bukan halaman utuh: fragmen htmx? tambahkan ke FRAGMEN di {__name__}"
                )
                dikunjungi.append(url)

            # The error page every role can meet; the browser logs its 404, which is the point here.
            assert page.goto("/tidak-ada-halaman-ini/").status == 404
            page.galat_konsol.remove(
                "Failed to load resource: the server responded with a status of 404 (Not Found)"
            )
            # Leave it, so that its check is waited for before the context closes.
            page.goto(reverse("tentang"))

            assert len(dikunjungi) == len(halaman_peran(persona))
            assert page.axe.jumlah_diperiksa >= len(dikunjungi)
            assert page.axe.terlewat == []  # page.goto always waits for the check of the page it leaves


def test_the_check_finds_a_violation_and_names_the_element(page, live_server):
    """The checker is not vacuous: a page with an unnamed image and a nameless field fails it."""
    buruk = (
        '<!doctype html><html lang="id"><head><title>Contoh</title></head><body><main>'
        '<h1>Contoh</h1><img src="/static/img/favicon.svg"><input type="text" id="tanpa-label">'
        "</main></body></html>"
    )
    page.route("**/contoh-buruk/", lambda route: route.fulfill(body=buruk, content_type="text/html"))
    page.goto("/contoh-buruk/")
    page.goto(reverse("tentang"))  # leaving the page waits for its check

    temuan = {(kunci[0], kunci[2]): v for kunci, v in page.axe.temuan.items()}
    assert temuan.keys() == {("/contoh-buruk/", "image-alt"), ("/contoh-buruk/", "label")}
    assert temuan["/contoh-buruk/", "label"]["node"][0]["target"] == "#tanpa-label"
    laporan = page.axe.laporan()
    assert "[critical] image-alt" in laporan
    assert "https://dequeuniversity.com/rules/axe/" in laporan
    page.axe.temuan.clear()  # found on purpose: the fixture's own check must pass
