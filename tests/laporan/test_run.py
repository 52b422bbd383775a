"""Ranking runs: on a real Celery worker, one at a time, killed without a trace, reproducible, set-based."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laporan import services
from laporan.models import (
    HasilPeserta,
    RunPeringkat,
    Snapshot,
    StatusRun,
    TidakDapatDiubah,
)
from penilaian.models import LembarPenilaian, NilaiPenilai, StatusLembar

from ..factories import InstansiFactory


def tunggu(syarat, detik=60, pesan="kondisi tidak terpenuhi"):
    batas = time.monotonic() + detik
    while time.monotonic() < batas:
        hasil = syarat()
        if hasil:
            return hasil
        time.sleep(0.2)
    pytest.fail(f"Menunggu {detik} detik: {pesan}")


def isi_snapshot(snapshot):
    return sorted(
        (h.peserta_id, h.total, h.total_mentah, h.skor_elemen, h.predikat, h.jumlah_lembar, h.peringkat)
        for h in HasilPeserta.objects.filter(snapshot=snapshot)
    )


@pytest.mark.django_db(transaction=True)
def test_a_run_on_a_real_celery_worker(contoh, admin_bkn, jalankan_worker):
    periode, peserta = contoh
    worker = jalankan_worker()

    run = services.minta_peringkat(periode=periode, oleh=admin_bkn)

    selesai = tunggu(
        lambda: RunPeringkat.objects.filter(pk=run.pk, status=StatusRun.SELESAI).first(),
        pesan="run tidak selesai\n" + "".join(worker.keluaran[-20:]),
    )
    assert selesai.persen == 100
    assert selesai.task_id
    snapshot = Snapshot.objects.get(run=run)
    assert HasilPeserta.objects.get(snapshot=snapshot, peserta=peserta["C"]).total == 50
    assert snapshot.parameter["metode_agregasi"] == "rerata"
    assert any("laporan.hitung_peringkat" in baris for baris in worker.keluaran)


@pytest.mark.django_db(transaction=True)
def test_a_killed_run_leaves_no_snapshot(contoh, admin_bkn, jalankan_worker):
    periode, _peserta = contoh
    worker = jalankan_worker(jeda=2)
    run = services.minta_peringkat(periode=periode, oleh=admin_bkn)
    tunggu(lambda: RunPeringkat.objects.filter(pk=run.pk, persen__gte=20).exists(), pesan="run tidak mulai")

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    time.sleep(1)

    assert not Snapshot.objects.exists()
    assert not HasilPeserta.objects.exists()
    run.refresh_from_db()
    assert run.status == StatusRun.BERJALAN
    # Still recent: a second run waits for it.
    with pytest.raises(ValidationError, match="sedang berjalan"):
        services.minta_peringkat(periode=periode, oleh=admin_bkn)
    # Silent for longer than the limit: its worker is gone, a new run may start.
    RunPeringkat.objects.filter(pk=run.pk).update(diperbarui=timezone.now() - timedelta(minutes=11))
    baru = services.minta_peringkat(periode=periode, oleh=admin_bkn)
    run.refresh_from_db()
    assert run.status == StatusRun.GAGAL
    assert "tidak ada snapshot yang tersimpan" in run.pesan_galat
    assert baru.status == StatusRun.ANTRE


@pytest.mark.django_db
def test_a_second_run_is_refused_while_one_is_queued(contoh, admin_bkn, django_capture_on_commit_callbacks):
    periode, _peserta = contoh
    with django_capture_on_commit_callbacks(execute=False):
        services.minta_peringkat(periode=periode, oleh=admin_bkn)

        with pytest.raises(ValidationError) as exc:
            services.minta_peringkat(periode=periode, oleh=admin_bkn)

    assert exc.value.messages == [
        "Perhitungan peringkat BKN Award 2040 sedang berjalan; tunggu sampai selesai."
    ]
    assert RunPeringkat.objects.count() == 1


@pytest.mark.django_db
def test_two_runs_on_the_same_data_give_identical_snapshots(contoh, admin_bkn):
    periode, _peserta = contoh
    snapshot = []
    for _n in range(2):
        run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
        snapshot.append(Snapshot.objects.get(pk=services.jalankan_run(run_id=run.pk)))

    assert snapshot[0].digest == snapshot[1].digest
    assert snapshot[0].parameter == snapshot[1].parameter
    assert isi_snapshot(snapshot[0]) == isi_snapshot(snapshot[1])


@pytest.mark.django_db
def test_a_retried_task_after_success_does_nothing(contoh, admin_bkn):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    services.jalankan_run(run_id=run.pk)

    assert services.jalankan_run(run_id=run.pk) is None
    assert Snapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_snapshot_cannot_be_changed(contoh, admin_bkn):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = Snapshot.objects.get(pk=services.jalankan_run(run_id=run.pk))
    hasil = snapshot.hasil.first()

    snapshot.digest = "0" * 64
    with pytest.raises(TidakDapatDiubah):
        snapshot.save()
    hasil.total = 100
    with pytest.raises(TidakDapatDiubah):
        hasil.save()
    with pytest.raises(TidakDapatDiubah):
        snapshot.delete()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; CI runs on it")
@pytest.mark.parametrize(
    "ubah",
    [
        pytest.param(
            lambda s: HasilPeserta.objects.filter(snapshot=s).update(total=100), id="queryset-update"
        ),
        pytest.param(
            lambda s: Snapshot.objects.filter(pk=s.pk).update(digest="0" * 64), id="snapshot-update"
        ),
        pytest.param(
            lambda s: HasilPeserta.objects.filter(snapshot=s)._raw_delete(using="default"), id="raw-delete"
        ),
        pytest.param(
            lambda s: connection.cursor().execute(
                "UPDATE laporan_hasilpeserta SET predikat = 'Sangat Baik' WHERE snapshot_id = %s", [s.pk]
            ),
            id="sql-update",
        ),
        pytest.param(
            lambda s: connection.cursor().execute(
                "DELETE FROM laporan_hasilpeserta WHERE snapshot_id = %s", [s.pk]
            ),
            id="sql-delete",
        ),
    ],
)
def test_the_database_refuses_to_change_a_snapshot(contoh, admin_bkn, ubah):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = Snapshot.objects.get(pk=services.jalankan_run(run_id=run.pk))
    sebelum = isi_snapshot(snapshot)

    with (
        pytest.raises(IntegrityError, match="Snapshot peringkat tidak dapat diubah atau dihapus"),
        transaction.atomic(),
    ):
        ubah(snapshot)

    assert isi_snapshot(snapshot) == sebelum
    assert Snapshot.objects.get(pk=snapshot.pk).digest == snapshot.digest


def _tambah_peserta(periode, admin, jumlah):
    """More regencies, each scored like A by both evaluators."""
    contoh_a = LembarPenilaian.objects.filter(periode=periode, peserta__instansi__nama_wilayah="A")
    for n in range(jumlah):
        peserta = periode.peserta.create(instansi=InstansiFactory(nama_wilayah=f"Tambahan {n}"))
        for lembar in contoh_a:
            baru = LembarPenilaian.objects.create(
                periode=periode,
                peserta=peserta,
                penilai=lembar.penilai,
                cara="manual",
                ditugaskan_oleh=admin,
                status=StatusLembar.DIKIRIM,
            )
            NilaiPenilai.objects.bulk_create(
                NilaiPenilai(lembar=baru, indikator_id=v.indikator_id, level=v.level, versi=1)
                for v in lembar.nilai.all()
            )


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_agencies(contoh, admin_bkn):
    periode, _peserta = contoh
    services.pastikan_predikat(periode)  # the first run creates the default bands once
    jumlah = []
    for tambahan in (0, 12):
        _tambah_peserta(periode, admin_bkn, tambahan)
        run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
        with CaptureQueriesContext(connection) as queries:
            services.jalankan_run(run_id=run.pk)
        jumlah.append(len(queries))

    assert Snapshot.objects.get(run=run).hasil.count() == 15
    assert jumlah[0] == jumlah[1]
    assert jumlah[0] <= 30  # reads, progress reports and the snapshot's writes: no query per agency


@pytest.mark.django_db
def test_ranking_waits_for_the_verification_stage(admin_bkn, periode_mandiri):
    with pytest.raises(ValidationError, match="mulai tahap Verifikasi"):
        services.minta_peringkat(periode=periode_mandiri, oleh=admin_bkn)
