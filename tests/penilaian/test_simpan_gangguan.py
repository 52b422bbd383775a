"""The autosaves under faults: an edit sent again is applied once, a dropped connection costs no 500.

The connection tests terminate the test's own PostgreSQL backend for real, with
``pg_terminate_backend`` from a second connection, at a chosen statement of the save.
They need ``transaction=True``: inside the usual test transaction a dropped
connection takes the whole test with it, and the autosave rightly does not retry.
"""

import logging
import uuid
from contextlib import contextmanager

import psycopg2
import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from penilaian import services
from penilaian.models import JawabanMandiri, JenisRiwayat, NilaiPenilai, RiwayatNilai

TAHUN = 2030
HTMX = {"HTTP_HX_REQUEST": "true"}
DIUBAH_DI_TAB_LAIN = "sudah diubah di tab atau jendela lain"
CATATAN = "SK ANJAB ada, tetapi ABK belum dihitung per unit kerja."


@pytest.fixture
def lembar_a(periode_verifikasi, peserta_a, penilai, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)


def simpan_nilai(client, lembar, *, versi, kunci, level=None, catatan=CATATAN):
    """The score sheet's autosave of E1.1, as the page's script sends it."""
    data = {"versi": versi, "catatan": catatan, "catatan_panel": "", "kunci": kunci}
    if level is not None:
        data["level"] = level
    return client.post(reverse("penilai:simpan_nilai", args=[lembar.pk, "E1.1"]), data, **HTMX)


def simpan_jawaban(client, *, versi, kunci, level=None, penjelasan="ANJAB-ABK ditetapkan 2029."):
    """The self-assessment's autosave of E1.1, as the page's script sends it."""
    data = {"versi": versi, "penjelasan": penjelasan, "kunci": kunci}
    if level is not None:
        data["level"] = level
    return client.post(reverse("mandiri:simpan_jawaban", args=[TAHUN, "E1.1"]), data, **HTMX)


def nilai_e11(lembar):
    return NilaiPenilai.objects.get(lembar=lembar, indikator__kode="E1.1")


def riwayat_e11(lembar):
    """The audit entries of E1.1's score on the sheet."""
    return RiwayatNilai.objects.filter(lembar=lembar, indikator__kode="E1.1", jenis=JenisRiwayat.NILAI)


def jawaban_e11(peserta):
    return JawabanMandiri.objects.get(peserta=peserta, indikator__kode="E1.1")


# The key of an edit


@pytest.mark.django_db
def test_a_score_save_sent_again_with_its_key_is_answered_as_saved_and_applied_once(
    client_of, penilai, lembar_a
):
    client = client_of(penilai)
    kunci = uuid.uuid4()

    pertama = simpan_nilai(client, lembar_a, versi=0, kunci=kunci, level=2)
    disimpan = nilai_e11(lembar_a)
    # The answer was lost on the way: the page sends the same edit again, version and key included.
    lagi = simpan_nilai(client, lembar_a, versi=0, kunci=kunci, level=2)

    for response in (pertama, lagi):
        isi = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="tersimpan"' in isi
        assert DIUBAH_DI_TAB_LAIN not in isi
        assert response["HX-Trigger"] == '{"tersimpan": {}}'
        assert f'id="versi-{disimpan.indikator_id}" value="1"' in isi
    nilai = nilai_e11(lembar_a)
    assert (nilai.level, nilai.catatan, nilai.versi, nilai.kunci_simpan) == (2, CATATAN, 1, kunci)
    assert nilai.diperbarui == disimpan.diperbarui
    assert list(riwayat_e11(lembar_a).values_list("level_lama", "level_baru")) == [(None, 2)]


@pytest.mark.django_db
def test_a_stale_score_save_with_another_key_is_still_refused(client_of, penilai, lembar_a):
    client = client_of(penilai)
    simpan_nilai(client, lembar_a, versi=0, kunci=uuid.uuid4(), level=2)

    basi = simpan_nilai(client, lembar_a, versi=0, kunci=uuid.uuid4(), level=4, catatan="Dari tab lama")

    assert DIUBAH_DI_TAB_LAIN in basi.content.decode()
    assert "HX-Trigger" not in basi
    nilai = nilai_e11(lembar_a)
    assert (nilai.level, nilai.catatan, nilai.versi) == (2, CATATAN, 1)
    assert riwayat_e11(lembar_a).count() == 1


@pytest.mark.django_db
def test_only_the_last_applied_key_is_recognised_an_older_edit_changes_nothing(client_of, penilai, lembar_a):
    client = client_of(penilai)
    lama, baru = uuid.uuid4(), uuid.uuid4()
    simpan_nilai(client, lembar_a, versi=0, kunci=lama, level=2)
    simpan_nilai(client, lembar_a, versi=1, kunci=baru, level=3)

    # A copy of the first edit arriving late must not roll the newer score back.
    terlambat = simpan_nilai(client, lembar_a, versi=0, kunci=lama, level=2)

    assert DIUBAH_DI_TAB_LAIN in terlambat.content.decode()
    nilai = nilai_e11(lembar_a)
    assert (nilai.level, nilai.versi, nilai.kunci_simpan) == (3, 2, baru)
    assert list(riwayat_e11(lembar_a).order_by("pk").values_list("level_lama", "level_baru")) == [
        (None, 2),
        (2, 3),
    ]


@pytest.mark.django_db
def test_a_save_without_a_key_forgets_the_last_one(client_of, penilai, lembar_a):
    """The form without JavaScript sends no key: an earlier edit's retry is then stale, as it is."""
    client = client_of(penilai)
    kunci = uuid.uuid4()
    simpan_nilai(client, lembar_a, versi=0, kunci=kunci, level=2)
    client.post(
        reverse("penilai:simpan_nilai", args=[lembar_a.pk, "E1.1"]),
        {"versi": 1, "level": 3, "catatan": CATATAN, "catatan_panel": ""},
    )

    lagi = simpan_nilai(client, lembar_a, versi=0, kunci=kunci, level=2)

    assert DIUBAH_DI_TAB_LAIN in lagi.content.decode()
    nilai = nilai_e11(lembar_a)
    assert (nilai.level, nilai.versi, nilai.kunci_simpan) == (3, 2, None)
    assert riwayat_e11(lembar_a).count() == 2


@pytest.mark.django_db
def test_an_answer_sent_again_with_its_key_is_answered_as_saved_and_applied_once(
    client_of, operator_a, peserta_a
):
    client = client_of(operator_a)
    kunci = uuid.uuid4()

    pertama = simpan_jawaban(client, versi=0, kunci=kunci, level=3)
    disimpan = jawaban_e11(peserta_a)
    lagi = simpan_jawaban(client, versi=0, kunci=kunci, level=3)

    for response in (pertama, lagi):
        isi = response.content.decode()
        assert 'data-testid="jawaban-tersimpan"' in isi
        assert DIUBAH_DI_TAB_LAIN not in isi
        assert response["HX-Trigger"] == '{"tersimpan": {}}'
        assert 'id="id_versi" value="1"' in isi
    jawaban = jawaban_e11(peserta_a)
    assert (jawaban.level, jawaban.penjelasan, jawaban.versi, jawaban.kunci_simpan) == (
        3,
        "ANJAB-ABK ditetapkan 2029.",
        1,
        kunci,
    )
    assert jawaban.diperbarui == disimpan.diperbarui


@pytest.mark.django_db
def test_a_stale_answer_with_another_key_is_still_refused(client_of, operator_a, peserta_a):
    client = client_of(operator_a)
    simpan_jawaban(client, versi=0, kunci=uuid.uuid4(), level=3)

    basi = simpan_jawaban(client, versi=0, kunci=uuid.uuid4(), level=1, penjelasan="Dari tab lama")

    assert DIUBAH_DI_TAB_LAIN in basi.content.decode()
    assert "HX-Trigger" not in basi
    jawaban = jawaban_e11(peserta_a)
    assert (jawaban.level, jawaban.penjelasan, jawaban.versi) == (3, "ANJAB-ABK ditetapkan 2029.", 1)


# A dropped database connection


@contextmanager
def putuskan_koneksi(saat, kali=1):
    """Terminate the test's database connection just before the statements for which ``saat`` holds.

    ``saat(sql, koneksi)`` is asked before every statement Django sends; ``kali`` is
    how many times to terminate (``None``: every time). Yields the terminated
    backends' process ids. The termination comes from a second connection, as from
    a database restart or an administrator, and is waited for.
    """
    d = connection.settings_dict
    pengawas = psycopg2.connect(
        **{
            k: v
            for k, v in {
                "dbname": d["NAME"],
                "user": d["USER"],
                "password": d["PASSWORD"],
                "host": d["HOST"],
                "port": d["PORT"],
            }.items()
            if v
        }
    )
    pengawas.autocommit = True
    diputus = []

    def pembungkus(execute, sql, params, many, context):
        koneksi = context["connection"]
        if (kali is None or len(diputus) < kali) and saat(sql, koneksi):
            pid = koneksi.connection.get_backend_pid()
            with pengawas.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                assert cursor.fetchone() == (True,)
            diputus.append(pid)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(pembungkus):
            yield diputus
    finally:
        pengawas.close()


def pada(awal):
    """At the statements that begin with ``awal``."""
    return lambda sql, koneksi: sql.startswith(awal)


def sesudah_commit_nilai():
    """At the first statement after the score's transaction committed, its audit entry written."""
    tercatat = False

    def saat(sql, koneksi):
        nonlocal tercatat
        if sql.startswith('INSERT INTO "penilaian_riwayatnilai"'):
            tercatat = True
            return False
        return tercatat and not koneksi.in_atomic_block

    return saat


@pytest.mark.django_db(transaction=True)
def test_a_connection_terminated_during_the_score_save_costs_no_500(client_of, penilai, lembar_a, caplog):
    client = client_of(penilai)
    kunci = uuid.uuid4()

    with (
        caplog.at_level(logging.WARNING),
        putuskan_koneksi(pada('UPDATE "penilaian_nilaipenilai"')) as diputus,
    ):
        response = simpan_nilai(client, lembar_a, versi=0, kunci=kunci, level=2)

    assert len(diputus) == 1
    assert connection.connection.get_backend_pid() != diputus[0]  # the retry ran on a new connection
    assert "Koneksi basis data terputus pada POST" in caplog.text
    assert response.status_code == 200
    assert 'data-testid="tersimpan"' in response.content.decode()
    nilai = nilai_e11(lembar_a)
    assert (nilai.level, nilai.catatan, nilai.versi, nilai.kunci_simpan) == (2, CATATAN, 1, kunci)
    assert riwayat_e11(lembar_a).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_terminated_after_the_score_committed_does_not_apply_it_twice(
    client_of, penilai, lembar_a
):
    client = client_of(penilai)
    kunci = uuid.uuid4()

    with putuskan_koneksi(sesudah_commit_nilai()) as diputus:
        response = simpan_nilai(client, lembar_a, versi=0, kunci=kunci, level=2)

    assert len(diputus) == 1
    isi = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="tersimpan"' in isi
    assert DIUBAH_DI_TAB_LAIN not in isi
    nilai = nilai_e11(lembar_a)
    assert (nilai.level, nilai.versi, nilai.kunci_simpan) == (2, 1, kunci)
    assert f'id="versi-{nilai.indikator_id}" value="1"' in isi
    assert riwayat_e11(lembar_a).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_terminated_during_the_answer_save_costs_no_500(client_of, operator_a, peserta_a):
    client = client_of(operator_a)
    kunci = uuid.uuid4()

    with putuskan_koneksi(pada('UPDATE "penilaian_jawabanmandiri"')) as diputus:
        response = simpan_jawaban(client, versi=0, kunci=kunci, level=3)

    assert len(diputus) == 1
    assert response.status_code == 200
    assert 'data-testid="jawaban-tersimpan"' in response.content.decode()
    jawaban = jawaban_e11(peserta_a)
    assert (jawaban.level, jawaban.versi, jawaban.kunci_simpan) == (3, 1, kunci)


@pytest.mark.django_db(transaction=True)
def test_the_save_gives_up_after_three_attempts_on_three_connections(client_of, penilai, lembar_a):
    client = client_of(penilai)

    with (
        pytest.raises(OperationalError),
        putuskan_koneksi(pada('UPDATE "penilaian_nilaipenilai"'), kali=None) as diputus,
    ):
        simpan_nilai(client, lembar_a, versi=0, kunci=uuid.uuid4(), level=2)

    assert len(set(diputus)) == 3
    assert not NilaiPenilai.objects.filter(lembar=lembar_a).exists()
    assert riwayat_e11(lembar_a).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_save_inside_an_outer_transaction_is_not_retried(client_of, penilai, lembar_a):
    """The outer transaction's work is lost with the connection: running the view again would hide that."""
    client = client_of(penilai)

    with (
        pytest.raises(OperationalError),
        putuskan_koneksi(pada('UPDATE "penilaian_nilaipenilai"'), kali=None) as diputus,
        transaction.atomic(),
    ):
        simpan_nilai(client, lembar_a, versi=0, kunci=uuid.uuid4(), level=2)

    assert len(diputus) == 1
    assert not NilaiPenilai.objects.filter(lembar=lembar_a).exists()
