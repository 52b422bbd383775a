"""Signing in, each role's home page and navigation, throttling, passwords."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from instansi import akun
from instansi.models import Peran

from .factories import KATA_SANDI

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")

HOME = {
    "admin_bkn": ("beranda_admin", "Beranda Panitia"),
    "ketua": ("beranda_ketua", "Beranda Ketua Tim Penilai"),
    "penilai": ("beranda_penilai", "Beranda Penilai"),
    "operator_a": ("beranda_operator", "Operator Instansi"),
}


def login(client, username, password=KATA_SANDI, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("persona", HOME)
def test_each_role_lands_on_its_own_home_page(client, request, persona):
    user = request.getfixturevalue(persona)
    url_name, heading = HOME[persona]

    response = login(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("beranda")

    home = client.get(reverse("beranda"))
    assert home.status_code == 302
    assert home["Location"] == reverse(url_name)
    page = client.get(reverse(url_name))
    assert page.status_code == 200
    assert heading in page.content.decode()


@pytest.mark.parametrize("persona", HOME)
def test_other_roles_home_pages_are_forbidden(client_of, request, persona):
    client = client_of(request.getfixturevalue(persona))
    own = HOME[persona][0]

    for url_name, _heading in HOME.values():
        expected = 200 if url_name == own else 403
        assert client.get(reverse(url_name)).status_code == expected, url_name


def _nav_links(response):
    nav = response.content.decode().split('class="navbar-nav me-auto"')[1].split("</ul>")[0]
    return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', nav)


def test_navigation_shows_only_what_the_role_may_use(client_of, admin_bkn, penilai, operator_a):
    admin_links = _nav_links(client_of(admin_bkn).get(reverse("beranda_admin")))
    penilai_links = _nav_links(client_of(penilai).get(reverse("beranda_penilai")))
    operator_links = _nav_links(client_of(operator_a).get(reverse("beranda_operator")))

    assert admin_links == [
        reverse("beranda"),
        reverse("penilaian:periode_daftar"),
        reverse("instansi:daftar"),
        reverse("admin:index"),
    ]
    assert penilai_links == [reverse("beranda"), reverse("penilai:konflik")]
    assert operator_links == [
        reverse("beranda"),
        reverse("instansi:detail", args=[operator_a.instansi.kode]),
    ]


def test_admin_home_counts_agencies_per_kind(client_of, admin_bkn, instansi_a, instansi_b):
    response = client_of(admin_bkn).get(reverse("beranda_admin"))

    counts = {jenis.value: n for jenis, n in response.context["per_jenis"]}
    assert counts == {"kementerian": 0, "lembaga": 0, "provinsi": 2, "kota": 0, "kabupaten": 2}
    assert response.context["total_instansi"] == 4
    assert dict(response.context["pengguna_per_peran"])[Peran.ADMIN] == 1


def test_operator_home_shows_its_agency(client_of, operator_a):
    response = client_of(operator_a).get(reverse("beranda_operator"))

    assert response.context["instansi"] == operator_a.instansi
    assert operator_a.instansi.nama in response.content.decode()


def test_anonymous_user_is_sent_to_login_from_every_private_page(client):
    for url_name in ["beranda", "beranda_admin", "beranda_ketua", "beranda_penilai", "beranda_operator"]:
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")


def test_wrong_password_shows_an_indonesian_message(client, penilai):
    response = login(client, penilai.username, "salah-sekali")

    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_failed_logins_are_throttled(client, penilai, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, penilai.username, "salah").status_code == 200

    locked = login(client, penilai.username, "salah")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in locked.content.decode()

    # Even the right password is refused while locked out.
    still_locked = login(client, penilai.username, KATA_SANDI)
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_throttling_one_user_does_not_lock_out_another(client, penilai, ketua, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, penilai.username, "salah")

    assert login(client, ketua.username).status_code == 302


def test_guessing_one_account_from_many_addresses_is_throttled(client, penilai, settings):
    settings.AXES_FAILURE_LIMIT_AKUN = 12
    # Four wrong passwords from each of three addresses: under the pair's limit of 5 every time.
    for n in range(3):
        for _attempt in range(4):
            assert login(client, penilai.username, "salah", REMOTE_ADDR=f"10.0.0.{n}").status_code == 200

    # The account's limit (12) is reached: a new address, even with the right password, is refused.
    response = login(client, penilai.username, KATA_SANDI, REMOTE_ADDR="10.0.9.9")

    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal untuk akun ini" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_failures_from_other_offices_do_not_lock_the_account(client, penilai, settings):
    for n in range(3):
        login(client, penilai.username, "salah", REMOTE_ADDR=f"10.0.1.{n}")

    assert login(client, penilai.username, KATA_SANDI, REMOTE_ADDR="10.0.9.9").status_code == 302


@pytest.mark.parametrize(
    ("menit", "teks"), [(15, "15 menit"), (45, "45 menit"), (60, "1 jam"), (90, "1 jam 30 menit")]
)
def test_the_lockout_message_states_the_configured_cool_off(client, penilai, settings, menit, teks):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=menit)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        locked = login(client, penilai.username, "salah")

    assert f"coba lagi dalam {teks} atau hubungi Admin BKN" in locked.content.decode()


def test_logout_is_a_post_and_returns_to_login(client_of, penilai):
    client = client_of(penilai)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "Anda sudah keluar" in client.get(LOGIN).content.decode()
    assert client.get(reverse("beranda")).status_code == 302


def test_password_change(client_of, penilai):
    client = client_of(penilai)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": KATA_SANDI,
            "new_password1": "Rahasia-Baru-2024",
            "new_password2": "Rahasia-Baru-2024",
        },
    )

    assert response.status_code == 302
    penilai.refresh_from_db()
    assert penilai.check_password("Rahasia-Baru-2024")


def test_password_reset_sends_an_indonesian_email_with_a_working_link(
    client, penilai, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://award.bkn.go.id"
    with django_capture_on_commit_callbacks() as antrean:
        response = client.post(reverse("password_reset"), {"email": penilai.email})
    assert response.status_code == 302
    # The request only queued the work: no mail is sent while the user waits.
    assert len(antrean) == 1
    assert mail.outbox == []

    akun.kirim_tautan_atur_sandi(email=penilai.email)  # what the worker runs

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Atur ulang kata sandi BKN Award"
    assert penilai.username in message.body
    link = re.search(r"https://award\.bkn\.go\.id(/akun/kata-sandi/atur/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Atur kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Rahasia-Baru-2024", "new_password2": "Rahasia-Baru-2024"},
    )
    assert done.status_code == 302
    penilai.refresh_from_db()
    assert penilai.check_password("Rahasia-Baru-2024")


def test_a_reset_request_looks_the_same_whether_or_not_the_address_has_an_account(
    client, penilai, django_assert_num_queries
):
    with django_assert_num_queries(0) as ada:
        dikenal = client.post(reverse("password_reset"), {"email": penilai.email})
    with django_assert_num_queries(0) as tidak:
        asing = client.post(reverse("password_reset"), {"email": "tidak.ada@contoh.invalid"})

    assert (dikenal.status_code, dikenal["Location"]) == (asing.status_code, asing["Location"])
    assert len(ada.captured_queries) == len(tidak.captured_queries) == 0


def test_reset_requests_are_limited_per_address(client, penilai, settings):
    settings.RESET_SANDI_PER_JAM = 2
    for _n in range(2):
        assert client.post(reverse("password_reset"), {"email": penilai.email}).status_code == 302

    lagi = client.post(reverse("password_reset"), {"email": penilai.email})
    lain = client.post(reverse("password_reset"), {"email": penilai.email}, REMOTE_ADDR="10.1.1.1")

    assert lagi.status_code == 429
    assert "Terlalu banyak permintaan dari alamat ini." in lagi.content.decode()
    assert lain.status_code == 302


def test_one_address_gets_at_most_a_few_reset_mails_an_hour(penilai, settings):
    settings.RESET_SANDI_PER_SUREL = 2
    for _n in range(4):
        akun.kirim_tautan_atur_sandi(email=penilai.email)

    assert len(mail.outbox) == 2


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters(penilai):
    assert penilai.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_older_pbkdf2_hash_signs_in_and_is_rehashed_with_argon2id(client, penilai):
    from django.contrib.auth.hashers import make_password

    penilai.password = make_password(KATA_SANDI, hasher="pbkdf2_sha256")
    penilai.save(update_fields=["password"])

    assert login(client, penilai.username).status_code == 302

    penilai.refresh_from_db()
    assert penilai.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert penilai.check_password(KATA_SANDI)


def test_the_login_page_costs_no_query(client, django_assert_num_queries):
    """The page everyone opens first, at Rakornas all at once: no query, no form framework."""
    with django_assert_num_queries(0):
        response = client.get(reverse("login"))

    html = response.content.decode()
    assert 'id="id_username"' in html
    assert 'autocomplete="current-password"' in html


def test_a_failed_login_marks_its_message_next_to_the_form(client, penilai):
    response = client.post(reverse("login"), {"username": penilai.username, "password": ""})

    html = response.content.decode()
    assert 'class="form-control is-invalid"' in html
    assert 'aria-describedby="id_password_error"' in html
    assert 'id="id_password_error"' in html
