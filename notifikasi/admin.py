from django.contrib import admin

from .models import Notifikasi, Preferensi


@admin.register(Notifikasi)
class NotifikasiAdmin(admin.ModelAdmin):
    list_display = ("dibuat", "penerima", "jenis", "judul", "status_email", "percobaan", "dibaca_pada")
    list_filter = ("jenis", "status_email")
    search_fields = ("judul", "penerima__nama", "penerima__username", "kunci")
    list_select_related = ("penerima",)
    raw_id_fields = ("penerima", "periode")
    date_hierarchy = "dibuat"


@admin.register(Preferensi)
class PreferensiAdmin(admin.ModelAdmin):
    list_display = ("pengguna", "jenis", "email", "ringkasan")
    list_filter = ("jenis", "email", "ringkasan")
    raw_id_fields = ("pengguna",)
