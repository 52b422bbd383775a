"""The panel's reliability: ICC(1,1) on one-way data, on the textbook example, and "data belum cukup" on few agencies."""

import re
from decimal import Decimal

import numpy as np
import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from laporan import reliabilitas, services
from laporan.models import RunPeringkat, Snapshot
from laporan.peringkat import Elemen, Indikator, Masukan
from laporan.reliabilitas import alpha_interval, icc_1_1, icc_2_1

# Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges. Their Table 3 gives BMS 11.24, WMS 6.26,
# JMS 32.49, EMS 1.02; Table 4, ICC(1,1) = 0.17 and ICC(2,1) = 0.29.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def test_icc_on_the_textbook_data():
    assert round(icc_1_1(SHROUT_FLEISS), 2) == 0.17
    assert round(icc_2_1(SHROUT_FLEISS), 2) == 0.29


def test_the_unbalanced_formula_is_the_textbook_one_on_balanced_data():
    x = np.array(SHROUT_FLEISS, dtype=float)
    n, k = x.shape
    bms = k * ((x.mean(axis=1) - x.mean()) ** 2).sum() / (n - 1)
    wms = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / (n * (k - 1))
    assert (round(bms, 2), round(wms, 2)) == (11.24, 6.26)

    assert icc_1_1(SHROUT_FLEISS) == pytest.approx((bms - wms) / (bms + (k - 1) * wms), abs=1e-12)


def test_icc_1_1_on_unbalanced_data_by_hand():
    # Agencies with 2, 3 and 2 evaluators: means 2, 6, 8; grand mean 38/7.
    # SSB = 2·(24/7)² + 3·(4/7)² + 2·(18/7)² = 264/7, MSB = 132/7; SSW = 2 + 8 + 2 = 12, MSW = 12/4 = 3.
    # n₀ = (7 − 17/7) / 2 = 16/7; ICC = (132/7 − 3) / (132/7 + 9/7 · 3) = 111/159 = 37/53.
    unit = [[1, 3], [4, 6, 8], [7, 9]]

    assert icc_1_1(unit) == pytest.approx(37 / 53, abs=1e-12)
    # An agency with one sheet has nothing to compare: left out, as alpha leaves it out.
    assert icc_1_1([*unit, [5]]) == pytest.approx(37 / 53, abs=1e-12)


def test_icc_1_1_without_anything_to_compare():
    assert icc_1_1([[1, 2]]) is None
    assert icc_1_1([[3, 3], [3, 3, 3]]) is None


def masukan(level_per_instansi):
    """One element, one indicator scored 0–4; each agency scored by its own evaluators (ids never reused)."""
    nilai = [
        (peserta, 100 * peserta + n, 1, level)
        for peserta, levels in enumerate(level_per_instansi, start=1)
        for n, level in enumerate(levels)
    ]
    return Masukan(
        metode="rerata",
        normalisasi=False,
        elemen=[Elemen("E1", Decimal(100))],
        indikator=[Indikator(1, "I1", "E1", Decimal(100), 4)],
        peserta=[],
        kategori=[],
        nilai=nilai,
        moderasi={},
        predikat=[],
    )


def test_too_few_agencies_give_no_figure():
    # Nine agencies with two sheets, three with one: nine agencies to compare, below the minimum.
    level = [[3, 2], [2, 2], [4, 1], [0, 3], [1, 1], [2, 4], [3, 3], [4, 2], [1, 0], [2], [3], [4]]

    hasil = reliabilitas.hitung(masukan(level), {})

    assert reliabilitas.MINIMAL_INSTANSI == 10
    assert hasil["model"] == "ICC(1,1)"
    assert hasil["total"] == {"icc": None, "alpha": None, "n": 9, "cukup": False}
    assert hasil["elemen"]["E1"] == hasil["total"]


def test_enough_agencies_give_icc_1_1_and_alpha_over_the_same_agencies():
    # Twelve agencies with two or three sheets (unbalanced) and one with a single sheet.
    level = [[3, 2], [2, 2, 3], [4, 3], [0, 1, 1], [1, 1], [2, 3, 4], [3, 3], [4, 4, 3], [1, 0], [2, 2]]
    level += [[4, 3, 4], [0, 1], [2]]
    dipakai = level[:12]

    hasil = reliabilitas.hitung(masukan(level), {})

    total = hasil["total"]
    assert hasil["model"] == "ICC(1,1)"
    assert total["cukup"] is True
    assert total["n"] == 12
    # Scores are level × 25: both figures are scale-free, so they are those of the levels.
    assert total["icc"] == pytest.approx(icc_1_1(dipakai))
    assert total["alpha"] == pytest.approx(alpha_interval(dipakai))
    assert total["icc"] > 0.5
    assert hasil["elemen"]["E1"] == pytest.approx(total)


# The figures as they were computed before they were vectorised, one numpy call per agency: stored snapshots
# hold these numbers, and new runs must give the very same floats.


def _icc_per_instansi(unit):
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


def _alpha_per_instansi(unit):
    unit = [np.asarray(u, dtype=float) for u in unit if len(u) >= 2]
    if not unit:
        return None
    m = np.array([u.size for u in unit], dtype=float)
    s1 = np.array([u.sum() for u in unit])
    s2 = np.array([(u * u).sum() for u in unit])
    n = m.sum()
    d_o = (2 * (m * s2 - s1 * s1) / (m - 1)).sum() / n
    d_e = 2 * (n * s2.sum() - s1.sum() ** 2) / (n * (n - 1))
    if d_e <= 0:
        return None
    return float(1 - d_o / d_e)


def test_the_sums_of_all_agencies_at_once_are_numpys_own_sums_for_every_length():
    acak = np.random.default_rng(2040)
    for k in range(1, 301):  # one by one below 8, 8 partial sums to 128, halves beyond
        x = acak.random((5, 3, k)) * 10.0 ** acak.integers(-3, 4, size=(5, 3, 1))
        assert np.array_equal(reliabilitas._jumlah(x), x.sum(axis=-1)), k
        assert np.array_equal(reliabilitas._jumlah(x), [[baris.sum() for baris in blok] for blok in x]), k


# Scores as evaluators give them: a level of 0–4 over 4, times a two-decimal weight; now and then any float.
skor = st.one_of(
    st.builds(
        lambda level, bobot: level / 4 * bobot,
        st.integers(0, 4),
        st.integers(1, 10000).map(lambda b: b / 100),
    ),
    st.floats(0, 100, allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(unit=st.lists(st.lists(skor, min_size=1, max_size=12), max_size=30))
def test_icc_and_alpha_are_the_very_floats_of_the_per_agency_computation(unit):
    assert icc_1_1(unit) == _icc_per_instansi(unit)
    assert alpha_interval(unit) == _alpha_per_instansi(unit)


def test_icc_and_alpha_with_many_evaluators_are_the_per_agency_floats_too():
    acak = np.random.default_rng(7)
    for _ in range(40):
        unit = [acak.integers(0, 5, size=acak.integers(1, 140)) * 12.5 for _n in range(acak.integers(2, 25))]
        assert icc_1_1(unit) == _icc_per_instansi(unit)
        assert alpha_interval(unit) == _alpha_per_instansi(unit)


@settings(max_examples=100, deadline=None)
@given(
    level=st.lists(st.lists(st.integers(0, 4), min_size=1, max_size=10), min_size=8, max_size=30),
    bobot=st.integers(1, 10000),
)
def test_a_runs_figures_are_the_per_agency_floats(level, bobot):
    """hitung's figures for each element and the total, against the per-agency computation of its units."""
    m = masukan(level)
    m.elemen = [Elemen("E1", Decimal(bobot) / 100)]
    m.indikator = [Indikator(1, "I1", "E1", Decimal(bobot) / 100, 4)]

    hasil = reliabilitas.hitung(m, {})

    # One indicator: an evaluator's element score is its one term, added to 0.0, as np.add.at does.
    unit = [[0.0 + n / 4.0 * float(Decimal(bobot) / 100) for n in levels] for levels in level]
    total = [list(np.array(u)[:, None] @ np.array([float(Decimal(bobot) / 100)]) / 100) for u in unit]
    for figur, per_instansi in ((hasil["elemen"]["E1"], unit), (hasil["total"], total)):
        dipakai = [u for u in per_instansi if len(u) >= 2]
        cukup = len(dipakai) >= reliabilitas.MINIMAL_INSTANSI
        assert figur == {
            "icc": _icc_per_instansi(dipakai) if cukup else None,
            "alpha": _alpha_per_instansi(dipakai) if cukup else None,
            "n": len(dipakai),
            "cukup": cukup,
        }


URL = reverse("laporan:peringkat", args=[2040])


@pytest.fixture
def snapshot(contoh, admin_bkn):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    return Snapshot.objects.get(pk=services.jalankan_run(run_id=run.pk))


def bagian_reliabilitas(response):
    html = response.content.decode()
    awal = html.index('aria-labelledby="judul-reliabilitas"')
    return html[awal : html.index("</section>", awal)]


@pytest.mark.django_db
def test_the_ranking_page_says_data_belum_cukup_for_three_agencies(client_of, admin_bkn, snapshot):
    bagian = bagian_reliabilitas(client_of(admin_bkn).get(URL))

    assert snapshot.reliabilitas["model"] == "ICC(1,1)"
    assert re.search(r'data-testid="model-icc">ICC\(1,1\)<', bagian)
    assert "penilai berganti antarinstansi" in bagian
    # Element E1, element E2 and the total: each counted over the same three agencies.
    assert bagian.count("data belum cukup (3 instansi; minimal 10)") == 3
    assert not re.search(r"[-−]\s*\d", bagian)


@pytest.mark.django_db
def test_an_older_snapshot_is_labelled_icc_2_1(client_of, admin_bkn, snapshot):
    lama = Snapshot.objects.create(
        periode=snapshot.periode,
        run=RunPeringkat.objects.create(periode=snapshot.periode, dibuat_oleh=admin_bkn),
        dibuat_oleh=admin_bkn,
        parameter=snapshot.parameter,
        digest=snapshot.digest,
        reliabilitas={
            "elemen": {
                "E1": {"icc": -5.25, "alpha": 0.125, "n": 3},
                "E2": {"icc": None, "alpha": None, "n": 3},
            },
            "total": {"icc": 0.5, "alpha": 0.25, "n": 3},
            "selisih_terbesar": [],
        },
    )

    bagian = bagian_reliabilitas(client_of(admin_bkn).get(URL, {"snapshot": lama.pk}))

    assert re.search(r'data-testid="model-icc">ICC\(2,1\)<', bagian)
    assert "ICC(1,1)" not in bagian.split("<table", 1)[1]
    assert "data belum cukup" not in bagian
    assert "-5,250" in bagian
    assert "0,500" in bagian
