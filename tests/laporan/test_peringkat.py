"""The ranking arithmetic against numbers computed by hand (docs/peringkat.md)."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laporan import peringkat
from laporan.models import HasilPeserta
from laporan.peringkat import Elemen, Indikator, Kategori, Masukan, Peserta, agregat
from laporan.queries import tabel_peringkat
from laporan.services import muat_masukan
from penilaian.models import Kategori as KategoriModel

D = Decimal


def test_an_evaluators_score_is_the_level_over_the_top_level():
    assert peringkat.skor_level(3, 4) == D(75)
    assert peringkat.skor_level(1, 3) == Fraction(100, 3)  # exact: rounded only when stored
    assert peringkat.empat(peringkat.skor_level(1, 3)) == D("33.3333")


@pytest.mark.parametrize(
    ("nilai", "metode", "hasil"),
    [
        ([D(25), D(50), D(100)], "rerata", "58.3333"),
        ([D(25), D(50), D(100)], "median", "50.0000"),
        ([D(25), D(50), D(75), D(100)], "median", "62.5000"),
        ([D(0), D(25), D(75), D(100)], "terpangkas", "50.0000"),  # 0 and 100 dropped
        ([D(0), D(25), D(100)], "terpangkas", "41.6667"),  # fewer than 4: the mean
        ([D(50), D(0), D(100), D(100), D(25)], "terpangkas", "58.3333"),  # (25 + 50 + 100) / 3
    ],
)
def test_aggregation_methods(nilai, metode, hasil):
    assert peringkat.empat(agregat(nilai, metode)) == D(hasil)


def test_aggregates_are_exact_rationals():
    # (25 + 50 + 100) / 3 and (0 + 25 + 100) / 3: no digit is lost before the one rounding.
    assert agregat([D(25), D(50), D(100)], "rerata") == Fraction(175, 3)
    assert agregat([D(0), D(25), D(100)], "terpangkas") == Fraction(125, 3)
    assert agregat([Fraction(100, 3), Fraction(200, 3)], "median") == 50


def _hasil(periode):
    masukan, _nama = muat_masukan(periode)
    return {h.peserta: h for h in peringkat.hitung(masukan)}, masukan


def test_contoh_hitung_tangan(contoh):
    """Three regencies, two evaluators, one settled value, one tie broken by the rule and shared ones.

    A: I1 (75+50)/2=62.5, I2 62.5 → E1 62.5; I3 50, I4 75 → E2 62.5; total 62.5.
    B: I1 75, I2 50 → E1 62.5; I3 62.5, I4 62.5 → E2 62.5; total 62.5.
    C: I1 settled at level 1 → 25 (the sheets' mean would be 50), I2 50 → E1 37.5;
       I3 100, I4 25 → E2 62.5 with one indicator at the top level; total 50.
    Main: A and B equal on the total and on every element: shared rank 1; C third.
    E2: all 62.5; C has an indicator at the top level: C first by the rule, A and B share 2.
    """
    periode, peserta = contoh
    hasil, masukan = _hasil(periode)
    a, b, c = (hasil[peserta[n].pk] for n in "ABC")
    kategori = {k.id: k for k in masukan.kategori}
    utama = next(k.id for k in kategori.values() if k.jenis == "utama")
    e1 = next(k.id for k in kategori.values() if k.elemen == "E1")
    e2 = next(k.id for k in kategori.values() if k.elemen == "E2")

    assert [(h.elemen["E1"], h.elemen["E2"], h.total) for h in (a, b, c)] == [
        (D("62.5"), D("62.5"), D("62.5")),
        (D("62.5"), D("62.5"), D("62.5")),
        (D("37.5"), D("62.5"), D("50")),
    ]
    assert (c.jumlah_moderasi, c.indikator_puncak) == (1, {"E1": 0, "E2": 1})
    assert [h.predikat for h in (a, b, c)] == ["Cukup", "Cukup", "Kurang"]
    # (score, rank, shared, decided by a tie-break)
    assert [h.peringkat[utama] for h in (a, b, c)] == [
        (D("62.5000"), 1, True, False),
        (D("62.5000"), 1, True, False),
        (D("50.0000"), 3, False, False),
    ]
    assert [h.peringkat[e1][1:3] for h in (a, b, c)] == [(1, True), (1, True), (3, False)]
    assert [h.peringkat[e2] for h in (a, b, c)] == [
        (D("62.5000"), 2, True, True),
        (D("62.5000"), 2, True, True),
        (D("62.5000"), 1, False, True),
    ]


def test_main_category_ties_are_broken_by_the_first_element(contoh):
    periode, peserta = contoh
    # One more level for B's I1 from Q and one less on I3: total unchanged, E1 higher.
    from penilaian.models import NilaiPenilai

    NilaiPenilai.objects.filter(
        lembar__peserta=peserta["B"], lembar__penilai__username="penilai.q", indikator__kode="I1"
    ).update(level=4)
    NilaiPenilai.objects.filter(
        lembar__peserta=peserta["B"], lembar__penilai__username="penilai.q", indikator__kode="I3"
    ).update(level=1)

    hasil, masukan = _hasil(periode)
    utama = next(k.id for k in masukan.kategori if k.jenis == "utama")
    a, b = hasil[peserta["A"].pk], hasil[peserta["B"].pk]

    assert (b.total, b.elemen["E1"]) == (D("62.5"), D("68.75"))
    assert b.peringkat[utama] == (D("62.5000"), 1, False, True)
    assert a.peringkat[utama] == (D("62.5000"), 2, False, True)


def test_median_and_trimmed_mean_from_the_period_setting(contoh):
    periode, peserta = contoh
    periode.metode_agregasi = "median"
    periode.save()

    hasil, _m = _hasil(periode)

    # With two sheets the median is the mean of both: the same numbers.
    assert hasil[peserta["A"].pk].total == D("62.5")


def _masukan_normalisasi(**extra):
    return Masukan(
        metode="rerata",
        normalisasi=True,
        elemen=[Elemen("E1", D(100))],
        indikator=[Indikator(1, "I1", "E1", D(100), 4)],
        peserta=[Peserta(10, "Kab"), Peserta(11, "Kab"), Peserta(12, "Kab")],
        kategori=[Kategori(100, "utama", None), Kategori(101, "elemen", "E1")],
        nilai=[(10, 1, 1, 4), (11, 1, 1, 2), (12, 1, 1, 0), (10, 2, 1, 3), (11, 2, 1, 3), (12, 2, 1, 1)],
        moderasi={},
        predikat=[(D(0), "Kurang"), (D(85), "Sangat Baik")],
        **extra,
    )


def test_normalisation_on_hand_computed_numbers():
    """P scores 100, 50, 0 and Q 75, 75, 25 (levels 4, 2, 0 and 3, 3, 1).

    All six: mean 54.1667, population sd 33.5927. P: mean 50, sd 40.8248 → z 1.2247, 0, −1.2247 →
    95.3092, 54.1667, 13.0241. Q: mean 58.3333, sd 23.5702 → z 0.7071, 0.7071, −1.4142 → 77.9203,
    77.9203, 6.6594. Agencies (mean): 86.6148, 66.0435, 9.8417; raw: 87.5, 62.5, 12.5.
    """
    hasil = peringkat.hitung(_masukan_normalisasi())

    assert [peringkat.empat(h.total) for h in hasil] == [D("86.6148"), D("66.0435"), D("9.8417")]
    assert [h.total_mentah for h in hasil] == [D("87.5"), D("62.5"), D("12.5")]
    assert [peringkat.empat(h.elemen_mentah["E1"]) for h in hasil] == [
        D("87.5000"),
        D("62.5000"),
        D("12.5000"),
    ]
    assert [h.predikat for h in hasil] == ["Sangat Baik", "Kurang", "Kurang"]
    assert [h.peringkat[100][1] for h in hasil] == [1, 2, 3]


def test_an_evaluator_without_spread_keeps_its_raw_scores():
    masukan = _masukan_normalisasi()
    masukan.nilai = [(p, 1, 1, 2) for p in (10, 11, 12)] + [(10, 2, 1, 4), (11, 2, 1, 2), (12, 2, 1, 0)]

    hasil = peringkat.hitung(masukan)

    # P gave 50 to all: kept. All six scores: mean 50, population sd 28.8675. Q (100, 50, 0): z 1.2247,
    # 0, −1.2247 → 85.3553, 50, 14.6447. Agencies: (50 + 85.3553) / 2 = 67.6777, 50, 32.3223.
    assert [peringkat.empat(h.total) for h in hasil] == [D("67.6777"), D("50.0000"), D("32.3223")]


def _acak_masukan(seed):
    acak = random.Random(seed)  # noqa: S311
    elemen = [Elemen("E1", D(60)), Elemen("E2", D(40))]
    indikator = [Indikator(n, f"I{n}", "E1" if n < 3 else "E2", D(50), 4) for n in range(1, 5)]
    peserta = [Peserta(100 + n, acak.choice(["Kab", "Kota"])) for n in range(acak.randint(3, 12))]
    nilai = [
        (p.id, penilai, i.id, acak.randint(0, 4))
        for p in peserta
        for penilai in acak.sample([1, 2, 3, 4], 2)
        for i in indikator
    ]
    moderasi = {(p.id, 1): acak.randint(0, 4) for p in peserta if acak.random() < 0.3}
    return Masukan(
        metode=acak.choice(peringkat.METODE),
        normalisasi=acak.random() < 0.5,
        elemen=elemen,
        indikator=indikator,
        peserta=peserta,
        kategori=[Kategori(1, "utama", None), Kategori(2, "elemen", "E1"), Kategori(3, "elemen", "E2")],
        nilai=nilai,
        moderasi=moderasi,
        predikat=[(D(0), "Kurang"), (D(50), "Baik")],
    )


def _ringkas(hasil):
    return {h.peserta: (h.total, h.elemen, h.predikat, h.peringkat) for h in hasil}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6), acak=st.randoms(use_true_random=False))
def test_ranks_do_not_depend_on_the_order_of_the_rows(seed, acak):
    masukan = _acak_masukan(seed)
    teracak = _acak_masukan(seed)
    acak.shuffle(teracak.nilai)
    acak.shuffle(teracak.peserta)
    teracak.moderasi = dict(reversed(list(teracak.moderasi.items())))

    assert _ringkas(peringkat.hitung(teracak)) == _ringkas(peringkat.hitung(masukan))
    assert teracak.digest() == masukan.digest()


@pytest.mark.django_db
def test_the_snapshot_stores_what_was_computed(contoh, admin_bkn):
    from laporan.models import RunPeringkat
    from laporan.services import jalankan_run

    periode, peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)

    jalankan_run(run_id=run.pk)

    c = HasilPeserta.objects.get(peserta=peserta["C"])
    assert (c.total, c.skor_elemen, c.jumlah_lembar, c.jumlah_moderasi, c.predikat) == (
        D("50.0000"),
        {"E1": "37.5000", "E2": "62.5000"},
        2,
        1,
        "Kurang",
    )
    baris = tabel_peringkat(c.snapshot, KategoriModel.objects.get(periode=periode, kode="KE-2"))
    assert [(b.hasil.peserta.instansi.nama, b.peringkat, b.seri) for b in baris] == [
        ("Pemerintah Kabupaten C", 1, False),
        ("Pemerintah Kabupaten A", 2, True),
        ("Pemerintah Kabupaten B", 2, True),
    ]
