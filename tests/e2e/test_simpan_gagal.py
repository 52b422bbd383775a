"""Autosaves that fail, in a real browser: shown beside the fields, sent again, stored once.

The failures are made by the browser's network (``page.route``): an answer lost after
the server stored the save, and a server that cannot be reached at all. The browser
logs each failed request as a console error, and htmx logs its error events there too;
those, and only those, are taken out of the console errors that fail a test.
"""

import re
import time
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from penilaian import services
from penilaian.models import JawabanMandiri, JenisRiwayat, NilaiPenilai, RiwayatNilai

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MENCOBA_LAGI = "Gagal menyimpan — mencoba lagi…"
TERTUNDA = (
    "Gagal menyimpan: server belum dapat dihubungi. Isian Anda masih di formulir dan terus dicoba disimpan."
)
MEMANCING_PERINGATAN = "() => !window.dispatchEvent(new Event('beforeunload', {cancelable: true}))"


@pytest.fixture
def lembar_alfa(periode_verifikasi, peserta_a, penilai, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)


def _tunggu(page, kondisi, pesan, batas=10):
    """Let the page run until ``kondisi()`` holds (Playwright delivers its events meanwhile)."""
    akhir = time.monotonic() + batas
    while not kondisi():
        assert time.monotonic() < akhir, pesan
        page.wait_for_timeout(50)


def _isian(request):
    """An autosave request's form fields, one value each."""
    return {k: v[0] for k, v in parse_qs(request.post_data, keep_blank_values=True).items()}


def _izinkan_galat_konsol(page, *pola):
    """Take the console errors of the failures the test made out of the list that fails it.

    Each pattern must have matched at least once: the failure did happen, and was logged.
    """
    for p in pola:
        cocok = [g for g in page.galat_konsol if re.fullmatch(p, g)]
        assert cocok, f"tidak ada galat konsol {p!r} di antara {page.galat_konsol}"
        for g in cocok:
            page.galat_konsol.remove(g)


def test_a_score_stored_but_answered_500_is_shown_retried_and_stored_once(
    page, masuk, live_server, penilai, lembar_alfa
):
    url_simpan = reverse("penilai:simpan_nilai", args=[lembar_alfa.pk, "E1.1"])
    dikirim, ditahan = [], []

    def jaringan(route, request):
        dikirim.append(_isian(request))
        if len(dikirim) == 1:
            # The server stores the score; its answer is lost on the way back (a proxy, a dropped
            # connection after the commit): the browser gets a 500.
            assert route.fetch().status == 200
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>")
        else:
            ditahan.append(route)  # the retry waits until the page has been looked at

    page.route(f"**{url_simpan}", jaringan)
    masuk(penilai)
    page.goto(reverse("penilai:lembar", args=[lembar_alfa.pk]))
    form = page.get_by_test_id("form-nilai-E1.1")
    form.get_by_role("radio", name="2", exact=True).check()

    # The failure is shown beside the fields, and read out; the choice stays; nothing says saved.
    gagal = form.get_by_test_id("gagal-simpan")
    expect(gagal).to_contain_text(MENCOBA_LAGI)
    expect(form.get_by_role("alert")).to_contain_text(MENCOBA_LAGI)
    expect(gagal.get_by_role("button", name="Coba lagi")).to_be_hidden()
    expect(form.get_by_test_id("tersimpan")).to_have_count(0)
    expect(form.get_by_role("radio", name="2", exact=True)).to_be_checked()

    # The retry goes by itself, with the same edit: values, version and key.
    _tunggu(page, lambda: ditahan, f"simpan ulang tidak terkirim: {dikirim}")
    pertama, ulang = dikirim
    assert (pertama["level"], pertama["versi"]) == ("2", "0")
    assert ulang == pertama
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ulang["kunci"]
    )
    # Until it is answered, leaving the page asks first.
    assert page.evaluate(MEMANCING_PERINGATAN) is True

    # The server finds the edit applied already: saved, not "changed in another tab", not twice.
    ditahan[0].continue_()
    expect(form.get_by_test_id("tersimpan")).to_contain_text(re.compile(r"Tersimpan \d\d\.\d\d\.\d\d"))
    expect(gagal).to_have_count(0)
    expect(form.get_by_test_id("galat-simpan")).to_have_count(0)
    expect(page.locator(f"#versi-{lembar_alfa.periode.indikator.get(kode='E1.1').pk}")).to_have_value("1")
    assert page.evaluate(MEMANCING_PERINGATAN) is False
    assert len(dikirim) == 2
    nilai = NilaiPenilai.objects.get(lembar=lembar_alfa, indikator__kode="E1.1")
    assert (nilai.level, nilai.versi, str(nilai.kunci_simpan)) == (2, 1, pertama["kunci"])
    riwayat = RiwayatNilai.objects.filter(lembar=lembar_alfa, jenis=JenisRiwayat.NILAI)
    assert list(riwayat.values_list("indikator__kode", "level_lama", "level_baru")) == [("E1.1", None, 2)]

    _izinkan_galat_konsol(
        page,
        r"Failed to load resource: the server responded with a status of 500 \(Internal Server Error\)",
        rf"Response Status Error Code 500 from {re.escape(url_simpan)}.*",
    )


def test_an_answer_that_cannot_reach_the_server_stays_is_retried_and_offers_coba_lagi(
    page, masuk, operator_a, peserta_a
):
    url_simpan = reverse("mandiri:simpan_jawaban", args=[2030, "E1.1"])
    awal = "SK ANJAB-ABK ditetapkan Bupati pada 2029."
    lengkap = f"{awal} Seluruh jabatan tercakup."
    dikirim = []

    def jaringan(route, request):
        dikirim.append(_isian(request))
        if len(dikirim) <= 3:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**{url_simpan}", jaringan)
    masuk(operator_a)
    page.goto(reverse("mandiri:indikator", args=[2030, "E1.1"]))
    form = page.get_by_test_id("form-jawaban")
    penjelasan = form.get_by_label("Penjelasan")
    penjelasan.fill(awal)

    gagal = form.get_by_test_id("gagal-simpan")
    expect(gagal).to_contain_text(MENCOBA_LAGI)
    # Typed while the save fails: kept in the form, and sent once the earlier edit is answered.
    penjelasan.fill(lengkap)

    # After three attempts: still trying, and a button to try at once.
    tombol = gagal.get_by_role("button", name="Coba lagi")
    expect(tombol).to_be_visible()
    expect(gagal).to_contain_text(TERTUNDA)
    expect(penjelasan).to_have_value(lengkap)
    expect(form.get_by_test_id("jawaban-tersimpan")).to_have_count(0)
    assert len(dikirim) == 3
    assert page.evaluate(MEMANCING_PERINGATAN) is True
    # axe checks the page after each htmx swap; this state came without one, so ask for its check.
    page.evaluate("() => document.dispatchEvent(new Event('htmx:afterSettle'))")

    tombol.click()
    expect(form.get_by_test_id("jawaban-tersimpan")).to_contain_text(
        re.compile(r"Tersimpan \d\d\.\d\d\.\d\d")
    )
    expect(page.locator("#id_versi")).to_have_value("2")
    expect(gagal).to_have_count(0)
    assert page.evaluate(MEMANCING_PERINGATAN) is False

    # The first edit went four times with one key and one version, and was stored once (version 1);
    # what was typed meanwhile went after it, as a new edit on version 1.
    pertama = [d for d in dikirim if d["penjelasan"] == awal]
    sesudahnya = [d for d in dikirim if d["penjelasan"] == lengkap]
    assert dikirim[:4] == pertama == [pertama[0]] * 4
    assert pertama[0]["versi"] == "0"
    assert sesudahnya
    assert len(pertama) + len(sesudahnya) == len(dikirim)
    assert sesudahnya[0]["versi"] == "1"
    assert pertama[0]["kunci"] not in {d["kunci"] for d in sesudahnya}
    jawaban = JawabanMandiri.objects.get(peserta=peserta_a, indikator__kode="E1.1")
    assert (jawaban.penjelasan, jawaban.versi) == (lengkap, 2)

    _izinkan_galat_konsol(
        page,
        r"Failed to load resource: net::ERR_INTERNET_DISCONNECTED",
        r"htmx:sendError.*",
        r"htmx:afterRequest.*",
    )
