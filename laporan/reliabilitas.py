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

from dataclasses import dataclass

import numpy as np

from .peringkat import posisi, unik_pasangan

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
    return _icc(_Unit.dari_daftar(unit))


def alpha_interval(unit):
    """Krippendorff's alpha for interval data; ``unit`` is a list of the values each unit received.

    Units with fewer than two values are not pairable and are left out. None when
    there is nothing to compare or no variation at all. Sums of squared
    differences use Σᵢ≠ⱼ (vᵢ − vⱼ)² = 2(m Σv² − (Σv)²), so no pair is enumerated.
    """
    return _alpha(_Unit.dari_daftar(unit))


def _jumlah(x):
    """Σ along the last axis, each sum exactly as numpy's ``row.sum()`` of that row gives it.

    Numpy adds pairwise: fewer than 8 values one by one from −0.0, up to 128 in 8
    interleaved partial sums, longer ones as two halves. Doing the same additions
    here, elementwise over all rows at once, gives the per-agency sums the figures
    were always computed from, bit for bit, without a numpy call per agency
    (stored figures stay comparable with new ones; tests/laporan/test_reliabilitas.py
    checks it against ``sum()`` for every length up to 300).
    """
    k = x.shape[-1]
    if k < 8:
        hasil = np.full(x.shape[:-1], -0.0)
        for j in range(k):
            hasil = hasil + x[..., j]
        return hasil
    if k <= 128:
        r = [x[..., j] for j in range(8)]
        j = 8
        while j < k - k % 8:
            r = [r[n] + x[..., j + n] for n in range(8)]
            j += 8
        hasil = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for sisa in range(j, k):
            hasil = hasil + x[..., sisa]
        return hasil
    separuh = k // 2
    separuh -= separuh % 8
    return _jumlah(x[..., :separuh]) + _jumlah(x[..., separuh:])


@dataclass(frozen=True)
class _Unit:
    """The units (agencies) with at least two values, as per-unit sums, in unit order: all both figures need.

    ``ukuran``: values per unit (float); ``s1``, ``s2``, ``dalam``: Σv, Σv² and
    Σ(v − the unit's mean)² per unit; ``seragam``: whether every value is the same.
    """

    ukuran: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    dalam: np.ndarray
    seragam: bool

    @classmethod
    def dari_daftar(cls, unit):
        """From [the values of each unit]."""
        unit = [np.asarray(u, dtype=float) for u in unit]
        ukuran = np.array([len(u) for u in unit], dtype=np.int64)
        nilai = np.concatenate(unit) if unit else np.empty(0)
        return _unit_kolom(nilai[:, None], np.cumsum(ukuran) - ukuran, ukuran)[0]


def _unit_kolom(nilai, mulai, ukuran):
    """[_Unit] of each column of ``nilai`` (values × columns), whose units are its runs of rows.

    Unit u is rows ``mulai[u]`` to ``mulai[u] + ukuran[u]``; the runs follow each
    other and cover every row. Units of one size are summed together (``_jumlah``).
    """
    dua = ukuran >= 2
    mulai, ukuran_dua = mulai[dua], ukuran[dua]
    kolom = nilai.shape[1]
    s1, s2, dalam = (np.empty((kolom, len(mulai))) for _n in range(3))
    for k in np.unique(ukuran_dua).tolist():
        pilih = np.flatnonzero(ukuran_dua == k)
        blok = nilai[mulai[pilih, None] + np.arange(k)].transpose(2, 0, 1)  # column × unit × value
        jumlah = _jumlah(blok)
        s1[:, pilih] = jumlah
        s2[:, pilih] = _jumlah(blok * blok)
        dalam[:, pilih] = _jumlah((blok - (jumlah / k)[..., None]) ** 2)
    dipakai = nilai[np.repeat(dua, ukuran)]
    seragam = np.ptp(dipakai, axis=0) == 0 if len(dipakai) else np.ones(kolom, dtype=bool)
    ukuran_dua = ukuran_dua.astype(float)
    return [_Unit(ukuran_dua, s1[c], s2[c], dalam[c], bool(seragam[c])) for c in range(kolom)]


def _icc(u):
    """ICC(1,1) of ``_Unit`` (see ``icc_1_1``)."""
    a = len(u.ukuran)
    if a < 2 or u.seragam:
        return None
    m = u.ukuran
    rata_unit = u.s1 / m
    n = m.sum()
    # Python's sum, one after another in unit order, as the unit totals were always added.
    rata = sum(u.s1) / n
    ms_antar = (m * (rata_unit - rata) ** 2).sum() / (a - 1)
    ms_dalam = sum(u.dalam) / (n - a)
    n0 = (n - (m * m).sum() / n) / (a - 1)
    penyebut = ms_antar + (n0 - 1) * ms_dalam
    if penyebut <= 0:
        return None
    return float((ms_antar - ms_dalam) / penyebut)


def _alpha(u):
    """Krippendorff's alpha (interval) of ``_Unit`` (see ``alpha_interval``)."""
    if not len(u.ukuran):
        return None
    m, s1, s2 = u.ukuran, u.s1, u.s2
    n = m.sum()
    # Observed disagreement: within units, each unit weighted by 1 / (m_u - 1).
    d_o = (2 * (m * s2 - s1 * s1) / (m - 1)).sum() / n
    # Expected disagreement: between all pairable values.
    d_e = 2 * (n * s2.sum() - s1.sum() ** 2) / (n * (n - 1))
    if d_e <= 0:
        return None
    return float(1 - d_o / d_e)


def _ringkas(u):
    """ICC(1,1) and alpha of a ``_Unit``, over the same agencies (those with at least two sheets).

    ``n`` is the number of agencies both figures used; below ``MINIMAL_INSTANSI``
    both are None and ``cukup`` is false.
    """
    n = len(u.ukuran)
    if n < MINIMAL_INSTANSI:
        return {"icc": None, "alpha": None, "n": n, "cukup": False}
    return {"icc": _icc(u), "alpha": _alpha(u), "n": n, "cukup": True}


def hitung(m, nama_peserta):
    """Reliability per element and overall, and the agencies whose evaluators disagree most.

    Returns {"model": "ICC(1,1)", "minimal_instansi": 10, "elemen": {kode: row}, "total": row,
    "selisih_terbesar": [...]}, each row {"icc", "alpha", "n", "cukup"} as ``_ringkas`` gives it.

    Vectorised: each evaluator's element scores for each agency come from one
    weighted sum over the rows of the one query, and the figures from per-agency
    sums taken for all agencies at once (``_unit_kolom``).
    """
    kode_elemen = [e.kode for e in m.elemen]
    indeks_elemen = {kode: n for n, kode in enumerate(kode_elemen)}
    data = m.larik_nilai()
    ind = posisi(np.array([i.id for i in m.indikator], dtype=np.int64), data[:, 2])
    data, ind = data[ind >= 0], ind[ind >= 0]
    if not len(data):
        kosong = _ringkas(_Unit.dari_daftar([]))
        return {
            **_kepala(),
            "elemen": {k: dict(kosong) for k in kode_elemen},
            "total": kosong,
            "selisih_terbesar": [],
        }
    # The (agency, evaluator) pairs, sorted by agency, then evaluator, and each row's pair.
    peserta, penilai, indeks_pasangan = unik_pasangan(data[:, 0], data[:, 1])
    pasangan = np.stack([peserta, penilai], axis=1)
    maks = np.array([i.level_maks for i in m.indikator], dtype=float)
    bobot = np.array([float(i.bobot) for i in m.indikator])
    elemen_ind = np.array([indeks_elemen[i.elemen] for i in m.indikator])
    # Each evaluator's element score for each agency: Σ(level ÷ maks × 100 × weight ÷ 100), in row order.
    skor_elemen = np.zeros((len(pasangan), len(kode_elemen)))
    np.add.at(skor_elemen, (indeks_pasangan.ravel(), elemen_ind[ind]), data[:, 3] / maks[ind] * bobot[ind])
    bobot_elemen = np.array([float(e.bobot) for e in m.elemen])
    total = skor_elemen @ bobot_elemen / 100

    # Units: the agencies, each with its evaluators' scores (pairs are sorted by agency, then evaluator).
    mulai = np.concatenate(([0], np.flatnonzero(np.diff(pasangan[:, 0])) + 1))
    ukuran = np.diff(np.append(mulai, len(pasangan)))
    unit = _unit_kolom(np.column_stack([skor_elemen, total]), mulai, ukuran)
    elemen = {kode: _ringkas(unit[n]) for n, kode in enumerate(kode_elemen)}
    return {
        **_kepala(),
        "elemen": elemen,
        "total": _ringkas(unit[-1]),
        "selisih_terbesar": _selisih_terbesar(total, pasangan, mulai, ukuran, nama_peserta),
    }


def _selisih_terbesar(total, pasangan, mulai, ukuran, nama_peserta):
    """The ``JUMLAH_SELISIH_TERBESAR`` agencies whose evaluators' totals lie furthest apart, widest first."""
    dua = ukuran >= 2
    selisih = (np.maximum.reduceat(total, mulai) - np.minimum.reduceat(total, mulai))[dua].tolist()
    mulai, ukuran = mulai[dua].tolist(), ukuran[dua].tolist()
    peserta = pasangan[mulai, 0].tolist() if mulai else []
    nama = [nama_peserta.get(p, "") for p in peserta]
    terbesar = sorted(range(len(mulai)), key=lambda j: (-selisih[j], nama[j]))[:JUMLAH_SELISIH_TERBESAR]
    return [
        {
            "peserta": peserta[j],
            "nama": nama[j],
            "selisih": selisih[j],
            "nilai": [round(v, 2) for v in total[mulai[j] : mulai[j] + ukuran[j]].tolist()],
        }
        for j in terbesar
    ]


def _kepala():
    """What a page needs to label a snapshot's figures: the ICC model and the minimum number of agencies."""
    return {"model": MODEL, "minimal_instansi": MINIMAL_INSTANSI}
