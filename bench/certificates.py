"""Certificate rendering: one certificate against a like-for-like minimal page, and the national set on workers.

1. In this process, warm as a worker is: the median time to render one certificate
   (services.sertifikat.render_pdf) against a minimal one-page A4 document made the
   same way, in the same run: the certificate's fonts (the @font-face rules of
   static/css/piagam.css, one line in each of the four), its URL fetcher, its
   stylesheet parsed once. The ratio is then the certificate's own work: its text,
   frame and QR code (goal: at most 2×).
2. The national dataset (bench/nasional.py: 627 agencies, 2 sheets each) ranked,
   its winners approved (top 3 of every category and group, plus special
   mentions), then every certificate rendered by real Celery workers (prefork)
   with 1 and with 2 worker processes, alternately, RONDE times each: the wall time
   from queueing to the last certificate stored, and the median time of one task
   in the worker (goal: 2 processes at least 1.7× as fast as 1).

    .venv/bin/python bench/certificates.py     # PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL)
    RONDE=5 .venv/bin/python bench/certificates.py
"""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid

import nasional
import psutil

os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
ULANG = 30
RONDE = int(os.environ.get("RONDE", "3"))


def halaman_minimal():
    """The minimal A4 page, like for like: the certificate's four fonts, URL fetcher and font configuration."""
    from weasyprint import CSS, HTML

    from laporan.services import sertifikat as layanan

    huruf = "\n".join(re.findall(r"@font-face \{[^}]*\}", layanan.GAYA_PIAGAM.read_text()))
    gaya = CSS(
        string=huruf
        + """
        @page { size: A4 landscape }
        .pd { font-family: "Playfair Display" } .pd-tebal { font-family: "Playfair Display"; font-weight: 700 }
        .ss { font-family: "Source Serif 4" } .ss-miring { font-family: "Source Serif 4"; font-style: italic }
        """,
        base_url=layanan.GAYA_PIAGAM.as_uri(),
        url_fetcher=layanan._fetcher(),
        font_config=layanan._fonts(),
    )
    html = "<html><body>" + "".join(
        f'<p class="{k}">BKN Award</p>' for k in ("pd-tebal", "pd", "ss", "ss-miring")
    )
    html += "</body></html>"

    def render():
        return HTML(string=html, url_fetcher=layanan._fetcher()).write_pdf(
            stylesheets=[gaya], font_config=layanan._fonts()
        )

    return render


def satu_sertifikat():
    from laporan.models import Sertifikat
    from laporan.services import sertifikat as layanan

    data = layanan.isi(
        Sertifikat.objects.select_related(
            "penghargaan__penetapan__periode", "penghargaan__peserta__instansi", "penghargaan__kategori"
        ).first()
    )
    minimal = halaman_minimal()
    layanan.siapkan_render()  # warm, as a worker is before its first task
    minimal()
    waktu_piagam, waktu_minimal, waktu_qr = [], [], []
    for _n in range(ULANG):
        t = time.perf_counter()
        layanan.render_pdf(data)
        waktu_piagam.append(time.perf_counter() - t)
        t = time.perf_counter()
        minimal()
        waktu_minimal.append(time.perf_counter() - t)
        t = time.perf_counter()
        layanan.qr_svg(data["url_verifikasi"])
        waktu_qr.append(time.perf_counter() - t)
    return statistics.median(waktu_piagam), statistics.median(waktu_minimal), statistics.median(waktu_qr)


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
    proc.durasi_tugas = []

    def baca():
        for baris in proc.stdout:
            if " ready." in baris:
                siap.set()
            elif cocok := re.search(r"laporan\.render_sertifikat\[.*\] succeeded in ([0-9.]+)s", baris):
                proc.durasi_tugas.append(float(cocok.group(1)))

    threading.Thread(target=baca, daemon=True).start()
    if not siap.wait(60):
        proc.kill()
        raise SystemExit("the Celery worker did not start")
    return proc


def _cpu_sibuk():
    """CPU seconds the whole machine has spent busy, all cores together."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0)


def _cpu_kita(worker):
    """CPU seconds of this process and of the worker with its pool."""
    proses = [
        psutil.Process(),
        psutil.Process(worker.pid),
        *psutil.Process(worker.pid).children(recursive=True),
    ]
    return sum(sum(p.cpu_times()[:4]) for p in proses)


def render_semua(penetapan, proses):
    from django.conf import settings
    from django.db.models import Count, Q

    from laporan.models import Sertifikat, StatusSertifikat
    from laporan.services import sertifikat as layanan

    antrean = f"bench-{uuid.uuid4().hex[:8]}"
    qs = Sertifikat.objects.filter(penghargaan__penetapan=penetapan)
    qs.update(sidik="", lokasi="", status=StatusSertifikat.ANTRE)
    worker = jalankan_worker(antrean, proses)
    try:
        time.sleep(
            1
        )  # let every process of the pool attach (they start warm: tasks.siapkan_render_sertifikat)
        settings.CELERY_TASK_DEFAULT_QUEUE = antrean
        sibuk, kita = _cpu_sibuk(), _cpu_kita(worker)
        mulai = time.perf_counter()
        jumlah = layanan.render_semua(penetapan=penetapan)
        while True:  # one cheap query a poll: this process shares the machine's cores with the workers
            n = qs.aggregate(
                selesai=Count("pk", filter=Q(status=StatusSertifikat.SELESAI)),
                gagal=Count("pk", filter=Q(status=StatusSertifikat.GAGAL)),
            )
            if n["gagal"]:
                raise SystemExit("a certificate failed to render")
            if n["selesai"] >= jumlah:
                break
            time.sleep(0.05)
        detik = time.perf_counter() - mulai
        # What the machine's other processes (and the database) kept busy meanwhile, in cores.
        lain = ((_cpu_sibuk() - sibuk) - (_cpu_kita(worker) - kita)) / detik
        time.sleep(0.2)  # the last task's log line
        return detik, jumlah, list(worker.durasi_tugas), lain
    finally:
        worker.terminate()
        worker.wait(30)


def main():
    nasional.siapkan()
    from laporan import services
    from laporan.models import RunPeringkat
    from laporan.queries import draf_pemenang
    from penilaian.models import Kategori, Periode

    admin, data = nasional.buat_data()
    periode = data[2023][0]
    # Random levels disagree everywhere: a threshold above the scale's range leaves nothing for the
    # chair to moderate, so that approval is not refused for it.
    Periode.objects.filter(pk=periode.pk).update(
        tahap="penetapan", penandatangan_nama="Dr. Ir. Ahmad Suryanto, M.Si.", ambang_moderasi=99
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
    for seri in draf_pemenang(penetapan).seri_terbuka:
        services.putuskan_seri(penetapan=penetapan, seri=seri, keputusan="semua", alasan="bench", oleh=admin)
    from django.conf import settings

    settings.CELERY_TASK_DEFAULT_QUEUE = (
        f"bench-buang-{uuid.uuid4().hex[:8]}"  # the approval's own queueing, unused
    )
    penetapan = services.setujui(penetapan=penetapan, oleh=admin)

    piagam, minimal, qr = satu_sertifikat()
    rasio = piagam / minimal
    print(
        f"one certificate: {piagam * 1000:.1f} ms (its QR code {qr * 1000:.1f} ms of it); minimal A4 page with "
        f"the same fonts and URL fetcher: {minimal * 1000:.1f} ms; ratio {rasio:.2f}x "
        f"(goal: at most 2x: {'met' if rasio <= 2 else 'not met'})"
    )
    waktu = {1: [], 2: []}
    tugas = {1: [], 2: []}
    for ronde in range(RONDE):
        for proses in (1, 2):
            detik, jumlah, durasi, lain = render_semua(penetapan, proses)
            waktu[proses].append(detik)
            tugas[proses].extend(durasi)
            print(
                f"  round {ronde + 1}: {jumlah} certificates, {proses} worker process(es): {detik:.1f} s "
                f"(one task in the worker: median {statistics.median(durasi) * 1000:.0f} ms; other processes "
                f"and the database kept {lain:.1f} of the {os.cpu_count()} cores busy)"
            )
    satu, dua = statistics.median(waktu[1]), statistics.median(waktu[2])
    print(
        f"{jumlah} certificates of the national dataset, median of {RONDE} rounds: 1 worker process {satu:.1f} s, "
        f"2 worker processes {dua:.1f} s; speed-up {satu / dua:.2f}x "
        f"(goal: at least 1.7x: {'met' if satu / dua >= 1.7 else 'not met'})"
    )
    print(
        f"  one task in the worker, median: {statistics.median(tugas[1]) * 1000:.0f} ms with 1 process, "
        f"{statistics.median(tugas[2]) * 1000:.0f} ms with 2 (this machine has {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
