"""A visitor holding the verification page open sees a revocation at once, in a real browser.

The public pages are served from each process's copy (bkn_award/halaman_publik.py); the copy a
visitor was given before must not outlive the admin's revocation.
"""

import pytest
from playwright.sync_api import expect

from laporan import services
from laporan.models import Sertifikat
from laporan.services import sertifikat as layanan_sertifikat

from .peramban import konteks_baru

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

A = "Pemerintah Kabupaten A"
ALASAN = "Diterbitkan atas data SIASN yang kemudian dikoreksi."


@pytest.fixture
def terbit(periode_penetapan, admin_bkn):
    """BKN Award 2040 published, its certificates rendered."""
    periode, snapshot_id, peserta = periode_penetapan
    penetapan = services.buat_penetapan(
        periode=periode, snapshot=periode.snapshot.get(pk=snapshot_id), jumlah_peringkat=3, oleh=admin_bkn
    )
    penetapan = services.setujui(penetapan=penetapan, oleh=admin_bkn)
    for s in Sertifikat.objects.filter(penghargaan__penetapan=penetapan):
        layanan_sertifikat.render(sertifikat_id=s.pk)
    services.umumkan(penetapan=penetapan)
    return Sertifikat.objects.get(penghargaan__peserta=peserta["A"], penghargaan__kategori__kode="UTAMA")


def test_a_revocation_shows_at_once_to_a_visitor_who_had_the_page(
    page, masuk, browser, live_server, admin_bkn, terbit
):
    piagam = terbit
    with konteks_baru(browser, live_server) as publik:
        publik.goto(f"/verifikasi/{piagam.kode}/")
        expect(publik.get_by_test_id("verifikasi-sah").get_by_role("heading", level=1)).to_have_text(
            "Piagam sah"
        )
        jawaban = publik.reload()  # the second visit is the process's copy, with its validators
        assert jawaban.headers["cache-control"] == "public, no-cache"
        assert jawaban.headers["etag"]
        publik.goto("/pemenang/2040/")
        expect(publik.get_by_test_id("penghargaan-dicabut")).to_have_count(0)

        # The admin revokes the certificate from the decision's page, with a reason.
        masuk(admin_bkn)
        page.goto("/peringkat/2040/penetapan/")
        baris = page.get_by_test_id("daftar-pemenang").locator("tr").filter(has_text=piagam.nomor)
        baris.get_by_text("Cabut", exact=True).click()
        baris.get_by_label("Alasan pencabutan").fill(ALASAN)
        baris.get_by_role("button", name="Cabut piagam").click()
        expect(page.get_by_text(piagam.nomor).first).to_be_visible()
        expect(baris.get_by_text("dicabut", exact=True)).to_be_visible()

        # The visitor's next look: no copy made before the revocation is shown.
        publik.galat_konsol.clear()
        publik.goto(f"/verifikasi/{piagam.kode}/")
        dicabut = publik.get_by_test_id("verifikasi-dicabut")
        expect(dicabut).to_contain_text("Piagam ini tidak berlaku lagi")
        expect(dicabut).to_contain_text(ALASAN)
        publik.galat_konsol.clear()  # the 410 answer is logged by the browser as a failed resource
        publik.goto("/pemenang/2040/")
        expect(publik.get_by_test_id("penghargaan-dicabut").first).to_be_visible()
