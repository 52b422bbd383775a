"""Exact arithmetic: scores are rationals, rounded half up once to 4 decimals (docs/peringkat.md, 1 and 2).

The expected values here are computed in the tests themselves, from the raw
levels, with ``fractions.Fraction`` or ``decimal`` at 100 digits; nothing in
``laporan.peringkat`` is used to compute what it is checked against.
"""

import itertools
import math
import random
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from laporan import peringkat
from laporan.models import PREDIKAT_BAWAAN, HasilPeserta, RunPeringkat, Snapshot
from laporan.peringkat import Elemen, Indikator, Kategori, Masukan, Peserta
from laporan.services import jalankan_run
from penilaian import instrumen
from penilaian.instrumen import Bukti, ElemenData, IndikatorData, Instrumen, KategoriData, Level
from penilaian.models import LembarPenilaian, Moderasi, NilaiPenilai, StatusLembar, Tahap

from ..factories import InstansiFactory, PenggunaFactory, PeriodeFactory

D = Decimal
F = Fraction
JUMLAH_PENILAI = 5


def setengah_atas(q):
    """A score (≥ 0) at 4 decimals, half up, as text: the rule written out, on the exact value."""
    n = math.floor(F(q) * 10000 + F(1, 2))
    return f"{n // 10000}.{n % 10000:04d}"


# Building a period in the database, as tests/contoh.py does.


def _instrumen(elemen):
    """elemen: [(weight in hundredths, [(weight in hundredths, top level)])] → E1…, I1…, one category each."""
    nomor = itertools.count(1)
    data = [
        ElemenData(
            f"E{e}",
            f"Elemen {e}",
            D(bobot).scaleb(-2),
            [
                IndikatorData(
                    f"I{next(nomor)}",
                    "Pertanyaan?",
                    "",
                    D(bobot_i).scaleb(-2),
                    [Level(n, f"Level {n}") for n in range(maks + 1)],
                    [Bukti("Dokumen")],
                )
                for bobot_i, maks in indikator
            ],
        )
        for e, (bobot, indikator) in enumerate(elemen, start=1)
    ]
    return Instrumen(
        kategori=[
            KategoriData("UTAMA", "utama", "Implementasi Manajemen ASN Terbaik"),
            *(KategoriData(f"KE-{e.kode}", "elemen", e.nama, e.kode) for e in data),
        ],
        elemen=data,
    )


def _periode(admin, elemen, *, tahun, metode="rerata", normalisasi=False):
    periode = PeriodeFactory(
        tahun=tahun,
        dibuat_oleh=admin,
        tahap=Tahap.MODERASI,
        metode_agregasi=metode,
        normalisasi=normalisasi,
    )
    instrumen.simpan(_instrumen(elemen), periode)
    return periode


def _isi(periode, admin, ketua, lembar, moderasi):
    """lembar: [(peserta, penilai, status, {kode indikator: level})]; moderasi: {(peserta, kode): level}."""
    indikator = {i.kode: i for i in periode.indikator.all()}
    baru = LembarPenilaian.objects.bulk_create(
        LembarPenilaian(
            periode=periode, peserta=p, penilai=u, cara="manual", ditugaskan_oleh=admin, status=status
        )
        for p, u, status, _levels in lembar
    )
    NilaiPenilai.objects.bulk_create(
        NilaiPenilai(lembar=lb, indikator=indikator[kode], level=level, versi=1)
        for lb, (_p, _u, _s, levels) in zip(baru, lembar, strict=True)
        for kode, level in levels.items()
    )
    Moderasi.objects.bulk_create(
        Moderasi(peserta=p, indikator=indikator[kode], level=level, alasan="Uji", oleh=ketua)
        for (p, kode), level in moderasi.items()
    )


def _jalankan(periode, admin):
    """Run the ranking as the worker does; the stored rows by participant, and the main category's id."""
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    snapshot = Snapshot.objects.get(pk=jalankan_run(run_id=run.pk))
    utama = periode.kategori.get(jenis="utama").pk
    return {h.peserta_id: h for h in HasilPeserta.objects.filter(snapshot=snapshot)}, str(utama)


@pytest.fixture
def penilai_eksak(db):
    return [PenggunaFactory(username=f"penilai.eksak{n}", nama=f"Penilai {n}") for n in range(JUMLAH_PENILAI)]


# a. Three sheets and a total that is exactly halfway at the 5th decimal.

# E1 12.5 (I1 12.5, I2 87.5), E2 87.5 (I3 100), every rubric 0–4. X's three sheets give
# I1 10/12 → 83.3333…, I2 100, I3 7/12 → 58.3333…; E1 1175/12 = 97.91666…, E2 175/3 = 58.333…,
# total (12.5 × 1175/12 + 87.5 × 175/3) / 100 = 2025/32 = 63.28125 exactly: stored 63.2813.
# Y (two sheets: I1 25, I2 75, I3 62.5) and Z (four: I1 25, I2 25, I3 68.75) reach the same
# 63.28125 without any third, with E1 68.75 and 25.
INSTRUMEN_SETENGAH = [(1250, [(1250, 4), (8750, 4)]), (8750, [(10000, 4)])]
LEVEL_SETENGAH = {
    "X": {"I1": (4, 3, 3), "I2": (4, 4, 4), "I3": (3, 2, 2)},
    "Y": {"I1": (1, 1), "I2": (3, 3), "I3": (3, 2)},
    "Z": {"I1": (1, 1, 1, 1), "I2": (1, 1, 1, 1), "I3": (3, 3, 3, 2)},
}
# (total, E1, E2 as stored; main rank, shared, decided by a tie-break)
HARAPAN_SETENGAH = {
    "X": ("63.2813", "97.9167", "58.3333", 1, False, True),
    "Y": ("63.2813", "68.7500", "62.5000", 2, False, True),
    "Z": ("63.2813", "25.0000", "68.7500", 3, False, True),
}


def test_the_halfway_total_is_exact_before_it_is_rounded():
    """The exact sums, written out: X's total is 63.28125 exactly, and so are Y's and Z's."""
    x = (F(1250, 100) * F(1175, 12) + F(8750, 100) * F(175, 3)) / 100
    y = (F(1250, 100) * F(6875, 100) + F(8750, 100) * F(125, 2)) / 100
    z = (F(1250, 100) * 25 + F(8750, 100) * F(6875, 100)) / 100
    assert x == y == z == F("63.28125")
    assert setengah_atas(x) == "63.2813"


def test_empat_rounds_the_exact_value_half_up():
    assert peringkat.empat(F(2025, 32)) == D("63.2813")
    assert str(peringkat.empat(F(2025, 32))) == "63.2813"
    # Just below the half, beyond any 50-digit context: down.
    assert peringkat.empat(F(2025, 32) - F(1, 10**60)) == D("63.2812")
    assert peringkat.empat(D("63.28125")) == D("63.2813")
    assert str(peringkat.empat(100)) == "100.0000"
    assert str(peringkat.empat(F(0))) == "0.0000"
    assert peringkat.empat(F(-1, 20000)) == D("-0.0001")  # away from zero, as Decimal's ROUND_HALF_UP


def _masukan_setengah():
    nomor = {"X": 10, "Y": 11, "Z": 12}
    return Masukan(
        metode="rerata",
        normalisasi=False,
        elemen=[Elemen("E1", D("12.5")), Elemen("E2", D("87.5"))],
        indikator=[
            Indikator(1, "I1", "E1", D("12.5"), 4),
            Indikator(2, "I2", "E1", D("87.5"), 4),
            Indikator(3, "I3", "E2", D(100), 4),
        ],
        peserta=[Peserta(nomor[n], "kabupaten") for n in LEVEL_SETENGAH],
        kategori=[Kategori(100, "utama", None)],
        nilai=[
            (nomor[n], penilai, int(kode[1:]), level)
            for n, per_indikator in LEVEL_SETENGAH.items()
            for kode, levels in per_indikator.items()
            for penilai, level in enumerate(levels, start=1)
        ],
        moderasi={},
        predikat=[(D(b), nama) for nama, b in PREDIKAT_BAWAAN],
    )


def test_three_sheets_halfway_total_is_stored_half_up_and_ties():
    hasil = dict(zip(LEVEL_SETENGAH, peringkat.hitung(_masukan_setengah()), strict=True))

    assert hasil["X"].total == F(2025, 32)  # exact, not 63.28124999…
    assert hasil["X"].elemen["E1"] == F(1175, 12)
    assert {
        n: (
            str(peringkat.empat(h.total)),
            str(peringkat.empat(h.elemen["E1"])),
            str(peringkat.empat(h.elemen["E2"])),
            *h.peringkat[100][1:],
        )
        for n, h in hasil.items()
    } == HARAPAN_SETENGAH
    # The three share 63.2813; the first element decides: X (97.9167), Y (68.75), Z (25).
    assert {h.peringkat[100][0] for h in hasil.values()} == {D("63.2813")}


@pytest.mark.django_db
def test_three_sheets_halfway_total_through_the_database(admin_bkn, ketua, penilai_eksak):
    periode = _periode(admin_bkn, INSTRUMEN_SETENGAH, tahun=2090)
    peserta = {n: periode.peserta.create(instansi=InstansiFactory()) for n in LEVEL_SETENGAH}
    lembar = [
        (
            peserta[n],
            penilai_eksak[k],
            StatusLembar.DIKIRIM,
            {kode: levels[k] for kode, levels in per.items()},
        )
        for n, per in LEVEL_SETENGAH.items()
        for k in range(len(per["I1"]))
    ]
    _isi(periode, admin_bkn, ketua, lembar, {})

    hasil, utama = _jalankan(periode, admin_bkn)

    tersimpan = {}
    for n, p in peserta.items():
        h = hasil[p.pk]
        assert h.total == h.total_mentah
        assert h.predikat == "Cukup"
        r = h.peringkat[utama]
        assert r["skor"] == str(h.total)
        tersimpan[n] = (
            str(h.total),
            h.skor_elemen["E1"],
            h.skor_elemen["E2"],
            r["peringkat"],
            r["seri"],
            r["pemecah_seri"],
        )
    assert tersimpan == HARAPAN_SETENGAH
    assert hasil[peserta["X"].pk].jumlah_lembar == 3


# b. Random small periods in the database against an independent exact computation.


def _bobot_seratus(n):
    """n weights in hundredths, each at least 0.01, summing to exactly 100."""
    return st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True).map(
        lambda potong: [b - a for a, b in itertools.pairwise([0, *sorted(potong), 10000])]
    )


@st.composite
def periode_acak(draw):
    """An instrument, sheets (submitted, and now and then one that is not) and the chair's settled levels."""
    elemen = []
    for bobot in draw(_bobot_seratus(draw(st.integers(1, 3)))):
        n = draw(st.integers(1, 3))
        bobot_i = draw(_bobot_seratus(n))
        maks = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
        elemen.append((bobot, list(zip(bobot_i, maks, strict=True))))
    indikator = [(f"I{n}", maks) for n, (_b, maks) in enumerate((i for _e, d in elemen for i in d), 1)]

    peserta = []
    for _ in range(draw(st.integers(2, 8))):
        urutan = draw(st.permutations(range(JUMLAH_PENILAI)))
        jumlah = draw(st.integers(1, 4))
        status = [StatusLembar.DIKIRIM] * jumlah
        if draw(st.integers(0, 3)) == 0:  # a sheet that does not count, from yet another evaluator
            status.append(
                draw(st.sampled_from([StatusLembar.DRAF, StatusLembar.DIKEMBALIKAN, StatusLembar.DIBATALKAN]))
            )
        lembar = [
            (urutan[k], s, {kode: draw(st.integers(0, maks)) for kode, maks in indikator})
            for k, s in enumerate(status)
        ]
        moderasi = {
            kode: draw(st.integers(0, maks)) for kode, maks in indikator if draw(st.integers(0, 4)) == 0
        }
        peserta.append((lembar, moderasi))
    return {
        "elemen": elemen,
        "metode": draw(st.sampled_from(["rerata", "median", "terpangkas"])),
        "peserta": peserta,
    }


def _harapan(spec):
    """Per participant (in order): total, element scores and predikat as stored, and the exact main key.

    From the raw levels with Fraction alone, as docs/peringkat.md section 1 says.
    """
    hasil = []
    for lembar, moderasi in spec["peserta"]:
        dikirim = [levels for _u, status, levels in lembar if status == StatusLembar.DIKIRIM]
        nomor = itertools.count(1)
        skor_elemen = []
        for _bobot, indikator in spec["elemen"]:
            jumlah = F(0)
            for bobot_i, maks in indikator:
                kode = f"I{next(nomor)}"
                if kode in moderasi:
                    skor = F(moderasi[kode] * 100, maks)
                else:
                    skor = _gabung([F(levels[kode] * 100, maks) for levels in dikirim], spec["metode"])
                jumlah += skor * F(bobot_i, 100)
            skor_elemen.append(jumlah / 100)
        total = (
            sum((s * F(b, 100) for s, (b, _i) in zip(skor_elemen, spec["elemen"], strict=True)), F(0)) / 100
        )
        total4 = setengah_atas(total)
        predikat = next(
            nama for nama, batas in sorted(PREDIKAT_BAWAAN, key=lambda p: -p[1]) if F(total4) >= batas
        )
        elemen4 = {f"E{n}": setengah_atas(s) for n, s in enumerate(skor_elemen, start=1)}
        kunci = (F(total4), *(F(elemen4[f"E{n}"]) for n in range(1, len(skor_elemen) + 1)))
        hasil.append((total4, elemen4, predikat, kunci, len(dikirim), len(moderasi)))
    return hasil


def _gabung(skor, metode):
    skor = sorted(skor)
    n = len(skor)
    if metode == "median":
        return skor[n // 2] if n % 2 else (skor[n // 2 - 1] + skor[n // 2]) / 2
    if metode == "terpangkas" and n >= 4:
        skor = skor[1:-1]
    return sum(skor, F(0)) / len(skor)


@pytest.fixture
def instansi_eksak(db):
    return [InstansiFactory() for _ in range(8)]


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=periode_acak())
@example(  # the halfway case of (a), so that every run meets one
    spec={
        "elemen": INSTRUMEN_SETENGAH,
        "metode": "rerata",
        "peserta": [
            (
                [
                    (k, StatusLembar.DIKIRIM, {kode: levels[k] for kode, levels in per.items()})
                    for k in range(len(per["I1"]))
                ],
                {},
            )
            for per in LEVEL_SETENGAH.values()
        ],
    }
)
def test_stored_results_equal_an_independent_exact_computation(
    spec, admin_bkn, ketua, penilai_eksak, instansi_eksak
):
    with transaction.atomic():
        periode = _periode(admin_bkn, spec["elemen"], tahun=2091, metode=spec["metode"])
        peserta = [periode.peserta.create(instansi=i) for i in instansi_eksak[: len(spec["peserta"])]]
        _isi(
            periode,
            admin_bkn,
            ketua,
            [
                (p, penilai_eksak[u], status, levels)
                for p, (lembar, _m) in zip(peserta, spec["peserta"], strict=True)
                for u, status, levels in lembar
            ],
            {
                (p, kode): level
                for p, (_l, moderasi) in zip(peserta, spec["peserta"], strict=True)
                for kode, level in moderasi.items()
            },
        )

        hasil, utama = _jalankan(periode, admin_bkn)

        harapan = _harapan(spec)
        for p, (total4, elemen4, predikat, kunci, lembar, dimoderasi) in zip(peserta, harapan, strict=True):
            h = hasil[p.pk]
            # Standard competition ranking in the agency's peer group, on the 4-decimal key.
            rank = 1 + sum(
                1
                for q, lain in zip(peserta, harapan, strict=True)
                if hasil[q.pk].kode_kelompok == h.kode_kelompok and lain[3] > kunci
            )
            assert (str(h.total), str(h.total_mentah), h.skor_elemen, h.skor_elemen_mentah) == (
                total4,
                total4,
                elemen4,
                elemen4,
            )
            assert (h.predikat, h.peringkat[utama]["peringkat"], h.peringkat[utama]["skor"]) == (
                predikat,
                rank,
                total4,
            )
            assert (h.jumlah_lembar, h.jumlah_moderasi) == (lembar, dimoderasi)
        transaction.set_rollback(True)


# c. Normalisation: exact where the square root is rational, deterministic where it is not.


def _masukan_normalisasi(levels_p, levels_q, metode="rerata"):
    """One element, one 0–4 indicator, agencies 10, 11, 12 scored by evaluators 1 (P) and 2 (Q)."""
    return Masukan(
        metode=metode,
        normalisasi=True,
        elemen=[Elemen("E1", D(100))],
        indikator=[Indikator(1, "I1", "E1", D(100), 4)],
        peserta=[Peserta(10, "kabupaten"), Peserta(11, "kabupaten"), Peserta(12, "kabupaten")],
        kategori=[Kategori(100, "utama", None), Kategori(101, "elemen", "E1")],
        nilai=[(10 + n, 1, 1, level) for n, level in enumerate(levels_p)]
        + [(10 + n, 2, 1, level) for n, level in enumerate(levels_q)],
        moderasi={},
        predikat=[(D(0), "Kurang"), (D(85), "Sangat Baik")],
    )


def test_normalisation_with_rational_square_roots_is_exact():
    """P scores 0, 0, 100 and Q 25, 25, 0 (levels 0, 0, 4 and 1, 1, 0).

    All six: mean 25, variance 7500/6 = 1250. P: mean 100/3, variance 20000/9, factor √(9/16) = 3/4
    → 0, 0, 75. Q: mean 50/3, variance 1250/9, factor √9 = 3 → 50, 50, −25, kept at 0.
    Agencies (mean): 25, 25, 37.5, exactly; raw 12.5, 12.5, 50.
    """
    hasil = peringkat.hitung(_masukan_normalisasi((0, 0, 4), (1, 1, 0)))

    assert [h.total for h in hasil] == [F(25), F(25), F(75, 2)]
    assert all(type(h.total) is F for h in hasil)
    assert [h.total_mentah for h in hasil] == [F(25, 2), F(25, 2), F(50)]
    assert [h.peringkat[100][1:3] for h in hasil] == [(2, True), (2, True), (1, False)]


def _rujukan_100_digit(levels_p, levels_q):
    """The agencies' normalised scores, at 100 significant digits, from the formula of docs/peringkat.md 2."""
    with localcontext(Context(prec=100)):
        p = [D(level * 25) for level in levels_p]
        q = [D(level * 25) for level in levels_q]

        def rata_sd(x):
            rata = sum(x) / len(x)
            return rata, (sum((v - rata) ** 2 for v in x) / len(x)).sqrt()

        rata_e, sd_e = rata_sd(p + q)
        baru = []
        for x in (p, q):
            rata, sd = rata_sd(x)
            baru.append([min(max((v - rata) / sd * sd_e + rata_e, D(0)), D(100)) for v in x])
        return [(a + b) / 2 for a, b in zip(*baru, strict=True)]


def test_normalisation_with_an_irrational_square_root_matches_100_digits():
    """The hand-computed example of test_peringkat (P 100, 50, 0; Q 75, 75, 25): √ is irrational here."""
    rujukan = _rujukan_100_digit((4, 2, 0), (3, 3, 1))
    hasil = peringkat.hitung(_masukan_normalisasi((4, 2, 0), (3, 3, 1)))

    for h, r in zip(hasil, rujukan, strict=True):
        # 60 correctly rounded digits of the root leave the score within far less than 10⁻⁵⁰.
        assert abs(h.total - F(r)) < F(1, 10**50)
        assert peringkat.empat(h.total) == r.quantize(D("0.0001"), rounding=ROUND_HALF_UP)
    assert [str(peringkat.empat(h.total)) for h in hasil] == ["86.6148", "66.0435", "9.8417"]


def test_the_square_root_is_correctly_rounded_to_60_digits():
    assert peringkat._akar(F(9, 16)) == F(3, 4)
    assert peringkat._akar(F(0)) == 0
    with localcontext(Context(prec=100)):
        rujukan = D(2).sqrt() / 2
    akar = peringkat._akar(F(1, 2))
    assert akar == F(D(2).sqrt(Context(prec=60))) / 2
    assert abs(akar - F(rujukan)) < F(1, 10**59)


def test_normalised_scores_do_not_depend_on_the_order_of_the_rows():
    acak = random.Random(2040)  # noqa: S311
    for _ in range(20):
        levels = [tuple(acak.randint(0, 4) for _ in range(3)) for _ in range(2)]
        metode = acak.choice(peringkat.METODE)
        masukan = _masukan_normalisasi(*levels, metode=metode)
        teracak = _masukan_normalisasi(*levels, metode=metode)
        acak.shuffle(teracak.nilai)
        acak.shuffle(teracak.peserta)

        urut = {h.peserta: (h.total, h.elemen, h.peringkat) for h in peringkat.hitung(masukan)}
        # Exact values: equal to the last digit, not only at 4 decimals.
        assert {h.peserta: (h.total, h.elemen, h.peringkat) for h in peringkat.hitung(teracak)} == urut


@pytest.mark.django_db
def test_a_normalised_snapshot_stores_the_same_digits_every_time(admin_bkn, ketua, penilai_eksak):
    """The irrational example again, through the database, run twice."""
    periode = _periode(admin_bkn, [(10000, [(10000, 4)])], tahun=2092, normalisasi=True)
    peserta = [periode.peserta.create(instansi=InstansiFactory()) for _ in range(3)]
    _isi(
        periode,
        admin_bkn,
        ketua,
        [
            (p, penilai_eksak[k], StatusLembar.DIKIRIM, {"I1": levels[n]})
            for k, levels in enumerate([(4, 2, 0), (3, 3, 1)])
            for n, p in enumerate(peserta)
        ],
        {},
    )

    def isi():
        hasil, _utama = _jalankan(periode, admin_bkn)
        return [
            (str(h.total), str(h.total_mentah), h.skor_elemen, h.skor_elemen_mentah, h.predikat, h.peringkat)
            for h in (hasil[p.pk] for p in peserta)
        ]

    pertama = isi()
    assert isi() == pertama
    assert [(total, mentah) for total, mentah, *_ in pertama] == [
        ("86.6148", "87.5000"),
        ("66.0435", "62.5000"),
        ("9.8417", "12.5000"),
    ]
