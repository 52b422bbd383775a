"""The evaluator's worklist: grouped by what needs action, filtered, paged, small at national scale."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from instansi.models import Instansi, JenisInstansi, Peran
from penilaian.models import LembarPenilaian, NilaiPenilai, Peserta, StatusLembar, Tahap

from ..factories import InstansiPusatFactory, PenggunaFactory, PeriodeFactory, ProvinsiFactory


@pytest.fixture
def evaluator(db):
    return PenggunaFactory(username="penilai.kerja", nama="Penilai Kerja", peran=Peran.PENILAI)


def _tugaskan(periode, evaluator, admin, n, *, provinsi=None, awal=0):
    """``n`` agencies of one province in ``periode``, each assigned to ``evaluator``; returns their sheets."""
    provinsi = provinsi or ProvinsiFactory()
    instansi = Instansi.objects.bulk_create(
        Instansi(
            kode=f"{provinsi.kode}.{awal + i:04d}",
            nama=f"Pemerintah Kabupaten Uji {awal + i:04d}",
            nama_wilayah=f"Uji {awal + i:04d}",
            jenis=JenisInstansi.KABUPATEN,
            induk=provinsi,
        )
        for i in range(n)
    )
    peserta = Peserta.objects.bulk_create(Peserta(periode=periode, instansi=i) for i in instansi)
    return LembarPenilaian.objects.bulk_create(
        LembarPenilaian(periode=periode, peserta=p, penilai=evaluator, cara="manual", ditugaskan_oleh=admin)
        for p in peserta
    )


@pytest.fixture
def periode_dinilai(admin_bkn):
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin_bkn, tahap=Tahap.VERIFIKASI)
    periode.elemen.create(kode="E1", nama="Elemen", bobot=100, urutan=1)
    periode.indikator.create(elemen=periode.elemen.get(), kode="I1", pertanyaan="Pertanyaan?", bobot=100)
    return periode


def _nilai(lembar, periode):
    NilaiPenilai.objects.create(lembar=lembar, indikator=periode.indikator.get(), level=3, versi=1)


def _beranda(client_of, evaluator, **params):
    response = client_of(evaluator).get(reverse("beranda_penilai"), params)
    assert response.status_code == 200
    return response


def _nama_urut(response):
    return re.findall(
        r'<span class="fw-semibold">(Pemerintah Kabupaten Uji \d+)</span>', response.content.decode()
    )


def test_sheets_are_grouped_by_what_needs_action(client_of, evaluator, admin_bkn, periode_dinilai):
    _belum, berjalan, dikirim, kembali = _tugaskan(periode_dinilai, evaluator, admin_bkn, 4)
    _nilai(berjalan, periode_dinilai)
    LembarPenilaian.objects.filter(pk=dikirim.pk).update(status=StatusLembar.DIKIRIM)
    LembarPenilaian.objects.filter(pk=kembali.pk).update(status=StatusLembar.DIKEMBALIKAN)

    response = _beranda(client_of, evaluator)

    # Returned by the chair first, then in progress, not started, submitted.
    assert _nama_urut(response) == [
        "Pemerintah Kabupaten Uji 0003",
        "Pemerintah Kabupaten Uji 0001",
        "Pemerintah Kabupaten Uji 0000",
        "Pemerintah Kabupaten Uji 0002",
    ]
    isi = response.content.decode()
    for grup in ("dikembalikan", "berjalan", "belum", "dikirim"):
        assert f'data-testid="jumlah-{grup}">1<' in isi
    assert re.findall(r'data-testid="status-kerja">([^<]+)<', isi) == [
        "Dikembalikan ketua",
        "Sedang dinilai",
        "Belum dimulai",
        "Dikirim",
    ]
    assert "1 dari 4 lembar dikirim" in isi


def test_search_kind_province_and_group_narrow_the_list(client_of, evaluator, admin_bkn, periode_dinilai):
    jabar, jatim = ProvinsiFactory(), ProvinsiFactory()
    _tugaskan(periode_dinilai, evaluator, admin_bkn, 3, provinsi=jabar)
    lain = _tugaskan(periode_dinilai, evaluator, admin_bkn, 2, provinsi=jatim, awal=10)
    _nilai(lain[0], periode_dinilai)
    badan = InstansiPusatFactory(nama="Badan Uji Khusus")
    LembarPenilaian.objects.create(
        periode=periode_dinilai,
        peserta=Peserta.objects.create(periode=periode_dinilai, instansi=badan),
        penilai=evaluator,
        cara="manual",
        ditugaskan_oleh=admin_bkn,
    )

    assert _nama_urut(_beranda(client_of, evaluator, q="0001")) == ["Pemerintah Kabupaten Uji 0001"]
    assert len(_nama_urut(_beranda(client_of, evaluator, provinsi=jatim.kode))) == 2
    assert "Badan Uji Khusus" in _beranda(client_of, evaluator, jenis="lembaga").content.decode()
    assert _nama_urut(_beranda(client_of, evaluator, jenis="lembaga")) == []
    assert _nama_urut(_beranda(client_of, evaluator, grup="berjalan")) == ["Pemerintah Kabupaten Uji 0010"]
    # The counts follow the search: one agency in progress of the two found in that province.
    isi = _beranda(client_of, evaluator, provinsi=jatim.kode).content.decode()
    assert 'data-testid="jumlah-berjalan">1<' in isi
    assert 'data-testid="jumlah-belum">1<' in isi


def test_the_period_in_scoring_comes_first_and_a_later_one_is_not_late(
    client_of, evaluator, admin_bkn, periode_dinilai
):
    _tugaskan(periode_dinilai, evaluator, admin_bkn, 1)
    lalu = PeriodeFactory(nama="BKN Award 2029", tahun=2029, dibuat_oleh=admin_bkn, tahap=Tahap.PENGUMUMAN)
    _tugaskan(lalu, evaluator, admin_bkn, 1, awal=50)
    nanti = PeriodeFactory(
        nama="BKN Award 2031", tahun=2031, dibuat_oleh=admin_bkn, tahap=Tahap.PENILAIAN_MANDIRI
    )
    _tugaskan(nanti, evaluator, admin_bkn, 1, awal=90)

    isi = _beranda(client_of, evaluator).content.decode()
    nanti_isi = _beranda(client_of, evaluator, periode=2031).content.decode()

    assert re.findall(r'href="\?periode=(\d+)"', isi) == ["2030", "2031", "2029"]
    assert "Pemerintah Kabupaten Uji 0000" in isi
    assert "Pemerintah Kabupaten Uji 0090" in nanti_isi
    assert "Batas waktu" not in nanti_isi
    assert "lewat" not in nanti_isi


def _ukur(client_of, evaluator):
    client = client_of(evaluator)
    client.get(reverse("beranda_penilai"))  # session, permissions: as on every page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("beranda_penilai"))
    return len(queries), len(response.content)


def test_queries_are_bounded_and_the_page_small_at_1000_assignments(
    client_of, evaluator, admin_bkn, periode_dinilai
):
    sedikit = _tugaskan(periode_dinilai, evaluator, admin_bkn, 10)
    for lembar in sedikit[:3]:
        _nilai(lembar, periode_dinilai)
    kueri_10, ukuran_10 = _ukur(client_of, evaluator)

    _tugaskan(periode_dinilai, evaluator, admin_bkn, 990, awal=10)
    kueri_1000, ukuran_1000 = _ukur(client_of, evaluator)

    assert kueri_1000 == kueri_10
    assert ukuran_1000 < 100_000
    assert ukuran_1000 < ukuran_10 * 2.5  # one page of 25 rows, whatever the total


def test_an_untouched_sheet_says_not_started_on_the_sheet_too(
    client_of, evaluator, admin_bkn, periode_dinilai
):
    (lembar,) = _tugaskan(periode_dinilai, evaluator, admin_bkn, 1)

    isi = client_of(evaluator).get(reverse("penilai:lembar", args=[lembar.pk])).content.decode()

    assert re.search(r'data-testid="status-lembar">Belum dimulai<', isi)


def test_an_evaluator_without_assignments_is_told_so(client_of, evaluator):
    isi = _beranda(client_of, evaluator).content.decode()

    assert "Belum ada instansi yang ditugaskan kepada Anda." in isi
