from django.urls import path

from . import views, views_dasbor, views_penetapan

app_name = "laporan"

urlpatterns = [
    path("<int:tahun>/", views.peringkat, name="peringkat"),
    path("<int:tahun>/hitung/", views.mulai, name="mulai"),
    path("<int:tahun>/dasbor/", views_dasbor.dasbor, name="dasbor"),
    path("<int:tahun>/run/<int:pk>/", views.status_run, name="status_run"),
    path("<int:tahun>/pengaturan/", views.pengaturan, name="pengaturan"),
    path("<int:tahun>/snapshot/<int:pk>/ekspor/", views.ekspor, name="ekspor"),
    path(
        "<int:tahun>/snapshot/<int:pk>/terbitkan-sementara/",
        views.terbitkan_sementara,
        name="terbitkan_sementara",
    ),
    path("<int:tahun>/penetapan/", views_penetapan.penetapan, name="penetapan"),
    path("<int:tahun>/penetapan/buat/", views_penetapan.penetapan_buat, name="penetapan_buat"),
    path("<int:tahun>/penetapan/piagam/", views_penetapan.pengaturan_piagam, name="pengaturan_piagam"),
    path("<int:tahun>/penetapan/khusus/", views_penetapan.khusus_tambah, name="khusus_tambah"),
    path("<int:tahun>/penetapan/khusus/<int:pk>/hapus/", views_penetapan.khusus_hapus, name="khusus_hapus"),
    path("<int:tahun>/penetapan/seri/", views_penetapan.seri_putuskan, name="seri_putuskan"),
    path("<int:tahun>/penetapan/setujui/", views_penetapan.setujui, name="setujui"),
    path("<int:tahun>/penetapan/umumkan/", views_penetapan.umumkan, name="umumkan"),
    path("<int:tahun>/penetapan/tarik/", views_penetapan.tarik, name="tarik"),
    path("<int:tahun>/penetapan/render-ulang/", views_penetapan.render_ulang, name="render_ulang"),
    path("<int:tahun>/penetapan/kemajuan/", views_penetapan.kemajuan_sertifikat, name="kemajuan_sertifikat"),
    path("<int:tahun>/penetapan/piagam.zip", views_penetapan.zip_sertifikat, name="zip_sertifikat"),
    path("<int:tahun>/sertifikat/<str:kode>/cabut/", views_penetapan.cabut, name="cabut"),
]

publik_patterns = [
    path("pemenang/", views_penetapan.pemenang_daftar, name="pemenang_daftar"),
    path("pemenang/<int:tahun>/", views_penetapan.pemenang, name="pemenang"),
    path("verifikasi/<str:kode>/", views_penetapan.verifikasi, name="verifikasi"),
    path("piagam/<str:kode>/", views_penetapan.unduh_sertifikat, name="unduh_sertifikat"),
    path("hasil/<int:tahun>/", views_penetapan.hasil_instansi, name="hasil"),
]
