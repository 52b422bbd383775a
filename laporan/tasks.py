"""Celery tasks of the reports app: thin wrappers around services."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_init
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services

log = logging.getLogger(__name__)


@shared_task(bind=True, name="laporan.hitung_peringkat", acks_late=True, max_retries=3)
def hitung_peringkat(self, *, run_id):
    """Compute ranking run ``run_id``; safe to retry (see services.jalankan_run).

    A lost database connection is retried after 1, 2 and 4 seconds; after that, or if
    the retry cannot be published, the run is failed with a reason the admin reads.
    """
    log.info("Menghitung peringkat, run %s", run_id)
    try:
        return services.jalankan_run(run_id=run_id)
    except services.DatabaseGaib as exc:
        if self.request.retries < self.max_retries:
            try:
                ulang = self.retry(exc=exc, countdown=2**self.request.retries, throw=False)
            except Exception:  # the retry could not be published either
                log.exception("Run peringkat %s tidak dapat dijadwalkan ulang", run_id)
            else:
                raise ulang
        services.gagalkan_run(
            run_id, _("Koneksi ke database terputus berulang kali: %(galat)s") % {"galat": exc}
        )
        raise


@shared_task(
    name="laporan.render_sertifikat",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def render_sertifikat(*, sertifikat_id):
    """Render one certificate (nothing happens if its text is unchanged).

    Safe to run twice or after a crash (see services.sertifikat.render): a task whose worker
    died is delivered again, and the panel offers to queue again what stays pending.
    """
    log.info("Merender sertifikat %s", sertifikat_id)
    return services.render(sertifikat_id=sertifikat_id)


@worker_init.connect
def siapkan_render_sertifikat(**_kwargs):
    """Before the worker forks its pool: each pool process then starts ready to render certificates
    (WeasyPrint, fonts, template engine loaded once and shared), not slowed in its first one."""
    try:
        services.sertifikat.siapkan_render()
    except Exception:  # a worker that cannot warm up still works: its first certificate pays instead
        log.exception("Persiapan render sertifikat gagal")


@shared_task(
    name="laporan.segarkan_pengumuman",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def segarkan_pengumuman(*, tahun):
    """Build the public winners page into the cache, as of its announcement time (maybe later)."""
    from .pengumuman import html_pemenang
    from .queries import penetapan_terbit

    penetapan = penetapan_terbit(tahun, sekarang=timezone.now() + timedelta(days=3650))
    if penetapan is None:
        return False
    return html_pemenang(tahun, sekarang=max(penetapan.diumumkan_pada, timezone.now())) is not None


@shared_task(
    name="laporan.beri_tahu_pengumuman",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
)
def beri_tahu_pengumuman():
    """Tell the agencies of the scheduled announcements whose time has come (Celery beat, every minute).

    Safe to run twice or by two beats at once: each decision is told of once (its ``kunci``).
    """
    from notifikasi import peristiwa

    return peristiwa.umumkan_yang_tiba()
