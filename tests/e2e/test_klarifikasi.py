"""An evaluator asks Pemerintah Kabupaten Alfa for clarification; the agency answers with a new file; the evaluator re-scores and submits."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from penilaian import services
from penilaian.models import (
    BuktiDukung,
    JenisRiwayat,
    NilaiPenilai,
    PermintaanKlarifikasi,
    Peserta,
    RiwayatNilai,
    StatusKlarifikasi,
    StatusLembar,
    Tahap,
)
from tests.factories import PeriodeFactory, jadwal_lengkap
from tests.penilaian import berkas_uji

from .peramban import konteks_baru, masuk_di

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERTANYAAN = "SK ANJAB bertanggal 2019 dan belum mencakup jabatan baru; adakah penetapan yang lebih baru?"
JAWABAN = "SK ANJAB 2024 terlampir; menggantikan SK 2019 dan mencakup seluruh jabatan."
CATATAN = "SK ANJAB 2024 mencakup seluruh jabatan setelah klarifikasi."
MEMO = "Sempat diragukan; dijawab dengan SK baru."


@pytest.fixture
def sheet(admin_bkn, operator_a, instansi_a, penilai):
    """BKN Award 2030 in verification: Alfa answered level 4 on E1.1 with SK ANJAB 2019.pdf; one evaluator."""
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    services.muat_templat(periode=periode)
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    periode = services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    peserta = Peserta.objects.get(periode=periode, instansi=instansi_a)
    indikator = list(periode.indikator.prefetch_related("rubrik", "syarat_bukti"))
    for i in indikator:
        services.simpan_jawaban(
            peserta=peserta, indikator=i, level=3, penjelasan="Sesuai dokumen.", oleh=operator_a
        )
    e11 = indikator[0]
    services.simpan_jawaban(
        peserta=peserta,
        indikator=e11,
        level=4,
        penjelasan="Seluruh jabatan sudah ditetapkan.",
        oleh=operator_a,
    )
    bukti = services.unggah_bukti(
        peserta=peserta,
        indikator=e11,
        berkas=berkas_uji.unggahan("SK ANJAB 2019.pdf", berkas_uji.pdf("sk 2019")),
        syarat=e11.syarat_bukti.first(),
        oleh=operator_a,
    )
    semenit_lalu = timezone.now() - timedelta(minutes=1)
    periode.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).update(selesai=semenit_lalu)
    periode.jadwal.filter(tahap=Tahap.VERIFIKASI).update(mulai=semenit_lalu)
    services.maju_tahap(periode=periode, dari=Tahap.PENILAIAN_MANDIRI, oleh=admin_bkn)
    lembar = services.tugaskan(peserta=peserta, penilai=penilai, oleh=admin_bkn)
    # Setup shortcut: everything but E1.1 is scored through the service, as the autosave does.
    for i in indikator[1:]:
        services.simpan_nilai(lembar=lembar, indikator=i, level=3, catatan="Sesuai", versi=0, oleh=penilai)
    return lembar, e11, bukti


def test_evaluator_asks_agency_answers_with_a_new_file_evaluator_rescores_and_submits(
    page, masuk, browser, live_server, penilai, operator_a, sheet
):
    lembar, e11, bukti_lama = sheet
    page.on("dialog", lambda dialog: dialog.accept())
    url_lembar = f"/penilaian/lembar/{lembar.pk}/"

    # 1. The evaluator asks about E1.1, naming the file in doubt.
    masuk(penilai)
    page.goto(url_lembar)
    kartu = page.locator(f"#indikator-{e11.pk}")
    klarifikasi = kartu.get_by_test_id("klarifikasi-E1.1")
    klarifikasi.get_by_text("Minta klarifikasi instansi").click()
    # An empty question is refused beside its field; nothing is sent.
    klarifikasi.get_by_role("button", name="Kirim permintaan klarifikasi").click()
    kartu = page.locator(f"#indikator-{e11.pk}")
    expect(kartu.get_by_text("Tuliskan pertanyaan untuk instansi.")).to_be_visible()
    kartu.get_by_label("Pertanyaan untuk instansi").fill(PERTANYAAN)
    kartu.get_by_label("Berkas yang diragukan").select_option(label="SK ANJAB 2019.pdf")
    kartu.get_by_role("button", name="Kirim permintaan klarifikasi").click()
    expect(
        page.get_by_role("alert").filter(
            has_text="Permintaan klarifikasi indikator E1.1 terkirim ke instansi"
        )
    ).to_be_visible()
    permintaan = PermintaanKlarifikasi.objects.get()
    kartu = page.locator(f"#indikator-{e11.pk}")
    expect(kartu.get_by_test_id("pertanyaan")).to_have_text(PERTANYAAN)
    expect(kartu.get_by_test_id("status-klarifikasi")).to_have_text("Menunggu jawaban")

    # The sheet cannot be submitted while the agency still has time to answer.
    form = page.get_by_test_id("form-nilai-E1.1")
    form.get_by_role("radio", name="2", exact=True).check()
    expect(form.get_by_test_id("tersimpan")).to_be_visible()
    form.get_by_label("Catatan", exact=True).fill("Menunggu klarifikasi.")
    expect(form.get_by_test_id("perlu-catatan")).to_have_count(0)
    page.wait_for_timeout(1500)  # the note's autosave fires a second after typing stops
    page.get_by_role("button", name="Kirim lembar").click()
    expect(
        page.get_by_role("alert").filter(
            has_text=re.compile(
                r"Permintaan klarifikasi indikator E1\.1 masih menunggu jawaban instansi sampai"
            )
        )
    ).to_be_visible()
    expect(page.get_by_test_id("status-lembar")).to_have_text("Sedang dinilai")

    # 2. The agency's operator, in its own browser, answers and replaces the doubted file.
    with konteks_baru(browser, live_server) as operator:
        masuk_di(operator, operator_a)
        operator.goto("/operator/")
        kartu_klarifikasi = operator.get_by_test_id("ringkasan-klarifikasi")
        expect(kartu_klarifikasi).to_contain_text("1 menunggu jawaban")
        kartu_klarifikasi.get_by_role("link", name="Lihat permintaan klarifikasi").click()
        daftar = operator.get_by_test_id("daftar-klarifikasi")
        expect(daftar).to_contain_text("E1.1")
        expect(daftar).not_to_contain_text(penilai.nama)
        daftar.get_by_role("link").first.click()
        expect(operator.get_by_test_id("pertanyaan")).to_have_text(PERTANYAAN)
        expect(operator.locator("main")).not_to_contain_text(penilai.nama)
        expect(operator.get_by_label("Berkas ini")).to_have_value(str(bukti_lama.pk))
        operator.get_by_role("textbox", name="Jawaban").fill(JAWABAN)
        operator.get_by_label("Berkas bukti dukung (opsional)").set_input_files(
            files=[
                {
                    "name": "SK ANJAB 2024.pdf",
                    "mimeType": "application/pdf",
                    "buffer": berkas_uji.pdf("sk 2024"),
                }
            ]
        )
        operator.get_by_role("button", name="Kirim jawaban").click()
        expect(
            operator.get_by_role("alert").filter(
                has_text="Jawaban klarifikasi indikator E1.1 terkirim ke penilai."
            )
        ).to_be_visible()
        expect(
            operator.get_by_test_id("daftar-klarifikasi").get_by_test_id("status-klarifikasi")
        ).to_have_text("Dijawab")

    # 3. The evaluator sees the answer and what changed, re-scores, and submits.
    page.reload()
    kartu = page.locator(f"#indikator-{e11.pk}")
    expect(kartu.get_by_test_id("status-klarifikasi")).to_have_text("Dijawab")
    jawaban = kartu.get_by_test_id("jawaban-klarifikasi")
    expect(jawaban).to_contain_text(JAWABAN)
    expect(jawaban.get_by_test_id("perubahan-bukti")).to_have_text(
        re.compile(r"Diganti:\s*SK ANJAB 2019\.pdf\s*→\s*SK ANJAB 2024\.pdf")
    )
    baru = BuktiDukung.objects.get(klarifikasi=permintaan)
    lama = page.request.get(f"/bukti/{bukti_lama.pk}/")
    assert lama.status == 200
    assert lama.body() == berkas_uji.pdf("sk 2019")
    expect(kartu.get_by_test_id("bukti-klarifikasi")).to_have_count(1)
    expect(kartu.get_by_role("link", name="Unduh")).to_have_attribute("href", f"/bukti/{baru.pk}/")

    form = page.get_by_test_id("form-nilai-E1.1")
    form.get_by_role("radio", name="4", exact=True).check()
    form.get_by_label("Catatan", exact=True).fill(CATATAN)
    form.get_by_label("Memo internal panel").fill(MEMO)
    page.wait_for_timeout(1500)
    expect(form.get_by_test_id("tersimpan")).to_be_visible()
    page.reload()
    form = page.get_by_test_id("form-nilai-E1.1")
    expect(form.get_by_role("radio", name="4", exact=True)).to_be_checked()
    expect(form.get_by_label("Memo internal panel")).to_have_value(MEMO)
    page.get_by_role("button", name="Kirim lembar").click()
    expect(
        page.get_by_role("alert").filter(has_text="Lembar penilaian Pemerintah Kabupaten Alfa terkirim.")
    ).to_be_visible()
    expect(page.get_by_test_id("status-lembar")).to_have_text("Dikirim")

    # The database agrees, and the audit trail holds every step.
    lembar.refresh_from_db()
    assert lembar.status == StatusLembar.DIKIRIM
    nilai = NilaiPenilai.objects.get(lembar=lembar, indikator=e11)
    assert (nilai.level, nilai.catatan, nilai.catatan_panel) == (4, CATATAN, MEMO)
    permintaan.refresh_from_db()
    assert (permintaan.status, permintaan.jawaban, permintaan.dijawab_oleh) == (
        StatusKlarifikasi.DIJAWAB,
        JAWABAN,
        operator_a,
    )
    bukti_lama.refresh_from_db()
    assert bukti_lama.pengganti == baru
    assert bukti_lama.diganti_pada is not None
    assert list(
        RiwayatNilai.objects.filter(jenis__startswith="klarif")
        .order_by("waktu", "pk")
        .values_list("jenis", "oleh")
    ) == [(JenisRiwayat.KLARIFIKASI, penilai.pk), (JenisRiwayat.KLARIFIKASI_JAWAB, operator_a.pk)]
