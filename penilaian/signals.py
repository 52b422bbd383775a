"""Receivers that keep the evaluators' cached worklists true (see ``cache_kerja``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from instansi.models import Instansi

from . import cache_kerja
from .models import JadwalTahap, LembarPenilaian, NilaiPenilai, Periode, Peserta


@receiver([post_save, post_delete], sender=LembarPenilaian)
def _lembar_berubah(sender, instance, **kwargs):
    cache_kerja.berubah([instance.penilai_id])


@receiver(post_save, sender=NilaiPenilai)
def _nilai_berubah(sender, instance, **kwargs):
    # Scores are deleted only with their sheet, whose own receiver runs then.
    cache_kerja.berubah([instance.lembar.penilai_id])


@receiver([post_save, post_delete], sender=Periode)
@receiver([post_save, post_delete], sender=JadwalTahap)
@receiver([post_save, post_delete], sender=Peserta)
@receiver([post_save, post_delete], sender=Instansi)
def _semua_berubah(sender, **kwargs):
    cache_kerja.berubah()
