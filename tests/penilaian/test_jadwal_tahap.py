"""Every scheduled end is enforced on the server, and a stage opens before its start only with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from penilaian import services
from penilaian.jadwal import waktu_wib
from penilaian.models import NilaiPenilai, RiwayatTahap, StatusLembar, Tahap

from ..factories import jadwal_lengkap
from .test_penilai import TAHUN, autosave, indikator, nilai_semua, pesan

pytestmark = pytest.mark.django_db


def tutup_tahap(periode, tahap):
    """The stage ran until a minute ago."""
    sekarang = timezone.now()
    periode.jadwal.filter(tahap=tahap).update(
        mulai=sekarang - timedelta(days=1), selesai=sekarang - timedelta(minutes=1)
    )


@pytest.fixture
def lembar_a(periode_verifikasi, peserta_a, penilai, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)


def test_a_late_save_is_refused_with_the_deadline(client_of, penilai, lembar_a):
    tutup_tahap(lembar_a.periode, Tahap.VERIFIKASI)
    batas = lembar_a.periode.jadwal.get(tahap=Tahap.VERIFIKASI).selesai

    response = autosave(client_of(penilai), lembar_a, "E1.1", versi=0, level=3, catatan="Terlambat")

    html = response.content.decode()
    assert "Batas waktu tahap Verifikasi dan penilaian (" in html
    assert waktu_wib(batas) in html
    assert "sudah lewat; nilai dan pengiriman lembar tidak dapat disimpan lagi." in html
    assert not NilaiPenilai.objects.filter(lembar=lembar_a, level__isnull=False).exists()


def test_a_late_submission_is_refused(client_of, penilai, lembar_a):
    nilai_semua(lembar_a, penilai, level=3)
    tutup_tahap(lembar_a.periode, Tahap.VERIFIKASI)

    response = client_of(penilai).post(reverse("penilai:kirim", args=[lembar_a.pk]), follow=True)

    assert any("sudah lewat" in p for p in pesan(response))
    lembar_a.refresh_from_db()
    assert lembar_a.status == StatusLembar.DRAF
    assert "sudah lewat" in response.content.decode()  # the sheet itself says why it is read-only


def test_moderation_after_the_stage_ends_is_refused(ketua, penilai, lembar_a, peserta_a):
    nilai_semua(lembar_a, penilai, level=3)
    services.kirim_lembar(lembar=lembar_a, oleh=penilai)
    periode = lembar_a.periode
    periode.tahap = Tahap.MODERASI
    periode.save()
    tutup_tahap(periode, Tahap.MODERASI)

    with pytest.raises(ValidationError, match=r"Batas waktu tahap Moderasi \(.*\) sudah lewat; nilai akhir"):
        services.moderasi_nilai(
            peserta=peserta_a, indikator=indikator(periode, "E1.1"), level=1, alasan="Terlambat", oleh=ketua
        )
    with pytest.raises(ValidationError, match="pengembalian lembar tidak dapat disimpan lagi"):
        services.kembalikan_lembar(lembar=lembar_a, catatan="Periksa lagi", oleh=ketua)


def test_an_extended_deadline_lets_the_evaluator_save_again(penilai, lembar_a):
    tutup_tahap(lembar_a.periode, Tahap.VERIFIKASI)
    lembar_a.periode.jadwal.filter(tahap=Tahap.VERIFIKASI).update(selesai=timezone.now() + timedelta(days=1))

    nilai = services.simpan_nilai(
        lembar=lembar_a,
        indikator=indikator(lembar_a.periode, "E1.1"),
        level=2,
        catatan="",
        versi=0,
        oleh=penilai,
    )

    assert nilai.level == 2


# Opening a stage before its scheduled start


@pytest.fixture
def periode_nanti(periode, instansi_a, admin_bkn):
    """Ready for self-assessment, which is scheduled to start in three days."""
    services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap(awal=timezone.now() + timedelta(days=3)))
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    return periode


def test_opening_a_stage_early_needs_a_reason(admin_bkn, periode_nanti):
    mulai = periode_nanti.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI).mulai

    with pytest.raises(ValidationError, match=r"dijadwalkan mulai .* konfirmasikan dan tuliskan alasannya"):
        services.maju_tahap(periode=periode_nanti, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    periode = services.maju_tahap(
        periode=periode_nanti, dari=Tahap.PERSIAPAN, oleh=admin_bkn, alasan_lebih_awal="Rakornas dimajukan."
    )

    assert periode.tahap == Tahap.PENILAIAN_MANDIRI
    riwayat = RiwayatTahap.objects.get(periode=periode)
    assert (riwayat.alasan, riwayat.jadwal_semula) == ("Rakornas dimajukan.", mulai)
    assert periode.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI).mulai <= timezone.now()


def test_agencies_may_answer_once_their_stage_opened_early(admin_bkn, periode_nanti, instansi_a, operator_a):
    periode = services.maju_tahap(
        periode=periode_nanti, dari=Tahap.PERSIAPAN, oleh=admin_bkn, alasan_lebih_awal="Rakornas dimajukan."
    )
    peserta = periode.peserta.get(instansi=instansi_a)

    assert services.alasan_terkunci(peserta) is None


def test_the_stage_page_asks_for_confirmation_and_a_reason(client_of, admin_bkn, periode_nanti):
    client = client_of(admin_bkn)
    url = reverse("penilaian:tahap_maju", args=[TAHUN])

    halaman = client.get(url).content.decode()
    tanpa = client.post(url, {"dari": "persiapan"})
    dengan = client.post(
        url, {"dari": "persiapan", "lebih_awal": "on", "alasan": "Rakornas dimajukan."}, follow=True
    )

    assert "Menurut jadwal, tahap Penilaian mandiri baru dimulai" in halaman
    assert tanpa.status_code == 200
    assert tanpa.context["form"].errors == {
        "lebih_awal": ["Centang konfirmasi untuk membuka tahap sebelum jadwalnya."],
        "alasan": ["Tuliskan alasan membuka tahap lebih awal."],
    }
    periode_nanti.refresh_from_db()
    assert "BKN Award 2030 kini berada di tahap Penilaian mandiri." in pesan(dengan)
    assert "dibuka lebih awal (jadwal semula" in dengan.content.decode()
    assert "Rakornas dimajukan." in dengan.content.decode()


def test_a_stage_on_schedule_opens_without_a_reason(admin_bkn, periode_siap):
    periode = services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)

    assert RiwayatTahap.objects.get(periode=periode).jadwal_semula is None
