"""Small real files of every accepted type, and bad ones of every kind, for upload and checker tests."""

import io
import zipfile
import zlib

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


# Bad files of every kind, built here so that no binary blob is committed.


def pdf_dengan(ubah, *, halaman=1):
    """A valid PDF changed by ``ubah(writer)`` before it is written (actions, scripts, forms)."""
    writer = PdfWriter()
    for _ in range(halaman):
        writer.add_blank_page(width=595, height=842)
    ubah(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_kata_sandi(*, pengguna="", pemilik="pemilik-rahasia"):
    """A PDF encrypted with RC4 (pypdf writes AES only with the cryptography package)."""
    return pdf_dengan(lambda w: w.encrypt(pengguna, pemilik, algorithm="RC4-128"))


def pdf_mentah(objek, *, xref=True):
    """A PDF of the given object bodies (object 1 first), written by hand, with or without its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    posisi = []
    for nomor, isi in enumerate(objek, 1):
        posisi.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (nomor, isi))
    awal_xref = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objek) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % p for p in posisi))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objek) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % (awal_xref if xref else 0))
    return out.getvalue()


PDF_SATU_HALAMAN = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def pdf_xref_raksasa(entri):
    """A one-page PDF whose cross-reference table lists ``entri`` objects (20 bytes each) that are not there."""
    isi = pdf_mentah(PDF_SATU_HALAMAN)
    xref = isi.index(b"xref")
    return (
        isi[:xref]
        + b"xref\n0 %d\n0000000000 65535 f \n" % (entri + 4)
        + b"".join(b"%010d 00000 n \n" % isi.index(b"%d 0 obj" % n) for n in (1, 2, 3))
        + b"0000000009 00000 n \n" * entri
        + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (entri + 4, xref)
    )


def pdf_objstm_berat(jumlah):
    """A PDF with a broken xref and ``jumlah`` object streams of just under 1 MB of "n 0" pairs each.

    pypdf's repair of the xref parses every pair of every stream: about 0.2 s a stream.
    """
    pasangan = zlib.compress(b"".join(b"%d 0 " % i for i in range(120_000))[: 1024 * 1024 - 1], 9)
    aliran = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(pasangan),
        pasangan,
    )
    return pdf_mentah(PDF_SATU_HALAMAN + [aliran] * jumlah, xref=False)


def _chunk(tipe, data):
    return len(data).to_bytes(4) + tipe + data + zlib.crc32(tipe + data).to_bytes(4)


def png_mentah(lebar, tinggi, *, data=None, tambahan=b""):
    """An RGB PNG written by hand: black pixels, or ``data`` as its IDAT; ``tambahan`` are chunks before it.

    The pixels are packed in pieces, so a 12000 × 12000 image costs 2 MB of memory to build.
    """
    if data is None:
        pemadat, baris = zlib.compressobj(1), b"\x00" * (1 + lebar * 3)
        potongan = [pemadat.compress(baris) for _ in range(tinggi)]
        data = b"".join(potongan) + pemadat.flush()
    ihdr = lebar.to_bytes(4) + tinggi.to_bytes(4) + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + tambahan + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    )


def png_banyak_chunk(jumlah, tipe=b"prIv"):
    """A small PNG with ``jumlah`` empty ancillary chunks before its image data."""
    return png_mentah(20, 20, tambahan=_chunk(tipe, b"") * jumlah)


def jpg_banyak_segmen(jumlah):
    """A small JPEG with ``jumlah`` empty comment segments after its start marker."""
    isi = jpg()
    return isi[:2] + b"\xff\xfe\x00\x02" * jumlah + isi[2:]


def png_checksum_salah():
    """A PNG whose image-data chunk fails its CRC."""
    isi = bytearray(png())
    awal = isi.index(b"IDAT")
    panjang = int.from_bytes(isi[awal - 4 : awal])
    isi[awal + 4 + panjang] ^= 0xFF
    return bytes(isi)


def png_terpotong_di_checksum():
    """A PNG cut inside the CRC of its image data (IEND and half the CRC missing)."""
    return png()[:-14]


def jpg_derau(ukuran=(200, 200), **opsi):
    """A JPEG of noise: its image data is most of the file, so a cut falls inside it."""
    buffer = io.BytesIO()
    Image.effect_noise(ukuran, 64).convert("RGB").save(buffer, "JPEG", **opsi)
    return buffer.getvalue()


def zip_bagian(bagian, *, metode=zipfile.ZIP_DEFLATED):
    """A zip of {name: content}, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", metode) as zf:
        for nama, isi in bagian.items():
            zf.writestr(nama, isi)
    return buffer.getvalue()


def bagian_office(isi):
    """{name: content} of an Office file, to change before zipping it again."""
    with zipfile.ZipFile(io.BytesIO(isi)) as zf:
        return {nama: zf.read(nama) for nama in zf.namelist()}


def zip_diubah(isi, *, metode=None, flag=None, ganti=None):
    """The zip with every member's compression method or flag bits set, or bytes of names replaced.

    Headers are patched in place (same lengths), the way a tool that writes
    Deflate64, encryption or raw non-UTF-8 names would have written them.
    """
    isi = bytearray(isi)
    for tanda, geser in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        awal = isi.find(tanda)
        while awal >= 0:
            if metode is not None:
                isi[awal + 8 + geser : awal + 10 + geser] = metode.to_bytes(2, "little")
            if flag is not None:
                lama = int.from_bytes(isi[awal + 6 + geser : awal + 8 + geser], "little")
                isi[awal + 6 + geser : awal + 8 + geser] = (lama | flag).to_bytes(2, "little")
            awal = isi.find(tanda, awal + 4)
    if ganti:
        isi = isi.replace(*ganti)
    return bytes(isi)


def docx_banyak_bagian(jumlah):
    """A DOCX with ``jumlah`` empty extra parts (225,000 of them make a 19 MB file, as in the review)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><document><body>x</body></document>')
        for nomor in range(jumlah):
            zf.writestr(f"{nomor:x}", b"")
    return buffer.getvalue()


def docx_bom(megabita, *, nama="word/media/gambar.bmp"):
    """A DOCX with one part of ``megabita`` MB of zeros, packed a thousand times: a zip bomb."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><document><body>x</body></document>')
        with zf.open(nama, "w", force_zip64=True) as bagian:
            nol = bytes(1024 * 1024)
            for _ in range(megabita):
                bagian.write(nol)
    return buffer.getvalue()


# The content type Excel writes for a macro-enabled workbook (.xlsm), and Word for a .docm.
XLSM = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCM = b"application/vnd.ms-word.document.macroEnabled.main+xml"
VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # the OLE header of a vbaProject.bin


def xlsm_dinamai_xlsx():
    """A macro-enabled workbook (VBA project, .xlsm content type) saved under a .xlsx name."""
    bagian = bagian_office(xlsx())
    bagian["[Content_Types].xml"] = bagian["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", XLSM
    )
    bagian["xl/vbaProject.bin"] = VBA
    return zip_bagian(bagian)
