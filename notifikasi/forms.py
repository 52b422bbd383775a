"""The user's choice, per kind of notification, of how its e-mail comes."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Jenis, Preferensi, StatusEmail

SEGERA = "segera"
RINGKASAN = "ringkasan"
MATI = "mati"

# One choice per kind rather than an e-mail switch and a digest switch: "digest, but no e-mail"
# cannot be chosen, so it never has to be explained away.
PILIHAN_SUREL = [
    (SEGERA, _("Surel segera")),
    (RINGKASAN, _("Dalam ringkasan harian")),
    (MATI, _("Tanpa surel")),
]


def _pilihan(preferensi):
    if preferensi is None or (preferensi.email and not preferensi.ringkasan):
        return SEGERA
    return RINGKASAN if preferensi.email else MATI


class PreferensiForm(forms.Form):
    """A field per kind the user's role can receive (services.JENIS_UNTUK_PERAN), "surel_<jenis>"."""

    def __init__(self, *args, pengguna, daftar_jenis, **kwargs):
        super().__init__(*args, **kwargs)
        self.pengguna = pengguna
        self.daftar_jenis = list(daftar_jenis)
        tersimpan = {p.jenis: p for p in Preferensi.objects.filter(pengguna=pengguna)}
        for jenis in self.daftar_jenis:
            self.fields[self.nama_field(jenis)] = forms.ChoiceField(
                label=jenis.label,
                choices=PILIHAN_SUREL,
                initial=_pilihan(tersimpan.get(jenis.value)),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": _("Pilih cara surel untuk “%(jenis)s”.") % {"jenis": jenis.label},
                    "invalid_choice": _("Pilihan surel untuk “%(jenis)s” tidak dikenal.")
                    % {"jenis": jenis.label},
                },
            )

    @staticmethod
    def nama_field(jenis):
        return f"surel_{jenis.value}"

    def baris(self):
        """[(Jenis, bound field)] in the order of the role's list, for the template."""
        return [(jenis, self[self.nama_field(jenis)]) for jenis in self.daftar_jenis]

    def simpan(self):
        """Write one Preferensi per kind shown, in one statement; later notifications follow it.

        Notifications already written keep the e-mail state they were given.
        """
        baris = []
        for jenis in self.daftar_jenis:
            pilihan = self.cleaned_data[self.nama_field(jenis)]
            baris.append(
                Preferensi(
                    pengguna=self.pengguna,
                    jenis=jenis,
                    email=pilihan != MATI,
                    ringkasan=pilihan == RINGKASAN,
                )
            )
        with transaction.atomic():
            Preferensi.objects.bulk_create(
                baris,
                update_conflicts=True,
                unique_fields=["pengguna", "jenis"],
                update_fields=["email", "ringkasan"],
            )
        return baris


class SaringLogForm(forms.Form):
    """The period log's filters: an e-mail state and a kind, each optional."""

    status = forms.ChoiceField(label=_("Status surel"), required=False)
    jenis = forms.ChoiceField(label=_("Jenis"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Semua status")), *StatusEmail.choices]
        self.fields["jenis"].choices = [("", _("Semua jenis")), *Jenis.choices]
