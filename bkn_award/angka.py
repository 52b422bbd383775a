"""Numbers as people here write them: a decimal comma, two decimals ("85,00"), either separator read back."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def baca_angka(teks):
    """A Decimal from "85,5", "85.5", "1.234,5" or "1,234.5"; None for an empty text; ValueError otherwise."""
    teks = str(teks).strip().replace(" ", "").replace("\u00a0", "")
    if not teks:
        return None
    if "," in teks and "." in teks:
        # The separator that comes last is the decimal one; the other groups thousands.
        ribuan, desimal = (".", ",") if teks.rfind(",") > teks.rfind(".") else (",", ".")
        teks = teks.replace(ribuan, "").replace(desimal, ".")
    else:
        teks = teks.replace(",", ".")
    try:
        angka = Decimal(teks)
    except InvalidOperation:
        raise ValueError(f"bukan angka: {teks}") from None
    if not angka.is_finite():
        raise ValueError(f"bukan angka: {teks}")
    return angka


def tulis_angka(angka, desimal=2):
    """``angka`` with ``desimal`` decimals and a decimal comma: 85 → "85,00"."""
    return f"{Decimal(angka):.{desimal}f}".replace(".", ",")


class AngkaField(forms.DecimalField):
    """A decimal typed either way ("85,00" or "85.00") and shown the Indonesian way."""

    default_error_messages = {"invalid": _("Tuliskan angka, misalnya 85,00.")}

    def __init__(self, *, tampil_desimal=2, **kwargs):
        self.tampil_desimal = tampil_desimal
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            angka = baca_angka(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return angka

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)):
            # Two decimals, or as many as the stored value needs: "85,00", "85,125".
            perlu = -min(0, Decimal(value).normalize().as_tuple().exponent)
            return tulis_angka(value, max(self.tampil_desimal, perlu))
        return value

    def widget_attrs(self, widget):
        # Not a number input: browsers refuse a decimal comma there.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs
