"""The notification tasks: sending the outbox, the daily digest, the deadline reminders (Celery beat)."""

from celery import shared_task

from . import pengingat, services


@shared_task(name="notifikasi.tasks.kirim_antrean")
def kirim_antrean():
    return dict(services.kirim_antrean())


@shared_task(name="notifikasi.tasks.kirim_ringkasan")
def kirim_ringkasan():
    return dict(services.kirim_ringkasan())


@shared_task(name="notifikasi.tasks.kirim_pengingat")
def kirim_pengingat():
    return pengingat.kirim_pengingat()


@shared_task(name="notifikasi.tasks.tenggat_terlewat")
def tenggat_terlewat():
    return pengingat.kirim_tenggat_terlewat()
