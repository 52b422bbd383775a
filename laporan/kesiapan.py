"""Whether a draft decision may be approved: the state of the scoring behind it.

The penetapan page shows these figures, and approval (services/penetapan.py)
is refused on the same ones, so the page never says "ready" to a request the
server then refuses.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from penilaian.models import (
    LembarPenilaian,
    Sanggah,
    StatusLembar,
    StatusSanggah,
    StatusTinjauan,
    TinjauanKonflik,
)
from penilaian.queries import jumlah_perlu_moderasi

from .queries import draf_pemenang


@dataclass
class Kesiapan:
    lembar_belum: int  # live score sheets not submitted
    perbedaan_terbuka: int  # disagreements still awaiting the chair
    konflik_menunggu: int  # conflicts on submitted sheets awaiting the chair
    instansi_kurang_lembar: int  # participants with fewer submitted sheets than the period asks for
    snapshot_usang: bool  # scores or settings changed since the snapshot was computed
    tanpa_penandatangan: bool
    seri_terbuka: list = field(default_factory=list)  # [Seri] deciding an award, without the panel's decision
    sanggah_terbuka: int = 0  # objections awaiting the panel's decision
    sanggah: list = field(default_factory=list)  # why the snapshot cannot be used because of objections

    @property
    def penghalang(self):
        """Why approval is refused now (empty when it may go ahead)."""
        pesan = []
        if self.perbedaan_terbuka:
            pesan.append(
                ngettext(
                    "%(n)s perbedaan nilai antarpenilai belum dimoderasi.",
                    "%(n)s perbedaan nilai antarpenilai belum dimoderasi.",
                    self.perbedaan_terbuka,
                )
                % {"n": self.perbedaan_terbuka}
            )
        if self.konflik_menunggu:
            pesan.append(
                _("%(n)s pernyataan konflik kepentingan atas lembar terkirim menunggu keputusan ketua tim.")
                % {"n": self.konflik_menunggu}
            )
        pesan.extend(self.sanggah)
        if self.snapshot_usang:
            pesan.append(
                _(
                    "Nilai atau pengaturan peringkat berubah sejak snapshot ini dihitung. Hitung peringkat lagi, "
                    "lalu perbarui draf dengan snapshot terbaru."
                )
            )
        for seri in self.seri_terbuka:
            pesan.append(
                _(
                    "%(kategori)s, %(kelompok)s: %(n)s instansi berbagi peringkat %(peringkat)s di batas penghargaan; "
                    "panel belum memutuskan."
                )
                % {
                    "kategori": seri.kategori.nama,
                    "kelompok": seri.label_kelompok,
                    "n": len(seri.anggota),
                    "peringkat": seri.peringkat,
                }
            )
        if self.tanpa_penandatangan:
            pesan.append(_("Nama penandatangan piagam belum diisi (bagian Isi piagam)."))
        return pesan


def _usang(penetapan):
    from .services.peringkat import muat_masukan

    masukan, _nama = muat_masukan(penetapan.periode)
    return masukan.digest() != penetapan.snapshot.digest


def keadaan_penilaian(periode):
    """How complete the scoring of a period is now, as plain numbers (a snapshot stores them).

    It is provisional ("sementara") while a live score sheet is unsubmitted, a
    disagreement awaits the chair, or a conflict on a submitted sheet awaits its
    decision: ranks and predikat computed from it may still change.
    """
    lembar = LembarPenilaian.objects.filter(periode=periode).aggregate(
        aktif=Count("pk", filter=~Q(status=StatusLembar.DIBATALKAN)),
        dikirim=Count("pk", filter=Q(status=StatusLembar.DIKIRIM)),
    )
    keadaan = {
        "lembar_aktif": lembar["aktif"],
        "lembar_dikirim": lembar["dikirim"],
        "perbedaan_terbuka": jumlah_perlu_moderasi(periode),
        "konflik_menunggu": TinjauanKonflik.objects.filter(
            lembar__periode=periode, status=StatusTinjauan.MENUNGGU
        ).count(),
        "instansi_kurang_lembar": periode.peserta.annotate(
            dikirim=Count("lembar", filter=Q(lembar__status=StatusLembar.DIKIRIM))
        )
        .filter(dikirim__lt=periode.jumlah_penilai)
        .count(),
    }
    keadaan["sementara"] = bool(
        keadaan["lembar_dikirim"] < keadaan["lembar_aktif"]
        or keadaan["perbedaan_terbuka"]
        or keadaan["konflik_menunggu"]
    )
    return keadaan


def kesiapan(penetapan, draf=None):
    """The figures behind a draft decision of ``penetapan``'s period, as of now."""
    from .services.penetapan import penghalang_sanggah

    periode = penetapan.periode
    keadaan = keadaan_penilaian(periode)
    draf = draf or draf_pemenang(penetapan)
    return Kesiapan(
        lembar_belum=keadaan["lembar_aktif"] - keadaan["lembar_dikirim"],
        perbedaan_terbuka=keadaan["perbedaan_terbuka"],
        konflik_menunggu=keadaan["konflik_menunggu"],
        instansi_kurang_lembar=keadaan["instansi_kurang_lembar"],
        snapshot_usang=_usang(penetapan),
        tanpa_penandatangan=not periode.penandatangan_nama.strip(),
        seri_terbuka=draf.seri_terbuka,
        sanggah_terbuka=Sanggah.objects.filter(
            peserta__periode=periode, status=StatusSanggah.MENUNGGU
        ).count(),
        sanggah=penghalang_sanggah(periode, penetapan.snapshot),
    )
