from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instansi.models import Instansi, JenisInstansi, Pengguna, Peran

from .models import Periode, SubKelompok, Tahap, TinjauanKonflik, urai_hari_pengingat

MAKS_UKURAN_WORKBOOK = 5 * 1024 * 1024


class PeriodeForm(forms.Form):
    SUMBER = [
        ("templat", _("Templat instrumen BKN Award 2023")),
        ("salin", _("Salin instrumen dari periode sebelumnya")),
        ("kosong", _("Kosong — instrumen akan diimpor dari Excel")),
    ]

    nama = forms.CharField(label=_("Nama periode"), max_length=150, initial="BKN Award ")
    tahun = forms.IntegerField(label=_("Tahun"), min_value=2015, max_value=2100)
    sumber_instrumen = forms.ChoiceField(
        label=_("Instrumen"), choices=SUMBER, initial="templat", widget=forms.RadioSelect
    )
    salin_dari = forms.ModelChoiceField(
        label=_("Salin dari periode"),
        queryset=Periode.objects.none(),
        required=False,
        empty_label=_("Pilih periode"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].initial = timezone.localdate().year
        self.fields["salin_dari"].queryset = Periode.objects.filter(elemen__isnull=False).distinct()

    def clean_tahun(self):
        tahun = self.cleaned_data["tahun"]
        if Periode.objects.filter(tahun=tahun).exists():
            raise forms.ValidationError(_("Periode tahun %(tahun)s sudah ada."), params={"tahun": tahun})
        return tahun

    def clean(self):
        data = super().clean()
        if data.get("sumber_instrumen") == "salin" and not data.get("salin_dari"):
            self.add_error("salin_dari", _("Pilih periode yang instrumennya disalin."))
        return data


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class JadwalForm(forms.Form):
    """Start and end of every scheduled stage: fields ``<tahap>_mulai`` and ``<tahap>_selesai``."""

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        ada = {j.tahap: j for j in periode.jadwal.all()}
        for tahap in Tahap.terjadwal():
            for bagian, label in (("mulai", _("Mulai")), ("selesai", _("Selesai"))):
                jadwal = ada.get(tahap)
                self.fields[f"{tahap}_{bagian}"] = forms.DateTimeField(
                    label=label,
                    widget=DateTimeLocalInput(),
                    initial=timezone.localtime(getattr(jadwal, bagian)) if jadwal else None,
                    input_formats=["%Y-%m-%dT%H:%M"],
                )

    def baris(self):
        """[(Tahap, start field, end field)] for the template."""
        return [(t, self[f"{t}_mulai"], self[f"{t}_selesai"]) for t in Tahap.terjadwal()]

    def jadwal(self):
        return {
            t: (self.cleaned_data[f"{t}_mulai"], self.cleaned_data[f"{t}_selesai"]) for t in Tahap.terjadwal()
        }


class ImporInstrumenForm(forms.Form):
    berkas = forms.FileField(
        label=_("Workbook instrumen (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_berkas(self):
        berkas = self.cleaned_data["berkas"]
        if berkas.size > MAKS_UKURAN_WORKBOOK:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimal 5 MB)."))
        if not berkas.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Unggah workbook Excel berakhiran .xlsx."))
        return berkas


class SalinInstrumenForm(forms.Form):
    dari = forms.ModelChoiceField(label=_("Salin dari periode"), queryset=Periode.objects.none())

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dari"].queryset = (
            Periode.objects.filter(elemen__isnull=False).exclude(pk=periode.pk).distinct()
        )


class TetapkanPesertaForm(forms.Form):
    jenis = forms.MultipleChoiceField(
        label=_("Kelompok instansi yang ikut"),
        choices=JenisInstansi.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih sedikitnya satu kelompok instansi.")},
    )


class TambahPesertaForm(forms.Form):
    instansi = forms.ModelChoiceField(
        label=_("Tambah instansi"),
        queryset=Instansi.objects.none(),
        to_field_name="kode",
        empty_label=_("Pilih instansi"),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instansi"].queryset = queryset


class SubKelompokForm(forms.Form):
    jenis = forms.ChoiceField(label=_("Kelompok"), choices=JenisInstansi.choices)
    nama = forms.CharField(
        label=_("Nama subkelompok"), max_length=100, help_text=_("Misalnya: Kabupaten Tipe A")
    )


class AturSubkelompokForm(forms.Form):
    peserta = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": _("Centang sedikitnya satu peserta.")}
    )
    subkelompok = forms.ModelChoiceField(
        label=_("Masukkan ke"),
        queryset=None,
        required=False,
        empty_label=_("— kelompok utama (tanpa subkelompok) —"),
    )

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peserta"].queryset = periode.peserta.all()
        self.fields["subkelompok"].queryset = SubKelompok.objects.filter(periode=periode)


class MajuTahapForm(forms.Form):
    dari = forms.ChoiceField(choices=Tahap.choices, widget=forms.HiddenInput)
    lebih_awal = forms.BooleanField(
        label=_("Saya memahami bahwa tahap ini dibuka sebelum jadwalnya"), required=False
    )
    alasan = forms.CharField(
        label=_("Alasan membuka lebih awal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dicatat di riwayat tahap bersama jadwal semula."),
    )

    def __init__(self, *args, mulai_terjadwal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mulai_terjadwal = mulai_terjadwal
        if mulai_terjadwal is None:
            del self.fields["lebih_awal"]
            del self.fields["alasan"]

    def clean(self):
        data = super().clean()
        if self.mulai_terjadwal is not None:
            if not data.get("lebih_awal"):
                self.add_error("lebih_awal", _("Centang konfirmasi untuk membuka tahap sebelum jadwalnya."))
            if not (data.get("alasan") or "").strip():
                self.add_error("alasan", _("Tuliskan alasan membuka tahap lebih awal."))
        return data

    @property
    def alasan_lebih_awal(self):
        return self.cleaned_data.get("alasan", "") if self.mulai_terjadwal is not None else ""


class JawabanForm(forms.Form):
    """The agency's answer to one indicator, as the "Simpan jawaban" button or the autosave sends it.

    The autosave (``wajib_level=False``) also saves an explanation typed before a
    level is chosen; the button asks for the level.
    """

    level = forms.TypedChoiceField(
        label=_("Level menurut penilaian instansi"),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih level yang sesuai dengan kondisi instansi.")},
    )
    penjelasan = forms.CharField(
        label=_("Penjelasan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Jelaskan mengapa level ini sesuai dan rujuk bukti dukung yang diunggah."),
    )
    versi = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The autosave's key of this edit, the same on each of its retries (static/js/app.js).
    kunci = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indikator, wajib_level=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (r.level, f"{r.level} — {r.deskripsi}") for r in indikator.rubrik.all()
        ]
        self.fields["level"].required = wajib_level


class BerkasBuktiField(forms.FileField):
    """A file checked like evidence (penilaian/berkas.py): evidence, answers to clarifications, objections."""

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("help_text", _("PDF, JPG, PNG, XLSX atau DOCX."))
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"})
        )
        kwargs.setdefault(
            "error_messages",
            {"required": _("Pilih berkas yang akan diunggah."), "empty": _("Berkas kosong (0 bita).")},
        )
        # An empty file is refused by the content check, with a message that says why.
        super().__init__(label=label, allow_empty_file=True, **kwargs)


class _BerkasBanyakInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class BerkasBanyakField(BerkasBuktiField):
    """Several evidence files in one field: a list of files, each checked like a single one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _BerkasBanyakInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        berkas = [b for b in data if b] if isinstance(data, (list, tuple)) else [data] if data else []
        if not berkas:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super().clean(b, initial) for b in berkas]


class UnggahBuktiForm(forms.Form):
    """One or several evidence files for an indicator, or one file replacing another (``mengganti``).

    Every file of one submission goes to the chosen required document; the page's
    script sends each file on its own, with its own choice.
    """

    berkas = BerkasBanyakField(
        label=_("Berkas bukti dukung"),
        help_text=_("PDF, JPG, PNG, XLSX atau DOCX. Boleh memilih beberapa berkas sekaligus."),
    )
    syarat = forms.ModelChoiceField(
        label=_("Untuk bukti wajib"),
        queryset=None,
        required=False,
        empty_label=_("Bukti pendukung lain"),
    )
    mengganti = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indikator, peserta, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["syarat"].queryset = indikator.syarat_bukti.all()
        self.fields["mengganti"].queryset = peserta.bukti.filter(
            indikator=indikator, diganti_pada__isnull=True
        )

    def clean(self):
        data = super().clean()
        if data.get("mengganti") and len(data.get("berkas") or []) > 1:
            self.add_error("berkas", _("Pilih satu berkas pengganti."))
        return data


class BukaKembaliForm(forms.Form):
    alasan = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    tenggat = forms.DateTimeField(
        label=_("Boleh diubah sampai"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )


class NilaiForm(forms.Form):
    """One indicator of a score sheet, as the autosave sends it."""

    level = forms.TypedChoiceField(label=_("Level penilai"), coerce=int, required=False, empty_value=None)
    catatan = forms.CharField(label=_("Catatan"), required=False, max_length=5000)
    catatan_panel = forms.CharField(label=_("Memo internal panel"), required=False, max_length=5000)
    versi = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The autosave's key of this edit, the same on each of its retries (static/js/app.js).
    kunci = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indikator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "—")] + [(r.level, r.level) for r in indikator.rubrik.all()]

    def clean_catatan_panel(self):
        # A post without the field (an older page, a script) leaves the panel's note untouched.
        return self.cleaned_data["catatan_panel"] if "catatan_panel" in self.data else None


class KonflikForm(forms.Form):
    instansi = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Instansi.objects.filter(aktif=True).order_by("nama"),
        to_field_name="kode",
        empty_label=_("Pilih instansi"),
    )
    alasan = forms.CharField(
        label=_("Alasan"),
        max_length=500,
        help_text=_("Misalnya: pernah bekerja di instansi ini, keluarga dekat menjabat di sana."),
    )


class PengaturanPenilaianForm(forms.ModelForm):
    class Meta:
        model = Periode
        fields = ["jumlah_penilai", "ambang_moderasi", "hari_kerja_klarifikasi", "hari_pengingat"]

    def clean_hari_pengingat(self):
        # Stored as the reminders read it: "7,3,1", duplicates merged, largest first.
        return ",".join(map(str, urai_hari_pengingat(self.cleaned_data["hari_pengingat"])))


class UnggahCsvForm(forms.Form):
    berkas = forms.FileField(
        label=_("Berkas CSV penugasan"),
        help_text=_("Kolom: kode_instansi, username_penilai (pemisah koma atau titik koma)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_berkas(self):
        berkas = self.cleaned_data["berkas"]
        if berkas.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimal 2 MB)."))
        return berkas


class TambahPenugasanForm(forms.Form):
    peserta = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    penilai = forms.ModelChoiceField(queryset=None, label=_("Penilai"))

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peserta"].queryset = periode.peserta.select_related("instansi", "periode")
        self.fields["penilai"].queryset = Pengguna.objects.filter(
            peran__in=[Peran.PENILAI, Peran.KETUA], is_active=True
        )


class ModerasiForm(forms.Form):
    peserta = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    indikator = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    level = forms.IntegerField(
        label=_("Level akhir"), min_value=0, error_messages={"required": _("Pilih level akhir.")}
    )
    alasan = forms.CharField(
        label=_("Alasan"), max_length=2000, error_messages={"required": _("Tuliskan alasan nilai akhir.")}
    )

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peserta"].queryset = periode.peserta.select_related("instansi", "periode")
        self.fields["indikator"].queryset = periode.indikator.prefetch_related("rubrik")


class KembalikanLembarForm(forms.Form):
    lembar = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    catatan = forms.CharField(
        label=_("Catatan untuk penilai"),
        max_length=2000,
        error_messages={"required": _("Tuliskan catatan untuk penilai.")},
    )

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lembar"].queryset = periode.lembar.select_related(
            "penilai", "peserta__instansi", "periode"
        )


class PutuskanKonflikForm(forms.Form):
    tinjauan = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    keputusan = forms.TypedChoiceField(
        label=_("Keputusan"),
        choices=[
            ("terima", _("Terima: lembar dibatalkan dan instansi ditugaskan ulang")),
            ("tolak", _("Tolak: lembar tetap dihitung")),
        ],
        coerce=lambda v: v == "terima",
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih keputusan.")},
    )
    catatan = forms.CharField(
        label=_("Alasan keputusan"),
        max_length=2000,
        error_messages={"required": _("Tuliskan alasan keputusan.")},
    )

    def __init__(self, *args, periode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tinjauan"].queryset = TinjauanKonflik.objects.filter(lembar__periode=periode)
