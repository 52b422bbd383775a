"""How much the evaluators agree: ICC(2,1) and Krippendorff's alpha (interval), with numpy.

Both read the evaluators' own scores (before the chair's moderation): per
element, each evaluator's weighted element score for each agency it scored;
overall, its weighted total.
"""

from collections import defaultdict

import numpy as np

JUMLAH_SELISIH_TERBESAR = 10


def icc_2_1(matriks):
    """ICC(2,1) of Shrout & Fleiss (two-way random effects, absolute agreement, single rater).

    ``matriks`` is n subjects × k raters, complete. None when it cannot be computed.
    """
    x = np.asarray(matriks, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        return None
    n, k = x.shape
    rata = x.mean()
    ms_baris = k * ((x.mean(axis=1) - rata) ** 2).sum() / (n - 1)
    ms_kolom = n * ((x.mean(axis=0) - rata) ** 2).sum() / (k - 1)
    residu = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + rata
    ms_galat = (residu**2).sum() / ((n - 1) * (k - 1))
    penyebut = ms_baris + (k - 1) * ms_galat + k * (ms_kolom - ms_galat) / n
    if penyebut == 0:
        return None
    return float((ms_baris - ms_galat) / penyebut)


def alpha_interval(unit):
    """Krippendorff's alpha for interval data; ``unit`` is a list of the values each unit received.

    Units with fewer than two values are not pairable and are left out. None when
    there is nothing to compare or no variation at all. Sums of squared
    differences use Σᵢ≠ⱼ (vᵢ − vⱼ)² = 2(m Σv² − (Σv)²), so no pair is enumerated.
    """
    unit = [np.asarray(u, dtype=float) for u in unit if len(u) >= 2]
    if not unit:
        return None
    m = np.array([u.size for u in unit], dtype=float)
    s1 = np.array([u.sum() for u in unit])
    s2 = np.array([(u * u).sum() for u in unit])
    n = m.sum()
    # Observed disagreement: within units, each unit weighted by 1 / (m_u - 1).
    d_o = (2 * (m * s2 - s1 * s1) / (m - 1)).sum() / n
    # Expected disagreement: between all pairable values.
    d_e = 2 * (n * s2.sum() - s1.sum() ** 2) / (n * (n - 1))
    if d_e <= 0:
        return None
    return float(1 - d_o / d_e)


def _ringkas(unit):
    """ICC and alpha of [[each evaluator's score] per agency], evaluators in the order of their ids."""
    jumlah = defaultdict(int)
    for u in unit:
        jumlah[len(u)] += 1
    k = max((m for m in jumlah if m >= 2), key=lambda m: (jumlah[m], m), default=None)
    # ICC needs the same number of raters for every subject: the agencies with the usual
    # number of sheets, each evaluator as its slot in the order of the evaluators' ids.
    matriks = [u for u in unit if len(u) == k] if k else []
    return {
        "icc": icc_2_1(matriks) if matriks else None,
        "alpha": alpha_interval(unit),
        "n": len([u for u in unit if len(u) >= 2]),
    }


def hitung(m, nama_peserta):
    """Reliability per element and overall, and the agencies whose evaluators disagree most.

    Vectorised: each evaluator's element scores for each agency come from one
    weighted sum over the rows of the one query.
    """
    indeks_indikator = {i.id: n for n, i in enumerate(m.indikator)}
    kode_elemen = [e.kode for e in m.elemen]
    indeks_elemen = {kode: n for n, kode in enumerate(kode_elemen)}
    baris = [r for r in m.nilai if r[2] in indeks_indikator]
    if not baris:
        kosong = {"icc": None, "alpha": None, "n": 0}
        return {"elemen": {k: dict(kosong) for k in kode_elemen}, "total": kosong, "selisih_terbesar": []}
    data = np.array(baris, dtype=np.int64)
    # (agency, evaluator) pairs as one sortable key.
    kunci, indeks_pasangan = np.unique(data[:, 0] * (1 << 32) + data[:, 1], return_inverse=True)
    pasangan = np.stack([kunci >> 32, kunci & ((1 << 32) - 1)], axis=1)
    ind = np.array([indeks_indikator[i] for i in data[:, 2]])
    maks = np.array([i.level_maks for i in m.indikator], dtype=float)
    bobot = np.array([float(i.bobot) for i in m.indikator])
    elemen_ind = np.array([indeks_elemen[i.elemen] for i in m.indikator])
    # Each evaluator's element score for each agency: Σ(level ÷ maks × 100 × weight ÷ 100).
    skor_elemen = np.zeros((len(pasangan), len(kode_elemen)))
    np.add.at(skor_elemen, (indeks_pasangan.ravel(), elemen_ind[ind]), data[:, 3] / maks[ind] * bobot[ind])
    bobot_elemen = np.array([float(e.bobot) for e in m.elemen])
    total = skor_elemen @ bobot_elemen / 100

    # Units: the agencies, each with its evaluators' scores (pairs are sorted by agency, then evaluator).
    batas = np.flatnonzero(np.diff(pasangan[:, 0])) + 1
    potong = np.split(np.arange(len(pasangan)), batas)
    elemen = {kode: _ringkas([skor_elemen[idx, n] for idx in potong]) for n, kode in enumerate(kode_elemen)}
    selisih = sorted(
        (
            {
                "peserta": int(pasangan[idx[0], 0]),
                "nama": nama_peserta.get(int(pasangan[idx[0], 0]), ""),
                "selisih": float(total[idx].max() - total[idx].min()),
                "nilai": [round(float(v), 2) for v in total[idx]],
            }
            for idx in potong
            if len(idx) >= 2
        ),
        key=lambda d: (-d["selisih"], d["nama"]),
    )[:JUMLAH_SELISIH_TERBESAR]
    return {"elemen": elemen, "total": _ringkas([total[idx] for idx in potong]), "selisih_terbesar": selisih}
