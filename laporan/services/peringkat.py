"""Writes of the reports app: ranking runs and their snapshots, predikat bands."""

import gc
import io
import json
import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from itertools import chain
from types import SimpleNamespace

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bkn_award import antrean
from notifikasi import peristiwa
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
    predikat = list(Predikat.objects.filter(periode=periode))
    if not predikat:
        Predikat.objects.bulk_create(
            Predikat(periode=periode, nama=nama, batas_bawah=batas) for nama, batas in PREDIKAT_BAWAAN
        )
        predikat = list(Predikat.objects.filter(periode=periode))
    return predikat


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
    # Plain rows throughout: model objects cost more than these small queries do.
    elemen = Elemen.objects.filter(periode=periode).order_by("urutan", "pk").values_list("kode", "bobot")
    indikator = (
        Indikator.objects.filter(periode=periode)
        .annotate(level_maks=Max("rubrik__level"))
        .order_by("elemen__urutan", "urutan", "pk")
        .values_list("pk", "kode", "elemen__kode", "bobot", "level_maks")
    )
    kelompok = {}  # {(jenis, subkelompok): kode}: the few groups, each coded once

    def kode(jenis, sub):
        if (jenis, sub) not in kelompok:
            # kode_kelompok reads a participant's instansi.jenis and subkelompok_id, nothing else.
            kelompok[jenis, sub] = kode_kelompok(
                SimpleNamespace(instansi=SimpleNamespace(jenis=jenis), subkelompok_id=sub)
            )
        return kelompok[jenis, sub]

    peserta = [
        (pk, kode(jenis, sub), nama)
        for pk, sub, jenis, nama in periode.peserta.order_by("pk").values_list(
            "pk", "subkelompok_id", "instansi__jenis", "instansi__nama"
        )
    ]
    kategori = (
        Kategori.objects.filter(periode=periode, jenis__in=[JenisKategori.UTAMA, JenisKategori.ELEMEN])
        .order_by("urutan")
        .values_list("pk", "jenis", "elemen__kode")
    )
    nilai = NilaiPenilai.objects.filter(
        lembar__periode=periode, lembar__status=StatusLembar.DIKIRIM, level__isnull=False
    ).values_list("lembar__peserta_id", "lembar__penilai_id", "indikator_id", "level")
    nilai = _baca_bilangan(nilai)  # the one large read
    moderasi = {
        (p, i): level
        for p, i, level in Moderasi.objects.filter(peserta__periode=periode).values_list(
            "peserta_id", "indikator_id", "level"
        )
    }
    masukan = peringkat.Masukan(
        metode=periode.metode_agregasi,
        normalisasi=periode.normalisasi,
        elemen=[peringkat.Elemen(*e) for e in elemen],
        indikator=[peringkat.Indikator(*i) for i in indikator],
        peserta=[peringkat.Peserta(pk, kelompok) for pk, kelompok, _nama in peserta],
        kategori=[peringkat.Kategori(*k) for k in kategori],
        nilai=nilai,
        moderasi=moderasi,
        predikat=[(p.batas_bawah, p.nama) for p in pastikan_predikat(periode)],
    )
    return masukan, {pk: nama for pk, _kelompok, nama in peserta}


def _baca_bilangan(qs):
    """The rows of a ``values_list`` queryset of four integer columns, as an n × 4 int64 array, in its order.

    On PostgreSQL the database writes all the numbers as one binary string, each
    8 bytes big-endian (``int8send``), row after row as the query gives them, and
    one COPY hands it straight to numpy: no Python object per value, nor a message
    per row (35,000 rows × 4 on the national dataset). Elsewhere through the cursor.
    """
    sql, params = qs.query.sql_with_params()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 4)
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    angka = " || ".join(f"int8send(k{n}::int8)" for n in range(4))
    # COPY takes no parameters: the queryset's own SQL, its parameters bound by the driver (compose_sql).
    sql = (
        f"COPY (SELECT string_agg({angka}, ''::bytea) "  # noqa: S608 - the ORM's own SQL
        f"FROM ({connection.ops.compose_sql(sql, params)}) AS baris (k0, k1, k2, k3)) "
        "TO STDOUT (FORMAT binary)"
    )
    data = io.BytesIO()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if is_psycopg3:
            with cursor.copy(sql) as copy:
                for blok in copy:
                    data.write(blok)
        else:
            cursor.copy_expert(sql, data)
    data = data.getbuffer()
    # COPY's binary format: a signature (11 bytes), flags, the header extension's length and the extension;
    # then our one row: its number of fields (2 bytes), the field's length (-1: NULL, no rows) and its bytes.
    awal = 19 + int.from_bytes(data[15:19], "big") + 2
    panjang = int.from_bytes(data[awal : awal + 4], "big", signed=True)
    if panjang < 0:
        return np.zeros((0, 4), dtype=np.int64)
    return (
        np.frombuffer(data, dtype=">i8", count=panjang // 8, offset=awal + 4).astype(np.int64).reshape(-1, 4)
    )


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
        "jumlah_nilai": len(masukan.larik_nilai()),
        "jumlah_moderasi": len(masukan.moderasi),
        "keadaan": keadaan_penilaian(periode, masukan),
    }


def tutup_run_diam(periode):
    """Close the period's run that has been silent too long: its worker died, or none took it.

    A working run touches its row every few seconds (``_detak``), so silence means
    nobody is working on it. Called by the page, its progress poll and a new request:
    the admin sees the run stopped and can start another within the limit, without
    anything but the page. The admin who asked for it is told, in the same transaction
    (once per run: two polls closing it at once tell once).
    """
    batas = timezone.now() - timedelta(seconds=settings.PERINGKAT_BATAS_DIAM_DETIK)
    diam = RunPeringkat.objects.filter(periode=periode, status__in=RUN_AKTIF, diperbarui__lt=batas)
    ids = list(diam.values_list("pk", flat=True))
    if not ids:
        return  # the usual case, on every poll: one query
    diam = diam.filter(pk__in=ids)
    menit = {"detik": settings.PERINGKAT_BATAS_DIAM_DETIK}
    with transaction.atomic():
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
        peristiwa.peringkat_gagal(ids)


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
        with transaction.atomic():
            if RunPeringkat.objects.filter(pk=run.pk, status=StatusRun.ANTRE).update(
                status=StatusRun.GAGAL,
                pesan_galat=_(
                    "Antrean tugas (broker Celery) tidak dapat dihubungi, jadi perhitungan tidak dimulai. "
                    "Coba lagi beberapa saat lagi; bila berulang, hubungi pengelola server."
                ),
                selesai=timezone.now(),
            ):
                peristiwa.peringkat_gagal([run.pk])
        return
    RunPeringkat.objects.filter(pk=run.pk).update(task_id=hasil.id)


# A new stage is written at most this often (and at the latest with the next heartbeat): a national run
# takes well under a second, and the page polls once a second.
KABAR_DETIK = 1.0


class _Kabar:
    """A working run's progress: the work reports it in memory, the heartbeat thread (``_detak``) writes it.

    No stage costs the work a database write: the heartbeat writes a new stage
    once its own last write is ``KABAR_DETIK`` old (at once if it already is),
    and touches the run every ``PERINGKAT_DETAK_DETIK`` seconds in any case.
    The stage the run starts with is written by the work itself, with its status.
    """

    def __init__(self, run_id, persen, tahap):
        self.run_id = run_id
        self.persen, self.tahap = persen, tahap
        self.baru = False  # a stage not written yet
        self.berhenti = False
        self.syarat = threading.Condition()

    def laporkan(self, persen, tahap):
        with self.syarat:
            if (persen, tahap) != (self.persen, self.tahap):
                # Woken once, by the first stage it has not written: it then waits for that write's time and
                # writes the latest stage. Waking it on every stage cost a GIL handover each, milliseconds
                # apiece on a busy machine.
                bangunkan = not self.baru
                self.persen, self.tahap, self.baru = persen, tahap, True
                if bangunkan:
                    self.syarat.notify()
        if settings.PERINGKAT_JEDA_DETIK:
            time.sleep(settings.PERINGKAT_JEDA_DETIK)

    def tunggu(self, terakhir):
        """(persen, tahap) to write once the next write is due, or None when the work is done."""
        with self.syarat:
            while not self.berhenti:
                jarak = settings.PERINGKAT_DETAK_DETIK
                if self.baru:
                    jarak = min(jarak, KABAR_DETIK)
                sisa = terakhir + jarak - time.monotonic()
                if sisa <= 0:
                    self.baru = False
                    return self.persen, self.tahap
                self.syarat.wait(sisa)
            return None

    def hentikan(self):
        with self.syarat:
            self.berhenti = True
            self.syarat.notify()


def jalankan_run(*, run_id):
    """Compute a queued run and store its snapshot, all rows in one transaction.

    Safe to run again (a retried or redelivered task): a finished or failed run
    is left alone; a run interrupted midway starts over. Killed at any point,
    it leaves no partial snapshot. While it works, a heartbeat touches the run
    every ``PERINGKAT_DETAK_DETIK`` seconds, so that silence means a dead worker,
    and writes its progress (``_Kabar``): the work itself writes only at its
    start and in the snapshot's transaction, a fixed number of queries whatever
    the number of agencies.
    A lost database connection (``DatabaseGaib``) is raised for the task to retry;
    the run's state is written on a fresh connection first.
    """
    run = RunPeringkat.objects.select_related("periode", "dibuat_oleh").filter(pk=run_id).first()
    if run is None or run.status in (StatusRun.SELESAI, StatusRun.GAGAL):
        log.info("Run peringkat %s: tidak ada yang dikerjakan (%s)", run_id, run and run.status)
        return None
    kabar = _Kabar(run.pk, 5, _("Memuat nilai penilai"))
    RunPeringkat.objects.filter(pk=run.pk).update(
        status=StatusRun.BERJALAN,
        mulai=timezone.now(),
        diperbarui=timezone.now(),
        persen=kabar.persen,
        tahap=kabar.tahap,
    )
    laporkan = kabar.laporkan
    try:
        with _detak(kabar), _tanpa_gc():
            laporkan(5, _("Memuat nilai penilai"))  # written with the start; the tests' pause
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
    """The run's final state when it cannot finish, and the admin who asked told why; a run already
    finished is left alone (and nobody told twice).

    Both in one transaction of their own, on a new connection when the current one died: a
    run that fails on a lost database still leaves its state and its notice.
    """

    def gagalkan():
        with transaction.atomic():
            diubah = RunPeringkat.objects.filter(pk=run_id, status__in=RUN_AKTIF).update(
                status=StatusRun.GAGAL, pesan_galat=pesan, selesai=timezone.now(), diperbarui=timezone.now()
            )
            if diubah:
                peristiwa.peringkat_gagal([run_id])
        return diubah

    try:
        return gagalkan()
    except DatabaseGaib:
        connection.close()  # the next query connects anew
        return gagalkan()


@contextmanager
def _tanpa_gc():
    """Python's cyclic garbage collector paused while the block works, as it was before after.

    A run builds a few hundred thousand small lists, dicts and tuples that all live
    until it ends: each full collection scans every one of them again, so the
    collector alone made 4× the agencies cost 5–6× the time (without it, 4×).
    Reference counting still frees what the run drops; cycles wait for the next
    collection after it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _detak(kabar):
    """A thread touching the run, with its latest progress, while the block works (its own connection)."""

    def detak():
        terakhir = time.monotonic()  # the work wrote the run as it started
        try:
            while (tulis := kabar.tunggu(terakhir)) is not None:
                persen, tahap = tulis
                RunPeringkat.objects.filter(pk=kabar.run_id, status=StatusRun.BERJALAN).update(
                    persen=persen, tahap=tahap, diperbarui=timezone.now()
                )
                terakhir = time.monotonic()
        except Exception:  # the work itself will meet the same failure and report it
            log.warning("Detak run peringkat %s berhenti", kabar.run_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=detak, name=f"detak-run-{kabar.run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        kabar.hentikan()
        thread.join(5)


def _simpan_snapshot(run, masukan, hasil, rel):
    """Store the run's snapshot with every agency's row, and mark the run done: one transaction.

    The transaction holds the lock on the run, the snapshot, its rows in one
    statement (``_tulis_hasil``), the run's last state and the notice to the admin
    who asked for it. The rows are written out as they are sent: PostgreSQL stores
    the first while the next are written.
    """
    parameter = _parameter(run.periode, masukan)
    digest = masukan.digest()
    nama_kelompok = nama_kelompok_periode(run.periode)
    with transaction.atomic():
        status = RunPeringkat.objects.select_for_update().values_list("status", flat=True).get(pk=run.pk)
        if status != StatusRun.BERJALAN:
            raise RuntimeError(f"run {run.pk} sudah {status}")
        snapshot = Snapshot.objects.create(
            periode=run.periode,
            run=run,
            dibuat_oleh=run.dibuat_oleh,
            parameter=parameter,
            digest=digest,
            reliabilitas=rel,
        )
        _tulis_hasil(snapshot, hasil, nama_kelompok)
        RunPeringkat.objects.filter(pk=run.pk).update(
            status=StatusRun.SELESAI,
            persen=100,
            tahap=_("Selesai"),
            selesai=timezone.now(),
            diperbarui=timezone.now(),
        )
        peristiwa.peringkat_selesai(run, snapshot, jumlah_instansi=len(masukan.peserta))
    return snapshot


# A snapshot row's fields, in the order both writers give them.
KOLOM_HASIL = (
    "peserta_id",
    "kode_kelompok",
    "kelompok",
    "total",
    "total_mentah",
    "skor_elemen",
    "skor_elemen_mentah",
    "indikator_puncak",
    "level_indikator",
    "jumlah_lembar",
    "jumlah_moderasi",
    "predikat",
    "peringkat",
)


def _baris_hasil(hasil, nama_kelompok):
    """Each agency's row of a snapshot, {field: value} (``KOLOM_HASIL``), its scores as stored (4 decimals).

    Lazy. What the ORM inserts where there is no COPY; ``_baris_copy`` writes the same rows for COPY.
    """
    teks_skor = _TeksSkor()
    for h in hasil:
        total, total_mentah, elemen, mentah, levels = _teks_skor(h, teks_skor)
        yield {
            "peserta_id": h.peserta,
            "kode_kelompok": h.kelompok,
            "kelompok": nama_kelompok[h.kelompok],
            "total": total,
            "total_mentah": total_mentah,
            "skor_elemen": dict(zip(h.elemen, elemen, strict=True)),
            "skor_elemen_mentah": dict(zip(h.elemen_mentah, mentah, strict=True)),
            "indikator_puncak": h.indikator_puncak,
            "level_indikator": dict(zip(h.level_indikator, levels, strict=True)),
            "jumlah_lembar": h.jumlah_lembar,
            "jumlah_moderasi": h.jumlah_moderasi,
            "predikat": h.predikat,
            "peringkat": {
                str(kategori_id): {
                    "skor": str(nilai),
                    "peringkat": rank,
                    "seri": seri,
                    "pemecah_seri": pemecah,
                }
                for kategori_id, (nilai, rank, seri, pemecah) in h.peringkat.items()
            },
        }


def _baris_copy(snapshot_id, hasil, nama_kelompok):
    """``_baris_hasil``'s rows as lines of COPY's text format (the snapshot, then ``KOLOM_HASIL``), lazily.

    The same values, written straight into text: each JSON value is a template
    made once per set of keys (``_Cetakan``), filled with texts of digits,
    integers and booleans, which need no escaping. The text is json.dumps's;
    tests/laporan/test_ranking_kinerja.py reads the lines back and compares them
    with ``_baris_hasil``.
    """
    cetakan = _Cetakan()
    teks_skor = _TeksSkor()
    teks = _TeksCopy()  # the few distinct group names and predikat, each escaped once
    for h in hasil:
        total, total_mentah, elemen, mentah, levels = _teks_skor(h, teks_skor)
        rank = []  # each category's (score, rank, tied, tie-break), one after another
        for nilai, posisi, seri, pemecah in h.peringkat.values():
            rank += (str(nilai), posisi, _JSON_BOOL[seri], _JSON_BOOL[pemecah])
        yield (
            "\t".join(
                [
                    str(snapshot_id),
                    str(h.peserta),
                    teks[h.kelompok],
                    teks[nama_kelompok[h.kelompok]],
                    total or "\\N",
                    total_mentah or "\\N",
                    cetakan.skor(h.elemen) % tuple(elemen),
                    cetakan.skor(h.elemen_mentah) % tuple(mentah),
                    cetakan.bilangan(h.indikator_puncak) % tuple(h.indikator_puncak.values()),
                    cetakan.skor(h.level_indikator) % tuple(levels),
                    str(h.jumlah_lembar),
                    str(h.jumlah_moderasi),
                    teks[h.predikat],
                    cetakan.peringkat(h.peringkat) % tuple(rank),
                ]
            )
            + "\n"
        )


_JSON_BOOL = {False: "false", True: "true"}


def _teks_skor(h, teks):
    """An agency's scores as stored (4 decimals): total, raw total, [element], [raw element], [indicator level].

    ``teks`` (a ``_TeksSkor``) writes each score object once: agencies share few
    distinct Fractions (peringkat.hitung).
    """
    jumlah = len(h.elemen)
    skor = teks.dari(chain((h.total, h.total_mentah), h.elemen.values(), h.elemen_mentah.values()))
    return skor[0], skor[1], skor[2 : 2 + jumlah], skor[2 + jumlah :], teks.dari(h.level_indikator.values())


class _TeksSkor(dict):
    """{id(score): its text as stored (``teks_empat``), None for None}: each score object written once.

    Keyed by identity, not value: hashing a Fraction costs more than writing it, and
    the writers read the texts of objects their caller holds, so no id is reused
    while they run.
    """

    def dari(self, skor):
        """[text of each score]."""
        skor = list(skor)
        kunci = list(map(id, skor))
        try:
            return list(map(self.__getitem__, kunci))
        except KeyError:  # a score not met before
            for k, x in zip(kunci, skor, strict=True):
                if k not in self:
                    self[k] = None if x is None else peringkat.teks_empat(x)
            return list(map(self.__getitem__, kunci))


class _TeksCopy(dict):
    """{text: the text as a field of COPY's text format}."""

    def __missing__(self, teks):
        self[teks] = hasil = _teks_copy(teks)
        return hasil


class _Cetakan(dict):
    """JSON templates for %-formatting, one per kind of value and set of keys, escaped for COPY's text format.

    Written as json.dumps writes a dict (", " and ": "); keys through json.dumps itself.
    """

    def skor(self, nilai):
        return self._cari("skor", nilai, '"%s"')

    def bilangan(self, nilai):
        return self._cari("bilangan", nilai, "%d")

    def peringkat(self, nilai):
        return self._cari(
            "peringkat", nilai, '{"skor": "%s", "peringkat": %d, "seri": %s, "pemecah_seri": %s}'
        )

    def _cari(self, jenis, nilai, isi):
        kunci = (jenis, *nilai)
        cetakan = self.get(kunci)
        if cetakan is None:
            kunci_json = (_teks_copy(json.dumps(str(k))).replace("%", "%%") for k in nilai)
            cetakan = self[kunci] = "{" + ", ".join(f"{k}: {isi}" for k in kunci_json) + "}"
        return cetakan


# Rows per INSERT where there is no COPY (SQLite); Django lowers it to what the database's parameter limit allows.
BATCH_HASIL = 2000


def _tulis_hasil(snapshot, hasil, nama_kelompok):
    """Insert a snapshot's rows, one per agency of ``hasil``: one COPY on PostgreSQL, INSERT batches elsewhere.

    Only ever an insert: the guard of migration 0004 (a trigger refusing UPDATE and
    DELETE) has nothing to refuse, and the stored rows are the same either way.
    """
    if connection.vendor == "postgresql":
        _salin(snapshot, hasil, nama_kelompok)
    else:
        _sisipkan(snapshot, _baris_hasil(hasil, nama_kelompok))


def _sisipkan(snapshot, baris):
    """The rows (``_baris_hasil``) through the ORM, ``BATCH_HASIL`` to an INSERT (fewer if the database wants)."""
    HasilPeserta.objects.bulk_create(
        (
            HasilPeserta(
                snapshot=snapshot,
                **{
                    k: Decimal(v) if k in ("total", "total_mentah") and v is not None else v
                    for k, v in b.items()
                },
            )
            for b in baris
        ),
        batch_size=BATCH_HASIL,
    )


# Text COPY hands PostgreSQL at a time: it stores these rows while the next are written.
POTONGAN_COPY = 1 << 16


def _salin(snapshot, hasil, nama_kelompok):
    """The rows (``_baris_copy``) through PostgreSQL's COPY, text format: a 627-row snapshot is one statement.

    Sent as it is written (``_Aliran``), ``POTONGAN_COPY`` characters at a time.
    """
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if not hasil:
        return
    meta = HasilPeserta._meta
    nama = ", ".join(connection.ops.quote_name(meta.get_field(k).column) for k in ["snapshot", *KOLOM_HASIL])
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({nama}) FROM STDIN"
    aliran = _Aliran(_baris_copy(snapshot.pk, hasil, nama_kelompok))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if is_psycopg3:
            with cursor.copy(sql) as copy:
                while potong := aliran.read(POTONGAN_COPY):
                    copy.write(potong)
        else:
            cursor.copy_expert(sql, aliran, POTONGAN_COPY)


class _Aliran:
    """A file to read from that writes as it is read: ``read(n)`` joins the generator's next lines, n or more
    characters of them ("" once they are all read)."""

    def __init__(self, baris):
        self.baris = baris

    def read(self, ukuran=-1):
        potong, panjang = [], 0
        for teks in self.baris:
            potong.append(teks)
            panjang += len(teks)
            if 0 < ukuran <= panjang:
                break
        return "".join(potong)


def _teks_copy(teks):
    """Text as a field of COPY's text format: backslash, tab and line breaks escaped."""
    if "\\" in teks:
        teks = teks.replace("\\", "\\\\")
    if "\t" in teks or "\n" in teks or "\r" in teks:
        teks = teks.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return teks
