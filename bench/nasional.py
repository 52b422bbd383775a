"""The national dataset for the benchmarks: every agency of the registry, two submitted sheets each.

Used by bench/ranking.py and bench/certificates.py; it needs PostgreSQL. ``buat_skala`` builds it
larger (4× the agencies, or 4× the evaluators) for bench/ranking.py's linearity figures.
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

    call_command("impor_instansi", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    acak = random.Random(seed)
    admin = Pengguna.objects.create_user("admin", "admin@bkn.go.id", "x", nama="Admin", peran=Peran.ADMIN)
    penilai = _penilai(jumlah_penilai)
    hasil = {}
    for tahun, bagian in ((2023, 1), (2024, 4)):
        instansi = list(Instansi.objects.filter(aktif=True).order_by("pk"))[::bagian]
        hasil[tahun] = _periode(tahun, admin, instansi, penilai, 2, acak)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    return admin, hasil


def buat_skala(admin, *, kali_instansi=1, lembar=2, tahun, seed=2026):
    """The national period scaled up: (period, agencies, evaluator scores), as buat_data gives them.

    Each agency of the registry counts ``kali_instansi`` times (copies with their own codes), and
    is scored on ``lembar`` submitted sheets by a pool of 6 × ``lembar`` evaluators (12 for the usual
    2), so that each evaluator scores as many agencies as in the national dataset.
    """
    from django.db import connection

    from instansi.models import Instansi

    asli = list(Instansi.objects.filter(aktif=True).exclude(kode__contains="~").order_by("pk"))
    instansi = list(asli)
    for n in range(1, kali_instansi):
        salinan = {f"{i.kode}~{n}" for i in asli}
        Instansi.objects.bulk_create(
            [
                Instansi(kode=f"{i.kode}~{n}", nama=f"{i.nama} ({n})", jenis=i.jenis, induk_id=i.induk_id)
                for i in asli
            ],
            ignore_conflicts=True,
        )
        instansi += list(Instansi.objects.filter(kode__in=salinan).order_by("pk"))
    hasil = _periode(tahun, admin, instansi, _penilai(6 * lembar), lembar, random.Random(seed))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return hasil


def _penilai(jumlah):
    """Evaluators p0, p1, …: the first ``jumlah`` of them, created when missing."""
    from instansi.models import Pengguna, Peran

    ada = {u.username: u for u in Pengguna.objects.filter(username__in=[f"p{n}" for n in range(jumlah)])}
    return [
        ada.get(f"p{n}")
        or Pengguna.objects.create_user(
            f"p{n}", f"p{n}@bkn.go.id", "x", nama=f"Penilai {n}", peran=Peran.PENILAI
        )
        for n in range(jumlah)
    ]


def _periode(tahun, admin, instansi, penilai, lembar_per_instansi, acak):
    """A period at the moderation stage: the agencies, each scored on sheets of consecutive evaluators."""
    from penilaian import services
    from penilaian.models import Indikator, LembarPenilaian, Moderasi, NilaiPenilai, Periode, StatusLembar

    periode = services.buat_periode(
        nama=f"Bench {tahun}", tahun=tahun, oleh=admin, sumber_instrumen="templat"
    )
    periode.peserta.bulk_create([periode.peserta.model(periode=periode, instansi=i) for i in instansi])
    Periode.objects.filter(pk=periode.pk).update(tahap="moderasi")
    indikator = list(Indikator.objects.filter(periode=periode))
    lembar = []
    for n, peserta in enumerate(periode.peserta.all()):
        for k in range(lembar_per_instansi):
            lembar.append(
                LembarPenilaian(
                    periode=periode,
                    peserta=peserta,
                    penilai=penilai[(n + k) % len(penilai)],
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
    return periode, len(instansi), len(lembar) * len(indikator)
