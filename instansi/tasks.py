"""Celery tasks of the agencies and accounts app: thin wrappers around their functions."""

from celery import shared_task

from . import akun


@shared_task(name="instansi.kirim_tautan_atur_sandi", acks_late=True, max_retries=3)
def kirim_tautan_atur_sandi(*, email):
    """Look the address up and send it the set-password link (see akun.kirim_tautan_atur_sandi)."""
    return akun.kirim_tautan_atur_sandi(email=email)
