"""The real peaks under load, against a Django hello-world on the same gunicorn, in the same run.

Starts the production setup of bench/gangguan.py (gunicorn with gunicorn.conf.py, DEBUG=0,
PostgreSQL, its own Redis, the demo data) and, beside it, the same gunicorn and settings
serving one "hello" page (bench/halo_settings.py). Then:

1. The public pages: wrk drives each with 50 connections for 10 s, three times; the bench
   prints the medians of requests per second and p99 latency, and both as ratios to the
   hello-world's (goals: at least 0.7× its throughput, at most 2× its p99).
2. Logins in a burst: 50 evaluators, each with the sign-in page open, press "Masuk" at the
   same moment; the time until the last is signed in, against 50 hello-world requests sent
   at the same moment by the same client (goal: at most 10×), median of 3.
3. The autosave: the same 50 evaluators each save a changed level once a second for 20 s,
   as the scoring page's script does; saves served and their p95 latency, against 50 clients
   requesting the hello-world once a second (goals: every save served, p95 at most 10×).

    .venv/bin/python bench/beban.py              # wrk is installed with apt if missing
    .venv/bin/python bench/beban.py --puncak     # only the logins and the autosave

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bkn_award_beban) is dropped and
created anew.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_beban")

import gangguan  # the production setup: processes, demo data, the user's HTTP
import nasional

KONEKSI = 50
DETIK = 10
ULANG = 3
SASARAN_THROUGHPUT = 0.7
SASARAN_P99 = 2.0
PENILAI = 50
DETIK_AUTOSAVE = 20
SASARAN_MASUK = 10.0
SASARAN_AUTOSAVE_P95 = 10.0


def pastikan_wrk():
    if shutil.which("wrk") is None:
        print("Memasang wrk (apt-get install -y wrk) …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)  # noqa: S607


def _detik(teks):
    angka, satuan = re.fullmatch(r"([\d.]+)(us|ms|s|m)", teks).groups()
    return float(angka) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[satuan]


def wrk(url):
    """(requests per second, p99 in seconds, non-2xx/3xx answers) of one wrk run."""
    keluaran = subprocess.run(  # noqa: S603 - a fixed command line
        [
            shutil.which("wrk"),
            "-t2",
            f"-c{KONEKSI}",
            f"-d{DETIK}s",
            "--latency",
            "-H",
            "X-Forwarded-Proto: https",  # as behind production's TLS proxy
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", keluaran).group(1))
    p99 = _detik(re.search(r"^\s+99%\s+(\S+)", keluaran, re.MULTILINE).group(1))
    gagal = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", keluaran)
    return rps, p99, int(gagal.group(1)) if gagal else 0


def ukur(url):
    hasil = [wrk(url) for _ in range(ULANG)]
    return (
        statistics.median(r for r, _p, _g in hasil),
        statistics.median(p for _r, p, _g in hasil),
        sum(g for _r, _p, g in hasil),
    )


def main():
    pastikan_wrk()
    folder = Path(tempfile.mkdtemp(prefix="bkn-beban-"))
    layanan = gangguan.Layanan(folder)
    layanan.mulai_redis()
    os.environ.update({k: v for k, v in layanan.env.items() if k != "DEBUG"})
    nasional.siapkan()
    print(f"Menyiapkan data demo di {os.environ['DATABASE_URL']} …", flush=True)
    lembar = gangguan.siapkan_data(folder, PENILAI)
    rencana = rencana_autosave(lembar)
    from laporan.models import Sertifikat

    kode = Sertifikat.objects.filter(dicabut_pada__isnull=True, penghargaan__penetapan__periode__tahun=2023)
    kode = kode.values_list("kode", flat=True).first()
    port_halo = gangguan.port_bebas()
    try:
        layanan.mulai_web(workers=None)
        halo = layanan.gunicorn(
            "halo",
            port_halo,
            {
                **layanan.env,
                "DJANGO_SETTINGS_MODULE": "halo_settings",
                "PYTHONPATH": str(Path(__file__).parent),
            },
        )
        gangguan.tunggu(
            lambda: gangguan.Sesi(f"http://127.0.0.1:{port_halo}").get("/", catat=False)[0] == 200,
            30,
            "hello-world tidak siap",
        )
        gangguan.pemanasan(layanan)
        halaman = [
            ("hello-world (dasar)", f"http://127.0.0.1:{port_halo}/"),
            ("verifikasi piagam (target QR)", f"{layanan.url}/verifikasi/{kode}/"),
            ("pemenang publik", f"{layanan.url}/pemenang/2023/"),
            ("tentang", f"{layanan.url}/tentang/"),
            # No ratio goal: a sign-in form carries each visitor's own CSRF token and is rendered for
            # each; issue 15 asks only that it does no expensive work (no query: bench/profil.py).
            ("halaman masuk (GET)*", f"{layanan.url}/akun/masuk/"),
        ]
        hasil = []
        for nama, url in halaman if "--puncak" not in sys.argv else halaman[:1]:
            print(f"· {nama} …", flush=True)
            hasil.append((nama, *ukur(url)))
        print(f"· {PENILAI} penilai masuk bersamaan …", flush=True)
        masuk = [serentak_masuk(layanan.url, lembar) for _ in range(ULANG)]
        masuk_halo = [serentak_halo(f"http://127.0.0.1:{port_halo}") for _ in range(ULANG)]
        sesi = masuk[-1][1]
        print(f"· autosave, {PENILAI} penilai × 1 simpan/detik, {DETIK_AUTOSAVE} s …", flush=True)
        with menunggu_kunci() as tunggu:
            autosave = jalankan_autosave(sesi, lembar, rencana)
        print(f"  sampel koneksi basis data yang menunggu kunci selama autosave: {tunggu}", flush=True)
        # After the run, alone: what one save costs without queueing (the probe reads its sheet's versions).
        satu = [d for _ok, d in per_detik_berurutan(sesi[0], lembar[0], rencana, dari=DETIK_AUTOSAVE)]
        print(
            f"  satu penilai sendirian, 50 simpan berurutan: median {statistics.median(satu) * 1000:.1f} ms"
        )
        autosave_halo = jalankan_halo_per_detik(f"http://127.0.0.1:{port_halo}")
        halo.hentikan()
    finally:
        layanan.hentikan()
    cetak(hasil)
    cetak_puncak(masuk, masuk_halo, autosave, autosave_halo)


# Logins in a burst


def serentak(tugas, jumlah):
    """Run ``tugas(n)`` for n in range(jumlah) on as many threads, released at the same moment.

    Returns (seconds from the release to the last answer, the answers).
    """
    hasil = [None] * jumlah
    mulai = threading.Barrier(jumlah + 1)

    def jalankan(n):
        mulai.wait()
        jawaban = tugas(n)
        hasil[n] = (jawaban, time.monotonic())

    benang = [threading.Thread(target=jalankan, args=(n,)) for n in range(jumlah)]
    for b in benang:
        b.start()
    mulai.wait()
    awal = time.monotonic()
    for b in benang:
        b.join()
    return max(t for _j, t in hasil) - awal, [j for j, _t in hasil]


def serentak_masuk(url, lembar):
    """(seconds from the moment all press "Masuk" to the last signed in, the signed-in sessions)."""
    sesi = [gangguan.Sesi(url) for _ in lembar]
    for satu in sesi:
        satu.get("/akun/masuk/")  # the sign-in page open, with its CSRF cookie
    detik, status = serentak(
        lambda n: sesi[n].post(
            "/akun/masuk/", {"username": lembar[n].penilai.username, "password": gangguan.KATA_SANDI}
        )[0],
        len(sesi),
    )
    gagal = [s for s in status if s != 302]
    if gagal:
        raise SystemExit(f"{len(gagal)} penilai gagal masuk: {gagal[:5]}")
    return detik, sesi


def serentak_halo(url):
    """Seconds from the moment 50 clients request the hello-world at once to the last answer."""
    sesi = [gangguan.Sesi(url) for _ in range(PENILAI)]
    detik, status = serentak(lambda n: sesi[n].get("/")[0], PENILAI)
    if any(s != 200 for s in status):
        raise SystemExit("hello-world gagal menjawab")
    return detik


# The autosave


def rencana_autosave(lembar):
    """Each sheet's indicators with two of their levels: every save changes the level."""
    from penilaian.models import Indikator

    indikator = [
        (i.pk, i.kode, [r.level for r in i.rubrik.all()][:2])
        for i in Indikator.objects.filter(periode=lembar[0].periode).prefetch_related("rubrik")
    ]
    return indikator


def per_detik(tugas, jumlah, detik):
    """Run ``tugas(n, k)`` for n in range(jumlah), each once a second for ``detik`` s (spread over the second).

    Returns the list of (ok, seconds) of every call.
    """
    catatan = []
    kunci = threading.Lock()
    awal = time.monotonic() + 0.5

    def klien(n):
        k = 0
        while True:
            jadwal = awal + n / jumlah + k
            if jadwal >= awal + detik:
                return
            time.sleep(max(0.0, jadwal - time.monotonic()))
            mulai = time.monotonic()
            ok = tugas(n, k)
            with kunci:
                catatan.append((ok, time.monotonic() - mulai))
            k += 1

    benang = [threading.Thread(target=klien, args=(n,)) for n in range(jumlah)]
    for b in benang:
        b.start()
    for b in benang:
        b.join()
    return catatan


def jalankan_autosave(sesi, lembar, rencana):
    versi = [{} for _ in lembar]

    def simpan(n, k):
        indikator_id, kode, level = rencana[k % len(rencana)]
        data = {
            "level": level[(k // len(rencana)) % len(level)],
            "catatan": "",
            "versi": versi[n].get(indikator_id, 0),
            "kunci": str(uuid.uuid4()),
        }
        status, isi, _k = sesi[n].post(
            f"/penilaian/lembar/{lembar[n].pk}/nilai/{kode}/", data, headers={"HX-Request": "true"}
        )
        if status != 200 or 'data-testid="tersimpan"' not in isi:
            return False
        versi[n][indikator_id] = int(re.search(rf'id="versi-{indikator_id}" value="(\d+)"', isi).group(1))
        return True

    return per_detik(simpan, len(lembar), DETIK_AUTOSAVE)


class menunggu_kunci:
    """Sample, every 0.1 s, the bench database's connections waiting for a lock (a diagnostic)."""

    def __enter__(self):
        self.sampel = {}
        self.selesai = threading.Event()
        self.benang = threading.Thread(target=self._amati)
        self.benang.start()
        return self.sampel

    def _amati(self):
        import psycopg2

        conn = psycopg2.connect(os.environ["DATABASE_URL"])
        conn.autocommit = True
        with conn.cursor() as cur:
            while not self.selesai.wait(0.1):
                cur.execute(
                    "SELECT wait_event, count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock' GROUP BY 1"
                )
                for jenis, n in cur.fetchall():
                    self.sampel[jenis] = self.sampel.get(jenis, 0) + n
        conn.close()

    def __exit__(self, *exc):
        self.selesai.set()
        self.benang.join()


def per_detik_berurutan(sesi, satu_lembar, rencana, dari):
    """One evaluator saving 50 times in a row, alone: what one save costs, without queueing."""
    from penilaian.models import NilaiPenilai

    versi = dict(NilaiPenilai.objects.filter(lembar=satu_lembar).values_list("indikator_id", "versi"))
    catatan = []
    for k in range(dari, dari + 50):
        indikator_id, kode, level = rencana[k % len(rencana)]
        data = {
            "level": level[k % len(level)],
            "catatan": "",
            "versi": versi.get(indikator_id, 0),
            "kunci": str(uuid.uuid4()),
        }
        mulai = time.monotonic()
        status, isi, _k = sesi.post(
            f"/penilaian/lembar/{satu_lembar.pk}/nilai/{kode}/", data, headers={"HX-Request": "true"}
        )
        catatan.append((status == 200, time.monotonic() - mulai))
        baru = re.search(rf'id="versi-{indikator_id}" value="(\d+)"', isi)
        if baru:
            versi[indikator_id] = int(baru.group(1))
    return catatan


def jalankan_halo_per_detik(url):
    sesi = [gangguan.Sesi(url) for _ in range(PENILAI)]
    return per_detik(lambda n, k: sesi[n].get("/")[0] == 200, PENILAI, DETIK_AUTOSAVE)


def p95(catatan):
    waktu = sorted(d for _ok, d in catatan)
    return waktu[min(len(waktu) - 1, int(0.95 * len(waktu)))]


def cetak_puncak(masuk, masuk_halo, autosave, autosave_halo):
    meleset = []
    detik_masuk = statistics.median(d for d, _s in masuk)
    detik_halo = statistics.median(masuk_halo)
    rasio = detik_masuk / detik_halo
    print()
    print(f"{PENILAI} penilai masuk bersamaan (median dari {ULANG}):")
    print(
        f"  masuk {detik_masuk * 1000:.0f} ms; {PENILAI} permintaan hello-world bersamaan {detik_halo * 1000:.0f} ms"
    )
    print(f"  rasio {rasio:.1f}× (sasaran ≤ {SASARAN_MASUK:.0f}×)")
    if rasio > SASARAN_MASUK:
        meleset.append("masuk serentak")
    dilayani = sum(1 for ok, _d in autosave if ok)
    p95_simpan, p95_halo = p95(autosave), p95(autosave_halo)
    print(f"Autosave, {PENILAI} penilai × 1 simpan/detik selama {DETIK_AUTOSAVE} s:")
    print(
        f"  {dilayani} dari {len(autosave)} simpan dilayani ({dilayani / DETIK_AUTOSAVE:.1f}/detik); "
        f"p95 {p95_simpan * 1000:.1f} ms; hello-world pada laju yang sama p95 {p95_halo * 1000:.1f} ms"
    )
    print(f"  rasio p95 {p95_simpan / p95_halo:.1f}× (sasaran ≤ {SASARAN_AUTOSAVE_P95:.0f}×, semua dilayani)")
    if dilayani < len(autosave) or p95_simpan / p95_halo > SASARAN_AUTOSAVE_P95:
        meleset.append("autosave")
    print("sasaran puncak tercapai" if not meleset else f"meleset: {'; '.join(meleset)}")


def cetak(hasil):
    _nama, rps_dasar, p99_dasar, _g = hasil[0]
    print()
    print(f"{KONEKSI} koneksi, {DETIK} s, median dari {ULANG} putaran wrk")
    print(f"{'halaman':<32}{'req/s':>9}{'p99':>10}{'× throughput':>14}{'× p99':>8}{'gagal':>7}")
    meleset = []
    for nama, rps, p99, gagal in hasil:
        rasio_rps, rasio_p99 = rps / rps_dasar, p99 / p99_dasar
        print(f"{nama:<32}{rps:>9.0f}{p99 * 1000:>8.0f} ms{rasio_rps:>13.2f}×{rasio_p99:>7.2f}×{gagal:>7}")
        if gagal or (not nama.endswith("*") and (rasio_rps < SASARAN_THROUGHPUT or rasio_p99 > SASARAN_P99)):
            meleset.append(nama)
    print(
        f"sasaran halaman publik: ≥ {SASARAN_THROUGHPUT}× throughput, ≤ {SASARAN_P99}× p99, tanpa jawaban gagal"
        " (* dilaporkan saja, tanpa sasaran rasio)"
    )
    print("semua sasaran tercapai" if not meleset else f"meleset: {'; '.join(meleset)}")


if __name__ == "__main__":
    sys.exit(main())
