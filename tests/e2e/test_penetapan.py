"""The last step of BKN Award 2040, in a real browser: the admin approves and publishes the winners, the public
page lists them, an agency downloads its certificate (rendered by a real Celery worker) and anyone verifies it.
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from laporan import services
from laporan.models import Sertifikat, StatusSertifikat
from penilaian import services as penilaian_services
from penilaian.models import Tahap

from ..factories import OperatorFactory
from .peramban import konteks_baru, masuk_di

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UTAMA = "Implementasi Manajemen ASN Terbaik"
KAB = "Pemerintah Kabupaten"
A, B, C = (f"{KAB} {n}" for n in "ABC")
ALASAN_KHUSUS = "Komitmen pimpinan terhadap reformasi birokrasi"
# The draft with ranks 1–3 of every ranked category (see tests/laporan/test_peringkat.py):
# (Kategori, Kelompok, Peringkat, Instansi, Nilai): two decimals, four where a tie is shown.
DRAF = [
    (UTAMA, KAB, "1", A, "62,5000"),
    (UTAMA, KAB, "1", B, "62,5000"),
    (UTAMA, KAB, "3", C, "50,00"),
    ("Elemen Satu", KAB, "1", A, "62,5000"),
    ("Elemen Satu", KAB, "1", B, "62,5000"),
    ("Elemen Satu", KAB, "3", C, "37,50"),
    ("Elemen Dua", KAB, "1", C, "62,50"),
    ("Elemen Dua", KAB, "2", A, "62,5000"),
    ("Elemen Dua", KAB, "2", B, "62,5000"),
]
JUMLAH_PENGHARGAAN = len(DRAF) + 1  # and the special mention for C


@pytest.fixture
def penetapan_siap(periode_penetapan):
    """BKN Award 2040 in the Penetapan stage with one snapshot, and an operator for regency A."""
    periode, snapshot_id, peserta = periode_penetapan
    operator = OperatorFactory(username="operator.kab-a", nama="Operator A", instansi=peserta["A"].instansi)
    return periode, snapshot_id, operator


def _kolom(tabel, n):
    return tabel.locator(f"tbody tr td:nth-child({n})")


def _status(halaman, url):
    return halaman.request.get(url, max_redirects=0).status


def _log_worker(worker):
    return "\nWorker:\n" + "".join(worker.keluaran[-30:])


def test_winners_are_approved_published_downloaded_and_verified(
    page, masuk, browser, live_server, admin_bkn, penetapan_siap, jalankan_worker, tmp_path
):
    _periode, snapshot_id, operator = penetapan_siap
    worker = jalankan_worker()
    masuk(admin_bkn)

    # The admin drafts the winners from the only snapshot, ranks 1–3.
    page.goto("/peringkat/2040/penetapan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Penetapan pemenang — BKN Award 2040")
    expect(page.get_by_test_id("daftar-pemenang")).to_have_count(0)
    form = page.get_by_test_id("form-penetapan")
    expect(form.get_by_label("Snapshot peringkat")).to_have_value(str(snapshot_id))
    expect(form.get_by_label("Snapshot peringkat").locator("option")).to_have_count(1)
    expect(form.get_by_label("Peringkat yang diberi penghargaan")).to_have_value("3")
    form.get_by_role("button", name="Susun draf pemenang").click()
    expect(
        page.get_by_text("Draf pemenang disusun dari snapshot terpilih; periksa daftarnya lalu setujui.")
    ).to_be_visible()
    expect(page.get_by_test_id("status-penetapan")).to_have_text("Draf")
    tabel = page.get_by_test_id("daftar-pemenang")
    expect(tabel.locator("thead th")).to_have_text(["Kategori", "Kelompok", "Peringkat", "Instansi", "Nilai"])
    for n in (0, 1, 3, 4):
        expect(_kolom(tabel, n + 1)).to_have_text([baris[n] for baris in DRAF])
    # Shared ranks are marked; none crosses rank 3, so the panel has nothing to decide.
    expect(_kolom(tabel, 3)).to_have_text([baris[2] + (" seri" if baris[3] != C else "") for baris in DRAF])
    expect(page.get_by_test_id("seri-penentu")).to_have_count(0)
    expect(page.get_by_test_id("penghalang")).to_have_count(0)
    expect(page.get_by_test_id("perbedaan-terbuka")).to_have_text("0")

    # The panel's special mention goes to C, with its reason.
    khusus = page.get_by_test_id("form-khusus")
    expect(khusus.get_by_label("Kategori khusus")).to_have_value(re.compile(r"\d+"))
    expect(khusus.get_by_label("Kategori khusus").locator("option:checked")).to_have_text("Komitmen")
    khusus.get_by_label("Instansi").select_option(label=C)
    khusus.get_by_label("Alasan panel").fill(ALASAN_KHUSUS)
    khusus.get_by_role("button", name="Berikan").click()
    expect(page.get_by_text(f"Komitmen diberikan kepada {C}.")).to_be_visible()
    baris_khusus = tabel.locator("tbody tr").last
    expect(baris_khusus.locator("td")).to_have_text(["Komitmen", KAB, "—", C + ALASAN_KHUSUS, ""])
    expect(tabel.locator("tbody tr")).to_have_count(JUMLAH_PENGHARGAAN)

    # Approval asks first; then the worker renders one certificate per award.
    dialog = []
    page.on("dialog", lambda d: (dialog.append(d.message), d.accept()))
    page.get_by_role("button", name="Setujui pemenang").click()
    expect(
        page.get_by_text(
            f"Pemenang BKN Award 2040 disetujui: {JUMLAH_PENGHARGAAN} penghargaan. "
            "Piagam sedang dirender oleh worker."
        )
    ).to_be_visible()
    assert len(dialog) == 1
    assert dialog[0].startswith("Setujui daftar pemenang ini?")
    expect(page.get_by_test_id("status-penetapan")).to_have_text("Disetujui")
    expect(page.get_by_role("button", name="Setujui pemenang")).to_have_count(0)
    expect(page.get_by_test_id("form-khusus")).to_have_count(0)
    kemajuan = page.get_by_test_id("kemajuan-sertifikat")
    expect(kemajuan).to_contain_text(re.compile(rf"\d+ dari {JUMLAH_PENGHARGAAN} piagam siap"))
    try:  # the block polls every 2 s
        expect(kemajuan).to_contain_text(
            f"{JUMLAH_PENGHARGAAN} dari {JUMLAH_PENGHARGAAN} piagam siap", timeout=60_000
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}{_log_worker(worker)}") from None
    expect(kemajuan).not_to_contain_text("gagal")
    assert Sertifikat.objects.filter(status=StatusSertifikat.SELESAI).count() == JUMLAH_PENGHARGAAN
    piagam = Sertifikat.objects.select_related("penghargaan").get(
        penghargaan__peserta__instansi=operator.instansi, penghargaan__kategori__kode="UTAMA"
    )
    assert re.fullmatch(r"\d{3}/PIAGAM/BKN-AWARD/2040", piagam.nomor)
    assert piagam.penghargaan.peringkat == 1

    # Nothing is public before the announcement: not the winners, not the agency's result, not a certificate.
    expect(page.get_by_role("link", name="Lihat halaman publik")).to_have_count(0)
    assert _status(page, "/pemenang/2040/") == 404
    with konteks_baru(browser, live_server) as publik:
        assert _status(publik, "/pemenang/2040/") == 404
        assert _status(publik, f"/verifikasi/{piagam.kode}/") == 404
    with konteks_baru(browser, live_server) as instansi:
        masuk_di(instansi, operator)
        expect(instansi.get_by_test_id("kartu-hasil")).to_have_count(0)
        assert _status(instansi, "/hasil/2040/") == 404
        assert _status(instansi, f"/piagam/{piagam.kode}/") == 404

    # The admin announces now.
    umumkan = page.get_by_test_id("form-umumkan")
    expect(umumkan.get_by_label("Waktu pengumuman")).to_have_value("")
    umumkan.get_by_role("button", name="Umumkan").click()
    expect(page.get_by_text("Pemenang BKN Award 2040 kini terbuka untuk publik.")).to_be_visible()
    expect(page.get_by_test_id("status-penetapan")).to_have_text("Disetujui")
    expect(page.get_by_role("link", name="Lihat halaman publik")).to_have_attribute("href", "/pemenang/2040/")

    with konteks_baru(browser, live_server) as publik:
        # The public page, without signing in: every category, its group, ranks and names.
        publik.goto("/pemenang/2040/")
        expect(publik.get_by_role("heading", level=1)).to_have_text("Pemenang BKN Award 2040")
        expect(publik.get_by_role("button", name="Cetak")).to_be_visible()
        bagian = publik.get_by_role("region", name=f"Kategori Utama: {UTAMA}")
        expect(bagian.get_by_role("heading", level=3)).to_have_text([KAB])
        expect(bagian.get_by_role("heading", level=3)).to_have_css("text-transform", "uppercase")
        expect(bagian.locator("[data-baris-pemenang]")).to_have_text([f"1 {A}", f"1 {B}", f"3 {C}"])
        expect(
            publik.get_by_role("region", name="Kategori Elemen: Elemen Dua").locator("[data-baris-pemenang]")
        ).to_have_text([f"1 {C}", f"2 {A}", f"2 {B}"])
        komitmen = publik.get_by_role("region", name="Kategori Khusus: Komitmen")
        expect(komitmen.locator("[data-baris-pemenang]")).to_have_count(1)
        expect(komitmen.locator("[data-baris-pemenang]")).to_contain_text(C)
        expect(komitmen.locator("[data-baris-pemenang]")).to_contain_text(ALASAN_KHUSUS)
        baris = publik.locator("[data-baris-pemenang]")
        expect(baris).to_have_count(JUMLAH_PENGHARGAAN)

        # The search filters the list as one types.
        cari = publik.get_by_label("Cari instansi")
        expect(cari).to_have_attribute("placeholder", "Cari instansi…")
        cari.fill("kabupaten c")
        expect(baris.filter(visible=True)).to_have_count(4)
        for nama in (A, B):
            expect(baris.filter(has_text=nama).filter(visible=True)).to_have_count(0)
        expect(baris.filter(has_text=C).filter(visible=True)).to_have_count(4)
        expect(publik.get_by_text("Tidak ada instansi yang cocok.")).to_be_hidden()
        cari.fill("kota z")
        expect(baris.filter(visible=True)).to_have_count(0)
        expect(publik.get_by_text("Tidak ada instansi yang cocok.")).to_be_visible()
        cari.fill("")
        expect(baris.filter(visible=True)).to_have_count(JUMLAH_PENGHARGAAN)

    with konteks_baru(browser, live_server) as instansi:
        # Regency A's operator finds its result on the home page and downloads its certificate.
        masuk_di(instansi, operator)
        kartu = instansi.get_by_test_id("kartu-hasil")
        kartu.get_by_role("link", name="Hasil BKN Award 2040").click()
        expect(instansi).to_have_url(re.compile(r"/hasil/2040/$"))
        expect(instansi.get_by_role("heading", level=1)).to_have_text("Hasil BKN Award 2040")
        expect(instansi.get_by_test_id("peringkat-instansi").locator("tbody tr td:first-child")).to_have_text(
            [UTAMA, "Elemen Satu", "Elemen Dua"]
        )
        expect(instansi.get_by_role("link", name="Unduh piagam")).to_have_count(3)  # UTAMA, E1, E2
        item = instansi.get_by_role("listitem").filter(has_text=f"Peringkat 1 — {UTAMA}")
        expect(item).to_contain_text(piagam.nomor)
        tautan = item.get_by_role("link", name="Unduh piagam")
        expect(tautan).to_have_attribute("href", f"/piagam/{piagam.kode}/")
        with instansi.expect_download() as unduhan:
            tautan.click()
        berkas = unduhan.value
        assert berkas.suggested_filename.endswith(".pdf")
        path = tmp_path / "piagam.pdf"
        berkas.save_as(path)
        teks = " ".join(
            " ".join(
                halaman.extract_text() for halaman in PdfReader(io.BytesIO(path.read_bytes())).pages
            ).split()
        )
        for bagian in [
            "PIAGAM PENGHARGAAN",
            A,
            "Peringkat 1",
            UTAMA,
            KAB,
            "BKN AWARD 2040",
            piagam.nomor,
            "Dr. Contoh Penandatangan",
        ]:
            assert bagian in teks, f"{bagian!r} tidak ada di piagam: {teks}"

    with konteks_baru(browser, live_server) as publik:
        # Anyone can verify the certificate by its code (the QR code on it leads here).
        publik.goto(f"/verifikasi/{piagam.kode}/")
        sah = publik.get_by_test_id("verifikasi-sah")
        expect(sah.get_by_role("heading", level=1)).to_have_text("Piagam sah")
        for fakta in [piagam.nomor, A, f"Peringkat 1 Kategori {UTAMA}", KAB, "BKN Award 2040", piagam.kode]:
            expect(sah).to_contain_text(fakta)
        assert _status(publik, "/verifikasi/TIDAKADA23/") == 404


def test_a_withdrawn_result_is_decided_again_with_the_panels_tie_decisions_and_republished(
    page, masuk, browser, live_server, admin_bkn, penetapan_siap, jalankan_worker
):
    periode, snapshot_id, _operator = penetapan_siap
    jalankan_worker()
    # Published and in the announcement stage, as after Rakornas.
    penetapan = services.buat_penetapan(
        periode=periode, snapshot=periode.snapshot.get(pk=snapshot_id), jumlah_peringkat=3, oleh=admin_bkn
    )
    services.umumkan(penetapan=services.setujui(penetapan=penetapan, oleh=admin_bkn))
    penilaian_services.maju_tahap(periode=periode, dari=Tahap.PENETAPAN, oleh=admin_bkn)
    page.on("dialog", lambda d: d.accept())
    masuk(admin_bkn)

    # The admin withdraws the approval, with a reason: the period returns to Penetapan.
    page.goto("/peringkat/2040/penetapan/")
    tarik = page.get_by_test_id("form-tarik")
    tarik.get_by_label("Alasan").fill("Data SIASN Kabupaten C terbukti tidak valid.")
    tarik.get_by_role("button", name="Tarik").click()
    expect(page.get_by_text("Persetujuan pemenang BKN Award 2040 ditarik.")).to_be_visible()
    page.goto("/periode/2040/")
    riwayat = page.get_by_role("region", name="Riwayat tahapan")
    expect(riwayat.get_by_role("listitem").last).to_contain_text("Pengumuman → Penetapan")
    expect(riwayat.get_by_role("listitem").last).to_contain_text(
        "Persetujuan pemenang ditarik: Data SIASN Kabupaten C terbukti tidak valid."
    )
    with konteks_baru(browser, live_server) as publik:
        publik.goto("/pemenang/2040/")
        expect(publik.get_by_role("heading", level=1)).to_have_text(
            "Hasil BKN Award 2040 sedang ditinjau ulang"
        )
        expect(publik.get_by_text(A)).to_have_count(0)

    # A new draft that awards rank 1 only: A and B share rank 1 twice, and the panel must decide.
    page.goto("/peringkat/2040/penetapan/")
    form = page.get_by_test_id("form-penetapan")
    form.get_by_label("Peringkat yang diberi penghargaan").fill("1")
    form.get_by_role("button", name="Susun draf pemenang").click()
    expect(page.get_by_test_id("status-penetapan")).to_have_text("Draf")
    expect(page.get_by_test_id("penghalang")).to_contain_text("panel belum memutuskan")
    expect(page.get_by_role("button", name="Setujui pemenang")).to_be_disabled()

    utama = page.get_by_test_id("seri-UTAMA-1")
    expect(utama.get_by_role("listitem")).to_have_text([A, B])
    utama.get_by_label("Diurutkan panel").check()
    utama.get_by_label(f"Peringkat untuk {B}").select_option("1")
    utama.get_by_label(f"Peringkat untuk {A}").select_option("2")
    utama.get_by_label("Alasan keputusan panel").fill(
        "B lebih lengkap pada bukti E1 (rapat panel 20 November)."
    )
    utama.get_by_role("button", name="Catat keputusan panel").click()
    expect(
        page.get_by_text(f"Keputusan panel atas peringkat 1 bersama {UTAMA}, {KAB} dicatat.")
    ).to_be_visible()
    expect(page.get_by_test_id("seri-UTAMA-1").get_by_test_id("keputusan-seri")).to_contain_text(
        "Diurutkan panel — B lebih lengkap pada bukti E1"
    )

    elemen = page.get_by_test_id("seri-KE-1-1")
    elemen.get_by_label("Semua menerima penghargaan pada peringkat itu").check()
    elemen.get_by_label("Alasan keputusan panel").fill("Nilai identik; keduanya layak.")
    elemen.get_by_role("button", name="Catat keputusan panel").click()
    expect(page.get_by_test_id("penghalang")).to_have_count(0)
    tabel = page.get_by_test_id("daftar-pemenang")
    expect(_kolom(tabel, 4)).to_have_text([B, A, B, C])

    page.get_by_role("button", name="Setujui pemenang").click()
    expect(page.get_by_text("Pemenang BKN Award 2040 disetujui: 4 penghargaan.", exact=False)).to_be_visible()
    page.get_by_test_id("form-umumkan").get_by_role("button", name="Umumkan").click()
    expect(page.get_by_text("Pemenang BKN Award 2040 kini terbuka untuk publik.")).to_be_visible()

    with konteks_baru(browser, live_server) as publik:
        publik.goto("/pemenang/2040/")
        expect(publik.get_by_role("heading", level=1)).to_have_text("Pemenang BKN Award 2040")
        expect(
            publik.get_by_role("region", name=f"Kategori Utama: {UTAMA}").locator("[data-baris-pemenang]")
        ).to_have_text([f"1 {B}"])
        expect(
            publik.get_by_role("region", name="Kategori Elemen: Elemen Satu").locator("[data-baris-pemenang]")
        ).to_have_text([f"1 {A}", f"1 {B}"])
