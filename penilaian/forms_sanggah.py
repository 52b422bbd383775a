"""Forms of objections (sanggah): the agency files one, the panel decides it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import BerkasBuktiField


class SanggahForm(forms.Form):
    """The agency's objection to its preliminary level of one indicator."""

    alasan = forms.CharField(
        label=_("Alasan sanggah"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Tuliskan alasan sanggah.")},
        help_text=_("Jelaskan mengapa level sementara tidak sesuai dengan bukti instansi Anda."),
    )
    berkas = BerkasBuktiField(
        label=_("Berkas pendukung (opsional)"),
        help_text=_("PDF, JPG, PNG, XLSX atau DOCX; diperiksa seperti bukti dukung."),
        required=False,
    )


class PutuskanSanggahForm(forms.Form):
    """The panel's decision: accept with a new settled level, or reject; the reason is read by the agency."""

    terima = forms.TypedChoiceField(
        label=_("Keputusan"),
        choices=[
            ("terima", _("Terima: tetapkan level baru")),
            ("tolak", _("Tolak: level sementara tetap")),
        ],
        coerce=lambda v: v == "terima",
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih terima atau tolak.")},
    )
    level = forms.TypedChoiceField(label=_("Level baru"), coerce=int, required=False, empty_value=None)
    keputusan = forms.CharField(
        label=_("Alasan keputusan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        error_messages={"required": _("Tuliskan alasan keputusan; instansi membacanya.")},
        help_text=_("Instansi membaca alasan ini."),
    )

    def __init__(self, *args, sanggah, **kwargs):
        kwargs.setdefault("prefix", f"s{sanggah.pk}")
        super().__init__(*args, **kwargs)
        self.sanggah = sanggah
        self.fields["level"].choices = [("", _("Pilih level"))] + [
            (r.level, _("Level %(level)s — %(uraian)s") % {"level": r.level, "uraian": r.deskripsi[:80]})
            for r in sanggah.indikator.rubrik.all()
        ]

    def clean(self):
        data = super().clean()
        if data.get("terima") and data.get("level") is None:
            self.add_error("level", _("Pilih level baru untuk sanggah yang diterima."))
        return data
