"""How much the evaluators agree: ICC(1,1) and Krippendorff's alpha (interval), with numpy.

Both read the evaluators' own scores (before the chair's moderation): per
element, each evaluator's weighted element score for each agency it scored;
overall, its weighted total.

Evaluators rotate between agencies: each agency is scored by its own set of
evaluators, and "the second evaluator" of one agency is not the same person as
that of another. That is one-way data (Shrout & Fleiss 1979, case 1), so the
page reports ICC(1,1), which treats evaluators as interchangeable within an
agency and takes differing numbers of sheets per agency. ICC(2,1) (two-way,
one fixed set of raters who scored every subject) is kept for reference only.
Snapshots stored before this change have no "model" key and hold ICC(2,1).

Both figures use the same agencies, every agency with at least two submitted
sheets, so one count per row is the count both used. Below
``MINIMAL_INSTANSI`` such agencies neither figure is reported.
"""

import numpy as np

JUMLAH_SELISIH_TERBESAR = 10

# Fewer agencies with two or more sheets than this and no figure is reported ("data belum cukup"):
# with a handful of agencies both estimates swing wildly, far below zero too, and a number would
# read as a finding about the panel.
MINIMAL_INSTANSI = 10

# The model of the figure under "icc", stored in each snapshot; snapshots without it hold ICC(2,1).
MODEL = "ICC(1,1)"


def icc_2_1(matriks):
    """ICC(2,1) of Shrout & Fleiss (two-way random effects, absolute agreement, single rater).

    ``matriks`` is n subjects × k raters, complete. None when it cannot be computed.
    Not used for snapshots any more (the panel's data are one-way, see ``icc_1_1``);
    kept, and tested, as the model of snapshots stored before ICC(1,1).
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


def icc_1_1(unit):
    """ICC(1,1) of Shrout & Fleiss (one-way random effects, single rater); ``unit`` lists each subject's values.

    Subjects may have different numbers of raters (unbalanced one-way ANOVA):
    MSB = Σ nᵢ(ȳᵢ − ȳ)² / (a − 1), MSW = ΣΣ(yᵢⱼ − ȳᵢ)² / (N − a) and
    ICC = (MSB − MSW) / (MSB + (n₀ − 1)·MSW) with n₀ = (N − Σnᵢ²/N) / (a − 1),
    which is k when every subject has k raters (the textbook formula). As in
    ``alpha_interval``, subjects with fewer than two values are left out. None
    when fewer than two subjects remain or there is no variation at all.
    """
    unit = [np.asarray(u, dtype=float) for u in unit if len(u) >= 2]
    a = len(unit)
    if a < 2 or np.ptp(np.concatenate(unit)) == 0:
        return None
    m = np.array([u.size for u in unit], dtype=float)
    rata_unit = np.array([u.mean() for u in unit])
    n = m.sum()
    rata = sum(u.sum() for u in unit) / n
    ms_antar = (m * (rata_unit - rata) ** 2).sum() / (a - 1)
    ms_dalam = sum(((u - u.mean()) ** 2).sum() for u in unit) / (n - a)
    n0 = (n - (m * m).sum() / n) / (a - 1)
    penyebut = ms_antar + (n0 - 1) * ms_dalam
    if penyebut <= 0:
        return None
    return float((ms_antar - ms_dalam) / penyebut)


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
    """ICC(1,1) and alpha of [[each evaluator's score] per agency], over the same agencies.

    ``n`` is the number of agencies both figures used (those with at least two
    sheets); below ``MINIMAL_INSTANSI`` both are None and ``cukup`` is false.
    """
    unit = [u for u in unit if len(u) >= 2]
    if len(unit) < MINIMAL_INSTANSI:
        return {"icc": None, "alpha": None, "n": len(unit), "cukup": False}
    return {"icc": icc_1_1(unit), "alpha": alpha_interval(unit), "n": len(unit), "cukup": True}


def hitung(m, nama_peserta):
    """Reliability per element and overall, and the agencies whose evaluators disagree most.

    Returns {"model": "ICC(1,1)", "minimal_instansi": 10, "elemen": {kode: row}, "total": row,
    "selisih_terbesar": [...]}, each row {"icc", "alpha", "n", "cukup"} as ``_ringkas`` gives it.

    Vectorised: each evaluator's element scores for each agency come from one
    weighted sum over the rows of the one query.
    """
    indeks_indikator = {i.id: n for n, i in enumerate(m.indikator)}
    kode_elemen = [e.kode for e in m.elemen]
    indeks_elemen = {kode: n for n, kode in enumerate(kode_elemen)}
    baris = [r for r in m.nilai if r[2] in indeks_indikator]
    if not baris:
        return {
            **_kepala(),
            "elemen": {k: _ringkas([]) for k in kode_elemen},
            "total": _ringkas([]),
            "selisih_terbesar": [],
        }
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
    return {
        **_kepala(),
        "elemen": elemen,
        "total": _ringkas([total[idx] for idx in potong]),
        "selisih_terbesar": selisih,
    }


def _kepala():
    """What a page needs to label a snapshot's figures: the ICC model and the minimum number of agencies."""
    return {"model": MODEL, "minimal_instansi": MINIMAL_INSTANSI}
