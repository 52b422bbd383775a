"""The improvement recommendation (rekomendasi perbaikan) for each indicator at the level an agency obtained.

The result page shows them now; the agency's rapor reads the same rows.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from penilaian.models import Indikator, LevelRubrik


@dataclass
class BarisRekomendasi:
    indikator: Indikator
    level: Decimal | None  # the level the ranking counted (a mean may fall between two rubric levels)
    level_rubrik: LevelRubrik | None  # the rubric level reached, whose recommendation applies

    @property
    def rekomendasi(self):
        return self.level_rubrik.rekomendasi if self.level_rubrik else ""


def rubrik_periode(periode):
    """{indikator id: (indikator, [levels ascending])} of a period, in display order, in one query."""
    rubrik = {}
    for level in (
        LevelRubrik.objects.filter(indikator__periode=periode)
        .select_related("indikator__elemen")
        .order_by("indikator__elemen__urutan", "indikator__urutan", "indikator_id", "level")
    ):
        rubrik.setdefault(level.indikator_id, (level.indikator, []))[1].append(level)
    return rubrik


def level_tercapai(levels, nilai):
    """The highest rubric level at or below ``nilai``: a mean of 2.5 has reached level 2, not yet level 3.

    Below the lowest level (never, for a valid rubric starting at 0) the lowest level applies.
    """
    if not levels or nilai is None:
        return None
    tercapai = [r for r in levels if r.level <= nilai]
    return tercapai[-1] if tercapai else levels[0]


def _angka(teks):
    try:
        return Decimal(str(teks))
    except (InvalidOperation, TypeError, ValueError):
        return None


def rekomendasi_instansi(hasil, rubrik):
    """[BarisRekomendasi] for every indicator, the agency's level and the recommendation for it.

    ``hasil`` is the agency's own HasilPeserta (None when it had no submitted sheet: then no
    level and no recommendation); ``rubrik`` comes from ``rubrik_periode``. No query.
    """
    level_indikator = hasil.level_indikator if hasil else {}
    baris = []
    for indikator, levels in rubrik.values():
        nilai = _angka(level_indikator.get(indikator.kode))
        baris.append(BarisRekomendasi(indikator, nilai, level_tercapai(levels, nilai)))
    return baris
