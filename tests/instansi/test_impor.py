import csv
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from instansi.models import Instansi, JenisInstansi
from instansi.services import DATA_DIR, FILE_DAERAH, FILE_PUSAT

pytestmark = pytest.mark.django_db

EXPECTED = {
    JenisInstansi.KEMENTERIAN: 34,
    JenisInstansi.LEMBAGA: 47,
    JenisInstansi.PROVINSI: 38,
    JenisInstansi.KOTA: 93,
    JenisInstansi.KABUPATEN: 415,
}


def run_impor(*args):
    out = StringIO()
    call_command("impor_instansi", *args, stdout=out)
    return out.getvalue()


def counts():
    return {jenis: Instansi.objects.filter(jenis=jenis).count() for jenis in JenisInstansi}


def test_impor_loads_the_627_autonomous_agencies():
    output = run_impor()

    assert counts() == EXPECTED
    assert Instansi.objects.count() == 627
    assert "Instansi baru: 627" in output
    assert "Pemerintah Kabupaten: 415" in output
    bandung = Instansi.objects.get(kode="32.73")
    assert (bandung.nama, bandung.singkatan, bandung.induk.kode) == (
        "Pemerintah Kota Bandung",
        "Pemkot Bandung",
        "32",
    )
    assert Instansi.objects.get(kode="31").singkatan == "Pemprov DKI Jakarta"
    assert Instansi.objects.get(kode="bkn").nama == "Badan Kepegawaian Negara"
    # Jakarta's administrative cities are part of Pemprov DKI, not agencies of their own.
    assert not Instansi.objects.filter(kode__in=["31.01", "31.71"]).exists()
    assert not Instansi.objects.filter(jenis__in=JenisInstansi.daerah(), induk=None).exists()


def test_impor_twice_changes_nothing():
    run_impor()
    before = list(Instansi.objects.order_by("kode").values_list("kode", "nama", "induk__kode", "diperbarui"))

    output = run_impor()

    assert counts() == EXPECTED
    assert "Instansi baru: 0" in output
    assert "Instansi diperbarui: 0" in output
    assert "Instansi tidak berubah: 627" in output
    after = list(Instansi.objects.order_by("kode").values_list("kode", "nama", "induk__kode", "diperbarui"))
    assert after == before


def _rewrite(path, change):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fieldnames, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def test_impor_updates_changed_names_and_adds_new_rows(tmp_path):
    run_impor()
    shutil.copy(DATA_DIR / FILE_DAERAH, tmp_path / FILE_DAERAH)
    shutil.copy(DATA_DIR / FILE_PUSAT, tmp_path / FILE_PUSAT)

    def rename_baubau(rows):
        for row in rows:
            if row["nama"] == "Pemerintah Kota Bau Bau":
                row["nama"], row["nama_wilayah"] = "Pemerintah Kota Baubau", "Baubau"
        return rows

    def add_bgn(rows):
        return [*rows, {**rows[-1], "kode": "bgn", "nama": "Badan Gizi Nasional", "singkatan": "BGN"}]

    _rewrite(tmp_path / FILE_DAERAH, rename_baubau)
    _rewrite(tmp_path / FILE_PUSAT, add_bgn)

    output = run_impor("--folder", str(tmp_path))

    assert "Instansi baru: 1" in output
    assert "Instansi diperbarui: 1" in output
    assert "'Pemerintah Kota Bau Bau' -> 'Pemerintah Kota Baubau'" in output
    assert Instansi.objects.count() == 628
    baubau = Instansi.objects.get(nama="Pemerintah Kota Baubau")
    assert baubau.singkatan == "Pemkot Baubau"
    assert not Instansi.objects.filter(nama="Pemerintah Kota Bau Bau").exists()
    assert Instansi.objects.get(kode="bgn").jenis == JenisInstansi.LEMBAGA


def test_impor_semua_includes_jakarta_administrative_units():
    run_impor("--semua")

    assert Instansi.objects.count() == 633
    assert Instansi.objects.get(kode="31.71").induk.kode == "31"
