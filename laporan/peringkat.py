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
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

import numpy as np
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
    # [(peserta id, penilai id, indikator id, level)] of submitted sheets, or them as an n × 4 integer array
    nilai: list
    moderasi: dict  # {(peserta id, indikator id): level}
    predikat: list  # [(lower bound, name)]
    _larik: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _larik_dari: object = field(default=None, init=False, repr=False, compare=False)

    def larik_nilai(self):
        """``nilai`` as an n × 4 int64 array for the vectorised steps: made once (again if ``nilai`` changes)."""
        if self._larik is None or self._larik_dari is not self.nilai:
            if isinstance(self.nilai, np.ndarray):
                larik = self.nilai
            else:
                larik = np.array(self.nilai) if len(self.nilai) else np.zeros((0, 4), dtype=np.int64)
            if larik.dtype.kind not in "iu" or larik.ndim != 2 or larik.shape[1] != 4:
                raise TypeError("nilai: baris (peserta, penilai, indikator, level) berupa bilangan bulat")
            self._larik, self._larik_dari = larik.astype(np.int64, copy=False), self.nilai
        return self._larik

    def digest(self):
        """SHA-256 of the inputs as compact JSON, ``json.dumps(data, separators=(",", ":"))`` of the dict below.

        The rows, sorted, are by far its largest part: ``_json_baris`` writes their
        text, the very characters json.dumps would, from the array.
        """
        data = {
            "metode": self.metode,
            "normalisasi": self.normalisasi,
            "elemen": [[e.kode, str(e.bobot)] for e in self.elemen],
            "indikator": [[i.id, i.kode, i.elemen, str(i.bobot), i.level_maks] for i in self.indikator],
            "peserta": sorted([p.id, p.kelompok] for p in self.peserta),
            "kategori": sorted([k.id, k.jenis, k.elemen or ""] for k in self.kategori),
            "nilai": None,  # sorted(self.nilai), written by _json_baris
            "moderasi": sorted([p, i, level] for (p, i), level in self.moderasi.items()),
            "predikat": sorted([str(b), n] for b, n in self.predikat),
        }
        # A dict is written {"key":value,...}: each key as json.dumps writes a string.
        teks = ",".join(
            json.dumps(kunci)
            + ":"
            + (
                _json_baris(self.larik_nilai())
                if kunci == "nilai"
                else json.dumps(isi, separators=(",", ":"))
            )
            for kunci, isi in data.items()
        )
        return hashlib.sha256(f"{{{teks}}}".encode()).hexdigest()


def _json_baris(larik):
    """``json.dumps(sorted(rows), separators=(",", ":"))`` of integer rows (an n × 4 array): the same text.

    Sorted, the rows come in runs sharing their first two numbers (a sheet), and
    few pairs of last two numbers (indicator, level) occur at all: each row is
    two pieces of text, each piece written once.
    """
    if not len(larik):
        return "[]"
    larik = _urut_baris(larik)
    awal = np.ones(len(larik), dtype=bool)
    awal[1:] = (larik[1:, 0] != larik[:-1, 0]) | (larik[1:, 1] != larik[:-1, 1])
    kepala = np.array([f"[{a},{b}," for a, b in larik[awal, :2].tolist()], dtype=object)
    indikator, level, kode = unik_pasangan(larik[:, 2], larik[:, 3])
    ekor = np.array(
        [f"{c},{d}]" for c, d in zip(indikator.tolist(), level.tolist(), strict=True)], dtype=object
    )
    return "[" + ",".join((kepala[np.cumsum(awal) - 1] + ekor[kode]).tolist()) + "]"


def _urut_baris(larik):
    """The rows of an integer array in ascending order, as ``sorted()`` orders tuples: column by column.

    Through one integer per row when the columns' ranges allow it: a plain sort, much faster than lexsort.
    """
    if not len(larik):
        return larik
    rendah = larik.min(axis=0).tolist()
    lebar = [tinggi - r + 1 for tinggi, r in zip(larik.max(axis=0).tolist(), rendah, strict=True)]
    if math.prod(lebar) >= 2**62:
        return larik[np.lexsort(larik.T[::-1])]
    kunci = np.zeros(len(larik), dtype=np.int64)
    for k, w in enumerate(lebar):
        kunci = kunci * w + (larik[:, k] - rendah[k])
    kunci.sort()
    hasil = np.empty_like(larik)
    for k in reversed(range(len(lebar))):
        kunci, hasil[:, k] = np.divmod(kunci, lebar[k])
    return hasil + np.array(rendah, dtype=larik.dtype)


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
    return _desimal(_empat_bulat(x))


def teks_empat(x):
    """``str(empat(x))`` without building a Decimal: how a score is written into a snapshot."""
    n = _empat_bulat(x)
    bulat, sisa = divmod(abs(n), 10000)
    return f"{'-' if n < 0 else ''}{bulat}.{sisa:04d}"


def _desimal(bulat):
    """The Decimal of a score rounded by ``_empat_bulat``: ``empat(x) == _desimal(_empat_bulat(x))``."""
    return Decimal(f"{bulat}E-4")


def _empat_bulat(x):
    """x × 10⁴ rounded half up (away from zero), as an integer."""
    if type(x) is not Fraction and not isinstance(x, int):
        x = Fraction(x)
    return _bulat(*x.as_integer_ratio())


def _bulat(a, b):
    """a/b × 10⁴ rounded half up (away from zero), as an integer; b > 0, a/b need not be in lowest terms."""
    # ⌊|a| × 10⁴ ÷ b + ½⌋ in integers: the half goes up, and nothing is rounded before it.
    n = (20000 * abs(a) + b) // (2 * b)
    return -n if a < 0 else n


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


def _jumlah_pecahan(pembilang, penyebut):
    """Σ pembilang[k] ÷ penyebut[k], exactly: integers over their least common denominator, one Fraction.

    The same value as adding Fractions one by one, without reducing after every term.
    """
    kpk = math.lcm(*penyebut)
    return Fraction(sum(a * (kpk // b) for a, b in zip(pembilang, penyebut, strict=True)), kpk)


def _total(elemen, bobot_elemen):
    """Σ(element score × element weight) ÷ 100, exactly; ``bobot_elemen`` is [(kode, weight as a Fraction)]."""
    pembilang, penyebut = [], []
    for kode, bobot in bobot_elemen:
        skor = elemen[kode]
        pembilang.append(skor.numerator * bobot.numerator)
        penyebut.append(skor.denominator * bobot.denominator * 100)
    return _jumlah_pecahan(pembilang, penyebut)


def hitung(m, laporkan=lambda persen, tahap: None):
    """Scores, predikat and ranks of every participant. ``laporkan(percent, stage)`` reports progress.

    Each agency's level on each indicator is an integer quotient (``_level_dipakai``),
    and each element score one exact sum over a common denominator (``_skor_elemen``):
    the same rationals as adding Fractions term by term, computed for all agencies
    at once over the rows.
    """
    if m.metode not in METODE:
        raise ValueError(f"metode agregasi tidak dikenal: {m.metode}")
    bobot_indikator = [Fraction(i.bobot) for i in m.indikator]
    bobot_elemen = [(e.kode, Fraction(e.bobot)) for e in m.elemen]
    per_elemen = defaultdict(list)  # {kode elemen: [position of its indicators in m.indikator]}
    for n, i in enumerate(m.indikator):
        per_elemen[i.elemen].append(n)
    # score × weight ÷ 100 of a level a/b is (a/b × 100 ÷ maks) × (bn/bd) ÷ 100 = a·bn ÷ (b·maks·bd).
    susunan = [
        (
            e.kode,
            [
                (
                    m.indikator[n].id,
                    m.indikator[n].level_maks,
                    bobot_indikator[n].numerator,
                    bobot_indikator[n].denominator,
                )
                for n in per_elemen[e.kode]
            ],
        )
        for e in m.elemen
    ]

    laporkan(20, _("Menghitung nilai indikator"))
    a, b, lembar, dimoderasi = _level_dipakai(m)
    # The raw score scaled back to the rubric: the level the ranking used (preliminary results show it).
    level_indikator = _pecahan_per_peserta(a, b)
    skor = [  # [(kode elemen, [numerator per agency], denominator, [top-level indicators per agency])]
        (
            e.kode,
            *_skor_elemen(
                a, b, [(n, m.indikator[n].level_maks, bobot_indikator[n]) for n in per_elemen[e.kode]]
            ),
        )
        for e in m.elemen
    ]
    total_pembilang, total_penyebut = _total_semua(skor, bobot_elemen, len(m.peserta))
    # Agencies share few distinct scores (76 per element, 139 totals on the national dataset): one object each.
    pecahan = [(kode, _pecahan_bersama(pembilang, penyebut)) for kode, pembilang, penyebut, _puncak in skor]
    pecahan_total = _pecahan_bersama(total_pembilang, total_penyebut)
    kode_indikator = [i.kode for i in m.indikator]
    hasil = {}
    posisi = {}  # {peserta: its position in m.peserta, in the arrays above}
    for n, p in enumerate(m.peserta):
        posisi[p.id] = n
        if not lembar[n]:
            hasil[p.id] = Hasil(p.id, p.kelompok, None, None, {}, {}, {}, 0, 0)
            continue
        elemen = {kode: daftar[n] for kode, daftar in pecahan}
        hasil[p.id] = Hasil(
            peserta=p.id,
            kelompok=p.kelompok,
            total=None,
            total_mentah=pecahan_total[n],
            elemen=dict(elemen),
            elemen_mentah=elemen,
            indikator_puncak={kode: puncak[n] for kode, _pembilang, _penyebut, puncak in skor},
            jumlah_lembar=lembar[n],
            jumlah_moderasi=dimoderasi[n],
            level_indikator=dict(zip(kode_indikator, level_indikator[n], strict=True)),
        )

    dinilai = [h for h in hasil.values() if h.total_mentah is not None]
    # Scores at 4 decimals as ranks compare them: × 10⁴ and rounded (``_empat_bulat``), integers.
    if m.normalisasi:
        laporkan(45, _("Normalisasi per penilai"))
        _normalisasi(m, susunan, hasil)
        for h in dinilai:
            h.total = _total(h.elemen, bobot_elemen)
        bulat_total = [_empat_bulat(h.total) for h in dinilai]
        bulat_elemen = {
            kode: [_empat_bulat(h.elemen[kode]) for h in dinilai] for kode, _bobot in bobot_elemen
        }
    else:
        urutan = [posisi[h.peserta] for h in dinilai]
        for h in dinilai:
            h.total = h.total_mentah
        bulat_total = _bulat_bersama(total_pembilang, total_penyebut, urutan)
        bulat_elemen = {
            kode: _bulat_bersama(pembilang, penyebut, urutan) for kode, pembilang, penyebut, _p in skor
        }
    predikat = sorted(m.predikat, reverse=True)
    desimal = _Desimal()
    total = [(n, desimal[n]) for n in bulat_total]
    for h, (_n, nilai) in zip(dinilai, total, strict=True):
        h.predikat = _predikat(nilai, predikat)

    laporkan(65, _("Menyusun peringkat per kelompok"))
    _beri_peringkat(m, dinilai, total, bulat_elemen, desimal)
    return [hasil[p.id] for p in m.peserta]


def _pecahan_bersama(pembilang, penyebut):
    """[Fraction(a, penyebut) for a in pembilang], each distinct value built once and shared."""
    unik = {a: Fraction(a, penyebut) for a in set(pembilang)}
    return list(map(unik.__getitem__, pembilang))


def _bulat_bersama(pembilang, penyebut, urutan):
    """[``_bulat(pembilang[n], penyebut)`` for n in urutan], each distinct numerator rounded once."""
    unik = {a: _bulat(a, penyebut) for a in set(pembilang)}
    return [unik[pembilang[n]] for n in urutan]


class _Desimal(dict):
    """{score × 10⁴: its Decimal (``_desimal``)}, each made once."""

    def __missing__(self, bulat):
        self[bulat] = hasil = _desimal(bulat)
        return hasil


def _total_semua(skor, bobot_elemen, jumlah_peserta):
    """Every agency's total Σ(element score × element weight) ÷ 100, exactly, as ([numerators], denominator).

    ``skor`` is hitung's [(kode elemen, [numerators], denominator, _)]: the element
    scores over one denominator each. The total is put over one denominator T, so
    each agency's is one integer sum: the value ``_total`` gives, for all at once.
    """
    if not skor:
        return [0] * jumlah_peserta, 1
    bobot = dict(bobot_elemen)
    # Element score × weight ÷ 100 = (p ÷ q) × (bn ÷ bd) ÷ 100 = p·bn ÷ (q·bd·100).
    suku = [
        (pembilang, penyebut * bobot[kode].denominator * 100, bobot[kode].numerator)
        for kode, pembilang, penyebut, _p in skor
    ]
    penyebut_total = math.lcm(*(penyebut for _pembilang, penyebut, _bn in suku))
    faktor = [bn * (penyebut_total // penyebut) for _pembilang, penyebut, bn in suku]
    pembilang = [
        sum(map(operator.mul, baris, faktor)) for baris in zip(*(p for p, _q, _b in suku), strict=True)
    ]
    return pembilang, penyebut_total


def posisi(kunci, dicari):
    """Each value of ``dicari``'s position in ``kunci`` (ids, an int array), −1 where it is not there."""
    if not len(kunci):
        return np.full(len(dicari), -1)
    rendah, tinggi = int(kunci.min()), int(kunci.max())
    if tinggi - rendah < 4 * (len(kunci) + len(dicari)):  # ids close together: a table, without sorting
        tabel = np.full(tinggi - rendah + 1, -1)
        tabel[kunci[::-1] - rendah] = np.arange(len(kunci))[::-1]  # the first of equal ids, as below
        di_dalam = (dicari >= rendah) & (dicari <= tinggi)
        return np.where(di_dalam, tabel[np.clip(dicari - rendah, 0, tinggi - rendah)], -1)
    urut = np.argsort(kunci, kind="stable")
    posisi = urut[np.minimum(np.searchsorted(kunci, dicari, sorter=urut), len(kunci) - 1)]
    return np.where(kunci[posisi] == dicari, posisi, -1)


def _level_dipakai(m):
    """The level each agency's indicator counts with, as the quotient a/b of two P × I integer arrays.

    P and I follow ``m.peserta`` and ``m.indikator``. Over an agency's submitted
    levels on the indicator: their mean (Σ levels / n); the median (the middle
    one, or the two middle ones / 2); the trimmed mean (without the highest and
    the lowest when there are at least 4). One or two sheets give the mean in any
    method. A level the chair settled counts instead (a/1); an indicator without
    levels counts 0. Also returns, per agency, its evaluators with submitted levels
    ([int]: none means it is not ranked) and its settled indicators ([int]).
    """
    jumlah_peserta, jumlah_indikator = len(m.peserta), len(m.indikator)
    larik = m.larik_nilai()
    baris_p = posisi(np.array([p.id for p in m.peserta], dtype=np.int64), larik[:, 0])
    baris_i = posisi(np.array([i.id for i in m.indikator], dtype=np.int64), larik[:, 2])
    pakai = (baris_p >= 0) & (baris_i >= 0)
    baris_p, baris_i, penilai, level = baris_p[pakai], baris_i[pakai], larik[pakai, 1], larik[pakai, 3]

    # Evaluators per agency: its distinct (agency, evaluator) pairs.
    peserta_pasangan, _penilai, _kode = unik_pasangan(baris_p, penilai)
    lembar = np.bincount(peserta_pasangan, minlength=jumlah_peserta)

    sel = baris_p * jumlah_indikator + baris_i  # (agency, indicator) as one cell number
    ukuran = jumlah_peserta * jumlah_indikator
    n = np.bincount(sel, minlength=ukuran)
    a = np.zeros(ukuran, dtype=np.int64)
    np.add.at(a, sel, level)
    b = n.copy()
    if m.metode == "median" and (n >= 3).any():
        urut = np.lexsort((level, sel))  # each cell's levels together, ascending
        tengah = np.cumsum(n) - n + n // 2
        level_urut = level[urut]
        ganjil = (n >= 3) & (n % 2 == 1)
        genap = (n >= 3) & (n % 2 == 0)
        a[ganjil], b[ganjil] = level_urut[tengah[ganjil]], 1
        a[genap], b[genap] = level_urut[tengah[genap] - 1] + level_urut[tengah[genap]], 2
    elif m.metode == "terpangkas" and (n >= 4).any():
        rendah = np.full(ukuran, np.iinfo(np.int64).max)
        tinggi = np.full(ukuran, np.iinfo(np.int64).min)
        np.minimum.at(rendah, sel, level)
        np.maximum.at(tinggi, sel, level)
        pangkas = n >= 4
        a[pangkas] -= rendah[pangkas] + tinggi[pangkas]
        b[pangkas] -= 2
    b[n == 0] = 1  # no level: 0/1

    a, b = a.reshape(jumlah_peserta, jumlah_indikator), b.reshape(jumlah_peserta, jumlah_indikator)
    dimoderasi = [0] * jumlah_peserta
    indeks_peserta = {p.id: n for n, p in enumerate(m.peserta)}
    indeks_indikator = {i.id: n for n, i in enumerate(m.indikator)}
    for (peserta_id, indikator_id), settled in m.moderasi.items():
        p, i = indeks_peserta.get(peserta_id), indeks_indikator.get(indikator_id)
        if p is not None and i is not None:
            a[p, i], b[p, i] = settled, 1
            dimoderasi[p] += 1
    return a, b, lembar.tolist(), dimoderasi


def _pecahan_per_peserta(a, b):
    """[[Fraction(a, b) per indicator] per agency]: the few distinct levels, each built once."""
    if not a.size:
        return [[] for _baris in a]
    pembilang, penyebut, kode = unik_pasangan(a.ravel(), b.ravel())
    pecahan = np.empty(len(pembilang), dtype=object)
    pecahan[:] = [Fraction(x, y) for x, y in zip(pembilang.tolist(), penyebut.tolist(), strict=True)]
    return pecahan[kode.reshape(a.shape)].tolist()


def unik_pasangan(x, y):
    """The distinct pairs (x[k], y[k]) of two integer arrays, ascending, and each k's position among them.

    (x of the pairs, y of the pairs, positions), as ``np.unique(..., axis=0)`` gives
    them, but through one integer per pair when the ranges allow it: much faster.
    """
    if not len(x):
        return x[:0], y[:0], np.zeros(0, dtype=np.int64)
    x0, y0 = int(x.min()), int(y.min())
    lebar = int(y.max()) - y0 + 1
    rentang = (int(x.max()) - x0 + 1) * lebar
    if rentang >= 2**62:
        pasangan, kode = np.unique(np.stack([x, y], axis=1), axis=0, return_inverse=True)
        return pasangan[:, 0], pasangan[:, 1], kode.ravel()
    kunci = (x - x0) * lebar + (y - y0)
    if rentang > 4 * len(kunci):
        kunci, kode = np.unique(kunci, return_inverse=True)
    else:  # a small range: which numbers occur, without sorting
        ada = np.zeros(rentang, dtype=bool)
        ada[kunci] = True
        kode = (np.cumsum(ada) - 1)[kunci]
        kunci = np.flatnonzero(ada)
    return kunci // lebar + x0, kunci % lebar + y0, kode


def _skor_elemen(a, b, indikator):
    """One element's score of every agency, exactly: (numerators, the common denominator, top-level counts).

    ``indikator``: the element's [(column of ``a`` and ``b``, level_maks, weight as a
    Fraction bn/bd)]. The score is Σ a·bn ÷ (b·maks·bd) over its indicators, a sum of
    rationals put over one denominator D, a multiple of every term's: D ÷ (b·maks·bd)
    is an integer in every cell, and so is each numerator. In int64 when no number
    can reach 2⁶², else in Python's integers. A level at the top of its rubric
    (a = b·maks) counts for the tie-break.
    """
    if not indikator:
        return [0] * len(a), 1, [0] * len(a)
    a, b = a[:, [n for n, _maks, _bobot in indikator]], b[:, [n for n, _maks, _bobot in indikator]]
    maks = [mx or 0 for _n, mx, _bobot in indikator]
    bn = [bobot.numerator for _n, _maks, bobot in indikator]
    mb = [mx * bobot.denominator for mx, (_n, _maks, bobot) in zip(maks, indikator, strict=True)]
    ada = a != 0  # a zero level adds nothing
    if any(not x for x, dipakai in zip(mb, ada.any(axis=0).tolist(), strict=True) if dipakai):
        raise ZeroDivisionError("indikator tanpa level rubrik diberi nilai")
    mb = [x or 1 for x in mb]
    penyebut = math.lcm(*mb) * math.lcm(*np.unique(b[ada]).tolist())
    batas = int(np.abs(a).max(initial=0)) * max(map(abs, bn)) * penyebut * len(mb)
    jenis = np.int64 if batas < 2**62 else object
    a, b = a.astype(jenis), b.astype(jenis)
    faktor = penyebut // (b * np.array(mb, dtype=jenis))
    pembilang = (a * np.array(bn, dtype=jenis) * faktor).sum(axis=1)
    puncak = (ada & (a == b * np.array(maks, dtype=jenis))).sum(axis=1)
    return pembilang.tolist(), penyebut, puncak.tolist()


def _predikat(total, predikat):
    """The band of a total as stored (4 decimals): the one with the highest lower bound it reaches.

    ``predikat`` is [(lower bound, name)], highest first.
    """
    for batas, nama in predikat:
        if total >= batas:
            return nama
    return ""


def _rerata_ragam(nilai):
    """Mean and population variance of scores, exactly: Σv ÷ n and Σv² ÷ n − mean², each sum in one go."""
    n = len(nilai)
    rata = _jumlah_pecahan([v.numerator for v in nilai], [v.denominator for v in nilai]) / n
    kuadrat = _jumlah_pecahan([v.numerator**2 for v in nilai], [v.denominator**2 for v in nilai]) / n
    return rata, kuadrat - rata * rata


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


def _normalisasi(m, susunan, hasil):
    """Per evaluator and element: z-scores over the agencies it scored, mapped back to the element's raw scale.

    An evaluator's element score uses the chair's settled value where there is
    one. The element's raw scale is the mean and (population) standard deviation
    of all evaluator-agency element scores. An evaluator with fewer than two
    agencies, or no spread, keeps its raw scores. Results are kept within 0–100.

    (x − μₚ) ÷ σₚ × σₑ + μₑ is computed as (x − μₚ) × √(σₑ² ÷ σₚ²) + μₑ: means,
    deviations and variances are exact, and the square root (``_akar``) is the one
    step that may not be. ``susunan`` is hitung's [(kode elemen, [(indikator, maks, bn, bd)])].
    """
    indikator = {i.id for i in m.indikator}
    moderasi = {kunci: level for kunci, level in m.moderasi.items() if kunci[1] in indikator}
    levels = defaultdict(dict)  # {(peserta, penilai): {indikator: level}}
    for peserta_id, penilai_id, indikator_id, level in m.larik_nilai().tolist():
        if indikator_id in indikator and peserta_id in hasil:
            levels[(peserta_id, penilai_id)][indikator_id] = level
    for kode, daftar in susunan:
        per_penilai = defaultdict(dict)  # {penilai: {peserta: element score}}
        for (peserta_id, penilai_id), nilai in levels.items():
            pembilang, penyebut = [], []
            for indikator_id, maks, bn, bd in daftar:
                level = moderasi.get((peserta_id, indikator_id))
                if level is None:
                    level = nilai.get(indikator_id, 0)
                if level:  # as in hitung: score × weight ÷ 100 = level·bn ÷ (maks·bd)
                    pembilang.append(level * bn)
                    penyebut.append(maks * bd)
            per_penilai[penilai_id][peserta_id] = _jumlah_pecahan(pembilang, penyebut)
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
            hasil[peserta_id].elemen[kode] = agregat(daftar, m.metode)


def _beri_peringkat(m, daftar, total, elemen, desimal):
    """Standard competition ranking (1, 2, 2, 4) per peer group and category, with the published tie-breaks.

    Scores are compared as stored, at 4 decimals (``total``: each agency's total
    × 10⁴ rounded, and as a Decimal; ``elemen``: {kode elemen: [score × 10⁴
    rounded]}; ``desimal``: a ``_Desimal``): equal there means tied, and the tie-breaks
    decide. ``h.peringkat`` gets {kategori id: (score, rank, tied, decided by a tie-break)}.
    """
    kode_kelompok = {}  # the groups are opaque keys, never compared: each gets a number
    kelompok = np.array(
        [kode_kelompok.setdefault(h.kelompok, len(kode_kelompok)) for h in daftar], dtype=np.int64
    )
    for kategori in m.kategori:
        if kategori.jenis == "utama":
            kunci = [[t for t, _d in total], *(elemen[e.kode] for e in m.elemen)]
            skor = [d for _t, d in total]
        else:
            kunci = [elemen[kategori.elemen], [h.indikator_puncak[kategori.elemen] for h in daftar]]
            skor = list(map(desimal.__getitem__, kunci[0]))
        peringkat, seri, pemecah = _peringkat(
            kelompok, np.array(kunci, dtype=np.int64).reshape(len(kunci), -1)
        )
        for h, *nilai in zip(daftar, skor, peringkat, seri, pemecah, strict=True):
            h.peringkat[kategori.id] = tuple(nilai)


def _peringkat(kelompok, kunci):
    """Each agency's rank in its group, highest key first; whether it is tied; whether a tie-break decided it.

    ``kunci``: keys × agencies, compared key by key; the first is the score. Equal
    keys share the rank of the first of them (1, 2, 2, 4). Tied: another agency of
    the group has the same keys. Decided by a tie-break: another has the same score
    but not the same keys. Three lists, in the agencies' order.
    """
    jumlah = kunci.shape[1]
    urut = np.lexsort((*(-kunci[::-1]), kelompok))  # by group, then the keys, highest first
    kunci, kelompok = kunci[:, urut], kelompok[urut]
    grup_baru = np.ones(jumlah, dtype=bool)
    grup_baru[1:] = kelompok[1:] != kelompok[:-1]
    skor_baru = grup_baru.copy()
    skor_baru[1:] |= kunci[0, 1:] != kunci[0, :-1]
    kunci_baru = skor_baru.copy()
    kunci_baru[1:] |= (kunci[:, 1:] != kunci[:, :-1]).any(axis=0)
    posisi = np.arange(jumlah)
    awal_grup = np.maximum.accumulate(np.where(grup_baru, posisi, 0))
    awal_kunci = np.maximum.accumulate(np.where(kunci_baru, posisi, 0))
    run_kunci = np.cumsum(kunci_baru) - 1
    run_skor = np.cumsum(skor_baru) - 1
    per_kunci = np.bincount(run_kunci)[run_kunci]
    per_skor = np.bincount(run_skor)[run_skor]
    hasil = np.empty((3, jumlah), dtype=np.int64)
    hasil[:, urut] = [awal_kunci - awal_grup + 1, per_kunci > 1, (per_skor > 1) & (per_kunci < per_skor)]
    return hasil[0].tolist(), hasil[1].astype(bool).tolist(), hasil[2].astype(bool).tolist()
