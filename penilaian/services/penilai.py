"""Writes of the evaluation: conflicts of interest, assignments, scores, submission, moderation.

Every change of a score, every submission, return, moderation and cancellation
writes a RiwayatNilai row: the audit trail is complete by construction. Evaluators
are told (``notifikasi.peristiwa``) of the sheets they are given, that come back to
them, or that someone else cancels, in the same transaction.
"""

import csv
import io
import random
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from instansi.models import Instansi, Pengguna, Peran
from notifikasi import peristiwa

from ..jadwal import alasan_lewat_batas, waktu_wib
from ..models import (
    CaraPenugasan,
    JenisRiwayat,
    KonflikKepentingan,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    Periode,
    PermintaanKlarifikasi,
    ProfilPenilai,
    RiwayatNilai,
    StatusKlarifikasi,
    StatusLembar,
    StatusTinjauan,
    Tahap,
    TinjauanKonflik,
)
from .periode import tahan_periode

TAHAP_PENUGASAN = (Tahap.PENILAIAN_MANDIRI, Tahap.VERIFIKASI, Tahap.MODERASI)
TAHAP_MENILAI = (Tahap.VERIFIKASI, Tahap.MODERASI)


# Who may score whom


def instansi_terlarang(penilai):
    """Ids of the agencies this evaluator may never score: its own, its region's, its declared conflicts."""
    terlarang = set(KonflikKepentingan.objects.filter(penilai=penilai).values_list("instansi_id", flat=True))
    profil = ProfilPenilai.objects.filter(pengguna=penilai).first()
    if profil is not None:
        if profil.instansi_asal_id:
            terlarang.add(profil.instansi_asal_id)
        if profil.wilayah_id:
            terlarang.add(profil.wilayah_id)
            terlarang |= set(Instansi.objects.filter(induk=profil.wilayah_id).values_list("pk", flat=True))
    return terlarang


def _terlarang_semua(penilai_list):
    """instansi_terlarang for many evaluators in three queries: {penilai id: set of agency ids}."""
    hasil = {p.pk: set() for p in penilai_list}
    for penilai_id, instansi_id in KonflikKepentingan.objects.filter(penilai__in=hasil).values_list(
        "penilai_id", "instansi_id"
    ):
        hasil[penilai_id].add(instansi_id)
    profil = list(ProfilPenilai.objects.filter(pengguna__in=hasil))
    wilayah = {p.wilayah_id for p in profil if p.wilayah_id}
    per_provinsi = defaultdict(set)
    for pk, induk in Instansi.objects.filter(induk__in=wilayah).values_list("pk", "induk_id"):
        per_provinsi[induk].add(pk)
    for p in profil:
        if p.instansi_asal_id:
            hasil[p.pengguna_id].add(p.instansi_asal_id)
        if p.wilayah_id:
            hasil[p.pengguna_id] |= {p.wilayah_id, *per_provinsi[p.wilayah_id]}
    return hasil


def penilai_tersedia():
    """The evaluators automatic assignment draws on (the panel chair is assigned by hand)."""
    return Pengguna.objects.filter(peran=Peran.PENILAI, is_active=True).order_by("pk")


def _pastikan_tahap(periode, tahap, pesan):
    if periode.tahap not in tahap:
        raise ValidationError(pesan % {"tahap": periode.get_tahap_display()}, code="tahap")


def _kunci_periode(periode):
    return Periode.objects.select_for_update().get(pk=periode.pk)


# Conflicts of interest


@dataclass
class HasilKonflik:
    batal: list = field(
        default_factory=list
    )  # sheets cancelled at once: their agencies need another evaluator
    ditinjau: list = field(default_factory=list)  # submitted sheets sent to the panel chair


TAHAP_SELESAI_MENILAI = (Tahap.PENETAPAN, Tahap.PENGUMUMAN)


@transaction.atomic
def nyatakan_konflik(*, penilai, instansi, alasan, oleh=None):
    """Record a conflict of interest with an agency, and what it does to the evaluator's sheets for it.

    Unsubmitted sheets are cancelled (the agency needs another evaluator). A
    submitted sheet is not the evaluator's to retract: in a period still in
    scoring it goes to the panel chair (TinjauanKonflik) and keeps counting until
    the chair decides; in a period past scoring nothing changes at all. Declared by
    someone else (``oleh``, the admin), the evaluator is told of its cancelled sheets.
    """
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan konflik kepentingan."), code="alasan")
    try:
        with transaction.atomic():
            konflik = KonflikKepentingan.objects.create(penilai=penilai, instansi=instansi, alasan=alasan)
    except IntegrityError:
        raise ValidationError(
            _("Konflik dengan %(instansi)s sudah dinyatakan.") % {"instansi": instansi.nama}, code="ganda"
        ) from None
    hasil = HasilKonflik()
    lembar_list = (
        LembarPenilaian.objects.select_for_update()
        .filter(penilai=penilai, peserta__instansi=instansi)
        .exclude(status=StatusLembar.DIBATALKAN)
        .exclude(periode__tahap__in=TAHAP_SELESAI_MENILAI)
        .select_related("periode")
    )
    for lembar in lembar_list:
        if lembar.status == StatusLembar.DIKIRIM:
            TinjauanKonflik.objects.create(konflik=konflik, lembar=lembar)
            RiwayatNilai.objects.create(
                peserta_id=lembar.peserta_id,
                lembar=lembar,
                jenis=JenisRiwayat.KONFLIK,
                oleh=oleh or penilai,
                catatan=_(
                    "Konflik kepentingan dinyatakan setelah lembar dikirim: %(alasan)s. Menunggu keputusan ketua."
                )
                % {"alasan": alasan},
            )
            hasil.ditinjau.append(lembar)
        else:
            _batalkan(
                lembar, alasan=_("Konflik kepentingan: %(alasan)s") % {"alasan": alasan}, oleh=oleh or penilai
            )
            hasil.batal.append(lembar)
    if hasil.batal and oleh is not None and oleh.pk != penilai.pk:
        peristiwa.penugasan_dibatalkan(
            hasil.batal,
            penilai=penilai,
            instansi=instansi,
            periode=hasil.batal[0].periode,
            alasan=_("konflik kepentingan dinyatakan panitia (%(alasan)s)") % {"alasan": alasan.rstrip(".")},
        )
    return hasil


@transaction.atomic
def putuskan_konflik(*, tinjauan, terima, catatan, oleh):
    """The panel chair decides on a conflict declared against a submitted sheet, with a note.

    Accepted: the sheet is cancelled and stops counting; its agency needs another
    evaluator, and the evaluator is told. Rejected: the sheet stays as it was.
    Either way the audit trail says so.
    """
    tinjauan = (
        TinjauanKonflik.objects.select_for_update()
        .select_related("lembar__periode", "konflik__instansi")
        .get(pk=tinjauan.pk)
    )
    if tinjauan.status != StatusTinjauan.MENUNGGU:
        raise ValidationError(
            _("Pernyataan konflik ini sudah diputuskan: %(status)s.")
            % {"status": tinjauan.get_status_display().lower()},
            code="diputuskan",
        )
    lembar = LembarPenilaian.objects.select_for_update().get(pk=tinjauan.lembar_id)
    periode = _kunci_periode(lembar.periode)
    _pastikan_tahap(
        periode, TAHAP_MENILAI, _("Pernyataan konflik tidak dapat diputuskan pada tahap %(tahap)s.")
    )
    _pastikan_sebelum_batas(periode, _("keputusan konflik"))
    _pastikan_bebas_konflik(oleh, tinjauan.konflik.instansi)
    catatan = catatan.strip()
    if not catatan:
        raise ValidationError(_("Tuliskan alasan keputusan."), code="catatan")
    tinjauan.status = StatusTinjauan.DITERIMA if terima else StatusTinjauan.DITOLAK
    tinjauan.diputuskan_oleh = oleh
    tinjauan.diputuskan_pada = timezone.now()
    tinjauan.catatan = catatan
    tinjauan.save(update_fields=["status", "diputuskan_oleh", "diputuskan_pada", "catatan"])
    if terima:
        _batalkan(
            lembar,
            alasan=_("Konflik kepentingan diterima ketua: %(catatan)s") % {"catatan": catatan},
            oleh=oleh,
        )
        peristiwa.penugasan_dibatalkan(
            [lembar],
            penilai=Pengguna.objects.get(pk=lembar.penilai_id),
            instansi=tinjauan.konflik.instansi,
            periode=periode,
            alasan=_("ketua tim menerima pernyataan konflik kepentingan Anda (%(catatan)s)")
            % {"catatan": catatan.rstrip(".")},
        )
    else:
        RiwayatNilai.objects.create(
            peserta_id=lembar.peserta_id,
            lembar=lembar,
            jenis=JenisRiwayat.KONFLIK,
            oleh=oleh,
            catatan=_("Konflik kepentingan ditolak ketua; lembar tetap dihitung: %(catatan)s")
            % {"catatan": catatan},
        )
    return tinjauan


def _batalkan(lembar, *, alasan, oleh):
    lembar.status = StatusLembar.DIBATALKAN
    lembar.alasan_batal = alasan[:500]
    lembar.save(update_fields=["status", "alasan_batal"])
    RiwayatNilai.objects.create(
        peserta_id=lembar.peserta_id, lembar=lembar, jenis=JenisRiwayat.PEMBATALAN, oleh=oleh, catatan=alasan
    )


# Assignments


def _alasan_tidak_boleh(penilai, peserta):
    if penilai.peran not in (Peran.PENILAI, Peran.KETUA) or not penilai.is_active:
        return _("%(nama)s bukan penilai aktif.") % {"nama": penilai.nama}
    if peserta.instansi_id in instansi_terlarang(penilai):
        return _(
            "%(nama)s tidak boleh menilai %(instansi)s (instansi asal, wilayah asal, atau konflik kepentingan)."
        ) % {"nama": penilai.nama, "instansi": peserta.instansi.nama}
    return None


@transaction.atomic
def tugaskan(*, peserta, penilai, oleh, cara=CaraPenugasan.MANUAL):
    """Assign an evaluator to an agency by hand, and tell the evaluator."""
    periode = _kunci_periode(peserta.periode)
    _pastikan_tahap(periode, TAHAP_PENUGASAN, _("Penugasan tidak dapat diubah pada tahap %(tahap)s."))
    alasan = _alasan_tidak_boleh(penilai, peserta)
    if alasan:
        raise ValidationError(alasan, code="terlarang")
    if (
        LembarPenilaian.objects.filter(peserta=peserta, penilai=penilai)
        .exclude(status=StatusLembar.DIBATALKAN)
        .exists()
    ):
        raise ValidationError(
            _("%(nama)s sudah ditugaskan ke %(instansi)s.")
            % {"nama": penilai.nama, "instansi": peserta.instansi.nama},
            code="ganda",
        )
    lembar = LembarPenilaian.objects.create(
        periode=periode, peserta=peserta, penilai=penilai, cara=cara, ditugaskan_oleh=oleh
    )
    peristiwa.lembar_ditugaskan(lembar, instansi=peserta.instansi)
    return lembar


@transaction.atomic
def batalkan_penugasan(*, lembar, oleh, alasan=""):
    """Remove an assignment; a sheet with scores is kept as cancelled history. The evaluator is told."""
    _pastikan_tahap(
        _kunci_periode(lembar.periode),
        TAHAP_PENUGASAN,
        _("Penugasan tidak dapat diubah pada tahap %(tahap)s."),
    )
    if lembar.status == StatusLembar.DIKIRIM:
        raise ValidationError(_("Lembar yang sudah dikirim tidak dapat dibatalkan."), code="dikirim")
    alasan = alasan or _("Penugasan dicabut oleh admin.")
    _batalkan(lembar, alasan=alasan, oleh=oleh)
    if lembar.penilai_id != oleh.pk:
        peristiwa.penugasan_dibatalkan(
            [lembar],
            penilai=lembar.penilai,
            instansi=lembar.peserta.instansi,
            periode=lembar.periode,
            alasan=alasan,
        )


@dataclass
class HasilPenugasan:
    dibuat: int = 0
    dipindah: int = 0
    kurang: list = field(default_factory=list)  # [(peserta, how many evaluators are still missing)]
    beban: dict = field(default_factory=dict)  # {penilai: number of live sheets}

    @property
    def seimbang(self):
        return not self.beban or max(self.beban.values()) - min(self.beban.values()) <= 1


@transaction.atomic
def tugaskan_otomatis(*, periode, oleh, seed=None):
    """Give every participant its evaluators (the period's ``jumlah_penilai``), evenly.

    Never the evaluator's own agency, its region, or a declared conflict. Loads
    end up differing by at most one whenever the conflicts allow it: a greedy
    pass gives each slot to the least-loaded eligible evaluator (agencies with
    the fewest eligible evaluators first), then untouched sheets move along
    alternating paths from the most to the least loaded. Sheets already scored
    or submitted never move. Agencies that cannot get enough evaluators are
    returned in ``kurang`` for manual assignment. Each evaluator whose sheets
    changed gets one notice saying how many it got (and lost to the rebalancing).
    """
    periode = _kunci_periode(periode)
    _pastikan_tahap(periode, TAHAP_PENUGASAN, _("Penugasan tidak dapat diubah pada tahap %(tahap)s."))
    acak = random.Random(seed if seed is not None else periode.pk)  # noqa: S311 - fairness, not security
    pool = list(penilai_tersedia())
    if not pool:
        raise ValidationError(_("Belum ada penilai aktif."), code="tanpa_penilai")
    terlarang = _terlarang_semua(pool)
    peserta_list = list(periode.peserta.select_related("instansi"))
    aktif = list(LembarPenilaian.objects.filter(periode=periode).exclude(status=StatusLembar.DIBATALKAN))
    dinilai = set(
        NilaiPenilai.objects.filter(lembar__in=aktif).values_list("lembar_id", flat=True).distinct()
    )

    ditugaskan = defaultdict(set)  # peserta id -> penilai ids
    beban = {p.pk: 0 for p in pool}
    dapat_dipindah = {}  # (peserta id, penilai id) -> existing sheet that may still move
    for lembar in aktif:
        ditugaskan[lembar.peserta_id].add(lembar.penilai_id)
        if lembar.penilai_id in beban:
            beban[lembar.penilai_id] += 1
            if lembar.status == StatusLembar.DRAF and lembar.pk not in dinilai:
                dapat_dipindah[(lembar.peserta_id, lembar.penilai_id)] = lembar

    def boleh(penilai_id, peserta):
        return peserta.instansi_id not in terlarang[penilai_id] and penilai_id not in ditugaskan[peserta.pk]

    # 1. Greedy: most constrained agencies first, each slot to the least-loaded eligible evaluator.
    urutan = sorted(peserta_list, key=lambda p: (sum(boleh(q.pk, p) for q in pool), acak.random()))
    baru = set()  # (peserta id, penilai id)
    kurang = []
    for peserta in urutan:
        perlu = periode.jumlah_penilai - len(ditugaskan[peserta.pk])
        for _slot in range(max(perlu, 0)):
            calon = [q.pk for q in pool if boleh(q.pk, peserta)]
            if not calon:
                break
            terpilih = min(calon, key=lambda pk: (beban[pk], acak.random()))
            ditugaskan[peserta.pk].add(terpilih)
            beban[terpilih] += 1
            baru.add((peserta.pk, terpilih))
    # 2. Rebalance: move a movable assignment along a path from the most to the least loaded.
    per_id = {p.pk: p for p in peserta_list}
    dipindah = 0
    dipindah_dari = defaultdict(list)  # penilai id -> names of the agencies moved away from it
    for _putaran in range(len(peserta_list) * periode.jumlah_penilai + 1):
        paling_ringan = min(beban, key=beban.get)
        paling_berat = max(beban, key=beban.get)
        if beban[paling_berat] - beban[paling_ringan] <= 1:
            break
        jalur = _jalur_pindah(paling_berat, beban, ditugaskan, per_id, terlarang, baru, dapat_dipindah)
        if jalur is None:
            break
        for peserta_id, dari, ke in jalur:
            ditugaskan[peserta_id].discard(dari)
            ditugaskan[peserta_id].add(ke)
            if (peserta_id, dari) in baru:
                baru.discard((peserta_id, dari))
            else:
                lembar = dapat_dipindah.pop((peserta_id, dari))
                _batalkan(lembar, alasan=_("Dipindahkan untuk menyeimbangkan beban penilai."), oleh=oleh)
                dipindah += 1
                dipindah_dari[dari].append(per_id[peserta_id].instansi.nama)
            baru.add((peserta_id, ke))
        beban[jalur[0][1]] -= 1
        beban[jalur[-1][2]] += 1

    LembarPenilaian.objects.bulk_create(
        LembarPenilaian(
            periode=periode,
            peserta_id=peserta_id,
            penilai_id=penilai_id,
            cara=CaraPenugasan.OTOMATIS,
            ditugaskan_oleh=oleh,
        )
        for peserta_id, penilai_id in sorted(baru)
    )
    baru_untuk = defaultdict(list)
    for peserta_id, penilai_id in baru:
        baru_untuk[penilai_id].append(per_id[peserta_id].instansi.nama)
    peristiwa.penugasan_berubah(periode, baru=baru_untuk, dipindah=dipindah_dari)
    for peserta in peserta_list:
        sisa = periode.jumlah_penilai - len(ditugaskan[peserta.pk])
        if sisa > 0:
            kurang.append((peserta, sisa))
    nama = {p.pk: p for p in pool}
    return HasilPenugasan(
        dibuat=len(baru),
        dipindah=dipindah,
        kurang=sorted(kurang, key=lambda k: k[0].instansi.nama),
        beban={nama[pk]: n for pk, n in beban.items()},
    )


def _jalur_pindah(sumber, beban, ditugaskan, per_id, terlarang, baru, dapat_dipindah):
    """A shortest chain of moves taking one sheet from ``sumber`` to an evaluator with load ≤ beban[sumber] − 2.

    Each step moves an agency from one evaluator to another that may score it
    and does not have it yet. Returns [(peserta id, from, to)], or None.
    """
    target = beban[sumber] - 2
    asal = {sumber: None}
    antrean = deque([sumber])
    while antrean:
        dari = antrean.popleft()
        for peserta_id, penilai_ids in ditugaskan.items():
            if dari not in penilai_ids:
                continue
            if (peserta_id, dari) not in baru and (peserta_id, dari) not in dapat_dipindah:
                continue  # already scored, submitted, or not ours to move
            peserta = per_id[peserta_id]
            for ke in beban:
                if ke in asal or ke in penilai_ids or peserta.instansi_id in terlarang[ke]:
                    continue
                asal[ke] = (peserta_id, dari)
                if beban[ke] <= target:
                    jalur = []
                    while asal[ke] is not None:
                        pid, sebelumnya = asal[ke]
                        jalur.append((pid, sebelumnya, ke))
                        ke = sebelumnya
                    return list(reversed(jalur))
                antrean.append(ke)
    return None


KOLOM_CSV = ("kode_instansi", "username_penilai")


@transaction.atomic
def impor_penugasan_csv(*, periode, berkas, oleh):
    """Assign evaluators from a CSV file (kode_instansi, username_penilai); all rows or none.

    Refused with every problem, by row number, when a row is unknown, not a
    participant, a duplicate, or a conflict of interest. Each evaluator named gets
    one notice listing its new agencies.
    """
    periode = _kunci_periode(periode)
    _pastikan_tahap(periode, TAHAP_PENUGASAN, _("Penugasan tidak dapat diubah pada tahap %(tahap)s."))
    try:
        teks = berkas.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Berkas bukan CSV teks UTF-8."), code="format") from None
    pembaca = csv.DictReader(io.StringIO(teks), delimiter=";" if teks.count(";") > teks.count(",") else ",")
    kolom = [k.strip().lower() for k in (pembaca.fieldnames or [])]
    hilang = [k for k in KOLOM_CSV if k not in kolom]
    if hilang:
        raise ValidationError(
            _("Baris 1: kolom %(kolom)s tidak ada; kolom yang diperlukan: kode_instansi, username_penilai.")
            % {"kolom": ", ".join(hilang)},
            code="kolom",
        )
    peserta = {p.instansi.kode: p for p in periode.peserta.select_related("instansi")}
    penilai = {
        u.username: u for u in Pengguna.objects.filter(peran__in=[Peran.PENILAI, Peran.KETUA], is_active=True)
    }
    ada = set(
        LembarPenilaian.objects.filter(periode=periode)
        .exclude(status=StatusLembar.DIBATALKAN)
        .values_list("peserta_id", "penilai_id")
    )
    terlarang = _terlarang_semua(list(penilai.values()))
    pesan, rencana = [], []
    for nomor, baris in enumerate(pembaca, start=2):
        baris = {(k or "").strip().lower(): (v or "").strip() for k, v in baris.items()}
        kode, username = baris.get("kode_instansi", ""), baris.get("username_penilai", "")
        if not kode and not username:
            continue
        p, u = peserta.get(kode), penilai.get(username)
        if p is None:
            pesan.append(
                _("Baris %(n)s: %(kode)s bukan instansi peserta periode ini.") % {"n": nomor, "kode": kode}
            )
        if u is None:
            pesan.append(_("Baris %(n)s: %(user)s bukan penilai aktif.") % {"n": nomor, "user": username})
        if p is None or u is None:
            continue
        if p.instansi_id in terlarang[u.pk]:
            pesan.append(
                _(
                    "Baris %(n)s: %(nama)s tidak boleh menilai %(instansi)s (konflik kepentingan atau wilayah)."
                )
                % {"n": nomor, "nama": u.nama, "instansi": p.instansi.nama}
            )
        elif (p.pk, u.pk) in ada:
            pesan.append(
                _("Baris %(n)s: %(nama)s sudah ditugaskan ke %(instansi)s.")
                % {"n": nomor, "nama": u.nama, "instansi": p.instansi.nama}
            )
        else:
            ada.add((p.pk, u.pk))
            rencana.append((p, u))
    if pesan:
        raise ValidationError(pesan, code="baris")
    if not rencana:
        raise ValidationError(_("Berkas tidak berisi penugasan."), code="kosong")
    LembarPenilaian.objects.bulk_create(
        LembarPenilaian(periode=periode, peserta=p, penilai=u, cara=CaraPenugasan.CSV, ditugaskan_oleh=oleh)
        for p, u in rencana
    )
    baru_untuk = defaultdict(list)
    for p, u in rencana:
        baru_untuk[u.pk].append(p.instansi.nama)
    peristiwa.penugasan_berubah(periode, baru=baru_untuk, peran={u.pk: u.peran for _p, u in rencana})
    return len(rencana)


# Scoring


class NilaiKedaluwarsa(ValidationError):
    """A save from a stale page: the score changed since that page was loaded."""

    def __init__(self, nilai):
        self.nilai = nilai
        super().__init__(
            _(
                "Nilai indikator %(kode)s sudah diubah di tab atau jendela lain (level %(level)s, %(waktu)s). "
                "Isian Anda belum disimpan: muat ulang halaman untuk melihat nilai terbaru."
            )
            % {
                "kode": nilai.indikator.kode,
                "level": "—" if nilai.level is None else nilai.level,
                "waktu": timezone.localtime(nilai.diperbarui).strftime("%H.%M.%S"),
            },
            code="kedaluwarsa",
        )


def alasan_lembar_terkunci(lembar):
    """Why the sheet cannot be changed now, or None."""
    if lembar.status == StatusLembar.DIBATALKAN:
        return _("Penugasan ini sudah dibatalkan.")
    if lembar.status == StatusLembar.DIKIRIM:
        return _("Lembar penilaian sudah dikirim dan kini hanya dapat dibaca.")
    if lembar.periode.tahap not in TAHAP_MENILAI:
        return _(
            "Penilaian hanya dapat diisi pada tahap Verifikasi dan penilaian atau Moderasi (sekarang: %(tahap)s)."
        ) % {"tahap": lembar.periode.get_tahap_display()}
    return alasan_lewat_batas(lembar.periode, _("nilai dan pengiriman lembar"))


def _pastikan_sebelum_batas(periode, apa):
    alasan = alasan_lewat_batas(periode, apa)
    if alasan:
        raise ValidationError(alasan, code="lewat_batas")


def _pastikan_bebas_konflik(oleh, instansi):
    """The panel chair does not settle scores of an agency it may not score itself (admins may)."""
    if oleh.peran == Peran.KETUA and instansi.pk in instansi_terlarang(oleh):
        raise ValidationError(
            _(
                "Anda tidak dapat memutuskan nilai %(instansi)s: instansi ini instansi asal, wilayah, atau "
                "konflik kepentingan Anda. Keputusan untuk instansi ini diambil admin."
            )
            % {"instansi": instansi.nama},
            code="konflik",
        )


def _kunci_lembar(lembar):
    # The sheet locked, its period only held: the room's other autosaves do not wait for this one.
    tahan_periode(lembar.periode_id)
    lembar = (
        LembarPenilaian.objects.select_for_update(of=("self",)).select_related("periode").get(pk=lembar.pk)
    )
    alasan = alasan_lembar_terkunci(lembar)
    if alasan:
        raise ValidationError(alasan, code="terkunci")
    return lembar


@transaction.atomic
def simpan_nilai(*, lembar, indikator, level, catatan, versi, oleh, catatan_panel=None, kunci=None):
    """Save the evaluator's level, note and panel-only note for one indicator (the autosave).

    ``catatan_panel=None`` leaves the panel-only note as it is.
    ``versi`` is the version the page was showing: if the score was saved since
    (another tab, a second request at once), NilaiKedaluwarsa is raised and
    nothing is overwritten. ``kunci`` is the page's key for this edit, sent again
    with each retry of it: when it is the key of the last save applied, this save
    was applied already and its answer lost on the way, so the score is returned
    as it stands (no second change, no second audit entry) instead of being
    refused as stale. Returns the saved NilaiPenilai, with its new version; a
    change adds a NILAI entry to RiwayatNilai.
    """
    lembar = _kunci_lembar(lembar)
    if indikator.periode_id != lembar.periode_id:
        raise ValidationError(_("Indikator bukan bagian dari instrumen periode ini."))
    if level is not None and level not in {r.level for r in indikator.rubrik.all()}:
        raise ValidationError(_("Pilih salah satu level rubrik indikator ini."), code="level")
    catatan = catatan.strip()
    nilai, _dibuat = NilaiPenilai.objects.get_or_create(lembar=lembar, indikator=indikator)
    if kunci is not None and nilai.kunci_simpan == kunci:
        return nilai
    if nilai.versi != versi:
        raise NilaiKedaluwarsa(nilai)
    catatan_panel = nilai.catatan_panel if catatan_panel is None else catatan_panel.strip()
    if (nilai.level, nilai.catatan, nilai.catatan_panel) == (level, catatan, catatan_panel):
        return nilai
    # Compare-and-set: of two saves carrying the same version, exactly one matches.
    sekarang = timezone.now()
    diubah = (
        NilaiPenilai.objects.filter(pk=nilai.pk, versi=versi)
        .milik(lembar.penilai_id)
        .update(
            level=level,
            catatan=catatan,
            catatan_panel=catatan_panel,
            versi=F("versi") + 1,
            kunci_simpan=kunci,
            diperbarui=sekarang,
        )
    )
    if not diubah:
        nilai.refresh_from_db()
        raise NilaiKedaluwarsa(nilai)
    RiwayatNilai.objects.create(
        peserta_id=lembar.peserta_id,
        lembar=lembar,
        indikator=indikator,
        jenis=JenisRiwayat.NILAI,
        oleh=oleh,
        level_lama=nilai.level,
        level_baru=level,
        catatan=catatan,
    )
    # As the update wrote it: no query to read it back.
    nilai.level, nilai.catatan, nilai.catatan_panel = level, catatan, catatan_panel
    nilai.versi, nilai.kunci_simpan, nilai.diperbarui = versi + 1, kunci, sekarang
    return nilai


def masalah_lembar(lembar):
    """What keeps the sheet from being submitted.

    Indicators without a level, differing levels without a note, and its own
    clarification requests still open and not yet due.
    """
    nilai = {n.indikator_id: n for n in lembar.nilai.all()}
    mandiri = dict(lembar.peserta.jawaban.values_list("indikator_id", "level"))
    tanpa_level, tanpa_catatan = [], []
    for indikator in lembar.periode.indikator.order_by("elemen__urutan", "urutan"):
        n = nilai.get(indikator.pk)
        if n is None or n.level is None:
            tanpa_level.append(indikator.kode)
        elif n.level != mandiri.get(indikator.pk) and not n.catatan.strip():
            tanpa_catatan.append(indikator.kode)
    pesan = []
    if tanpa_level:
        pesan.append(
            _("%(n)s indikator belum dinilai: %(kode)s.")
            % {"n": len(tanpa_level), "kode": ", ".join(tanpa_level)}
        )
    if tanpa_catatan:
        pesan.append(
            _("Catatan wajib diisi bila level berbeda dari penilaian mandiri instansi: %(kode)s.")
            % {"kode": ", ".join(tanpa_catatan)}
        )
    # The agency still has time to answer: the sheet waits for it, or the evaluator withdraws.
    for permintaan in (
        PermintaanKlarifikasi.objects.filter(
            lembar=lembar, status=StatusKlarifikasi.TERBUKA, tenggat__gt=timezone.now()
        )
        .select_related("indikator")
        .order_by("tenggat")
    ):
        pesan.append(
            _(
                "Permintaan klarifikasi indikator %(kode)s masih menunggu jawaban instansi sampai %(tenggat)s; "
                "tunggu jawabannya atau tarik permintaan itu."
            )
            % {"kode": permintaan.indikator.kode, "tenggat": waktu_wib(permintaan.tenggat)}
        )
    return pesan


@transaction.atomic
def kirim_lembar(*, lembar, oleh):
    """Submit a complete sheet; it becomes read-only and the evaluator may see the others' scores."""
    lembar = _kunci_lembar(lembar)
    pesan = masalah_lembar(lembar)
    if pesan:
        raise ValidationError(pesan, code="belum_lengkap")
    lembar.status = StatusLembar.DIKIRIM
    lembar.dikirim_pada = timezone.now()
    lembar.save(update_fields=["status", "dikirim_pada"])
    RiwayatNilai.objects.create(
        peserta_id=lembar.peserta_id, lembar=lembar, jenis=JenisRiwayat.KIRIM, oleh=oleh
    )
    return lembar


# Moderation by the panel chair


@transaction.atomic
def moderasi_nilai(*, peserta, indikator, level, alasan, oleh):
    """Settle the final level of an indicator for an agency, with a reason (replaces an earlier settlement)."""
    periode = _kunci_periode(peserta.periode)
    _pastikan_tahap(periode, TAHAP_MENILAI, _("Moderasi tidak dapat dilakukan pada tahap %(tahap)s."))
    _pastikan_sebelum_batas(periode, _("nilai akhir"))
    _pastikan_bebas_konflik(oleh, peserta.instansi)
    alasan = alasan.strip()
    if not alasan:
        raise ValidationError(_("Tuliskan alasan nilai akhir."), code="alasan")
    return tetapkan_level(peserta=peserta, indikator=indikator, level=level, alasan=alasan, oleh=oleh)


def tetapkan_level(*, peserta, indikator, level, alasan, oleh):
    """Settle (or re-settle) the final level with a Moderasi and a MODERASI audit entry.

    Shared by moderation and accepted objections; callers hold the period's lock and
    have checked the stage, the chair's conflicts and the reason.
    """
    if level not in {r.level for r in indikator.rubrik.all()}:
        raise ValidationError(_("Pilih salah satu level rubrik indikator ini."), code="level")
    lama = Moderasi.objects.select_for_update().filter(peserta=peserta, indikator=indikator).first()
    if lama is not None and (lama.level, lama.alasan) == (level, alasan):
        return lama  # the same settlement posted again (a double click, a resent form): nothing changes
    moderasi, _dibuat = Moderasi.objects.update_or_create(
        peserta=peserta,
        indikator=indikator,
        defaults={"level": level, "alasan": alasan, "oleh": oleh, "waktu": timezone.now()},
    )
    RiwayatNilai.objects.create(
        peserta=peserta,
        indikator=indikator,
        jenis=JenisRiwayat.MODERASI,
        oleh=oleh,
        level_lama=lama.level if lama else None,
        level_baru=level,
        catatan=alasan,
    )
    return moderasi


@transaction.atomic
def kembalikan_lembar(*, lembar, catatan, oleh):
    """Send a submitted sheet back to its evaluator with a note; it becomes editable again, and the evaluator is told."""
    lembar = (
        LembarPenilaian.objects.select_for_update(of=("self",))
        .select_related("periode", "peserta__instansi", "penilai")
        .get(pk=lembar.pk)
    )
    _pastikan_tahap(lembar.periode, TAHAP_MENILAI, _("Lembar tidak dapat dikembalikan pada tahap %(tahap)s."))
    _pastikan_sebelum_batas(lembar.periode, _("pengembalian lembar"))
    _pastikan_bebas_konflik(oleh, lembar.peserta.instansi)
    if lembar.status != StatusLembar.DIKIRIM:
        raise ValidationError(_("Hanya lembar yang sudah dikirim yang dapat dikembalikan."), code="status")
    catatan = catatan.strip()
    if not catatan:
        raise ValidationError(_("Tuliskan catatan untuk penilai."), code="catatan")
    lembar.status = StatusLembar.DIKEMBALIKAN
    lembar.catatan_pengembalian = catatan
    lembar.save(update_fields=["status", "catatan_pengembalian"])
    RiwayatNilai.objects.create(
        peserta_id=lembar.peserta_id,
        lembar=lembar,
        jenis=JenisRiwayat.PENGEMBALIAN,
        oleh=oleh,
        catatan=catatan,
    )
    peristiwa.lembar_dikembalikan(lembar)
    return lembar
