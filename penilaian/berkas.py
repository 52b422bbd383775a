"""Evidence files: what is accepted, how it is stored, how it is served.

A file is accepted by its content, not its name: the first bytes must say the
same type as the extension, and the file must open as that type. Files are
stored under random names in the private "bukti" storage (Django's storage API)
and only ever served by views that have checked permissions.
"""

import hashlib
import mimetypes
import unicodedata
import uuid
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .models import JenisBerkas

EKSTENSI = {
    ".pdf": JenisBerkas.PDF,
    ".jpg": JenisBerkas.JPG,
    ".jpeg": JenisBerkas.JPG,
    ".png": JenisBerkas.PNG,
    ".xlsx": JenisBerkas.XLSX,
    ".docx": JenisBerkas.DOCX,
}
CONTENT_TYPE = {
    JenisBerkas.PDF: "application/pdf",
    JenisBerkas.JPG: "image/jpeg",
    JenisBerkas.PNG: "image/png",
    JenisBerkas.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JenisBerkas.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The part of an Office Open XML package that says which kind of document it is.
_ISI_OFFICE = {JenisBerkas.XLSX: "xl/workbook.xml", JenisBerkas.DOCX: "word/document.xml"}
_MAKS_ISI_ZIP = 500 * 1024 * 1024  # uncompressed; a larger "document" is a zip bomb
_POTONGAN = 64 * 1024


def storage():
    return storages["bukti"]


def maks_ukuran():
    return settings.BUKTI_MAKS_MB * 1024 * 1024


def nama_aman(nama):
    """The uploaded name, safe to keep and show: no folders, no control characters, at most 200 characters.

    Letters of any script are kept ("Лист.pdf", "文件.pdf"); the name is only
    displayed and offered on download, never used as a path.
    """
    nama = unicodedata.normalize("NFKC", nama or "")
    nama = nama.replace("\\", "/").rsplit("/", 1)[-1]
    nama = "".join(c for c in nama if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not nama:
        nama = "berkas"
    stem, dot, ext = nama.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[: 200 - len(ext) - 1]}.{ext}"
    return nama[:200]


def _jenis_dari_isi(berkas):
    """The type the first bytes say, or None."""
    berkas.seek(0)
    awal = berkas.read(8)
    berkas.seek(0)
    if awal.startswith(b"%PDF-"):
        return JenisBerkas.PDF
    if awal.startswith(b"\xff\xd8\xff"):
        return JenisBerkas.JPG
    if awal.startswith(b"\x89PNG\r\n\x1a\n"):
        return JenisBerkas.PNG
    if awal.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(berkas) as zf:
                nama = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            berkas.seek(0)
        for jenis, penanda in _ISI_OFFICE.items():
            if penanda in nama:
                return jenis
    return None


def _pastikan_terbuka(berkas, jenis):
    """Open the file as its type; a corrupt or locked file is refused."""
    berkas.seek(0)
    try:
        if jenis == JenisBerkas.PDF:
            reader = PdfReader(berkas, strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    _(
                        "PDF ini dikunci dengan kata sandi. Unggah versi tanpa kata sandi agar penilai dapat membacanya."
                    )
                )
            if len(reader.pages) < 1:
                raise ValueError("tanpa halaman")
        elif jenis in (JenisBerkas.JPG, JenisBerkas.PNG):
            with Image.open(berkas) as gambar:
                gambar.verify()
        else:
            with zipfile.ZipFile(berkas) as zf:
                if sum(info.file_size for info in zf.infolist()) > _MAKS_ISI_ZIP:
                    raise ValueError("isi terlalu besar")
                if zf.testzip() is not None:
                    raise ValueError("CRC")
    except ValidationError:
        raise
    except (
        PyPdfError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
        zipfile.BadZipFile,
        ValueError,
        OSError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
        RecursionError,
    ):
        raise ValidationError(
            _("Berkas %(jenis)s ini rusak atau tidak dapat dibuka. Periksa berkasnya lalu unggah ulang.")
            % {"jenis": JenisBerkas(jenis).label}
        ) from None
    finally:
        berkas.seek(0)


def periksa(berkas):
    """Check an uploaded file; returns (jenis, sha256, size) or raises ValidationError with the reason.

    Reads the file in chunks: a large upload never has to fit in memory.
    """
    ukuran = berkas.size
    if not ukuran:
        raise ValidationError(_("Berkas kosong (0 bita). Pilih berkas yang berisi dokumen."))
    if ukuran > maks_ukuran():
        raise ValidationError(
            _("Berkas terlalu besar (%(ukuran)s MB); batasnya %(maks)s MB per berkas.")
            % {"ukuran": f"{ukuran / 1024 / 1024:.1f}".replace(".", ","), "maks": settings.BUKTI_MAKS_MB}
        )
    ekstensi = PurePosixPath(nama_aman(berkas.name).lower()).suffix
    jenis_nama = EKSTENSI.get(ekstensi)
    if jenis_nama is None:
        raise ValidationError(_("Jenis berkas tidak diizinkan. Unggah PDF, JPG, PNG, XLSX atau DOCX."))
    jenis_isi = _jenis_dari_isi(berkas)
    if jenis_isi != jenis_nama:
        raise ValidationError(
            _("Isi berkas bukan %(jenis)s walaupun namanya berakhiran %(ekstensi)s. Berkas ditolak.")
            % {"jenis": jenis_nama.label, "ekstensi": ekstensi}
        )
    _pastikan_terbuka(berkas, jenis_nama)
    sidik = hashlib.sha256()
    for potongan in berkas.chunks(_POTONGAN):
        sidik.update(potongan)
    berkas.seek(0)
    return jenis_nama, sidik.hexdigest(), ukuran


def simpan(berkas, *, folder, jenis):
    """Store the file under a random name in ``folder``; returns the storage name."""
    ekstensi = "jpg" if jenis == JenisBerkas.JPG else jenis
    berkas.seek(0)
    return storage().save(f"{folder}/{uuid.uuid4().hex}.{ekstensi}", berkas)


def hapus(lokasi):
    storage().delete(lokasi)


def respons_berkas(storage_berkas, lokasi, *, nama_berkas, content_type, unduh=True, ukuran=None):
    """A private file as an HTTP response; the caller has checked the user may have it.

    Streamed by Django, or handed to the web server (X-Accel-Redirect / X-Sendfile)
    when BUKTI_SENDFILE says so.
    """
    mode = settings.BUKTI_SENDFILE
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.BUKTI_SENDFILE_PREFIX + lokasi
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = storage_berkas.path(lokasi)
    else:
        response = FileResponse(storage_berkas.open(lokasi, "rb"), content_type=content_type)
        if ukuran is not None:
            response["Content-Length"] = ukuran
    response["Content-Disposition"] = content_disposition_header(unduh, nama_berkas)
    response["Cache-Control"] = "private, no-store"
    if unduh:
        # Downloaded, never rendered as a page of this site.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    else:
        # Shown inside the score sheet (an iframe of this site), never framed elsewhere.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def respons(bukti, *, unduh=True):
    """An evidence file as an HTTP response; the caller has checked the user may have it."""
    return respons_berkas(
        storage(),
        bukti.lokasi,
        nama_berkas=bukti.nama_berkas,
        content_type=CONTENT_TYPE.get(bukti.jenis) or mimetypes.guess_type(bukti.nama_berkas)[0],
        unduh=unduh,
        ukuran=bukti.ukuran,
    )


class _Penampung:
    """A write-only file that hands what was written to a streaming response."""

    def __init__(self):
        self._potongan = []

    def write(self, data):
        self._potongan.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def ambil(self):
        data = b"".join(self._potongan)
        self._potongan.clear()
        return data


def _aliran_zip(isi, storage_berkas):
    penampung = _Penampung()
    with zipfile.ZipFile(penampung, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for nama, lokasi in isi:
            with storage_berkas.open(lokasi, "rb") as sumber, zf.open(nama, "w", force_zip64=True) as tujuan:
                while potongan := sumber.read(_POTONGAN):
                    tujuan.write(potongan)
                    yield penampung.ambil()
    yield penampung.ambil()


def respons_zip(isi, *, nama_berkas, storage=storage):
    """A ZIP of [(name inside the ZIP, storage name)], streamed as it is built (evidence storage by default)."""
    response = StreamingHttpResponse(
        _aliran_zip(isi, storage() if callable(storage) else storage), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(True, nama_berkas)
    response["Cache-Control"] = "private, no-store"
    return response
