"""The ranking at national scale, against one hand-written SQL query, and at 4× that scale.

Builds the national dataset in PostgreSQL: the 627 agencies of the registry, the
BKN Award 2023 instrument (28 indicators), 2 evaluators' submitted sheets per
agency and a few moderated values. Then runs the ranking exactly as the Celery
task does, counting its SQL queries, and times one hand-written SQL query that
computes the same weighted totals (checked equal at 4 decimals). The same runs
over a quarter of the agencies, over 4× the agencies (each agency of the registry
four times) and over 4× the evaluators (8 sheets per agency from 48 evaluators)
show how the time and the query count grow.

It ends with issue 15's goals, each met or not: the whole run at most 2× the
hand-written SQL on the national dataset; 4× the data in at most 4× the time
(linear; 10 % allowed for timing noise on a shared machine); the same number of
queries at every size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkn_award_bench .venv/bin/python bench/ranking.py

The database named in DATABASE_URL (default bkn_award_bench) is dropped and created anew:
do not point it at a database you need.
"""

import statistics
import time
from decimal import ROUND_HALF_UP, Decimal

import nasional

ULANG = 5  # timings are the median of this many runs
TUJUAN_RASIO = 2.0  # the whole run against the hand-written SQL, national dataset
TUJUAN_LINEAR = 4.0 * 1.1  # 4× the data: at most 4× the time, with 10 % for noise

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
    """Where a run's time goes: each step of services.jalankan_run timed on its own, but its transaction."""
    from laporan import peringkat, reliabilitas
    from laporan.kelompok import nama_kelompok_periode
    from laporan.services import peringkat as layanan

    with layanan._tanpa_gc():  # as in the run
        t = [time.perf_counter()]
        masukan, nama = layanan.muat_masukan(periode)
        t.append(time.perf_counter())
        hasil = peringkat.hitung(masukan)
        t.append(time.perf_counter())
        reliabilitas.hitung(masukan, nama)
        t.append(time.perf_counter())
        layanan._parameter(periode, masukan)
        t.append(time.perf_counter())
        masukan.digest()
        t.append(time.perf_counter())
        list(layanan._baris_copy(0, hasil, nama_kelompok_periode(periode)))  # the rows as the COPY sends them
        t.append(time.perf_counter())
    langkah = ["load", "scores and ranks", "reliability", "scoring state", "digest", "snapshot rows"]
    return {nama: t[n + 1] - t[n] for n, nama in enumerate(langkah)}


def sql_total(periode):
    from django.db import connection

    with connection.cursor() as cur:
        mulai = time.perf_counter()
        cur.execute(SQL_TOTAL, {"periode": periode.pk})
        baris = cur.fetchall()
        detik = time.perf_counter() - mulai
    return detik, {p: Decimal(t).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for p, t in baris}


def ukur(data, admin):
    """Each dataset's run, hand-written SQL and steps, ULANG times; the datasets take turns, so that
    the load of a shared machine falls on all of them alike. {dataset: medians}."""
    ukuran = {kunci: {"run": [], "sql": [], "bagian": []} for kunci in data}
    for _n in range(ULANG):
        for kunci, (periode, _jumlah, _nilai) in data.items():
            ukuran[kunci]["run"].append(jalankan(periode, admin))
            ukuran[kunci]["sql"].append(sql_total(periode))
            ukuran[kunci]["bagian"].append(rincian(periode))
    hasil = {}
    for kunci, u in ukuran.items():
        snapshot = u["run"][-1][2]
        total_run = {h.peserta_id: h.total for h in snapshot.hasil.all()}
        total_sql = u["sql"][-1][1]
        hasil[kunci] = {
            "detik": statistics.median(r[0] for r in u["run"]),
            "queries": sorted({r[1] for r in u["run"]}),
            "sql": statistics.median(s[0] for s in u["sql"]),
            "bagian": {k: statistics.median(b[k] for b in u["bagian"]) for k in u["bagian"][0]},
            "sama": total_sql == total_run,
            "beda": [
                (p, total_sql[p], total_run.get(p)) for p in total_sql if total_sql[p] != total_run.get(p)
            ][:5],
        }
    return hasil


def cetak(nama, jumlah, nilai, h):
    print(
        f"{nama}: {jumlah} agencies, {nilai:,} evaluator scores: run {h['detik']:.3f} s, "
        f"{'/'.join(map(str, h['queries']))} SQL queries; hand-written SQL {h['sql']:.3f} s; "
        f"ratio {h['detik'] / h['sql']:.2f}×; totals equal: {h['sama']}"
    )
    sisa = h["detik"] - sum(h["bagian"].values())
    print(
        "  where the time goes: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in h["bagian"].items())
        + "; the rest (the snapshot's transaction: PostgreSQL storing the rows as they are sent, "
        + f"the commit's key checks; the run's own rows) {sisa * 1000:.0f} ms"
    )
    if not h["sama"]:
        print("  differ for participants (id, SQL, run):", h["beda"])


def _capai(syarat):
    return "met" if syarat else "NOT met"


def main():
    nasional.siapkan()
    t0 = time.perf_counter()
    admin, data = nasional.buat_data()
    data["4× agencies"] = nasional.buat_skala(admin, kali_instansi=4, tahun=2025)
    data["4× evaluators"] = nasional.buat_skala(admin, lembar=8, tahun=2026)
    print(f"datasets: {time.perf_counter() - t0:.1f} s to build")

    from laporan.services import pastikan_predikat

    for periode, _jumlah, _nilai in data.values():
        pastikan_predikat(periode)  # the default bands, as any earlier run would have made them
    hasil = ukur(data, admin)
    nama = {2023: "national", 2024: "a quarter"}
    for kunci, (_periode, jumlah, nilai) in data.items():
        cetak(nama.get(kunci, kunci), jumlah, nilai, hasil[kunci])

    nasional_ = hasil[2023]
    rasio = nasional_["detik"] / nasional_["sql"]
    print("\nGoals (issue 15):")
    print(
        f"  whole run ≤ {TUJUAN_RASIO:g}× the hand-written SQL on the national dataset: "
        f"{nasional_['detik']:.3f} s / {nasional_['sql']:.3f} s = {rasio:.2f}× — {_capai(rasio <= TUJUAN_RASIO)}"
    )
    for kunci in ("4× agencies", "4× evaluators"):
        h = hasil[kunci]
        kali = h["detik"] / nasional_["detik"]
        print(
            f"  linear at {kunci}: {h['detik']:.3f} s = {kali:.2f}× the national run for 4× the scores "
            f"(≤ {TUJUAN_LINEAR:.1f}×) — {_capai(kali <= TUJUAN_LINEAR)}; "
            f"{h['detik'] / h['sql']:.2f}× its hand-written SQL (which took {h['sql'] / nasional_['sql']:.2f}×)"
        )
    queries = sorted({q for h in hasil.values() for q in h["queries"]})
    print(
        f"  the same number of queries at every size: {'/'.join(map(str, queries))} — "
        f"{_capai(len(queries) == 1)}"
    )
    print(
        f"  totals equal to the hand-written SQL everywhere: {_capai(all(h['sama'] for h in hasil.values()))}"
    )


if __name__ == "__main__":
    main()
