"""Receivers that keep the public pages' copies true (see ``bkn_award.halaman_publik``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bkn_award import halaman_publik
from instansi.models import Instansi
from penilaian.models import Kategori, Periode, Peserta

from .models import KeputusanSeri, Penetapan, Penghargaan, PenghargaanKhusus, Predikat, Sertifikat

# What the winners, the winners' list and the verification pages show.
DITAMPILKAN = [
    Penetapan,
    Penghargaan,
    PenghargaanKhusus,
    KeputusanSeri,
    Sertifikat,
    Predikat,
    Periode,
    Kategori,
    Peserta,
    Instansi,
]


def _halaman_publik_berubah(sender, **kwargs):
    halaman_publik.berubah()


for model in DITAMPILKAN:
    receiver([post_save, post_delete], sender=model, dispatch_uid=f"halaman-publik-{model._meta.label}")(
        _halaman_publik_berubah
    )
