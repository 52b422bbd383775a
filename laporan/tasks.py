"""Celery tasks of the reports app: thin wrappers around services."""

import logging

from celery import shared_task
from django.db import OperationalError

from . import services

log = logging.getLogger(__name__)


@shared_task(
    name="laporan.hitung_peringkat",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def hitung_peringkat(*, run_id):
    """Compute ranking run ``run_id``; safe to retry (see services.jalankan_run)."""
    log.info("Menghitung peringkat, run %s", run_id)
    return services.jalankan_run(run_id=run_id)


@shared_task(
    name="laporan.render_sertifikat", acks_late=True, autoretry_for=(OperationalError,), max_retries=3
)
def render_sertifikat(*, sertifikat_id):
    """Render one certificate (nothing happens if its text is unchanged)."""
    return services.render(sertifikat_id=sertifikat_id)


@shared_task(name="laporan.segarkan_pengumuman")
def segarkan_pengumuman(*, tahun):
    """At the announcement time: build the public winners page into the cache."""
    from .pengumuman import html_pemenang

    return html_pemenang(tahun) is not None
