"""Certificate rendering: one certificate against a minimal A4 page, and the whole national set on workers.

1. In this process, with warm fonts: the median time to render one certificate
   (services.sertifikat.render_pdf) against a minimal one-page A4 WeasyPrint
   document rendered in the same run (goal: at most 2×).
2. The national dataset (bench/nasional.py: 627 agencies, 2 sheets each) ranked,
   its winners approved (top 3 of every category and group, plus special
   mentions), then every certificate rendered by real Celery workers (prefork)
   with 1 and with 2 worker processes: the wall time from queueing to the last
   certificate stored.

    .venv/bin/python bench/certificates.py     # PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL)
"""

import os
import statistics
import subprocess
import sys
import threading
import time
import uuid

import nasional

os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
ULANG = 20


def satu_sertifikat():
    from weasyprint import HTML

    from laporan.models import Sertifikat
    from laporan.services import sertifikat as layanan

    data = layanan.isi(
        Sertifikat.objects.select_related(
            "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
        ).first()
    )
    minimal = (
        "<html><head><style>@page { size: A4 landscape }</style></head><body><p>BKN Award</p></body></html>"
    )
    layanan.render_pdf(data)  # warm: fonts loaded once per process, as in a worker
    HTML(string=minimal).write_pdf()
    waktu_piagam, waktu_minimal, waktu_minimal_fetcher = [], [], []
    for _n in range(ULANG):
        t = time.perf_counter()
        layanan.render_pdf(data)
        waktu_piagam.append(time.perf_counter() - t)
        t = time.perf_counter()
        HTML(string=minimal).write_pdf()
        waktu_minimal.append(time.perf_counter() - t)
        t = time.perf_counter()
        HTML(string=minimal, url_fetcher=layanan._fetcher()).write_pdf()
        waktu_minimal_fetcher.append(time.perf_counter() - t)
    return (
        statistics.median(waktu_piagam),
        statistics.median(waktu_minimal),
        statistics.median(waktu_minimal_fetcher),
    )


def jalankan_worker(antrean, proses):
    env = {**os.environ, "CELERY_QUEUE": antrean}
    proc = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bkn_award",
            "worker",
            f"--concurrency={proses}",
            "-Q",
            antrean,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-P",
            "prefork",
        ],
        cwd=str(nasional.ROOT),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    siap = threading.Event()

    def baca():
        for baris in proc.stdout:
            if " ready." in baris:
                siap.set()

    threading.Thread(target=baca, daemon=True).start()
    if not siap.wait(60):
        proc.kill()
        raise SystemExit("the Celery worker did not start")
    return proc


def render_semua(penetapan, proses):
    from django.conf import settings

    from laporan.models import Sertifikat, StatusSertifikat
    from laporan.services import sertifikat as layanan

    antrean = f"bench-{uuid.uuid4().hex[:8]}"
    qs = Sertifikat.objects.filter(penghargaan__penetapan=penetapan)
    qs.update(sidik="", lokasi="", status=StatusSertifikat.ANTRE)
    worker = jalankan_worker(antrean, proses)
    try:
        time.sleep(1)  # let every process of the pool attach
        settings.CELERY_TASK_DEFAULT_QUEUE = antrean
        mulai = time.perf_counter()
        jumlah = layanan.render_semua(penetapan=penetapan)
        while qs.filter(status=StatusSertifikat.SELESAI).count() < jumlah:
            if qs.filter(status=StatusSertifikat.GAGAL).exists():
                raise SystemExit("a certificate failed to render")
            time.sleep(0.05)
        return time.perf_counter() - mulai, jumlah
    finally:
        worker.terminate()
        worker.wait(30)


def main():
    nasional.siapkan()
    from laporan import services
    from laporan.models import RunPeringkat
    from penilaian.models import Kategori, Periode

    admin, data = nasional.buat_data()
    periode = data[2023][0]
    Periode.objects.filter(pk=periode.pk).update(
        tahap="penetapan", penandatangan_nama="Dr. Ir. Ahmad Suryanto, M.Si."
    )
    periode.refresh_from_db()
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    snapshot = periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))
    penetapan = services.buat_penetapan(periode=periode, snapshot=snapshot, jumlah_peringkat=3, oleh=admin)
    khusus = Kategori.objects.get(periode=periode, jenis="khusus")
    for peserta in periode.peserta.order_by("pk")[:3]:
        services.beri_penghargaan_khusus(
            penetapan=penetapan, peserta=peserta, kategori=khusus, alasan="bench", oleh=admin
        )
    from django.conf import settings

    settings.CELERY_TASK_DEFAULT_QUEUE = (
        f"bench-buang-{uuid.uuid4().hex[:8]}"  # the approval's own queueing, unused
    )
    penetapan = services.setujui(penetapan=penetapan, oleh=admin)

    piagam, minimal, minimal_fetcher = satu_sertifikat()
    print(
        f"one certificate: {piagam * 1000:.1f} ms; minimal one-page A4 document: {minimal * 1000:.1f} ms; "
        f"ratio {piagam / minimal:.2f}x (goal: at most 2x)"
    )
    print(
        f"  (the minimal document with the certificate's reused URL fetcher: {minimal_fetcher * 1000:.1f} ms, "
        f"ratio {piagam / minimal_fetcher:.2f}x)"
    )
    for proses in (1, 2):
        detik, jumlah = render_semua(penetapan, proses)
        print(
            f"{jumlah} certificates of the national dataset with {proses} worker process(es): {detik:.1f} s wall time"
        )


if __name__ == "__main__":
    main()
