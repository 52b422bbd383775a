from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from bkn_award.halaman import halaman

from .forms import FilterInstansiForm, FormMasuk
from .models import JenisInstansi
from .queries import cari_instansi, get_instansi_for_user, jumlah_per_jenis

PER_HALAMAN = 50


@permission_required("instansi.kelola_instansi", raise_exception=True)
def daftar_instansi(request):
    form = FilterInstansiForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = cari_instansi(
        q=filters.get("q", ""), jenis=filters.get("jenis", ""), provinsi=filters.get("provinsi")
    )
    page, query = halaman(request, qs, PER_HALAMAN)
    return render(
        request,
        "instansi/daftar.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "per_jenis": jumlah_per_jenis(),
        },
    )


def detail_instansi(request, kode):
    instansi = get_instansi_for_user(request.user, kode)
    bawahan = []
    if instansi.jenis == JenisInstansi.PROVINSI:
        bawahan = instansi.wilayah_bawahan.order_by("jenis", "nama")
    return render(
        request,
        "instansi/detail.html",
        {
            "instansi": instansi,
            "bawahan": bawahan,
            "operator_list": instansi.operator.order_by("nama"),
        },
    )


def login_terkunci(request, original_response=None, credentials=None):
    """Shown by django-axes instead of the login page after too many failed attempts."""
    form = FormMasuk(request, initial={"username": request.POST.get("username", "")})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "terkunci": _(
                "Terlalu banyak percobaan masuk yang gagal untuk akun ini. "
                "Demi keamanan, coba lagi dalam 15 menit atau hubungi Admin BKN."
            ),
        },
        status=429,
    )
