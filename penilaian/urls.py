from django.urls import path

from .views import klarifikasi, mandiri, penilai, periode, sanggah

app_name = "penilaian"

urlpatterns = [
    path("", periode.daftar_periode, name="periode_daftar"),
    path("baru/", periode.periode_baru, name="periode_baru"),
    path("<int:tahun>/", periode.periode_detail, name="periode"),
    path("<int:tahun>/jadwal/", periode.jadwal, name="jadwal"),
    path("<int:tahun>/tahap/maju/", periode.tahap_maju, name="tahap_maju"),
    path("<int:tahun>/instrumen/", periode.instrumen_detail, name="instrumen"),
    path("<int:tahun>/instrumen/ekspor/", periode.instrumen_ekspor, name="instrumen_ekspor"),
    path("<int:tahun>/instrumen/impor/", periode.instrumen_impor, name="instrumen_impor"),
    path("<int:tahun>/instrumen/templat/", periode.instrumen_templat, name="instrumen_templat"),
    path("<int:tahun>/instrumen/salin/", periode.instrumen_salin, name="instrumen_salin"),
    path("<int:tahun>/peserta/", periode.peserta, name="peserta"),
    path("<int:tahun>/peserta/tetapkan/", periode.peserta_tetapkan, name="peserta_tetapkan"),
    path("<int:tahun>/peserta/tambah/", periode.peserta_tambah, name="peserta_tambah"),
    path("<int:tahun>/peserta/<int:pk>/hapus/", periode.peserta_hapus, name="peserta_hapus"),
    path("<int:tahun>/peserta/subkelompok/", periode.peserta_subkelompok, name="peserta_subkelompok"),
    path("<int:tahun>/subkelompok/baru/", periode.subkelompok_buat, name="subkelompok_buat"),
    path("<int:tahun>/subkelompok/<int:pk>/hapus/", periode.subkelompok_hapus, name="subkelompok_hapus"),
    path("<int:tahun>/pengisian/", mandiri.pengisian, name="pengisian"),
    path("<int:tahun>/pengisian/<str:kode>/", mandiri.pengisian_instansi, name="pengisian_instansi"),
    path("<int:tahun>/pengisian/<str:kode>/bukti.zip", mandiri.pengisian_zip, name="pengisian_zip"),
    path("<int:tahun>/pengisian/<str:kode>/buka-kembali/", mandiri.buka_kembali, name="buka_kembali"),
    path(
        "<int:tahun>/pengisian/<str:kode>/tanda-terima/",
        mandiri.pengisian_tanda_terima,
        name="pengisian_tanda_terima",
    ),
    path("<int:tahun>/penugasan/", penilai.penugasan, name="penugasan"),
    path("<int:tahun>/penugasan/pengaturan/", penilai.penugasan_pengaturan, name="penugasan_pengaturan"),
    path("<int:tahun>/penugasan/otomatis/", penilai.penugasan_otomatis, name="penugasan_otomatis"),
    path("<int:tahun>/penugasan/impor/", penilai.penugasan_impor, name="penugasan_impor"),
    path("<int:tahun>/penugasan/tambah/", penilai.penugasan_tambah, name="penugasan_tambah"),
    path("<int:tahun>/penugasan/<int:pk>/batal/", penilai.penugasan_batal, name="penugasan_batal"),
    path("<int:tahun>/kemajuan-penilaian/", penilai.kemajuan, name="kemajuan_penilaian"),
    path("<int:tahun>/moderasi/", penilai.moderasi, name="moderasi"),
    path("<int:tahun>/moderasi/tetapkan/", penilai.moderasi_tetapkan, name="moderasi_tetapkan"),
    path("<int:tahun>/moderasi/kembalikan/", penilai.lembar_kembalikan, name="lembar_kembalikan"),
    path("<int:tahun>/moderasi/konflik/", penilai.konflik_putuskan, name="konflik_putuskan"),
    path("<int:tahun>/riwayat/<str:kode>/", penilai.riwayat, name="riwayat"),
    path("<int:tahun>/sanggah/", sanggah.daftar, name="sanggah"),
    path("<int:tahun>/sanggah/<int:pk>/putuskan/", sanggah.putuskan, name="sanggah_putuskan"),
    path("<int:tahun>/sanggah/<int:pk>/berkas/", sanggah.berkas_panel, name="sanggah_berkas"),
    path("hari-libur/<int:tahun>/", klarifikasi.hari_libur, name="hari_libur"),
    path("hari-libur/<int:tahun>/<int:pk>/hapus/", klarifikasi.hari_libur_hapus, name="hari_libur_hapus"),
]

penilai_patterns = (
    [
        path("lembar/<int:pk>/", penilai.lembar, name="lembar"),
        path("lembar/<int:pk>/nilai/<str:kode>/", penilai.simpan_nilai, name="simpan_nilai"),
        path("lembar/<int:pk>/kirim/", penilai.kirim_lembar, name="kirim"),
        path("lembar/<int:pk>/klarifikasi/<str:kode>/", klarifikasi.ajukan, name="klarifikasi_ajukan"),
        path(
            "lembar/<int:pk>/klarifikasi/<int:id_klarifikasi>/tarik/",
            klarifikasi.tarik,
            name="klarifikasi_tarik",
        ),
        path("konflik/", penilai.konflik, name="konflik"),
    ],
    "penilai",
)

mandiri_patterns = (
    [
        path("<int:tahun>/", mandiri.ringkasan, name="ringkasan"),
        path("<int:tahun>/kirim/", mandiri.kirim, name="kirim"),
        path("<int:tahun>/tanda-terima/", mandiri.tanda_terima, name="tanda_terima"),
        path("<int:tahun>/bukti/<int:pk>/hapus/", mandiri.hapus_bukti, name="hapus_bukti"),
        # Before "<int:tahun>/<str:kode>/", which would take "klarifikasi" etc. for an indicator code.
        path("<int:tahun>/klarifikasi/", klarifikasi.daftar, name="klarifikasi_daftar"),
        path("<int:tahun>/klarifikasi/<int:pk>/", klarifikasi.jawab, name="klarifikasi_jawab"),
        path("<int:tahun>/hasil-sementara/", sanggah.hasil_sementara, name="hasil_sementara"),
        path("<int:tahun>/sanggah/<str:kode>/", sanggah.ajukan, name="sanggah_ajukan"),
        path("<int:tahun>/sanggah/<int:pk>/berkas/", sanggah.berkas_instansi, name="sanggah_berkas"),
        path("<int:tahun>/linimasa/", sanggah.linimasa, name="linimasa"),
        path("<int:tahun>/<str:kode>/", mandiri.indikator, name="indikator"),
        path("<int:tahun>/<str:kode>/jawaban/", mandiri.simpan_jawaban, name="simpan_jawaban"),
        path("<int:tahun>/<str:kode>/unggah/", mandiri.unggah_bukti, name="unggah_bukti"),
    ],
    "mandiri",
)
