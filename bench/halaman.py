"""The evaluator's worklist at national scale against a plain Django page, in the same run.

An evaluator assigned to 626 agencies (every agency of the registry but BKN; 150 sheets
in progress, 20 submitted, 5 returned by the chair) signs in; the bench then asks for
its home page (the worklist) and for a plain page — a view that renders a one-line
template through the same middleware, session and sign-in — and prints, for each, the
median server time over the runs, the HTML size and the query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkn_award_bench \\
        .venv/bin/python bench/halaman.py            # goal: the worklist within 3x the plain page
"""

import statistics
import sys
import time

from nasional import siapkan

KALI = 30


def buat_data():
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from instansi.models import Instansi, Pengguna, Peran
    from penilaian import services
    from penilaian.models import Indikator, LembarPenilaian, NilaiPenilai, Periode, StatusLembar, Tahap

    call_command("impor_instansi", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    admin = Pengguna.objects.create_user("admin", "admin@bkn.go.id", "x", nama="Admin", peran=Peran.ADMIN)
    penilai = Pengguna.objects.create_user(
        "penilai", "penilai@bkn.go.id", "kata-sandi-bench", nama="Penilai Bench", peran=Peran.PENILAI
    )
    periode = services.buat_periode(nama="Bench 2024", tahun=2024, oleh=admin, sumber_instrumen="templat")
    instansi = list(Instansi.objects.filter(aktif=True).exclude(kode="bkn").order_by("pk"))
    periode.peserta.bulk_create([periode.peserta.model(periode=periode, instansi=i) for i in instansi])
    Periode.objects.filter(pk=periode.pk).update(tahap=Tahap.VERIFIKASI)
    lembar = LembarPenilaian.objects.bulk_create(
        LembarPenilaian(periode=periode, peserta=p, penilai=penilai, cara="otomatis", ditugaskan_oleh=admin)
        for p in periode.peserta.order_by("instansi__nama")
    )
    indikator = list(Indikator.objects.filter(periode=periode))
    NilaiPenilai.objects.bulk_create(
        NilaiPenilai(lembar=satu, indikator=i, level=3, versi=1) for satu in lembar[:175] for i in indikator
    )
    LembarPenilaian.objects.filter(pk__in=[s.pk for s in lembar[150:170]]).update(
        status=StatusLembar.DIKIRIM, dikirim_pada=timezone.now()
    )
    LembarPenilaian.objects.filter(pk__in=[s.pk for s in lembar[170:175]]).update(
        status=StatusLembar.DIKEMBALIKAN
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have done on a live database
    return len(lembar)


def ukur(client, url, sebelum=lambda: None):
    """(median seconds, size in bytes, queries) of ``url``, after one warm-up; ``sebelum()`` before each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    waktu = []
    for _ in range(KALI):
        sebelum()
        mulai = time.perf_counter()
        response = client.get(url)
        waktu.append(time.perf_counter() - mulai)
        assert response.status_code == 200, (url, response.status_code)
    sebelum()
    with CaptureQueriesContext(connection) as kueri:
        response = client.get(url)
    return statistics.median(waktu), len(response.content), len(kueri)


def main():
    siapkan()
    from django.conf import settings
    from django.http import HttpResponse
    from django.template import engines
    from django.test import Client, override_settings
    from django.urls import include, path

    from instansi.models import Pengguna
    from penilaian import cache_kerja

    jumlah = buat_data()
    templat = engines["django"].from_string(
        "<!doctype html><title>Polos</title><p>Halo, {{ user.nama }}.</p>"
    )

    def polos(request):
        return HttpResponse(templat.render({"user": request.user}, request))

    urlconf = type(sys)("bench_urls")
    urlconf.urlpatterns = [path("bench-polos/", polos), path("", include(settings.ROOT_URLCONF))]
    sys.modules["bench_urls"] = urlconf
    with override_settings(ROOT_URLCONF="bench_urls", DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        mulai = time.perf_counter()
        masuk_ke = client.post("/akun/masuk/", {"username": "penilai", "password": "kata-sandi-bench"})
        assert masuk_ke.status_code == 302, masuk_ke.status_code
        masuk = time.perf_counter() - mulai
        kerja = ukur(client, "/penilai/")
        # Just after a score of this evaluator was saved: the worklist computed again, not cached.
        penilai = Pengguna.objects.get(username="penilai")
        kerja_baru = ukur(client, "/penilai/", sebelum=lambda: cache_kerja.berubah([penilai.pk]))
        dasar = ukur(client, "/bench-polos/")
        tentang = ukur(client, "/tentang/")
    print(
        f"Penilai dengan {jumlah} penugasan; masuk (POST /akun/masuk/) {masuk * 1000:.0f} ms; median dari {KALI} permintaan"
    )
    print(f"{'halaman':<28}{'waktu server':>14}{'HTML':>12}{'kueri':>8}")
    for nama, (detik, ukuran, kueri) in (
        ("daftar kerja /penilai/", kerja),
        ("  setelah nilai disimpan", kerja_baru),
        ("halaman polos", dasar),
        ("/tentang/ (tata letak situs)", tentang),
    ):
        print(f"{nama:<28}{detik * 1000:>11.1f} ms{ukuran / 1024:>9.1f} KB{kueri:>8}")
    print(
        f"rasio waktu: {kerja[0] / dasar[0]:.2f}x halaman polos (sasaran <= 3x); {kerja[0] / tentang[0]:.2f}x /tentang/"
    )
    print(f"setelah nilai disimpan: {kerja_baru[0] / dasar[0]:.2f}x halaman polos")


if __name__ == "__main__":
    main()
