from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Instansi, Pengguna


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "singkatan", "jenis", "induk", "aktif")
    list_filter = ("jenis", "aktif")
    search_fields = ("kode", "nama", "singkatan")
    list_select_related = ("induk",)
    autocomplete_fields = ("induk",)


@admin.register(Pengguna)
class PenggunaAdmin(UserAdmin):
    list_display = ("username", "nama", "email", "peran", "instansi", "is_active")
    list_filter = ("peran", "is_active", "is_staff")
    search_fields = ("username", "nama", "email", "instansi__nama")
    ordering = ("nama",)
    list_select_related = ("instansi",)
    autocomplete_fields = ("instansi",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data diri"), {"fields": ("nama", "email", "jabatan")}),
        (_("Peran"), {"fields": ("peran", "instansi")}),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "nama", "email", "peran", "instansi", "password1", "password2"),
            },
        ),
    )
