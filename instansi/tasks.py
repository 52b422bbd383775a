"""Celery tasks of the agencies and accounts app: thin wrappers around their functions."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import akun


@shared_task(
    name="instansi.kirim_tautan_atur_sandi",
    acks_late=True,
    # A database connection lost or a mail server down for a moment: the mail is late, not lost.
    autoretry_for=(OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def kirim_tautan_atur_sandi(*, email):
    """Look the address up and send it the set-password link (see akun.kirim_tautan_atur_sandi)."""
    return akun.kirim_tautan_atur_sandi(email=email)
