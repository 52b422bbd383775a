"""Submitted work nobody can retract: conflicts declared after submission go to the chair; moderation by the
chair or an admin, never written twice."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from penilaian import services
from penilaian.models import (
    JenisRiwayat,
    KonflikKepentingan,
    LembarPenilaian,
    Moderasi,
    RiwayatNilai,
    StatusLembar,
    StatusTinjauan,
    Tahap,
    TinjauanKonflik,
)

from .test_penilai import TAHUN, indikator, nilai_semua, pesan

pytestmark = pytest.mark.django_db


@pytest.fixture
def lembar_dikirim(penilai, periode_verifikasi, peserta_a, admin_bkn):
    lembar = services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)
    nilai_semua(lembar, penilai, level=3)
    return services.kirim_lembar(lembar=lembar, oleh=penilai)


def test_a_conflict_on_a_submitted_sheet_goes_to_the_chair_and_the_sheet_keeps_counting(
    client_of, penilai, lembar_dikirim, peserta_a
):
    response = client_of(penilai).post(
        reverse("penilai:konflik"),
        {"instansi": peserta_a.instansi.kode, "alasan": "Istri saya kini bekerja di BKPSDM."},
        follow=True,
    )

    assert (
        "Lembar BKN Award 2030 yang sudah Anda kirim tetap dihitung sampai ketua tim memutuskan "
        "pernyataan konflik ini." in pesan(response)
    )
    lembar_dikirim.refresh_from_db()
    assert lembar_dikirim.status == StatusLembar.DIKIRIM
    tinjauan = TinjauanKonflik.objects.get()
    assert (tinjauan.lembar, tinjauan.status) == (lembar_dikirim, StatusTinjauan.MENUNGGU)
    assert RiwayatNilai.objects.filter(lembar=lembar_dikirim, jenis=JenisRiwayat.KONFLIK).count() == 1


def test_a_conflict_declared_on_a_published_period_changes_nothing(
    admin_bkn, penilai, lembar_dikirim, peserta_a
):
    periode = lembar_dikirim.periode
    for tahap in (Tahap.PENETAPAN, Tahap.PENGUMUMAN):
        periode.tahap = tahap
        periode.save()
        KonflikKepentingan.objects.all().delete()

        hasil = services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Baru pindah.")

        assert (hasil.batal, hasil.ditinjau) == ([], [])
        lembar_dikirim.refresh_from_db()
        assert lembar_dikirim.status == StatusLembar.DIKIRIM
        assert not TinjauanKonflik.objects.exists()
        assert not RiwayatNilai.objects.filter(
            jenis__in=[JenisRiwayat.PEMBATALAN, JenisRiwayat.KONFLIK]
        ).exists()


def test_the_chair_accepts_a_conflict_the_sheet_is_cancelled_and_the_agency_needs_another_evaluator(
    client_of, ketua, penilai, lembar_dikirim, peserta_a
):
    services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Saudara kandung.")
    tinjauan = TinjauanKonflik.objects.get()
    client = client_of(ketua)
    halaman = client.get(reverse("penilaian:moderasi", args=[TAHUN])).content.decode()
    assert "Saudara kandung." in halaman

    tanpa_alasan = client.post(
        reverse("penilaian:konflik_putuskan", args=[TAHUN]),
        {"tinjauan": tinjauan.pk, "keputusan": "terima", "catatan": ""},
        follow=True,
    )
    assert "Tuliskan alasan keputusan." in tanpa_alasan.content.decode()
    assert 'value="terima" id="terima-' in tanpa_alasan.content.decode()
    assert 'checked><label class="form-check-label small" for="terima-' in tanpa_alasan.content.decode()
    response = client.post(
        reverse("penilaian:konflik_putuskan", args=[TAHUN]),
        {"tinjauan": tinjauan.pk, "keputusan": "terima", "catatan": "Hubungan keluarga langsung."},
        follow=True,
    )

    assert (
        "Konflik diterima: lembar Penilai Uji untuk Pemerintah Kabupaten Alfa dibatalkan; instansi perlu penilai lain."
        in pesan(response)
    )
    lembar_dikirim.refresh_from_db()
    tinjauan.refresh_from_db()
    assert lembar_dikirim.status == StatusLembar.DIBATALKAN
    assert (tinjauan.status, tinjauan.diputuskan_oleh, tinjauan.catatan) == (
        StatusTinjauan.DITERIMA,
        ketua,
        "Hubungan keluarga langsung.",
    )
    assert RiwayatNilai.objects.filter(lembar=lembar_dikirim, jenis=JenisRiwayat.PEMBATALAN).exists()
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        services.putuskan_konflik(tinjauan=tinjauan, terima=False, catatan="Lagi", oleh=ketua)


def test_the_chair_rejects_a_conflict_and_the_sheet_stays(ketua, penilai, lembar_dikirim, peserta_a):
    services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Pernah magang di sana.")

    services.putuskan_konflik(
        tinjauan=TinjauanKonflik.objects.get(), terima=False, catatan="Magang 15 tahun lalu.", oleh=ketua
    )

    lembar_dikirim.refresh_from_db()
    assert lembar_dikirim.status == StatusLembar.DIKIRIM
    assert TinjauanKonflik.objects.get().status == StatusTinjauan.DITOLAK
    assert RiwayatNilai.objects.filter(lembar=lembar_dikirim, jenis=JenisRiwayat.KONFLIK).count() == 2


def test_a_chair_does_not_decide_a_conflict_on_an_agency_it_is_conflicted_with(
    ketua, admin_bkn, penilai, lembar_dikirim, peserta_a
):
    services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Saudara kandung.")
    KonflikKepentingan.objects.create(
        penilai=ketua, instansi=peserta_a.instansi, alasan="Mantan kepala BKPSDM."
    )
    tinjauan = TinjauanKonflik.objects.get()

    with pytest.raises(ValidationError, match="Keputusan untuk instansi ini diambil admin"):
        services.putuskan_konflik(tinjauan=tinjauan, terima=True, catatan="Keluarga.", oleh=ketua)
    services.putuskan_konflik(tinjauan=tinjauan, terima=True, catatan="Keluarga.", oleh=admin_bkn)

    assert TinjauanKonflik.objects.get().diputuskan_oleh == admin_bkn


def test_the_penetapan_stage_waits_for_pending_conflict_decisions(
    admin_bkn, penilai, lembar_dikirim, peserta_a
):
    periode = lembar_dikirim.periode
    services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Saudara kandung.")
    periode.tahap = Tahap.MODERASI
    periode.save()

    syarat = services.syarat_tahap_berikutnya(periode)

    assert "1 pernyataan konflik kepentingan atas lembar terkirim menunggu keputusan ketua tim." in syarat


def test_an_unsubmitted_sheet_is_still_cancelled_at_once(penilai, periode_verifikasi, peserta_a, admin_bkn):
    lembar = services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)

    hasil = services.nyatakan_konflik(penilai=penilai, instansi=peserta_a.instansi, alasan="Saudara.")

    assert [lembar.pk for lembar in hasil.batal] == [lembar.pk]
    assert LembarPenilaian.objects.get(pk=lembar.pk).status == StatusLembar.DIBATALKAN
    assert not TinjauanKonflik.objects.exists()


# Moderation


@pytest.fixture
def beda_pendapat(penilai, penilai2, lembar_dikirim, peserta_a, admin_bkn):
    lembar2 = services.tugaskan(peserta=peserta_a, penilai=penilai2, oleh=admin_bkn)
    nilai_semua(lembar2, penilai2, level=3)
    services.simpan_nilai(
        lembar=lembar2,
        indikator=indikator(peserta_a.periode, "E1.1"),
        level=0,
        catatan="SK tidak ada",
        versi=1,
        oleh=penilai2,
    )
    return services.kirim_lembar(lembar=lembar2, oleh=penilai2)


def test_the_same_moderation_posted_twice_writes_one_audit_row(client_of, ketua, beda_pendapat, peserta_a):
    e11 = indikator(peserta_a.periode, "E1.1")
    data = {"peserta": peserta_a.pk, "indikator": e11.pk, "level": 2, "alasan": "SK ada, belum mutakhir."}
    client = client_of(ketua)

    client.post(reverse("penilaian:moderasi_tetapkan", args=[TAHUN]), data)
    client.post(reverse("penilaian:moderasi_tetapkan", args=[TAHUN]), data)

    assert Moderasi.objects.get().level == 2
    assert RiwayatNilai.objects.filter(jenis=JenisRiwayat.MODERASI).count() == 1
    client.post(reverse("penilaian:moderasi_tetapkan", args=[TAHUN]), {**data, "level": 3})
    assert RiwayatNilai.objects.filter(jenis=JenisRiwayat.MODERASI).count() == 2


def test_an_admin_moderates_like_the_chair(client_of, admin_bkn, beda_pendapat, peserta_a):
    e11 = indikator(peserta_a.periode, "E1.1")
    client = client_of(admin_bkn)

    halaman = client.get(reverse("penilaian:moderasi", args=[TAHUN]))
    response = client.post(
        reverse("penilaian:moderasi_tetapkan", args=[TAHUN]),
        {"peserta": peserta_a.pk, "indikator": e11.pk, "level": 2, "alasan": "Ketua berhalangan."},
        follow=True,
    )

    assert halaman.status_code == 200
    assert "Nilai akhir E1.1 untuk Pemerintah Kabupaten Alfa ditetapkan: level 2." in pesan(response)
    assert Moderasi.objects.get().oleh == admin_bkn


def test_an_admin_refused_a_page_of_another_role_is_not_told_to_ask_the_admin(client_of, admin_bkn):
    response = client_of(admin_bkn).get(reverse("penilai:konflik"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "hubungi Admin BKN" not in html
    assert "Halaman ini untuk peran lain" in html


def test_a_refused_return_keeps_the_note_typed(client_of, ketua, beda_pendapat, lembar_dikirim):
    lembar_dikirim.periode.jadwal.filter(tahap=Tahap.VERIFIKASI).update(
        mulai=timezone.now() - timedelta(days=2), selesai=timezone.now() - timedelta(minutes=1)
    )

    response = client_of(ketua).post(
        reverse("penilaian:lembar_kembalikan", args=[TAHUN]),
        {"lembar": lembar_dikirim.pk, "catatan": "Periksa lagi bukti SK ANJAB."},
    )

    html = response.content.decode()
    assert 'data-testid="galat-kembali"' in html
    assert "pengembalian lembar tidak dapat disimpan lagi" in html
    assert 'value="Periksa lagi bukti SK ANJAB."' in html
    lembar_dikirim.refresh_from_db()
    assert lembar_dikirim.status == StatusLembar.DIKIRIM


def test_a_refused_form_whose_row_is_gone_says_why_at_the_top(client_of, ketua, lembar_dikirim):
    response = client_of(ketua).post(
        reverse("penilaian:lembar_kembalikan", args=[TAHUN]), {"lembar": lembar_dikirim.pk, "catatan": ""}
    )

    assert "Tuliskan catatan untuk penilai." in pesan(response)
