from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from instansi.views import LupaSandiView, MasukView
from laporan.urls import publik_patterns
from penilaian.urls import mandiri_patterns, penilai_patterns
from penilaian.views.mandiri import unduh_bukti

from . import views

auth_patterns = [
    path("masuk/", MasukView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/ubah/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "kata-sandi/ubah/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("kata-sandi/lupa/", LupaSandiView.as_view(), name="password_reset"),
    path(
        "kata-sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "kata-sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "kata-sandi/atur/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.beranda, name="beranda"),
    path("panitia/", views.beranda_admin, name="beranda_admin"),
    path("ketua/", views.beranda_ketua, name="beranda_ketua"),
    path("penilai/", views.beranda_penilai, name="beranda_penilai"),
    path("operator/", views.beranda_operator, name="beranda_operator"),
    path("tentang/", views.tentang, name="tentang"),
    path("healthz", views.healthz, name="healthz"),
    path("akun/", include(auth_patterns)),
    path("instansi/", include("instansi.urls")),
    path("periode/", include("penilaian.urls")),
    path("penilaian-mandiri/", include(mandiri_patterns)),
    path("penilaian/", include(penilai_patterns)),
    path("peringkat/", include("laporan.urls")),
    path("notifikasi/", include("notifikasi.urls")),
    path("", include(publik_patterns)),
    path("bukti/<int:pk>/", unduh_bukti, name="bukti"),
    path("django-admin/", admin.site.urls),
]

admin.site.site_header = "BKN Award — administrasi data"
admin.site.site_title = "BKN Award"
admin.site.index_title = "Data mentah"
