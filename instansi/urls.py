from django.urls import path

from . import views

app_name = "instansi"

urlpatterns = [
    path("", views.daftar_instansi, name="daftar"),
    path("<str:kode>/", views.detail_instansi, name="detail"),
]
