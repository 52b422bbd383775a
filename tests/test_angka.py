"""Numbers typed and shown the Indonesian way."""

from decimal import Decimal

import pytest

from bkn_award.angka import AngkaField, baca_angka, tulis_angka
from laporan.forms import PredikatForm


@pytest.mark.parametrize(
    ("teks", "angka"),
    [
        ("85,00", Decimal("85.00")),
        ("85.5", Decimal("85.5")),
        (" 70 ", Decimal("70")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("", None),
    ],
)
def test_either_separator_is_read(teks, angka):
    assert baca_angka(teks) == angka


@pytest.mark.parametrize("teks", ["delapan", "8,5,5x", "NaN", "Infinity"])
def test_what_is_not_a_number_is_refused(teks):
    with pytest.raises(ValueError, match="bukan angka"):
        baca_angka(teks)


def test_a_number_is_written_with_a_decimal_comma():
    assert tulis_angka(Decimal("91.25")) == "91,25"
    assert tulis_angka(85) == "85,00"


def test_the_field_shows_two_decimals_or_as_many_as_the_value_has():
    field = AngkaField()

    assert field.prepare_value(Decimal("85.0000")) == "85,00"
    assert field.prepare_value(Decimal("85.1250")) == "85,125"


def test_the_predikat_limit_is_typed_with_a_comma_and_refused_with_a_message_in_indonesian():
    assert PredikatForm({"nama": "Baik", "batas_bawah": "70,5"}).is_valid()
    form = PredikatForm({"nama": "Baik", "batas_bawah": "tujuh puluh"})

    assert form.errors["batas_bawah"] == ["Tuliskan angka, misalnya 85,00."]
    assert 'value="85,00"' in str(
        PredikatForm(initial={"nama": "Baik", "batas_bawah": Decimal("85")})["batas_bawah"]
    )


def test_skor_dua_desimal_dengan_koma():
    from instansi.templatetags.bkn import angka

    assert angka("91.2500") == "91,25"
    assert angka("71.8750") == "71,88"
    assert angka("62.5000", 4) == "62,5000"
    assert angka(None) == "—"


def test_waktu_dalam_wib_berbahasa_indonesia():
    from datetime import UTC, datetime

    from django.utils import translation

    from instansi.templatetags.bkn import wib

    with translation.override("id"):
        # 03.15 UTC is 10.15 in Jakarta.
        assert wib(datetime(2026, 11, 29, 3, 15, tzinfo=UTC)) == "29 November 2026 10.15 WIB"
        assert (
            wib(datetime(2026, 8, 17, 3, 15, tzinfo=UTC), "l, j F Y H.i")
            == "Senin, 17 Agustus 2026 10.15 WIB"
        )
    assert wib(None) == ""
