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

import statistics
import time
from decimal import ROUND_HALF_UP, Decimal

import nasional

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
    nasional.siapkan()
    t0 = time.perf_counter()
    admin, data = nasional.buat_data()
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
