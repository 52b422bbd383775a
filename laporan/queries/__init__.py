"""Reads of the reports app that more than one page needs, one module per part of the process."""

from .pemenang import (
    Draf,
    Pemenang,
    Seri,
    draf_pemenang,
    get_sertifikat_untuk_pengguna,
    kunci_cache_pemenang,
    pemenang,
    pemenang_per_bagian,
    penetapan_ditinjau,
    penetapan_terbit,
    peringkat_setelah_keputusan,
)
from .peringkat import (
    BarisPeringkat,
    Kelompok,
    get_snapshot,
    kategori_diperingkat,
    kelompok_snapshot,
    run_terakhir,
    snapshot_periode,
    tabel_peringkat,
    tanpa_peringkat,
)

__all__ = [
    "BarisPeringkat",
    "Draf",
    "Kelompok",
    "Pemenang",
    "Seri",
    "draf_pemenang",
    "get_sertifikat_untuk_pengguna",
    "get_snapshot",
    "kategori_diperingkat",
    "kelompok_snapshot",
    "kunci_cache_pemenang",
    "pemenang",
    "pemenang_per_bagian",
    "penetapan_ditinjau",
    "penetapan_terbit",
    "peringkat_setelah_keputusan",
    "run_terakhir",
    "snapshot_periode",
    "tabel_peringkat",
    "tanpa_peringkat",
]
