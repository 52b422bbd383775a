"""The instrument as one Excel workbook: written for people, read back exactly.

A workbook has an instructions sheet and one sheet per table. Reading collects
every problem (missing sheet or column, text where a number belongs, unknown
references, then the instrument's own rules) with its sheet, row and column, so
that a bad workbook is rejected as a whole with one list to fix.
"""

import io
import zipfile
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from bkn_award.lembar_kerja import tambah_baris

from .instrumen import (
    Bukti,
    ElemenData,
    IndikatorData,
    Instrumen,
    KategoriData,
    Level,
    Sumber,
    validasi,
)

SHEET_PETUNJUK = "Petunjuk"
# Sheet name -> (column headers, column widths). The order of the sheets and columns is the file's.
SHEETS = {
    "Kategori": (["Kode", "Jenis", "Nama Kategori", "Kode Elemen"], [12, 10, 60, 14]),
    "Elemen": (["Kode", "Nama Elemen", "Bobot"], [10, 60, 10]),
    "Indikator": (["Kode", "Kode Elemen", "Pertanyaan", "Panduan", "Bobot"], [10, 14, 70, 70, 10]),
    "Rubrik": (["Kode Indikator", "Level", "Deskripsi", "Rekomendasi"], [16, 8, 90, 90]),
    "Bukti Dukung": (["Kode Indikator", "Uraian Bukti Dukung"], [16, 90]),
}
# Columns a workbook may leave out: files exported before the column existed still import.
KOLOM_OPSIONAL = {"Rubrik": {"Rekomendasi"}}
MAKS_BARIS = 5000  # far above any real instrument; protects the server from a huge file

PETUNJUK = [
    "Instrumen Penilaian BKN Award",
    "",
    "Workbook ini memuat seluruh instrumen satu periode dan dapat diimpor kembali ke periode lain.",
    "Jangan mengganti nama sheet atau judul kolom. Baris kosong diabaikan; urutan baris menjadi urutan tampilan.",
    "",
    "Kategori: Jenis diisi 'utama' (satu kategori, memeringkat total seluruh elemen), 'elemen' (memeringkat"
    " satu elemen; isi Kode Elemen) atau 'khusus' (penghargaan khusus yang ditetapkan panel).",
    "Elemen: Bobot seluruh elemen berjumlah 100.",
    "Indikator: Kode unik dalam instrumen; Kode Elemen menunjuk sheet Elemen; bobot indikator dalam setiap elemen"
    " berjumlah 100.",
    "Rubrik: sedikitnya dua level per indikator, dengan Level berupa bilangan bulat yang naik (mis. 0–4).",
    "Rubrik, kolom Rekomendasi (boleh kosong): langkah perbaikan yang ditampilkan kepada instansi yang memperoleh"
    " level itu setelah hasil diumumkan, yaitu apa yang perlu dilakukan untuk mencapai level berikutnya; untuk"
    " level tertinggi, cara mempertahankan dan melembagakannya. Berkas lama tanpa kolom ini tetap dapat diimpor.",
    "Bukti Dukung: satu baris untuk setiap dokumen yang wajib diunggah instansi untuk indikator itu.",
]


class WorkbookTidakValid(Exception):
    """The workbook cannot become an instrument; ``pesan`` lists every reason."""

    def __init__(self, pesan):
        super().__init__("\n".join(pesan))
        self.pesan = pesan


# Writing


def _bobot(d):
    return int(d) if d == d.to_integral_value() else float(d)


def tulis(instrumen):
    """The instrument as .xlsx bytes."""
    wb = Workbook()
    petunjuk = wb.active
    petunjuk.title = SHEET_PETUNJUK
    for baris in PETUNJUK:
        tambah_baris(petunjuk, [baris])
    petunjuk["A1"].font = Font(bold=True, size=14)
    petunjuk.column_dimensions["A"].width = 120

    rows = {
        "Kategori": [[k.kode, k.jenis, k.nama, k.elemen or None] for k in instrumen.kategori],
        "Elemen": [[e.kode, e.nama, _bobot(e.bobot)] for e in instrumen.elemen],
        "Indikator": [
            [i.kode, e.kode, i.pertanyaan, i.panduan or None, _bobot(i.bobot)]
            for e in instrumen.elemen
            for i in e.indikator
        ],
        "Rubrik": [
            [i.kode, r.level, r.deskripsi, r.rekomendasi or None]
            for i in instrumen.semua_indikator
            for r in i.rubrik
        ],
        "Bukti Dukung": [[i.kode, b.uraian] for i in instrumen.semua_indikator for b in i.bukti_dukung],
    }
    header_fill = PatternFill("solid", start_color="0F2F6B")
    for nama, (kolom, lebar) in SHEETS.items():
        ws = wb.create_sheet(nama)
        tambah_baris(ws, kolom)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center")
        for row in rows[nama]:
            tambah_baris(ws, row)
        for n, width in enumerate(lebar, start=1):
            ws.column_dimensions[ws.cell(row=1, column=n).column_letter].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# Reading


class _Pembaca:
    """Reads one workbook, collecting errors instead of stopping at the first."""

    def __init__(self, wb):
        self.wb = wb
        self.pesan = []
        # A cell that could not be read makes the instrument's own checks
        # (weights, sums) misleading: they run only when every value was read.
        self.nilai_terbaca = True

    def galat(self, sumber, kolom, teks):
        self.pesan.append(f"{sumber.lokasi(kolom)}: {teks}")
        self.nilai_terbaca = False

    def rujukan_salah(self, sumber, kolom, teks):
        self.pesan.append(f"{sumber.lokasi(kolom)}: {teks}")

    def baris(self, nama):
        """[(Sumber, {column: value})] of a sheet's non-empty rows, or None if it cannot be read."""
        if nama not in self.wb.sheetnames:
            self.pesan.append(_("Sheet '%(sheet)s' tidak ada di berkas.") % {"sheet": nama})
            return None
        ws = self.wb[nama]
        kolom_sheet = SHEETS[nama][0]
        opsional = KOLOM_OPSIONAL.get(nama, set())
        rows = ws.iter_rows(values_only=True)
        header = [str(v).strip().lower() if v is not None else "" for v in next(rows, ())]
        hilang = [k for k in kolom_sheet if k.lower() not in header and k not in opsional]
        if hilang:
            for k in hilang:
                self.pesan.append(
                    _("Sheet '%(sheet)s', baris 1: kolom '%(kolom)s' tidak ada.")
                    % {"sheet": nama, "kolom": k}
                )
            return None
        indeks = {k: header.index(k.lower()) for k in kolom_sheet if k.lower() in header}
        hasil = []
        for n, row in enumerate(rows, start=2):
            if n > MAKS_BARIS:
                self.pesan.append(
                    _("Sheet '%(sheet)s' memiliki lebih dari %(maks)s baris.")
                    % {"sheet": nama, "maks": MAKS_BARIS}
                )
                break
            nilai = {k: (row[i] if i < len(row) else None) for k, i in indeks.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in nilai.values()):
                continue
            for k in opsional:
                nilai.setdefault(k, None)
            hasil.append((Sumber(nama, n), nilai))
        return hasil

    def teks(self, sumber, nilai, kolom, wajib=True):
        value = nilai[kolom]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        teks = "" if value is None else str(value).strip()
        if wajib and not teks:
            self.galat(sumber, kolom, _("wajib diisi."))
        return teks

    def angka(self, sumber, nilai, kolom):
        value = nilai[kolom]
        if value is None or (isinstance(value, str) and not value.strip()):
            self.galat(sumber, kolom, _("wajib diisi dengan angka."))
            return Decimal(0)
        if isinstance(value, bool):
            value = str(value)
        try:
            angka = (
                Decimal(str(value).strip().replace(",", "."))
                if isinstance(value, str)
                else Decimal(str(value))
            )
        except InvalidOperation:
            self.galat(sumber, kolom, _("'%(nilai)s' bukan angka.") % {"nilai": value})
            return Decimal(0)
        if not angka.is_finite() or angka != angka.quantize(Decimal("0.01")):
            self.galat(
                sumber,
                kolom,
                _("'%(nilai)s' harus angka dengan paling banyak dua desimal.") % {"nilai": value},
            )
            return Decimal(0)
        return angka.quantize(Decimal("0.01"))

    def bulat(self, sumber, nilai, kolom):
        angka = self.angka(sumber, nilai, kolom)
        if angka != angka.to_integral_value() or angka < 0:
            self.galat(
                sumber,
                kolom,
                _("level harus bilangan bulat 0 atau lebih, bukan '%(nilai)s'.") % {"nilai": nilai[kolom]},
            )
            return 0
        return int(angka)


def baca(berkas):
    """Read an instrument from an uploaded .xlsx file; raises WorkbookTidakValid with every error."""
    try:
        wb = load_workbook(berkas, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise WorkbookTidakValid(
            [
                _(
                    "Berkas tidak dapat dibaca sebagai workbook Excel (.xlsx). Unggah berkas hasil ekspor instrumen."
                )
            ]
        ) from None
    try:
        pembaca = _Pembaca(wb)
        instrumen = _susun(pembaca)
    finally:
        wb.close()
    pesan = pembaca.pesan
    if instrumen is not None and pembaca.nilai_terbaca:
        pesan = pesan + validasi(instrumen)
    if pesan:
        raise WorkbookTidakValid(pesan)
    return instrumen


def _susun(p):
    lembar = {nama: p.baris(nama) for nama in SHEETS}
    if any(rows is None for rows in lembar.values()):
        return None

    # Every row is kept, duplicates too, so that validasi() reports them; references
    # resolve to the first row with a code.
    daftar_elemen = []
    elemen = {}
    for sumber, nilai in lembar["Elemen"]:
        data = ElemenData(
            kode=p.teks(sumber, nilai, "Kode"),
            nama=p.teks(sumber, nilai, "Nama Elemen"),
            bobot=p.angka(sumber, nilai, "Bobot"),
            sumber=sumber,
        )
        daftar_elemen.append(data)
        elemen.setdefault(data.kode, data)
    instrumen = Instrumen(elemen=daftar_elemen)

    indikator = {}
    for sumber, nilai in lembar["Indikator"]:
        kode = p.teks(sumber, nilai, "Kode")
        kode_elemen = p.teks(sumber, nilai, "Kode Elemen")
        data = IndikatorData(
            kode=kode,
            pertanyaan=p.teks(sumber, nilai, "Pertanyaan"),
            panduan=p.teks(sumber, nilai, "Panduan", wajib=False),
            bobot=p.angka(sumber, nilai, "Bobot"),
            sumber=sumber,
        )
        induk = elemen.get(kode_elemen)
        if kode_elemen and induk is None:
            p.rujukan_salah(
                sumber,
                "Kode Elemen",
                _("elemen '%(kode)s' tidak ada di sheet Elemen.") % {"kode": kode_elemen},
            )
        elif induk is not None:
            induk.indikator.append(data)
        indikator.setdefault(kode, data)

    for sumber, nilai in lembar["Rubrik"]:
        kode = p.teks(sumber, nilai, "Kode Indikator")
        level = Level(
            level=p.bulat(sumber, nilai, "Level"),
            deskripsi=p.teks(sumber, nilai, "Deskripsi"),
            rekomendasi=p.teks(sumber, nilai, "Rekomendasi", wajib=False),
            sumber=sumber,
        )
        if kode in indikator:
            indikator[kode].rubrik.append(level)
        elif kode:
            p.rujukan_salah(
                sumber,
                "Kode Indikator",
                _("indikator '%(kode)s' tidak ada di sheet Indikator.") % {"kode": kode},
            )

    for sumber, nilai in lembar["Bukti Dukung"]:
        kode = p.teks(sumber, nilai, "Kode Indikator")
        bukti = Bukti(uraian=p.teks(sumber, nilai, "Uraian Bukti Dukung"), sumber=sumber)
        if kode in indikator:
            indikator[kode].bukti_dukung.append(bukti)
        elif kode:
            p.rujukan_salah(
                sumber,
                "Kode Indikator",
                _("indikator '%(kode)s' tidak ada di sheet Indikator.") % {"kode": kode},
            )

    instrumen.kategori = [
        KategoriData(
            kode=p.teks(sumber, nilai, "Kode"),
            jenis=p.teks(sumber, nilai, "Jenis").lower(),
            nama=p.teks(sumber, nilai, "Nama Kategori"),
            elemen=p.teks(sumber, nilai, "Kode Elemen", wajib=False) or None,
            sumber=sumber,
        )
        for sumber, nilai in lembar["Kategori"]
    ]
    return instrumen
