from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkn_award.angka import AngkaField
from penilaian.models import JenisKategori, Kategori, MetodeAgregasi, Periode

from .models import KeputusanSeri, Snapshot


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
    batas_bawah = AngkaField(
        label=_("Nilai minimal"),
        min_value=0,
        max_value=100,
        decimal_places=4,
        widget=forms.TextInput(
            attrs={"class": "form-control", "aria-label": _("Nilai minimal"), "inputmode": "decimal"}
        ),
    )


class BasePredikatFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The table's column header is not the checkbox's label: screen readers need one of its own.
        form.fields["DELETE"].label = _("Hapus")
        form.fields["DELETE"].widget.attrs["aria-label"] = _("Hapus predikat ini")


PredikatFormSet = forms.formset_factory(PredikatForm, formset=BasePredikatFormSet, extra=1, can_delete=True)


class PenetapanForm(forms.Form):
    snapshot = forms.ModelChoiceField(label=_("Snapshot peringkat"), queryset=None, empty_label=None)
    jumlah_peringkat = forms.IntegerField(
        label=_("Peringkat yang diberi penghargaan"), min_value=1, max_value=20
    )

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = Snapshot.objects.filter(periode=periode).select_related(
            "dibuat_oleh"
        )
        self.fields["snapshot"].label_from_instance = lambda s: (
            _("%(waktu)s oleh %(nama)s (masukan %(digest)s…)")
            % {
                "waktu": timezone.localtime(s.dibuat).strftime("%d-%m-%Y %H.%M"),
                "nama": s.dibuat_oleh.nama,
                "digest": s.digest[:12],
            }
        )
        self.fields["jumlah_peringkat"].initial = periode.jumlah_peringkat_penghargaan


class KhususForm(forms.Form):
    kategori = forms.ModelChoiceField(label=_("Kategori khusus"), queryset=None, empty_label=None)
    peserta = forms.ModelChoiceField(label=_("Instansi"), queryset=None, empty_label=_("Pilih instansi"))
    alasan = forms.CharField(
        label=_("Alasan panel"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kategori"].queryset = Kategori.objects.filter(
            periode=periode, jenis=JenisKategori.KHUSUS
        )
        self.fields["peserta"].queryset = periode.peserta.select_related("instansi").order_by(
            "instansi__nama"
        )
        self.fields["peserta"].label_from_instance = lambda p: p.instansi.nama


class UmumkanForm(forms.Form):
    waktu = forms.DateTimeField(
        label=_("Waktu pengumuman"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Kosongkan untuk mengumumkan sekarang."),
    )


class AlasanForm(forms.Form):
    alasan = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class PengaturanPiagamForm(forms.ModelForm):
    class Meta:
        model = Periode
        fields = [
            "jumlah_peringkat_penghargaan",
            "penandatangan_nama",
            "penandatangan_jabatan",
            "tempat_penetapan",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every certificate prints the signer's name under the title.
        self.fields["penandatangan_nama"].required = True
        self.fields["penandatangan_nama"].error_messages["required"] = _("Isi nama penandatangan piagam.")


class SetujuiForm(forms.Form):
    alasan_lanjut = forms.CharField(
        label=_("Alasan menyetujui walau ada lembar penilaian yang belum dikirim"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SeriForm(forms.Form):
    """The panel's decision on one shared rank at the award limit: all awarded, or an order with a reason."""

    kategori = forms.IntegerField(widget=forms.HiddenInput)
    kelompok = forms.CharField(widget=forms.HiddenInput)
    peringkat = forms.IntegerField(widget=forms.HiddenInput)
    keputusan = forms.ChoiceField(
        label=_("Keputusan panel"),
        choices=KeputusanSeri.Pilihan.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih keputusan panel.")},
    )
    alasan = forms.CharField(
        label=_("Alasan keputusan panel"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan alasan keputusan panel.")},
    )

    def __init__(self, *args, seri, **kwargs):
        super().__init__(*args, **kwargs)
        self.seri = seri
        self.initial.update(kategori=seri.kategori.pk, kelompok=seri.kode_kelompok, peringkat=seri.peringkat)
        urutan = seri.keputusan.urutan if seri.keputusan else []
        if seri.keputusan:
            self.initial.update(keputusan=seri.keputusan.keputusan, alasan=seri.keputusan.alasan)
        pilihan = [("", "—")] + [(str(n), str(n)) for n in range(seri.peringkat, seri.peringkat_akhir + 1)]
        for h in seri.anggota:
            nama = f"posisi_{h.peserta_id}"
            self.fields[nama] = forms.TypedChoiceField(
                label=_("Peringkat untuk %(instansi)s") % {"instansi": h.peserta.instansi.nama},
                choices=pilihan,
                coerce=int,
                required=False,
                empty_value=None,
            )
            if h.peserta_id in urutan:
                self.initial[nama] = seri.peringkat + urutan.index(h.peserta_id)

    def posisi_fields(self):
        return [self[f"posisi_{h.peserta_id}"] for h in self.seri.anggota]

    def clean(self):
        data = super().clean()
        self.urutan = []
        if data.get("keputusan") == KeputusanSeri.Pilihan.URUTAN:
            posisi = {h.peserta_id: data.get(f"posisi_{h.peserta_id}") for h in self.seri.anggota}
            if None in posisi.values() or len(set(posisi.values())) != len(posisi):
                raise forms.ValidationError(
                    _(
                        "Beri setiap instansi yang seri peringkat yang berbeda, dari %(awal)s sampai %(akhir)s."
                    )
                    % {"awal": self.seri.peringkat, "akhir": self.seri.peringkat_akhir}
                )
            self.urutan = sorted(posisi, key=posisi.get)
        return data
