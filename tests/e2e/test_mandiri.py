"""An agency operator fills in, and submits, its self-assessment for BKN Award 2030, in a real browser."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from penilaian import services
from penilaian.models import BuktiDukung, Indikator, JawabanMandiri, Peserta, Tahap
from tests.factories import PeriodeFactory, jadwal_lengkap
from tests.penilaian.berkas_uji import EXE, pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SYARAT_E1_1 = [
    ("Keputusan PPK tentang penetapan ANJAB dan ABK", "sk-anjab-abk.pdf"),
    (
        "Dokumen uraian jabatan, syarat jabatan, dan hasil perhitungan ABK per unit kerja",
        "uraian-jabatan.pdf",
    ),
    (
        "Tangkapan layar data ANJAB-ABK pada aplikasi e-Formasi KemenPANRB atau aplikasi instansi",
        "e-formasi.pdf",
    ),
]
# Every indicator but E1.1, in the instrument's order: what is missing after the browser's part.
KODE_LAIN = [f"E{e}.{n}" for e in range(1, 5) for n in range(1, 8)][1:]


def _berkas(tmp_path, nama, isi):
    """Write ``isi`` to ``tmp_path/nama`` for set_input_files."""
    path = tmp_path / nama
    path.write_bytes(isi)
    return path


def _pdf_unggahan(tanda):
    """A valid PDF upload for the services; a different ``tanda`` gives different bytes."""
    return SimpleUploadedFile(f"{tanda}.pdf", pdf(tanda), content_type="application/pdf")


def _persen(page):
    return int(page.get_by_test_id("persen-total").inner_text().strip().rstrip("%"))


def _lengkapi_kecuali(peserta, oleh, kecuali):
    """The setup shortcut: answer every other indicator and upload each of its required documents."""
    for indikator in Indikator.objects.filter(periode=peserta.periode).exclude(kode=kecuali):
        services.simpan_jawaban(
            peserta=peserta, indikator=indikator, level=2, penjelasan="Sesuai dokumen terlampir.", oleh=oleh
        )
        for n, syarat in enumerate(indikator.syarat_bukti.all()):
            services.unggah_bukti(
                peserta=peserta,
                indikator=indikator,
                berkas=_pdf_unggahan(f"{indikator.kode}-{n}"),
                syarat=syarat,
                oleh=oleh,
            )


@pytest.fixture
def periode_mandiri(admin_bkn, instansi_a, instansi_b):
    """BKN Award 2030 with the template instrument, the regencies as participants, self-assessment open."""
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    services.muat_templat(periode=periode)
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    return periode


def test_operator_fills_in_and_submits_the_self_assessment(
    page, masuk, operator_a, instansi_a, periode_mandiri, tmp_path
):
    dialogs = []

    def terima(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", terima)
    peserta = Peserta.objects.get(periode=periode_mandiri, instansi=instansi_a)

    # The home page: the open period, its deadline, nothing done yet.
    masuk(operator_a)
    expect(page).to_have_url(re.compile(r"/operator/$"))
    kartu = page.get_by_test_id("kartu-mandiri")
    expect(kartu).to_contain_text("BKN Award 2030")
    expect(kartu).to_contain_text("Batas waktu")
    expect(kartu.get_by_test_id("persen-total")).to_have_text("0%")
    kartu.get_by_role("link", name="Isi penilaian mandiri").click()

    # The overview: 28 indicators, 87 required documents, none done.
    expect(page).to_have_url(re.compile(r"/penilaian-mandiri/2030/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Penilaian mandiri — BKN Award 2030")
    expect(page.get_by_test_id("ringkasan-kemajuan")).to_have_text(
        "0 dari 28 indikator dijawab · 0 dari 87 bukti wajib diunggah"
    )
    persen_awal = _persen(page)
    page.get_by_role("link", name=re.compile(r"^E1\.1 Apakah instansi")).click()

    # E1.1: the agency's level and why.
    expect(page).to_have_url(re.compile(r"/penilaian-mandiri/2030/E1\.1/$"))
    form_jawaban = page.get_by_test_id("form-jawaban")
    form_jawaban.get_by_role("radio", name=re.compile(r"^3 — ")).check()
    form_jawaban.get_by_label("Penjelasan").fill(
        "ANJAB-ABK 85% jabatan sudah ditetapkan dengan keputusan PPK."
    )
    # The answer saves itself: the level, then the explanation a second after typing stops.
    expect(form_jawaban.get_by_role("button", name="Simpan jawaban")).to_be_hidden()
    expect(page.locator("#id_versi")).to_have_value("2")
    expect(form_jawaban.get_by_test_id("jawaban-tersimpan")).to_contain_text("Tersimpan")
    page.reload()
    expect(
        page.get_by_test_id("form-jawaban").get_by_role("radio", name=re.compile(r"^3 — "))
    ).to_be_checked()
    expect(page.get_by_test_id("form-jawaban").get_by_label("Penjelasan")).to_have_value(
        "ANJAB-ABK 85% jabatan sudah ditetapkan dengan keputusan PPK."
    )

    # A program renamed to .pdf is refused, with the reason next to the file; nothing is stored.
    form_unggah = page.get_by_test_id("form-unggah")
    form_unggah.get_by_label("Berkas bukti dukung").set_input_files(_berkas(tmp_path, "laporan.pdf", EXE))
    baris = form_unggah.get_by_test_id("antrean-unggah").locator("li", has_text="laporan.pdf")
    baris.get_by_label("Untuk bukti wajib").select_option(label=SYARAT_E1_1[0][0])
    form_unggah.get_by_role("button", name="Unggah").click()
    expect(baris).to_contain_text(
        "Ditolak: Isi berkas bukan PDF walaupun namanya berakhiran .pdf. Berkas ditolak."
    )
    assert not BuktiDukung.objects.filter(peserta=peserta).exists()
    baris.get_by_role("button", name="Keluarkan laporan.pdf dari daftar").click()

    # A real PDF for each of E1.1's three required documents, chosen together: each row is
    # given the next required document still missing.
    form_unggah.get_by_label("Berkas bukti dukung").set_input_files(
        [_berkas(tmp_path, nama, pdf(f"e2e-{nama}")) for _uraian, nama in SYARAT_E1_1]
    )
    for uraian, nama in SYARAT_E1_1:
        baris = form_unggah.get_by_test_id("antrean-unggah").locator("li", has_text=nama)
        expect(baris.get_by_label("Untuk bukti wajib").locator("option:checked")).to_have_text(uraian)
    form_unggah.get_by_role("button", name="Unggah").click()
    expect(page.get_by_test_id("hasil-unggah")).to_have_text(re.compile(r"^3 berkas terunggah\."))
    daftar = page.get_by_test_id("daftar-bukti")
    for uraian, nama in SYARAT_E1_1:
        expect(daftar.locator("li", has_text=uraian).get_by_role("link", name=nama)).to_be_visible()

    # Back on the overview the progress has gone up.
    page.get_by_role("link", name="Semua indikator").click()
    expect(page.get_by_test_id("ringkasan-kemajuan")).to_have_text(
        "1 dari 28 indikator dijawab · 3 dari 87 bukti wajib diunggah"
    )
    assert _persen(page) > persen_awal

    # Submitting too early says what is missing, and submits nothing.
    page.get_by_role("button", name="Kirim penilaian mandiri").click()
    expect(
        page.get_by_role("alert").filter(
            has_text=f"{len(KODE_LAIN)} indikator belum dijawab: {', '.join(KODE_LAIN)}."
        )
    ).to_be_visible()
    expect(
        page.get_by_role("alert").filter(
            has_text="84 bukti wajib belum diunggah, antara lain pada indikator E1.2"
        )
    ).to_be_visible()
    expect(page.get_by_test_id("status-mandiri")).to_have_count(0)
    peserta.refresh_from_db()
    assert peserta.dikirim_pada is None

    # Setup shortcut: everything else is completed through the services.
    _lengkapi_kecuali(peserta, operator_a, kecuali="E1.1")
    page.reload()
    expect(page.get_by_test_id("ringkasan-kemajuan")).to_have_text(
        "28 dari 28 indikator dijawab · 87 dari 87 bukti wajib diunggah"
    )
    expect(page.get_by_test_id("persen-total")).to_have_text("100%")

    # Submitting, after the confirmation, makes the self-assessment read-only.
    page.get_by_role("button", name="Kirim penilaian mandiri").click()
    expect(
        page.get_by_role("alert").filter(
            has_text="Penilaian mandiri Pemerintah Kabupaten Alfa terkirim. "
            "Terima kasih; isian kini hanya dapat dibaca."
        )
    ).to_be_visible()
    # The receipt: what was sent and when; the summary links to it from now on.
    expect(page).to_have_url(re.compile(r"/penilaian-mandiri/2030/tanda-terima/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tanda terima pengiriman")
    expect(page.get_by_test_id("jumlah-tanda-terima")).to_contain_text(
        "28 dari 28 indikator dijawab · 87 berkas"
    )
    page.get_by_role("link", name="Kembali ke penilaian mandiri").click()
    expect(page.get_by_test_id("status-mandiri")).to_contain_text("Penilaian mandiri sudah dikirim pada")
    expect(page.get_by_role("link", name="Lihat tanda terima pengiriman")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim penilaian mandiri")).to_have_count(0)
    assert len(dialogs) == 2
    assert all(d.startswith("Kirim penilaian mandiri sekarang?") for d in dialogs)

    page.get_by_role("link", name=re.compile(r"^E1\.1 ")).click()
    expect(page.get_by_test_id("status-mandiri")).to_contain_text("Penilaian mandiri sudah dikirim pada")
    expect(page.get_by_test_id("form-jawaban")).to_have_count(0)
    expect(page.get_by_test_id("form-unggah")).to_have_count(0)
    expect(page.get_by_role("button", name="Hapus")).to_have_count(0)
    expect(page.get_by_text("Level 3", exact=True)).to_be_visible()
    expect(page.get_by_text("ANJAB-ABK 85% jabatan sudah ditetapkan dengan keputusan PPK.")).to_be_visible()
    daftar = page.get_by_test_id("daftar-bukti")
    for _uraian, nama in SYARAT_E1_1:
        expect(daftar.get_by_role("link", name=nama)).to_be_visible()

    page.goto("/operator/")
    kartu = page.get_by_test_id("kartu-mandiri")
    expect(kartu.get_by_test_id("status-mandiri")).to_contain_text("Penilaian mandiri sudah dikirim pada")
    expect(kartu.get_by_role("link", name="Lihat isian")).to_be_visible()

    # The database agrees.
    peserta.refresh_from_db()
    assert peserta.dikirim_pada is not None
    assert peserta.dikirim_oleh == operator_a
    jawaban = JawabanMandiri.objects.get(peserta=peserta, indikator__kode="E1.1")
    assert (jawaban.level, jawaban.diperbarui_oleh) == (3, operator_a)
    assert sorted(
        BuktiDukung.objects.filter(peserta=peserta, indikator__kode="E1.1").values_list(
            "syarat__uraian", "nama_berkas", "jenis"
        )
    ) == sorted((uraian, nama, "pdf") for uraian, nama in SYARAT_E1_1)


def test_a_second_tab_cannot_overwrite_a_newer_answer(page, masuk, operator_a, instansi_a, periode_mandiri):
    masuk(operator_a)
    url = "/penilaian-mandiri/2030/E1.1/"
    page.goto(url)
    lama = page.context.new_page()
    lama.goto(url)  # a second tab, opened before the first one saves

    # The first tab answers level 3 with a long explanation; it saves itself.
    form = page.get_by_test_id("form-jawaban")
    form.get_by_role("radio", name=re.compile(r"^3 — ")).check()
    form.get_by_label("Penjelasan").fill(
        "ANJAB-ABK seluruh jabatan ditetapkan PPK; ABK dihitung per unit kerja."
    )
    expect(page.locator("#id_versi")).to_have_value("2")

    # The stale tab tries level 1: refused, with what changed and when; its text stays in the form.
    form_lama = lama.get_by_test_id("form-jawaban")
    form_lama.get_by_label("Penjelasan").fill("Catatan lama saya")
    form_lama.get_by_role("radio", name=re.compile(r"^1 — ")).check()
    galat = form_lama.get_by_test_id("galat-jawaban")
    expect(galat).to_contain_text(
        "Jawaban indikator E1.1 sudah diubah di tab atau jendela lain oleh Operator Alfa"
    )
    expect(galat).to_contain_text("(sekarang level 3)")
    expect(form_lama.get_by_label("Penjelasan")).to_have_value("Catatan lama saya")
    jawaban = JawabanMandiri.objects.get(peserta__instansi=instansi_a, indikator__kode="E1.1")
    assert (jawaban.level, jawaban.penjelasan) == (
        3,
        "ANJAB-ABK seluruh jabatan ditetapkan PPK; ABK dihitung per unit kerja.",
    )

    # Leaving the stale tab with its unsaved change asks first.
    dialog = []
    lama.on("dialog", lambda d: (dialog.append(d.type), d.dismiss()))
    lama.get_by_role("link", name="Semua indikator").click()
    expect(lama).to_have_url(re.compile(r"/E1\.1/$"))
    assert dialog == ["beforeunload"]
