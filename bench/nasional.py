"""The national dataset for the benchmarks: every agency of the registry, two submitted sheets each.

Used by bench/ranking.py and bench/certificates.py; it needs PostgreSQL.
"""

import os
import random
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkn_award.settings")
os.environ.setdefault("DEBUG", "1")


def siapkan():
    """A fresh bench database with the schema; Django set up."""
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("Benchmark butuh PostgreSQL: set DATABASE_URL=postgres://…")
    siapkan_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def siapkan_database(url):
    import psycopg2

    nama = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        # A fresh database every time: the schema is the current one, the data only this run's.
        cur.execute(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{nama}"')
    conn.close()


def buat_data(jumlah_penilai=12, seed=2023):
    """A period with every agency of the registry and two submitted sheets each."""
    from django.core.management import call_command
    from django.db import connection

    from instansi.models import Instansi, Pengguna, Peran
    from penilaian import services
    from penilaian.models import Indikator, LembarPenilaian, Moderasi, NilaiPenilai, Periode, StatusLembar

    call_command("impor_instansi", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    acak = random.Random(seed)
    admin = Pengguna.objects.create_user("admin", "admin@bkn.go.id", "x", nama="Admin", peran=Peran.ADMIN)
    penilai = [
        Pengguna.objects.create_user(
            f"p{n}", f"p{n}@bkn.go.id", "x", nama=f"Penilai {n}", peran=Peran.PENILAI
        )
        for n in range(jumlah_penilai)
    ]
    hasil = {}
    for tahun, bagian in ((2023, 1), (2024, 4)):
        periode = services.buat_periode(
            nama=f"Bench {tahun}", tahun=tahun, oleh=admin, sumber_instrumen="templat"
        )
        instansi = list(Instansi.objects.filter(aktif=True).order_by("pk"))[::bagian]
        periode.peserta.bulk_create([periode.peserta.model(periode=periode, instansi=i) for i in instansi])
        Periode.objects.filter(pk=periode.pk).update(tahap="moderasi")
        indikator = list(Indikator.objects.filter(periode=periode))
        lembar = []
        for n, peserta in enumerate(periode.peserta.all()):
            for p in (penilai[n % jumlah_penilai], penilai[(n + 1) % jumlah_penilai]):
                lembar.append(
                    LembarPenilaian(
                        periode=periode,
                        peserta=peserta,
                        penilai=p,
                        cara="otomatis",
                        ditugaskan_oleh=admin,
                        status=StatusLembar.DIKIRIM,
                    )
                )
        lembar = LembarPenilaian.objects.bulk_create(lembar)
        NilaiPenilai.objects.bulk_create(
            (
                NilaiPenilai(lembar=lb, indikator=i, level=acak.randint(0, 4), versi=1)
                for lb in lembar
                for i in indikator
            ),
            batch_size=5000,
        )
        pasangan = [(lb.peserta_id, i) for lb in lembar[::40] for i in indikator[:2]]
        Moderasi.objects.bulk_create(
            {
                (p, i.pk): Moderasi(peserta_id=p, indikator=i, level=2, alasan="bench", oleh=admin)
                for p, i in pasangan
            }.values()
        )
        hasil[tahun] = (periode, len(instansi), len(lembar) * len(indikator))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    return admin, hasil
