"""Evidence files: what is accepted, how it is stored, how it is served.

A file is accepted by its content, not its name: the first bytes must say the
same type as the extension, and the file must open as that type within fixed
limits (entries and unpacked size of Office files, pixels of images, pages and
objects of PDFs, CPU time and memory of the check). A PDF that runs anything
(JavaScript, automatic actions) and an Office file with macros are refused.
Files are stored under random names in the private "bukti" storage (Django's
storage API) and only ever served by views that have checked permissions.
"""

import errno
import hashlib
import logging
import mimetypes
import threading
import time
import unicodedata
import uuid
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject

from .models import JenisBerkas

log = logging.getLogger(__name__)

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
_AWALAN = {
    JenisBerkas.PDF: b"%PDF-",
    JenisBerkas.JPG: b"\xff\xd8\xff",
    JenisBerkas.PNG: b"\x89PNG\r\n\x1a\n",
    JenisBerkas.XLSX: b"PK\x03\x04",
    JenisBerkas.DOCX: b"PK\x03\x04",
}
# The part of an Office Open XML package that says which kind of document it is.
_ISI_OFFICE = {JenisBerkas.XLSX: "xl/workbook.xml", JenisBerkas.DOCX: "word/document.xml"}
_POTONGAN = 64 * 1024

# Limits of the content check (README, "Evidence files", gives the measured worst cases). A real
# document is far below each: a long report is a few hundred pages and a few thousand PDF objects,
# a Word or Excel file a few hundred parts, a phone photo 12 to 50 megapixels.
MAKS_DETIK = 1.2  # CPU seconds of one check; the readers check it each time they read the file
MAKS_PIKSEL = 50_000_000
MAKS_MEMORI_GAMBAR = 32 * 1024 * 1024  # a progressive JPEG's coefficients decoded: about 10 MP in 4:2:0
MAKS_ENTRI_ZIP = 5_000
MAKS_DIREKTORI_ZIP = 1024 * 1024  # bytes of the zip's central directory, about 200 an entry
MAKS_ISI_ZIP = 100 * 1024 * 1024  # unpacked, all parts together
MAKS_RASIO_ZIP = 100  # unpacked size / packed size of one part larger than _RASIO_DARI
_RASIO_DARI = 1024 * 1024  # a small part cannot be a bomb, and tiny XML parts pack very well
MAKS_HALAMAN_PDF = 1_000
MAKS_OBJEK_PDF = 50_000
MAKS_MEMORI_PDF = 32 * 1024 * 1024  # growth of the process while pypdf reads the file
_MAKS_SEGMEN_JPG = 1_000  # marker segments before the image data; a photo has about 20
_MAKS_HEADER_JPG = 16 * 1024 * 1024  # bytes in those segments (EXIF, ICC profile, XMP)
_MAKS_SCAN_JPG = 100  # a progressive JPEG has about 10 scans; each one decodes the whole image again
_MAKS_CHUNK_PNG = 100_000  # an encoder writes one IDAT chunk per 8 to 64 KB
_MAKS_TEKS_PNG = 16  # text chunks; Pillow unpacks each compressed one up to 1 MB and keeps it
# PDF actions that only move within the document or open a web link when clicked.
_AKSI_PDF_AMAN = {"/GoTo", "/URI", "/Named", "/Thread", "/SetOCGState"}
_SKEMA_TAUTAN_AMAN = (b"http://", b"https://", b"mailto:")
# Annotations that carry their own scripts (Flash, 3D JavaScript).
_ANOTASI_SKRIP = {"/RichMedia", "/3D"}
# Bidirectional-text controls: they make "laporan\u202efdp.exe" display as "laporanexe.pdf".
_KENDALI_ARAH = {
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}
# What a failing reader raises on a bad file: the file is refused as corrupt. Any other exception
# is a bug (ours or a reader's): the file is refused all the same, and the error is logged.
_GALAT_BERKAS_RUSAK = (
    PyPdfError,
    UnidentifiedImageError,
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,  # Pillow's PNG reader: bad or cut checksum
    EOFError,
    ValueError,  # includes UnicodeDecodeError (a zip member name that is not UTF-8)
    OSError,  # Pillow: truncated or broken image data
)


def storage():
    return storages["bukti"]


def maks_ukuran():
    return settings.BUKTI_MAKS_MB * 1024 * 1024


def nama_aman(nama):
    """The uploaded name, safe to keep and show: no folders, no control characters, at most 200 characters.

    Letters of any script are kept ("Лист.pdf", "文件.pdf"); the name is only
    displayed and offered on download, never used as a path. ``periksa`` refuses
    a name with control characters; other invisible characters are dropped here.
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


def _angka(n):
    """A count as Indonesians write it (100.000)."""
    return number_format(n, force_grouping=True, use_l10n=True)


def _tolak(pesan, **nilai):
    raise ValidationError(pesan % nilai if nilai else pesan)


def _rusak(jenis):
    return ValidationError(
        _("Berkas %(jenis)s ini rusak atau tidak dapat dibuka. Periksa berkasnya lalu unggah ulang.")
        % {"jenis": JenisBerkas(jenis).label}
    )


class _WaktuHabis(BaseException):
    """The check used up its CPU time (a BaseException: no reader's ``except Exception`` swallows it)."""


class _MemoriHabis(BaseException):
    """The process grew past the check's memory budget while a reader worked."""


def _rss():
    """Resident memory of this process in bytes, or None where /proc is missing."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _HALAMAN_MEMORI
    except OSError:
        return None


_HALAMAN_MEMORI = 4096


class _Terbatas:
    """The uploaded file as the readers see it: reading checks the check's budgets.

    pypdf, Pillow and zipfile read the file in small pieces as they go, and between
    two reads do one bounded step (one xref entry, one zlib stream of at most a few
    MB, one block of image data): a budget checked as they read bounds their work on
    any file, however it is built.
    """

    def __init__(self, berkas, *, memori=None):
        # The file object under Django's proxy: pypdf reads one byte at a time.
        berkas = getattr(berkas, "file", berkas)
        self.read_asli, self.seek, self.tell = berkas.read, berkas.seek, berkas.tell
        self._tenggat = time.thread_time() + MAKS_DETIK
        self._memori = memori
        self._rss_awal = _rss() if memori else None
        self._langkah = 0

    def read(self, *args):
        self.langkah()
        return self.read_asli(*args)

    def langkah(self):
        """One step of work: every 64th, the CPU time (and memory, if bounded) is checked."""
        self._langkah += 1
        if self._langkah % 64:
            return
        if time.thread_time() > self._tenggat:
            raise _WaktuHabis
        if self._rss_awal is not None and not self._langkah % 1024 and _rss() - self._rss_awal > self._memori:
            raise _MemoriHabis

    def seekable(self):
        return True

    def readable(self):
        return True


# PDF


def _periksa_pdf(berkas, jenis):
    """A PDF with 1 to MAKS_HALAMAN_PDF pages that runs nothing, readable without a password."""
    _hitung_objek_mentah(berkas)
    berkas.seek(0)
    # Tighter than pypdf's defaults: the check decodes only cross-reference and object streams,
    # never page contents or images, and never calls an outside program.
    with apply_configuration(
        zlib_maximum_output_length=1024 * 1024,
        stream_decoding_work_maximum_length=2 * 1024 * 1024,
        outline_maximum_entries=MAKS_OBJEK_PDF,
        form_fields_maximum_entries=MAKS_OBJEK_PDF,
        array_maximum_element_count=MAKS_OBJEK_PDF,
        dictionary_maximum_element_count=MAKS_OBJEK_PDF,
        jbig2dec_binary=None,
    ):
        try:
            reader = PdfReader(berkas, strict=False, xref_stream_maximum_entries=MAKS_OBJEK_PDF)
            # Only the user password keeps a reader out; a PDF with just an owner password (no
            # printing, no copying) opens with the empty user password, as it does in the browser.
            terkunci = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
            if not terkunci:
                _periksa_pdf_terbuka(reader, berkas)
        except LimitReachedError:
            _tolak(
                _(
                    "PDF ini terlalu rumit untuk diperiksa (melampaui batas pembacaan server). Simpan ulang "
                    "PDF-nya (Cetak > Simpan sebagai PDF) lalu unggah ulang."
                )
            )
        except (DependencyError, NotImplementedError):
            # AES needs the "cryptography" package, which is not installed; other security
            # handlers (certificates, rights management) pypdf does not know at all.
            _tolak(
                _(
                    "PDF ini dilindungi dengan enkripsi yang belum dapat diperiksa server. Buka PDF-nya, simpan "
                    "ulang tanpa perlindungan (misalnya Cetak > Simpan sebagai PDF), lalu unggah ulang."
                )
            )
    if terkunci:
        _tolak(
            _(
                "PDF ini dikunci dengan kata sandi. Unggah versi tanpa kata sandi agar penilai dapat membacanya."
            )
        )
    return jenis


def _hitung_objek_mentah(berkas):
    """Refuse a PDF whose body holds more than MAKS_OBJEK_PDF objects, before pypdf indexes them."""
    jumlah, sisa = 0, b""
    while potongan := berkas.read(_POTONGAN):
        # The same marker pypdf looks for when it rebuilds a broken cross-reference table.
        jumlah += (sisa + potongan).count(b" obj")
        sisa = potongan[-3:]
        if jumlah > MAKS_OBJEK_PDF:
            _tolak_objek_pdf()


def _tolak_objek_pdf():
    _tolak(
        _(
            "PDF ini terlalu rumit: lebih dari %(maks)s objek. Simpan ulang atau pecah PDF-nya, lalu unggah ulang."
        ),
        maks=_angka(MAKS_OBJEK_PDF),
    )


def _periksa_pdf_terbuka(reader, berkas):
    """Objects, pages and actions of a PDF pypdf can read."""
    if sum(map(len, reader.xref.values())) + len(reader.xref_objStm) > MAKS_OBJEK_PDF:
        _tolak_objek_pdf()
    akar = reader.root_object.get("/Pages")
    akar = akar.get_object() if akar is not None else None
    hitungan = akar.get("/Count") if isinstance(akar, DictionaryObject) else None
    if isinstance(hitungan, int) and hitungan > MAKS_HALAMAN_PDF:
        _tolak_halaman_pdf(hitungan)
    halaman = len(reader.pages)
    if halaman < 1:
        raise ValueError("tanpa halaman")
    if halaman > MAKS_HALAMAN_PDF:
        _tolak_halaman_pdf(halaman)
    temuan = _Pencari(reader, berkas).temuan()
    if temuan:
        _tolak(
            _(
                "PDF ini berisi JavaScript atau aksi otomatis (%(temuan)s). Bukti dukung tidak boleh "
                "menjalankan apa pun saat dibuka: cetak ulang ke PDF (Cetak > Simpan sebagai PDF), lalu "
                "unggah ulang."
            ),
            temuan=temuan,
        )


def _tolak_halaman_pdf(halaman):
    _tolak(
        _(
            "PDF ini berisi %(halaman)s halaman; batasnya %(maks)s halaman per berkas. Pecah PDF-nya lalu unggah ulang."
        ),
        halaman=_angka(halaman),
        maks=_angka(MAKS_HALAMAN_PDF),
    )


class _Pencari:
    """Looks for what a PDF could run: scripts, automatic actions, actions other than moving and links.

    It reads only where actions live (the catalog, the pages and their annotations,
    the outline, the form fields), never content streams or embedded files, and
    each object once (so at most MAKS_OBJEK_PDF of them), within the CPU budget.
    """

    def __init__(self, reader, berkas):
        self.reader = reader
        self.berkas = berkas
        self.dilihat = set()

    def ambil(self, obj):
        """The object behind a reference; None if it was seen already."""
        self.berkas.langkah()
        ref = getattr(obj, "indirect_reference", None) or (obj if hasattr(obj, "idnum") else None)
        if ref is not None:
            kunci = (ref.idnum, ref.generation)
            if kunci in self.dilihat:
                return None
            self.dilihat.add(kunci)
        return obj.get_object() if obj is not None else None

    def temuan(self):
        katalog = self.reader.root_object
        if "/AA" in katalog:
            return "/AA"
        buka = self.ambil(katalog.get("/OpenAction"))
        # An /OpenAction array only says where to open; a /GoTo action says the same.
        if isinstance(buka, DictionaryObject) and (buka.get("/S") != "/GoTo" or self.aksi(buka)):
            return f"/OpenAction {self.aksi(buka) or buka.get('/S')}"
        nama = self.ambil(katalog.get("/Names"))
        if isinstance(nama, DictionaryObject) and "/JavaScript" in nama:
            return "/JavaScript"
        formulir = self.ambil(katalog.get("/AcroForm"))
        if isinstance(formulir, DictionaryObject):
            if "/XFA" in formulir:
                return "/XFA"
            if temuan := self.pohon(formulir.get("/Fields"), anak="/Kids"):
                return temuan
        kerangka = self.ambil(katalog.get("/Outlines"))
        if isinstance(kerangka, DictionaryObject) and (
            temuan := self.pohon(kerangka.get("/First"), anak="/First")
        ):
            return temuan
        for halaman in self.reader.pages:
            if "/AA" in halaman:
                return "/AA"
            if temuan := self.pohon(halaman.get("/Annots")):
                return temuan
        return None

    def pohon(self, simpul, *, anak=None):
        """What the nodes of an array (annotations, fields) or a /Next chain (outline) could run."""
        antrean = [simpul]
        while antrean:
            obj = self.ambil(antrean.pop())
            if isinstance(obj, ArrayObject):
                antrean.extend(reversed(obj))
                continue
            if not isinstance(obj, DictionaryObject):
                continue
            if "/AA" in obj:
                return "/AA"
            if obj.get("/Subtype") in _ANOTASI_SKRIP:
                return str(obj["/Subtype"])
            if temuan := self.aksi(obj.get("/A")):
                return temuan
            if anak and anak in obj:
                antrean.append(obj[anak])
            if anak == "/First" and "/Next" in obj:
                antrean.append(obj["/Next"])
        return None

    def aksi(self, aksi):
        """The type of the first action in a chain that is not a move or a web link, or None."""
        antrean = [aksi]
        while antrean:
            obj = self.ambil(antrean.pop())
            if isinstance(obj, ArrayObject):
                antrean.extend(obj)
                continue
            if not isinstance(obj, DictionaryObject):
                continue
            jenis = obj.get("/S")
            if "/JS" in obj:
                return "/JavaScript"
            if jenis not in _AKSI_PDF_AMAN:
                return str(jenis)
            if jenis == "/URI" and not bytes(str(obj.get("/URI", "")), "utf-8").lower().startswith(
                _SKEMA_TAUTAN_AMAN
            ):
                return "/URI"
            if "/Next" in obj:
                antrean.append(obj["/Next"])
        return None


# Images


def _periksa_gambar(berkas, jenis):
    """An image of at most MAKS_PIKSEL pixels whose data is complete to its last byte."""
    lengkap = True
    if jenis == JenisBerkas.PNG:
        _periksa_data_png(berkas)
    else:
        lengkap = _periksa_struktur_jpg(berkas)
    berkas.seek(0)
    try:
        with (
            _pillow_ketat(),
            Image.open(berkas, formats=["PNG" if jenis == JenisBerkas.PNG else "JPEG"]) as gambar,
        ):
            lebar, tinggi = gambar.size
            if lebar * tinggi > MAKS_PIKSEL:
                _tolak_piksel(lebar, tinggi)
            if jenis == JenisBerkas.PNG:
                gambar.verify()  # every chunk's checksum and order; the data was unpacked above
                return jenis
            if not lengkap:
                _tolak_terpotong(jenis)
            if gambar.info.get("progressive") and _memori_jpg_progresif(gambar) > MAKS_MEMORI_GAMBAR:
                # libjpeg would hold every block's coefficients, whatever the scale: the scans were
                # counted and the end marker found above, which is what a truncated file lacks.
                return jenis
            # libjpeg still decodes every block, at 1/8 scale: 64 times less memory.
            gambar.draft(None, (max(1, lebar // 8), max(1, tinggi // 8)))
            gambar.load()
    except Image.DecompressionBombError:
        _tolak_piksel(None, None)
    except OSError as exc:
        if "truncated" not in str(exc).lower():
            raise
        _tolak_terpotong(jenis)
    return jenis


_KUNCI_PILLOW = threading.Lock()


@contextmanager
def _pillow_ketat():
    """Pillow refusing truncated and broken images, for the time of one check.

    WeasyPrint, imported with the certificates, sets ImageFile.LOAD_TRUNCATED_IMAGES for the
    whole process: Pillow then pads a truncated image with grey, ignores decoder errors and
    skips PNG checksums. The flag is a module global, so it is set back only around our own
    reads, one check at a time (gunicorn's sync workers run one request per process anyway).
    """
    with _KUNCI_PILLOW:
        sebelumnya, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = sebelumnya


def _tolak_terpotong(jenis):
    _tolak(
        _("Gambar %(jenis)s ini terpotong (tidak lengkap). Simpan ulang gambarnya lalu unggah ulang."),
        jenis=JenisBerkas(jenis).label,
    )


def _tolak_piksel(lebar, tinggi):
    if lebar is None:
        _tolak(
            _("Gambar ini lebih dari %(maks)s megapiksel. Perkecil resolusinya lalu unggah ulang."),
            maks=MAKS_PIKSEL // 1_000_000,
        )
    _tolak(
        _(
            "Gambar ini berukuran %(lebar)s × %(tinggi)s piksel (%(mp)s megapiksel); batasnya %(maks)s "
            "megapiksel. Perkecil resolusinya lalu unggah ulang."
        ),
        lebar=_angka(lebar),
        tinggi=_angka(tinggi),
        mp=_angka(lebar * tinggi // 1_000_000),
        maks=MAKS_PIKSEL // 1_000_000,
    )


def _tolak_struktur(jenis):
    _tolak(
        _(
            "Struktur berkas %(jenis)s ini tidak wajar (terlalu banyak bagian untuk gambar biasa). Simpan "
            "ulang gambarnya lalu unggah ulang."
        ),
        jenis=jenis,
    )


def _memori_jpg_progresif(gambar):
    """Bytes of libjpeg's coefficient buffer: a progressive JPEG keeps every block, whatever the scale."""
    h_maks = max(h for _id, h, _v, _q in gambar.layer)
    v_maks = max(v for _id, _h, v, _q in gambar.layer)
    if not h_maks or not v_maks:
        raise SyntaxError("faktor sampling nol")
    luas = gambar.width * gambar.height
    return sum(2 * luas * h * v // (h_maks * v_maks) for _id, h, v, _q in gambar.layer)


# Bits a pixel per colour channel, by PNG colour type; and the seven passes of an interlaced PNG.
_KANAL_PNG = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _periksa_data_png(berkas):
    """Walk the chunks and unpack the image data to its end, without holding the image.

    Decoding with Pillow would hold the whole bitmap (4 bytes a pixel: 200 MB at
    the limit); unpacking the data in pieces and checking that it has exactly the
    bytes the header announces finds the same truncated or corrupt files in 1 MB.
    The pixel limit is checked on the header, before anything is unpacked.
    """
    berkas.seek(8)
    kepala = berkas.read(8 + 13)
    if len(kepala) < 21 or kepala[4:8] != b"IHDR":
        raise SyntaxError("tanpa IHDR")
    lebar, tinggi = int.from_bytes(kepala[8:12]), int.from_bytes(kepala[12:16])
    kedalaman, warna, interlace = kepala[16], kepala[17], kepala[20]
    if lebar * tinggi > MAKS_PIKSEL:
        _tolak_piksel(lebar, tinggi)
    if warna not in _KANAL_PNG or kedalaman not in (1, 2, 4, 8, 16):
        raise SyntaxError("IHDR tidak sah")
    bit = kedalaman * _KANAL_PNG[warna]
    lintasan = (
        [((tinggi - y + dy - 1) // dy, (lebar - x + dx - 1) // dx) for x, y, dx, dy in _ADAM7]
        if interlace
        else [(tinggi, lebar)]
    )
    harus = sum(baris * (1 + (kolom * bit + 7) // 8) for baris, kolom in lintasan if baris and kolom)
    berkas.seek(8 + 8 + 13 + 4)
    pembuka, dapat, chunk, teks = zlib.decompressobj(), 0, 1, 0
    while len(kepala := berkas.read(8)) == 8:
        panjang, tipe = int.from_bytes(kepala[:4]), kepala[4:]
        chunk += 1
        teks += tipe in (b"tEXt", b"zTXt", b"iTXt")
        if chunk > _MAKS_CHUNK_PNG or teks > _MAKS_TEKS_PNG:
            _tolak_struktur("PNG")
        if tipe == b"IEND":
            break
        if tipe != b"IDAT":
            berkas.seek(panjang + 4, 1)
            continue
        data = berkas.read(panjang)
        while data and not pembuka.eof:
            dapat += len(pembuka.decompress(data, _POTONGAN))
            data = pembuka.unconsumed_tail
            if dapat > harus:
                raise ValueError("data gambar lebih panjang dari ukurannya")
        berkas.seek(4, 1)
    if not dapat:
        raise SyntaxError("tanpa data gambar")
    if not pembuka.eof or dapat != harus:
        _tolak_terpotong(JenisBerkas.PNG)


def _periksa_struktur_jpg(berkas):
    """Walk the marker segments before Pillow does it one byte at a time, and count the scans.

    Returns whether the image data ends with the end-of-image marker (a truncated file does not).
    """
    berkas.seek(2)
    segmen = lewati = header = 0
    while segmen <= _MAKS_SEGMEN_JPG and lewati <= _MAKS_SEGMEN_JPG and header <= _MAKS_HEADER_JPG:
        bita = berkas.read(1)
        if not bita:
            return False
        if bita != b"\xff":
            lewati += 1
            continue
        penanda = berkas.read(1)
        if penanda in (b"\xff", b"\x00"):
            lewati += 1
            berkas.seek(-1 if penanda == b"\xff" else 0, 1)
            continue
        segmen += 1
        if penanda == b"\xda":
            break
        if penanda and (penanda == b"\x01" or b"\xd0" <= penanda <= b"\xd9"):
            continue
        panjang = int.from_bytes(berkas.read(2))
        header += panjang
        berkas.seek(max(panjang - 2, 0), 1)
    else:
        _tolak_struktur("JPG")
    # Image data cannot hold 0xFF 0xDA or 0xFF 0xD9 (an 0xFF there is followed by 0x00 or a restart
    # marker), so this counts the scans and tells whether the end marker follows the last one.
    scan, sisa, berakhir = 1, b"", False
    while potongan := berkas.read(_POTONGAN):
        bagian = sisa + potongan
        scan += bagian.count(b"\xff\xda")
        akhir, mulai = bagian.rfind(b"\xff\xd9"), bagian.rfind(b"\xff\xda")
        if akhir > mulai:
            berakhir = True
        elif mulai >= 0:
            berakhir = False
        sisa = potongan[-1:]
        if scan > _MAKS_SCAN_JPG:
            _tolak_struktur("JPG")
    return berakhir


# Office (XLSX, DOCX)


def _periksa_office(berkas, jenis):
    """An Office Open XML package within the limits, without macros, every part readable.

    The limits are checked on the zip's central directory, before anything is
    unpacked; its size is read from the end record, before zipfile parses it.
    Returns the Office type the package says it is.
    """
    label = JenisBerkas(jenis).label
    # zipfile's own reader of the end record, so that the limit is checked on exactly the
    # directory zipfile is about to read (it has no public way to ask).
    akhir = zipfile._EndRecData(berkas)
    if not akhir:
        raise zipfile.BadZipFile("tanpa akhir direktori")
    if akhir[zipfile._ECD_ENTRIES_TOTAL] > MAKS_ENTRI_ZIP or akhir[zipfile._ECD_SIZE] > MAKS_DIREKTORI_ZIP:
        _tolak_entri(label)
    try:
        zf = zipfile.ZipFile(berkas)
    except NotImplementedError as exc:  # a "version needed to extract" newer than zipfile knows
        raise zipfile.BadZipFile(exc) from None
    with zf:
        isi = zf.infolist()
        if len(isi) > MAKS_ENTRI_ZIP:
            _tolak_entri(label)
        nama = {info.filename for info in isi}
        jenis_isi = next((j for j, penanda in _ISI_OFFICE.items() if penanda in nama), None)
        if jenis_isi != jenis:
            return jenis_isi
        total = 0
        for info in isi:
            if info.flag_bits & 0x1:
                _tolak(
                    _(
                        "Berkas %(jenis)s ini dilindungi kata sandi (bagian %(bagian)s terenkripsi). Simpan ulang "
                        "tanpa kata sandi lalu unggah ulang."
                    ),
                    jenis=label,
                    bagian=info.filename,
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                _tolak(
                    _(
                        "Berkas %(jenis)s ini dikemas dengan metode kompresi yang tidak dipakai Office (bagian "
                        "%(bagian)s). Simpan ulang dari Word atau Excel lalu unggah ulang."
                    ),
                    jenis=label,
                    bagian=info.filename,
                )
            total += info.file_size
            if info.file_size > _RASIO_DARI and info.file_size > MAKS_RASIO_ZIP * info.compress_size:
                _tolak_bom(label)
        if total > MAKS_ISI_ZIP:
            _tolak_bom(label)
        _periksa_makro(zf, nama, label)
        # Every part unpacked once, checked against its CRC; nothing is kept.
        for info in isi:
            with zf.open(info) as bagian:
                while bagian.read(_POTONGAN):
                    pass
    return jenis


def _tolak_entri(label):
    _tolak(
        _(
            "Berkas %(jenis)s ini berisi terlalu banyak bagian (batasnya %(maks)s). Dokumen Office biasa "
            "hanya berisi puluhan hingga ratusan bagian; simpan ulang dari Word atau Excel lalu unggah ulang."
        ),
        jenis=label,
        maks=_angka(MAKS_ENTRI_ZIP),
    )


def _tolak_bom(label):
    _tolak(
        _(
            "Berkas %(jenis)s ini terlalu besar bila dibuka (lebih dari %(maks)s MB setelah dibuka, atau "
            "dipadatkan lebih dari %(rasio)s kali). Berkas seperti ini tidak wajar untuk dokumen; simpan ulang "
            "dari Word atau Excel lalu unggah ulang."
        ),
        jenis=label,
        maks=MAKS_ISI_ZIP // 1024 // 1024,
        rasio=MAKS_RASIO_ZIP,
    )


def _periksa_makro(zf, nama, label):
    """Refuse VBA projects and Excel 4 macro sheets, by part name or by declared content type."""
    ada = any(
        n.lower().endswith(("vbaproject.bin", "vbadata.xml")) or "/macrosheets/" in n.lower() for n in nama
    )
    if not ada and "[Content_Types].xml" in nama:
        info = zf.getinfo("[Content_Types].xml")
        with zf.open(info) as f:
            jenis_isi = f.read(1024 * 1024).lower()
        ada = any(kata in jenis_isi for kata in (b"macroenabled", b"vbaproject", b"macrosheet"))
    if ada:
        _tolak(
            _(
                "Berkas %(jenis)s ini berisi makro. Makro tidak diizinkan pada bukti dukung: simpan ulang "
                "sebagai dokumen biasa tanpa makro (.xlsx atau .docx) lalu unggah ulang."
            ),
            jenis=label,
        )


_PEMERIKSA = {
    JenisBerkas.PDF: _periksa_pdf,
    JenisBerkas.JPG: _periksa_gambar,
    JenisBerkas.PNG: _periksa_gambar,
    JenisBerkas.XLSX: _periksa_office,
    JenisBerkas.DOCX: _periksa_office,
}


def _periksa_isi(berkas, jenis):
    """Open the file as its type within the limits; returns the type its content says.

    Every failure becomes a ValidationError with the reason: a file that breaks a
    reader is refused as corrupt, and an exception no reader should raise is
    logged as a bug before the file is refused the same way.
    """
    berkas.seek(0)
    memori = MAKS_MEMORI_PDF if jenis == JenisBerkas.PDF else None
    try:
        return _PEMERIKSA[jenis](_Terbatas(berkas, memori=memori), jenis)
    except ValidationError:
        raise
    except _WaktuHabis:
        raise ValidationError(
            _(
                "Pemeriksaan berkas %(jenis)s ini melebihi %(detik)s detik; strukturnya terlalu rumit. Simpan "
                "ulang berkasnya (untuk PDF: Cetak > Simpan sebagai PDF) lalu unggah ulang."
            )
            % {"jenis": JenisBerkas(jenis).label, "detik": number_format(MAKS_DETIK, use_l10n=True)}
        ) from None
    except (_MemoriHabis, MemoryError):
        raise ValidationError(
            _(
                "Berkas %(jenis)s ini memerlukan terlalu banyak memori untuk diperiksa; strukturnya tidak "
                "wajar. Simpan ulang berkasnya lalu unggah ulang."
            )
            % {"jenis": JenisBerkas(jenis).label}
        ) from None
    except _GALAT_BERKAS_RUSAK as exc:
        log.info("Berkas %s ditolak sebagai rusak: %r", jenis, exc)
        raise _rusak(jenis) from None
    except Exception:
        log.warning("Pemeriksaan berkas %s gagal secara tak terduga; berkas ditolak", jenis, exc_info=True)
        raise _rusak(jenis) from None
    finally:
        berkas.seek(0)


def _periksa_nama(nama):
    kendali = next((c for c in nama or "" if unicodedata.category(c) == "Cc" or c in _KENDALI_ARAH), None)
    if kendali is not None:
        _tolak(
            _(
                "Nama berkas berisi karakter kendali (U+%(kode)s) yang tidak diizinkan. Ubah nama berkasnya "
                "lalu unggah ulang."
            ),
            kode=f"{ord(kendali):04X}",
        )


def periksa(berkas):
    """Check an uploaded file; returns (jenis, sha256, size) or raises ValidationError with the reason.

    Reads the file in chunks: a large upload never has to fit in memory, and the
    content check stays within MAKS_DETIK of CPU time whatever the file holds.
    """
    ukuran = berkas.size
    if not ukuran:
        raise ValidationError(_("Berkas kosong (0 bita). Pilih berkas yang berisi dokumen."))
    if ukuran > maks_ukuran():
        raise ValidationError(
            _("Berkas terlalu besar (%(ukuran)s MB); batasnya %(maks)s MB per berkas.")
            % {"ukuran": f"{ukuran / 1024 / 1024:.1f}".replace(".", ","), "maks": settings.BUKTI_MAKS_MB}
        )
    _periksa_nama(berkas.name)
    ekstensi = PurePosixPath(nama_aman(berkas.name).lower()).suffix
    jenis_nama = EKSTENSI.get(ekstensi)
    if jenis_nama is None:
        raise ValidationError(_("Jenis berkas tidak diizinkan. Unggah PDF, JPG, PNG, XLSX atau DOCX."))
    berkas.seek(0)
    awal = berkas.read(8)
    if not awal.startswith(_AWALAN[jenis_nama]) or _periksa_isi(berkas, jenis_nama) != jenis_nama:
        raise ValidationError(
            _("Isi berkas bukan %(jenis)s walaupun namanya berakhiran %(ekstensi)s. Berkas ditolak.")
            % {"jenis": jenis_nama.label, "ekstensi": ekstensi}
        )
    sidik = hashlib.sha256()
    for potongan in berkas.chunks(_POTONGAN):
        sidik.update(potongan)
    berkas.seek(0)
    return jenis_nama, sidik.hexdigest(), ukuran


def alasan_gagal_simpan(exc):
    """Why a storage refused a file (an OSError), in one sentence for the user; the details go to the log."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("Ruang penyimpanan server penuh.")
    if isinstance(exc, PermissionError):
        return _("Server tidak diizinkan menulis ke folder penyimpanan.")
    return _("Penyimpanan berkas di server sedang bermasalah.")


def tulis(storage_berkas, nama, isi):
    """Save ``isi`` as ``nama`` in ``storage_berkas``; returns the stored name.

    A write that fails midway (a full disk, a folder the server may not write to,
    an object store that is down) leaves nothing behind: the part already written,
    or the empty file just created, is deleted before the storage's OSError is
    raised again. ``nama`` must be a name nothing else uses (a random or a
    version's own name), since whatever is stored under it then goes.
    """
    try:
        return storage_berkas.save(nama, isi)
    except OSError:
        try:
            storage_berkas.delete(nama)
        except OSError:
            log.error("Sisa berkas %s tidak dapat dihapus dari penyimpanan", nama, exc_info=True)
        raise


def simpan(berkas, *, folder, jenis):
    """Store the file under a random name in ``folder``; returns the storage name.

    A storage failure refuses the file like a bad one, with the reason
    (ValidationError), and leaves no part of it stored: the upload is answered
    beside that file, the agency's quota is untouched (it counts recorded
    evidence), and files stored before it stay as they are.
    """
    ekstensi = "jpg" if jenis == JenisBerkas.JPG else jenis
    nama = f"{folder}/{uuid.uuid4().hex}.{ekstensi}"
    berkas.seek(0)
    try:
        return tulis(storage(), nama, berkas)
    except OSError as exc:
        log.error("Berkas bukti tidak dapat disimpan sebagai %s", nama, exc_info=True)
        raise ValidationError(
            _(
                "%(alasan)s Berkas ini belum tersimpan dan tidak dihitung dalam kuota; berkas yang sudah "
                "tersimpan tetap aman. Coba unggah lagi nanti, dan hubungi admin BKN Award bila terus gagal."
            )
            % {"alasan": alasan_gagal_simpan(exc)},
            code="penyimpanan",
        ) from None


def hapus(lokasi):
    """Delete a stored file; a storage failure is logged, not raised.

    Called once a deletion or a replacement is recorded, or to undo a refused
    upload: a file left behind costs space, whereas an error here would turn a
    completed action (or the refusal's own reason) into a server error.
    """
    try:
        storage().delete(lokasi)
    except OSError:
        log.error("Berkas bukti %s tidak dapat dihapus dari penyimpanan", lokasi, exc_info=True)


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
        # Shown inside the score sheet (an iframe of this site), never framed elsewhere, and sandboxed
        # like a download: whatever a PDF holds cannot run as this site. Chromium's PDF viewer still
        # renders it in the sheet's iframe under "sandbox" (checked with Chromium 156, the e2e browser);
        # PDFs with scripts or actions are refused at upload anyway.
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; frame-ancestors 'self'; sandbox"
        )
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
