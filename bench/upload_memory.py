"""Peak memory of the web process while it takes a 50 MB evidence upload.

Starts the real application (runserver, one thread, its own SQLite database and
files in a temporary folder), signs in as the demo operator, streams a 50 MB PDF
from disk to the indicator page, and reads the server process's peak resident
memory (VmHWM, reset just before the upload) against its idle size.

    .venv/bin/python bench/upload_memory.py            # goal: peak above idle < 30 MB
"""

import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
UKURAN_MB = 50
TAHUN = 2025  # the demo period open for self-assessment


def buat_pdf(path, megabita):
    """A valid one-page PDF of about ``megabita`` MB (a large embedded file)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("lampiran.bin", os.urandom(megabita * 1024 * 1024))
    with open(path, "wb") as f:
        writer.write(f)


def kb_proses(pid, kunci):
    with open(f"/proc/{pid}/status") as f:
        for baris in f:
            if baris.startswith(kunci + ":"):
                return int(baris.split()[1])
    raise KeyError(kunci)


class Klien:
    """Just enough of a browser: cookies, CSRF, and a streamed multipart upload."""

    def __init__(self):
        self.cookies = {}

    def _kirim(self, metode, url, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers["Referer"] = f"http://127.0.0.1:{PORT}{url}"
        conn.request(metode, url, body=body, headers=headers)
        resp = conn.getresponse()
        isi = resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            for nama, morsel in SimpleCookie(header).items():
                self.cookies[nama] = morsel.value
        conn.close()
        return resp, isi

    def get(self, url):
        return self._kirim("GET", url)

    def post(self, url, data):
        body = "&".join(
            f"{k}={v}" for k, v in {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}.items()
        )
        return self._kirim("POST", url, body.encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def unggah(self, url, path, fields):
        batas = uuid.uuid4().hex
        fields = {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        awal = "".join(
            f'--{batas}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        awal += (
            f'--{batas}\r\nContent-Disposition: form-data; name="berkas"; filename="{Path(path).name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        akhir = f"\r\n--{batas}--\r\n".encode()
        panjang = len(awal.encode()) + os.path.getsize(path) + len(akhir)

        def potongan():
            yield awal.encode()
            with open(path, "rb") as f:
                while data := f.read(64 * 1024):
                    yield data
            yield akhir

        return self._kirim(
            "POST",
            url,
            potongan(),
            {"Content-Type": f"multipart/form-data; boundary={batas}", "Content-Length": str(panjang)},
        )


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "1",
            "VAR_DIR": tmp,
            "BUKTI_MAKS_MB": str(UKURAN_MB + 10),
            "BUKTI_KUOTA_MB": str(UKURAN_MB * 4),
        }
        env.pop("DATABASE_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        for perintah in (["migrate", "-v0"], ["impor_instansi"], ["siapkan_demo"]):
            subprocess.run([*manage, *perintah], env=env, check=True, capture_output=True)  # noqa: S603
        pdf = Path(tmp) / "bukti-50mb.pdf"
        buat_pdf(pdf, UKURAN_MB)
        kecil = Path(tmp) / "bukti-kecil.pdf"
        buat_pdf(kecil, 1)

        server = subprocess.Popen(  # noqa: S603
            [*manage, "runserver", f"127.0.0.1:{PORT}", "--noreload", "--nothreading"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            klien = Klien()
            for _ in range(50):
                try:
                    klien.get("/akun/masuk/")
                    break
                except OSError:
                    time.sleep(0.2)
            resp, _isi = klien.post(
                "/akun/masuk/", {"username": "operator.bandung", "password": "demo-bkn-2023"}
            )
            assert resp.status == 302, resp.status

            # Warm up every code path with a small upload, then measure the large one.
            klien.get(f"/penilaian-mandiri/{TAHUN}/E1.2/")
            resp, _isi = klien.unggah(f"/penilaian-mandiri/{TAHUN}/E1.2/", kecil, {"aksi": "unggah"})
            assert resp.status == 302, resp.status
            time.sleep(0.5)
            idle = kb_proses(server.pid, "VmRSS")
            with open(f"/proc/{server.pid}/clear_refs", "w") as f:
                f.write("5")  # reset VmHWM, the peak resident size, to the current size

            mulai = time.perf_counter()
            resp, isi = klien.unggah(f"/penilaian-mandiri/{TAHUN}/E1.1/", pdf, {"aksi": "unggah"})
            detik = time.perf_counter() - mulai
            puncak = kb_proses(server.pid, "VmHWM")
            if resp.status != 302:
                galat = re.findall(r"invalid-feedback[^>]*>\s*(?:<strong>)?([^<]+)", isi.decode())
                raise SystemExit(f"upload refused ({resp.status}): {galat}")
        finally:
            server.terminate()
            server.wait()
        tersimpan = subprocess.run(  # noqa: S603
            [
                *manage,
                "shell",
                "--no-imports",
                "-c",
                "from penilaian.models import BuktiDukung; "
                "print(BuktiDukung.objects.get(indikator__kode='E1.1', nama_berkas='bukti-50mb.pdf').ukuran)",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert int(tersimpan) == pdf.stat().st_size, (tersimpan, pdf.stat().st_size)

    print(f"stored: {int(tersimpan):,} bytes, checked (type, PDF structure, SHA-256) and recorded")
    print(f"upload: {UKURAN_MB} MB PDF through /penilaian-mandiri/{TAHUN}/E1.1/ in {detik:.2f} s")
    print(f"server process RSS idle:   {idle / 1024:7.1f} MB")
    print(f"server process RSS peak:   {puncak / 1024:7.1f} MB")
    print(f"peak above idle:           {(puncak - idle) / 1024:7.1f} MB (goal: under 30 MB)")


if __name__ == "__main__":
    main()
