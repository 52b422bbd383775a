"""The site as a whole: health check, error pages, content security, production settings."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from bkn_award.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "broker": {"status": "ok"},
        "cache": {"status": "ok"},
    }


@pytest.fixture
def broker_down(monkeypatch):
    """Point Celery at a port where nothing listens."""
    conf = celery_app.conf
    # The stored values, read before the environment changes (the property prefers the environment).
    saved = conf.get("broker_url"), conf.get("broker_transport_options")
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    conf.broker_url, conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    yield
    conf.broker_url, conf.broker_transport_options = saved


def test_healthz_answers_503_when_the_broker_is_down(client, broker_down):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "gagal"
    assert body["database"] == {"status": "ok"}
    assert body["broker"]["status"] == "gagal"
    assert "Connection" in body["broker"]["pesan"] or "refused" in body["broker"]["pesan"]


def test_healthz_is_public_and_never_cached(client):
    response = client.get(reverse("healthz"))

    assert "no-cache" in response["Cache-Control"]


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize("persona", ["admin_bkn", "ketua", "penilai", "operator_a", None])
def test_pages_have_no_inline_script_or_style(client_of, request, persona, instansi_a):
    user = request.getfixturevalue(persona) if persona else None
    client = client_of(user)
    urls = [reverse("login"), reverse("tentang")]
    if user is not None:
        urls += [reverse("beranda"), reverse("password_change")]
    if persona == "admin_bkn":
        urls += [reverse("instansi:daftar"), reverse("instansi:detail", args=[instansi_a.kode])]

    for url in urls:
        html = client.get(url, follow=True).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_404_page_is_in_indonesian(client_of, penilai):
    response = client_of(penilai).get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_500_page_is_in_indonesian():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()


def test_about_page_carries_the_odbl_attribution(client):
    response = client.get(reverse("tentang"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Contains information from idn-area-data" in html
    assert "Open Database License (ODbL)" in html


def test_attribution_is_in_the_footer_of_every_page(client):
    assert "idn-area-data" in client.get(reverse("login")).content.decode()


def test_licence_ships_with_the_data():
    data = settings.BASE_DIR / "instansi" / "data"

    assert (data / "LICENSE-ODbL-idn-area-data.md").read_text().startswith("# Open Database License")


def _manage(*args, **env):
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "produksi-rahasia-yang-panjang-dan-acak-" + "x7Q!" * 5,
        ALLOWED_HOSTS="award.bkn.go.id",
        EMAIL_HOST="smtp.bkn.go.id",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr


def test_settings_follow_the_environment():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_BROKER_URL, s.LANGUAGE_CODE, s.TIME_ZONE]))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    environ.update(
        DJANGO_SETTINGS_MODULE="bkn_award.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/contoh",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(result.stdout) == [
        "django.db.backends.postgresql",
        "contoh",
        "redis://127.0.0.1:6379/3",
        "id",
        "Asia/Jakarta",
    ]


@pytest.mark.parametrize(
    ("persona", "nama"),
    [
        ("admin_bkn", "beranda_admin"),
        ("ketua", "beranda_ketua"),
        ("penilai", "beranda_penilai"),
        ("operator_a", "beranda_operator"),
        ("penilai", "penilai:konflik"),
        ("admin_bkn", "penilaian:periode_daftar"),
    ],
)
def test_pages_of_a_signed_in_user_are_never_stored(client_of, request, persona, nama):
    response = client_of(request.getfixturevalue(persona)).get(reverse(nama))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_for_anonymous_visitors_keep_their_own_caching(client):
    response = client.get(reverse("tentang"))

    assert "no-store" not in response.get("Cache-Control", "")
