"""Certificates (piagam penghargaan): their text, rendering with WeasyPrint, revocation, the ZIP of all.

Rendering is one Celery task per certificate. A certificate whose text is
unchanged is not rendered again; a changed one gets a new version (the old
file is kept and listed in ``riwayat_versi``).
"""

import hashlib
import json
import logging
from functools import cache

import segno
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from penilaian.models import JenisKategori

from ..models import Sertifikat, StatusSertifikat

log = logging.getLogger(__name__)

DIR_STATIS = settings.BASE_DIR / "static"


def storage():
    return storages["sertifikat"]


@cache
def _fonts():
    # One per worker process: WeasyPrint then loads the shipped fonts once.
    return FontConfiguration()


@cache
def _fetcher():
    # One per worker process (building one loads the TLS certificates), and only local
    # files and data: a certificate never fetches anything from the network.
    return URLFetcher(allowed_protocols={"file", "data"})


def url_verifikasi(kode):
    return f"{settings.SITE_URL}{reverse('verifikasi', args=[kode])}"


def isi(sertifikat):
    """Everything printed on a certificate, as plain values (their digest decides whether to render again)."""
    p = sertifikat.penghargaan
    periode = p.penetapan.periode
    if p.kategori.jenis == JenisKategori.KHUSUS:
        prestasi = _("Penerima Penghargaan Khusus %(kategori)s") % {"kategori": p.kategori.nama}
    elif p.kategori.jenis == JenisKategori.UTAMA:
        prestasi = _("Peringkat %(n)s Kategori %(kategori)s") % {
            "n": p.peringkat,
            "kategori": p.kategori.nama,
        }
    else:
        prestasi = _("Peringkat %(n)s Kategori Elemen %(kategori)s") % {
            "n": p.peringkat,
            "kategori": p.kategori.nama,
        }
    tanggal = timezone.localtime(p.penetapan.disetujui_pada or timezone.now()).date()
    return {
        "nomor": sertifikat.nomor,
        "kode": sertifikat.kode,
        "penerima": p.peserta.instansi.nama,
        "prestasi": prestasi,
        "kelompok": p.kelompok,
        "ajang": periode.nama.upper(),
        "tempat": periode.tempat_penetapan,
        "tanggal": date_format(tanggal, "j F Y"),
        "jabatan": periode.penandatangan_jabatan,
        "penandatangan": periode.penandatangan_nama,
        "url_verifikasi": url_verifikasi(sertifikat.kode),
    }


def sidik(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def render_pdf(data):
    """The certificate as PDF bytes: A4 landscape, the shipped fonts, a QR code to its verification page."""
    qr = segno.make(data["url_verifikasi"], error="m").svg_inline(dark="#0f2f6b", border=0)
    html = render_to_string("laporan/sertifikat/piagam.html", {"s": {**data, "qr_svg": qr}})
    return HTML(string=html, base_url=str(DIR_STATIS) + "/", url_fetcher=_fetcher()).write_pdf(
        font_config=_fonts()
    )


def _nama_berkas(sertifikat, versi):
    periode = sertifikat.penghargaan.penetapan.periode
    return f"{periode.tahun}/{slugify(sertifikat.nomor.replace('/', '-'))}-v{versi}.pdf"


def render(*, sertifikat_id):
    """Render one certificate if its text changed (or it was never rendered). Returns "baru", "sama" or None."""
    sertifikat = (
        Sertifikat.objects.select_related(
            "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
        )
        .filter(pk=sertifikat_id)
        .first()
    )
    if sertifikat is None:
        log.info("Sertifikat %s tidak ada lagi", sertifikat_id)
        return None
    data = isi(sertifikat)
    baru = sidik(data)
    if baru == sertifikat.sidik and sertifikat.lokasi and storage().exists(sertifikat.lokasi):
        Sertifikat.objects.filter(pk=sertifikat.pk).update(status=StatusSertifikat.SELESAI)
        return "sama"
    try:
        pdf = render_pdf(data)
    except Exception as exc:
        log.exception("Sertifikat %s gagal dirender", sertifikat.nomor)
        Sertifikat.objects.filter(pk=sertifikat.pk).update(
            status=StatusSertifikat.GAGAL, pesan_galat=str(exc)[:500]
        )
        raise
    versi = sertifikat.versi + 1
    lokasi = storage().save(_nama_berkas(sertifikat, versi), ContentFile(pdf))
    with transaction.atomic():
        s = Sertifikat.objects.select_for_update().get(pk=sertifikat.pk)
        riwayat = s.riwayat_versi
        if s.lokasi:
            riwayat = [
                *riwayat,
                {
                    "versi": s.versi,
                    "sidik": s.sidik,
                    "lokasi": s.lokasi,
                    "waktu": s.dirender_pada.isoformat(),
                },
            ]
        Sertifikat.objects.filter(pk=s.pk).update(
            versi=versi,
            sidik=baru,
            lokasi=lokasi,
            riwayat_versi=riwayat,
            status=StatusSertifikat.SELESAI,
            dirender_pada=timezone.now(),
            pesan_galat="",
        )
    return "baru"


def render_semua(*, penetapan):
    """Queue one rendering task per certificate of the decision, after the current transaction commits."""
    from ..tasks import render_sertifikat

    ids = list(Sertifikat.objects.filter(penghargaan__penetapan=penetapan).values_list("pk", flat=True))
    Sertifikat.objects.filter(pk__in=ids).exclude(status=StatusSertifikat.SELESAI).update(
        status=StatusSertifikat.ANTRE
    )

    def antrekan():
        for pk in ids:
            render_sertifikat.apply_async(
                kwargs={"sertifikat_id": pk}, queue=settings.CELERY_TASK_DEFAULT_QUEUE
            )

    transaction.on_commit(antrekan)
    return len(ids)


@transaction.atomic
def cabut(*, sertifikat, alasan, oleh):
    """Revoke a certificate with a reason: its verification page then says it is no longer valid,
    the public winners page marks the award as revoked, and the ZIP of certificates leaves it out."""
    from ..queries import kunci_cache_pemenang

    sertifikat = Sertifikat.objects.select_for_update().get(pk=sertifikat.pk)
    if sertifikat.dicabut_pada:
        raise ValidationError(
            _("Sertifikat %(nomor)s sudah dicabut.") % {"nomor": sertifikat.nomor}, code="dicabut"
        )
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan pencabutan."), code="alasan")
    sertifikat.dicabut_pada = timezone.now()
    sertifikat.dicabut_oleh = oleh
    sertifikat.alasan_cabut = alasan
    sertifikat.save(update_fields=["dicabut_pada", "dicabut_oleh", "alasan_cabut"])
    tahun = Sertifikat.objects.values_list("penghargaan__penetapan__periode__tahun", flat=True).get(
        pk=sertifikat.pk
    )
    transaction.on_commit(lambda: django_cache.delete(kunci_cache_pemenang(tahun)))
    return sertifikat
