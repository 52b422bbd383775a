from django.urls import path

from . import views

app_name = "notifikasi"

urlpatterns = [
    path("", views.daftar, name="daftar"),
    path("lonceng/", views.lonceng, name="lonceng"),
    path("lonceng/menu/", views.lonceng_menu, name="lonceng_menu"),
    path("dibaca-semua/", views.tandai_semua_dibaca, name="tandai_semua_dibaca"),
    path("<int:pk>/buka/", views.buka, name="buka"),
    path("<int:pk>/dibaca/", views.tandai_dibaca, name="tandai_dibaca"),
    path("preferensi/", views.preferensi, name="preferensi"),
    path("periode/<int:tahun>/", views.log_periode, name="periode"),
    path("periode/<int:tahun>/<int:pk>/kirim-ulang/", views.kirim_ulang, name="kirim_ulang"),
]
