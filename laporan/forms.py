from django import forms
from django.utils.translation import gettext_lazy as _

from penilaian.models import MetodeAgregasi


class PengaturanPeringkatForm(forms.Form):
    metode_agregasi = forms.ChoiceField(label=_("Agregasi nilai penilai"), choices=MetodeAgregasi.choices)
    normalisasi = forms.BooleanField(
        label=_("Normalisasi skor z per penilai dan elemen"),
        required=False,
        help_text=_("Nilai mentah tetap ditampilkan di samping nilai ternormalisasi."),
    )


class PredikatForm(forms.Form):
    nama = forms.CharField(
        label=_("Predikat"),
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control", "aria-label": _("Predikat")}),
    )
    batas_bawah = forms.DecimalField(
        label=_("Nilai minimal"),
        min_value=0,
        max_value=100,
        decimal_places=4,
        widget=forms.NumberInput(
            attrs={"class": "form-control", "aria-label": _("Nilai minimal"), "step": "any"}
        ),
    )


PredikatFormSet = forms.formset_factory(PredikatForm, extra=1, can_delete=True)
