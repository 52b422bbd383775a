"""Template helpers shared by every app's pages."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

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
def angka(nilai, desimal=4):
    """A score stored as text ("62.5000") shown as people here write numbers: 62,5000."""
    if nilai in (None, ""):
        return "—"
    return floatformat(Decimal(str(nilai)), desimal)
