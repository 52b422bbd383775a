"""The evidence-file checker: every bad file is refused with its reason, in bounded time and memory.

Every bad file is built here or in berkas_uji (no binary blob is committed). The
unit tests call ``periksa`` directly; a few go through the upload view to show a
refusal next to the field instead of a server error.
"""

import io
import logging
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from penilaian import berkas
from penilaian.models import BuktiDukung

from . import berkas_uji
from .berkas_uji import unggahan
from .test_mandiri import e11, galat_berkas, operator, tersimpan, unggah  # noqa: F401 (fixtures)

# The time one check may take, measured from outside: the CPU budget plus one reader step.
DETIK = 2.0

RUSAK = "Berkas %s ini rusak atau tidak dapat dibuka. Periksa berkasnya lalu unggah ulang."
MAKRO = (
    "Berkas %s ini berisi makro. Makro tidak diizinkan pada bukti dukung: simpan ulang sebagai dokumen biasa "
    "tanpa makro (.xlsx atau .docx) lalu unggah ulang."
)
BOM = (
    "Berkas %s ini terlalu besar bila dibuka (lebih dari 100 MB setelah dibuka, atau dipadatkan lebih dari "
    "100 kali). Berkas seperti ini tidak wajar untuk dokumen; simpan ulang dari Word atau Excel lalu unggah ulang."
)
SKRIP = (
    "PDF ini berisi JavaScript atau aksi otomatis (%s). Bukti dukung tidak boleh menjalankan apa pun saat "
    "dibuka: cetak ulang ke PDF (Cetak > Simpan sebagai PDF), lalu unggah ulang."
)
TERPOTONG = "Gambar %s ini terpotong (tidak lengkap). Simpan ulang gambarnya lalu unggah ulang."


def periksa(nama, isi):
    """periksa() on an upload; fails the test if it takes more than DETIK of CPU.

    CPU time, as the check's own budget counts it: on a machine shared with other jobs
    the wall clock also counts their turns.
    """
    mulai = time.thread_time()
    try:
        return berkas.periksa(unggahan(nama, isi))
    finally:
        detik = time.thread_time() - mulai
        assert detik < DETIK, f"pemeriksaan {nama} ({len(isi):,} bita) memakan {detik:.2f} s CPU"


def tolak(nama, isi):
    """The messages of the refusal of this file (the test fails if the file is accepted)."""
    try:
        hasil = periksa(nama, isi)
    except ValidationError as galat:
        return galat.messages
    pytest.fail(f"{nama} diterima sebagai {hasil[0]}, seharusnya ditolak")


def diterima(nama, isi):
    return periksa(nama, isi)[0]


def office_dengan(isi, tambahan):
    """The Office file with extra parts ({name: content})."""
    return berkas_uji.zip_bagian(berkas_uji.bagian_office(isi) | tambahan)


# 1. What gave a server error is a refusal with its reason.

SALAH_SERVER = [
    pytest.param("gambar.png", berkas_uji.png_checksum_salah(), RUSAK % "PNG", id="png-checksum-salah"),
    pytest.param(
        "gambar.png", berkas_uji.png_terpotong_di_checksum(), RUSAK % "PNG", id="png-terpotong-di-checksum"
    ),
    pytest.param(
        "laporan.docx",
        berkas_uji.zip_diubah(berkas_uji.docx(), flag=0x1),
        "Berkas Word (DOCX) ini dilindungi kata sandi (bagian [Content_Types].xml terenkripsi). Simpan ulang "
        "tanpa kata sandi lalu unggah ulang.",
        id="docx-bagian-terenkripsi",
    ),
    pytest.param(
        "rekap.xlsx",
        berkas_uji.zip_diubah(berkas_uji.xlsx(), metode=9),
        "Berkas Excel (XLSX) ini dikemas dengan metode kompresi yang tidak dipakai Office (bagian "
        "docProps/app.xml). Simpan ulang dari Word atau Excel lalu unggah ulang.",
        id="xlsx-deflate64",
    ),
    pytest.param(
        "laporan.docx",
        berkas_uji.zip_diubah(
            office_dengan(berkas_uji.docx(), {"word/media/gambaré.png": b"x"}),
            ganti=("é".encode(), b"\xc3\x28"),
        ),
        RUSAK % "Word (DOCX)",
        id="docx-nama-bagian-bukan-utf8",
    ),
]


@pytest.mark.parametrize("longgar", [False, True], ids=["pillow-bawaan", "setelah-weasyprint"])
@pytest.mark.parametrize(("nama", "isi", "pesan"), SALAH_SERVER)
def test_files_that_broke_a_reader_are_refused_with_a_reason(monkeypatch, nama, isi, pesan, longgar):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", longgar)

    assert tolak(nama, isi) == [pesan]


@pytest.mark.django_db
@pytest.mark.parametrize(("nama", "isi", "pesan"), SALAH_SERVER)
def test_the_upload_page_refuses_them_next_to_the_field_not_with_a_500(operator, peserta_a, nama, isi, pesan):  # noqa: F811
    response = unggah(operator, "E1.1", nama, isi)

    assert response.status_code == 200
    assert galat_berkas(response) == [pesan]
    assert not BuktiDukung.objects.exists()
    assert tersimpan() == []


def test_an_exception_no_reader_should_raise_is_logged_and_the_file_refused(monkeypatch, caplog):
    def cacat(self):
        raise TypeError("cacat pembaca")

    monkeypatch.setattr("PIL.PngImagePlugin.PngImageFile.verify", cacat)

    with caplog.at_level(logging.WARNING, logger="penilaian.berkas"):
        assert tolak("gambar.png", berkas_uji.png()) == [RUSAK % "PNG"]

    [catatan] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert catatan.exc_info[0] is TypeError, catatan.getMessage()


# 2. Limits, checked before the content is unpacked, each named in its message.


def test_an_office_file_with_too_many_parts_is_refused_from_its_directory():
    isi = berkas_uji.docx_banyak_bagian(berkas.MAKS_ENTRI_ZIP)

    assert tolak("laporan.docx", isi) == [
        "Berkas Word (DOCX) ini berisi terlalu banyak bagian (batasnya 5.000). Dokumen Office biasa hanya berisi "
        "puluhan hingga ratusan bagian; simpan ulang dari Word atau Excel lalu unggah ulang."
    ]


def test_the_part_count_is_checked_even_when_the_end_record_understates_it():
    isi = bytearray(berkas_uji.docx_banyak_bagian(berkas.MAKS_ENTRI_ZIP))
    akhir = isi.rindex(b"PK\x05\x06")
    isi[akhir + 8 : akhir + 12] = (1).to_bytes(2, "little") * 2  # "1 entry" on this disk and in all

    assert tolak("laporan.docx", bytes(isi))[0].startswith(
        "Berkas Word (DOCX) ini berisi terlalu banyak bagian"
    )


@pytest.mark.parametrize(
    ("megabita", "alasan"),
    [(2, "packed over 100 times"), (101, "over 100 MB unpacked")],
    ids=["rasio", "ukuran"],
)
def test_a_zip_bomb_is_refused_as_a_bomb_not_as_corrupt(megabita, alasan):
    assert tolak("laporan.docx", berkas_uji.docx_bom(megabita)) == [BOM % "Word (DOCX)"], alasan


@pytest.mark.parametrize(("lebar", "tinggi"), [(12_000, 12_000), (20_000, 20_000)])
def test_a_png_over_50_megapixels_is_refused_before_it_is_unpacked(lebar, tinggi):
    # 20,000 × 20,000 is past Pillow's own bomb limit, which used to make it "rusak".
    isi = (
        berkas_uji.png_mentah(lebar, tinggi)
        if lebar == 12_000
        else berkas_uji.png_mentah(lebar, tinggi, data=b"")
    )

    mp = lebar * tinggi // 1_000_000
    assert tolak("peta.png", isi) == [
        f"Gambar ini berukuran {lebar:,} × {tinggi:,} piksel ({mp} megapiksel); batasnya 50 megapiksel. "
        "Perkecil resolusinya lalu unggah ulang.".replace(",", ".")
    ]


def test_a_jpeg_over_50_megapixels_is_refused():
    isi = bytearray(berkas_uji.jpg())
    sof = isi.index(b"\xff\xc0")
    isi[sof + 5 : sof + 9] = (8_000).to_bytes(2) + (7_000).to_bytes(2)  # height, width

    assert tolak("foto.jpg", bytes(isi)) == [
        "Gambar ini berukuran 7.000 × 8.000 piksel (56 megapiksel); batasnya 50 megapiksel. Perkecil "
        "resolusinya lalu unggah ulang."
    ]


def test_a_png_just_under_the_limit_is_accepted_within_the_time_bound():
    assert diterima("pindaian.png", berkas_uji.png_mentah(7_000, 7_000)) == "png"


def test_a_pdf_over_1000_pages_is_refused():
    assert tolak("lampiran.pdf", berkas_uji.pdf(halaman=1_001)) == [
        "PDF ini berisi 1.001 halaman; batasnya 1.000 halaman per berkas. Pecah PDF-nya lalu unggah ulang."
    ]


def test_a_pdf_over_50000_objects_is_refused_before_pypdf_indexes_them():
    isi = berkas_uji.pdf_mentah(berkas_uji.PDF_SATU_HALAMAN + [b"1"] * berkas.MAKS_OBJEK_PDF, xref=False)

    assert tolak("lampiran.pdf", isi) == [
        "PDF ini terlalu rumit: lebih dari 50.000 objek. Simpan ulang atau pecah PDF-nya, lalu unggah ulang."
    ]


def test_a_pdf_that_keeps_pypdf_busy_is_stopped_at_the_cpu_budget():
    # pypdf's repair of the broken xref would parse 60 object streams: 12 s.
    assert tolak("lampiran.pdf", berkas_uji.pdf_objstm_berat(60)) == [
        "Pemeriksaan berkas PDF ini melebihi 1,2 detik; strukturnya terlalu rumit. Simpan ulang berkasnya "
        "(untuk PDF: Cetak > Simpan sebagai PDF) lalu unggah ulang."
    ]


def test_a_pdf_whose_index_would_fill_memory_is_stopped():
    # 19 MB of cross-reference entries: pypdf keeps each one in a dict (about 250 bytes each).
    [pesan] = tolak("lampiran.pdf", berkas_uji.pdf_xref_raksasa(950_000))

    # Which budget runs out first depends on what the process had already allocated.
    assert pesan.startswith(
        ("Berkas PDF ini memerlukan terlalu banyak memori", "Pemeriksaan berkas PDF ini melebihi")
    ), pesan


@pytest.mark.parametrize(
    ("nama", "isi"),
    [
        ("foto.jpg", berkas_uji.jpg_banyak_segmen(1_001)),
        ("gambar.png", berkas_uji.png_banyak_chunk(100_001)),
        ("gambar.png", berkas_uji.png_banyak_chunk(17, b"tEXt")),
    ],
    ids=["jpg-segmen", "png-chunk", "png-teks"],
)
def test_an_image_with_thousands_of_parts_is_refused_before_pillow_walks_them(nama, isi):
    jenis = "JPG" if nama.endswith(".jpg") else "PNG"
    assert tolak(nama, isi) == [
        f"Struktur berkas {jenis} ini tidak wajar (terlalu banyak bagian untuk gambar biasa). Simpan ulang "
        "gambarnya lalu unggah ulang."
    ]


# 3. Verdicts that were wrong.


@pytest.mark.parametrize(
    ("nama", "isi", "jenis"),
    [
        ("foto.jpg", berkas_uji.jpg_derau()[:-400], "JPG"),
        ("foto.jpg", berkas_uji.jpg_derau(progressive=True)[:-400], "JPG"),
        (
            "pindaian.png",
            berkas_uji.png_mentah(300, 300, data=berkas_uji.png_mentah(300, 300)[41:-300]),
            "PNG",
        ),
    ],
    ids=["jpg", "jpg-progresif", "png"],
)
@pytest.mark.parametrize("longgar", [False, True], ids=["pillow-bawaan", "setelah-weasyprint"])
def test_a_truncated_image_is_refused(monkeypatch, nama, isi, jenis, longgar):
    # WeasyPrint (certificates) switches Pillow to accepting truncated images for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", longgar)

    assert tolak(nama, isi) == [TERPOTONG % jenis]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is longgar


def test_a_large_progressive_jpeg_is_checked_by_its_structure_not_decoded():
    # 12 MP progressive: libjpeg would hold 36 MB of coefficients to decode it, over the budget.
    buffer = io.BytesIO()
    Image.new("RGB", (4_000, 3_000), (90, 120, 150)).save(buffer, "JPEG", progressive=True)
    isi = buffer.getvalue()
    with Image.open(io.BytesIO(isi)) as gambar:
        assert berkas._memori_jpg_progresif(gambar) > berkas.MAKS_MEMORI_GAMBAR

    assert diterima("foto.jpg", isi) == "jpg"
    assert tolak("foto.jpg", isi[: len(isi) // 2]) == [TERPOTONG % "JPG"]


def test_a_pdf_with_only_an_owner_password_is_accepted():
    assert diterima("sk.pdf", berkas_uji.pdf_kata_sandi(pengguna="")) == "pdf"


def test_a_pdf_locked_for_reading_is_still_refused():
    assert tolak("sk.pdf", berkas_uji.pdf_kata_sandi(pengguna="rahasia")) == [
        "PDF ini dikunci dengan kata sandi. Unggah versi tanpa kata sandi agar penilai dapat membacanya."
    ]


@pytest.mark.parametrize(
    ("nama", "isi", "jenis"),
    [
        ("rekap.xlsx", berkas_uji.xlsm_dinamai_xlsx(), "Excel (XLSX)"),
        (
            "laporan.docx",
            office_dengan(berkas_uji.docx(), {"word/vbaProject.bin": berkas_uji.VBA}),
            "Word (DOCX)",
        ),
        (
            "laporan.docx",
            berkas_uji.zip_bagian(
                {
                    "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType="'
                    + berkas_uji.DOCM
                    + b'"/></Types>',
                    "word/document.xml": b"<document/>",
                }
            ),
            "Word (DOCX)",
        ),
        (
            "rekap.xlsx",
            office_dengan(berkas_uji.xlsx(), {"xl/macrosheets/sheet1.xml": b"<xm/>"}),
            "Excel (XLSX)",
        ),
    ],
    ids=["xlsm-dinamai-xlsx", "docm-vbaproject", "docm-content-type", "xlsx-makro-excel4"],
)
def test_an_office_file_with_macros_is_refused(nama, isi, jenis):
    assert tolak(nama, isi) == [MAKRO % jenis]


def _aksi_js():
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _tautan(writer, aksi):
    writer.add_annotation(
        0,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 30)]),
                NameObject("/A"): aksi,
            }
        ),
    )


def _aksi(jenis, **isi):
    return DictionaryObject(
        {NameObject("/S"): NameObject(jenis)}
        | {NameObject(f"/{k}"): TextStringObject(v) for k, v in isi.items()}
    )


def _buka(writer, aksi):
    writer.root_object[NameObject("/OpenAction")] = aksi


def _nama_js(writer):
    pohon = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("buka"), _aksi_js()])})
    writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): pohon})


def _halaman_aa(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _aksi_js()})


def _goto_lalu_js(writer):
    aksi = _aksi("/GoTo")
    aksi[NameObject("/D")] = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    aksi[NameObject("/Next")] = _aksi_js()
    _buka(writer, aksi)


def _kerangka_js(writer):
    butir = writer.add_outline_item(title="Bab 1", page_number=0).get_object()
    butir[NameObject("/A")] = _aksi_js()


def _xfa(writer):
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    )


@pytest.mark.parametrize(
    ("ubah", "temuan"),
    [
        (lambda w: _buka(w, _aksi_js()), "/OpenAction /JavaScript"),
        (lambda w: _buka(w, _aksi("/URI", URI="https://contoh.go.id")), "/OpenAction /URI"),
        (_goto_lalu_js, "/OpenAction /JavaScript"),
        (_nama_js, "/JavaScript"),
        (_halaman_aa, "/AA"),
        (lambda w: _tautan(w, _aksi("/Launch", F="calc.exe")), "/Launch"),
        (lambda w: _tautan(w, _aksi("/GoToE", N="lampiran.pdf")), "/GoToE"),
        (lambda w: _tautan(w, _aksi("/URI", URI="javascript:app.alert(1)")), "/URI"),
        (lambda w: _tautan(w, _aksi("/URI", URI="file://server/berbagi/a.exe")), "/URI"),
        (lambda w: _tautan(w, _aksi("/SubmitForm", F="https://contoh.go.id")), "/SubmitForm"),
        (_kerangka_js, "/JavaScript"),
        (_xfa, "/XFA"),
    ],
    ids=[
        "openaction-js",
        "openaction-uri",
        "openaction-goto-lalu-js",
        "names-javascript",
        "halaman-aa",
        "launch",
        "gotoe",
        "uri-javascript",
        "uri-file",
        "submitform",
        "kerangka-js",
        "xfa",
    ],
)
def test_a_pdf_that_runs_something_is_refused_with_what_it_runs(ubah, temuan):
    assert tolak("sk.pdf", berkas_uji.pdf_dengan(ubah)) == [SKRIP % temuan]


def _goto(writer):
    aksi = _aksi("/GoTo")
    aksi[NameObject("/D")] = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    _buka(writer, aksi)


@pytest.mark.parametrize(
    "ubah",
    [
        # Where to open, as Word and LibreOffice write it.
        lambda w: _buka(w, ArrayObject([w.pages[0].indirect_reference, NameObject("/Fit")])),
        _goto,
        lambda w: _tautan(w, _aksi("/URI", URI="https://www.bkn.go.id/")),
        lambda w: _tautan(w, _aksi("/URI", URI="mailto:humas@bkn.go.id")),
        lambda w: w.add_outline_item(title="Bab 1", page_number=0),
    ],
    ids=["openaction-tujuan", "openaction-goto", "tautan-web", "tautan-surel", "kerangka"],
)
def test_a_pdf_with_links_and_bookmarks_is_accepted(ubah):
    assert diterima("sk.pdf", berkas_uji.pdf_dengan(ubah)) == "pdf"


@pytest.mark.parametrize(
    ("nama", "kode"),
    [
        ("a.exe\0.pdf", "0000"),
        ("laporan\n.pdf", "000A"),
        ("laporan\u202egpj.pdf", "202E"),
        ("sk\x7f.pdf", "007F"),
    ],
)
def test_a_name_with_control_characters_is_refused(nama, kode):
    assert tolak(nama, berkas_uji.pdf()) == [
        f"Nama berkas berisi karakter kendali (U+{kode}) yang tidak diizinkan. Ubah nama berkasnya lalu unggah "
        "ulang."
    ]


@pytest.mark.django_db
def test_inline_files_are_sandboxed_and_pdfs_still_framed_by_the_score_sheet(operator, peserta_a):  # noqa: F811
    unggah(operator, "E1.1", "foto.png", berkas_uji.png())
    unggah(operator, "E1.1", "sk.pdf", berkas_uji.pdf())
    png, pdf = (BuktiDukung.objects.get(jenis=j) for j in ("png", "pdf"))

    gambar = operator.get(reverse("bukti", args=[png.pk]) + "?lihat=1")
    dokumen = operator.get(reverse("bukti", args=[pdf.pk]) + "?lihat=1")
    unduhan = operator.get(reverse("bukti", args=[pdf.pk]))

    # The score sheet frames both (lembar.html); Chromium's PDF viewer renders in the sandbox.
    sandbox = "default-src 'none'; img-src 'self'; frame-ancestors 'self'; sandbox"
    assert (gambar["Content-Security-Policy"], dokumen["Content-Security-Policy"]) == (sandbox, sandbox)
    assert (gambar["X-Frame-Options"], dokumen["X-Frame-Options"]) == ("SAMEORIGIN", "SAMEORIGIN")
    assert (gambar["Content-Disposition"], dokumen["Content-Disposition"]) == (
        'inline; filename="foto.png"',
        'inline; filename="sk.pdf"',
    )
    assert unduhan["Content-Security-Policy"] == "default-src 'none'; sandbox"


# 4. Whatever the bytes, periksa returns or refuses, within its time bound.

BENIH = [
    ("sk.pdf", berkas_uji.pdf()),
    ("sk.pdf", berkas_uji.pdf_kata_sandi()),
    ("sk.pdf", berkas_uji.pdf_dengan(lambda w: _tautan(w, _aksi("/URI", URI="https://www.bkn.go.id/")))),
    ("foto.jpg", berkas_uji.jpg()),
    ("foto.jpg", berkas_uji.jpg_derau((64, 48), progressive=True)),
    ("gambar.png", berkas_uji.png()),
    ("rekap.xlsx", berkas_uji.xlsx()),
    ("laporan.docx", berkas_uji.docx()),
]
AWALAN = [b"%PDF-1.7\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b""]


@st.composite
def berkas_acak(draw):
    """A seed of every allowed type with byte flips, cuts and insertions; or random bytes under any name."""
    if draw(st.booleans()):
        nama = draw(st.sampled_from([f"acak{e}" for e in berkas.EKSTENSI]))
        return nama, draw(st.sampled_from(AWALAN)) + draw(st.binary(min_size=1, max_size=2048))
    nama, isi = draw(st.sampled_from(BENIH))
    isi = bytearray(isi)
    for _ in range(draw(st.integers(1, 4))):
        tempat = draw(st.integers(0, len(isi) - 1))
        ubah = draw(st.sampled_from(["balik", "potong", "sisip"]))
        if ubah == "balik":
            isi[tempat] ^= draw(st.integers(1, 255))
        elif ubah == "potong":
            del isi[max(tempat, 1) :]
        else:
            isi[tempat:tempat] = draw(st.binary(min_size=1, max_size=64))
    return nama, bytes(isi)


@settings(max_examples=3000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(berkas_acak())
def test_periksa_only_returns_or_refuses_whatever_the_bytes(contoh):
    nama, isi = contoh
    try:
        jenis, _sidik, ukuran = periksa(nama, isi)
    except ValidationError as galat:
        pesan = galat.messages
    else:
        assert (jenis, ukuran) == (berkas.EKSTENSI[nama[nama.rindex(".") :]], len(isi))
        return
    assert pesan, "penolakan tanpa alasan"
    assert all(pesan), pesan
