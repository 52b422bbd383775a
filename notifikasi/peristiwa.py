"""The events that tell someone: one function per event, called by the domain service inside its transaction.

Each builds its notice in Indonesian (the agency, the indicator, the period and the
deadline in WIB, named) with a link to the page where the recipient acts, and writes
it through ``services``: a rolled-back action tells nobody, a committed one is mailed
by the outbox afterwards. An event costs a fixed number of queries whatever the number
of agencies or evaluators it tells: the recipients in one, their preferences in one,
every row in one insert.

Agencies never learn who scored them or decided about them: their texts say "penilai"
and "panel", never a name. An event that a retried task or a second call could repeat
carries a ``kunci``, so that each recipient is told of it once.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from instansi.models import Pengguna, Peran
from penilaian.jadwal import waktu_wib
from penilaian.models import StatusSanggah, Tahap

from . import services
from .models import Jenis, Notifikasi
from .services import Pesan

# How many agency names a notice lists before "and N others".
MAKS_NAMA = 5

# A scheduled announcement is told of when its time has come (``umumkan_yang_tiba``); one that
# came longer ago than this, before notifications existed or while no beat ran, is left untold.
JENDELA_PENGUMUMAN = timedelta(days=7)


# Recipients


def _operator(**saring):
    """The active operators of the agencies ``saring`` selects: [(user id, agency id, agency name)], one query."""
    return list(
        Pengguna.objects.filter(peran=Peran.OPERATOR, is_active=True, **saring)
        .order_by("pk")
        .values_list("pk", "instansi_id", "instansi__nama")
    )


def _operator_peserta(peserta_id):
    return _operator(instansi__kepesertaan=peserta_id)


def _sudah(periode_id, jenis, kunci):
    """Someone was told of this keyed event already (its rows are written together, so all were)."""
    return Notifikasi.objects.filter(
        periode_id=periode_id, jenis=jenis, kunci__startswith=f"{kunci}:"
    ).exists()


def _daftar(nama, maks=MAKS_NAMA):
    """Names as a sentence lists them: "A, B dan C"; past ``maks``, "A, B, C, D, E dan 7 lainnya"."""
    nama = list(nama)
    if not nama:
        return ""
    if len(nama) > maks:
        return _("%(nama)s dan %(n)s lainnya") % {"nama": ", ".join(nama[:maks]), "n": len(nama) - maks}
    if len(nama) == 1:
        return nama[0]
    return _("%(nama)s dan %(akhir)s") % {"nama": ", ".join(nama[:-1]), "akhir": nama[-1]}


# 1. A period opens for self-assessment


def periode_dibuka(periode):
    """Tell the operators of every participating agency that self-assessment is open, and until when."""
    jadwal = periode.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).first()
    batas = (
        _(" paling lambat %(waktu)s; setelah itu isian tidak dapat diubah lagi")
        % {"waktu": waktu_wib(jadwal.selesai)}
        if jadwal
        else ""
    )
    judul = _("Penilaian mandiri %(periode)s dibuka") % {"periode": periode.nama}
    tautan = reverse("mandiri:ringkasan", args=[periode.tahun])
    return services.beri_tahu_masing(
        [
            Pesan(
                penerima_id=pk,
                judul=judul,
                isi=_(
                    "Penilaian mandiri %(periode)s untuk %(instansi)s telah dibuka. Jawab setiap indikator, "
                    "unggah bukti dukungnya, lalu kirim penilaian mandiri%(batas)s."
                )
                % {"periode": periode.nama, "instansi": instansi, "batas": batas},
                tautan=tautan,
                kunci=f"periode:{periode.pk}:dibuka",
                periode_id=periode.pk,
            )
            for pk, _id, instansi in _operator(instansi__kepesertaan__periode=periode)
        ],
        jenis=Jenis.PERIODE_DIBUKA,
    )


# 2. Clarification


def klarifikasi_diminta(permintaan, *, periode):
    """Tell the agency's operators what the evaluator asks about which indicator, and the due date."""
    penerima = _operator_peserta(permintaan.peserta_id)
    if not penerima:
        return []
    instansi = penerima[0][2]
    kode = permintaan.indikator.kode
    berkas = (
        _("\n\nBerkas yang dipertanyakan: %(berkas)s.") % {"berkas": permintaan.bukti.nama_berkas}
        if permintaan.bukti_id
        else ""
    )
    return services.beri_tahu(
        [pk for pk, _id, _nama in penerima],
        jenis=Jenis.KLARIFIKASI_DIMINTA,
        judul=_("Permintaan klarifikasi indikator %(kode)s, %(periode)s")
        % {"kode": kode, "periode": periode.nama},
        isi=_(
            "Penilai meminta klarifikasi %(instansi)s atas indikator %(kode)s:\n\n%(pertanyaan)s%(berkas)s\n\n"
            "Jawab paling lambat %(tenggat)s; setelah itu jawaban tidak dapat dikirim lagi."
        )
        % {
            "instansi": instansi,
            "kode": kode,
            "pertanyaan": permintaan.pertanyaan,
            "berkas": berkas,
            "tenggat": waktu_wib(permintaan.tenggat),
        },
        tautan=reverse("mandiri:klarifikasi_jawab", args=[periode.tahun, permintaan.pk]),
        periode=periode,
        kunci=f"klarifikasi:{permintaan.pk}:diminta",
    )


def klarifikasi_ditarik(permintaan):
    """Tell the agency's operators that a request they were asked to answer no longer needs an answer.

    ``permintaan`` with its agency, indicator and the sheet's period (``_kunci_permintaan``).
    """
    periode = permintaan.lembar.periode
    kode = permintaan.indikator.kode
    return services.beri_tahu(
        [pk for pk, _id, _nama in _operator(instansi_id=permintaan.peserta.instansi_id)],
        jenis=Jenis.KLARIFIKASI_DIMINTA,
        judul=_("Permintaan klarifikasi indikator %(kode)s ditarik, %(periode)s")
        % {"kode": kode, "periode": periode.nama},
        isi=_(
            "Penilai menarik permintaan klarifikasi %(instansi)s atas indikator %(kode)s yang diajukan pada "
            "%(waktu)s. Permintaan itu tidak perlu dijawab lagi."
        )
        % {"instansi": permintaan.peserta.instansi.nama, "kode": kode, "waktu": waktu_wib(permintaan.dibuat)},
        tautan=reverse("mandiri:klarifikasi_daftar", args=[periode.tahun]),
        periode=periode,
        kunci=f"klarifikasi:{permintaan.pk}:ditarik",
    )


def klarifikasi_dijawab(permintaan, *, berkas=None):
    """Tell the evaluator who asked that the agency answered, with the answer and any new file.

    ``permintaan`` with its agency, indicator and the sheet's period and evaluator.
    """
    lembar = permintaan.lembar
    if not lembar.penilai.is_active:
        return []
    kode = permintaan.indikator.kode
    instansi = permintaan.peserta.instansi.nama
    lampiran = (
        _("\n\nBerkas baru: %(berkas)s.") % {"berkas": berkas.nama_berkas} if berkas is not None else ""
    )
    return services.beri_tahu(
        [lembar.penilai_id],
        jenis=Jenis.KLARIFIKASI_DIJAWAB,
        judul=_("%(instansi)s menjawab klarifikasi indikator %(kode)s")
        % {"instansi": instansi, "kode": kode},
        isi=_(
            "%(instansi)s menjawab permintaan klarifikasi Anda atas indikator %(kode)s (%(periode)s):\n\n"
            "%(jawaban)s%(lampiran)s"
        )
        % {
            "instansi": instansi,
            "kode": kode,
            "periode": lembar.periode.nama,
            "jawaban": permintaan.jawaban,
            "lampiran": lampiran,
        },
        tautan=f"{reverse('penilai:lembar', args=[lembar.pk])}#indikator-{permintaan.indikator_id}",
        periode=lembar.periode,
        kunci=f"klarifikasi:{permintaan.pk}:dijawab",
    )


# 3. Objections


def _angka(level):
    """A level as Indonesians write it: 2,5 rather than 2.5000 (as penilaian.services.sanggah writes it)."""
    return f"{level.normalize():f}".replace(".", ",")


def sanggah_diputus(sanggah, *, periode):
    """Tell the agency's operators the panel's decision on their objection: accepted with the new level, or not.

    ``sanggah`` with its agency and indicator.
    """
    instansi = sanggah.peserta.instansi
    kode = sanggah.indikator.kode
    diterima = sanggah.status == StatusSanggah.DITERIMA
    konteks = {
        "instansi": instansi.nama,
        "kode": kode,
        "periode": periode.nama,
        "semula": _angka(sanggah.level_semula),
        "baru": sanggah.level_baru,
        "alasan": sanggah.keputusan,
    }
    if diterima:
        judul = _("Sanggah indikator %(kode)s diterima") % konteks
        isi = (
            _(
                "Panel penilai menerima sanggah %(instansi)s atas indikator %(kode)s (%(periode)s). "
                "Level sementara %(semula)s menjadi level %(baru)s.\n\nAlasan panel: %(alasan)s"
            )
            % konteks
        )
    else:
        judul = _("Sanggah indikator %(kode)s ditolak") % konteks
        isi = (
            _(
                "Panel penilai menolak sanggah %(instansi)s atas indikator %(kode)s (%(periode)s). "
                "Level sementara %(semula)s tidak berubah.\n\nAlasan panel: %(alasan)s"
            )
            % konteks
        )
    return services.beri_tahu(
        [pk for pk, _id, _nama in _operator(instansi_id=instansi.pk)],
        jenis=Jenis.SANGGAH_DIPUTUS,
        judul=judul,
        isi=isi,
        tautan=reverse("mandiri:sanggah_ajukan", args=[periode.tahun, kode]),
        periode=periode,
        kunci=f"sanggah:{sanggah.pk}:diputus",
    )


# 4. Evaluators' sheets


# As penilaian.services.penilai's (not imported from there: that module calls this one).
TAHAP_MENILAI = (Tahap.VERIFIKASI, Tahap.MODERASI)


def _kalimat_batas(periode):
    """When the evaluator scores: " Penilaian dibuka ... dan lembar dikirim paling lambat ..."; one query."""
    tahap = periode.tahap if periode.tahap in TAHAP_MENILAI else Tahap.VERIFIKASI
    jadwal = periode.jadwal_tahap(tahap)
    if jadwal is None:
        return ""
    if periode.tahap not in TAHAP_MENILAI:
        return _(" Penilaian dibuka %(mulai)s; kirim lembar paling lambat %(selesai)s.") % {
            "mulai": waktu_wib(jadwal.mulai),
            "selesai": waktu_wib(jadwal.selesai),
        }
    return _(" Kirim lembar paling lambat %(selesai)s.") % {"selesai": waktu_wib(jadwal.selesai)}


def _daftar_kerja(pengguna_peran, periode):
    nama = "beranda_ketua" if pengguna_peran == Peran.KETUA else "beranda_penilai"
    return f"{reverse(nama)}?periode={periode.tahun}"


def lembar_ditugaskan(lembar, *, instansi):
    """Tell an evaluator assigned by hand which agency to score, and until when."""
    periode = lembar.periode
    return services.beri_tahu(
        [lembar.penilai_id],
        jenis=Jenis.LEMBAR_DITUGASKAN,
        judul=_("Lembar penilaian baru: %(instansi)s") % {"instansi": instansi.nama},
        isi=_("Anda ditugaskan menilai %(instansi)s pada %(periode)s.%(batas)s")
        % {"instansi": instansi.nama, "periode": periode.nama, "batas": _kalimat_batas(periode)},
        tautan=reverse("penilai:lembar", args=[lembar.pk]),
        periode=periode,
        kunci=f"lembar:{lembar.pk}:ditugaskan",
    )


def penugasan_berubah(periode, *, baru, dipindah=None, peran=None):
    """Tell each evaluator, in one notice, how many sheets it got (and lost to rebalancing) at once.

    ``baru`` and ``dipindah`` map an evaluator's id to the names of the agencies it was
    given, or whose untouched sheet moved to another evaluator; ``peran`` maps an id to
    its role (the panel chair's worklist is on its own page). One notice per evaluator:
    an automatic assignment of 627 agencies is a few notices, not hundreds.
    """
    dipindah = dipindah or {}
    peran = peran or {}
    batas = _kalimat_batas(periode)
    pesan = []
    for penilai_id in sorted(set(baru) | set(dipindah)):
        nama_baru, nama_pindah = baru.get(penilai_id, []), dipindah.get(penilai_id, [])
        konteks = {
            "periode": periode.nama,
            "n": len(nama_baru),
            "daftar": _daftar(sorted(nama_baru)),
            "m": len(nama_pindah),
            "pindah": _daftar(sorted(nama_pindah)),
            "batas": batas,
        }
        pindah = (
            _(
                " %(m)s lembar Anda yang belum diisi (%(pindah)s) dipindahkan ke penilai lain untuk menyeimbangkan beban."
            )
            % konteks
            if nama_pindah
            else ""
        )
        if nama_baru:
            judul = _("%(n)s lembar penilaian baru, %(periode)s") % konteks
            isi = (
                _("Anda ditugaskan menilai %(n)s instansi pada %(periode)s: %(daftar)s.%(batas)s") % konteks
                + pindah
            )
        else:
            judul = _("Penugasan Anda pada %(periode)s berubah") % konteks
            isi = pindah.strip()
        pesan.append(
            Pesan(
                penerima_id=penilai_id,
                judul=judul,
                isi=isi,
                tautan=_daftar_kerja(peran.get(penilai_id), periode),
                periode_id=periode.pk,
            )
        )
    return services.beri_tahu_masing(pesan, jenis=Jenis.LEMBAR_DITUGASKAN)


def lembar_dikembalikan(lembar):
    """Tell the evaluator its submitted sheet came back from the panel chair, with the chair's note.

    ``lembar`` with its period, agency and evaluator.
    """
    if not lembar.penilai.is_active:
        return []
    instansi = lembar.peserta.instansi.nama
    return services.beri_tahu(
        [lembar.penilai_id],
        jenis=Jenis.LEMBAR_DIKEMBALIKAN,
        judul=_("Lembar %(instansi)s dikembalikan ketua tim") % {"instansi": instansi},
        isi=_(
            "Ketua tim mengembalikan lembar penilaian %(instansi)s (%(periode)s) untuk Anda perbaiki, "
            "lalu kirim kembali.%(batas)s\n\nCatatan ketua tim: %(catatan)s"
        )
        % {
            "instansi": instansi,
            "periode": lembar.periode.nama,
            "batas": _kalimat_batas(lembar.periode),
            "catatan": lembar.catatan_pengembalian,
        },
        tautan=reverse("penilai:lembar", args=[lembar.pk]),
        periode=lembar.periode,
    )


def penugasan_dibatalkan(lembar_list, *, penilai, instansi, periode, alasan):
    """Tell an evaluator that its sheets ``lembar_list`` for ``instansi`` were cancelled by someone else.

    ``alasan`` says why (a conflict of interest, the admin's withdrawal). Keyed by
    sheet: a cancelled sheet stays cancelled.
    """
    if not lembar_list or not penilai.is_active:
        return []
    instansi = instansi.nama
    return services.beri_tahu(
        [penilai.pk],
        jenis=Jenis.PENUGASAN_DIBATALKAN,
        judul=_("Penugasan %(instansi)s dibatalkan") % {"instansi": instansi},
        isi=_(
            "Penugasan Anda menilai %(instansi)s pada %(periode)s dibatalkan: %(alasan)s. "
            "Lembarnya tidak lagi ada di daftar kerja Anda dan nilainya tidak dihitung."
        )
        % {"instansi": instansi, "periode": periode.nama, "alasan": alasan.rstrip(".")},
        tautan=_daftar_kerja(penilai.peran, periode),
        periode=periode,
        kunci=f"lembar:{lembar_list[0].pk}:dibatalkan",
    )


# 5. Ranking runs


def peringkat_selesai(run, snapshot, *, jumlah_instansi):
    """Tell the admin who asked for the run that its snapshot is ready; ``run`` with its period and admin."""
    if not run.dibuat_oleh.is_active:
        return []
    periode = run.periode
    return services.beri_tahu(
        [run.dibuat_oleh_id],
        jenis=Jenis.PERINGKAT_SELESAI,
        judul=_("Peringkat %(periode)s selesai dihitung") % {"periode": periode.nama},
        isi=_(
            "Perhitungan peringkat %(periode)s yang Anda minta pada %(waktu)s selesai: snapshot #%(snapshot)s "
            "memuat %(n)s instansi. Periksa hasilnya sebelum diterbitkan atau ditetapkan."
        )
        % {
            "periode": periode.nama,
            "waktu": waktu_wib(run.dibuat),
            "snapshot": snapshot.pk,
            "n": jumlah_instansi,
        },
        tautan=f"{reverse('laporan:peringkat', args=[periode.tahun])}?snapshot={snapshot.pk}",
        periode=periode,
        kunci=f"peringkat:{run.pk}:selesai",
    )


def peringkat_gagal(run_ids):
    """Tell the admin who asked for each of these failed runs why it failed; three queries for any number."""
    from laporan.models import RunPeringkat, StatusRun

    runs = list(
        RunPeringkat.objects.filter(pk__in=run_ids, status=StatusRun.GAGAL, dibuat_oleh__is_active=True)
        .select_related("periode")
        .order_by("pk")
    )
    return services.beri_tahu_masing(
        [
            Pesan(
                penerima_id=run.dibuat_oleh_id,
                judul=_("Perhitungan peringkat %(periode)s gagal") % {"periode": run.periode.nama},
                isi=_(
                    "Perhitungan peringkat %(periode)s yang Anda minta pada %(waktu)s gagal: %(pesan)s\n\n"
                    "Tidak ada snapshot yang tersimpan dari perhitungan ini; hitung ulang dari halaman peringkat."
                )
                % {"periode": run.periode.nama, "waktu": waktu_wib(run.dibuat), "pesan": run.pesan_galat},
                tautan=reverse("laporan:peringkat", args=[run.periode.tahun]),
                kunci=f"peringkat:{run.pk}:gagal",
                periode_id=run.periode_id,
            )
            for run in runs
        ],
        jenis=Jenis.PERINGKAT_SELESAI,
    )


# 6. Preliminary results


def hasil_sementara_terbit(hasil):
    """Tell the operators of every participating agency that its preliminary results are out, and until when
    it may object; a publication that replaces an earlier one says so."""
    from laporan.models import HasilSementara

    periode = hasil.periode
    ulang = HasilSementara.objects.filter(periode=periode).exclude(pk=hasil.pk).exists()
    jadwal = periode.jadwal.filter(tahap=Tahap.SANGGAH).first()
    sanggah = (
        _(" Bila tidak sependapat, ajukan sanggah per indikator pada tahap Sanggah, paling lambat %(waktu)s.")
        % {"waktu": waktu_wib(jadwal.selesai)}
        if jadwal
        else ""
    )
    if ulang:
        judul = _("Hasil sementara %(periode)s diperbarui") % {"periode": periode.nama}
        kalimat = _("Hasil sementara %(periode)s untuk %(instansi)s diperbarui setelah keputusan panel.")
    else:
        judul = _("Hasil sementara %(periode)s terbit") % {"periode": periode.nama}
        kalimat = _("Hasil sementara %(periode)s untuk %(instansi)s telah terbit: level setiap indikator.")
    tautan = reverse("mandiri:hasil_sementara", args=[periode.tahun])
    return services.beri_tahu_masing(
        [
            Pesan(
                penerima_id=pk,
                judul=judul,
                isi=kalimat % {"periode": periode.nama, "instansi": instansi} + sanggah,
                tautan=tautan,
                kunci=f"hasil_sementara:{hasil.pk}",
                periode_id=periode.pk,
            )
            for pk, _id, instansi in _operator(instansi__kepesertaan__periode=periode)
        ],
        jenis=Jenis.HASIL_SEMENTARA,
    )


# 7. Winners and certificates


def _terbit(penetapan, sekarang=None):
    """The decision is approved and its announcement public (not merely scheduled)."""
    from laporan.models import StatusPenetapan

    return (
        penetapan.status == StatusPenetapan.DISETUJUI
        and penetapan.diumumkan_pada is not None
        and penetapan.diumumkan_pada <= (sekarang or timezone.now())
    )


def pemenang_diumumkan(penetapan):
    """Tell the operators of every participating agency that the results are public: the winners which awards
    they won, the others where to read their result. Then, if every certificate is ready, the winners that too.

    Only once the announcement is public (a scheduled one: ``umumkan_yang_tiba``); once per decision.
    """
    from laporan.models import Penghargaan
    from laporan.services.sertifikat import prestasi

    if not _terbit(penetapan):
        return []
    periode = penetapan.periode
    kunci = f"pemenang:{penetapan.pk}"
    if _sudah(periode.pk, Jenis.PEMENANG_DIUMUMKAN, kunci):
        return []
    penghargaan = defaultdict(list)
    for p in (
        Penghargaan.objects.filter(penetapan=penetapan)
        .select_related("kategori", "peserta")
        .order_by("urutan")
    ):
        penghargaan[p.peserta.instansi_id].append(
            _("%(prestasi)s (%(kelompok)s)") % {"prestasi": prestasi(p), "kelompok": p.kelompok}
        )
    tautan = reverse("hasil", args=[periode.tahun])
    pesan = []
    for pk, instansi_id, instansi in _operator(instansi__kepesertaan__periode=periode):
        konteks = {"periode": periode.nama, "instansi": instansi}
        if instansi_id in penghargaan:
            konteks["daftar"] = "\n".join(f"- {p}" for p in penghargaan[instansi_id])
            judul = _("Selamat! %(instansi)s meraih penghargaan %(periode)s") % konteks
            isi = (
                _(
                    "Pemenang %(periode)s telah diumumkan. %(instansi)s meraih:\n%(daftar)s\n\n"
                    "Lihat hasil lengkap dan unduh piagam penghargaan di halaman hasil instansi."
                )
                % konteks
            )
        else:
            judul = _("Hasil %(periode)s telah diumumkan") % konteks
            isi = (
                _(
                    "Pemenang %(periode)s telah diumumkan. Nilai, peringkat, dan catatan penilai untuk %(instansi)s "
                    "dapat dibaca di halaman hasil instansi."
                )
                % konteks
            )
        pesan.append(
            Pesan(penerima_id=pk, judul=judul, isi=isi, tautan=tautan, kunci=kunci, periode_id=periode.pk)
        )
    baris = services.beri_tahu_masing(pesan, jenis=Jenis.PEMENANG_DIUMUMKAN)
    return baris + sertifikat_siap(penetapan)


def sertifikat_siap(penetapan):
    """Tell the winners' operators that their certificates can be downloaded, once the decision is public and
    every one of its valid certificates is rendered as it reads now; once per decision.

    Called when a certificate is rendered and when the winners are announced, whichever comes last tells.
    """
    from laporan.services.sertifikat import siap_semua

    if not _terbit(penetapan):
        return []
    periode = penetapan.periode
    kunci = f"sertifikat:{penetapan.pk}"
    if _sudah(periode.pk, Jenis.SERTIFIKAT_SIAP, kunci):
        return []
    daftar = siap_semua(penetapan)
    # As read now, not as the caller read the decision before rendering: it may have been withdrawn since.
    if not daftar or not _terbit(daftar[0].penghargaan.penetapan):
        return []
    per_instansi = defaultdict(int)
    for s in daftar:
        per_instansi[s.penghargaan.peserta.instansi_id] += 1
    tautan = reverse("hasil", args=[periode.tahun])
    return services.beri_tahu_masing(
        [
            Pesan(
                penerima_id=pk,
                judul=_("Piagam penghargaan %(periode)s siap diunduh") % {"periode": periode.nama},
                isi=_(
                    "%(n)s piagam penghargaan %(instansi)s pada %(periode)s siap diunduh dari halaman hasil "
                    "instansi. Setiap piagam memuat kode QR ke halaman verifikasi publiknya."
                )
                % {"n": per_instansi[instansi_id], "instansi": instansi, "periode": periode.nama},
                tautan=tautan,
                kunci=kunci,
                periode_id=periode.pk,
            )
            for pk, instansi_id, instansi in _operator(instansi_id__in=per_instansi)
        ],
        jenis=Jenis.SERTIFIKAT_SIAP,
    )


def umumkan_yang_tiba(sekarang=None):
    """Tell of the announcements whose scheduled time has come (run by Celery beat); returns how many.

    An announcement published at once is told of by ``umumkan`` itself; a scheduled
    one waits for its time, so that no agency learns the winners before the public
    page does. Withdrawn or rescheduled decisions are left for their (new) time.
    """
    from laporan.models import Penetapan, StatusPenetapan

    sekarang = sekarang or timezone.now()
    jumlah = 0
    for penetapan in Penetapan.objects.filter(
        status=StatusPenetapan.DISETUJUI,
        diumumkan_pada__lte=sekarang,
        diumumkan_pada__gt=sekarang - JENDELA_PENGUMUMAN,
    ).select_related("periode"):
        with transaction.atomic():
            if pemenang_diumumkan(penetapan):
                jumlah += 1
    return jumlah
