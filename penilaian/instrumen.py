"""The instrument as plain data: read from JSON, a workbook or the database, validated, saved.

Every way into a period's instrument (the 2023 template, an Excel import, a copy
from an earlier period) builds an ``Instrumen`` and goes through ``validasi`` and
``simpan``: one set of rules, one way to save.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Elemen, Indikator, JenisKategori, Kategori, LevelRubrik, SyaratBukti

SERATUS = Decimal(100)
TEMPLAT_2023 = Path(__file__).resolve().parent / "data" / "instrumen_bkn_award_2023.json"


@dataclass(frozen=True)
class Sumber:
    """Where a value came from in a workbook, so that an error can point at it."""

    sheet: str
    baris: int

    def lokasi(self, kolom=None):
        teks = _("Sheet '%(sheet)s', baris %(baris)s") % {"sheet": self.sheet, "baris": self.baris}
        if kolom:
            teks += _(", kolom '%(kolom)s'") % {"kolom": kolom}
        return teks


@dataclass
class Level:
    level: int
    deskripsi: str
    # What an agency at this level should do next; optional, older workbooks have none.
    rekomendasi: str = ""
    sumber: Sumber | None = None


@dataclass
class Bukti:
    uraian: str
    sumber: Sumber | None = None


@dataclass
class IndikatorData:
    kode: str
    pertanyaan: str
    panduan: str
    bobot: Decimal
    rubrik: list[Level] = field(default_factory=list)
    bukti_dukung: list[Bukti] = field(default_factory=list)
    sumber: Sumber | None = None


@dataclass
class ElemenData:
    kode: str
    nama: str
    bobot: Decimal
    indikator: list[IndikatorData] = field(default_factory=list)
    sumber: Sumber | None = None


@dataclass
class KategoriData:
    kode: str
    jenis: str
    nama: str
    elemen: str | None = None
    sumber: Sumber | None = None


@dataclass
class Instrumen:
    kategori: list[KategoriData] = field(default_factory=list)
    elemen: list[ElemenData] = field(default_factory=list)

    @property
    def semua_indikator(self):
        return [i for e in self.elemen for i in e.indikator]


# Reading


def dari_json(path=TEMPLAT_2023):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return Instrumen(
        kategori=[
            KategoriData(kode=k["kode"], jenis=k["jenis"], nama=k["nama"], elemen=k.get("elemen"))
            for k in data["kategori"]
        ],
        elemen=[
            ElemenData(
                kode=e["kode"],
                nama=e["nama"],
                bobot=Decimal(str(e["bobot"])),
                indikator=[
                    IndikatorData(
                        kode=i["kode"],
                        pertanyaan=i["pertanyaan"],
                        panduan=i.get("panduan", ""),
                        bobot=Decimal(str(i["bobot"])),
                        rubrik=[
                            Level(
                                level=r["level"],
                                deskripsi=r["deskripsi"],
                                rekomendasi=r.get("rekomendasi", ""),
                            )
                            for r in i["rubrik"]
                        ],
                        bukti_dukung=[Bukti(uraian=b) for b in i.get("bukti_dukung", [])],
                    )
                    for i in e["indikator"]
                ],
            )
            for e in data["elemen"]
        ],
    )


def dari_periode(periode):
    """The instrument saved for a period, in four queries."""
    elemen = list(
        Elemen.objects.filter(periode=periode).prefetch_related(
            "indikator__rubrik", "indikator__syarat_bukti"
        )
    )
    kategori = Kategori.objects.filter(periode=periode).select_related("elemen")
    return Instrumen(
        kategori=[
            KategoriData(kode=k.kode, jenis=k.jenis, nama=k.nama, elemen=k.elemen.kode if k.elemen else None)
            for k in kategori
        ],
        elemen=[
            ElemenData(
                kode=e.kode,
                nama=e.nama,
                bobot=e.bobot,
                indikator=[
                    IndikatorData(
                        kode=i.kode,
                        pertanyaan=i.pertanyaan,
                        panduan=i.panduan,
                        bobot=i.bobot,
                        rubrik=[
                            Level(level=r.level, deskripsi=r.deskripsi, rekomendasi=r.rekomendasi)
                            for r in i.rubrik.all()
                        ],
                        bukti_dukung=[Bukti(uraian=b.uraian) for b in i.syarat_bukti.all()],
                    )
                    for i in e.indikator.all()
                ],
            )
            for e in elemen
        ],
    )


# Validation


def _di(sumber, kolom=None):
    """A prefix that says where in the workbook, when the data came from one."""
    return f"{sumber.lokasi(kolom)}: " if sumber else ""


def _angka(d):
    """A weight as people write it: 100, 12.5."""
    return f"{d.normalize():f}"


def _kode_ganda(items, nama_kode, sheet_hint):
    pesan = []
    hitung = Counter(item.kode for item in items)
    for kode, n in hitung.items():
        if n > 1:
            baris = [str(item.sumber.baris) for item in items if item.kode == kode and item.sumber]
            lokasi = (
                _("Sheet '%(sheet)s', baris %(baris)s: ") % {"sheet": sheet_hint, "baris": ", ".join(baris)}
                if baris
                else ""
            )
            pesan.append(
                lokasi
                + _("kode %(jenis)s %(kode)s dipakai %(n)s kali; kode harus unik.")
                % {"jenis": nama_kode, "kode": kode, "n": n}
            )
    return pesan


def validasi(instrumen):
    """Every rule an instrument must satisfy; returns the messages (empty when valid).

    Each message names the element or indicator at fault, and the sheet, row and
    column when the instrument came from a workbook.
    """
    pesan = []
    if not instrumen.elemen:
        pesan.append(_("Instrumen belum memiliki elemen."))

    pesan += _kode_ganda(instrumen.kategori, _("kategori"), "Kategori")
    pesan += _kode_ganda(instrumen.elemen, _("elemen"), "Elemen")
    pesan += _kode_ganda(instrumen.semua_indikator, _("indikator"), "Indikator")

    for elemen in instrumen.elemen:
        if elemen.bobot <= 0:
            pesan.append(
                _di(elemen.sumber, "Bobot")
                + _("bobot elemen %(kode)s harus lebih dari 0.") % {"kode": elemen.kode}
            )
        if not elemen.indikator:
            pesan.append(
                _di(elemen.sumber)
                + _("elemen %(kode)s (%(nama)s) belum memiliki indikator.")
                % {"kode": elemen.kode, "nama": elemen.nama}
            )
            continue
        total = sum((i.bobot for i in elemen.indikator), Decimal(0))
        if total != SERATUS:
            pesan.append(
                (_("Sheet 'Indikator', kolom 'Bobot': ") if elemen.indikator[0].sumber else "")
                + _("bobot indikator dalam elemen %(kode)s (%(nama)s) berjumlah %(total)s, harus 100.")
                % {"kode": elemen.kode, "nama": elemen.nama, "total": _angka(total)}
            )
        for indikator in elemen.indikator:
            pesan += _validasi_indikator(indikator)

    total_elemen = sum((e.bobot for e in instrumen.elemen), Decimal(0))
    if instrumen.elemen and total_elemen != SERATUS:
        pesan.append(
            (_("Sheet 'Elemen', kolom 'Bobot': ") if instrumen.elemen[0].sumber else "")
            + _("bobot seluruh elemen berjumlah %(total)s, harus 100.") % {"total": _angka(total_elemen)}
        )

    pesan += _validasi_kategori(instrumen)
    return pesan


def _validasi_indikator(indikator):
    pesan = []
    kode = indikator.kode
    if not indikator.pertanyaan.strip():
        pesan.append(
            _di(indikator.sumber, "Pertanyaan")
            + _("indikator %(kode)s belum memiliki pertanyaan.") % {"kode": kode}
        )
    if indikator.bobot <= 0:
        pesan.append(
            _di(indikator.sumber, "Bobot")
            + _("bobot indikator %(kode)s harus lebih dari 0.") % {"kode": kode}
        )
    levels = [r.level for r in indikator.rubrik]
    if len(levels) < 2:
        pesan.append(
            _di(indikator.sumber)
            + _("rubrik indikator %(kode)s harus memiliki sedikitnya dua level (sekarang %(n)s).")
            % {"kode": kode, "n": len(levels)}
        )
    elif any(b <= a for a, b in pairwise(levels)):
        sumber = next((r.sumber for r in indikator.rubrik if r.sumber), None)
        pesan.append(
            (_("Sheet '%(sheet)s', kolom 'Level': ") % {"sheet": sumber.sheet} if sumber else "")
            + _(
                "level rubrik indikator %(kode)s harus naik berurutan tanpa pengulangan (tertulis: %(levels)s)."
            )
            % {"kode": kode, "levels": ", ".join(map(str, levels))}
        )
    for r in indikator.rubrik:
        if not r.deskripsi.strip():
            pesan.append(
                _di(r.sumber, "Deskripsi")
                + _("level %(level)s rubrik indikator %(kode)s belum memiliki deskripsi.")
                % {"level": r.level, "kode": kode}
            )
    return pesan


def _validasi_kategori(instrumen):
    pesan = []
    utama = [k for k in instrumen.kategori if k.jenis == JenisKategori.UTAMA]
    if len(utama) != 1:
        pesan.append(
            _("Instrumen harus memiliki tepat satu kategori utama (sekarang %(n)s).") % {"n": len(utama)}
        )
    kode_elemen = {e.kode for e in instrumen.elemen}
    diperingkat = Counter()
    for k in instrumen.kategori:
        if k.jenis not in JenisKategori.values:
            pesan.append(
                _di(k.sumber, "Jenis")
                + _("jenis kategori %(kode)s tidak dikenal: '%(jenis)s' (pilih utama, elemen atau khusus).")
                % {"kode": k.kode, "jenis": k.jenis}
            )
        elif k.jenis == JenisKategori.ELEMEN:
            if not k.elemen:
                pesan.append(
                    _di(k.sumber, "Kode Elemen")
                    + _("kategori elemen %(kode)s harus menyebut elemen yang diperingkat.") % {"kode": k.kode}
                )
            elif k.elemen not in kode_elemen:
                pesan.append(
                    _di(k.sumber, "Kode Elemen")
                    + _("kategori %(kode)s menyebut elemen %(elemen)s yang tidak ada.")
                    % {"kode": k.kode, "elemen": k.elemen}
                )
            else:
                diperingkat[k.elemen] += 1
        elif k.elemen:
            pesan.append(
                _di(k.sumber, "Kode Elemen")
                + _("hanya kategori elemen yang menyebut elemen; kosongkan untuk kategori %(kode)s.")
                % {"kode": k.kode}
            )
    for elemen in instrumen.elemen:
        n = diperingkat[elemen.kode]
        if n != 1:
            pesan.append(
                _(
                    "Elemen %(kode)s (%(nama)s) harus diperingkat oleh tepat satu kategori elemen (sekarang %(n)s)."
                )
                % {"kode": elemen.kode, "nama": elemen.nama, "n": n}
            )
    return pesan


# Saving


@transaction.atomic
def simpan(instrumen, periode):
    """Replace the period's instrument with this one (which must be valid).

    The caller checks that the instrument is not frozen; this only writes.
    """
    Kategori.objects.filter(periode=periode).delete()
    Elemen.objects.filter(periode=periode).delete()  # cascades to indicators, rubrics, evidence

    elemen_baru = Elemen.objects.bulk_create(
        Elemen(periode=periode, kode=e.kode, nama=e.nama, bobot=e.bobot, urutan=n)
        for n, e in enumerate(instrumen.elemen, start=1)
    )
    per_kode = {e.kode: e for e in elemen_baru}
    indikator_baru = Indikator.objects.bulk_create(
        Indikator(
            periode=periode,
            elemen=elemen,
            kode=i.kode,
            pertanyaan=i.pertanyaan,
            panduan=i.panduan,
            bobot=i.bobot,
            urutan=n,
        )
        for data, elemen in zip(instrumen.elemen, elemen_baru, strict=True)
        for n, i in enumerate(data.indikator, start=1)
    )
    pasangan = list(zip(instrumen.semua_indikator, indikator_baru, strict=True))
    LevelRubrik.objects.bulk_create(
        LevelRubrik(indikator=obj, level=r.level, deskripsi=r.deskripsi, rekomendasi=r.rekomendasi)
        for data, obj in pasangan
        for r in data.rubrik
    )
    SyaratBukti.objects.bulk_create(
        SyaratBukti(indikator=obj, uraian=b.uraian, urutan=n)
        for data, obj in pasangan
        for n, b in enumerate(data.bukti_dukung, start=1)
    )
    Kategori.objects.bulk_create(
        Kategori(
            periode=periode,
            kode=k.kode,
            jenis=k.jenis,
            nama=k.nama,
            elemen=per_kode[k.elemen] if k.elemen else None,
            urutan=n,
        )
        for n, k in enumerate(instrumen.kategori, start=1)
    )


def ringkasan(instrumen):
    """Counts for a message: elements, indicators, required documents."""
    indikator = instrumen.semua_indikator
    return {
        "elemen": len(instrumen.elemen),
        "indikator": len(indikator),
        "bukti": sum(len(i.bukti_dukung) for i in indikator),
    }
