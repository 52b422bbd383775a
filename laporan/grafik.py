"""Charts as SVG, drawn by matplotlib on the server: one picture for the browser and for WeasyPrint.

Each function takes plain numbers and returns a ``Grafik``: the SVG text and the
same numbers as table rows, because a picture alone shuts out screen-reader users
and anyone who needs the exact figure. Series are told apart by marker, line
style, hatching and direct labels, never by colour alone, so a chart still reads
printed in greyscale.

Why these settings:
- ``matplotlib.figure.Figure`` with the SVG canvas, never pyplot: pyplot keeps a
  global "current figure", unsafe under a threaded server; a bare Figure is not
  shared.
- ``svg.fonttype = "path"``: text becomes outlines, so the chart needs no font at
  the client or in WeasyPrint, and looks the same everywhere.
- ``svg.hashsalt`` fixed and no date in the metadata: the same numbers give the
  same bytes (cacheable, testable). Set once here, at import, never changed after,
  so no thread sees them change.
- Pages embed the SVG as an ``<img>`` with a data: URI (``Grafik.data_uri``):
  matplotlib's SVG carries a ``<style>`` element and ``style=`` attributes that
  the site's Content-Security-Policy refuses inline; inside an image they are
  the image's own business.
"""

import base64
import io
import textwrap
from dataclasses import dataclass, field
from datetime import timedelta

import matplotlib
import matplotlib.dates
import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from bkn_award.angka import tulis_angka

matplotlib.rcParams.update(
    {
        "svg.fonttype": "path",
        "svg.hashsalt": "bkn-award",
        # Bundled with matplotlib: the same glyphs on every machine.
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "hatch.linewidth": 0.8,
    }
)

HITAM = "#1a1a1a"
ABU_TUA = "#555555"
ABU = "#9a9a9a"
ABU_MUDA = "#e3e3e3"
LEBAR = 7.0  # inches: fits an A4 page's text width and a desktop column
TINGGI_BARIS = 0.38  # inches per bar of a horizontal chart


@dataclass(frozen=True)
class Grafik:
    """A chart: its SVG, a text alternative for ``alt``, and its numbers as a table (``kolom``, ``baris``)."""

    judul: str
    svg: str
    kolom: tuple
    baris: list = field(default_factory=list)

    @property
    def data_uri(self):
        """The SVG as a data: URI for ``<img src>`` (the CSP allows data: images, not inline styles)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def _gambar(tinggi):
    figur = Figure(figsize=(LEBAR, tinggi), layout="constrained")
    FigureCanvasSVG(figur)
    return figur


def _svg(figur):
    keluaran = io.StringIO()
    figur.savefig(keluaran, format="svg", metadata={"Date": None, "Creator": None})
    return keluaran.getvalue()


def _pendek(label):
    """A tick label short enough to leave the plot its width; the table beside the chart has it whole."""
    return textwrap.shorten(label, width=32, placeholder="…")


def _angka(x, desimal=2):
    return "—" if x is None else tulis_angka(x, desimal)


def _sumbu_koma(ax):
    """Tick labels with a decimal comma, as the tables write the numbers."""
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _p: f"{x:g}".replace(".", ",")))


def _bertanda(x, desimal=2):
    """+1,00 / −0,50: a difference shows its sign."""
    teks = tulis_angka(abs(x), desimal)
    return f"+{teks}" if x > 0 else f"−{teks}" if x < 0 else teks


def kemajuan_mandiri(hari, dikirim, *, total, tenggat=None):
    """Agencies that submitted their self-assessment, cumulated per day, against the deadline and the total.

    ``hari``: the days with submissions, ascending (dates); ``dikirim``: how many
    submitted on each; ``total``: the participants; ``tenggat``: the deadline's
    date or None.
    """
    kumulatif = []
    jalan = 0
    for n in dikirim:
        jalan += n
        kumulatif.append(jalan)
    figur = _gambar(3.2)
    ax = figur.add_subplot()
    ax.step(hari, kumulatif, where="post", color=HITAM, linewidth=1.8, marker="o", markersize=4)
    ax.axhline(total, color=ABU_TUA, linestyle="--", linewidth=1)
    ax.annotate(
        f"Total peserta: {total}",
        (0, total),
        xycoords=("axes fraction", "data"),
        xytext=(2, 3),
        textcoords="offset points",
        color=ABU_TUA,
    )
    if tenggat is not None:
        ax.axvline(tenggat, color=HITAM, linestyle=":", linewidth=1.4)
        ax.annotate(
            f"Tenggat {tenggat:%d-%m-%Y}",
            (tenggat, 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(-4, 0),
            textcoords="offset points",
            rotation=90,
            ha="right",
            va="bottom",
        )
    if kumulatif:
        ax.annotate(
            str(kumulatif[-1]),
            (hari[-1], kumulatif[-1]),
            xytext=(4, -10),
            textcoords="offset points",
            fontweight="bold",
        )
    ax.set_ylim(0, max(total, 1) * 1.12)
    # The days that matter, a few days' margin round them: one day alone would otherwise span years.
    batas = [*hari, *([tenggat] if tenggat is not None else [])]
    if batas:
        ax.set_xlim(min(batas) - timedelta(days=3), max(batas) + timedelta(days=3))
    ax.set_ylabel("Instansi telah mengirim")
    # Numeric dates as people here write them, with the year wherever the ticks cross one.
    penanda = matplotlib.dates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(penanda)
    ax.xaxis.set_major_formatter(
        matplotlib.dates.ConciseDateFormatter(
            penanda,
            formats=["%Y", "%m-%Y", "%d-%m", "%H.%M", "%H.%M", "%S"],
            zero_formats=["", "%Y", "%m-%Y", "%d-%m", "%H.%M", "%H.%M"],
            offset_formats=["", "%Y", "%m-%Y", "%d-%m-%Y", "%d-%m-%Y", "%d-%m-%Y %H.%M"],
        )
    )
    ax.grid(axis="y", color=ABU_MUDA, linewidth=0.6)
    terakhir = kumulatif[-1] if kumulatif else 0
    judul = (
        f"Grafik garis kumulatif: {terakhir} dari {total} instansi telah mengirim penilaian mandiri"
        + (f", tenggat {tenggat:%d-%m-%Y}" if tenggat else "")
        + "."
    )
    return Grafik(
        judul=judul,
        svg=_svg(figur),
        kolom=("Tanggal", "Dikirim hari itu", "Kumulatif"),
        baris=[(f"{h:%d-%m-%Y}", n, k) for h, n, k in zip(hari, dikirim, kumulatif, strict=True)],
    )


def kemajuan_penilai(nama, dikirim, ditugaskan):
    """Per evaluator, submitted sheets (filled, hatched bar) inside the assigned ones (outlined bar)."""
    figur = _gambar(0.9 + TINGGI_BARIS * max(len(nama), 1))
    ax = figur.add_subplot()
    posisi = list(range(len(nama)))
    ax.barh(posisi, ditugaskan, color="white", edgecolor=HITAM, linewidth=1, label="Ditugaskan")
    ax.barh(
        posisi, dikirim, color=ABU, edgecolor=HITAM, hatch="///", linewidth=1, label="Dikirim", height=0.5
    )
    for y, d, t in zip(posisi, dikirim, ditugaskan, strict=True):
        ax.annotate(f"{d}/{t}", (t, y), xytext=(4, 0), textcoords="offset points", va="center")
    ax.set_yticks(posisi, [_pendek(n) for n in nama])
    ax.invert_yaxis()
    ax.set_xlim(0, max(ditugaskan, default=1) * 1.15 or 1)
    ax.set_xlabel("Lembar penilaian")
    ax.xaxis.get_major_locator().set_params(integer=True)
    figur.legend(loc="outside lower center", ncols=2, frameon=False)  # clear of the bars' labels
    total_kirim, total_tugas = sum(dikirim), sum(ditugaskan)
    return Grafik(
        judul=f"Grafik batang: {total_kirim} dari {total_tugas} lembar penilaian telah dikirim oleh {len(nama)} penilai.",
        svg=_svg(figur),
        kolom=("Penilai", "Ditugaskan", "Dikirim", "Persen dikirim"),
        baris=[
            (n, t, d, _angka(100 * d / t if t else 0, 0) + "%")
            for n, d, t in zip(nama, dikirim, ditugaskan, strict=True)
        ],
    )


def _kuartil(nilai):
    """min, Q1, median, Q3, max (numpy's linear interpolation, as the box plot draws them)."""
    q = np.percentile(np.asarray(nilai, dtype=float), [0, 25, 50, 75, 100])
    return [float(x) for x in q]


def sebaran_kelompok(kelompok):
    """The distribution of total scores in each peer group, as horizontal box plots with each agency a dot.

    ``kelompok``: [(group label, [totals])], in display order; groups without totals are left out.
    """
    kelompok = [(label, list(nilai)) for label, nilai in kelompok if nilai]
    figur = _gambar(0.9 + 0.6 * max(len(kelompok), 1))
    ax = figur.add_subplot()
    posisi = list(range(1, len(kelompok) + 1))
    if kelompok:
        ax.boxplot(
            [nilai for _l, nilai in kelompok],
            positions=posisi,
            orientation="horizontal",
            widths=0.5,
            whis=(0, 100),
            showfliers=False,
            patch_artist=True,
            boxprops={"facecolor": ABU_MUDA, "edgecolor": HITAM},
            medianprops={"color": HITAM, "linewidth": 2},
            whiskerprops={"color": HITAM},
            capprops={"color": HITAM},
        )
        for y, (_label, nilai) in zip(posisi, kelompok, strict=True):
            ax.plot(nilai, [y] * len(nilai), linestyle="none", marker="o", markersize=3, color=ABU_TUA)
            median = _kuartil(nilai)[2]
            ax.annotate(
                f"median {_angka(median)}",
                (median, y - 0.3),  # above the box: the axis is inverted
                ha="center",
                va="bottom",
                fontsize=8,
            )
    ax.set_yticks(posisi, [_pendek(label) for label, _n in kelompok])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Nilai total")
    ax.grid(axis="x", color=ABU_MUDA, linewidth=0.6)
    baris = []
    for label, nilai in kelompok:
        minimum, q1, median, q3, maksimum = _kuartil(nilai)
        baris.append((label, len(nilai), *(_angka(x) for x in (minimum, q1, median, q3, maksimum))))
    return Grafik(
        judul=(
            "Diagram kotak sebaran nilai total per kelompok: "
            + "; ".join(f"{b[0]} median {b[4]} ({b[1]} instansi)" for b in baris)
            + "."
        ),
        svg=_svg(figur),
        kolom=("Kelompok", "Instansi", "Minimum", "Kuartil 1", "Median", "Kuartil 3", "Maksimum"),
        baris=baris,
    )


def kelonggaran(nama, selisih, pencilan, jumlah):
    """Each evaluator's mean difference from the other evaluators: a dot per evaluator, outliers as triangles.

    ``selisih``: the mean difference in rubric levels; ``pencilan``: whether each is
    flagged; ``jumlah``: how many (agency, indicator) cells each mean is over.
    """
    figur = _gambar(0.9 + TINGGI_BARIS * max(len(nama), 1))
    ax = figur.add_subplot()
    posisi = list(range(len(nama)))
    ax.axvline(0, color=ABU_TUA, linewidth=1)
    for y, s, p in zip(posisi, selisih, pencilan, strict=True):
        ax.plot([0, s], [y, y], color=ABU, linewidth=1.2)
        ax.plot(
            [s],
            [y],
            linestyle="none",
            marker="^" if p else "o",
            markersize=8 if p else 6,
            markerfacecolor=HITAM if p else "white",
            markeredgecolor=HITAM,
        )
        label = _bertanda(s) + (" (pencilan)" if p else "")
        ax.annotate(
            label,
            (s, y),
            xytext=(8 if s >= 0 else -8, 0),
            textcoords="offset points",
            ha="left" if s >= 0 else "right",
            va="center",
            fontweight="bold" if p else "normal",
        )
    batas = max([abs(s) for s in selisih] + [0.5]) * 1.6
    ax.set_xlim(-batas, batas)
    ax.set_yticks(posisi, [_pendek(n) for n in nama])
    ax.invert_yaxis()
    _sumbu_koma(ax)
    ax.set_xlabel("Selisih rata-rata dari penilai lain (level rubrik): − lebih ketat, + lebih longgar")
    ax.grid(axis="x", color=ABU_MUDA, linewidth=0.6)
    ditandai = [n for n, p in zip(nama, pencilan, strict=True) if p]
    return Grafik(
        judul=(
            f"Grafik titik selisih rata-rata {len(nama)} penilai dari penilai lain; "
            + (f"pencilan: {', '.join(ditandai)}." if ditandai else "tidak ada pencilan.")
        ),
        svg=_svg(figur),
        kolom=("Penilai", "Sel dibandingkan", "Selisih rata-rata", "Pencilan"),
        baris=[
            (n, j, _bertanda(s), "Ya" if p else "Tidak")
            for n, s, p, j in zip(nama, selisih, pencilan, jumlah, strict=True)
        ],
    )


def reliabilitas(elemen, icc, alpha, *, model="ICC(1,1)"):
    """ICC (solid bars, ``model`` names it) and Krippendorff's alpha (hatched bars) per element; None is "data belum cukup"."""
    figur = _gambar(0.9 + 0.6 * max(len(elemen), 1))
    ax = figur.add_subplot()
    tinggi = 0.36
    for geser, nilai, label, gaya in (
        (-tinggi / 2, icc, model, {"color": ABU_TUA}),
        (tinggi / 2, alpha, "Alpha Krippendorff", {"color": "white", "hatch": "xx"}),
    ):
        y = [n + geser for n in range(len(elemen))]
        ax.barh(y, [v or 0 for v in nilai], height=tinggi, edgecolor=HITAM, label=label, **gaya)
        for yy, v in zip(y, nilai, strict=True):
            ax.annotate(
                _angka(v) if v is not None else "belum cukup",
                (max(v or 0, 0), yy),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    ax.axvline(0, color=ABU_TUA, linewidth=1)
    bawah = min([v for v in [*icc, *alpha] if v is not None] + [0])
    ax.set_xlim(min(bawah * 1.2, 0), 1.15)
    ax.set_yticks(range(len(elemen)), [_pendek(e) for e in elemen])
    ax.invert_yaxis()
    _sumbu_koma(ax)
    ax.set_xlabel("Kesepakatan antarpenilai (1 = sepakat penuh)")
    figur.legend(loc="outside lower center", ncols=2, frameon=False)
    ax.grid(axis="x", color=ABU_MUDA, linewidth=0.6)
    return Grafik(
        judul="Grafik batang reliabilitas per elemen: "
        + "; ".join(
            f"{e} {model} {_angka(i)}, alpha {_angka(a)}" for e, i, a in zip(elemen, icc, alpha, strict=True)
        )
        + ".",
        svg=_svg(figur),
        kolom=("Elemen", model, "Alpha Krippendorff"),
        baris=[(e, _angka(i), _angka(a)) for e, i, a in zip(elemen, icc, alpha, strict=True)],
    )
