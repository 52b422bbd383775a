"""Writes of the reports app: ranking runs and their snapshots, predikat bands."""

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bkn_award import antrean
from penilaian.models import (
    Elemen,
    Indikator,
    JenisKategori,
    Kategori,
    Moderasi,
    NilaiPenilai,
    StatusLembar,
    Tahap,
)

from .. import peringkat, reliabilitas
from ..kelompok import kode_kelompok, nama_kelompok_periode
from ..kesiapan import keadaan_penilaian
from ..models import (
    PREDIKAT_BAWAAN,
    RUN_AKTIF,
    HasilPeserta,
    Predikat,
    RunPeringkat,
    Snapshot,
    StatusRun,
)

log = logging.getLogger(__name__)

TAHAP_PERINGKAT = (Tahap.VERIFIKASI, Tahap.MODERASI, Tahap.SANGGAH, Tahap.PENETAPAN, Tahap.PENGUMUMAN)


def pastikan_predikat(periode):
    """The period's predikat bands, created from the defaults the first time."""
    if not Predikat.objects.filter(periode=periode).exists():
        Predikat.objects.bulk_create(
            Predikat(periode=periode, nama=nama, batas_bawah=batas) for nama, batas in PREDIKAT_BAWAAN
        )
    return list(Predikat.objects.filter(periode=periode))


@transaction.atomic
def simpan_pengaturan(*, periode, metode_agregasi, normalisasi, predikat):
    """Save how the period aggregates and normalises, and its predikat bands [(name, lower bound)]."""
    if not predikat:
        raise ValidationError(_("Isi sedikitnya satu predikat."))
    batas = [b for _n, b in predikat]
    if len(set(batas)) != len(batas):
        raise ValidationError(_("Batas bawah predikat tidak boleh sama."))
    if min(batas) != 0:
        raise ValidationError(
            _("Predikat terendah harus dimulai dari nilai 0 agar setiap instansi mendapat predikat.")
        )
    periode.metode_agregasi = metode_agregasi
    periode.normalisasi = normalisasi
    periode.save(update_fields=["metode_agregasi", "normalisasi"])
    Predikat.objects.filter(periode=periode).delete()
    Predikat.objects.bulk_create(Predikat(periode=periode, nama=n, batas_bawah=b) for n, b in predikat)


def muat_masukan(periode):
    """Everything the ranking of a period depends on, in a fixed number of queries.

    The evaluators' levels come from one query over the submitted sheets.
    """
    elemen = list(Elemen.objects.filter(periode=periode).order_by("urutan", "pk"))
    indikator = list(
        Indikator.objects.filter(periode=periode)
        .annotate(level_maks=Max("rubrik__level"))
        .select_related("elemen")
        .order_by("elemen__urutan", "urutan", "pk")
    )
    peserta = list(periode.peserta.select_related("instansi", "subkelompok").order_by("pk"))
    kategori = list(
        Kategori.objects.filter(periode=periode, jenis__in=[JenisKategori.UTAMA, JenisKategori.ELEMEN])
        .select_related("elemen")
        .order_by("urutan")
    )
    nilai = NilaiPenilai.objects.filter(
        lembar__periode=periode, lembar__status=StatusLembar.DIKIRIM, level__isnull=False
    ).values_list("lembar__peserta_id", "lembar__penilai_id", "indikator_id", "level")
    # The one large read: straight from the cursor, without building a tuple per row in the ORM.
    sql, params = nilai.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        nilai = cursor.fetchall()
    moderasi = {
        (p, i): level
        for p, i, level in Moderasi.objects.filter(peserta__periode=periode).values_list(
            "peserta_id", "indikator_id", "level"
        )
    }
    masukan = peringkat.Masukan(
        metode=periode.metode_agregasi,
        normalisasi=periode.normalisasi,
        elemen=[peringkat.Elemen(e.kode, e.bobot) for e in elemen],
        indikator=[
            peringkat.Indikator(i.pk, i.kode, i.elemen.kode, i.bobot, i.level_maks) for i in indikator
        ],
        peserta=[peringkat.Peserta(p.pk, kode_kelompok(p)) for p in peserta],
        kategori=[peringkat.Kategori(k.pk, k.jenis, k.elemen.kode if k.elemen else None) for k in kategori],
        nilai=nilai,
        moderasi=moderasi,
        predikat=[(p.batas_bawah, p.nama) for p in pastikan_predikat(periode)],
    )
    return masukan, {p.pk: p.instansi.nama for p in peserta}


def _parameter(periode, masukan):
    return {
        "metode_agregasi": masukan.metode,
        "normalisasi": masukan.normalisasi,
        "jumlah_penilai": periode.jumlah_penilai,
        "ambang_moderasi": periode.ambang_moderasi,
        "predikat": [[nama, str(batas)] for batas, nama in sorted(masukan.predikat, reverse=True)],
        "elemen": [[e.kode, str(e.bobot)] for e in masukan.elemen],
        "pemecah_seri": {
            "utama": "nilai elemen yang lebih tinggi, menurut urutan elemen dalam instrumen",
            "elemen": "lebih banyak indikator pada level tertinggi",
        },
        "jumlah_nilai": len(masukan.nilai),
        "jumlah_moderasi": len(masukan.moderasi),
        "keadaan": keadaan_penilaian(periode),
    }


def tutup_run_diam(periode):
    """Close the period's run that has been silent too long: its worker died, or none took it.

    A working run touches its row every few seconds (``_detak``), so silence means
    nobody is working on it. Called by the page, its progress poll and a new request:
    the admin sees the run stopped and can start another within the limit, without
    anything but the page.
    """
    batas = timezone.now() - timedelta(seconds=settings.PERINGKAT_BATAS_DIAM_DETIK)
    diam = RunPeringkat.objects.filter(periode=periode, status__in=RUN_AKTIF, diperbarui__lt=batas)
    menit = {"detik": settings.PERINGKAT_BATAS_DIAM_DETIK}
    diam.filter(status=StatusRun.ANTRE, mulai__isnull=True).update(
        status=StatusRun.GAGAL,
        pesan_galat=_(
            "Tidak ada worker Celery yang mengambil perhitungan ini dalam %(detik)s detik. "
            "Periksa bahwa worker berjalan, lalu hitung ulang."
        )
        % menit,
        selesai=timezone.now(),
    )
    diam.update(
        status=StatusRun.GAGAL,
        pesan_galat=_(
            "Worker berhenti di tengah perhitungan (tanpa kabar selama %(detik)s detik); "
            "tidak ada snapshot yang tersimpan. Silakan hitung ulang."
        )
        % menit,
        selesai=timezone.now(),
    )


def minta_peringkat(*, periode, oleh):
    """Queue a ranking run on a Celery worker (after this transaction commits); returns the run.

    Refused while another run of the period is queued or working.
    """
    from ..tasks import hitung_peringkat

    if periode.tahap not in TAHAP_PERINGKAT:
        raise ValidationError(
            _("Peringkat dapat dihitung mulai tahap Verifikasi dan penilaian (sekarang: %(tahap)s).")
            % {"tahap": periode.get_tahap_display()}
        )
    tutup_run_diam(periode)
    try:
        with transaction.atomic():
            run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=oleh, tahap=_("Menunggu worker"))
            transaction.on_commit(lambda: _antrekan(run, hitung_peringkat))
    except IntegrityError:
        raise ValidationError(
            _("Perhitungan peringkat %(periode)s sedang berjalan; tunggu sampai selesai.")
            % {"periode": periode.nama},
            code="berjalan",
        ) from None
    if not transaction.get_connection().in_atomic_block:
        # Committed, so the message was published (or not) just now: a refusal is told at once.
        run.refresh_from_db()
        if run.status == StatusRun.GAGAL:
            raise ValidationError(run.pesan_galat, code="antrean")
    return run


def _antrekan(run, task):
    """Publish the run's task; a broker that cannot take it fails the run with a reason, never leaves it queued."""
    try:
        hasil = antrean.kirim(task, run_id=run.pk)
    except antrean.AntreanTidakTersedia:
        RunPeringkat.objects.filter(pk=run.pk, status=StatusRun.ANTRE).update(
            status=StatusRun.GAGAL,
            pesan_galat=_(
                "Antrean tugas (broker Celery) tidak dapat dihubungi, jadi perhitungan tidak dimulai. "
                "Coba lagi beberapa saat lagi; bila berulang, hubungi pengelola server."
            ),
            selesai=timezone.now(),
        )
        return
    RunPeringkat.objects.filter(pk=run.pk).update(task_id=hasil.id)


def _laporkan(run_id):
    jeda = settings.PERINGKAT_JEDA_DETIK

    def laporkan(persen, tahap):
        # Outside any transaction: the page polling the run sees it at once.
        RunPeringkat.objects.filter(pk=run_id, status=StatusRun.BERJALAN).update(
            persen=persen, tahap=tahap, diperbarui=timezone.now()
        )
        if jeda:
            time.sleep(jeda)

    return laporkan


def jalankan_run(*, run_id):
    """Compute a queued run and store its snapshot, all rows in one transaction.

    Safe to run again (a retried or redelivered task): a finished or failed run
    is left alone; a run interrupted midway starts over. Killed at any point,
    it leaves no partial snapshot. While it works, a heartbeat touches the run
    every ``PERINGKAT_DETAK_DETIK`` seconds, so that silence means a dead worker.
    A lost database connection (``DatabaseGaib``) is raised for the task to retry;
    the run's state is written on a fresh connection first.
    """
    run = RunPeringkat.objects.select_related("periode", "dibuat_oleh").filter(pk=run_id).first()
    if run is None or run.status in (StatusRun.SELESAI, StatusRun.GAGAL):
        log.info("Run peringkat %s: tidak ada yang dikerjakan (%s)", run_id, run and run.status)
        return None
    RunPeringkat.objects.filter(pk=run.pk).update(
        status=StatusRun.BERJALAN, mulai=timezone.now(), diperbarui=timezone.now()
    )
    laporkan = _laporkan(run.pk)
    try:
        with _detak(run.pk):
            laporkan(5, _("Memuat nilai penilai"))
            masukan, nama = muat_masukan(run.periode)
            hasil = peringkat.hitung(masukan, laporkan)
            laporkan(80, _("Menghitung reliabilitas panel"))
            rel = reliabilitas.hitung(masukan, nama)
            laporkan(90, _("Menyimpan snapshot"))
            snapshot = _simpan_snapshot(run, masukan, hasil, rel)
    except DatabaseGaib:
        # The database went away for a moment: the task retries, from the start.
        tulis_run(run.pk, status=StatusRun.ANTRE, tahap=_("Menunggu dicoba lagi"))
        raise
    except Exception as exc:
        log.exception("Run peringkat %s gagal", run_id)
        gagalkan_run(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    return snapshot.pk


# What a dropped or restarted database connection raises.
DatabaseGaib = (OperationalError, InterfaceError)


def tulis_run(run_id, **kolom):
    """Update a working run; on a new connection when the current one died (as it may have, here)."""

    def tulis():
        return RunPeringkat.objects.filter(pk=run_id, status__in=RUN_AKTIF).update(
            diperbarui=timezone.now(), **kolom
        )

    try:
        return tulis()
    except DatabaseGaib:
        connection.close()  # the next query connects anew
        return tulis()


def gagalkan_run(run_id, pesan):
    """The run's final state when it cannot finish; a run already finished is left alone."""
    return tulis_run(run_id, status=StatusRun.GAGAL, pesan_galat=pesan, selesai=timezone.now())


@contextmanager
def _detak(run_id):
    """A thread touching the run every few seconds while the block works (its own connection)."""
    berhenti = threading.Event()

    def detak():
        try:
            while not berhenti.wait(settings.PERINGKAT_DETAK_DETIK):
                RunPeringkat.objects.filter(pk=run_id, status=StatusRun.BERJALAN).update(
                    diperbarui=timezone.now()
                )
        except Exception:  # the work itself will meet the same failure and report it
            log.warning("Detak run peringkat %s berhenti", run_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=detak, name=f"detak-run-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        berhenti.set()
        thread.join(5)


@transaction.atomic
def _simpan_snapshot(run, masukan, hasil, rel):
    run = RunPeringkat.objects.select_for_update().get(pk=run.pk)
    if run.status != StatusRun.BERJALAN:
        raise RuntimeError(f"run {run.pk} sudah {run.status}")
    snapshot = Snapshot.objects.create(
        periode=run.periode,
        run=run,
        dibuat_oleh=run.dibuat_oleh,
        parameter=_parameter(run.periode, masukan),
        digest=masukan.digest(),
        reliabilitas=rel,
    )
    nama_kelompok = nama_kelompok_periode(run.periode)
    HasilPeserta.objects.bulk_create(
        HasilPeserta(
            snapshot=snapshot,
            peserta_id=h.peserta,
            kode_kelompok=h.kelompok,
            kelompok=nama_kelompok[h.kelompok],
            total=_empat(h.total),
            total_mentah=_empat(h.total_mentah),
            skor_elemen={k: str(peringkat.empat(v)) for k, v in h.elemen.items()},
            skor_elemen_mentah={k: str(peringkat.empat(v)) for k, v in h.elemen_mentah.items()},
            indikator_puncak=h.indikator_puncak,
            level_indikator={k: str(peringkat.empat(v)) for k, v in h.level_indikator.items()},
            jumlah_lembar=h.jumlah_lembar,
            jumlah_moderasi=h.jumlah_moderasi,
            predikat=h.predikat,
            peringkat={
                str(kategori_id): {
                    "skor": str(skor),
                    "peringkat": rank,
                    "seri": seri,
                    "pemecah_seri": pemecah,
                }
                for kategori_id, (skor, rank, seri, pemecah) in h.peringkat.items()
            },
        )
        for h in hasil
    )
    RunPeringkat.objects.filter(pk=run.pk).update(
        status=StatusRun.SELESAI,
        persen=100,
        tahap=_("Selesai"),
        selesai=timezone.now(),
        diperbarui=timezone.now(),
    )
    return snapshot


def _empat(nilai):
    return None if nilai is None else peringkat.empat(nilai)
