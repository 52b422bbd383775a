"""The ranking arithmetic, exactly as documented in docs/peringkat.md. Pure: data in, results out.

Every score is an exact rational (``fractions.Fraction``): levels are integers
and weights have two decimals, so indicator scores, aggregates, element scores
and totals carry no rounding error at all, and do not depend on the order rows
came from the database. A score is rounded once, half up to 4 decimals
(``empat``), where it is stored or compared; never in between.

Normalisation has one step that is not rational, a square root: it is exact
when the root is rational, and otherwise correctly rounded to 60 significant
digits by the decimal module, which gives the same digits on every machine.
"""

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

NOL = Fraction(0)
SERATUS = Fraction(100)
# √ in normalisation: a fixed context, so that the digits do not depend on the caller's.
KONTEKS_AKAR = Context(prec=60, rounding=ROUND_HALF_EVEN)

METODE = ("rerata", "median", "terpangkas")


@dataclass(frozen=True)
class Elemen:
    kode: str
    bobot: Decimal


@dataclass(frozen=True)
class Indikator:
    id: int
    kode: str
    elemen: str  # kode of its element
    bobot: Decimal
    level_maks: int


@dataclass(frozen=True)
class Peserta:
    id: int
    kelompok: str  # the peer group, an opaque key: agencies are ranked against their group only


@dataclass(frozen=True)
class Kategori:
    id: int
    jenis: str  # "utama" ranks the total, "elemen" ranks one element
    elemen: str | None


@dataclass
class Masukan:
    """Everything a ranking depends on; its digest identifies the inputs of a snapshot."""

    metode: str
    normalisasi: bool
    elemen: list  # [Elemen], in the instrument's order
    indikator: list  # [Indikator], in the instrument's order
    peserta: list  # [Peserta]
    kategori: list  # [Kategori] that are ranked
    nilai: list  # [(peserta id, penilai id, indikator id, level)] of submitted sheets
    moderasi: dict  # {(peserta id, indikator id): level}
    predikat: list  # [(lower bound, name)]

    def digest(self):
        data = {
            "metode": self.metode,
            "normalisasi": self.normalisasi,
            "elemen": [[e.kode, str(e.bobot)] for e in self.elemen],
            "indikator": [[i.id, i.kode, i.elemen, str(i.bobot), i.level_maks] for i in self.indikator],
            "peserta": sorted([p.id, p.kelompok] for p in self.peserta),
            "kategori": sorted([k.id, k.jenis, k.elemen or ""] for k in self.kategori),
            "nilai": sorted(self.nilai),
            "moderasi": sorted([p, i, level] for (p, i), level in self.moderasi.items()),
            "predikat": sorted([str(b), n] for b, n in self.predikat),
        }
        return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


@dataclass
class Hasil:
    """One agency's result: scores (after normalisation when it is on), raw scores, ranks.

    Scores are exact (``Fraction``); ``empat`` gives them as stored. The scores in
    ``peringkat`` are the 4-decimal ``Decimal`` values the ranks compared.
    """

    peserta: int
    kelompok: str
    total: Fraction | None
    total_mentah: Fraction | None
    elemen: dict  # {kode: Fraction}
    elemen_mentah: dict
    indikator_puncak: dict  # {kode elemen: indicators scored at the top level}
    jumlah_lembar: int
    jumlah_moderasi: int
    predikat: str = ""
    level_indikator: dict = field(default_factory=dict)  # {kode indikator: Fraction}, moderated level wins
    peringkat: dict = field(default_factory=dict)  # {kategori id: (skor, rank, seri, pemecah_seri)}


def empat(x):
    """A score as it is stored and compared: 4 decimals, rounded half up (away from zero).

    ``x`` may be a Fraction, Decimal or int; the rounding is done on its exact
    value, so 53.28125 is 53.2813 however it was reached.
    """
    q = Fraction(x) * 10000
    # ⌊|q| + ½⌋ in integers: the half goes up, and nothing is rounded before it.
    n = (2 * abs(q.numerator) + q.denominator) // (2 * q.denominator)
    return Decimal(f"{-n if q < 0 else n}E-4")


def skor_level(level, level_maks):
    """A chosen level as a score out of 100, exactly."""
    return Fraction(level * 100, level_maks)


def agregat(nilai, metode):
    """Mean, median, or trimmed mean (without the highest and lowest when there are at least 4) of scores.

    Exact: the scores are taken as rationals and so is the result.
    """
    nilai = sorted(Fraction(v) for v in nilai)
    if not nilai:
        raise ValueError("tanpa nilai")
    if metode == "median":
        tengah = len(nilai) // 2
        return nilai[tengah] if len(nilai) % 2 else (nilai[tengah - 1] + nilai[tengah]) / 2
    if metode == "terpangkas" and len(nilai) >= 4:
        nilai = nilai[1:-1]
    return sum(nilai, NOL) / len(nilai)


def _jumlah_berbobot(skor_bobot):
    """Σ(score × weight) ÷ 100, exactly (the weights are Fractions of the two-decimal weights)."""
    return sum((s * b for s, b in skor_bobot), NOL) / SERATUS


def _skor_agregat(levels, level_maks, metode):
    """The agency's indicator score from its sheets' levels, as one exact quotient.

    A level's score is level × 100 ÷ maks, a positive scaling: the mean, median or
    trimmed mean of the scores is that of the levels, scaled once.
    """
    levels = sorted(levels)
    n = len(levels)
    if metode == "median" and n > 2:
        tengah = n // 2
        pembilang, penyebut = (levels[tengah], 1) if n % 2 else (levels[tengah - 1] + levels[tengah], 2)
    elif metode == "terpangkas" and n >= 4:
        pembilang, penyebut = sum(levels) - levels[0] - levels[-1], n - 2
    else:  # the mean; the median of one or two sheets is their mean too
        pembilang, penyebut = sum(levels), n
    return Fraction(pembilang * 100, penyebut * level_maks)


def hitung(m, laporkan=lambda persen, tahap: None):
    """Scores, predikat and ranks of every participant. ``laporkan(percent, stage)`` reports progress."""
    if m.metode not in METODE:
        raise ValueError(f"metode agregasi tidak dikenal: {m.metode}")
    indikator = {i.id: i for i in m.indikator}
    bobot_indikator = {i.id: Fraction(i.bobot) for i in m.indikator}
    bobot_elemen = {e.kode: Fraction(e.bobot) for e in m.elemen}
    per_elemen = defaultdict(list)
    for i in m.indikator:
        per_elemen[i.elemen].append(i)

    laporkan(20, _("Menghitung nilai indikator"))
    levels = defaultdict(list)  # {(peserta, indikator): [levels]}, from the one query's rows
    penilai_peserta = defaultdict(set)
    for peserta_id, penilai_id, indikator_id, level in m.nilai:
        if indikator_id in indikator:
            levels[(peserta_id, indikator_id)].append(level)
            penilai_peserta[peserta_id].add(penilai_id)

    hasil = {}
    moderasi = {
        kunci: skor_level(level, indikator[kunci[1]].level_maks)
        for kunci, level in m.moderasi.items()
        if kunci[1] in indikator
    }
    for p in m.peserta:
        if not penilai_peserta.get(p.id):
            hasil[p.id] = Hasil(p.id, p.kelompok, None, None, {}, {}, {}, 0, 0)
            continue
        skor = {}
        for i in m.indikator:
            kunci = (p.id, i.id)
            if kunci in moderasi:
                skor[i.id] = moderasi[kunci]
            elif kunci in levels:
                skor[i.id] = _skor_agregat(levels[kunci], i.level_maks, m.metode)
            else:
                skor[i.id] = NOL  # a sheet is submitted complete; kept total for safety
        elemen = {
            e.kode: _jumlah_berbobot((skor[i.id], bobot_indikator[i.id]) for i in per_elemen[e.kode])
            for e in m.elemen
        }
        hasil[p.id] = Hasil(
            peserta=p.id,
            kelompok=p.kelompok,
            total=None,
            total_mentah=_jumlah_berbobot((elemen[e.kode], bobot_elemen[e.kode]) for e in m.elemen),
            elemen=dict(elemen),
            elemen_mentah=elemen,
            indikator_puncak={
                e.kode: sum(1 for i in per_elemen[e.kode] if skor[i.id] == SERATUS) for e in m.elemen
            },
            jumlah_lembar=len(penilai_peserta[p.id]),
            jumlah_moderasi=sum(1 for i in m.indikator if (p.id, i.id) in moderasi),
            # The raw score scaled back to the rubric: the level the ranking used (preliminary results show it).
            level_indikator={i.kode: skor[i.id] * i.level_maks / SERATUS for i in m.indikator},
        )

    if m.normalisasi:
        laporkan(45, _("Normalisasi per penilai"))
        _normalisasi(m, moderasi, per_elemen, bobot_indikator, hasil)
    for h in hasil.values():
        if h.total_mentah is not None:
            h.total = (
                _jumlah_berbobot((h.elemen[e.kode], bobot_elemen[e.kode]) for e in m.elemen)
                if m.normalisasi
                else h.total_mentah
            )
            h.predikat = _predikat(h.total, m.predikat)

    laporkan(65, _("Menyusun peringkat per kelompok"))
    for kategori in m.kategori:
        _beri_peringkat(kategori, [h for h in hasil.values() if h.total is not None], m)
    return [hasil[p.id] for p in m.peserta]


def _predikat(total, predikat):
    """The band of the total as stored (4 decimals): the one with the highest lower bound it reaches."""
    total = empat(total)
    for batas, nama in sorted(predikat, reverse=True):
        if total >= batas:
            return nama
    return ""


def _rerata_ragam(nilai):
    """Mean and population variance of scores, exactly."""
    rata = sum(nilai, NOL) / len(nilai)
    return rata, sum(((v - rata) ** 2 for v in nilai), NOL) / len(nilai)


def _akar(r):
    """√r of a rational r ≥ 0: exact when r is the square of a rational, else correctly rounded.

    With r = a/b in lowest terms, √r is rational only if a and b are both perfect
    squares. Otherwise √r = √(a·b) ÷ b: one square root of an integer, correctly
    rounded to 60 significant digits (General Decimal Arithmetic, so the same on
    every platform), then an exact division.
    """
    a, b = r.numerator, r.denominator
    akar_a, akar_b = math.isqrt(a), math.isqrt(b)
    if akar_a * akar_a == a and akar_b * akar_b == b:
        return Fraction(akar_a, akar_b)
    return Fraction(Decimal(a * b).sqrt(KONTEKS_AKAR)) / b


def _normalisasi(m, moderasi, per_elemen, bobot_indikator, hasil):
    """Per evaluator and element: z-scores over the agencies it scored, mapped back to the element's raw scale.

    An evaluator's element score uses the chair's settled value where there is
    one. The element's raw scale is the mean and (population) standard deviation
    of all evaluator-agency element scores. An evaluator with fewer than two
    agencies, or no spread, keeps its raw scores. Results are kept within 0–100.

    (x − μₚ) ÷ σₚ × σₑ + μₑ is computed as (x − μₚ) × √(σₑ² ÷ σₚ²) + μₑ: means,
    deviations and variances are exact, and the square root (``_akar``) is the one
    step that may not be.
    """
    indikator = {i.id: i for i in m.indikator}
    skor = defaultdict(dict)  # {(peserta, penilai): {indikator: score}}
    for peserta_id, penilai_id, indikator_id, level in m.nilai:
        i = indikator.get(indikator_id)
        if i is not None and peserta_id in hasil:
            skor[(peserta_id, penilai_id)][indikator_id] = skor_level(level, i.level_maks)
    for e in m.elemen:
        per_penilai = defaultdict(dict)  # {penilai: {peserta: element score}}
        for (peserta_id, penilai_id), nilai in skor.items():
            per_penilai[penilai_id][peserta_id] = _jumlah_berbobot(
                (moderasi.get((peserta_id, i.id), nilai.get(i.id, NOL)), bobot_indikator[i.id])
                for i in per_elemen[e.kode]
            )
        semua = [v for per in per_penilai.values() for v in per.values()]
        if not semua:
            continue
        rata_e, ragam_e = _rerata_ragam(semua)
        baru = defaultdict(list)  # {peserta: [normalised element scores]}
        for nilai in per_penilai.values():
            rata_p, ragam_p = _rerata_ragam(list(nilai.values()))
            if len(nilai) < 2 or ragam_p == 0:
                for peserta_id, v in nilai.items():
                    baru[peserta_id].append(v)
                continue
            faktor = _akar(ragam_e / ragam_p)
            for peserta_id, v in nilai.items():
                baru[peserta_id].append(min(max((v - rata_p) * faktor + rata_e, NOL), SERATUS))
        for peserta_id, daftar in baru.items():
            hasil[peserta_id].elemen[e.kode] = agregat(daftar, m.metode)


def _beri_peringkat(kategori, daftar, m):
    """Standard competition ranking (1, 2, 2, 4) per peer group, with the published tie-breaks.

    Scores are compared as stored, at 4 decimals: equal there means tied, and the
    tie-breaks decide.
    """
    urutan_elemen = [e.kode for e in m.elemen]

    def kunci(h):
        if kategori.jenis == "utama":
            return (empat(h.total), *(empat(h.elemen[k]) for k in urutan_elemen))
        return (empat(h.elemen[kategori.elemen]), h.indikator_puncak[kategori.elemen])

    per_kelompok = defaultdict(list)  # grouped by the opaque key; the groups never compare
    for h in daftar:
        per_kelompok[h.kelompok].append((kunci(h), h))
    for anggota in per_kelompok.values():
        anggota.sort(key=lambda item: item[0], reverse=True)
        jumlah_kunci = defaultdict(int)
        jumlah_skor = defaultdict(int)
        for k, _h in anggota:
            jumlah_kunci[k] += 1
            jumlah_skor[k[0]] += 1
        peringkat_kunci = {}
        for posisi, (k, _h) in enumerate(anggota, start=1):
            peringkat_kunci.setdefault(k, posisi)
        for k, h in anggota:
            h.peringkat[kategori.id] = (
                k[0],
                peringkat_kunci[k],
                jumlah_kunci[k] > 1,
                jumlah_skor[k[0]] > 1 and jumlah_kunci[k] < jumlah_skor[k[0]],
            )
