"""An operator uploads a batch of evidence at once, good and bad files mixed, then submits and reads the receipt."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from penilaian import services
from penilaian.models import BuktiDukung, Indikator, Peserta, Tahap
from tests.factories import PeriodeFactory, jadwal_lengkap
from tests.penilaian.berkas_uji import EXE, PDF_RUSAK, pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SYARAT_E1_1 = [
    "Keputusan PPK tentang penetapan ANJAB dan ABK",
    "Dokumen uraian jabatan, syarat jabatan, dan hasil perhitungan ABK per unit kerja",
    "Tangkapan layar data ANJAB-ABK pada aplikasi e-Formasi KemenPANRB atau aplikasi instansi",
]
URL_E1_1 = "/penilaian-mandiri/2030/E1.1/"


@pytest.fixture
def periode_mandiri(admin_bkn, instansi_a, instansi_b):
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    services.muat_templat(periode=periode)
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    return periode


def _berkas(tmp_path, nama, isi):
    path = tmp_path / nama
    path.write_bytes(isi)
    return path


def _baris(page, nama):
    return page.get_by_test_id("antrean-unggah").locator("li", has_text=nama)


def _lengkapi_kecuali(peserta, oleh, kecuali):
    for indikator in Indikator.objects.filter(periode=peserta.periode).exclude(kode=kecuali):
        services.simpan_jawaban(
            peserta=peserta, indikator=indikator, level=2, penjelasan="Sesuai.", oleh=oleh
        )
        for n, syarat in enumerate(indikator.syarat_bukti.all()):
            services.unggah_bukti(
                peserta=peserta,
                indikator=indikator,
                berkas=SimpleUploadedFile(f"{indikator.kode}-{n}.pdf", pdf(f"{indikator.kode}-{n}")),
                syarat=syarat,
                oleh=oleh,
            )


def test_a_mixed_batch_then_the_receipt(
    page, masuk, operator_a, instansi_a, periode_mandiri, tmp_path, settings
):
    settings.BUKTI_MAKS_MB = 1
    peserta = Peserta.objects.get(periode=periode_mandiri, instansi=instansi_a)
    page.on("dialog", lambda dialog: dialog.accept())
    masuk(operator_a)
    page.goto(URL_E1_1)
    form = page.get_by_test_id("form-unggah")
    # With the script each file gets its own choice: the form's single choice is not shown.
    expect(form.locator("select[name=syarat]")).to_be_hidden()

    # Two valid PDFs, a program renamed to .pdf and a file over the limit, chosen at once...
    form.get_by_label("Berkas bukti dukung").set_input_files(
        [
            _berkas(tmp_path, "sk-anjab.pdf", pdf("sk-anjab")),
            _berkas(tmp_path, "laporan.pdf", EXE),
            _berkas(tmp_path, "besar.pdf", pdf("besar") + b"\n%" + b"0" * (1024 * 1024 + 10)),
        ]
    )
    # ...and a broken PDF and a third valid one dropped on the drop zone.
    page.evaluate(
        """([rusak, baik]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([Uint8Array.from(atob(rusak), (c) => c.charCodeAt(0))], "rusak.pdf",
                                        {type: "application/pdf"}));
            transfer.items.add(new File([Uint8Array.from(atob(baik), (c) => c.charCodeAt(0))], "uraian.pdf",
                                        {type: "application/pdf"}));
            const zona = document.querySelector("[data-zona-unggah]");
            zona.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
            zona.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        [base64.b64encode(b).decode() for b in (PDF_RUSAK, pdf("uraian"))],
    )

    # One row each: name, size, a progress bar, and a choice pre-filled with the missing documents in order.
    expect(page.get_by_test_id("antrean-unggah").locator("li")).to_have_count(5)
    for nama, pilihan in [
        ("sk-anjab.pdf", SYARAT_E1_1[0]),
        ("laporan.pdf", SYARAT_E1_1[1]),
        ("besar.pdf", SYARAT_E1_1[2]),
        ("rusak.pdf", "Bukti pendukung lain"),
        ("uraian.pdf", "Bukti pendukung lain"),
    ]:
        baris = _baris(page, nama)
        expect(baris.get_by_label("Untuk bukti wajib").locator("option:checked")).to_have_text(pilihan)
        expect(baris.get_by_role("progressbar", name=f"Kemajuan unggah {nama}")).to_have_attribute(
            "value", "0"
        )
        expect(baris).to_contain_text("Menunggu diunggah")
    expect(_baris(page, "besar.pdf")).to_contain_text("MB")
    _baris(page, "uraian.pdf").get_by_label("Untuk bukti wajib").select_option(label=SYARAT_E1_1[1])

    form.get_by_role("button", name="Unggah").click()

    # The page reloads with the good files in the list, and each refusal next to its file's name.
    hasil = page.get_by_test_id("hasil-unggah")
    expect(hasil).to_contain_text("2 dari 5 berkas diterima, 3 ditolak.")
    ditolak = hasil.locator("li")
    expect(ditolak).to_have_count(3)
    expect(ditolak.filter(has_text="laporan.pdf")).to_contain_text(
        "laporan.pdf — Ditolak: Isi berkas bukan PDF walaupun namanya berakhiran .pdf. Berkas ditolak."
    )
    expect(ditolak.filter(has_text="besar.pdf")).to_contain_text(
        "besar.pdf — Ditolak: Berkas terlalu besar (1,0 MB); batasnya 1 MB per berkas."
    )
    expect(ditolak.filter(has_text="rusak.pdf")).to_contain_text(
        "rusak.pdf — Ditolak: Berkas PDF ini rusak atau tidak dapat dibuka."
    )
    daftar = page.get_by_test_id("daftar-bukti")
    expect(
        daftar.locator("li", has_text=SYARAT_E1_1[0]).get_by_role("link", name="sk-anjab.pdf")
    ).to_be_visible()
    expect(
        daftar.locator("li", has_text=SYARAT_E1_1[1]).get_by_role("link", name="uraian.pdf")
    ).to_be_visible()
    assert sorted(
        BuktiDukung.objects.filter(peserta=peserta).values_list("nama_berkas", "syarat__uraian")
    ) == [("sk-anjab.pdf", SYARAT_E1_1[0]), ("uraian.pdf", SYARAT_E1_1[1])]

    # The refusals stay until the operator closes them.
    page.reload()
    expect(page.get_by_test_id("hasil-unggah").locator("li")).to_have_count(3)
    page.get_by_test_id("hasil-unggah").get_by_role("button", name="Tutup").click()
    expect(page.get_by_test_id("hasil-unggah")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("hasil-unggah")).to_have_count(0)

    # A batch with only refusals does not reload: the verdict stays in the file's own row.
    form = page.get_by_test_id("form-unggah")
    form.get_by_label("Berkas bukti dukung").set_input_files([_berkas(tmp_path, "program.exe", EXE)])
    expect(
        _baris(page, "program.exe").get_by_label("Untuk bukti wajib").locator("option:checked")
    ).to_have_text(SYARAT_E1_1[2])
    form.get_by_role("button", name="Unggah").click()
    expect(_baris(page, "program.exe")).to_contain_text(
        "Ditolak: Jenis berkas tidak diizinkan. Unggah PDF, JPG, PNG, XLSX atau DOCX."
    )
    expect(form.locator("[data-ringkasan-unggah]")).to_have_text("0 dari 1 berkas diterima, 1 ditolak.")

    # The last required document, then everything else through the services; then the submission.
    form.get_by_label("Berkas bukti dukung").set_input_files(
        [_berkas(tmp_path, "e-formasi.pdf", pdf("e-formasi"))]
    )
    expect(
        _baris(page, "e-formasi.pdf").get_by_label("Untuk bukti wajib").locator("option:checked")
    ).to_have_text(SYARAT_E1_1[2])
    form.get_by_role("button", name="Unggah").click()
    expect(page.get_by_test_id("hasil-unggah")).to_contain_text("1 berkas terunggah.")
    services.simpan_jawaban(
        peserta=peserta,
        indikator=Indikator.objects.get(periode=periode_mandiri, kode="E1.1"),
        level=3,
        penjelasan="ANJAB-ABK ditetapkan.",
        oleh=operator_a,
    )
    _lengkapi_kecuali(peserta, operator_a, kecuali="E1.1")
    page.goto("/penilaian-mandiri/2030/")
    page.get_by_role("button", name="Kirim penilaian mandiri").click()

    # The receipt: agency, period, when (WIB), who, per indicator the level and files, the fingerprint.
    expect(page).to_have_url(re.compile(r"/penilaian-mandiri/2030/tanda-terima/$"))
    terima = page.get_by_test_id("tanda-terima")
    expect(terima.get_by_role("heading", level=1)).to_have_text("Tanda terima pengiriman")
    expect(terima).to_contain_text("Pemerintah Kabupaten Alfa")
    expect(terima).to_contain_text("BKN Award 2030")
    expect(terima.get_by_test_id("dikirim-pada")).to_have_text(
        re.compile(r"^\d{1,2} \w+ 20\d\d pukul \d\d\.\d\d WIB$")
    )
    expect(terima).to_contain_text("Operator Alfa")
    expect(terima.get_by_test_id("jumlah-tanda-terima")).to_contain_text(
        "28 dari 28 indikator dijawab · 87 berkas bukti dukung"
    )
    e11 = terima.get_by_test_id("baris-tanda-terima").filter(has_text="E1.1")
    expect(e11.first).to_contain_text("sk-anjab.pdf")
    expect(e11.first).to_contain_text("uraian.pdf")
    expect(e11.first).to_contain_text("e-formasi.pdf")
    expect(terima.get_by_test_id("nomor-tanda-terima")).to_have_text(
        re.compile(r"^[0-9A-F]{4}(-[0-9A-F]{4}){3}$")
    )
    sidik = terima.get_by_test_id("sidik-tanda-terima").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", sidik)
    expect(terima.get_by_role("button", name="Cetak")).to_be_visible()
