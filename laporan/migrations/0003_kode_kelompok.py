"""Peer groups by identity: every snapshot row and award records its group's code beside its name."""

from django.db import migrations, models

# The names kinds were stored under (JenisInstansi's labels when these rows were written).
NAMA_JENIS = {
    "kementerian": "Kementerian",
    "lembaga": "Lembaga",
    "provinsi": "Pemerintah Provinsi",
    "kota": "Pemerintah Kota",
    "kabupaten": "Pemerintah Kabupaten",
}


def isi_kode_kelompok(apps, schema_editor):
    """Rows written before the code existed: the kind when the name is the kind's, else the sub-group
    of that name within the agency's kind (an unknown name keeps a code of its own)."""
    HasilPeserta = apps.get_model("laporan", "HasilPeserta")
    Penghargaan = apps.get_model("laporan", "Penghargaan")
    SubKelompok = apps.get_model("penilaian", "SubKelompok")
    sub = {(s.periode_id, s.jenis, s.nama): s.pk for s in SubKelompok.objects.all()}

    def kode(periode_id, jenis, nama):
        if nama == NAMA_JENIS.get(jenis):
            return jenis
        pk = sub.get((periode_id, jenis, nama))
        return f"{jenis}:{pk}" if pk else f"{jenis}:{nama}"[:60]

    baris = list(HasilPeserta.objects.select_related("snapshot", "peserta__instansi"))
    for h in baris:
        h.kode_kelompok = kode(h.snapshot.periode_id, h.peserta.instansi.jenis, h.kelompok)
    HasilPeserta.objects.bulk_update(baris, ["kode_kelompok"], batch_size=1000)
    baris = list(Penghargaan.objects.select_related("penetapan", "peserta__instansi"))
    for p in baris:
        p.kode_kelompok = kode(p.penetapan.periode_id, p.peserta.instansi.jenis, p.kelompok)
    Penghargaan.objects.bulk_update(baris, ["kode_kelompok"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("laporan", "0002_penetapan"),
        ("penilaian", "0005_penghargaan"),
    ]

    operations = [
        migrations.AddField(
            model_name="hasilpeserta",
            name="kode_kelompok",
            field=models.CharField(default="", max_length=60, verbose_name="kode kelompok"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="penghargaan",
            name="kode_kelompok",
            field=models.CharField(default="", max_length=60, verbose_name="kode kelompok"),
            preserve_default=False,
        ),
        migrations.RunPython(isi_kode_kelompok, migrations.RunPython.noop),
    ]
