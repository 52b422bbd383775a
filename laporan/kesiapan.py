"""Whether a draft decision may be approved: the state of the scoring behind it.

The penetapan page shows these figures, and approval (services/penetapan.py)
is refused on the same ones, so the page never says "ready" to a request the
server then refuses.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, F, Func, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from penilaian.models import (
    LembarPenilaian,
    Periode,
    Peserta,
    Sanggah,
    StatusLembar,
    StatusSanggah,
    StatusTinjauan,
    TinjauanKonflik,
)

from .peringkat import unik_pasangan
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


def jumlah_perbedaan_terbuka(nilai, moderasi, ambang):
    """How many (agency, indicator) pairs still wait for the chair, from the submitted levels in memory.

    A pair waits when two or more submitted sheets scored it, their highest and
    lowest levels lie ``ambang`` or more apart, and the chair has not settled it
    (``moderasi``: {(peserta id, indikator id): level}). ``nilai`` holds the rows of
    ``muat_masukan``, (peserta, penilai, indikator, level) of submitted sheets with
    a level, as an n × 4 array (``Masukan.larik_nilai``). The same count as
    ``penilaian.queries.jumlah_perlu_moderasi``'s query (the home page's), which
    tests/laporan/test_ranking_kinerja.py checks; pure, so that a ranking run
    counts from the rows it has already read.
    """
    peserta, indikator, kode = unik_pasangan(nilai[:, 0], nilai[:, 2])  # the pairs, and each row's
    level = nilai[:, 3]
    tinggi = np.full(len(peserta), np.iinfo(np.int64).min)
    rendah = np.full(len(peserta), np.iinfo(np.int64).max)
    np.maximum.at(tinggi, kode, level)
    np.minimum.at(rendah, kode, level)
    beda = (np.bincount(kode, minlength=len(peserta)) > 1) & (tinggi >= rendah + ambang)
    terbuka = zip(peserta[beda].tolist(), indikator[beda].tolist(), strict=True)
    return int(beda.sum()) - sum(map(moderasi.__contains__, terbuka))


def _usang(penetapan, masukan):
    return masukan.digest() != penetapan.snapshot.digest


def keadaan_penilaian(periode, masukan):
    """How complete the scoring of a period is now, as plain numbers (a snapshot stores them).

    It is provisional ("sementara") while a live score sheet is unsubmitted, a
    disagreement awaits the chair, or a conflict on a submitted sheet awaits its
    decision: ranks and predikat computed from it may still change. ``masukan`` is
    the period's ``muat_masukan``: the open disagreements are counted from its rows.
    """
    lembar = LembarPenilaian.objects.filter(periode=periode)
    kurang_lembar = periode.peserta.annotate(
        dikirim=Count("lembar", filter=Q(lembar__status=StatusLembar.DIKIRIM))
    ).filter(dikirim__lt=periode.jumlah_penilai)
    # The counts in one query, each a subquery.
    keadaan = (
        Periode.objects.filter(pk=periode.pk)
        .values(
            lembar_aktif=_jumlah(lembar.exclude(status=StatusLembar.DIBATALKAN)),
            lembar_dikirim=_jumlah(lembar.filter(status=StatusLembar.DIKIRIM)),
            konflik_menunggu=_jumlah(
                TinjauanKonflik.objects.filter(lembar__periode=periode, status=StatusTinjauan.MENUNGGU)
            ),
            instansi_kurang_lembar=_jumlah(Peserta.objects.filter(pk__in=kurang_lembar.values("pk"))),
        )
        .get()
    )
    keadaan = {
        "lembar_aktif": keadaan["lembar_aktif"],
        "lembar_dikirim": keadaan["lembar_dikirim"],
        "perbedaan_terbuka": jumlah_perbedaan_terbuka(
            masukan.larik_nilai(), masukan.moderasi, periode.ambang_moderasi
        ),
        "konflik_menunggu": keadaan["konflik_menunggu"],
        "instansi_kurang_lembar": keadaan["instansi_kurang_lembar"],
    }
    keadaan["sementara"] = bool(
        keadaan["lembar_dikirim"] < keadaan["lembar_aktif"]
        or keadaan["perbedaan_terbuka"]
        or keadaan["konflik_menunggu"]
    )
    return keadaan


def _jumlah(qs):
    """The number of a queryset's rows, as a subquery: COUNT without grouping the rows."""
    return Subquery(qs.order_by().annotate(jumlah=Func(F("pk"), function="COUNT")).values("jumlah"))


def kesiapan(penetapan, draf=None):
    """The figures behind a draft decision of ``penetapan``'s period, as of now."""
    from .services.penetapan import penghalang_sanggah
    from .services.peringkat import muat_masukan

    periode = penetapan.periode
    masukan, _nama = muat_masukan(periode)
    keadaan = keadaan_penilaian(periode, masukan)
    draf = draf or draf_pemenang(penetapan)
    return Kesiapan(
        lembar_belum=keadaan["lembar_aktif"] - keadaan["lembar_dikirim"],
        perbedaan_terbuka=keadaan["perbedaan_terbuka"],
        konflik_menunggu=keadaan["konflik_menunggu"],
        instansi_kurang_lembar=keadaan["instansi_kurang_lembar"],
        snapshot_usang=_usang(penetapan, masukan),
        tanpa_penandatangan=not periode.penandatangan_nama.strip(),
        seri_terbuka=draf.seri_terbuka,
        sanggah_terbuka=Sanggah.objects.filter(
            peserta__periode=periode, status=StatusSanggah.MENUNGGU
        ).count(),
        sanggah=penghalang_sanggah(periode, penetapan.snapshot),
    )
