"""Peer groups by identity: sub-groups that share a name, or carry a kind's name, are still their own groups."""

import pytest
from django.urls import reverse

from instansi.models import JenisInstansi
from laporan.models import HasilPeserta, RunPeringkat
from laporan.queries import kelompok_snapshot, pemenang_per_bagian, tabel_peringkat
from laporan.services import buat_penetapan, jalankan_run
from penilaian import instrumen
from penilaian.models import Kategori, LembarPenilaian, NilaiPenilai, StatusLembar, SubKelompok, Tahap

from ..contoh import instrumen_kecil
from ..factories import InstansiFactory, PenggunaFactory, PeriodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def periode_berkelompok(admin_bkn):
    """Two cities in sub-group "Tipe A" of the cities, two regencies in "Tipe A" of the regencies,
    one regency in a regency sub-group named "Pemerintah Kota", and one city left in its kind's group.

    Every agency scores level 4 on everything except by its number: agency n gets level 4 − n on I1.
    """
    periode = PeriodeFactory(nama="BKN Award 2041", tahun=2041, dibuat_oleh=admin_bkn, tahap=Tahap.MODERASI)
    instrumen.simpan(instrumen_kecil(), periode)
    kota_a = SubKelompok.objects.create(periode=periode, jenis=JenisInstansi.KOTA, nama="Tipe A")
    kab_a = SubKelompok.objects.create(periode=periode, jenis=JenisInstansi.KABUPATEN, nama="Tipe A")
    kab_kota = SubKelompok.objects.create(
        periode=periode, jenis=JenisInstansi.KABUPATEN, nama="Pemerintah Kota"
    )
    susunan = [
        ("Pemerintah Kota Satu", JenisInstansi.KOTA, kota_a),
        ("Pemerintah Kota Dua", JenisInstansi.KOTA, kota_a),
        ("Pemerintah Kabupaten Tiga", JenisInstansi.KABUPATEN, kab_a),
        ("Pemerintah Kabupaten Empat", JenisInstansi.KABUPATEN, kab_a),
        ("Pemerintah Kabupaten Lima", JenisInstansi.KABUPATEN, kab_kota),
        ("Pemerintah Kota Enam", JenisInstansi.KOTA, None),
    ]
    penilai = PenggunaFactory(username="penilai.kelompok")
    indikator = list(periode.indikator.order_by("kode"))
    for n, (nama, jenis, sub) in enumerate(susunan):
        peserta = periode.peserta.create(instansi=InstansiFactory(nama=nama, jenis=jenis), subkelompok=sub)
        lembar = LembarPenilaian.objects.create(
            periode=periode,
            peserta=peserta,
            penilai=penilai,
            cara="manual",
            ditugaskan_oleh=admin_bkn,
            status=StatusLembar.DIKIRIM,
        )
        NilaiPenilai.objects.bulk_create(
            NilaiPenilai(lembar=lembar, indikator=i, level=max(4 - n, 0) if i.kode == "I1" else 4, versi=1)
            for i in indikator
        )
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    return periode, periode.snapshot.get(pk=jalankan_run(run_id=run.pk))


def _ranking(snapshot, periode):
    utama = Kategori.objects.get(periode=periode, kode="UTAMA")
    return [
        (b.kelompok, b.peringkat, b.hasil.peserta.instansi.nama) for b in tabel_peringkat(snapshot, utama)
    ]


def test_sub_groups_with_the_same_name_in_different_kinds_are_ranked_apart(periode_berkelompok):
    periode, snapshot = periode_berkelompok
    kab_a = SubKelompok.objects.get(periode=periode, jenis="kabupaten", nama="Tipe A")

    assert _ranking(snapshot, periode) == [
        ("Pemerintah Kota", 1, "Pemerintah Kota Enam"),
        ("Tipe A (Pemerintah Kota)", 1, "Pemerintah Kota Satu"),
        ("Tipe A (Pemerintah Kota)", 2, "Pemerintah Kota Dua"),
        ("Pemerintah Kota (Pemerintah Kabupaten)", 1, "Pemerintah Kabupaten Lima"),
        ("Tipe A (Pemerintah Kabupaten)", 1, "Pemerintah Kabupaten Tiga"),
        ("Tipe A (Pemerintah Kabupaten)", 2, "Pemerintah Kabupaten Empat"),
    ]
    assert HasilPeserta.objects.get(peserta__instansi__nama="Pemerintah Kabupaten Tiga").kode_kelompok == (
        f"kabupaten:{kab_a.pk}"
    )


def test_a_sub_group_named_like_a_kind_does_not_join_that_kind(periode_berkelompok):
    _periode, snapshot = periode_berkelompok

    kelompok = [(k.label, k.diperingkat) for k in kelompok_snapshot(snapshot)]

    assert kelompok == [
        ("Pemerintah Kota", 1),
        ("Tipe A (Pemerintah Kota)", 2),
        ("Pemerintah Kota (Pemerintah Kabupaten)", 1),
        ("Tipe A (Pemerintah Kabupaten)", 2),
    ]


def test_the_ranking_page_filters_by_the_groups_code(client_of, admin_bkn, periode_berkelompok):
    periode, _snapshot = periode_berkelompok
    kota_a = SubKelompok.objects.get(periode=periode, jenis="kota", nama="Tipe A")

    response = client_of(admin_bkn).get(
        reverse("laporan:peringkat", args=[periode.tahun]), {"kelompok": f"kota:{kota_a.pk}"}
    )

    assert [b.hasil.peserta.instansi.nama for b in response.context["baris_list"]] == [
        "Pemerintah Kota Satu",
        "Pemerintah Kota Dua",
    ]
    assert f'<option value="kota:{kota_a.pk}" selected>Tipe A (Pemerintah Kota) (2)</option>' in (
        response.content.decode()
    )


def test_winners_are_listed_per_group_identity(admin_bkn, periode_berkelompok):
    periode, snapshot = periode_berkelompok
    periode.tahap = Tahap.PENETAPAN
    periode.save()

    penetapan = buat_penetapan(periode=periode, snapshot=snapshot, jumlah_peringkat=1, oleh=admin_bkn)
    utama = pemenang_per_bagian(penetapan)[0]

    assert [(label, [p.instansi.nama for p in daftar]) for _kode, label, daftar in utama[1]] == [
        ("Pemerintah Kota", ["Pemerintah Kota Enam"]),
        ("Tipe A (Pemerintah Kota)", ["Pemerintah Kota Satu"]),
        ("Pemerintah Kota (Pemerintah Kabupaten)", ["Pemerintah Kabupaten Lima"]),
        ("Tipe A (Pemerintah Kabupaten)", ["Pemerintah Kabupaten Tiga"]),
    ]
