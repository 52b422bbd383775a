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
