from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .akun import akun_dibatasi, pesan_terkunci
from .models import Instansi, JenisInstansi
from .queries import provinsi_list


class FilterInstansiForm(forms.Form):
    q = forms.CharField(
        label=_("Cari"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Nama atau kode instansi"), "type": "search"}),
    )
    jenis = forms.ChoiceField(
        label=_("Jenis"),
        required=False,
        choices=[("", _("Semua jenis")), *JenisInstansi.choices],
    )
    provinsi = forms.ModelChoiceField(
        label=_("Provinsi"),
        required=False,
        queryset=Instansi.objects.none(),
        empty_label=_("Semua provinsi"),
        to_field_name="kode",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provinsi"].queryset = provinsi_list()
        self.fields["provinsi"].label_from_instance = lambda p: p.nama_wilayah or p.nama


class FormMasuk(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil, lalu coba lagi."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi Admin BKN."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def full_clean(self):
        super().full_clean()
        for nama in self.errors:
            if nama in self.fields:
                self.fields[nama].widget.attrs["class"] = "form-control is-invalid"

    def clean(self):
        # Too many failures for this account from any addresses: no password is even tried.
        if akun_dibatasi(self.data.get("username", "")):
            raise forms.ValidationError(pesan_terkunci(), code="dibatasi")
        return super().clean()
