"""Faults: a worker killed mid-run, a database connection dropped inside a task, Redis stopped and frozen.

Each against the real thing — a Celery worker process killed with SIGKILL, backends
terminated with pg_terminate_backend, a redis-server of the test's own stopped and
frozen with SIGSTOP — and each checked the way a user meets it: the page answers in
time with a clear message, and the user can act again without anything but the page.
"""

import os
import signal
import time

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from kombu import pools as kombu_pools

from bkn_award import antrean
from bkn_award.celery import app as celery_app
from laporan.models import RunPeringkat, Snapshot, StatusRun

from .test_run import tunggu

PESAN_ANTREAN = "Antrean tugas (broker Celery) tidak dapat dihubungi"


def _lama(fungsi):
    """(result, seconds) of ``fungsi()``."""
    mulai = time.monotonic()
    hasil = fungsi()
    return hasil, time.monotonic() - mulai


# A worker killed with SIGKILL in the middle of a ranking run


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_was_killed_shows_stopped_and_starts_again_from_the_page(
    contoh, admin_bkn, client_of, jalankan_worker, settings
):
    periode, _peserta = contoh
    settings.PERINGKAT_BATAS_DIAM_DETIK = 3
    client = client_of(admin_bkn)
    worker = jalankan_worker(jeda=1.5, PERINGKAT_DETAK_DETIK="0.3")

    client.post(reverse("laporan:mulai", args=[periode.tahun]))
    run = RunPeringkat.objects.get(periode=periode)
    tunggu(lambda: RunPeringkat.objects.filter(pk=run.pk, persen__gte=20).exists(), pesan="run tidak mulai")

    # Working, and slow: its heartbeat keeps it alive past the limit.
    time.sleep(4)
    assert client.get(reverse("laporan:peringkat", args=[periode.tahun])).status_code == 200
    run.refresh_from_db()
    assert run.status == StatusRun.BERJALAN

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    dibunuh = time.monotonic()

    # The page's poll notices the silence and reloads the page.
    status_url = reverse("laporan:status_run", args=[periode.tahun, run.pk])
    tunggu(
        lambda: client.get(status_url, headers={"HX-Request": "true"}).get("HX-Refresh") == "true",
        detik=20,
        pesan="poll tidak pernah melihat run berhenti",
    )
    assert time.monotonic() - dibunuh < 10
    halaman = client.get(reverse("laporan:peringkat", args=[periode.tahun])).content.decode()
    assert "Worker berhenti di tengah perhitungan" in halaman
    assert "tidak ada snapshot yang tersimpan" in halaman
    tombol = halaman.split(f'action="{reverse("laporan:mulai", args=[periode.tahun])}"')[1].split("</form>")[
        0
    ]
    assert "disabled" not in tombol

    # The admin starts again from the page; a new worker computes it.
    jalankan_worker()
    response = client.post(reverse("laporan:mulai", args=[periode.tahun]), follow=True)
    assert "Perhitungan peringkat dimulai" in response.content.decode()
    baru = RunPeringkat.objects.filter(periode=periode).exclude(pk=run.pk).get()
    tunggu(
        lambda: RunPeringkat.objects.filter(pk=baru.pk, status=StatusRun.SELESAI).exists(), pesan="run baru"
    )
    assert Snapshot.objects.filter(periode=periode).count() == 1
    run.refresh_from_db()
    assert run.status == StatusRun.GAGAL


@pytest.mark.django_db(transaction=True)
def test_a_run_nobody_takes_is_shown_stopped_after_the_limit(contoh, admin_bkn, client_of, settings):
    periode, _peserta = contoh
    settings.PERINGKAT_BATAS_DIAM_DETIK = 1
    settings.CELERY_TASK_DEFAULT_QUEUE = "uji-tanpa-worker"  # published, never consumed
    client = client_of(admin_bkn)

    client.post(reverse("laporan:mulai", args=[periode.tahun]))
    time.sleep(1.5)
    halaman = client.get(reverse("laporan:peringkat", args=[periode.tahun])).content.decode()

    assert "Tidak ada worker Celery yang mengambil perhitungan ini dalam 1 detik" in halaman
    assert RunPeringkat.objects.get(periode=periode).status == StatusRun.GAGAL


# A database connection dropped inside the ranking task


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend; CI runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_inside_the_task_is_retried_to_the_end(contoh, admin_bkn, jalankan_worker):
    from laporan import services

    periode, _peserta = contoh
    worker = jalankan_worker(jeda=1)
    run = services.minta_peringkat(periode=periode, oleh=admin_bkn)
    tunggu(lambda: RunPeringkat.objects.filter(pk=run.pk, persen__gte=20).exists(), pesan="run tidak mulai")

    # Every other connection to the test database, i.e. the worker's: as a restart or failover does.
    d = connection.settings_dict
    with psycopg2.connect(
        dbname=d["NAME"], user=d["USER"], host=d["HOST"] or "127.0.0.1", port=d["PORT"] or 5432
    ) as pemutus:
        pemutus.autocommit = True
        with pemutus.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                [connection.cursor().connection.info.backend_pid],
            )
            assert cursor.rowcount >= 1
    pemutus.close()

    selesai = tunggu(
        lambda: RunPeringkat.objects.filter(
            pk=run.pk, status__in=[StatusRun.SELESAI, StatusRun.GAGAL]
        ).first(),
        pesan="run tidak pernah selesai setelah koneksinya diputus",
    )
    assert selesai.status == StatusRun.SELESAI, selesai.pesan_galat
    assert Snapshot.objects.filter(run=run).count() == 1
    assert any("Retry in 1s" in baris for baris in worker.keluaran), "".join(worker.keluaran[-30:])


# Redis stopped and frozen


@pytest.fixture
def redis_uji(redis_sementara, settings, monkeypatch):
    """The cache and the Celery broker on the test's own redis-server, with production's timeouts."""
    settings.CACHES = {
        "default": {
            "BACKEND": "bkn_award.cache.RedisCacheTahan",
            "LOCATION": redis_sementara.url,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    conf = celery_app.conf
    tersimpan = conf.get("broker_url"), conf.get("broker_transport_options")
    monkeypatch.setenv("CELERY_BROKER_URL", redis_sementara.url)  # Celery prefers it to its setting
    conf.broker_url = redis_sementara.url
    conf.broker_transport_options = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
    _lupakan_koneksi_celery()
    yield redis_sementara
    conf.broker_url, conf.broker_transport_options = tersimpan
    _lupakan_koneksi_celery()


def _lupakan_koneksi_celery():
    """Celery and kombu keep their connection pools per process: new ones for the new broker."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _cek_sehat(client):
    response, detik = _lama(lambda: client.get(reverse("healthz")))
    return response.status_code, response.json(), detik


def _minta_peringkat(client, periode):
    response, detik = _lama(lambda: client.post(reverse("laporan:mulai", args=[periode.tahun])))
    assert response.status_code == 302
    pesan = client.get(response["Location"]).content.decode()
    return pesan, detik


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("gangguan", ["mati", "beku"])
def test_redis_stopped_or_frozen_costs_no_500_and_no_long_wait(
    gangguan, diumumkan, admin_bkn, client_of, client, redis_uji
):
    penetapan, peserta = diumumkan
    periode = penetapan.periode
    admin = client_of(admin_bkn)
    pemenang_url = reverse("pemenang", args=[periode.tahun])
    assert client.get(pemenang_url).status_code == 200  # cached now
    sebelumnya = set(RunPeringkat.objects.values_list("pk", flat=True))

    if gangguan == "mati":
        redis_uji.hentikan()
    else:
        redis_uji.bekukan()
    try:
        # The public winners page: computed without the cache, within the timeout.
        response, detik = _lama(lambda: client.get(pemenang_url))
        assert response.status_code == 200
        assert peserta["A"].instansi.nama in response.content.decode()
        assert detik < 2, detik

        # The health check names the broken parts, within about two seconds.
        status, badan, detik = _cek_sehat(client)
        assert (status, badan["status"], badan["database"]["status"]) == (503, "gagal", "ok")
        assert badan["broker"]["status"] == badan["cache"]["status"] == "gagal"
        assert detik < 2.5, detik

        # "Hitung peringkat": told at once, and the run does not block a later one.
        pesan, detik = _minta_peringkat(admin, periode)
        assert PESAN_ANTREAN in pesan
        assert detik < 3, detik
        gagal = RunPeringkat.objects.exclude(pk__in=sebelumnya).get()
        assert gagal.status == StatusRun.GAGAL
        assert PESAN_ANTREAN in gagal.pesan_galat
    finally:
        if gangguan == "mati":
            redis_uji.mulai()
        else:
            redis_uji.cairkan()

    # Back: healthy again, and the next click queues a run (once the web process stops leaving the
    # broker alone: five seconds, skipped here).
    antrean.pulihkan()
    status, badan, _detik = _cek_sehat(client)
    assert status == 200, badan
    pesan, _detik = _minta_peringkat(admin, periode)
    assert "Perhitungan peringkat dimulai" in pesan
    baru = RunPeringkat.objects.exclude(pk__in={*sebelumnya, gagal.pk}).get()
    assert baru.status == StatusRun.ANTRE
    assert baru.task_id


def test_a_cache_that_fails_leaves_redis_alone_for_a_while(redis_sementara, settings):
    """After one timeout, the next reads answer at once instead of waiting again."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "bkn_award.cache.RedisCacheTahan",
            "LOCATION": redis_sementara.url,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    cache.set("kunci", "nilai")
    redis_sementara.bekukan()
    try:
        hasil, pertama = _lama(lambda: cache.get("kunci", "tidak ada"))
        assert hasil == "tidak ada"
        assert 0.4 < pertama < 1.5
        _hasil, berikut = _lama(lambda: [cache.get("kunci"), cache.set("k", 1), cache.get_many(["a", "b"])])
        assert berikut < 0.1
    finally:
        redis_sementara.cairkan()
