import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = {
    "admin_bkn": ("/panitia/", "Beranda Panitia"),
    "ketua": ("/ketua/", "Beranda Ketua Tim Penilai"),
    "penilai": ("/penilai/", "Beranda Penilai"),
    "operator_a": ("/operator/", "Pemerintah Kabupaten Alfa"),
}


@pytest.mark.parametrize("persona", ROLES)
def test_each_role_signs_in_and_sees_its_home_page(page, masuk, live_server, request, persona):
    user = request.getfixturevalue(persona)
    path, heading = ROLES[persona]

    masuk(user)

    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_test_id("menu-pengguna")).to_contain_text(user.nama)


def test_admin_browses_the_agency_list(page, masuk, admin_bkn, instansi_a, instansi_b):
    masuk(admin_bkn)
    page.get_by_role("link", name="Instansi", exact=True).click()

    page.get_by_label("Cari").fill("Alfa")
    page.get_by_role("button", name="Cari").click()

    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemerintah Kabupaten Alfa")


def test_wrong_password_then_sign_out(page, masuk, penilai):
    masuk(penilai, password="keliru")
    expect(page.locator(".alert-danger")).to_contain_text("Nama pengguna atau kata sandi salah")

    masuk(penilai)
    page.get_by_test_id("menu-pengguna").click()
    page.get_by_role("button", name="Keluar").click()

    expect(page.get_by_role("heading", name="Masuk ke BKN Award")).to_be_visible()
