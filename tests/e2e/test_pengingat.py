"""The admin sets a period's reminder days on the assessment settings, in a real browser (axe on each page)."""

import pytest
from playwright.sync_api import expect

from penilaian.models import Periode

from ..factories import PeriodeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_sets_the_reminder_days_and_is_told_what_is_wrong_with_bad_ones(page, masuk, admin_bkn):
    periode = PeriodeFactory(nama="BKN Award 2031", tahun=2031, dibuat_oleh=admin_bkn)
    masuk(admin_bkn)
    page.goto(f"/periode/{periode.tahun}/penugasan/")
    kolom = page.get_by_label("Hari pengingat tenggat")
    expect(kolom).to_have_value("7,3,1")

    kolom.fill("7, 0, 1")
    page.get_by_role("button", name="Simpan").click()
    expect(kolom).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text("Hari pengingat paling sedikit 1 (sehari sebelum tenggat); 0 tidak dapat dipakai.")
    ).to_be_visible()
    assert Periode.objects.get(pk=periode.pk).hari_pengingat == "7,3,1"

    page.get_by_label("Hari pengingat tenggat").fill("1, 14, 7, 7")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Pengaturan penilaian disimpan.")).to_be_visible()
    expect(page.get_by_label("Hari pengingat tenggat")).to_have_value("14,7,1")
    assert Periode.objects.get(pk=periode.pk).hari_pengingat == "14,7,1"
