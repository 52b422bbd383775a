"""Snapshots are history: PostgreSQL itself refuses to update or delete a snapshot or any of its rows.

The models refuse it in save() and delete() already; this also stops QuerySet.update(),
bulk_update(), raw SQL and other clients. (TRUNCATE, an administrator's tool, is not a row
change and is not refused.) A later migration that must change these rows has to drop the
triggers first and recreate them after. SQLite, the development default, has no such guard.
"""

from django.db import migrations

TABEL = ("laporan_snapshot", "laporan_hasilpeserta")

FUNGSI = """
CREATE OR REPLACE FUNCTION laporan_tolak_ubah_snapshot() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Snapshot peringkat tidak dapat diubah atau dihapus (% pada %).', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def pasang(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNGSI, params=None)  # no parameters: the % are PL/pgSQL's
    for tabel in TABEL:
        schema_editor.execute(
            f"CREATE TRIGGER {tabel}_tetap BEFORE UPDATE OR DELETE ON {tabel} "
            "FOR EACH ROW EXECUTE FUNCTION laporan_tolak_ubah_snapshot();"
        )


def lepas(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for tabel in TABEL:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {tabel}_tetap ON {tabel};")
    schema_editor.execute("DROP FUNCTION IF EXISTS laporan_tolak_ubah_snapshot();")


class Migration(migrations.Migration):
    dependencies = [("laporan", "0003_kode_kelompok")]

    operations = [migrations.RunPython(pasang, lepas)]
