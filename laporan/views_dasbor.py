"""A period's dashboard for the admin and the panel chair: its progress and its panel, in charts and tables."""

from django.shortcuts import render
from rules.contrib.views import permission_required

from penilaian.queries import get_periode

from . import grafik
from .queries import dasbor as q
from .queries.dasbor import MINIMAL_PENILAI_PENCILAN, PENGALI_IQR


@permission_required("laporan.lihat_dasbor", raise_exception=True)
def dasbor(request, tahun):
    """Each panel's chart, or None where there is nothing to draw yet (the page then says so)."""
    periode = get_periode(tahun)
    konteks = {
        "periode": periode,
        "minimal_pencilan": MINIMAL_PENILAI_PENCILAN,
        "pengali_iqr": PENGALI_IQR,
    }

    mandiri = q.kemajuan_mandiri(periode)
    konteks["mandiri"] = mandiri
    konteks["grafik_mandiri"] = (
        grafik.kemajuan_mandiri(mandiri.hari, mandiri.dikirim, total=mandiri.total, tenggat=mandiri.tenggat)
        if mandiri.hari
        else None
    )

    per_penilai = q.kemajuan_penilai(periode)
    konteks["grafik_penilai"] = (
        grafik.kemajuan_penilai(
            [p["penilai__nama"] for p in per_penilai],
            [p["dikirim"] for p in per_penilai],
            [p["jumlah"] for p in per_penilai],
        )
        if any(p["dikirim"] for p in per_penilai)
        else None
    )
    konteks["ada_penugasan"] = bool(per_penilai)

    longgar = q.kelonggaran(periode)
    konteks["grafik_kelonggaran"] = (
        grafik.kelonggaran(
            [k.nama for k in longgar],
            [k.selisih for k in longgar],
            [k.pencilan for k in longgar],
            [k.jumlah for k in longgar],
        )
        if longgar
        else None
    )

    snapshot = q.snapshot_terakhir(periode)
    konteks["snapshot"] = snapshot
    konteks["grafik_sebaran"] = konteks["grafik_reliabilitas"] = None
    if snapshot is not None:
        sebaran = q.sebaran_kelompok(snapshot)
        konteks["grafik_sebaran"] = grafik.sebaran_kelompok(sebaran) if sebaran else None
        rel = q.reliabilitas(snapshot)
        if any(r.get("cukup", r.get("icc") is not None) for _nama, r in rel):
            konteks["grafik_reliabilitas"] = grafik.reliabilitas(
                [nama for nama, _r in rel],
                [r.get("icc") for _nama, r in rel],
                [r.get("alpha") for _nama, r in rel],
                model=(snapshot.reliabilitas or {}).get("model", "ICC(2,1)"),
            )
        konteks["minimal_instansi"] = (snapshot.reliabilitas or {}).get("minimal_instansi")
    return render(request, "laporan/dasbor.html", konteks)
