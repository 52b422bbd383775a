"""The bell learns of a new notification while the page stays open; reading it clears the count."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from notifikasi import services
from notifikasi.models import Jenis, Notifikasi, StatusEmail
from tests.factories import PeriodeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KOSONG = "Pemberitahuan, tidak ada yang belum dibaca"


def test_bell_shows_a_new_notification_without_reload_and_clears_once_read(page, masuk, operator_a, settings):
    settings.NOTIFIKASI_POLL_DETIK = 1
    masuk(operator_a)
    lonceng = page.get_by_test_id("tombol-lonceng")
    expect(lonceng).to_have_accessible_name(KOSONG)
    expect(page.get_by_test_id("jumlah-lonceng")).to_have_count(0)
    # Gone if the page were loaded again.
    page.evaluate("window.halamanYangSama = true")

    # Another user's action tells the operator, while its page stays open.
    services.beri_tahu(
        [operator_a],
        jenis=Jenis.KLARIFIKASI_DIMINTA,
        judul="Permintaan klarifikasi indikator E1.1",
        isi="Penilai meminta penjelasan atas SK ANJAB.",
        tautan=reverse("notifikasi:preferensi"),
    )

    expect(page.get_by_test_id("jumlah-lonceng")).to_have_text("1")
    expect(lonceng).to_have_accessible_name("Pemberitahuan, 1 belum dibaca")
    assert page.evaluate("window.halamanYangSama") is True

    lonceng.click()
    menu = page.get_by_test_id("menu-lonceng")
    expect(menu.get_by_test_id("menu-notifikasi")).to_have_count(1)
    expect(menu.get_by_test_id("menu-notifikasi")).to_contain_text("Permintaan klarifikasi indikator E1.1")

    # From here the bell would wait ten minutes for its next poll: only the inbox's own event
    # ("notifikasi-berubah") can bring the count back to 0.
    settings.NOTIFIKASI_POLL_DETIK = 600
    menu.get_by_test_id("lihat-semua").click()
    expect(page).to_have_url(re.compile(r"/notifikasi/$"))
    butir = page.get_by_test_id("notifikasi")
    expect(butir).to_contain_text("Penilai meminta penjelasan atas SK ANJAB.")
    expect(page.get_by_test_id("jumlah-lonceng")).to_have_text("1")
    page.evaluate("window.halamanYangSama = true")

    butir.get_by_test_id("tandai-dibaca").click()

    expect(butir).to_have_attribute("data-dibaca", "ya")
    expect(butir).to_contain_text("Sudah dibaca")
    expect(page.get_by_test_id("jumlah-lonceng")).to_have_count(0)
    expect(lonceng).to_have_accessible_name(KOSONG)
    assert page.evaluate("window.halamanYangSama") is True
    assert Notifikasi.objects.get().dibaca_pada is not None


def test_opening_a_notification_goes_to_its_page_and_preferences_are_saved(page, masuk, operator_a):
    services.beri_tahu(
        [operator_a],
        jenis=Jenis.PERIODE_DIBUKA,
        judul="BKN Award 2030 dibuka",
        isi="Penilaian mandiri dapat diisi.",
        tautan=reverse("notifikasi:preferensi"),
    )
    masuk(operator_a)
    expect(page.get_by_test_id("jumlah-lonceng")).to_have_text("1")

    page.goto(reverse("notifikasi:daftar"))
    buka = page.get_by_test_id("buka")
    expect(buka).to_have_accessible_name(re.compile(r"^Buka\W+BKN Award 2030 dibuka$"))
    buka.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preferensi surel pemberitahuan")
    expect(page.get_by_test_id("jumlah-lonceng")).to_have_count(0)
    pilihan = page.get_by_test_id("preferensi-periode_dibuka")
    expect(pilihan.get_by_label("Surel segera")).to_be_checked()
    pilihan.get_by_label("Tanpa surel").check()
    page.get_by_test_id("preferensi-hasil_sementara").get_by_label("Dalam ringkasan harian").check()
    page.get_by_test_id("simpan-preferensi").click()

    expect(page.get_by_role("alert")).to_contain_text("Preferensi surel pemberitahuan disimpan.")
    expect(page.get_by_test_id("preferensi-periode_dibuka").get_by_label("Tanpa surel")).to_be_checked()
    baru = services.beri_tahu([operator_a], jenis=Jenis.PERIODE_DIBUKA, judul="Uji", isi="Uji")
    assert baru[0].status_email == StatusEmail.TIDAK_DIMINTA


def test_admin_resends_a_failed_email_from_the_period_log(page, masuk, admin_bkn, operator_a):
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    Notifikasi.objects.create(
        penerima=operator_a,
        jenis=Jenis.HASIL_SEMENTARA,
        periode=periode,
        judul="Hasil sementara terbit",
        isi="Lihat hasil sementara.",
        status_email=StatusEmail.GAGAL_TETAP,
        percobaan=8,
        galat_terakhir="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    Notifikasi.objects.create(
        penerima=operator_a,
        jenis=Jenis.PERIODE_DIBUKA,
        periode=periode,
        judul="Periode dibuka",
        isi="Silakan mengisi.",
        status_email=StatusEmail.TERKIRIM,
        percobaan=1,
    )
    masuk(admin_bkn)
    page.goto(reverse("penilaian:periode", args=[2030]))

    page.get_by_role("link", name="Pemberitahuan", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Log pemberitahuan — BKN Award 2030")
    expect(page.get_by_test_id("baris-log")).to_have_count(2)
    page.get_by_label("Status surel", exact=True).select_option("gagal_tetap")
    page.get_by_role("button", name="Saring").click()
    baris = page.get_by_test_id("baris-log")
    expect(baris).to_have_count(1)
    expect(baris).to_contain_text("Connection unexpectedly closed")

    baris.get_by_test_id("kirim-ulang").click()

    expect(page.get_by_role("alert")).to_contain_text("dijadwalkan untuk dikirim ulang")
    expect(page).to_have_url(re.compile(r"status=gagal_tetap"))
    expect(page.get_by_test_id("baris-log")).to_have_count(0)
    assert Notifikasi.objects.get(judul="Hasil sementara terbit").status_email == StatusEmail.MENUNGGU
