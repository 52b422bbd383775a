"""Where a request's time goes: each public page and the autosave, profiled in-process.

Builds the production setup's data (bench/gangguan.py: the demo, DEBUG=0, PostgreSQL, its own
Redis), then runs each page N times through Django's full handler and middleware under
pyinstrument, and splits the sampled time by the code it was spent in:

- connection set-up: opening database and Redis connections;
- queries: the database driver and the ORM's SQL compilation and execution;
- cache: Redis round-trips;
- session & auth: loading the session and the user, the lockout checks (axes);
- template: rendering templates;
- middleware & handler: Django's request handling and the middleware of the stack;
- view: the project's own code, and whatever else the view calls.

    .venv/bin/python bench/profil.py                 # 300 requests per page
    .venv/bin/python bench/profil.py 100 --pohon     # and print pyinstrument's call tree of each

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bkn_award_profil) is dropped and created anew.
"""

import argparse
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_profil")

import gangguan
import nasional

# (category, pattern on the frame's file path and function); the innermost frame that matches wins.
ATURAN = [
    (
        "koneksi",
        re.compile(
            r"(django/db/backends/.*:(connect|get_new_connection|ensure_connection)$)|(redis/connection\.py:(connect|_connect|on_connect)$)"
        ),
    ),
    ("query", re.compile(r"(django/db/|psycopg2?/)")),
    ("cache", re.compile(r"(/redis/|django/core/cache/|bkn_award/cache\.py)")),
    (
        "sesi & auth",
        re.compile(r"(django/contrib/sessions/|django/contrib/auth/|/axes/|/argon2/|instansi/hashers\.py)"),
    ),
    ("template", re.compile(r"(django/template/|/templatetags/|crispy_)")),
    (
        "middleware & handler",
        re.compile(
            r"(django/core/handlers/|django/middleware/|django_htmx/|whitenoise/|bkn_award/middleware\.py|django/test/client\.py|django/http/|django/urls/)"
        ),
    ),
]
KATEGORI = ["koneksi", "query", "cache", "sesi & auth", "template", "middleware & handler", "view & lainnya"]


def kategori(frame, warisan):
    kunci = f"{frame.file_path or ''}:{frame.function}"
    for nama, pola in ATURAN:
        if pola.search(kunci):
            return nama
    if (frame.file_path or "").startswith(str(gangguan.ROOT)) and "/.venv/" not in (frame.file_path or ""):
        return "view & lainnya"
    return warisan


def bagi(frame, hasil, warisan="middleware & handler"):
    """Add each frame's own time to the category of the innermost matching frame above it."""
    nama = kategori(frame, warisan)
    sendiri = frame.time - sum(anak.time for anak in frame.children)
    hasil[nama] = hasil.get(nama, 0.0) + max(sendiri, 0.0)
    for anak in frame.children:
        bagi(anak, hasil, nama)


def profil(nama, minta, jumlah, pohon):
    from pyinstrument import Profiler

    for _n in range(20):  # warm: connections open, templates compiled, caches filled
        minta()
    # The profiler's hook slows every Python call, so the time is measured without it and only
    # its split is taken from the profiled run.
    mulai = time.perf_counter()
    for _n in range(jumlah):
        minta()
    rata = (time.perf_counter() - mulai) / jumlah
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _n in range(jumlah):
        minta()
    sesi = profiler.stop()
    hasil = {}
    bagi(sesi.root_frame(), hasil)
    total = sum(hasil.values())
    if pohon:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return nama, rata, {k: rata * v / total for k, v in hasil.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("jumlah", nargs="?", type=int, default=300)
    parser.add_argument("--pohon", action="store_true", help="print each page's call tree")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bkn-profil-"))
    layanan = gangguan.Layanan(folder)
    layanan.mulai_redis()
    os.environ.update(layanan.env)
    try:
        nasional.siapkan()
        print(f"Menyiapkan data demo di {os.environ['DATABASE_URL']} …", flush=True)
        lembar = gangguan.siapkan_data(folder)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves the manifest's names
        hasil = ukur_semua(lembar, args.jumlah, args.pohon)
    finally:
        layanan.hentikan()
    cetak(hasil, args.jumlah)


def ukur_semua(lembar, jumlah, pohon):
    from django.test import Client, override_settings

    from laporan.models import Sertifikat
    from penilaian.models import Indikator

    sys.path.insert(0, str(Path(__file__).parent))
    kode = (
        Sertifikat.objects.filter(dicabut_pada__isnull=True, penghargaan__penetapan__periode__tahun=2023)
        .values_list("kode", flat=True)
        .first()
    )
    https = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1"}
    tamu = Client(**https)

    def halaman(path):
        def minta():
            response = tamu.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return minta

    hasil = []
    with override_settings(ROOT_URLCONF="halo_urls"):
        hasil.append(profil("hello-world", halaman("/"), jumlah, pohon))
    for nama, path in [
        ("verifikasi piagam", f"/verifikasi/{kode}/"),
        ("pemenang publik", "/pemenang/2023/"),
        ("tentang", "/tentang/"),
        ("halaman masuk (GET)", "/akun/masuk/"),
    ]:
        hasil.append(profil(nama, halaman(path), jumlah, pohon))

    satu = lembar[0]
    penilai = Client(**https)
    penilai.force_login(satu.penilai)
    indikator = list(Indikator.objects.filter(periode=satu.periode).prefetch_related("rubrik"))
    versi = {}
    urutan = iter(range(10**9))

    def simpan():
        n = next(urutan)
        satu_indikator = indikator[n % len(indikator)]
        level = [r.level for r in satu_indikator.rubrik.all()]
        response = penilai.post(
            f"/penilaian/lembar/{satu.pk}/nilai/{satu_indikator.kode}/",
            {
                "level": level[n % len(level)],
                "catatan": "",
                "versi": versi.get(satu_indikator.pk, 0),
                "kunci": str(uuid.uuid4()),
            },
            HTTP_HX_REQUEST="true",
        )
        isi = response.content.decode()
        assert response.status_code == 200, isi[:500]
        assert 'data-testid="tersimpan"' in isi, isi[:500]
        versi[satu_indikator.pk] = int(
            re.search(rf'id="versi-{satu_indikator.pk}" value="(\d+)"', isi).group(1)
        )

    hasil.append(profil("autosave (POST)", simpan, jumlah, pohon))
    return hasil


def cetak(hasil, jumlah):
    print()
    print(
        f"Rata-rata waktu per permintaan (ms) tanpa profiler, {jumlah} permintaan per halaman, dibagi menurut profil pyinstrument"
    )
    lebar = 12
    print(f"{'halaman':<22}{'total':>8}" + "".join(f"{k[:lebar]:>{lebar + 1}}" for k in KATEGORI))
    for nama, total, bagian in hasil:
        baris = f"{nama:<22}{total * 1000:>8.2f}"
        baris += "".join(f"{bagian.get(k, 0.0) * 1000:>{lebar + 1}.2f}" for k in KATEGORI)
        print(baris)


if __name__ == "__main__":
    sys.exit(main())
