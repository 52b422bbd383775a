"""Deadline reminders, and the summary of a missed deadline: what Celery beat runs every morning.

Who is reminded (exactly those who still have work, and only while they can still do it):

- penilaian mandiri: the active operators of each participating agency that has not submitted,
  against the agency's own deadline (a reopened agency's ``tenggat_khusus``,
  ``penilaian.services.mandiri.tenggat``), while ``alasan_terkunci`` lets it change its answers;
- scoring: each active evaluator with live sheets not yet submitted (draft or returned by the
  chair), with how many, against the end of the stage the period is in (Verifikasi dan
  penilaian, or Moderasi for returned sheets): the end ``penilaian.jadwal`` enforces;
- clarification: the active operators of an agency with requests still open, against each
  request's own deadline (counted in working days when it was made), in a period still in
  scoring; not on the day the request was made, which its own notice announced.

When: on each of the period's ``hari_pengingat`` (by default 7, 3 and 1) calendar days before
the deadline's date in WIB. A reminder day that is not a working day (Saturday, Sunday, a
national public holiday or a cuti bersama, ``penilaian.hari_kerja``) goes out on the last
working day before it, so that the operator reads it at the office: a deadline on Monday
9 March has its 1-day reminder (Sunday 8 March) sent on Friday 6 March, the day of its 3-day
reminder, and the two are one line of that day's digest. Nothing is sent on a non-working day.

One digest a day per person: everything one user is reminded of on one day is a single
``Notifikasi`` (``PENGINGAT_TENGGAT``), one line per item with its deadline in WIB, nearest
deadline first, linking to where the nearest work is (the self-assessment or clarification
page, the evaluator's worklist). Its key, ``pengingat:<date>:<user>``, is unique: a beat that
fires twice, two beat processes or a retried task write the day's digest once.

The day after a deadline has passed, the admins and the panel chairs get one summary
(``TENGGAT_TERLEWAT``) of who missed it: the agencies that did not submit their
self-assessment by their deadline, the evaluators with sheets still unsubmitted at the end of
Verifikasi dan penilaian. None when nobody missed it. Its key names the period, the stage and
the deadline's date, so it is sent once per deadline; a beat that did not run that day sends
it on a later day, up to ``BATAS_SUSULAN`` days after.

Both read what they need in a fixed number of queries whatever the number of agencies,
evaluators or requests (the periods with their timeline, the holidays ahead, the unsubmitted
participants, the unsubmitted sheets per evaluator, the open requests, the operators), build
the texts in Python and write all rows in one INSERT (``services.beri_tahu_masing``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from instansi.models import Pengguna, Peran
from penilaian.hari_kerja import WIB, adalah_hari_kerja, libur_nasional
from penilaian.jadwal import batas_tahap, waktu_wib
from penilaian.models import (
    HariLiburTambahan,
    LembarPenilaian,
    Periode,
    PermintaanKlarifikasi,
    Peserta,
    StatusKlarifikasi,
    StatusLembar,
    Tahap,
)
from penilaian.services.mandiri import alasan_terkunci, tenggat
from penilaian.services.penilai import TAHAP_MENILAI

from .models import Jenis
from .services import Pesan, beri_tahu_masing

BELUM_DIKIRIM = (StatusLembar.DRAF, StatusLembar.DIKEMBALIKAN)
# A summary the beat did not send the day after its deadline is still sent this many days after.
BATAS_SUSULAN = 7
# The next working day always lies within this many days (the longest holiday run is about ten).
CAKRAWALA = 40
# Beyond this many names a summary points to the period's pages for the rest.
MAKS_NAMA = 100
JAM_PENGINGAT = datetime.time(7, 0)  # the beat's time: "now" of a run for a given day


@dataclass(frozen=True)
class Butir:
    """One line of a person's digest: a piece of work and its deadline."""

    batas: datetime.datetime
    judul: str  # the digest's title when it is the only line
    teks: str
    tautan: str
    periode_id: int


def hari_ini():
    return timezone.localdate(timezone=WIB)


def _awal_hari(tanggal):
    return datetime.datetime.combine(tanggal, datetime.time.min, tzinfo=WIB)


def _tanggal(batas):
    return timezone.localtime(batas, WIB).date()


def hari_sasaran(hari):
    """The reminder days whose reminders go out on ``hari``: itself and the non-working days right after it.

    Empty when ``hari`` is not a working day: its reminders went out on the working day before.
    One query (the admin's cuti bersama ahead); the national holidays come from the library.
    """
    akhir = hari + datetime.timedelta(days=CAKRAWALA)
    libur = {**libur_nasional(hari.year), **libur_nasional(akhir.year)}
    libur.update(
        dict.fromkeys(
            HariLiburTambahan.objects.filter(tanggal__range=(hari, akhir)).values_list("tanggal", flat=True)
        )
    )
    if not adalah_hari_kerja(hari, libur):
        return []
    sasaran = [hari]
    berikut = hari + datetime.timedelta(days=1)
    while berikut <= akhir and not adalah_hari_kerja(berikut, libur):
        sasaran.append(berikut)
        berikut += datetime.timedelta(days=1)
    return sasaran


def _sisa_hari(batas, hari, sasaran, hari_pengingat):
    """Days from ``hari`` to the date of the deadline ``batas`` when one of its reminders goes out on ``hari``; else None."""
    if batas is None or not sasaran:
        return None
    tanggal = _tanggal(batas)
    if any((tanggal - s).days in hari_pengingat for s in sasaran):
        return (tanggal - hari).days
    return None


def _sisa(n):
    return _("besok") if n == 1 else _("%(n)s hari lagi") % {"n": n}


def _periode_berjalan():
    """The periods whose deadlines may still concern someone, with their timeline (two queries)."""
    return list(
        Periode.objects.exclude(tahap__in=[Tahap.PERSIAPAN, Tahap.PENGUMUMAN]).prefetch_related("jadwal")
    )


# The reminders


def _pengingat_mandiri(periode_list, hari, sasaran, sekarang):
    """{instansi id: [Butir]}: agencies that have not submitted, on a reminder day of their own deadline."""
    periode = {p.pk: p for p in periode_list if p.tahap in (Tahap.PENILAIAN_MANDIRI, Tahap.VERIFIKASI)}
    hasil = defaultdict(list)
    if not periode:
        return hasil
    for peserta in Peserta.objects.filter(
        periode__in=list(periode), dikirim_pada__isnull=True
    ).select_related("instansi"):
        peserta.periode = periode[peserta.periode_id]
        batas = tenggat(peserta)
        sisa = _sisa_hari(batas, hari, sasaran, peserta.periode.daftar_hari_pengingat)
        if sisa is None or alasan_terkunci(peserta, sekarang):
            continue
        nama_periode = peserta.periode.nama
        hasil[peserta.instansi_id].append(
            Butir(
                batas=batas,
                judul=_("Pengingat: penilaian mandiri %(periode)s berakhir %(sisa)s")
                % {"periode": nama_periode, "sisa": _sisa(sisa)},
                teks=_(
                    "Penilaian mandiri %(instansi)s untuk %(periode)s belum dikirim. "
                    "Tenggat: %(waktu)s (%(sisa)s)."
                )
                % {
                    "instansi": peserta.instansi.nama,
                    "periode": nama_periode,
                    "waktu": waktu_wib(batas),
                    "sisa": _sisa(sisa),
                },
                tautan=reverse("mandiri:ringkasan", args=[peserta.periode.tahun]),
                periode_id=peserta.periode_id,
            )
        )
    return hasil


def _pengingat_klarifikasi(periode_list, hari, sasaran):
    """{instansi id: [Butir]}: open requests to the agency, on a reminder day of their deadline, one line per deadline."""
    periode = {p.pk: p for p in periode_list if p.tahap in TAHAP_MENILAI and p.daftar_hari_pengingat}
    hasil = defaultdict(list)
    if not periode or not sasaran:
        return hasil
    paling_jauh = max(max(p.daftar_hari_pengingat) for p in periode.values())
    permintaan = (
        PermintaanKlarifikasi.objects.filter(
            status=StatusKlarifikasi.TERBUKA,
            peserta__periode__in=list(periode),
            dibuat__lt=_awal_hari(hari),
            tenggat__gte=_awal_hari(hari + datetime.timedelta(days=1)),
            tenggat__lt=_awal_hari(sasaran[-1] + datetime.timedelta(days=paling_jauh + 1)),
        )
        .order_by("tenggat", "indikator__kode", "pk")
        .values_list(
            "peserta__instansi_id",
            "peserta__instansi__nama",
            "peserta__periode_id",
            "tenggat",
            "indikator__kode",
        )
    )
    kelompok = defaultdict(list)
    for instansi_id, nama_instansi, periode_id, batas, kode in permintaan:
        kelompok[(instansi_id, nama_instansi, periode_id, batas)].append(kode)
    for (instansi_id, nama_instansi, periode_id, batas), kode in kelompok.items():
        p = periode[periode_id]
        sisa = _sisa_hari(batas, hari, sasaran, p.daftar_hari_pengingat)
        if sisa is None:
            continue
        hasil[instansi_id].append(
            Butir(
                batas=batas,
                judul=ngettext(
                    "Pengingat: %(n)s permintaan klarifikasi belum dijawab",
                    "Pengingat: %(n)s permintaan klarifikasi belum dijawab",
                    len(kode),
                )
                % {"n": len(kode)},
                teks=ngettext(
                    "%(n)s permintaan klarifikasi penilai kepada %(instansi)s (%(periode)s) belum dijawab, "
                    "indikator %(kode)s. Tenggat jawaban: %(waktu)s (%(sisa)s).",
                    "%(n)s permintaan klarifikasi penilai kepada %(instansi)s (%(periode)s) belum dijawab, "
                    "indikator %(kode)s. Tenggat jawaban: %(waktu)s (%(sisa)s).",
                    len(kode),
                )
                % {
                    "n": len(kode),
                    "instansi": nama_instansi,
                    "periode": p.nama,
                    "kode": ", ".join(dict.fromkeys(kode)),
                    "waktu": waktu_wib(batas),
                    "sisa": _sisa(sisa),
                },
                tautan=reverse("mandiri:klarifikasi_daftar", args=[p.tahun]),
                periode_id=periode_id,
            )
        )
    return hasil


def _pengingat_lembar(periode_list, hari, sasaran):
    """{user id: [Butir]}: evaluators with live unsubmitted sheets, on a reminder day of the stage's end."""
    batas_per_periode = {}
    for p in periode_list:
        if p.tahap in TAHAP_MENILAI:
            batas = batas_tahap(p)
            sisa = _sisa_hari(batas, hari, sasaran, p.daftar_hari_pengingat)
            if sisa is not None:
                batas_per_periode[p.pk] = (p, batas, sisa)
    hasil = defaultdict(list)
    if not batas_per_periode:
        return hasil
    lembar = (
        LembarPenilaian.objects.filter(
            periode__in=list(batas_per_periode), status__in=BELUM_DIKIRIM, penilai__is_active=True
        )
        .order_by()
        .values("penilai_id", "penilai__peran", "periode_id")
        .annotate(jumlah=Count("pk"))
    )
    for baris in lembar:
        p, batas, sisa = batas_per_periode[baris["periode_id"]]
        n = baris["jumlah"]
        beranda = "beranda_ketua" if baris["penilai__peran"] == Peran.KETUA else "beranda_penilai"
        hasil[baris["penilai_id"]].append(
            Butir(
                batas=batas,
                judul=ngettext(
                    "Pengingat: %(n)s lembar penilaian %(periode)s belum dikirim",
                    "Pengingat: %(n)s lembar penilaian %(periode)s belum dikirim",
                    n,
                )
                % {"n": n, "periode": p.nama},
                teks=ngettext(
                    "%(n)s lembar penilaian %(periode)s belum Anda kirim. "
                    "Tahap %(tahap)s berakhir %(waktu)s (%(sisa)s).",
                    "%(n)s lembar penilaian %(periode)s belum Anda kirim. "
                    "Tahap %(tahap)s berakhir %(waktu)s (%(sisa)s).",
                    n,
                )
                % {
                    "n": n,
                    "periode": p.nama,
                    "tahap": p.get_tahap_display(),
                    "waktu": waktu_wib(batas),
                    "sisa": _sisa(sisa),
                },
                tautan=f"{reverse(beranda)}?periode={p.tahun}",
                periode_id=p.pk,
            )
        )
    return hasil


def _digest(pengguna_id, butir, hari):
    butir = sorted(butir, key=lambda b: (b.batas, b.teks))
    if len(butir) == 1:
        judul = butir[0].judul
    else:
        judul = ngettext(
            "Pengingat tenggat: %(n)s pekerjaan belum selesai",
            "Pengingat tenggat: %(n)s pekerjaan belum selesai",
            len(butir),
        ) % {"n": len(butir)}
    isi = "\n".join(
        [
            _("Pekerjaan berikut belum selesai dan tenggatnya sudah dekat:"),
            "",
            *(f"• {b.teks}" for b in butir),
            "",
            _("Abaikan pengingat ini bila pekerjaan tersebut sudah Anda selesaikan hari ini."),
        ]
    )
    return Pesan(
        penerima_id=pengguna_id,
        judul=judul,
        isi=isi,
        tautan=butir[0].tautan,
        kunci=f"pengingat:{hari.isoformat()}",
        # A digest spanning two periods is listed under the one of its nearest deadline.
        periode_id=butir[0].periode_id,
    )


def kumpulkan_pengingat(hari, sekarang=None):
    """{user id: [Butir]}: what each person is to be reminded of on ``hari`` (reads only)."""
    sekarang = sekarang or datetime.datetime.combine(hari, JAM_PENGINGAT, tzinfo=WIB)
    sasaran = hari_sasaran(hari)
    if not sasaran:
        return {}
    periode_list = _periode_berjalan()
    per_instansi = _pengingat_mandiri(periode_list, hari, sasaran, sekarang)
    for instansi_id, butir in _pengingat_klarifikasi(periode_list, hari, sasaran).items():
        per_instansi[instansi_id].extend(butir)
    per_pengguna = _pengingat_lembar(periode_list, hari, sasaran)
    if per_instansi:
        operator = Pengguna.objects.filter(
            peran=Peran.OPERATOR, is_active=True, instansi_id__in=list(per_instansi)
        ).values_list("pk", "instansi_id")
        for pk, instansi_id in operator:
            per_pengguna[pk].extend(per_instansi[instansi_id])
    return per_pengguna


def kirim_pengingat(*, hari=None):
    """Write today's reminder digests (one per person with work due) and queue their e-mails.

    ``hari`` is the day of the run (by default today in WIB); run again on the same day it
    writes nothing new. Returns the number of digests computed.
    """
    sekarang = None
    if hari is None:
        sekarang = timezone.now()
        hari = timezone.localdate(sekarang, timezone=WIB)
    with transaction.atomic():
        per_pengguna = kumpulkan_pengingat(hari, sekarang)
        pesan = [_digest(pk, butir, hari) for pk, butir in sorted(per_pengguna.items()) if butir]
        beri_tahu_masing(pesan, jenis=Jenis.PENGINGAT_TENGGAT)
    return len(pesan)


# The summary of a missed deadline


def _daftar_nama(nama, sisa_teks):
    baris = [f"• {n}" for n in nama[:MAKS_NAMA]]
    if len(nama) > MAKS_NAMA:
        baris.append(sisa_teks % {"n": len(nama) - MAKS_NAMA})
    return "\n".join(baris)


def _terlewat_mandiri(periode_list, hari):
    """[(periode, deadline, [agency names])]: agencies whose own self-assessment deadline passed unsubmitted."""
    periode = {
        p.pk: p for p in periode_list if Tahap.urutan(p.tahap) >= Tahap.urutan(Tahap.PENILAIAN_MANDIRI)
    }
    if not periode:
        return []
    kelompok = defaultdict(list)
    for peserta in Peserta.objects.filter(
        periode__in=list(periode), dikirim_pada__isnull=True
    ).select_related("instansi"):
        peserta.periode = periode[peserta.periode_id]
        batas = tenggat(peserta)
        if batas is not None and 0 < (hari - _tanggal(batas)).days <= BATAS_SUSULAN:
            kelompok[(peserta.periode_id, _tanggal(batas))].append((batas, peserta.instansi.nama))
    return [
        (periode[periode_id], max(b for b, _n in daftar), sorted(n for _b, n in daftar))
        for (periode_id, _tgl), daftar in sorted(kelompok.items())
    ]


def _terlewat_lembar(periode_list, hari):
    """[(periode, deadline, [(evaluator's name, sheets)])]: unsubmitted sheets after the scoring stage's end."""
    periode = {}
    for p in periode_list:
        if Tahap.urutan(p.tahap) < Tahap.urutan(Tahap.VERIFIKASI):
            continue
        jadwal = p.jadwal_tahap(Tahap.VERIFIKASI)
        if jadwal and 0 < (hari - _tanggal(jadwal.selesai)).days <= BATAS_SUSULAN:
            periode[p.pk] = (p, jadwal.selesai)
    if not periode:
        return []
    per_periode = defaultdict(list)
    lembar = (
        LembarPenilaian.objects.filter(periode__in=list(periode), status__in=BELUM_DIKIRIM)
        .order_by()
        .values("periode_id", "penilai__nama", "penilai__username")
        .annotate(jumlah=Count("pk"))
    )
    for baris in lembar:
        nama = baris["penilai__nama"] or baris["penilai__username"]
        per_periode[baris["periode_id"]].append((nama, baris["jumlah"]))
    return [(*periode[pk], sorted(daftar)) for pk, daftar in sorted(per_periode.items())]


def _ringkasan_mandiri(periode, batas, nama):
    n = len(nama)
    judul = ngettext(
        "Tenggat penilaian mandiri %(periode)s terlewat: %(n)s instansi belum mengirim",
        "Tenggat penilaian mandiri %(periode)s terlewat: %(n)s instansi belum mengirim",
        n,
    ) % {"periode": periode.nama, "n": n}
    isi = "\n".join(
        [
            ngettext(
                "Tenggat penilaian mandiri %(periode)s berakhir %(waktu)s. %(n)s instansi belum mengirim "
                "penilaian mandirinya:",
                "Tenggat penilaian mandiri %(periode)s berakhir %(waktu)s. %(n)s instansi belum mengirim "
                "penilaian mandirinya:",
                n,
            )
            % {"periode": periode.nama, "waktu": waktu_wib(batas), "n": n},
            "",
            _daftar_nama(nama, _("• dan %(n)s instansi lainnya (lihat halaman Pengisian periode ini)")),
            "",
            _(
                "Instansi yang diberi perpanjangan dapat dibuka kembali penilaian mandirinya dari halaman Pengisian."
            ),
        ]
    )
    return judul, isi


def _ringkasan_lembar(periode, batas, daftar):
    lembar = sum(n for _nama, n in daftar)
    judul = ngettext(
        "Tenggat penilaian %(periode)s terlewat: %(n)s lembar belum dikirim",
        "Tenggat penilaian %(periode)s terlewat: %(n)s lembar belum dikirim",
        lembar,
    ) % {"periode": periode.nama, "n": lembar}
    baris = [
        ngettext("%(nama)s: %(n)s lembar", "%(nama)s: %(n)s lembar", n) % {"nama": nama, "n": n}
        for nama, n in daftar
    ]
    isi = "\n".join(
        [
            _(
                "Tahap %(tahap)s %(periode)s berakhir %(waktu)s. %(lembar)s lembar dari %(penilai)s penilai "
                "belum dikirim:"
            )
            % {
                "tahap": Tahap.VERIFIKASI.label,
                "periode": periode.nama,
                "waktu": waktu_wib(batas),
                "lembar": lembar,
                "penilai": len(daftar),
            },
            "",
            _daftar_nama(baris, _("• dan %(n)s penilai lainnya (lihat halaman Kemajuan penilaian)")),
        ]
    )
    return judul, isi


def kirim_tenggat_terlewat(*, hari=None):
    """Tell the admins and the panel chairs, once per deadline, who missed a deadline that passed.

    ``hari`` is the day of the run (by default today in WIB): deadlines of the days before it,
    up to ``BATAS_SUSULAN`` days back, are summarised, each under its own key. Returns the
    number of summaries computed (each to every admin and chair).
    """
    hari = hari or hari_ini()
    with transaction.atomic():
        periode_list = _periode_berjalan()
        ringkasan = []
        for periode, batas, nama in _terlewat_mandiri(periode_list, hari):
            ringkasan.append(
                (periode, Tahap.PENILAIAN_MANDIRI, batas, *_ringkasan_mandiri(periode, batas, nama))
            )
        for periode, batas, daftar in _terlewat_lembar(periode_list, hari):
            ringkasan.append((periode, Tahap.VERIFIKASI, batas, *_ringkasan_lembar(periode, batas, daftar)))
        if not ringkasan:
            return 0
        penerima = list(
            Pengguna.objects.filter(is_active=True, peran__in=[Peran.ADMIN, Peran.KETUA]).values_list(
                "pk", flat=True
            )
        )
        beri_tahu_masing(
            [
                Pesan(
                    penerima_id=pk,
                    judul=judul,
                    isi=isi,
                    tautan=reverse("penilaian:periode", args=[periode.tahun]),
                    kunci=f"terlewat:{periode.pk}:{tahap.value}:{_tanggal(batas).isoformat()}",
                    periode_id=periode.pk,
                )
                for periode, tahap, batas, judul, isi in ringkasan
                for pk in penerima
            ],
            jenis=Jenis.TENGGAT_TERLEWAT,
        )
    return len(ringkasan)
