"""Raw edits of the instrument for admins; the journey itself has its own pages.

An instrument is read-only here once its period has opened self-assessment.
"""

from django.contrib import admin

from .models import (
    Elemen,
    Indikator,
    JadwalTahap,
    Kategori,
    KonflikKepentingan,
    LevelRubrik,
    Periode,
    Peserta,
    ProfilPenilai,
    RiwayatNilai,
    RiwayatTahap,
    SubKelompok,
    SyaratBukti,
)


class BekuMixin:
    """Read-only once the period's instrument is frozen."""

    def _periode(self, obj):
        return obj.periode if obj is not None else None

    def has_change_permission(self, request, obj=None):
        periode = self._periode(obj)
        return super().has_change_permission(request, obj) and not (periode and periode.instrumen_beku)

    def has_delete_permission(self, request, obj=None):
        periode = self._periode(obj)
        return super().has_delete_permission(request, obj) and not (periode and periode.instrumen_beku)


class LevelRubrikInline(admin.TabularInline):
    model = LevelRubrik
    extra = 0


class SyaratBuktiInline(admin.TabularInline):
    model = SyaratBukti
    extra = 0


@admin.register(Indikator)
class IndikatorAdmin(BekuMixin, admin.ModelAdmin):
    list_display = ("kode", "pertanyaan", "elemen", "bobot", "periode")
    list_filter = ("periode",)
    search_fields = ("kode", "pertanyaan")
    list_select_related = ("elemen", "periode")
    inlines = [LevelRubrikInline, SyaratBuktiInline]

    def has_add_permission(self, request):
        return False  # indicators come with an instrument (template, workbook or copy)


@admin.register(Elemen)
class ElemenAdmin(BekuMixin, admin.ModelAdmin):
    list_display = ("kode", "nama", "bobot", "periode")
    list_filter = ("periode",)

    def has_add_permission(self, request):
        return False


@admin.register(Kategori)
class KategoriAdmin(BekuMixin, admin.ModelAdmin):
    list_display = ("kode", "nama", "jenis", "elemen", "periode")
    list_filter = ("periode", "jenis")

    def has_add_permission(self, request):
        return False


class JadwalTahapInline(admin.TabularInline):
    model = JadwalTahap
    extra = 0


@admin.register(Periode)
class PeriodeAdmin(admin.ModelAdmin):
    list_display = ("nama", "tahun", "tahap")
    readonly_fields = ("tahap",)  # stages move only through their own page, which logs the move
    inlines = [JadwalTahapInline]


@admin.register(RiwayatTahap)
class RiwayatTahapAdmin(admin.ModelAdmin):
    list_display = ("periode", "dari", "ke", "oleh", "waktu")
    list_filter = ("periode",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Peserta)
class PesertaAdmin(admin.ModelAdmin):
    list_display = ("instansi", "periode", "subkelompok")
    list_filter = ("periode", "instansi__jenis")
    search_fields = ("instansi__nama", "instansi__kode")
    list_select_related = ("instansi", "periode", "subkelompok")
    raw_id_fields = ("instansi",)


admin.site.register(SubKelompok)


@admin.register(ProfilPenilai)
class ProfilPenilaiAdmin(admin.ModelAdmin):
    list_display = ("pengguna", "unit_kerja", "instansi_asal", "wilayah")
    search_fields = ("pengguna__nama", "pengguna__username", "unit_kerja")
    autocomplete_fields = ("pengguna", "instansi_asal", "wilayah")


@admin.register(KonflikKepentingan)
class KonflikKepentinganAdmin(admin.ModelAdmin):
    list_display = ("penilai", "instansi", "alasan", "dibuat")
    search_fields = ("penilai__nama", "instansi__nama")
    autocomplete_fields = ("penilai", "instansi")

    def has_change_permission(self, request, obj=None):
        return False  # declared through the evaluator's page, which cancels assignments


@admin.register(RiwayatNilai)
class RiwayatNilaiAdmin(admin.ModelAdmin):
    list_display = ("waktu", "peserta", "jenis", "indikator", "level_lama", "level_baru", "oleh")
    list_filter = ("jenis",)
    list_select_related = ("peserta__instansi", "indikator", "oleh")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
