"""The inbox and its bell, the e-mail preferences, and the admin's sending log of a period.

The bell is not rendered with the page: the header asks for it by htmx (a second after load, on
a timer, and when a page says something changed), so that no page pays a query for it and a
long-open page still learns of new notifications. A page left within that second (clicking
through) never asks at all.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event
from rules.contrib.views import permission_required

from bkn_award.halaman import halaman
from penilaian.models import Periode

from . import queries, services
from .forms import PreferensiForm, SaringLogForm
from .models import Notifikasi

pantau_pengiriman = permission_required("notifikasi.pantau_pengiriman", raise_exception=True)

# The event a page fires (an HX-Trigger header) to have the bell count again at once.
PERISTIWA_BERUBAH = "notifikasi-berubah"
# htmx stops polling an element whose request is answered with this status.
BERHENTI_POLLING = 286
PER_HALAMAN = 20
PER_HALAMAN_LOG = 50


def detik_poll():
    """How often an open page asks for the bell again (settings.NOTIFIKASI_POLL_DETIK, 30 by default)."""
    return max(1, int(getattr(settings, "NOTIFIKASI_POLL_DETIK", 30)))


def _lokal(tautan):
    """``tautan`` if it is a path on this site, else None: a notification never sends anyone elsewhere."""
    if not tautan or not tautan.startswith("/"):
        return None
    return tautan if url_has_allowed_host_and_scheme(tautan, allowed_hosts=None) else None


def _kembali(request, bawaan):
    """Where a POST from a list goes back to: its own page (with its filters), if local; else ``bawaan``."""
    return _lokal(request.POST.get("kembali", "")) or bawaan


# The bell


def _masuk_atau_berhenti(view):
    """Anonymous: the login page, but a bell polled after the session ended just stops polling.

    Redirecting htmx to the login page would put the whole login page inside the header.
    """

    def _view(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            return render(request, "notifikasi/lonceng.html#ikon", status=BERHENTI_POLLING)
        return redirect_to_login(request.get_full_path())

    _view.__name__ = view.__name__
    _view.__doc__ = view.__doc__
    return login_not_required(_view)


@_masuk_atau_berhenti
@require_GET
def lonceng(request):
    """The bell's icon and unread count, polled by every page's header."""
    return render(
        request, "notifikasi/lonceng.html#jumlah", {"jumlah": services.jumlah_belum_dibaca(request.user)}
    )


@_masuk_atau_berhenti
@require_GET
def lonceng_menu(request):
    """The bell's menu: the latest few, asked for when it opens."""
    return render(request, "notifikasi/lonceng.html#menu", {"terbaru": queries.terbaru(request.user)})


# The inbox


def daftar(request):
    """The user's own notifications, newest first; ``?tampil=belum`` for the unread ones only."""
    hanya_belum = request.GET.get("tampil") == "belum"
    jumlah_belum = services.jumlah_belum_dibaca(request.user)
    page, query = halaman(
        request,
        queries.kotak_masuk(request.user, belum_dibaca=hanya_belum),
        per_halaman=PER_HALAMAN,
        jumlah=jumlah_belum if hanya_belum else None,
    )
    return render(
        request,
        "notifikasi/daftar.html",
        {"page": page, "query": query, "hanya_belum": hanya_belum, "jumlah_belum": jumlah_belum},
    )


@require_http_methods(["GET", "POST"])
def buka(request, pk):
    """Mark the notification read and go where it points, if that is a page of this site."""
    notifikasi = queries.get_notifikasi_for_user(request.user, pk)
    services.tandai_dibaca(request.user, notifikasi.pk)
    tujuan = _lokal(notifikasi.tautan)
    if tujuan is None:
        if notifikasi.tautan:
            messages.warning(
                request, _("Tautan pemberitahuan ini tidak menuju halaman BKN Award, jadi tidak dibuka.")
            )
        return redirect("notifikasi:daftar")
    return redirect(tujuan)


@require_POST
def tandai_dibaca(request, pk):
    notifikasi = queries.get_notifikasi_for_user(request.user, pk)
    services.tandai_dibaca(request.user, notifikasi.pk)
    if request.htmx:
        notifikasi.refresh_from_db(fields=["dibaca_pada"])
        response = render(request, "notifikasi/daftar.html#butir", {"n": notifikasi, "kembali": ""})
        return trigger_client_event(response, PERISTIWA_BERUBAH)
    return redirect(_kembali(request, reverse("notifikasi:daftar")))


@require_POST
def tandai_semua_dibaca(request):
    jumlah = services.tandai_dibaca(request.user)
    if jumlah:
        messages.success(request, _("%(n)s pemberitahuan ditandai sudah dibaca.") % {"n": jumlah})
    else:
        messages.info(request, _("Tidak ada pemberitahuan yang belum dibaca."))
    return redirect(_kembali(request, reverse("notifikasi:daftar")))


# Preferences


def preferensi(request):
    """E-mail on or off, at once or in the daily digest, for each kind the user's role receives."""
    form = PreferensiForm(
        request.POST or None,
        pengguna=request.user,
        daftar_jenis=services.JENIS_UNTUK_PERAN.get(request.user.peran, []),
    )
    if request.method == "POST" and form.is_valid():
        form.simpan()
        messages.success(request, _("Preferensi surel pemberitahuan disimpan."))
        return redirect("notifikasi:preferensi")
    return render(request, "notifikasi/preferensi.html", {"form": form})


# The admin's log of a period


@pantau_pengiriman
def log_periode(request, tahun):
    """What was sent for the period, to whom, and what failed: with counts per e-mail state."""
    periode = get_object_or_404(Periode, tahun=tahun)
    form = SaringLogForm(request.GET)
    saring = form.cleaned_data if form.is_valid() else {}
    page, query = halaman(
        request,
        queries.log_periode(periode, status=saring.get("status", ""), jenis=saring.get("jenis", "")),
        per_halaman=PER_HALAMAN_LOG,
    )
    per_status = queries.jumlah_per_status(periode)
    return render(
        request,
        "notifikasi/log_periode.html",
        {
            "periode": periode,
            "form": form,
            "page": page,
            "query": query,
            "per_status": per_status,
            "total": sum(jumlah for _status, jumlah in per_status),
            "status_terpilih": saring.get("status", ""),
            "jenis_terpilih": saring.get("jenis", ""),
            "bisa_kirim_ulang": set(queries.STATUS_KIRIM_ULANG),
        },
    )


@pantau_pengiriman
@require_POST
def kirim_ulang(request, tahun, pk):
    """Queue a failed, refused or undeliverable e-mail of the period again."""
    notifikasi = get_object_or_404(Notifikasi.objects.select_related("penerima"), periode__tahun=tahun, pk=pk)
    nama = notifikasi.penerima.nama or notifikasi.penerima.username
    if services.kirim_ulang(notifikasi):
        messages.success(
            request,
            _("Surel “%(judul)s” untuk %(nama)s dijadwalkan untuk dikirim ulang.")
            % {"judul": notifikasi.judul, "nama": nama},
        )
    else:
        messages.warning(
            request,
            _(
                "Surel “%(judul)s” untuk %(nama)s tidak dikirim ulang: statusnya “%(status)s”. Hanya surel yang "
                "gagal, ditolak, tanpa alamat, atau untuk akun nonaktif yang dapat dikirim ulang."
            )
            % {"judul": notifikasi.judul, "nama": nama, "status": notifikasi.get_status_email_display()},
        )
    return redirect(_kembali(request, reverse("notifikasi:periode", args=[tahun])))
