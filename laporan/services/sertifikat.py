"""Certificates (piagam penghargaan): their text, rendering with WeasyPrint, revocation, the ZIP of all.

Rendering is one Celery task per certificate. A certificate whose text is
unchanged is not rendered again; a changed one gets a new version (the old
file is kept and listed in ``riwayat_versi``).

A certificate is ready only when its stored version is the one of its current
text (the stored ``sidik`` equals ``sidik(isi(s))``), whatever its status says:
after the signatory changes, every certificate counts as pending, and none of
the old versions is served or counted, until its new version is written and
recorded (``keadaan``).
"""

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import segno
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from bkn_award import antrean
from notifikasi import peristiwa
from penilaian.berkas import alasan_gagal_simpan
from penilaian.berkas import tulis as tulis_berkas
from penilaian.models import JenisKategori

from ..models import Sertifikat, StatusSertifikat

log = logging.getLogger(__name__)

DIR_STATIS = settings.BASE_DIR / "static"
GAYA_PIAGAM = DIR_STATIS / "css" / "piagam.css"
# Pending certificates whose decision had no news from any worker for this long have lost their worker
# (killed, or none running): the panel says so and offers to queue them again. Far more than one
# render (about a second), far less than the broker's redelivery of a lost task (CELERY_VISIBILITY_TIMEOUT).
BATAS_DIAM = timedelta(seconds=60)
_TERKAIT = ("penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori")

SIAP, USANG = "siap", "usang"
LABEL_KEADAAN = {
    SIAP: gettext_lazy("Siap"),
    USANG: gettext_lazy("Isi berubah, belum dirender ulang"),
    StatusSertifikat.ANTRE: StatusSertifikat.ANTRE.label,
    StatusSertifikat.BERJALAN: StatusSertifikat.BERJALAN.label,
    StatusSertifikat.GAGAL: StatusSertifikat.GAGAL.label,
}
_PESAN_ANTREAN = gettext_lazy(
    "Antrean tugas (broker Celery) tidak dapat dihubungi, jadi piagam belum dirender. Tekan "
    "“Render ulang yang berubah” beberapa saat lagi; bila berulang, hubungi pengelola server."
)


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


@cache
def _gaya():
    # Parsed once per worker process, its @font-face rules loading the fonts into _fonts().
    return CSS(filename=GAYA_PIAGAM, url_fetcher=_fetcher(), font_config=_fonts())


@cache
def _gambar():
    # WeasyPrint's image cache, one per worker process: the frame (static/img/piagam-bingkai.svg), the
    # only image fetched (the QR code is inline), is read and parsed once, not for every certificate.
    return {}


def url_verifikasi(kode):
    return f"{settings.SITE_URL}{reverse('verifikasi', args=[kode])}"


def prestasi(penghargaan):
    """What an award is for, as the certificate says it: "Peringkat 1 Kategori ..." (needs its category)."""
    p = penghargaan
    if p.kategori.jenis == JenisKategori.KHUSUS:
        return _("Penerima Penghargaan Khusus %(kategori)s") % {"kategori": p.kategori.nama}
    if p.kategori.jenis == JenisKategori.UTAMA:
        return _("Peringkat %(n)s Kategori %(kategori)s") % {"n": p.peringkat, "kategori": p.kategori.nama}
    return _("Peringkat %(n)s Kategori Elemen %(kategori)s") % {"n": p.peringkat, "kategori": p.kategori.nama}


def isi(sertifikat):
    """Everything printed on a certificate, as plain values (their digest decides whether to render again)."""
    p = sertifikat.penghargaan
    periode = p.penetapan.periode
    tanggal = timezone.localtime(p.penetapan.disetujui_pada or timezone.now()).date()
    return {
        "nomor": sertifikat.nomor,
        "kode": sertifikat.kode,
        "penerima": p.peserta.instansi.nama,
        "prestasi": prestasi(p),
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


def qr_svg(url):
    """The QR code of ``url``, as the SVG path printed on the certificate."""
    return segno.make(url, error="m").svg_inline(dark="#0f2f6b", border=0)


def render_pdf(data):
    """The certificate as PDF bytes: A4 landscape, the shipped fonts, a QR code to its verification page."""
    html = render_to_string(
        "laporan/sertifikat/piagam.html", {"s": {**data, "qr_svg": qr_svg(data["url_verifikasi"])}}
    )
    return HTML(string=html, base_url=str(DIR_STATIS) + "/", url_fetcher=_fetcher()).write_pdf(
        stylesheets=[_gaya()], font_config=_fonts(), cache=_gambar()
    )


# What a worker renders once before its first task (siapkan_render): a certificate like any other.
_CONTOH = {
    "nomor": "001/BKN-AWARD/2000/UTM",
    "kode": "CONTOH0000",
    "penerima": "Badan Kepegawaian Negara",
    "prestasi": "Peringkat 1 Kategori Contoh",
    "kelompok": "Kementerian",
    "ajang": "BKN AWARD 2000",
    "tempat": "Jakarta",
    "tanggal": "1 Januari 2000",
    "jabatan": "Kepala Badan Kepegawaian Negara",
    "penandatangan": "Penandatangan",
}


def siapkan_render():
    """Render a sample certificate and throw it away, so that the first real one does not pay for
    what is loaded once: WeasyPrint's lazy parts, the fonts, the stylesheet and frame, the template
    engine, the URLconf (about 0.9 s together). The Celery worker calls it before forking its
    pool (tasks.py): every pool process then starts with them loaded, and shares them."""
    render_pdf({**_CONTOH, "url_verifikasi": url_verifikasi(_CONTOH["kode"])})


def _nama_berkas(sertifikat, versi):
    periode = sertifikat.penghargaan.penetapan.periode
    return f"{periode.tahun}/{slugify(sertifikat.nomor.replace('/', '-'))}-v{versi}.pdf"


def keadaan(sertifikat):
    """Where a certificate stands: SIAP, USANG, or its pending or failed status (ANTRE, BERJALAN, GAGAL).

    SIAP: its stored version is the one of its current text. USANG: the text
    changed since (a new signatory, an agency renamed) and no render is pending.
    Needs the certificate with its award, decision, period, agency and category.
    """
    if sertifikat.status != StatusSertifikat.SELESAI:
        return sertifikat.status
    if sertifikat.lokasi and sertifikat.sidik == sidik(isi(sertifikat)):
        return SIAP
    return USANG


def terkini(sertifikat):
    """Its stored file is the certificate as it reads now: the only version served or counted as ready."""
    return keadaan(sertifikat) == SIAP


@dataclass(frozen=True)
class Kemajuan:
    """The certificates of a decision, as the admin's panel counts them."""

    total: int
    siap: int
    belum: int  # queued or being rendered: the panel polls until none is left
    usang: int
    tertahan: int  # pending, and no worker gave news for BATAS_DIAM
    gagal: list  # the failed certificates, each with its reason (pesan_galat)
    keadaan: dict  # {certificate id: keadaan}


def kemajuan(*, penetapan, sekarang=None):
    """Count the decision's certificates by ``keadaan``, and notice the pending ones no worker is rendering.

    Pending certificates are held up ("tertahan") when nothing in the decision
    moved for BATAS_DIAM (their tasks were lost with a worker, or no worker
    runs), or when one has been "being rendered" that long (its worker died
    midway). ``render_semua`` queues them again.
    """
    batas = (sekarang or timezone.now()) - BATAS_DIAM
    daftar = list(Sertifikat.objects.filter(penghargaan__penetapan=penetapan).select_related(*_TERKAIT))
    per_sertifikat = {s.pk: keadaan(s) for s in daftar}
    kabar = max((s.diperbarui for s in daftar if s.diperbarui), default=None)
    diam = kabar is None or kabar < batas
    tertahan = [
        s
        for s in daftar
        if per_sertifikat[s.pk] in (StatusSertifikat.ANTRE, StatusSertifikat.BERJALAN)
        and (
            diam or (s.status == StatusSertifikat.BERJALAN and (s.diperbarui is None or s.diperbarui < batas))
        )
    ]
    jumlah = Counter(per_sertifikat.values())
    return Kemajuan(
        total=len(daftar),
        siap=jumlah[SIAP],
        belum=jumlah[StatusSertifikat.ANTRE] + jumlah[StatusSertifikat.BERJALAN],
        usang=jumlah[USANG],
        tertahan=len(tertahan),
        gagal=[s for s in daftar if per_sertifikat[s.pk] == StatusSertifikat.GAGAL],
        keadaan=per_sertifikat,
    )


def siap_semua(penetapan):
    """The decision's valid (not revoked) certificates, with what ``keadaan`` needs, when every one of them
    is ready as it reads now; else an empty list. One query."""
    daftar = list(
        Sertifikat.objects.filter(penghargaan__penetapan=penetapan, dicabut_pada__isnull=True).select_related(
            *_TERKAIT
        )
    )
    return daftar if all(terkini(s) for s in daftar) else []


class PenyimpananGagal(Exception):
    """The certificate storage refused a read or a write (the storage's OSError is ``asli``)."""

    def __init__(self, asli):
        super().__init__(str(asli))
        self.asli = asli


def _ambil(sertifikat_id, *, kunci=False):
    qs = Sertifikat.objects.select_related(*_TERKAIT).filter(pk=sertifikat_id)
    if kunci:
        qs = qs.select_for_update(of=("self",))
    # Not first(): its ORDER BY ... LIMIT 1 triples PostgreSQL's planning of this six-table join
    # (3 ms against 1), and every task fetches twice.
    return next(iter(qs), None)


def _tandai(sertifikat_id, status, **kolom):
    """Set the status, and the news time the panel watches for lost workers."""
    Sertifikat.objects.filter(pk=sertifikat_id).update(status=status, diperbarui=timezone.now(), **kolom)


def _tersimpan(sertifikat, sidik_isi):
    """Its recorded version is the one of this text, and the file is in the storage."""
    if sertifikat.sidik != sidik_isi or not sertifikat.lokasi:
        return False
    try:
        return storage().exists(sertifikat.lokasi)
    except OSError as exc:
        raise PenyimpananGagal(exc) from exc


def _versi_berikut(sertifikat):
    versi = max([sertifikat.versi, *(v["versi"] for v in sertifikat.riwayat_versi)]) + 1
    dipakai = {sertifikat.lokasi, *(v["lokasi"] for v in sertifikat.riwayat_versi)}
    while _nama_berkas(sertifikat, versi) in dipakai:
        versi += 1
    return versi


def _tulis(nama, pdf):
    """Write the new version's file under its own name (``berkas.tulis``: nothing left if the write fails)."""
    try:
        # Nothing refers to this name yet: anything stored under it is what a worker wrote before
        # it died, maybe only half of it. It is replaced, never served.
        storage().delete(nama)
        return tulis_berkas(storage(), nama, ContentFile(pdf))
    except OSError as exc:
        raise PenyimpananGagal(exc) from exc


def _pesan_gagal(exc):
    """The reason shown on the admin's panel for a certificate that could not be rendered."""
    if isinstance(exc, PenyimpananGagal):
        return _(
            "%(alasan)s Berkas piagam tidak dapat disimpan; versi sebelumnya (bila ada) tidak berubah."
        ) % {"alasan": alasan_gagal_simpan(exc.asli)}
    return _("Piagam gagal dirender: %(galat)s") % {"galat": str(exc) or type(exc).__name__}


def render(*, sertifikat_id):
    """Render one certificate if its text changed (or it was never rendered). Returns "baru", "sama" or None.

    The certificate is "being rendered" (BERJALAN) while its task works, and
    becomes ready (SELESAI) only once the new file is written and the row refers
    to it. A failure leaves it GAGAL with the reason for the panel, where
    ``render_semua`` queues it again; the previous version stays as it was.
    The render that completes a published decision's certificates tells its
    winners (``peristiwa.sertifikat_siap``).
    """
    sertifikat = _ambil(sertifikat_id)
    if sertifikat is None:
        log.info("Sertifikat %s tidak ada lagi", sertifikat_id)
        return None
    try:
        if _tersimpan(sertifikat, sidik(isi(sertifikat))):
            _tandai(sertifikat.pk, StatusSertifikat.SELESAI, pesan_galat="")
            hasil = "sama"
        else:
            _tandai(sertifikat.pk, StatusSertifikat.BERJALAN)
            hasil = _render_terkunci(sertifikat.pk)
    except Exception as exc:
        log.exception("Sertifikat %s gagal dirender", sertifikat.nomor)
        try:
            _tandai(sertifikat.pk, StatusSertifikat.GAGAL, pesan_galat=_pesan_gagal(exc)[:500])
        except DatabaseError:
            log.exception("Kegagalan sertifikat %s tidak dapat dicatat", sertifikat.nomor)
        raise
    # After this one's own commit, so that of two certificates finishing at once the later sees both.
    with transaction.atomic():
        peristiwa.sertifikat_siap(sertifikat.penghargaan.penetapan)
    return hasil


@transaction.atomic
def _render_terkunci(sertifikat_id):
    # The row stays locked while its PDF is made and stored (about a second): a second task for the
    # same certificate (queued again while this one ran) waits, then finds this version stored. A
    # worker that dies here takes its connection, and so the transaction, with it: the row still
    # refers to the previous version, and the task is delivered again (acks_late).
    s = _ambil(sertifikat_id, kunci=True)
    if s is None:
        return None
    data = isi(s)
    baru = sidik(data)
    if _tersimpan(s, baru):
        _tandai(s.pk, StatusSertifikat.SELESAI, pesan_galat="")
        return "sama"
    pdf = render_pdf(data)
    versi = _versi_berikut(s)
    # Written first, then referred to in this transaction: until it commits, pages serve the previous
    # version, and a new version's name is only ever referred to once its whole file is stored.
    lokasi = _tulis(_nama_berkas(s, versi), pdf)
    riwayat = s.riwayat_versi
    if s.lokasi:
        riwayat = [
            *riwayat,
            {"versi": s.versi, "sidik": s.sidik, "lokasi": s.lokasi, "waktu": s.dirender_pada.isoformat()},
        ]
    sekarang = timezone.now()
    Sertifikat.objects.filter(pk=s.pk).update(
        versi=versi,
        sidik=baru,
        lokasi=lokasi,
        riwayat_versi=riwayat,
        status=StatusSertifikat.SELESAI,
        dirender_pada=sekarang,
        diperbarui=sekarang,
        pesan_galat="",
    )
    return "baru"


def render_semua(*, penetapan):
    """Queue a rendering task for every certificate of the decision, after the current transaction commits.

    Those not ready (text changed, never rendered, failed, or held up by a lost
    worker) become pending (ANTRE) at once, so that no page counts or serves
    their old version meanwhile; a ready one is only checked by its task (its
    file could be gone). Returns how many certificates were queued.

    A broker that cannot take the tasks fails the pending certificates with the
    reason, never leaves them queued; called outside a transaction (the tasks
    are then sent before this returns), it also raises ValidationError, so that
    the admin's click is told at once.
    """
    from ..tasks import render_sertifikat

    daftar = list(Sertifikat.objects.filter(penghargaan__penetapan=penetapan).select_related(*_TERKAIT))
    ulang = [s.pk for s in daftar if keadaan(s) != SIAP]
    Sertifikat.objects.filter(pk__in=ulang).update(
        status=StatusSertifikat.ANTRE, diperbarui=timezone.now(), pesan_galat=""
    )
    ids = [s.pk for s in daftar]
    tak_terkirim = []

    def antrekan():
        for n, pk in enumerate(ids):
            try:
                antrean.kirim(render_sertifikat, sertifikat_id=pk)
            except antrean.AntreanTidakTersedia:
                tak_terkirim.extend(ids[n:])
                Sertifikat.objects.filter(pk__in=set(tak_terkirim) & set(ulang)).update(
                    status=StatusSertifikat.GAGAL, pesan_galat=str(_PESAN_ANTREAN), diperbarui=timezone.now()
                )
                return

    transaction.on_commit(antrekan)
    if tak_terkirim:
        raise ValidationError(_PESAN_ANTREAN, code="antrean")
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
