"""The cached worklist: served again without its queries, and never shown stale after a write."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from instansi.models import Instansi, Peran
from penilaian import cache_kerja, services
from penilaian.models import JadwalTahap, LembarPenilaian, Periode, Peserta, StatusLembar, Tahap

from ..factories import PenggunaFactory
from .test_daftar_kerja import _tugaskan, evaluator, periode_dinilai  # noqa: F401 - fixtures


@pytest.fixture
def kerja(client_of, evaluator, admin_bkn, periode_dinilai):  # noqa: F811
    """An evaluator with two untouched sheets, and a function reading their worklist's HTML."""
    indikator = periode_dinilai.indikator.get()
    for level in range(1, 6):
        indikator.rubrik.create(level=level, deskripsi=f"Level {level}")
    lembar = _tugaskan(periode_dinilai, evaluator, admin_bkn, 2)
    client = client_of(evaluator)

    def baca(**params):
        response = client.get(reverse("beranda_penilai"), params)
        assert response.status_code == 200
        return response.content.decode()

    baca()  # now cached
    return lembar, baca


def _tabel_lembar(queries):
    return [q["sql"] for q in queries if "penilaian_lembarpenilaian" in q["sql"]]


def test_a_second_visit_is_served_from_the_cache(kerja, evaluator):  # noqa: F811
    _lembar, baca = kerja
    with CaptureQueriesContext(connection) as kueri:
        isi = baca()
    assert "Pemerintah Kabupaten Uji 0000" in isi
    assert _tabel_lembar(kueri.captured_queries) == []
    # Another query string (a filter, a page) is another copy.
    with CaptureQueriesContext(connection) as kueri:
        baca(grup="belum")
    assert _tabel_lembar(kueri.captured_queries)


def test_a_saved_score_moves_the_sheet_to_in_progress(kerja, evaluator, periode_dinilai):  # noqa: F811
    lembar, baca = kerja
    assert 'data-testid="jumlah-berjalan">0<' in baca()

    services.simpan_nilai(
        lembar=lembar[0],
        indikator=periode_dinilai.indikator.get(),
        level=3,
        catatan="Bukti lengkap.",
        versi=0,
        oleh=evaluator,
    )

    isi = baca()
    assert 'data-testid="jumlah-berjalan">1<' in isi
    assert "1 indikator dinilai" in isi


def test_a_submitted_and_a_returned_sheet_show_at_once(kerja, evaluator, periode_dinilai):  # noqa: F811
    lembar, baca = kerja
    indikator = periode_dinilai.indikator.get()
    services.simpan_nilai(
        lembar=lembar[0], indikator=indikator, level=3, catatan="Bukti lengkap.", versi=0, oleh=evaluator
    )
    baca()

    services.kirim_lembar(lembar=lembar[0], oleh=evaluator)
    assert 'data-testid="jumlah-dikirim">1<' in baca()

    ketua = PenggunaFactory(username="ketua.cache", peran=Peran.KETUA)
    services.kembalikan_lembar(lembar=lembar[0], catatan="Periksa lagi bukti I1.", oleh=ketua)
    isi = baca()
    assert 'data-testid="jumlah-dikembalikan">1<' in isi
    assert 'data-testid="jumlah-dikirim">0<' in isi


def test_new_and_cancelled_assignments_and_bulk_updates_show_at_once(
    kerja,
    evaluator,  # noqa: F811
    admin_bkn,
    periode_dinilai,  # noqa: F811
):
    lembar, baca = kerja
    _tugaskan(periode_dinilai, evaluator, admin_bkn, 1, awal=7)  # bulk_create: no signal
    assert "Pemerintah Kabupaten Uji 0007" in baca()

    LembarPenilaian.objects.filter(pk=lembar[1].pk).update(status=StatusLembar.DIBATALKAN)
    assert "Pemerintah Kabupaten Uji 0001" not in baca()

    lain = PenggunaFactory(username="penilai.lain", peran=Peran.PENILAI)
    LembarPenilaian.objects.filter(pk=lembar[0].pk).update(penilai=lain)  # moved to another worklist
    assert "Pemerintah Kabupaten Uji 0000" not in baca()


def test_stage_schedule_and_agency_names_show_at_once(kerja, periode_dinilai):  # noqa: F811
    lembar, baca = kerja
    selesai = timezone.localtime().replace(microsecond=0) + timedelta(days=3)
    JadwalTahap.objects.create(
        periode=periode_dinilai, tahap=Tahap.VERIFIKASI, mulai=selesai - timedelta(days=10), selesai=selesai
    )
    assert "Batas waktu penilaian" in baca()

    Periode.objects.filter(pk=periode_dinilai.pk).update(tahap=Tahap.PENETAPAN)
    assert "Penilaian sudah ditutup" in baca()

    instansi = Instansi.objects.get(pk=lembar[0].peserta.instansi_id)
    instansi.nama = "Pemerintah Kabupaten Baru"
    instansi.save()
    assert "Pemerintah Kabupaten Baru" in baca()

    Peserta.objects.filter(pk=lembar[1].peserta_id).delete()
    assert "Pemerintah Kabupaten Uji 0001" not in baca()


def test_another_evaluators_score_leaves_this_worklist_cached(
    kerja,
    evaluator,  # noqa: F811
    admin_bkn,
    periode_dinilai,  # noqa: F811
):
    _lembar, _baca = kerja
    lain = PenggunaFactory(username="penilai.lain", peran=Peran.PENILAI)
    [milik_lain] = _tugaskan(periode_dinilai, lain, admin_bkn, 1, awal=50)
    versi = cache.get_many([cache_kerja.KUNCI_SEMUA, cache_kerja.kunci_penilai(evaluator.pk)])

    services.simpan_nilai(
        lembar=milik_lain, indikator=periode_dinilai.indikator.get(), level=2, catatan="", versi=0, oleh=lain
    )

    assert cache.get_many([cache_kerja.KUNCI_SEMUA, cache_kerja.kunci_penilai(evaluator.pk)]) == versi


def test_a_write_while_the_page_is_computed_is_not_hidden_by_its_copy(rf, evaluator):  # noqa: F811
    request = rf.get("/penilai/")
    request.user = evaluator
    dihitung = []

    def hitung():
        dihitung.append(1)
        if len(dihitung) == 1:
            cache_kerja.berubah([evaluator.pk])  # a score saved meanwhile
        return f"salinan {len(dihitung)}"

    assert cache_kerja.html(request, hitung) == "salinan 1"
    assert cache_kerja.html(request, hitung) == "salinan 2"
    assert cache_kerja.html(request, hitung) == "salinan 2"


def test_without_the_cache_the_worklist_is_computed(kerja, monkeypatch):
    _lembar, baca = kerja

    def mati(*args, **kwargs):
        raise ConnectionError("Redis mati")

    monkeypatch.setattr(cache_kerja.cache, "get_many", mati)
    monkeypatch.setattr(cache_kerja.cache, "set_many", mati)
    Periode.objects.update(nama="BKN Award 2030 (ubah)")

    assert "BKN Award 2030 (ubah)" in baca()


def test_the_autosave_names_its_evaluator_instead_of_looking_it_up(kerja, evaluator, periode_dinilai):  # noqa: F811
    lembar, baca = kerja
    versi = cache.get(cache_kerja.kunci_penilai(evaluator.pk))

    with CaptureQueriesContext(connection) as kueri:
        services.simpan_nilai(
            lembar=lembar[0],
            indikator=periode_dinilai.indikator.get(),
            level=4,
            catatan="Bukti lengkap.",
            versi=0,
            oleh=evaluator,
        )

    # The sheet is locked and known already: no SELECT of the evaluator behind the score.
    assert not [q["sql"] for q in kueri.captured_queries if q["sql"].startswith("SELECT DISTINCT")]
    assert cache.get(cache_kerja.kunci_penilai(evaluator.pk)) != versi
    assert "1 indikator dinilai" in baca()
