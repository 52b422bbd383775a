"""The ranking at national scale, against one hand-written SQL query.

Builds the national dataset in PostgreSQL: the 627 agencies of the registry, the
BKN Award 2023 instrument (28 indicators), 2 evaluators' submitted sheets per
agency and a few moderated values. Then runs the ranking exactly as the Celery
task does, counting its SQL queries, and times one hand-written SQL query that
computes the same weighted totals (checked equal at 4 decimals). The same
run over a quarter of the agencies shows the query count does not grow.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkn_award_bench .venv/bin/python bench/ranking.py

The database named in DATABASE_URL (default bkn_award_bench) is dropped and created anew:
do not point it at a database you need.
"""

import os
import random
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkn_award.settings")
os.environ.setdefault("DEBUG", "1")

ULANG = 5  # timings are the median of this many runs

SQL_TOTAL = """
WITH maks AS (
    SELECT indikator_id, MAX(level) AS maks FROM penilaian_levelrubrik GROUP BY indikator_id
), per_indikator AS (
    SELECT l.peserta_id, n.indikator_id, AVG(n.level * 100.0 / m.maks) AS skor
    FROM penilaian_nilaipenilai n
    JOIN penilaian_lembarpenilaian l ON l.id = n.lembar_id
    JOIN maks m ON m.indikator_id = n.indikator_id
    WHERE l.periode_id = %(periode)s AND l.status = 'dikirim' AND n.level IS NOT NULL
    GROUP BY l.peserta_id, n.indikator_id
)
SELECT p.peserta_id,
       SUM(COALESCE(mo.level * 100.0 / m.maks, p.skor) * i.bobot * e.bobot) / 10000 AS total
FROM per_indikator p
JOIN penilaian_indikator i ON i.id = p.indikator_id
JOIN penilaian_elemen e ON e.id = i.elemen_id
JOIN maks m ON m.indikator_id = p.indikator_id
LEFT JOIN penilaian_moderasi mo ON mo.peserta_id = p.peserta_id AND mo.indikator_id = p.indikator_id
GROUP BY p.peserta_id
"""


def siapkan_database(url):
    import psycopg2

    nama = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        # A fresh database every time: the schema is the current one, the data only this run's.
        cur.execute(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{nama}"')
    conn.close()


def buat_data(jumlah_penilai=12, seed=2023):
    """A period with every agency of the registry and two submitted sheets each."""
    from django.core.management import call_command
    from django.db import connection

    from instansi.models import Instansi, Pengguna, Peran
    from penilaian import services
    from penilaian.models import Indikator, LembarPenilaian, Moderasi, NilaiPenilai, Periode, StatusLembar

    call_command("impor_instansi", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    acak = random.Random(seed)
    admin = Pengguna.objects.create_user("admin", "admin@bkn.go.id", "x", nama="Admin", peran=Peran.ADMIN)
    penilai = [
        Pengguna.objects.create_user(
            f"p{n}", f"p{n}@bkn.go.id", "x", nama=f"Penilai {n}", peran=Peran.PENILAI
        )
        for n in range(jumlah_penilai)
    ]
    hasil = {}
    for tahun, bagian in ((2023, 1), (2024, 4)):
        periode = services.buat_periode(
            nama=f"Bench {tahun}", tahun=tahun, oleh=admin, sumber_instrumen="templat"
        )
        instansi = list(Instansi.objects.filter(aktif=True).order_by("pk"))[::bagian]
        periode.peserta.bulk_create([periode.peserta.model(periode=periode, instansi=i) for i in instansi])
        Periode.objects.filter(pk=periode.pk).update(tahap="moderasi")
        indikator = list(Indikator.objects.filter(periode=periode))
        lembar = []
        for n, peserta in enumerate(periode.peserta.all()):
            for p in (penilai[n % jumlah_penilai], penilai[(n + 1) % jumlah_penilai]):
                lembar.append(
                    LembarPenilaian(
                        periode=periode,
                        peserta=peserta,
                        penilai=p,
                        cara="otomatis",
                        ditugaskan_oleh=admin,
                        status=StatusLembar.DIKIRIM,
                    )
                )
        lembar = LembarPenilaian.objects.bulk_create(lembar)
        NilaiPenilai.objects.bulk_create(
            (
                NilaiPenilai(lembar=lb, indikator=i, level=acak.randint(0, 4), versi=1)
                for lb in lembar
                for i in indikator
            ),
            batch_size=5000,
        )
        pasangan = [(lb.peserta_id, i) for lb in lembar[::40] for i in indikator[:2]]
        Moderasi.objects.bulk_create(
            {
                (p, i.pk): Moderasi(peserta_id=p, indikator=i, level=2, alasan="bench", oleh=admin)
                for p, i in pasangan
            }.values()
        )
        hasil[tahun] = (periode, len(instansi), len(lembar) * len(indikator))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    return admin, hasil


def jalankan(periode, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laporan import services
    from laporan.models import RunPeringkat, Snapshot

    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    with CaptureQueriesContext(connection) as queries:
        mulai = time.perf_counter()
        snapshot_id = services.jalankan_run(run_id=run.pk)
        detik = time.perf_counter() - mulai
    return detik, len(queries), Snapshot.objects.get(pk=snapshot_id)


def rincian(periode):
    """Where a run's time goes: each step timed on its own."""
    from laporan import peringkat, reliabilitas, services

    t = [time.perf_counter()]
    masukan, nama = services.muat_masukan(periode)
    t.append(time.perf_counter())
    hasil = peringkat.hitung(masukan)
    t.append(time.perf_counter())
    reliabilitas.hitung(masukan, nama)
    t.append(time.perf_counter())
    masukan.digest()
    t.append(time.perf_counter())
    del hasil
    langkah = ["load", "scores and ranks", "reliability", "digest"]
    return {nama: t[n + 1] - t[n] for n, nama in enumerate(langkah)}


def sql_total(periode):
    from django.db import connection

    with connection.cursor() as cur:
        mulai = time.perf_counter()
        cur.execute(SQL_TOTAL, {"periode": periode.pk})
        baris = cur.fetchall()
        detik = time.perf_counter() - mulai
    return detik, {p: Decimal(t).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for p, t in baris}


def main():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("bench/ranking.py butuh PostgreSQL: set DATABASE_URL=postgres://…")
    siapkan_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    admin, data = buat_data()
    print(f"dataset: {time.perf_counter() - t0:.1f} s to build")

    from laporan.services import pastikan_predikat

    for tahun in (2023, 2024):
        periode, jumlah, nilai = data[tahun]
        pastikan_predikat(periode)  # the default bands, as any earlier run would have made them
        runs = [jalankan(periode, admin) for _n in range(ULANG)]
        detik = statistics.median(r[0] for r in runs)
        queries = {r[1] for r in runs}
        snapshot = runs[-1][2]
        sql = [sql_total(periode) for _n in range(ULANG)]
        detik_sql = statistics.median(s[0] for s in sql)
        total_sql = sql[-1][1]
        total_run = {h.peserta_id: h.total for h in snapshot.hasil.all()}
        sama = total_sql == total_run
        bagian = [rincian(periode) for _n in range(ULANG)]
        bagian = {k: statistics.median(b[k] for b in bagian) for k in bagian[0]}
        hitung_saja = sum(bagian.values())
        print(
            f"{jumlah} agencies, {nilai:,} evaluator scores: ranking {detik:.3f} s, {sorted(queries)} SQL queries; "
            f"hand-written SQL totals {detik_sql:.3f} s; ratio {detik / detik_sql:.2f}x; totals equal: {sama}"
        )
        print(
            "  of which computing (no progress reports, no snapshot writes): "
            + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in bagian.items())
            + f" = {hitung_saja:.3f} s, ratio {hitung_saja / detik_sql:.2f}x; the rest is writing the snapshot"
        )
        if not sama:
            beda = [p for p in total_sql if total_sql[p] != total_run.get(p)][:5]
            print("  differ for participants", beda, [(total_sql[p], total_run.get(p)) for p in beda])


if __name__ == "__main__":
    main()
