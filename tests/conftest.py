"""Fixtures shared by every test: the personas of the BKN Award, as healthchecks does with alice and bob."""

import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from bkn_award import antrean, halaman_publik
from instansi.models import Peran
from penilaian import services as penilaian_services
from penilaian.models import Tahap

from .factories import InstansiFactory, OperatorFactory, PenggunaFactory, PeriodeFactory, jadwal_lengkap

pytest_plugins = ["tests.contoh", "tests.klarifikasi_contoh"]

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
        "sertifikat": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT / "sertifikat")},
        },
    }
    if not os.environ.get("CACHE_URL"):
        # Keep the development server's file cache out of the tests.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    halaman_publik.simpanan.kosongkan()  # the process's copies of public pages, of earlier tests' rows
    antrean.pulihkan()  # a broker failure of an earlier test is not this test's


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
            client.force_login(user, backend="instansi.backends.PenggunaBackend")
        return client

    return _client_of


# A period walked through its stages: the fixtures build on each other.


@pytest.fixture
def periode(admin_bkn):
    """A period in preparation with the 2023 template instrument."""
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn)
    penilaian_services.muat_templat(periode=periode)
    return periode


@pytest.fixture
def periode_siap(periode, instansi_a, instansi_b):
    """A period ready to open self-assessment: instrument, timeline, participants."""
    penilaian_services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    penilaian_services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    return periode


@pytest.fixture
def periode_mandiri(admin_bkn, periode_siap):
    """A period open for self-assessment (until a week from now), instansi_a and instansi_b taking part."""
    return penilaian_services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)


@pytest.fixture
def peserta_a(periode_mandiri, instansi_a):
    return periode_mandiri.peserta.get(instansi=instansi_a)


@pytest.fixture
def peserta_b(periode_mandiri, instansi_b):
    return periode_mandiri.peserta.get(instansi=instansi_b)


@pytest.fixture
def penilai2(db):
    return PenggunaFactory(username="penilai.dua", nama="Penilai Dua", peran=Peran.PENILAI)


@pytest.fixture
def periode_verifikasi(admin_bkn, periode_mandiri):
    """Self-assessment closed a minute ago; verification and scoring open, as scheduled."""
    semenit_lalu = timezone.now() - timedelta(minutes=1)
    periode_mandiri.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).update(selesai=semenit_lalu)
    periode_mandiri.jadwal.filter(tahap=Tahap.VERIFIKASI).update(mulai=semenit_lalu)
    return penilaian_services.maju_tahap(
        periode=periode_mandiri, dari=Tahap.PENILAIAN_MANDIRI, oleh=admin_bkn
    )


def pytest_sessionfinish(session, exitstatus):
    """In CI (TOLAK_TES_DILEWATI=1) a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("TOLAK_TES_DILEWATI") and skipped:
        reporter.write_line(f"GAGAL: {len(skipped)} tes dilewati; di CI setiap tes harus berjalan.", red=True)
        session.exitstatus = 1


def _url_database(d):
    if d["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{d['NAME']}"
    kredensial = d["USER"] + (f":{d['PASSWORD']}" if d["PASSWORD"] else "")
    return f"postgres://{kredensial}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


class RedisSementara:
    """A redis-server of the test's own, on a free port, that the test can stop, freeze and restart."""

    def __init__(self, folder):
        import shutil
        import socket

        self.program = shutil.which("redis-server")
        if self.program is None:  # CI installs it; a missing server must fail, never skip
            pytest.fail("redis-server tidak ada di PATH: uji gangguan Redis butuh server Redis sungguhan.")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proses = None

    def mulai(self):
        import subprocess
        import time

        import redis

        self.proses = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                self.program,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        akhir = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > akhir:
                    pytest.fail("redis-server uji tidak siap dalam 10 detik")
                time.sleep(0.05)

    def hentikan(self):
        self.cairkan()
        self.proses.terminate()
        self.proses.wait(10)

    def bekukan(self):
        import signal

        self.proses.send_signal(signal.SIGSTOP)

    def cairkan(self):
        import signal

        if self.proses.poll() is None:
            self.proses.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_sementara(tmp_path):
    server = RedisSementara(tmp_path)
    server.mulai()
    yield server
    if server.proses.poll() is None:
        server.hentikan()


@pytest.fixture
def jalankan_worker(transactional_db, settings):
    """jalankan_worker(jeda=0, **env): a real Celery worker process on the test database and the configured broker.

    Its queue is unique to the test, so nothing else picks up its tasks. The
    worker is stopped (killed if need be) when the test ends.
    """
    import signal
    import subprocess
    import sys
    import threading
    import time
    import uuid

    from django.db import connection

    proses = []

    def _jalankan(jeda=0, **tambahan):
        antrean = f"uji-{uuid.uuid4().hex[:10]}"
        settings.CELERY_TASK_DEFAULT_QUEUE = antrean
        env = {
            **os.environ,
            "DATABASE_URL": _url_database(connection.settings_dict),
            "CELERY_QUEUE": antrean,
            "PERINGKAT_JEDA_DETIK": str(jeda),
            # The test's private files (evidence, certificates), where the test server reads them.
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "DJANGO_SETTINGS_MODULE": "bkn_award.settings",
            **tambahan,
        }
        proc = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bkn_award",
                "worker",
                "--pool=solo",
                "-Q",
                antrean,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            cwd=str(settings.BASE_DIR),
        )
        keluaran = []
        siap = threading.Event()

        def baca():
            for baris in proc.stdout:
                keluaran.append(baris)
                if " ready." in baris:
                    siap.set()

        threading.Thread(target=baca, daemon=True).start()
        if not siap.wait(60):
            proc.kill()
            pytest.fail("Worker Celery tidak siap dalam 60 detik:\n" + "".join(keluaran[-30:]))
        proc.keluaran = keluaran
        proses.append(proc)
        time.sleep(0.5)  # let the consumer attach to its queue
        return proc

    yield _jalankan
    for proc in proses:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
