"""Pages of the whole site: each role's home page, the about page and the health check."""

import os
from concurrent.futures import ThreadPoolExecutor

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from rules.contrib.views import permission_required

from instansi.forms import FilterInstansiForm
from instansi.models import JenisInstansi, Pengguna, Peran
from instansi.queries import jumlah_per_jenis, pilihan_provinsi
from laporan.queries import penetapan_terbit
from penilaian import cache_kerja
from penilaian import services as penilaian_services
from penilaian.models import Periode, Peserta, StatusSanggah, StatusTinjauan, Tahap
from penilaian.queries import (
    daftar_periode,
    jumlah_perlu_moderasi,
    kemajuan_peserta,
    peserta_terbuka_operator,
)
from penilaian.queries.daftar_kerja import GRUP_PER_KODE, daftar_kerja, periode_penilai
from penilaian.queries.klarifikasi import jumlah_klarifikasi
from penilaian.services.penilai import TAHAP_MENILAI

from . import halaman_publik
from .celery import app as celery_app
from .halaman import halaman

BERANDA_PER_PERAN = {
    Peran.ADMIN: "beranda_admin",
    Peran.KETUA: "beranda_ketua",
    Peran.PENILAI: "beranda_penilai",
    Peran.OPERATOR: "beranda_operator",
}


def beranda(request):
    """Send each user to the home page of their role."""
    return redirect(BERANDA_PER_PERAN[request.user.peran])


@permission_required("instansi.beranda_admin", raise_exception=True)
def beranda_admin(request):
    per_jenis = jumlah_per_jenis()
    pengguna_per_peran = dict.fromkeys(Peran, 0)
    for peran in Pengguna.objects.filter(is_active=True).values_list("peran", flat=True):
        pengguna_per_peran[Peran(peran)] += 1
    return render(
        request,
        "beranda/admin.html",
        {
            "per_jenis": per_jenis,
            "total_instansi": sum(n for _jenis, n in per_jenis),
            "pengguna_per_peran": pengguna_per_peran.items(),
            "periode_list": daftar_periode()[:3],
        },
    )


def _daftar_kerja(request):
    """The worklist of the period asked for (?periode=<tahun>), by default the first in scoring."""
    periode_list = list(periode_penilai(request.user))
    if not periode_list:
        return render_to_string("beranda/daftar_kerja.html", {})
    periode = next((p for p in periode_list if str(p.tahun) == request.GET.get("periode")), periode_list[0])
    filter_form = FilterInstansiForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    grup = request.GET.get("grup", "")
    daftar = daftar_kerja(
        request.user,
        periode,
        q=filters.get("q", ""),
        jenis=filters.get("jenis", ""),
        provinsi=filters.get("provinsi"),
        grup=grup,
    )
    page, query = halaman(request, daftar.lembar, per_halaman=25, jumlah=daftar.jumlah_baris)
    tanpa_grup = request.GET.copy()
    for kunci in ("halaman", "grup"):
        tanpa_grup.pop(kunci, None)
    konteks = {
        "kerja_periode_list": periode_list,
        "kerja": daftar,
        "kerja_saring": filters,
        # The filter is written out in the template: a list page rendered hundreds of times a day.
        "kerja_jenis": JenisInstansi.choices,
        "kerja_provinsi": pilihan_provinsi(),
        "kerja_grup": grup if grup in GRUP_PER_KODE else "",
        "page": page,
        "query": query,
        "query_tanpa_grup": tanpa_grup.urlencode(),
        "menilai": periode.tahap in TAHAP_MENILAI,
        "jadwal_penilaian": periode.jadwal_tahap(Tahap.VERIFIKASI),
    }
    return render_to_string("beranda/daftar_kerja.html", konteks)


def _beranda_penilai(request, *, sebagai_ketua):
    konteks = {
        "sebagai_ketua": sebagai_ketua,
        "daftar_kerja_html": cache_kerja.html(request, lambda: _daftar_kerja(request)),
    }
    if sebagai_ketua:
        konteks["periode_list"] = [
            (periode, jumlah_perlu_moderasi(periode), periode.konflik_menunggu)
            for periode in Periode.objects.filter(tahap__in=[Tahap.VERIFIKASI, Tahap.MODERASI, Tahap.SANGGAH])
            .annotate(
                konflik_menunggu=Count(
                    "lembar__tinjauan_konflik",
                    filter=Q(lembar__tinjauan_konflik__status=StatusTinjauan.MENUNGGU),
                    distinct=True,
                ),
                sanggah_menunggu=Count(
                    "peserta__sanggah",
                    filter=Q(peserta__sanggah__status=StatusSanggah.MENUNGGU),
                    distinct=True,
                ),
            )
            .order_by("-tahun")
        ]
        for periode, _belum, _konflik in konteks["periode_list"]:
            periode.klarifikasi = jumlah_klarifikasi(peserta__periode=periode)
    return render(request, "beranda/penilai.html", konteks)


@permission_required("instansi.beranda_ketua", raise_exception=True)
def beranda_ketua(request):
    return _beranda_penilai(request, sebagai_ketua=True)


@permission_required("instansi.beranda_penilai", raise_exception=True)
def beranda_penilai(request):
    return _beranda_penilai(request, sebagai_ketua=False)


@permission_required("instansi.beranda_operator", raise_exception=True)
def beranda_operator(request):
    konteks = {
        "instansi": request.user.instansi,
        # Every period under way, the nearest deadline first.
        "kartu_list": [
            {
                "peserta": peserta,
                "periode": peserta.periode,
                "kemajuan": kemajuan_peserta(peserta),
                "tenggat": penilaian_services.tenggat(peserta),
                "terkunci": penilaian_services.alasan_terkunci(peserta),
                "klarifikasi": jumlah_klarifikasi(peserta=peserta),
            }
            for peserta in peserta_terbuka_operator(request.user)
        ],
    }
    # Preliminary results published to the agency, while its winners are not yet public.
    konteks["sementara_list"] = (
        Periode.objects.filter(
            peserta__instansi=request.user.instansi_id,
            tahap__in=[Tahap.MODERASI, Tahap.SANGGAH, Tahap.PENETAPAN],
            hasil_sementara__isnull=False,
        )
        .distinct()
        .order_by("-tahun")
    )
    konteks["hasil_list"] = [
        p.periode
        for p in Peserta.objects.filter(instansi=request.user.instansi_id).select_related("periode")
        if penetapan_terbit(p.periode.tahun) is not None
    ]
    return render(request, "beranda/operator.html", konteks)


@login_not_required
@halaman_publik.tersimpan()
def tentang(request):
    return render(request, "tentang.html")


def _cek_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cek_broker():
    options = celery_app.conf.broker_transport_options or {}
    folder = options.get("data_folder_in")
    if celery_app.conf.broker_url.startswith("filesystem"):
        # The filesystem transport "connects" to anything: check the folder itself.
        if not (folder and os.path.isdir(folder) and os.access(folder, os.W_OK)):
            raise OSError(f"folder broker tidak dapat ditulis: {folder}")
        return
    if celery_app.conf.broker_url.startswith(("redis://", "rediss://")):
        _ping_redis(celery_app.conf.broker_url)
        return
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=settings.HEALTHZ_TIMEOUT)
        conn.default_channel.close()  # opening a channel talks to the server


def _ping_redis(url):
    # A frozen Redis accepts the connection and never answers: the timeout is on every read.
    klien = redis.Redis.from_url(
        url, socket_timeout=settings.HEALTHZ_TIMEOUT, socket_connect_timeout=settings.HEALTHZ_TIMEOUT
    )
    try:
        klien.ping()
    finally:
        klien.close()


def _cek_cache():
    lokasi = settings.CACHES["default"]
    if lokasi["BACKEND"] == "bkn_award.cache.RedisCacheTahan":
        # Not through the cache itself: it answers "not cached" when Redis is gone.
        _ping_redis(lokasi["LOCATION"])
    elif lokasi["BACKEND"].endswith("FileBasedCache") and not os.access(lokasi["LOCATION"], os.W_OK):
        raise OSError(f"folder cache tidak dapat ditulis: {lokasi['LOCATION']}")


def _hasil_cek(cek):
    try:
        cek()
    except Exception as exc:  # any failure means "down", and the reason is reported
        return {"status": "gagal", "pesan": f"{type(exc).__name__}: {exc}"}
    return {"status": "ok"}


@login_not_required
@never_cache
def healthz(request):
    """JSON with the state of the database, the broker and the cache; 503 naming the part that is down.

    Each check waits ``HEALTHZ_TIMEOUT`` (1 s) at most, so a frozen Redis cannot hold
    the check, or the web worker answering it, for longer than about two seconds.
    """
    # The broker and the cache side by side (they are often one Redis); the database here, on
    # the request's own connection.
    with ThreadPoolExecutor(max_workers=2) as pelaksana:
        jauh = {nama: pelaksana.submit(cek) for nama, cek in (("broker", _cek_broker), ("cache", _cek_cache))}
        hasil = {"database": _hasil_cek(_cek_database)}
        hasil.update((nama, _hasil_cek(tugas.result)) for nama, tugas in jauh.items())
    sehat = all(v["status"] == "ok" for v in hasil.values())
    return JsonResponse({"status": "ok" if sehat else "gagal", **hasil}, status=200 if sehat else 503)
