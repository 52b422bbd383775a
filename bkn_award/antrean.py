"""Publishing a Celery task so that a lost or frozen broker costs a request a second, not a minute.

The broker's socket timeouts (settings) bound one publish to about a second. After a
failure, this process does not try again for ``JEDA_DETIK`` seconds: during an outage
every click is told at once instead of each waiting for its own timeout, and the web
workers stay free for the pages that do not need the broker.
"""

import logging
import time

from django.conf import settings

log = logging.getLogger(__name__)

JEDA_DETIK = 5.0


class AntreanTidakTersedia(Exception):
    """The broker could not take the message (down, frozen, refusing)."""


_gagal_sampai = 0.0


def kirim(task, **kwargs):
    """``task.apply_async(kwargs=kwargs)`` on the project's queue; AntreanTidakTersedia if it cannot be published."""
    global _gagal_sampai
    if time.monotonic() < _gagal_sampai:
        raise AntreanTidakTersedia("broker baru saja gagal dihubungi")
    try:
        return task.apply_async(kwargs=kwargs, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception as exc:  # kombu's OperationalError, redis' errors, a timeout: all mean "not published"
        _gagal_sampai = time.monotonic() + JEDA_DETIK
        log.warning("Tugas %s tidak dapat diantrekan: %s", task.name, exc)
        raise AntreanTidakTersedia(str(exc)) from exc


def pulihkan():
    """Forget a failure (the tests, after they bring the broker back)."""
    global _gagal_sampai
    _gagal_sampai = 0.0
