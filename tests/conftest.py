"""Fixtures shared by every test: the personas of the BKN Award, as healthchecks does with alice and bob."""

import os

import pytest
from django.core.cache import cache

from instansi.models import Peran

from .factories import InstansiFactory, OperatorFactory, PenggunaFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM is
# used from that same thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "bukti": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT / "bukti")},
        },
    }
    if not os.environ.get("CACHE_URL"):
        # Keep the development server's file cache out of the tests.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def admin_bkn(db):
    return PenggunaFactory(
        username="admin.uji", nama="Admin Uji", peran=Peran.ADMIN, is_staff=True, is_superuser=True
    )


@pytest.fixture
def ketua(db):
    return PenggunaFactory(username="ketua.uji", nama="Ketua Uji", peran=Peran.KETUA)


@pytest.fixture
def penilai(db):
    return PenggunaFactory(username="penilai.uji", nama="Penilai Uji", peran=Peran.PENILAI)


@pytest.fixture
def instansi_a(db):
    return InstansiFactory(nama_wilayah="Alfa")


@pytest.fixture
def instansi_b(db):
    return InstansiFactory(nama_wilayah="Beta")


@pytest.fixture
def operator_a(instansi_a):
    return OperatorFactory(username="operator.a", nama="Operator Alfa", instansi=instansi_a)


@pytest.fixture
def operator_b(instansi_b):
    return OperatorFactory(username="operator.b", nama="Operator Beta", instansi=instansi_b)


@pytest.fixture
def client_of(client):
    """client_of(user): the test client, signed in as that user (None: anonymous)."""

    def _client_of(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client_of


def pytest_sessionfinish(session, exitstatus):
    """In CI (TOLAK_TES_DILEWATI=1) a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("TOLAK_TES_DILEWATI") and skipped:
        reporter.write_line(f"GAGAL: {len(skipped)} tes dilewati; di CI setiap tes harus berjalan.", red=True)
        session.exitstatus = 1
