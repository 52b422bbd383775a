"""The rows of the evaluator's worklist, written in Python.

The worklist is the page an evaluator opens most; its rows are the bulk of its
rendering. Through the template language each row cost about 0.2 ms; here the
whole page of 25 rows costs less than one of those did. The markup is the one
the template had: one link per sheet, its agency, its status badge and progress.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..queries.daftar_kerja import GRUP_PER_NOMOR

register = template.Library()

BARIS = (
    '<a class="list-group-item list-group-item-action d-flex justify-content-between'
    ' align-items-center gap-2{}" href="{}">'
    '<span><span class="fw-semibold">{}</span><br><span class="small text-muted">{}</span></span>'
    '<span class="text-end small text-nowrap">'
    '<span class="badge text-bg-{}" data-testid="status-kerja">{}</span><br>{}</span></a>'
)


@register.simple_tag
def baris_kerja(lembar_list, periode):
    """One list-group link per sheet of ``lembar_list`` (from ``daftar_kerja``), returned first highlighted."""
    return format_html_join("", BARIS, (_baris(lembar, periode) for lembar in lembar_list))


def _baris(lembar, periode):
    grup = GRUP_PER_NOMOR[lembar.grup]
    instansi = lembar.peserta.instansi
    keterangan = [instansi.kode, instansi.get_jenis_display()]
    if instansi.induk:
        keterangan.append(instansi.induk.nama_wilayah or instansi.induk.nama)
    keterangan.append(periode.nama)
    return (
        " list-group-item-warning" if grup.kode == "dikembalikan" else "",
        reverse("penilai:lembar", args=[lembar.pk]),
        instansi.nama,
        " · ".join(keterangan),
        grup.warna,
        grup.label,
        format_html(_("{n} indikator dinilai"), n=lembar.jumlah_dinilai),
    )
