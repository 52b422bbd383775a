"""The public pages under load, against a Django hello-world on the same gunicorn, in the same run.

Starts the production setup of bench/gangguan.py (gunicorn with gunicorn.conf.py, DEBUG=0,
PostgreSQL, its own Redis, the demo data) and, beside it, the same gunicorn and settings
serving one "hello" page (bench/halo_settings.py). Then wrk drives each page with 50
connections for 10 s, three times, and the bench prints the medians: requests per second,
p99 latency, and both as ratios to the hello-world's (issue 15's goals for the public pages:
at least 0.7× its throughput, at most 2× its p99).

    .venv/bin/python bench/beban.py              # wrk is installed with apt if missing

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
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_beban")

import gangguan  # the production setup: processes, demo data, the user's HTTP
import nasional

KONEKSI = 50
DETIK = 10
ULANG = 3
SASARAN_THROUGHPUT = 0.7
SASARAN_P99 = 2.0


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
    gangguan.siapkan_data(folder)
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
            ("halaman masuk (GET)", f"{layanan.url}/akun/masuk/"),
        ]
        hasil = []
        for nama, url in halaman:
            print(f"· {nama} …", flush=True)
            hasil.append((nama, *ukur(url)))
        halo.hentikan()
    finally:
        layanan.hentikan()
    cetak(hasil)


def cetak(hasil):
    _nama, rps_dasar, p99_dasar, _g = hasil[0]
    print()
    print(f"{KONEKSI} koneksi, {DETIK} s, median dari {ULANG} putaran wrk")
    print(f"{'halaman':<32}{'req/s':>9}{'p99':>10}{'× throughput':>14}{'× p99':>8}{'gagal':>7}")
    meleset = []
    for nama, rps, p99, gagal in hasil:
        rasio_rps, rasio_p99 = rps / rps_dasar, p99 / p99_dasar
        print(f"{nama:<32}{rps:>9.0f}{p99 * 1000:>8.0f} ms{rasio_rps:>13.2f}×{rasio_p99:>7.2f}×{gagal:>7}")
        if rasio_rps < SASARAN_THROUGHPUT or rasio_p99 > SASARAN_P99 or gagal:
            meleset.append(nama)
    print(f"sasaran: ≥ {SASARAN_THROUGHPUT}× throughput, ≤ {SASARAN_P99}× p99, tanpa jawaban gagal")
    print("semua sasaran tercapai" if not meleset else f"meleset: {'; '.join(meleset)}")


if __name__ == "__main__":
    sys.exit(main())
