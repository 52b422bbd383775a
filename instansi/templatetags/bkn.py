"""Template helpers shared by every app's pages."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_format
from django.template.defaultfilters import floatformat
from django.utils.html import format_html_join
from django.utils.timezone import is_aware, localtime

register = template.Library()


@register.filter
def rentang_halaman(page):
    """Page numbers around the current page, with ellipses: 1 2 … 7 8 9 … 20 21."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def dictget(mapping, key):
    """mapping[key], or an empty list: for per-row lookups in a table."""
    return mapping.get(key, [])


@register.filter
def angka(nilai, desimal=2):
    """A score stored as text ("62.5000") shown as people here write numbers: 62,50.

    Two decimals where people read scores; four only where they explain a tie.
    """
    if nilai in (None, ""):
        return "—"
    return floatformat(Decimal(str(nilai)), desimal)


@register.simple_tag
def opsi(pilihan, terpilih=""):
    """The <option>s of a select from [(value, label)], the chosen one marked.

    For the filter forms of the busiest list pages: one join instead of a template
    loop over every province, on every page view.
    """
    terpilih = str(terpilih or "")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((nilai, " selected" if str(nilai) == terpilih else "", label) for nilai, label in pilihan),
    )


@register.filter
def wib(nilai, format="j F Y H.i"):
    """A moment as people here read it, in Jakarta's time and saying so: 29 November 2026 10.15 WIB."""
    if nilai in (None, ""):
        return ""
    return f"{date_format(localtime(nilai) if is_aware(nilai) else nilai, format)} WIB"
