"""Writes of the laporan app, one module per part: rankings, the decision (penetapan), certificates."""

from .hasil_sementara import terbitkan_hasil_sementara
from .penetapan import (
    beri_penghargaan_khusus,
    buat_penetapan,
    hapus_penghargaan_khusus,
    kategori_khusus,
    putuskan_seri,
    setujui,
    tarik,
    umumkan,
)
from .peringkat import (
    TAHAP_PERINGKAT,
    DatabaseGaib,
    gagalkan_run,
    jalankan_run,
    minta_peringkat,
    muat_masukan,
    pastikan_predikat,
    simpan_pengaturan,
    tutup_run_diam,
)
from .sertifikat import cabut, render, render_semua

__all__ = [
    "TAHAP_PERINGKAT",
    "DatabaseGaib",
    "beri_penghargaan_khusus",
    "buat_penetapan",
    "cabut",
    "gagalkan_run",
    "hapus_penghargaan_khusus",
    "jalankan_run",
    "kategori_khusus",
    "minta_peringkat",
    "muat_masukan",
    "pastikan_predikat",
    "putuskan_seri",
    "render",
    "render_semua",
    "setujui",
    "simpan_pengaturan",
    "tarik",
    "terbitkan_hasil_sementara",
    "tutup_run_diam",
    "umumkan",
]
