"""The morning's deadline reminders and missed-deadline summaries for the national dataset, at two sizes.

Builds, in PostgreSQL, the agencies of the registry (627) with two operators each (one in
ten of the second ones deactivated), 24 evaluators, 2 panel chairs and 3 admins. Then, for
the first 150 agencies and for all of them, two periods as on a Tuesday morning (11 March 2031):

- "Mandiri": self-assessment open until Friday 14 March (the 3-day reminder), 40 % submitted;
- "Verifikasi": self-assessment ended yesterday (the missed-deadline summary), 90 %
  submitted and 5 % of the agencies reopened until Tuesday 18 March (the 7-day reminder);
  scoring open until that Tuesday too, two sheets per agency, half of them unsubmitted, one
  sheet in ten returned; one agency in five with two clarification requests due tomorrow
  (the 1-day reminder).

It runs ``notifikasi.pengingat.kirim_pengingat`` and ``kirim_tenggat_terlewat`` exactly as the
beat's tasks do (the rows written, their e-mails queued after the commit: the broker here is
kombu's in-memory transport, so nothing leaves the process), ULANG times each, and prints the
median seconds, the SQL queries of each run and what was written. The goal (issue 16): the
number of queries does not grow with the number of agencies.

    .venv/bin/python bench/pengingat.py

The database named in DATABASE_URL (default bkn_award_pengingat) is dropped and created anew:
do not point it at a database you need.
"""

import os
import statistics
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkn_award_pengingat")
# The e-mails' sending is queued after the commit, as in use; in memory, so that no worker gets it.
os.environ.setdefault("CELERY_BROKER_URL", "memory://localhost/")

import nasional  # after the environment above: it reads DATABASE_URL when imported

ULANG = 3
UKURAN = (150, None)  # the first 150 agencies, then all of them
PENILAI = 24


def tanggal(bulan, hari):
    import datetime

    return datetime.date(2031, bulan, hari)


HARI = tanggal(3, 11)  # a Tuesday, no holiday near


def akhir(d):
    from penilaian.hari_kerja import akhir_hari

    return akhir_hari(d)


def buat_pengguna():
    """Two operators per agency (a tenth of the second ones deactivated), evaluators, chairs, admins."""
    from instansi.models import Instansi, Pengguna, Peran

    instansi = list(Instansi.objects.filter(aktif=True).order_by("pk"))
    Pengguna.objects.bulk_create(
        [
            Pengguna(
                username=f"op{k}.{i.kode}",
                email=f"op{k}.{i.pk}@instansi.go.id",
                nama=f"Operator {k} {i.nama_pendek}",
                peran=Peran.OPERATOR,
                instansi=i,
                password="!",  # unusable: nobody signs in here
                is_active=not (k == 2 and n % 10 == 0),
            )
            for n, i in enumerate(instansi)
            for k in (1, 2)
        ]
    )
    staf = [("ketua", Peran.KETUA, 2), ("admin", Peran.ADMIN, 3)]
    Pengguna.objects.bulk_create(
        [
            Pengguna(
                username=f"{nama}{n}",
                email=f"{nama}{n}@bkn.go.id",
                nama=f"{nama} {n}",
                peran=peran,
                password="!",
            )
            for nama, peran, jumlah in staf
            for n in range(jumlah)
        ]
    )
    penilai = nasional._penilai(PENILAI)
    return instansi, penilai, Pengguna.objects.get(username="admin0")


def buat_periode(admin, instansi, penilai):
    """The two periods of the morning over ``instansi``; returns them."""
    from django.db import connection

    from penilaian import services
    from penilaian.models import (
        Indikator,
        JadwalTahap,
        LembarPenilaian,
        Periode,
        PermintaanKlarifikasi,
        Peserta,
        StatusLembar,
        Tahap,
    )

    def jadwal(periode, tahap, mulai, selesai):
        JadwalTahap.objects.create(periode=periode, tahap=tahap, mulai=akhir(mulai), selesai=akhir(selesai))

    mandiri = Periode.objects.create(
        nama="Mandiri", tahun=2031, tahap=Tahap.PENILAIAN_MANDIRI, dibuat_oleh=admin
    )
    jadwal(mandiri, Tahap.PENILAIAN_MANDIRI, tanggal(2, 3), tanggal(3, 14))
    Peserta.objects.bulk_create(
        [
            Peserta(periode=mandiri, instansi=i, dikirim_pada=akhir(tanggal(3, 1)) if n % 5 < 2 else None)
            for n, i in enumerate(instansi)
        ]
    )

    verifikasi = services.buat_periode(nama="Verifikasi", tahun=2030, oleh=admin, sumber_instrumen="templat")
    Periode.objects.filter(pk=verifikasi.pk).update(tahap=Tahap.VERIFIKASI)
    jadwal(verifikasi, Tahap.PENILAIAN_MANDIRI, tanggal(2, 3), tanggal(3, 10))
    jadwal(verifikasi, Tahap.VERIFIKASI, tanggal(3, 10), tanggal(3, 18))
    peserta = Peserta.objects.bulk_create(
        [
            Peserta(
                periode=verifikasi,
                instansi=i,
                # One in ten missed yesterday's deadline; one in twenty was reopened until the 18th.
                dikirim_pada=None if n % 10 == 0 or n % 20 == 1 else akhir(tanggal(3, 7)),
                tenggat_khusus=akhir(tanggal(3, 18)) if n % 20 == 1 else None,
            )
            for n, i in enumerate(instansi)
        ]
    )

    def status(n, k):
        if n % 10 == 3:
            return StatusLembar.DIKEMBALIKAN
        return StatusLembar.DRAF if (n + k) % 2 else StatusLembar.DIKIRIM

    lembar = LembarPenilaian.objects.bulk_create(
        [
            LembarPenilaian(
                periode=verifikasi,
                peserta=p,
                penilai=penilai[(n + k) % len(penilai)],
                cara="otomatis",
                ditugaskan_oleh=admin,
                status=status(n, k),
            )
            for n, p in enumerate(peserta)
            for k in (0, 1)
        ]
    )
    indikator = list(Indikator.objects.filter(periode=verifikasi).order_by("pk")[:2])
    PermintaanKlarifikasi.objects.bulk_create(
        [
            PermintaanKlarifikasi(
                lembar=lb,
                peserta_id=lb.peserta_id,
                indikator=ind,
                pertanyaan="Mohon unggah SK terbaru.",
                dibuat=akhir(tanggal(3, 5)),
                tenggat=akhir(tanggal(3, 12)),
            )
            for lb in lembar[4::10]  # the agencies n % 5 == 2: also unsubmitted in "Mandiri"
            for ind in indikator
        ]
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return mandiri, verifikasi


def ukur(fungsi):
    """(median seconds, [queries of each run], result) of ULANG runs, each writing anew."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifikasi.models import Notifikasi

    detik, kueri = [], []
    for _n in range(ULANG):
        Notifikasi.objects.all().delete()
        with CaptureQueriesContext(connection) as q:
            mulai = time.perf_counter()
            hasil = fungsi(hari=HARI)
            detik.append(time.perf_counter() - mulai)
        kueri.append(len(q))
    return statistics.median(detik), kueri, hasil


def main():
    nasional.siapkan()
    from django.core.management import call_command

    call_command("impor_instansi", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    instansi, penilai, admin = buat_pengguna()

    from instansi.models import Pengguna, Peran
    from notifikasi import pengingat
    from notifikasi.models import Jenis, Notifikasi
    from penilaian.models import Periode, PermintaanKlarifikasi

    staf = Pengguna.objects.filter(is_active=True, peran__in=[Peran.ADMIN, Peran.KETUA]).count()
    hasil = {}
    for ukuran in UKURAN:
        bagian = instansi[:ukuran] if ukuran else instansi
        # The previous size's periods go (the requests first: their indicator is protected).
        PermintaanKlarifikasi.objects.all().delete()
        Periode.objects.all().delete()
        buat_periode(admin, bagian, penilai)
        detik, kueri, digest = ukur(pengingat.kirim_pengingat)
        contoh = Notifikasi.objects.filter(isi__contains="\n• ").exclude(isi__regex=r"• .*\n• ").first()
        gabungan = Notifikasi.objects.filter(isi__regex=r"• .*\n• ").first()
        detik_t, kueri_t, ringkasan = ukur(pengingat.kirim_tenggat_terlewat)
        hasil[len(bagian)] = kueri, kueri_t
        print(
            f"{len(bagian)} agencies: reminders {detik:.3f} s, {'/'.join(map(str, kueri))} SQL queries, "
            f"{digest} digests; missed-deadline summaries {detik_t:.3f} s, {'/'.join(map(str, kueri_t))} "
            f"SQL queries, {ringkasan} summaries to {staf} admins and chairs "
            f"({Notifikasi.objects.filter(jenis=Jenis.TENGGAT_TERLEWAT).count()} rows)"
        )
    for n in (contoh, gabungan):
        if n is not None:
            print(f"\n  {n.penerima}: {n.judul}\n    " + n.isi.replace("\n", "\n    "))

    kueri = {q for pasangan in hasil.values() for daftar in pasangan for q in daftar}
    sama = len({tuple(map(frozenset, pasangan)) for pasangan in hasil.values()}) == 1
    print("\nGoal (issue 16):")
    print(
        f"  the same number of queries at every size: {'met' if sama else 'NOT met'} "
        f"(reminders and summaries: {'/'.join(map(str, sorted(kueri)))} queries)"
    )


if __name__ == "__main__":
    main()
