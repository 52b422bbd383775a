from django.urls import path

from . import views

app_name = "laporan"

urlpatterns = [
    path("<int:tahun>/", views.peringkat, name="peringkat"),
    path("<int:tahun>/hitung/", views.mulai, name="mulai"),
    path("<int:tahun>/run/<int:pk>/", views.status_run, name="status_run"),
    path("<int:tahun>/pengaturan/", views.pengaturan, name="pengaturan"),
    path("<int:tahun>/snapshot/<int:pk>/ekspor/", views.ekspor, name="ekspor"),
]
