"""Preliminary results and objections (sanggah) of BKN Award 2040, in a real browser: the admin publishes a
snapshot to the agencies, regency A objects to one indicator's level with a supporting file, the panel chair
accepts it, and the next ranking, computed by a real Celery worker, reflects the new level.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from laporan import services
from laporan.models import HasilSementara, RunPeringkat, Snapshot
from penilaian import services as penilaian_services
from penilaian.models import JadwalTahap, Sanggah, StatusSanggah, Tahap

from ..factories import OperatorFactory
from ..penilaian import berkas_uji
from .peramban import konteks_baru, masuk_di

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

A = "Pemerintah Kabupaten A"
ALASAN = "SK penetapan ANJAB-ABK sudah terbit sebelum penilaian; salinannya terlampir."
KEPUTUSAN = "SK terlampir sah dan mencakup seluruh jabatan."
TERTUTUP = re.compile(
    r"Batas waktu tahap Sanggah \(\d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB\) sudah lewat; "
    r"sanggah tidak dapat disimpan lagi\.$"
)


def _snapshot(periode, oleh):
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=oleh)
    return periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))


@pytest.fixture
def moderasi_selesai(contoh, admin_bkn):
    """BKN Award 2040 (tests/contoh.py) in the Moderasi stage with one snapshot, and an operator for regency A."""
    periode, peserta = contoh
    snapshot = _snapshot(periode, admin_bkn)
    operator = OperatorFactory(
        username="operator.kab-a", nama="Operator Kab A", instansi=peserta["A"].instansi
    )
    return periode, peserta, snapshot, operator


@pytest.fixture
def masa_sanggah(moderasi_selesai, admin_bkn):
    """The snapshot published as preliminary results; the Sanggah stage open until tomorrow."""
    periode, _peserta, snapshot, operator = moderasi_selesai
    services.terbitkan_hasil_sementara(snapshot=snapshot, oleh=admin_bkn)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    sekarang = timezone.now()
    jadwal = JadwalTahap.objects.create(
        periode=periode,
        tahap=Tahap.SANGGAH,
        mulai=sekarang - timedelta(days=1),
        selesai=sekarang + timedelta(days=1),
    )
    return jadwal, operator


def _pesan(halaman, teks):
    return halaman.get_by_role("alert").filter(has_text=teks)


def _log_worker(worker):
    return "\nWorker:\n" + "".join(worker.keluaran[-30:])


def test_agency_objects_the_chair_accepts_and_the_next_ranking_reflects_the_new_level(
    page, masuk, browser, live_server, admin_bkn, ketua, moderasi_selesai, jalankan_worker, tmp_path
):
    periode, peserta, snapshot, operator = moderasi_selesai
    worker = jalankan_worker()
    dialog = []
    page.on("dialog", lambda d: (dialog.append(d.message), d.accept()))

    # 1. After moderation the admin publishes the snapshot to the agencies, after a confirmation.
    masuk(admin_bkn)
    page.goto("/peringkat/2040/")
    bagian = page.get_by_test_id("hasil-sementara")
    expect(bagian).to_contain_text("Belum diterbitkan.")
    bagian.get_by_role("button", name=re.compile(r"^Terbitkan snapshot .+ sebagai hasil sementara$")).click()
    expect(
        _pesan(
            page,
            re.compile(
                r"Hasil sementara diterbitkan kepada instansi dari snapshot .+\. Instansi melihat level "
                r"indikator, nilai elemen, dan catatan penilai miliknya sendiri; publik tidak melihatnya\."
            ),
        )
    ).to_be_visible()
    assert dialog == ["Terbitkan snapshot ini sebagai hasil sementara kepada semua instansi peserta?"]
    bagian = page.get_by_test_id("hasil-sementara")
    expect(bagian).to_contain_text("oleh Admin Uji, dari snapshot")
    expect(bagian.get_by_role("button")).to_have_count(0)  # this snapshot is the published one
    assert HasilSementara.objects.get().snapshot == snapshot
    # The admin opens the Sanggah stage (the period page's stage button is exercised by test_periode).
    penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)

    with konteks_baru(browser, live_server) as instansi:
        # 2. Regency A's operator finds its preliminary results on the home page: I1 at level 2,5.
        masuk_di(instansi, operator)
        kartu = instansi.get_by_test_id("kartu-hasil-sementara")
        expect(kartu).to_contain_text("masa sanggah")
        kartu.get_by_role("link", name="Hasil sementara BKN Award 2040").click()
        expect(instansi.get_by_role("heading", level=1)).to_have_text("Hasil sementara — BKN Award 2040")
        i1 = instansi.get_by_test_id("indikator-I1")
        expect(i1.get_by_test_id("level-sementara")).to_have_text("Level 2,50")
        expect(instansi.get_by_test_id("total-sementara")).to_have_text("62,50")
        i1.get_by_role("link", name="Ajukan sanggah I1").click()
        expect(instansi.get_by_test_id("level-sementara")).to_have_text("2,50")

        # An objection without a reason is refused beside its field; nothing is stored.
        instansi.get_by_role("button", name="Kirim sanggah").click()
        alasan = instansi.get_by_label("Alasan sanggah")
        expect(alasan).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(instansi.get_by_text("Tuliskan alasan sanggah.")).to_be_visible()
        assert not Sanggah.objects.exists()

        # With a reason and a supporting PDF, it reaches the panel.
        berkas = tmp_path / "sk-anjab-2024.pdf"
        berkas.write_bytes(berkas_uji.pdf("sk 2024"))
        alasan.fill(ALASAN)
        instansi.get_by_label("Berkas pendukung (opsional)").set_input_files(berkas)
        instansi.get_by_role("button", name="Kirim sanggah").click()
        expect(_pesan(instansi, "Sanggah indikator I1 terkirim ke panel penilai.")).to_be_visible()
        expect(instansi).to_have_url(re.compile(r"/penilaian-mandiri/2040/hasil-sementara/#indikator-\d+$"))
        i1 = instansi.get_by_test_id("indikator-I1")
        expect(i1.get_by_test_id("status-sanggah")).to_have_text("Menunggu keputusan")
        expect(i1).to_contain_text(ALASAN)
        expect(i1.get_by_role("link", name="Ajukan sanggah I1")).to_have_count(0)  # one per indicator
        expect(instansi.get_by_role("link", name="Ajukan sanggah I2")).to_be_visible()
        tautan = i1.get_by_role("link", name="sk-anjab-2024.pdf")
        unduhan = instansi.request.get(tautan.get_attribute("href"))
        assert unduhan.status == 200
        assert unduhan.body() == berkas_uji.pdf("sk 2024")

    sanggah = Sanggah.objects.get()
    assert (sanggah.status, sanggah.level_semula, sanggah.alasan, sanggah.dibuat_oleh) == (
        StatusSanggah.MENUNGGU,
        Decimal("2.5"),
        ALASAN,
        operator,
    )

    with konteks_baru(browser, live_server) as panel:
        # 3. The panel chair reads the objection and its file, and accepts it with level 4.
        masuk_di(panel, ketua)
        tautan = panel.get_by_test_id("tautan-sanggah")
        expect(tautan).to_have_text("Sanggah (1 menunggu)")
        tautan.click()
        expect(panel.get_by_role("heading", level=1)).to_have_text("Sanggah instansi — BKN Award 2040")
        expect(panel.get_by_test_id("jumlah-menunggu")).to_have_text("1")
        kartu = panel.get_by_test_id("sanggah")
        expect(kartu).to_have_count(1)
        expect(kartu.get_by_role("heading", level=2)).to_contain_text(f"{A} · I1")
        expect(kartu).to_contain_text(f"oleh {operator.nama} · level sementara 2,50")
        expect(kartu.get_by_test_id("alasan-sanggah")).to_have_text(ALASAN)
        expect(kartu.get_by_test_id("status-sanggah")).to_have_text("Menunggu keputusan")
        unduhan = panel.request.get(kartu.get_by_role("link", name="sk-anjab-2024.pdf").get_attribute("href"))
        assert unduhan.body() == berkas_uji.pdf("sk 2024")

        # Accepting without a new level is refused beside the field, the reason kept.
        kartu.get_by_label("Terima: tetapkan level baru").check()
        kartu.get_by_label("Alasan keputusan").fill(KEPUTUSAN)
        kartu.get_by_role("button", name="Simpan keputusan").click()
        kartu = panel.get_by_test_id("sanggah")
        expect(kartu.get_by_text("Pilih level baru untuk sanggah yang diterima.")).to_be_visible()
        expect(kartu.get_by_label("Alasan keputusan")).to_have_value(KEPUTUSAN)
        expect(kartu.get_by_label("Terima: tetapkan level baru")).to_be_checked()

        kartu.get_by_label("Level baru", exact=True).select_option(label="Level 4 — Level 4")
        kartu.get_by_role("button", name="Simpan keputusan").click()
        expect(
            _pesan(
                panel,
                re.compile(
                    rf"Sanggah {A} atas indikator I1 diputuskan pada \d+ \w+ \d{{4}} \d\d\.\d\d WIB\."
                ),
            )
        ).to_be_visible()
        kartu = panel.get_by_test_id("sanggah")
        expect(kartu.get_by_test_id("status-sanggah").first).to_have_text("Diterima")
        keputusan = kartu.get_by_test_id("keputusan-sanggah")
        expect(keputusan).to_contain_text("Level 2,50 → 4,00")
        expect(keputusan).to_contain_text(KEPUTUSAN)
        expect(kartu).to_contain_text(f"Diputuskan oleh {ketua.nama}")
        expect(kartu.get_by_role("button", name="Simpan keputusan")).to_have_count(0)
        expect(panel.get_by_test_id("jumlah-menunggu")).to_have_text("0")
        expect(panel.get_by_test_id("jumlah-diterima")).to_have_text("1")

    sanggah.refresh_from_db()
    assert (sanggah.status, sanggah.level_baru, sanggah.diputuskan_oleh) == (StatusSanggah.DITERIMA, 4, ketua)

    # 4. The admin ranks again on the worker; the new snapshot carries the accepted level.
    page.goto("/peringkat/2040/")
    page.get_by_role("button", name="Hitung peringkat").click()
    expect(_pesan(page, "Perhitungan peringkat dimulai")).to_be_visible()
    try:  # the page reloads itself when the worker is done
        expect(page.get_by_role("region", name="Semua snapshot").get_by_role("listitem")).to_have_count(
            2, timeout=30_000
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}{_log_worker(worker)}") from None
    baru = Snapshot.objects.latest("dibuat")
    assert baru != snapshot
    assert baru.hasil.get(peserta=peserta["A"]).level_indikator["I1"] == "4.0000"
    assert snapshot.hasil.get(peserta=peserta["A"]).level_indikator["I1"] == "2.5000"
    # A's I1 at 4 and I2 at 2,5 give E1 (4 + 2,5) / 8 = 81,25 and, with E2 at 62,5, a total of 71,875.
    tabel = page.get_by_test_id("tabel-peringkat")
    expect(tabel.locator("tbody tr").first.locator("td")).to_contain_text(["1", A, "71,88", "81,25"])
    # The newer snapshot may be published again; until then the agencies keep reading the old one.
    expect(
        page.get_by_test_id("hasil-sementara").get_by_role(
            "button", name=re.compile(r"^Terbitkan snapshot .+ sebagai hasil sementara$")
        )
    ).to_be_visible()

    with konteks_baru(browser, live_server) as instansi:
        # 5. The operator reads the decision and its timeline; the chair is never named.
        masuk_di(instansi, operator)
        instansi.goto("/penilaian-mandiri/2040/hasil-sementara/")
        i1 = instansi.get_by_test_id("indikator-I1")
        expect(i1.get_by_test_id("status-sanggah")).to_have_text("Diterima")
        expect(i1.get_by_test_id("keputusan-sanggah")).to_contain_text("Level 2,50 → 4,00")
        expect(i1.get_by_test_id("keputusan-sanggah")).to_contain_text(KEPUTUSAN)
        instansi.get_by_role("link", name="Riwayat klarifikasi dan sanggah").click()
        expect(instansi).to_have_url(re.compile(r"/penilaian-mandiri/2040/linimasa/$"))
        linimasa = instansi.get_by_test_id("linimasa")
        baris = linimasa.locator("tbody tr")
        expect(baris).to_have_count(2)
        # Newest first: Oleh, Peristiwa, Indikator, Level, Isi (after the time).
        expect(baris.nth(0).locator("td")).to_have_text(
            [re.compile(r"\d"), "Panel penilai", "Sanggah diterima", "I1", "2,50 → 4,00", KEPUTUSAN]
        )
        expect(baris.nth(1).locator("td")).to_have_text(
            [re.compile(r"\d"), operator.nama, "Sanggah diajukan", "I1", "2,50", ALASAN]
        )
        expect(instansi.locator("main")).not_to_contain_text(ketua.nama)


def test_an_objection_sent_after_the_sanggah_deadline_is_refused_and_the_form_closes(
    page, masuk, masa_sanggah
):
    jadwal, operator = masa_sanggah
    masuk(operator)

    # The operator opens the form in time and writes the reason.
    page.goto("/penilaian-mandiri/2040/hasil-sementara/")
    expect(page.get_by_test_id("batas-sanggah")).to_contain_text("Sanggah dapat diajukan sampai")
    page.get_by_test_id("indikator-I2").get_by_role("link", name="Ajukan sanggah I2").click()
    expect(page.get_by_test_id("batas-sanggah")).to_contain_text("Batas pengajuan sanggah:")
    page.get_by_label("Alasan sanggah").fill(ALASAN)

    # The deadline passes before it is sent: refused with the deadline, what was typed kept.
    JadwalTahap.objects.filter(pk=jadwal.pk).update(selesai=timezone.now() - timedelta(minutes=1))
    page.get_by_role("button", name="Kirim sanggah").click()
    expect(page.get_by_test_id("sanggah-tertutup")).to_have_text(TERTUTUP)
    expect(page.get_by_label("Alasan Anda yang tidak terkirim (salin bila perlu)")).to_have_value(ALASAN)
    expect(page.get_by_role("button", name="Kirim sanggah")).to_have_count(0)
    assert not Sanggah.objects.exists()

    # Opened again, the form is gone; the results page offers no objection any more.
    page.goto("/penilaian-mandiri/2040/sanggah/I2/")
    expect(page.get_by_test_id("sanggah-tertutup")).to_have_text(TERTUTUP)
    expect(page.get_by_label("Alasan sanggah")).to_have_count(0)
    expect(page.get_by_role("button", name="Kirim sanggah")).to_have_count(0)
    expect(page.get_by_test_id("batas-sanggah")).to_have_count(0)
    page.goto("/penilaian-mandiri/2040/hasil-sementara/")
    expect(page.get_by_test_id("sanggah-tertutup")).to_have_text(TERTUTUP)
    expect(page.get_by_test_id("indikator-I2").get_by_test_id("level-sementara")).to_have_text("Level 2,50")
    expect(page.get_by_role("link", name=re.compile(r"^Ajukan sanggah"))).to_have_count(0)
