"""An evaluator scores Pemerintah Kabupaten Alfa for BKN Award 2030 and submits the sheet, in a real browser."""

import re
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from instansi.models import Peran
from penilaian import services
from penilaian.models import (
    BuktiDukung,
    Indikator,
    JenisRiwayat,
    LembarPenilaian,
    NilaiPenilai,
    Peserta,
    RiwayatNilai,
    StatusLembar,
    Tahap,
)
from tests.factories import PenggunaFactory, PeriodeFactory, jadwal_lengkap
from tests.penilaian import berkas_uji

from .peramban import konteks_baru, masuk_di

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATATAN = "SK ANJAB ada, tetapi belum mencakup seluruh jabatan; ABK belum dihitung per unit kerja."
PERLU_CATATAN = "Level berbeda dari penilaian mandiri instansi: catatan wajib diisi sebelum lembar dikirim."


@dataclass
class Penilaian:
    lembar: LembarPenilaian
    lembar_batal: LembarPenilaian
    penilai2: object
    bukti: BuktiDukung
    e11: Indikator


@pytest.fixture
def penilaian_alfa(admin_bkn, operator_a, instansi_a, instansi_b, penilai):
    """BKN Award 2030 in verification: Alfa's self-assessment done, two evaluators assigned, one in conflict."""
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    services.muat_templat(periode=periode)
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    periode = services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    peserta = Peserta.objects.get(periode=periode, instansi=instansi_a)
    indikator = list(periode.indikator.prefetch_related("rubrik"))
    assert len(indikator) == 28

    # The agency's self-assessment: level 3 everywhere but E1.1 (level 4, with a real PDF).
    for i in indikator:
        services.simpan_jawaban(
            peserta=peserta, indikator=i, level=3, penjelasan="Sesuai dokumen terlampir.", oleh=operator_a
        )
    e11 = indikator[0]
    assert e11.kode == "E1.1"
    bukti = services.unggah_bukti(
        peserta=peserta,
        indikator=e11,
        berkas=SimpleUploadedFile("SK ANJAB.pdf", berkas_uji.pdf("sk"), content_type="application/pdf"),
        syarat=e11.syarat_bukti.first(),
        oleh=operator_a,
    )
    services.simpan_jawaban(
        peserta=peserta,
        indikator=e11,
        level=4,
        penjelasan="Seluruh jabatan sudah ditetapkan.",
        oleh=operator_a,
    )

    # Self-assessment closes; verification and scoring open, as scheduled.
    semenit_lalu = timezone.now() - timedelta(minutes=1)
    periode.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).update(selesai=semenit_lalu)
    periode.jadwal.filter(tahap=Tahap.VERIFIKASI).update(mulai=semenit_lalu)
    periode = services.maju_tahap(periode=periode, dari=Tahap.PENILAIAN_MANDIRI, oleh=admin_bkn)

    penilai2 = PenggunaFactory(username="penilai.konflik", nama="Penilai Konflik", peran=Peran.PENILAI)
    lembar = services.tugaskan(peserta=peserta, penilai=penilai, oleh=admin_bkn)
    lembar_batal = services.tugaskan(peserta=peserta, penilai=penilai2, oleh=admin_bkn)
    services.nyatakan_konflik(penilai=penilai2, instansi=instansi_a, alasan="Keluarga dekat")
    lembar_batal.refresh_from_db()
    assert lembar_batal.status == StatusLembar.DIBATALKAN

    # Setup shortcut: everything but E1.1 is scored through the service, as the autosave does.
    for i in indikator[1:]:
        services.simpan_nilai(lembar=lembar, indikator=i, level=3, catatan="Sesuai", versi=0, oleh=penilai)
    return Penilaian(lembar=lembar, lembar_batal=lembar_batal, penilai2=penilai2, bukti=bukti, e11=e11)


def _tunggu(page, kondisi, pesan, batas=10):
    """Let the page run until ``kondisi()`` holds (Playwright delivers its events meanwhile)."""
    akhir = time.monotonic() + batas
    while not kondisi():
        assert time.monotonic() < akhir, pesan
        page.wait_for_timeout(50)


def test_penilai_scores_with_a_note_and_submits_the_sheet(
    page, masuk, browser, live_server, penilai, penilaian_alfa
):
    dialog_list = []

    def terima(dialog):
        dialog_list.append(dialog.message)
        dialog.accept()

    page.on("dialog", terima)
    lembar, bukti, e11 = penilaian_alfa.lembar, penilaian_alfa.bukti, penilaian_alfa.e11
    url_lembar = f"/penilaian/lembar/{lembar.pk}/"
    url_bukti = f"/bukti/{bukti.pk}/"
    # Every autosave of E1.1 that reached the server, by HTTP status.
    simpan = []
    page.on(
        "response",
        lambda r: simpan.append(r.status) if r.url.endswith(f"/lembar/{lembar.pk}/nilai/E1.1/") else None,
    )

    # The home page lists the sheet.
    masuk(penilai)
    expect(page).to_have_url(f"{live_server.url}/penilai/")
    daftar = page.get_by_test_id("daftar-lembar")
    tautan = daftar.get_by_role("link", name=re.compile("Pemerintah Kabupaten Alfa"))
    expect(tautan).to_have_count(1)
    expect(tautan).to_contain_text("BKN Award 2030")
    expect(tautan).to_contain_text("27 indikator dinilai")
    tautan.click()

    # The sheet: 27 of 28 scored, E1.1 left, the agency said level 4.
    expect(page).to_have_url(f"{live_server.url}{url_lembar}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemerintah Kabupaten Alfa")
    expect(page.get_by_test_id("status-lembar")).to_have_text("Sedang dinilai")
    expect(page.get_by_test_id("jumlah-dinilai")).to_have_text("27")
    kartu = page.locator(f"#indikator-{e11.pk}")
    expect(kartu.get_by_test_id("level-mandiri")).to_have_text("Level 4")

    # The agency's PDF, shown inline.
    expect(kartu.get_by_role("link", name="Unduh")).to_have_attribute("href", url_bukti)
    iframe = kartu.locator("details.pratinjau iframe")
    expect(iframe).to_be_hidden()
    with page.expect_response(lambda r: r.url.endswith(f"{url_bukti}?lihat=1")) as pratinjau:
        kartu.locator("details.pratinjau summary", has_text="Lihat di sini").click()
    expect(iframe).to_be_visible()
    expect(iframe).to_have_attribute("src", f"{url_bukti}?lihat=1")
    assert pratinjau.value.status == 200
    assert pratinjau.value.headers["content-type"] == "application/pdf"
    unduhan = page.request.get(url_bukti)
    assert unduhan.status == 200
    assert unduhan.headers["content-type"] == "application/pdf"
    assert unduhan.body() == berkas_uji.pdf("sk")

    # Level 2 where the agency said 4: saved on its own, and a note is asked for.
    form = page.get_by_test_id("form-nilai-E1.1")
    expect(form.get_by_role("group", name="Level penilai").get_by_role("radio")).to_have_count(5)
    form.get_by_role("radio", name="2", exact=True).check()
    expect(form.get_by_test_id("tersimpan")).to_contain_text(re.compile(r"^\s*Tersimpan \d\d\.\d\d\.\d\d"))
    expect(form.get_by_test_id("perlu-catatan")).to_have_text(PERLU_CATATAN)
    # The counter is swapped in out of band; by its id (the swapped-in copy has no data-testid).
    expect(page.locator("#jumlah-dinilai")).to_have_text("28")
    # The click fires "input" and "change": htmx sends one request, at once.
    assert simpan == [200]

    # Submitting now is refused: the note is missing.
    page.get_by_role("button", name="Kirim lembar").click()
    expect(
        page.get_by_role("alert").filter(
            has_text="Catatan wajib diisi bila level berbeda dari penilaian mandiri instansi: E1.1."
        )
    ).to_be_visible()
    expect(page.get_by_test_id("status-lembar")).to_have_text("Sedang dinilai")

    # The note, typed: saved a second after the typing stops; the warning goes.
    form = page.get_by_test_id("form-nilai-E1.1")
    expect(form.get_by_role("radio", name="2", exact=True)).to_be_checked()
    expect(form.get_by_test_id("perlu-catatan")).to_be_visible()
    form.get_by_label("Catatan").fill(CATATAN)
    expect(form.get_by_test_id("perlu-catatan")).to_have_count(0)
    expect(form.get_by_test_id("tersimpan")).to_be_visible()
    _tunggu(page, lambda: len(simpan) >= 2, f"simpan otomatis catatan tidak terlihat: {simpan}")
    assert simpan == [200, 200]  # one request for the level, one for the whole note

    # Everything persisted.
    page.reload()
    form = page.get_by_test_id("form-nilai-E1.1")
    expect(form.get_by_role("radio", name="2", exact=True)).to_be_checked()
    expect(form.get_by_label("Catatan")).to_have_value(CATATAN)
    expect(form.get_by_test_id("tersimpan")).to_be_visible()
    expect(form.get_by_test_id("perlu-catatan")).to_have_count(0)
    expect(page.get_by_test_id("jumlah-dinilai")).to_have_text("28")

    # Submitted: read-only from now on.
    page.get_by_role("button", name="Kirim lembar").click()
    expect(
        page.get_by_role("alert").filter(
            has_text="Lembar penilaian Pemerintah Kabupaten Alfa terkirim. "
            "Nilai penilai lain kini dapat Anda lihat."
        )
    ).to_be_visible()
    expect(page.get_by_test_id("status-lembar")).to_have_text("Dikirim")
    expect(page.get_by_test_id("lembar-terkunci")).to_have_text(
        "Lembar penilaian sudah dikirim dan kini hanya dapat dibaca."
    )
    expect(page.locator("[data-testid^='form-nilai-']")).to_have_count(0)
    expect(page.get_by_role("button", name="Kirim lembar")).to_have_count(0)
    kartu = page.locator(f"#indikator-{e11.pk}")
    expect(kartu.get_by_test_id("level-penilai")).to_have_text("2")
    expect(kartu.get_by_text(CATATAN)).to_be_visible()

    # Back home: the worklist seen before scoring is not served again from the cache.
    page.goto(f"{live_server.url}/penilai/")
    tautan = page.get_by_test_id("daftar-lembar").get_by_role(
        "link", name=re.compile("Pemerintah Kabupaten Alfa")
    )
    expect(tautan).to_contain_text("28 indikator dinilai")
    expect(tautan.get_by_test_id("status-kerja")).to_have_text("Dikirim")
    expect(page.get_by_test_id("grup-kerja").get_by_test_id("jumlah-dikirim")).to_have_text("1")

    assert len(dialog_list) == 2
    assert all(
        d.startswith("Kirim lembar penilaian? Setelah dikirim, nilai tidak dapat") for d in dialog_list
    )

    # The database agrees.
    lembar.refresh_from_db()
    assert lembar.status == StatusLembar.DIKIRIM
    assert lembar.dikirim_pada is not None
    nilai = NilaiPenilai.objects.get(lembar=lembar, indikator=e11)
    assert (nilai.level, nilai.catatan) == (2, CATATAN)
    assert list(
        RiwayatNilai.objects.filter(lembar=lembar, indikator=e11).values_list(
            "jenis", "level_lama", "level_baru", "catatan", "oleh"
        )
    ) == [
        (JenisRiwayat.NILAI, None, 2, "", penilai.pk),
        (JenisRiwayat.NILAI, 2, 2, CATATAN, penilai.pk),
    ]
    assert list(
        RiwayatNilai.objects.filter(lembar=lembar, jenis=JenisRiwayat.KIRIM).values_list("oleh", flat=True)
    ) == [penilai.pk]

    # The evaluator who declared a conflict: neither the cancelled sheet nor the agency's files.
    _penilai_konflik_tidak_melihat_apa_pun(browser, live_server, penilaian_alfa, url_bukti)


def _penilai_konflik_tidak_melihat_apa_pun(browser, live_server, penilaian, url_bukti):
    with konteks_baru(browser, live_server) as page:
        masuk_di(page, penilaian.penilai2)

        expect(page).to_have_url(f"{live_server.url}/penilai/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Beranda Penilai")
        expect(page.get_by_test_id("menu-pengguna")).to_contain_text("Penilai Konflik")
        expect(page.get_by_test_id("daftar-lembar")).to_have_count(0)
        expect(page.get_by_text("Pemerintah Kabupaten Alfa")).to_have_count(0)
        expect(page.get_by_text("Belum ada instansi yang ditugaskan kepada Anda.")).to_be_visible()

        assert page.request.get(f"/penilaian/lembar/{penilaian.lembar_batal.pk}/").status == 404
        assert page.request.get(url_bukti).status == 404
        assert page.request.get(f"{url_bukti}?lihat=1").status == 404
        # Nor the other evaluator's sheet.
        assert page.request.get(f"/penilaian/lembar/{penilaian.lembar.pk}/").status == 404
