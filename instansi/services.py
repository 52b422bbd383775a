"""Writes on agencies and users."""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import Instansi, JenisInstansi

DATA_DIR = Path(__file__).resolve().parent / "data"
FILE_DAERAH = "wilayah_instansi_daerah.csv"
FILE_PUSAT = "instansi_pusat.csv"

_AWALAN_SINGKATAN = {
    JenisInstansi.PROVINSI: "Pemprov",
    JenisInstansi.KABUPATEN: "Pemkab",
    JenisInstansi.KOTA: "Pemkot",
}
# The short name people actually use where the official region name is long.
_WILAYAH_SINGKAT = {"Daerah Khusus Ibukota Jakarta": "DKI Jakarta"}
_FIELDS = ("nama", "singkatan", "jenis", "induk_id", "nama_wilayah")


@dataclass
class HasilImpor:
    """What an import did: agencies created (per kind) and updated (with their changes)."""

    dibuat: Counter = field(default_factory=Counter)
    diperbarui: list = field(default_factory=list)  # (kode, {field: (old, new)})
    tidak_berubah: int = 0


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _rows(folder, *, sertakan_nonotonom):
    """The CSV rows as Instansi field values, provinces first (others refer to them)."""
    daerah = [r for r in _read_csv(folder / FILE_DAERAH) if sertakan_nonotonom or r["otonom"].strip() == "ya"]
    daerah.sort(key=lambda r: r["jenis"] != JenisInstansi.PROVINSI)
    for r in daerah:
        jenis = JenisInstansi(r["jenis"].strip())
        wilayah = r["nama_wilayah"].strip()
        yield {
            "kode": r["kode"].strip(),
            "nama": r["nama"].strip(),
            "singkatan": f"{_AWALAN_SINGKATAN[jenis]} {_WILAYAH_SINGKAT.get(wilayah, wilayah)}",
            "jenis": jenis,
            "induk_kode": r["kode_induk"].strip() or None,
            "nama_wilayah": wilayah,
        }
    for r in _read_csv(folder / FILE_PUSAT):
        yield {
            "kode": r["kode"].strip(),
            "nama": r["nama"].strip(),
            "singkatan": r["singkatan"].strip(),
            "jenis": JenisInstansi(r["jenis"].strip()),
            "induk_kode": None,
            "nama_wilayah": "",
        }


@transaction.atomic
def impor_instansi(*, folder=DATA_DIR, sertakan_nonotonom=False):
    """Create or update the agency registry from the CSV files in ``folder``.

    Idempotent: agencies are matched by their official code; changed names are
    updated, new rows are added, nothing is duplicated or deleted. By default only
    autonomous regions are imported (``otonom=ya``): Jakarta's administrative
    cities and regency are part of Pemprov DKI Jakarta, not agencies of their own.
    """
    folder = Path(folder)
    hasil = HasilImpor()
    existing = {i.kode: i for i in Instansi.objects.all()}
    for row in _rows(folder, sertakan_nonotonom=sertakan_nonotonom):
        induk_kode = row.pop("induk_kode")
        row["induk_id"] = existing[induk_kode].pk if induk_kode else None
        instansi = existing.get(row["kode"])
        if instansi is None:
            # Created one by one: kabupaten/kota need their province's id.
            instansi = Instansi.objects.create(**row)
            existing[instansi.kode] = instansi
            hasil.dibuat[instansi.jenis] += 1
            continue
        changes = {
            name: (getattr(instansi, name), row[name])
            for name in _FIELDS
            if getattr(instansi, name) != row[name]
        }
        if changes:
            for name, (_old, new) in changes.items():
                setattr(instansi, name, new)
            instansi.save()
            hasil.diperbarui.append((instansi.kode, changes))
        else:
            hasil.tidak_berubah += 1
    return hasil
