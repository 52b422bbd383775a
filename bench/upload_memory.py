"""Peak memory of the web process while it takes a 50 MB evidence upload, and the worst bad files.

Starts the real application (runserver, one thread, its own SQLite database and
files in a temporary folder), signs in as the demo operator, streams a 50 MB PDF
from disk to the indicator page, and reads the server process's peak resident
memory (VmHWM, reset just before the upload) against its idle size.

Then it uploads, through the same server, the worst files of the checker's corpus
(tests/penilaian/berkas_uji.py builds them): a DOCX of 225,000 parts, a zip bomb,
a pixel bomb, PDFs built to keep pypdf busy or fill its index, images of millions
of parts; and the heaviest files that are accepted. For each it prints the
verdict, the request's wall time, the server's CPU time and its peak memory above
idle.

    .venv/bin/python bench/upload_memory.py   # goals: 50 MB PDF < +30 MB; each bad file < 2 s, < +50 MB
"""

import html
import http.client
import io
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
sys.path.insert(0, str(ROOT))  # tests.penilaian.berkas_uji builds the corpus
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


def korpus():
    """(label, file name, builder, accepted?) of the worst files for the content check."""
    from PIL import Image

    from tests.penilaian import berkas_uji

    def jpg_progresif_49mp():
        buffer = io.BytesIO()
        Image.effect_noise((7_000, 7_000), 32).convert("RGB").save(
            buffer, "JPEG", progressive=True, quality=80
        )
        return buffer.getvalue()

    def pdf_1000_halaman():
        from pypdf import PdfWriter

        writer = PdfWriter()
        for nomor in range(1_000):
            writer.add_blank_page(595, 842)
            writer.add_outline_item(title=f"Bab {nomor + 1}", page_number=nomor)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    return [
        ("DOCX, 225.000 bagian", "bagian.docx", lambda: berkas_uji.docx_banyak_bagian(225_000), False),
        ("DOCX, bom zip 1 GB", "bom.docx", lambda: berkas_uji.docx_bom(1024), False),
        ("PNG 12.000 x 12.000, bom piksel", "bom.png", lambda: berkas_uji.png_mentah(12_000, 12_000), False),
        ("PDF, xref 950.000 entri", "xref.pdf", lambda: berkas_uji.pdf_xref_raksasa(950_000), False),
        ("PDF, 60 object stream rusak", "objstm.pdf", lambda: berkas_uji.pdf_objstm_berat(60), False),
        ("JPG, 5 juta segmen", "segmen.jpg", lambda: berkas_uji.jpg_banyak_segmen(5_000_000), False),
        ("PNG, 1,6 juta chunk", "chunk.png", lambda: berkas_uji.png_banyak_chunk(1_600_000), False),
        ("PNG 7.000 x 7.000 (49 MP)", "pindaian.png", lambda: berkas_uji.png_mentah(7_000, 7_000), True),
        ("JPG progresif 7.000 x 7.000", "foto.jpg", jpg_progresif_49mp, True),
        ("PDF 1.000 halaman + 1.000 bookmark", "laporan.pdf", pdf_1000_halaman, True),
    ]


def detik_cpu(pid):
    """User + system CPU seconds of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        bidang = f.read().rsplit(")", 1)[1].split()
    return (int(bidang[11]) + int(bidang[12])) / os.sysconf("SC_CLK_TCK")


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

    def unggah(self, url, path, fields, content_type="application/pdf"):
        batas = uuid.uuid4().hex
        fields = {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        awal = "".join(
            f'--{batas}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        awal += (
            f'--{batas}\r\nContent-Disposition: form-data; name="berkas"; filename="{Path(path).name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
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


def galat_unggah(isi):
    return re.findall(r"invalid-feedback[^>]*>\s*(?:<p[^>]*>)?\s*(?:<strong>)?([^<]+)", isi.decode())


def ukur_unggahan(klien, pid, path, diterima):
    """Upload one file; (wall seconds, server CPU seconds, peak KB above idle, verdict)."""
    time.sleep(0.3)
    idle = kb_proses(pid, "VmRSS")
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")
    cpu = detik_cpu(pid)
    mulai = time.perf_counter()
    resp, isi = klien.unggah(
        f"/penilaian-mandiri/{TAHUN}/E1.2/", path, {"aksi": "unggah"}, "application/octet-stream"
    )
    detik = time.perf_counter() - mulai
    cpu = detik_cpu(pid) - cpu
    tambah = kb_proses(pid, "VmHWM") - idle
    pesan = "diterima" if resp.status == 302 else " ".join(galat_unggah(isi)) or f"HTTP {resp.status}"
    if (resp.status == 302) != diterima or resp.status not in (200, 302):
        raise SystemExit(f"{path.name}: unexpected {resp.status}: {pesan}")
    return detik, cpu, tambah, html.unescape(pesan).strip()


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
        berkas_korpus = []
        for label, nama, buat, diterima in korpus():
            path = Path(tmp) / nama
            path.write_bytes(buat())
            berkas_korpus.append((label, path, diterima))

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
                raise SystemExit(f"upload refused ({resp.status}): {galat_unggah(isi)}")

            hasil_korpus = [
                (label, path.stat().st_size, *ukur_unggahan(klien, server.pid, path, diterima))
                for label, path, diterima in berkas_korpus
            ]
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
    print()
    print("content check of the worst files (goal for bad files: under 2 s and under +50 MB):")
    print(f"{'file':34} {'size':>8} {'wall':>7} {'cpu':>7} {'peak':>9}  verdict")
    for label, ukuran, detik, cpu, tambah, pesan in hasil_korpus:
        ukuran = f"{ukuran / 1024 / 1024:.1f} MB"
        print(f"{label:34} {ukuran:>8} {detik:6.2f}s {cpu:6.2f}s {tambah / 1024:+7.1f}MB  {pesan[:90]}")


if __name__ == "__main__":
    main()
