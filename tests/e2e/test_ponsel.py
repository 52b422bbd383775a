"""Phones (390 px wide): the score sheet and the operator's indicator page work with one thumb."""

import pytest

from .test_mandiri import periode_mandiri  # noqa: F401 - a fixture
from .test_penilai import penilaian_alfa  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEBAR = 390
TARGET = 44  # px, WCAG 2.2 "target size (enhanced)" and the platforms' guidance


def _ukuran_pilihan(page):
    """(width, height) of each level choice: its label, the part a thumb presses."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input[type=radio][name=level]')).map(r => {
            const b = document.querySelector('label[for="' + r.id + '"]').getBoundingClientRect();
            return [Math.round(b.width), Math.round(b.height)];
        })"""
    )


def _di_ponsel(page):
    page.set_viewport_size({"width": LEBAR, "height": 844})


def _tanpa_geser_samping(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= LEBAR


def _judul_tidak_terjepit(page):
    # At least half the screen for the title, never a word a line.
    assert page.get_by_role("heading", level=1).bounding_box()["width"] >= LEBAR / 2


def test_the_score_sheet_on_a_phone(page, masuk, penilai, penilaian_alfa):  # noqa: F811
    _di_ponsel(page)
    masuk(penilai)
    page.goto(f"/penilaian/lembar/{penilaian_alfa.lembar.pk}/")

    _tanpa_geser_samping(page)
    _judul_tidak_terjepit(page)
    ukuran = _ukuran_pilihan(page)
    assert ukuran
    assert all(w >= TARGET and h >= TARGET for w, h in ukuran), ukuran


def test_the_operators_indicator_page_on_a_phone(page, masuk, operator_a, periode_mandiri):  # noqa: F811
    _di_ponsel(page)
    masuk(operator_a)
    page.goto("/penilaian-mandiri/2030/E1.1/")

    _tanpa_geser_samping(page)
    _judul_tidak_terjepit(page)
    ukuran = _ukuran_pilihan(page)
    assert ukuran
    assert all(w >= TARGET and h >= TARGET for w, h in ukuran), ukuran
