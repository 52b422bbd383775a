"""Rendering a certificate on a worker: warm before the pool forks, the shipped fonts only, the frame read once.

A Celery worker renders a sample certificate before it forks its pool (tasks.siapkan_render_sertifikat), so
that no pool process pays for loading WeasyPrint, the fonts and the template engine in its first task.
That happens before any connection exists, so it must not touch the database.
"""

import io

import pytest
import segno
from pypdf import PdfReader

from laporan.services import sertifikat as layanan_sertifikat

ISI = {
    "nomor": "001/PIAGAM/BKN-AWARD/2040",
    "kode": "K3Q8ZP2M4T",
    "penerima": "Pemerintah Kabupaten Kepulauan Seribu Utara dan Selatan",
    "prestasi": "Peringkat 1 Kategori Implementasi Manajemen ASN Terbaik",
    "kelompok": "Pemerintah Kabupaten",
    "ajang": "BKN AWARD 2040",
    "tempat": "Jakarta",
    "tanggal": "12 Desember 2040",
    "jabatan": "Kepala Badan Kepegawaian Negara",
    "penandatangan": "Dr. Contoh Penandatangan",
    "url_verifikasi": "https://award.bkn.go.id/verifikasi/K3Q8ZP2M4T/",
}


def huruf_pdf(data):
    """The fonts the page uses, without their subset prefix (ABCDEF+)."""
    halaman = PdfReader(io.BytesIO(data)).pages[0]
    return sorted(str(f["/BaseFont"]).split("+", 1)[1] for f in halaman["/Resources"]["/Font"].values())


@pytest.mark.django_db
def test_warming_up_a_worker_renders_a_certificate_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        layanan_sertifikat.siapkan_render()


def test_the_certificate_uses_the_four_shipped_fonts_and_no_fallback():
    huruf = huruf_pdf(layanan_sertifikat.render_pdf(ISI))

    assert len(huruf) == 4
    assert sum(h.startswith("Playfair-Display") for h in huruf) == 2
    assert sum(h.startswith("Source-Serif-4") for h in huruf) == 2


def test_the_frame_is_read_once_and_every_certificate_carries_its_own_qr_code():
    layanan_sertifikat.render_pdf(ISI)
    bingkai = layanan_sertifikat._gambar().copy()
    lain = {**ISI, "kode": "Z9Y8X7W6V5", "url_verifikasi": "https://award.bkn.go.id/verifikasi/Z9Y8X7W6V5/"}

    pdf = layanan_sertifikat.render_pdf(lain)

    assert list(bingkai) == [(layanan_sertifikat.DIR_STATIS / "img" / "piagam-bingkai.svg").as_uri()]
    assert layanan_sertifikat._gambar() == bingkai  # the same parsed frame, nothing added
    assert layanan_sertifikat.qr_svg(lain["url_verifikasi"]) == segno.make(
        lain["url_verifikasi"], error="m"
    ).svg_inline(dark="#0f2f6b", border=0)
    teks = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert lain["url_verifikasi"] in teks
    assert "Kode verifikasi: Z9Y8X7W6V5" in teks
