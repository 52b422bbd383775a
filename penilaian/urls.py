from django.urls import path

from . import views

app_name = "penilaian"

urlpatterns = [
    path("", views.daftar_periode, name="periode_daftar"),
    path("baru/", views.periode_baru, name="periode_baru"),
    path("<int:tahun>/", views.periode_detail, name="periode"),
    path("<int:tahun>/jadwal/", views.jadwal, name="jadwal"),
    path("<int:tahun>/tahap/maju/", views.tahap_maju, name="tahap_maju"),
    path("<int:tahun>/instrumen/", views.instrumen_detail, name="instrumen"),
    path("<int:tahun>/instrumen/ekspor/", views.instrumen_ekspor, name="instrumen_ekspor"),
    path("<int:tahun>/instrumen/impor/", views.instrumen_impor, name="instrumen_impor"),
    path("<int:tahun>/instrumen/templat/", views.instrumen_templat, name="instrumen_templat"),
    path("<int:tahun>/instrumen/salin/", views.instrumen_salin, name="instrumen_salin"),
    path("<int:tahun>/peserta/", views.peserta, name="peserta"),
    path("<int:tahun>/peserta/tetapkan/", views.peserta_tetapkan, name="peserta_tetapkan"),
    path("<int:tahun>/peserta/tambah/", views.peserta_tambah, name="peserta_tambah"),
    path("<int:tahun>/peserta/<int:pk>/hapus/", views.peserta_hapus, name="peserta_hapus"),
    path("<int:tahun>/peserta/subkelompok/", views.peserta_subkelompok, name="peserta_subkelompok"),
    path("<int:tahun>/subkelompok/baru/", views.subkelompok_buat, name="subkelompok_buat"),
    path("<int:tahun>/subkelompok/<int:pk>/hapus/", views.subkelompok_hapus, name="subkelompok_hapus"),
]
