"""Forms of clarification requests and of the admin's cuti bersama."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import BerkasBuktiField


class KlarifikasiForm(forms.Form):
    """The evaluator's question about one indicator, optionally naming the file in doubt."""

    pertanyaan = forms.CharField(
        label=_("Pertanyaan untuk instansi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        error_messages={"required": _("Tuliskan pertanyaan untuk instansi.")},
        help_text=_("Instansi membaca pertanyaan ini tanpa nama Anda."),
    )
    bukti = forms.ModelChoiceField(
        label=_("Berkas yang diragukan"),
        queryset=None,
        required=False,
        empty_label=_("Tidak ada berkas tertentu"),
    )

    def __init__(self, *args, bukti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bukti"].queryset = bukti


class JawabanKlarifikasiForm(forms.Form):
    """The agency's answer: text, and optionally a file added to the indicator or replacing one of its files."""

    jawaban = forms.CharField(
        label=_("Jawaban"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Tuliskan jawaban atas pertanyaan penilai.")},
    )
    berkas = BerkasBuktiField(label=_("Berkas bukti dukung (opsional)"), required=False)
    mengganti = forms.ModelChoiceField(
        label=_("Berkas ini"),
        queryset=None,
        required=False,
        empty_label=_("Ditambahkan sebagai bukti baru"),
        help_text=_("Berkas yang diganti tetap tersimpan sebagai versi lama; penilai melihat perubahannya."),
    )
    syarat = forms.ModelChoiceField(
        label=_("Untuk bukti wajib"),
        queryset=None,
        required=False,
        empty_label=_("Bukti pendukung lain"),
        help_text=_("Hanya untuk berkas baru; berkas pengganti mengikuti bukti wajib berkas yang diganti."),
    )

    def __init__(self, *args, bukti, syarat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mengganti"].queryset = bukti
        self.fields["mengganti"].label_from_instance = lambda b: (
            _("Menggantikan %(nama)s") % {"nama": b.nama_berkas}
        )
        self.fields["syarat"].queryset = syarat


class HariLiburForm(forms.Form):
    tanggal = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Pilih tanggal."), "invalid": _("Tanggal tidak valid.")},
    )
    keterangan = forms.CharField(
        label=_("Keterangan"),
        max_length=150,
        error_messages={"required": _("Tuliskan keterangan hari libur.")},
        help_text=_("Misalnya: Cuti bersama Idul Fitri 1446 H."),
    )
