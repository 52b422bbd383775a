"""Faults replayed against the production setup, and what a user meets in each.

gunicorn (4 sync workers, DEBUG=0), PostgreSQL, a redis-server of the bench's own (cache
and broker, so that it can be stopped and frozen) and a real Celery worker, on the demo
data (`siapkan_demo`: 627 agencies, a period in scoring, one open for self-assessment,
one published with its certificates). Each fault is replayed as the fault runs of
issue 14 did, while a user works through the pages; per fault the bench prints:

- requests answered 5xx or not at all (goal: 0);
- the longest request (goal: under 3 s);
- acknowledged writes lost (goal: 0): saves answered "saved" that the database lacks;
- the time until the user can act again (goal: under 90 s).

    .venv/bin/python bench/gangguan.py           # every fault, about 5 minutes
    .venv/bin/python bench/gangguan.py 3 4       # only the third and fourth

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bkn_award_gangguan) is dropped
and created anew. The full-disk fault mounts a small tmpfs, so it needs root.
"""

import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_gangguan")

import nasional  # sets up sys.path and the settings module

ROOT = nasional.ROOT
VENV_BIN = Path(sys.executable).parent
KATA_SANDI = "demo-bkn-2023"
PENILAI_AUTOSAVE = 20
SASARAN = {"5xx": 0, "terlama": 3.0, "hilang": 0, "pulih": 90.0}


def port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tunggu(syarat, detik, pesan):
    akhir = time.monotonic() + detik
    while time.monotonic() < akhir:
        hasil = syarat()
        if hasil:
            return hasil
        time.sleep(0.2)
    raise SystemExit(f"Menunggu {detik} detik: {pesan}")


# The processes


class Proses:
    """A child process in its own process group, so that a kill reaches its children too."""

    def __init__(self, nama, argumen, env, log):
        self.nama = nama
        self.log = open(log, "a")  # noqa: SIM115 - closed in hentikan()
        self.proses = subprocess.Popen(  # noqa: S603 - our own commands
            argumen, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def sinyal(self, sig):
        if self.proses.poll() is None:
            os.killpg(self.proses.pid, sig)

    def hentikan(self):
        self.sinyal(signal.SIGCONT)
        self.sinyal(signal.SIGTERM)
        try:
            self.proses.wait(15)
        except subprocess.TimeoutExpired:
            self.sinyal(signal.SIGKILL)
            self.proses.wait(5)
        self.log.close()


class Layanan:
    """redis-server, gunicorn and the Celery worker of the run, with the faults' handles."""

    def __init__(self, folder):
        self.folder = folder
        self.port_redis = port_bebas()
        self.port_web = port_bebas()
        self.url = f"http://127.0.0.1:{self.port_web}"
        self.redis = self.web = self.worker = None
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-gangguan-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            # As behind the TLS proxy of production: the bench says https the way nginx does.
            "BEHIND_TLS_PROXY": "1",
            "SITE_URL": self.url.replace("http:", "https:"),
            "CACHE_URL": f"redis://127.0.0.1:{self.port_redis}/1",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.port_redis}/0",
            "VAR_DIR": str(folder / "var"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            "STATIC_ROOT": str(folder / "static"),
            "LOG_LEVEL": "WARNING",
        }

    def mulai_redis(self):
        self.redis = Proses(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.port_redis),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            self.env,
            self.folder / "redis.log",
        )
        tunggu(self._redis_hidup, 10, "redis-server tidak mulai")

    def _redis_hidup(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port_redis), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def mulai_web(self, workers=4):
        """gunicorn on the app with gunicorn.conf.py, ``workers`` processes (None: the file's, by the machine)."""
        # DEBUG=0 serves the hashed names of the manifest, written by collectstatic under the same settings.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=self.env,
            cwd=ROOT,
            check=True,
        )
        self.web = self.gunicorn("gunicorn", self.port_web, self.env, workers)
        tunggu(lambda: Sesi(self.url).get("/healthz", catat=False)[0] == 200, 30, "gunicorn tidak siap")

    def gunicorn(self, nama, port, env, workers=None):
        argumen = [
            str(VENV_BIN / "gunicorn"),
            "bkn_award.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
        ]
        if workers is not None:
            argumen += ["--workers", str(workers)]
        return Proses(nama, argumen, env, self.folder / f"{nama}.log")

    def mulai_worker(self, jeda=1.0):
        """A worker like production's; ``jeda`` slows each ranking stage so that a fault lands midway."""
        self.worker = Proses(
            "worker",
            [str(VENV_BIN / "celery"), "-A", "bkn_award", "worker", "--concurrency=2", "--loglevel=INFO"],
            {**self.env, "PERINGKAT_JEDA_DETIK": str(jeda)},
            self.folder / "worker.log",
        )
        time.sleep(3)  # the worker connects and attaches to its queue

    def hentikan(self):
        for proses in (self.worker, self.web, self.redis):
            if proses is not None:
                proses.hentikan()


# The user's side: HTTP through urllib, every request timed


class TanpaAlih(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer: its own request is timed on its own


@dataclass
class Catatan:
    """What the user met during one fault."""

    nama: str
    permintaan: list = field(default_factory=list)  # (status or None, seconds, path)
    hilang: int = 0
    pulih: float = 0.0
    keterangan: list = field(default_factory=list)

    def tambah(self, status, detik, path):
        self.permintaan.append((status, detik, path))

    def _gagal(self, status, path):
        # The health check's 503 is its right answer while a part is down, not a failure.
        return status is None or (status >= 500 and not (status == 503 and path == "/healthz"))

    @property
    def gagal(self):
        return sum(1 for status, _d, path in self.permintaan if self._gagal(status, path))

    @property
    def rincian_gagal(self):
        per_path = {}
        for status, _d, path in self.permintaan:
            if self._gagal(status, path):
                per_path[(path, status)] = per_path.get((path, status), 0) + 1
        return ", ".join(f"{path} {status or 'tanpa jawaban'} ×{n}" for (path, status), n in per_path.items())

    @property
    def terlama(self):
        return max((d for _s, d, _p in self.permintaan), default=0.0)

    @property
    def path_terlama(self):
        return max(self.permintaan, key=lambda p: p[1], default=(None, 0, "-"))[2]


class KueDiBalikProksi(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies go back too: the bench stands where the TLS proxy would."""

    def return_ok_secure(self, cookie, request):
        return True


class Sesi:
    """One user's browser: cookies, CSRF token, every request timed into the fault's Catatan."""

    def __init__(self, dasar, catatan=None):
        self.dasar = dasar
        self.asal = dasar.replace("http:", "https:")
        self.catatan = catatan
        self.kue = http.cookiejar.CookieJar(KueDiBalikProksi())
        self.pembuka = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.kue), TanpaAlih)

    def _csrf(self):
        return next((c.value for c in self.kue if c.name == "csrftoken"), "")

    def minta(self, metode, path, data=None, berkas=None, headers=None, catat=True, batas=30):
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.asal,
            "Referer": self.asal + path,
            "X-CSRFToken": self._csrf(),
            **(headers or {}),
        }
        badan = None
        if berkas is not None:
            badan, headers["Content-Type"] = _multipart(data or {}, berkas)
        elif data is not None:
            badan = urllib.parse.urlencode({"csrfmiddlewaretoken": self._csrf(), **data}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        permintaan = urllib.request.Request(self.dasar + path, data=badan, headers=headers, method=metode)  # noqa: S310 - http only
        mulai = time.monotonic()
        try:
            with self.pembuka.open(permintaan, timeout=batas) as jawaban:
                status, isi, kepala = (
                    jawaban.status,
                    jawaban.read().decode(errors="replace"),
                    dict(jawaban.headers),
                )
        except urllib.error.HTTPError as exc:
            status, isi, kepala = exc.code, exc.read().decode(errors="replace"), dict(exc.headers)
        except (urllib.error.URLError, OSError) as exc:
            status, isi, kepala = None, str(exc), {}
        detik = time.monotonic() - mulai
        if catat and self.catatan is not None:
            self.catatan.tambah(status, detik, path)
        return status, isi, kepala

    def get(self, path, **kwargs):
        return self.minta("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.minta("POST", path, data=data or {}, **kwargs)

    def masuk(self, username):
        self.get("/akun/masuk/", catat=False)
        status, _isi, _k = self.post(
            "/akun/masuk/", {"username": username, "password": KATA_SANDI}, catat=False
        )
        if status != 302:
            raise SystemExit(f"{username} tidak dapat masuk ({status})")
        return self


def _multipart(data, berkas):
    batas = uuid.uuid4().hex
    bagian = []
    for nama, nilai in data.items():
        bagian.append(
            f'--{batas}\r\nContent-Disposition: form-data; name="{nama}"\r\n\r\n{nilai}\r\n'.encode()
        )
    for nama, (nama_berkas, isi, jenis) in berkas.items():
        bagian.append(
            f'--{batas}\r\nContent-Disposition: form-data; name="{nama}"; filename="{nama_berkas}"\r\n'
            f"Content-Type: {jenis}\r\n\r\n".encode()
            + isi
            + b"\r\n"
        )
    bagian.append(f"--{batas}--\r\n".encode())
    return b"".join(bagian), f"multipart/form-data; boundary={batas}"


# The data


def siapkan_data(folder, jumlah_penilai=PENILAI_AUTOSAVE):
    """The demo, and ``jumlah_penilai`` more evaluators with a sheet each for the autosave."""
    from django.core.management import call_command

    from instansi.models import Pengguna, Peran
    from penilaian.models import LembarPenilaian, Periode

    keluar = open(folder / "siapkan.log", "w")  # noqa: SIM115
    call_command("impor_instansi", stdout=keluar)
    call_command("siapkan_demo", stdout=keluar)
    keluar.close()
    periode = Periode.objects.get(tahun=2024)
    admin = Pengguna.objects.get(username="admin")
    peserta = list(periode.peserta.order_by("pk")[:jumlah_penilai])
    lembar = []
    for n, satu in enumerate(peserta, 1):
        penilai = Pengguna.objects.create_user(
            f"penilai.bench{n:02d}",
            f"penilai.bench{n:02d}@bkn.go.id",
            KATA_SANDI,
            nama=f"Penilai Bench {n}",
            peran=Peran.PENILAI,
        )
        lembar.append(
            LembarPenilaian.objects.create(
                periode=periode, peserta=satu, penilai=penilai, cara="manual", ditugaskan_oleh=admin
            )
        )
    return lembar


# The faults


def _run_terakhir(periode_tahun):
    from laporan.models import RunPeringkat

    return RunPeringkat.objects.filter(periode__tahun=periode_tahun).order_by("-pk").first()


def _tombol_hitung_bebas(sesi, tahun):
    status, isi, _k = sesi.get(f"/peringkat/{tahun}/")
    if status != 200:
        return False
    form = isi.split(f'action="/peringkat/{tahun}/hitung/"')
    return len(form) > 1 and "disabled" not in form[1].split("</form>")[0]


def _sampai_run_selesai(tahun, detik=120):
    from laporan.models import StatusRun

    return tunggu(
        lambda: (r := _run_terakhir(tahun)) and r.status in (StatusRun.SELESAI, StatusRun.GAGAL) and r,
        detik,
        "run peringkat tidak berakhir",
    )


def _mulai_run(sesi, tahun):
    status, _isi, kepala = sesi.post(f"/peringkat/{tahun}/hitung/")
    if kepala.get("Location"):
        sesi.get(kepala["Location"])
    return status


def _hitung_sampai_jalan(sesi, tahun, batas=120):
    """Click "Hitung peringkat" as the admin would, again while told the queue is unreachable; the finished run."""
    from laporan.models import StatusRun

    akhir = time.monotonic() + batas
    while True:
        _mulai_run(sesi, tahun)
        run = _run_terakhir(tahun)
        if not (run.status == StatusRun.GAGAL and "tidak dapat dihubungi" in run.pesan_galat):
            return _sampai_run_selesai(tahun)
        if time.monotonic() > akhir:
            return run
        time.sleep(1)


def pemanasan(layanan):
    """Each gunicorn worker answers a few pages first, as in production long before any fault."""
    admin = Sesi(layanan.url).masuk("admin")
    for _ in range(6):
        for path in ("/peringkat/2024/", "/pemenang/2023/", "/healthz", "/periode/", "/panitia/"):
            admin.get(path, catat=False)


def gangguan_worker_dibunuh(layanan, catatan):
    """A ranking run; its worker SIGKILLed midway, restarted at once as a supervisor would."""
    from laporan.models import StatusRun

    admin = Sesi(layanan.url, catatan).masuk("admin")
    _mulai_run(admin, 2024)
    tunggu(lambda: (r := _run_terakhir(2024)) and r.persen >= 20, 60, "run tidak mulai")
    layanan.worker.sinyal(signal.SIGKILL)
    dibunuh = time.monotonic()
    layanan.mulai_worker()
    while not _tombol_hitung_bebas(admin, 2024):
        if time.monotonic() - dibunuh > 300:
            break
        time.sleep(1)
    catatan.pulih = time.monotonic() - dibunuh
    run_lama = _run_terakhir(2024)
    catatan.keterangan.append(
        f"run yang terputus: {run_lama.get_status_display()} — {run_lama.pesan_galat[:60]}…"
    )
    _mulai_run(admin, 2024)
    baru = _sampai_run_selesai(2024)
    catatan.keterangan.append(f"run baru dari halaman: {baru.get_status_display()}")
    if baru.status != StatusRun.SELESAI:
        catatan.hilang += 1


def gangguan_database_di_tugas(layanan, catatan):
    """A ranking run; every database connection terminated midway (the worker's and gunicorn's)."""
    from laporan.models import StatusRun

    admin = Sesi(layanan.url, catatan).masuk("admin")
    _mulai_run(admin, 2024)
    tunggu(lambda: (r := _run_terakhir(2024)) and r.persen >= 20, 60, "run tidak mulai")
    putuskan_koneksi()
    diputus = time.monotonic()
    while (r := _run_terakhir(2024)).status not in (StatusRun.SELESAI, StatusRun.GAGAL):
        admin.get(f"/peringkat/{2024}/")
        time.sleep(1)
        if time.monotonic() - diputus > 120:
            break
    catatan.pulih = time.monotonic() - diputus
    catatan.keterangan.append(f"run: {r.get_status_display()} {r.pesan_galat[:60]}")
    if r.status != StatusRun.SELESAI:
        catatan.hilang += 1


def putuskan_koneksi():
    """pg_terminate_backend on every other connection to the bench database, as a restart or failover does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def gangguan_redis_mati(layanan, catatan):
    """Redis stopped for 15 s: the public winners page, the health check, and "Hitung peringkat"."""
    admin = Sesi(layanan.url, catatan).masuk("admin")
    publik = Sesi(layanan.url, catatan)
    layanan.redis.hentikan()
    try:
        akhir = time.monotonic() + 15
        while time.monotonic() < akhir:
            publik.get("/pemenang/2023/")
            status, isi, _k = publik.get("/healthz")
            if status == 503 and not catatan.keterangan:
                catatan.keterangan.append(
                    "healthz 503: "
                    + ", ".join(
                        k for k, v in json.loads(isi).items() if isinstance(v, dict) and v["status"] != "ok"
                    )
                )
            time.sleep(0.5)
        _mulai_run(admin, 2024)
        pesan = admin.get("/peringkat/2024/")[1]
        if "tidak dapat dihubungi" in pesan:
            catatan.keterangan.append("Hitung peringkat: pesan antrean tidak dapat dihubungi")
    finally:
        layanan.mulai_redis()
    kembali = time.monotonic()
    tunggu(lambda: publik.get("/healthz", catat=False)[0] == 200, 60, "healthz tidak pulih")
    tunggu(lambda: _tombol_hitung_bebas(admin, 2024), 60, "tombol hitung tidak bebas")
    run = _hitung_sampai_jalan(admin, 2024)
    catatan.pulih = time.monotonic() - kembali
    catatan.keterangan.append(f"run setelah Redis kembali: {run.get_status_display()}")


def gangguan_redis_beku(layanan, catatan):
    """Redis frozen (SIGSTOP) for 20 s while pages, health checks and publishes keep coming."""
    admin = Sesi(layanan.url, catatan).masuk("admin")
    layanan.redis.sinyal(signal.SIGSTOP)
    dibekukan = time.monotonic()

    def pengguna(aksi):
        sesi = Sesi(layanan.url, catatan)
        if aksi == "admin":
            sesi.masuk("admin")
        while time.monotonic() - dibekukan < 20:
            if aksi == "healthz":
                sesi.get("/healthz")
            elif aksi == "publik":
                sesi.get("/pemenang/2023/")
            else:
                _mulai_run(sesi, 2024)
                sesi.get("/periode/")  # an unrelated admin page
            time.sleep(0.2)

    benang = [threading.Thread(target=pengguna, args=(a,)) for a in ("healthz",) * 4 + ("publik", "admin")]
    for b in benang:
        b.start()
    for b in benang:
        b.join()
    layanan.redis.sinyal(signal.SIGCONT)
    dicairkan = time.monotonic()
    tunggu(lambda: _tombol_hitung_bebas(admin, 2024), 60, "tombol hitung tidak bebas")
    run = _hitung_sampai_jalan(admin, 2024)
    catatan.pulih = time.monotonic() - dicairkan
    catatan.keterangan.append(f"run setelah Redis mencair: {run.get_status_display()}")


def gangguan_autosave(layanan, catatan, lembar):
    """20 evaluators autosaving once a second for 20 s while every connection is terminated every 1.5 s.

    Each evaluator's "browser" does what the page's script does: one key per edit, the same
    edit sent again with the same key after a failure (after 1, 2, 4, 8 and 15 s), "saved"
    only for the server's answer. Lost: a level the server answered "saved" that the
    database does not hold at the end.
    """
    from penilaian.models import Indikator, LevelRubrik, NilaiPenilai

    indikator = list(Indikator.objects.filter(periode=lembar[0].periode).values_list("kode", "pk"))
    level = {}
    for indikator_id, n in LevelRubrik.objects.filter(indikator__periode=lembar[0].periode).values_list(
        "indikator_id", "level"
    ):
        level.setdefault(indikator_id, []).append(n)
    diakui = {}  # (sheet, indicator) -> the last level the server confirmed
    kunci_diakui = threading.Lock()
    selesai = threading.Event()

    def versi_halaman(sesi, satu):
        _status, isi, _k = sesi.get(f"/penilaian/lembar/{satu.pk}/")
        return {int(a): int(b) for a, b in re.findall(r'id="versi-(\d+)" value="(\d+)"', isi)}

    def penilai(satu):
        sesi = Sesi(layanan.url, catatan).masuk(satu.penilai.username)
        versi = versi_halaman(sesi, satu)
        acak = random.Random(satu.pk)
        while not selesai.is_set():
            kode, indikator_id = acak.choice(indikator)
            data = {
                "level": acak.choice(level[indikator_id]),
                "catatan": "",
                "versi": versi.get(indikator_id, 0),
                "kunci": str(uuid.uuid4()),
            }
            for jeda in (1, 2, 4, 8, 15, None):
                status, jawaban, _k = sesi.post(
                    f"/penilaian/lembar/{satu.pk}/nilai/{kode}/", data, headers={"HX-Request": "true"}
                )
                if status == 200 and 'data-testid="tersimpan"' in jawaban:
                    baru = re.search(rf'id="versi-{indikator_id}" value="(\d+)"', jawaban)
                    versi[indikator_id] = int(baru.group(1))
                    with kunci_diakui:
                        diakui[(satu.pk, indikator_id)] = data["level"]
                    break
                if status is not None and status < 500:  # refused: the page asks for a reload
                    versi = versi_halaman(sesi, satu)
                    break
                if jeda is None:
                    break
                time.sleep(jeda)
            time.sleep(1)

    benang = [threading.Thread(target=penilai, args=(s,)) for s in lembar]
    for b in benang:
        b.start()
    mulai = time.monotonic()
    diputus = 0
    while time.monotonic() - mulai < 20:
        time.sleep(1.5)
        diputus += putuskan_koneksi()
    selesai.set()
    for b in benang:
        b.join()
    catatan.pulih = time.monotonic() - mulai - 20  # the last retries after the faults stop
    tersimpan = {
        (n.lembar_id, n.indikator_id): n.level for n in NilaiPenilai.objects.filter(lembar__in=lembar)
    }
    catatan.hilang = sum(1 for kunci, n in diakui.items() if tersimpan.get(kunci) != n)
    catatan.keterangan.append(
        f"{len(diakui)} indikator dengan nilai diakui server; {diputus} koneksi diputus"
    )


def gangguan_sertifikat(layanan, catatan):
    """A new signatory: every certificate re-rendered; the worker SIGKILLed midway and restarted at once.

    The admin keeps the panel open and, when it says certificates are held up, presses its
    button. Misinformation counts as lost: a panel that counts an old version as ready, a
    verification page that shows the old signatory.
    """
    from django.urls import reverse

    from laporan.models import Penetapan, Sertifikat, StatusPenetapan
    from laporan.services import sertifikat as layanan_sertifikat

    penetapan = Penetapan.objects.get(periode__tahun=2023, status=StatusPenetapan.DISETUJUI)
    periode = penetapan.periode
    tunggu(
        lambda: (
            layanan_sertifikat.kemajuan(penetapan=penetapan).siap
            == layanan_sertifikat.kemajuan(penetapan=penetapan).total
        ),
        120,
        "piagam demo belum selesai dirender",
    )
    lama, baru = periode.penandatangan_nama, "Dr. Penandatangan Baru, M.Si."
    admin = Sesi(layanan.url, catatan).masuk("admin")
    panel = reverse("laporan:penetapan", args=[2023])
    admin.get(panel)
    admin.post(
        reverse("laporan:pengaturan_piagam", args=[2023]),
        {
            "jumlah_peringkat_penghargaan": periode.jumlah_peringkat_penghargaan,
            "penandatangan_nama": baru,
            "penandatangan_jabatan": periode.penandatangan_jabatan,
            "tempat_penetapan": periode.tempat_penetapan,
        },
    )
    time.sleep(1.5)
    layanan.worker.sinyal(signal.SIGKILL)
    dibunuh = time.monotonic()
    layanan.mulai_worker()
    total = Sertifikat.objects.filter(penghargaan__penetapan=penetapan).count()
    salah = set()
    while time.monotonic() - dibunuh < 300:
        _s, isi, _k = admin.get(panel)
        kemajuan = layanan_sertifikat.kemajuan(penetapan=penetapan)
        # Ready means a stored file printed with today's text, checked here on its own.
        sertifikat = Sertifikat.objects.filter(penghargaan__penetapan=penetapan)
        terkini = sum(
            1
            for s in sertifikat
            if s.status == "selesai"
            and s.lokasi
            and s.sidik == layanan_sertifikat.sidik(layanan_sertifikat.isi(s))
        )
        siap_di_panel = re.search(r"(\d+) dari \d+ piagam siap", isi)
        if siap_di_panel and int(siap_di_panel.group(1)) > terkini:
            salah.add("panel menghitung versi lama sebagai siap")
        belum = next((s for s in sertifikat if kemajuan.keadaan[s.pk] != layanan_sertifikat.SIAP), None)
        if belum is not None:
            _s, halaman, _k = Sesi(layanan.url, catatan).get(reverse("verifikasi", args=[belum.kode]))
            if lama in halaman:
                salah.add(f"verifikasi {belum.kode} menampilkan penandatangan lama")
        if terkini == total:
            break
        if "Antrekan ulang piagam yang tertahan" in isi:
            admin.post(reverse("laporan:render_ulang", args=[2023]))
        time.sleep(2)
    catatan.pulih = time.monotonic() - dibunuh
    catatan.hilang = len(salah)
    catatan.keterangan.append(f"{terkini} dari {total} piagam siap dengan penandatangan baru")
    catatan.keterangan.extend(sorted(salah))


def gangguan_disk_penuh(layanan, catatan):
    """An evidence upload into a nearly full disk (a 2 MB tmpfs), then the space comes back."""
    from penilaian.models import BuktiDukung, Indikator
    from tests.penilaian import berkas_uji

    folder = Path(layanan.env["PRIVATE_MEDIA_ROOT"]) / "bukti"
    cadangan = folder.with_name("bukti-asli")
    folder.rename(cadangan)
    folder.mkdir()
    try:
        subprocess.run(  # noqa: S603 - a fixed command line
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],  # noqa: S607
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        folder.rmdir()
        cadangan.rename(folder)
        catatan.keterangan.append(f"tidak diukur: mount tmpfs butuh root ({exc})")
        return
    try:
        operator = Sesi(layanan.url, catatan).masuk("operator.jabar")
        kode = Indikator.objects.filter(periode__tahun=2025).order_by("pk").values_list("kode", flat=True)[0]
        # Valid PDFs (the tests' own), the large one padded by a comment after its end.
        kecil = berkas_uji.pdf("kecil")
        besar = berkas_uji.pdf("besar") + b"\n%" + b"0" * 3_000_000
        status_kecil, jawaban_kecil, _k = operator.post(
            f"/penilaian-mandiri/2025/{kode}/unggah/",
            {},
            berkas={"berkas": ("kecil.pdf", kecil, "application/pdf")},
        )
        sebelum = sorted(p.name for p in folder.rglob("*") if p.is_file())
        status, jawaban, _k = operator.minta(
            "POST",
            f"/penilaian-mandiri/2025/{kode}/unggah/",
            data={},
            berkas={"berkas": ("besar.pdf", besar, "application/pdf")},
        )
        sesudah = sorted(p.name for p in folder.rglob("*") if p.is_file())
        catatan.keterangan.append(
            f"unggahan besar: {status} {json.loads(jawaban).get('galat', jawaban)[:1] if status == 200 else jawaban[:80]}"
        )
        if sesudah != sebelum:
            catatan.hilang += 1  # a partial file left behind
            catatan.keterangan.append(f"berkas tertinggal: {set(sesudah) - set(sebelum)}")
        if status_kecil != 200 or not json.loads(jawaban_kecil).get("ok"):
            catatan.hilang += 1
            catatan.keterangan.append(f"unggahan kecil tidak diterima: {status_kecil} {jawaban_kecil[:200]}")
    finally:
        # The disk gets room again, keeping what it holds (the small file stored before).
        shutil.copytree(folder, cadangan, dirs_exist_ok=True)
        subprocess.run(["umount", str(folder)], check=False)  # noqa: S603, S607
        folder.rmdir()
        cadangan.rename(folder)
    lega = time.monotonic()
    if status_kecil == 200 and json.loads(jawaban_kecil).get("ok"):
        kecil_tersimpan = BuktiDukung.objects.get(pk=json.loads(jawaban_kecil)["id"])
        if not (folder / kecil_tersimpan.lokasi).is_file():
            catatan.hilang += 1
            catatan.keterangan.append("berkas kecil yang diterima hilang")
    status, jawaban, _k = operator.minta(
        "POST",
        f"/penilaian-mandiri/2025/{kode}/unggah/",
        data={},
        berkas={"berkas": ("besar.pdf", besar, "application/pdf")},
    )
    if status == 200 and json.loads(jawaban).get("ok"):
        catatan.pulih = time.monotonic() - lega
        catatan.keterangan.append("setelah ruang kembali, berkas besar yang sama diterima")
    else:
        catatan.hilang += 1
        catatan.keterangan.append(
            f"setelah ruang kembali, berkas besar masih ditolak: {status} {jawaban[:120]}"
        )


GANGGUAN = [
    ("Worker dibunuh saat menghitung peringkat", gangguan_worker_dibunuh),
    ("Koneksi database diputus di dalam tugas peringkat", gangguan_database_di_tugas),
    ("Redis mati 15 detik", gangguan_redis_mati),
    ("Redis beku (SIGSTOP) 20 detik", gangguan_redis_beku),
    ("Koneksi PostgreSQL diputus tiap 1,5 s; 20 penilai menyimpan", gangguan_autosave),
    ("Worker dibunuh saat merender ulang piagam", gangguan_sertifikat),
    ("Disk penuh saat unggah bukti", gangguan_disk_penuh),
]


def main():
    folder = Path(tempfile.mkdtemp(prefix="bkn-gangguan-"))
    layanan = Layanan(folder)
    layanan.mulai_redis()
    os.environ.update({k: v for k, v in layanan.env.items() if k not in ("DEBUG",)})
    nasional.siapkan()
    print(f"Menyiapkan data demo di {os.environ['DATABASE_URL']} …", flush=True)
    lembar = siapkan_data(folder)
    layanan.mulai_web()
    layanan.mulai_worker()
    pemanasan(layanan)
    hasil = []
    try:
        pilihan = [int(a) for a in sys.argv[1:]] or range(1, len(GANGGUAN) + 1)
        for nama, jalankan in (GANGGUAN[n - 1] for n in pilihan):
            print(f"· {nama} …", flush=True)
            catatan = Catatan(nama)
            argumen = (lembar,) if jalankan is gangguan_autosave else ()
            try:
                jalankan(layanan, catatan, *argumen)
            except (
                Exception,
                SystemExit,
            ) as exc:  # the bench itself failed here: said, and the next fault runs
                catatan.hilang += 1
                catatan.keterangan.append(f"bench gagal di sini: {type(exc).__name__}: {exc}")
            hasil.append(catatan)
    finally:
        layanan.hentikan()
    cetak(hasil, folder)


def cetak(hasil, folder):
    print()
    print(f"{'gangguan':<58}{'permintaan':>11}{'5xx':>6}{'terlama':>10}{'hilang':>8}{'pulih':>9}")
    for c in hasil:
        print(
            f"{c.nama:<58}{len(c.permintaan):>11}{c.gagal:>6}{c.terlama:>9.2f}s{c.hilang:>8}{c.pulih:>8.1f}s"
        )
        for baris in c.keterangan:
            print(f"    {baris}")
        if c.gagal:
            print(f"    5xx: {c.rincian_gagal}")
        print(f"    terlama: {c.path_terlama}")
    print(
        f"sasaran: 5xx {SASARAN['5xx']}, terlama < {SASARAN['terlama']:.0f} s, hilang {SASARAN['hilang']}, "
        f"pulih < {SASARAN['pulih']:.0f} s"
    )
    meleset = [
        c.nama
        for c in hasil
        if c.gagal or c.terlama >= SASARAN["terlama"] or c.hilang or c.pulih >= SASARAN["pulih"]
    ]
    print("semua sasaran tercapai" if not meleset else f"meleset: {'; '.join(meleset)}")
    print(f"log layanan: {folder}")


if __name__ == "__main__":
    main()
