import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from bkn_award.halaman import halaman

from . import akun
from .forms import FilterInstansiForm, FormMasuk
from .models import JenisInstansi
from .queries import cari_instansi, get_instansi_for_user, jumlah_per_jenis

log = logging.getLogger(__name__)

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
        request, "registration/login.html", {"form": form, "terkunci": akun.pesan_terkunci()}, status=429
    )


class MasukView(auth_views.LoginView):
    """The login page; an account throttled across addresses answers 429 with the reason."""

    authentication_form = FormMasuk
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "dibatasi"):
            response.status_code = 429
        return response


class LupaSandiView(auth_views.PasswordResetView):
    """ "Forgot password": the same answer, in the same time, whether or not the address has an account.

    The request only queues the look-up and the mail for a worker (after the
    transaction commits); a client address may ask RESET_SANDI_PER_JAM times an hour.
    """

    def form_valid(self, form):
        if not akun.boleh_minta_reset(self.request):
            form.add_error(
                None,
                _("Terlalu banyak permintaan dari alamat ini. Coba lagi dalam satu jam."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"]
        transaction.on_commit(lambda: _antrekan_tautan(email))
        return HttpResponseRedirect(self.get_success_url())


def _antrekan_tautan(email):
    from .tasks import kirim_tautan_atur_sandi

    try:
        kirim_tautan_atur_sandi.apply_async(kwargs={"email": email}, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:  # the broker is unreachable: the user still gets the mail, a little slower
        log.exception("Tugas kirim tautan atur sandi tidak dapat diantrekan; dikirim langsung.")
        akun.kirim_tautan_atur_sandi(email=email)
