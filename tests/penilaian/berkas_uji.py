"""Small real files of every accepted type, and a few bad ones, for upload tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter


def pdf(tanda="bukti", halaman=1):
    """A valid PDF; a different ``tanda`` gives different bytes."""
    writer = PdfWriter()
    for _ in range(halaman):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": tanda})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png(warna=(15, 47, 107)):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), warna).save(buffer, "PNG")
    return buffer.getvalue()


def jpg(warna=(212, 160, 23)):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), warna).save(buffer, "JPEG")
    return buffer.getvalue()


def xlsx(isi="Rekap"):
    wb = Workbook()
    wb.active["A1"] = isi
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx(isi="Laporan"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><document><body>{isi}</body></document>')
    return buffer.getvalue()


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)
PDF_RUSAK = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"\x00garbage" * 50


def unggahan(nama, isi, content_type="application/octet-stream"):
    return SimpleUploadedFile(nama, isi, content_type=content_type)
