"""Clarification requests, the agency's answers with versioned evidence, and the panel-only note."""

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from penilaian import queries, services
from penilaian.hari_kerja import tenggat_hari_kerja
from penilaian.models import (
    BuktiDukung,
    HariLiburTambahan,
    JenisRiwayat,
    PermintaanKlarifikasi,
    RiwayatNilai,
    StatusKlarifikasi,
    StatusLembar,
    Tahap,
)
from penilaian.queries.klarifikasi import jumlah_klarifikasi
from penilaian.queries.sanggah import linimasa_instansi

from . import berkas_uji
from .test_mandiri import pesan, tersimpan

pytestmark = pytest.mark.django_db

TAHUN = 2030
PERTANYAAN = "SK ANJAB yang diunggah bertanggal 2019; apakah ada penetapan yang lebih baru?"
JAWABAN = "Terlampir SK ANJAB 2024 yang menggantikan SK 2019."


@pytest.fixture
def lembar2(lembar, peserta_a, penilai2, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai2, oleh=admin_bkn)


@pytest.fixture
def permintaan(lembar, e11, bukti_a, penilai):
    return services.ajukan_klarifikasi(
        lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, bukti=bukti_a, oleh=penilai
    )


def nilai_semua(lembar, oleh, level=3, catatan="Sesuai bukti."):
    for i in lembar.periode.indikator.prefetch_related("rubrik"):
        services.simpan_nilai(lembar=lembar, indikator=i, level=level, catatan=catatan, versi=0, oleh=oleh)


def lewatkan_tenggat(permintaan):
    PermintaanKlarifikasi.objects.filter(pk=permintaan.pk).update(
        tenggat=timezone.now() - timedelta(minutes=1)
    )
    permintaan.refresh_from_db()


# Asking


def test_evaluator_asks_with_a_due_date_in_working_days_and_it_is_audited(lembar, e11, bukti_a, penilai):
    permintaan = services.ajukan_klarifikasi(
        lembar=lembar, indikator=e11, pertanyaan=f"  {PERTANYAAN}  ", bukti=bukti_a, oleh=penilai
    )

    permintaan.refresh_from_db()
    assert permintaan.status == StatusKlarifikasi.TERBUKA
    assert permintaan.pertanyaan == PERTANYAAN
    assert permintaan.peserta_id == lembar.peserta_id
    assert permintaan.bukti == bukti_a
    assert permintaan.tenggat == tenggat_hari_kerja(permintaan.dibuat, 5)
    riwayat = RiwayatNilai.objects.get(jenis=JenisRiwayat.KLARIFIKASI)
    assert (riwayat.oleh, riwayat.lembar, riwayat.indikator) == (penilai, lembar, e11)
    assert riwayat.catatan.startswith(PERTANYAAN)


def test_the_period_sets_how_many_working_days_the_agency_has(lembar, e11, penilai):
    lembar.periode.hari_kerja_klarifikasi = 2
    lembar.periode.save()
    lembar.refresh_from_db()
    permintaan = services.ajukan_klarifikasi(
        lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai
    )
    assert permintaan.tenggat == tenggat_hari_kerja(permintaan.dibuat, 2)


def test_a_cuti_bersama_entered_before_asking_moves_the_due_date(lembar, e11, penilai, admin_bkn):
    besok = timezone.localdate() + timedelta(days=1)
    tanpa = tenggat_hari_kerja(timezone.now(), 5)
    services.tambah_hari_libur(tanggal=besok, keterangan="Cuti bersama", oleh=admin_bkn)
    permintaan = services.ajukan_klarifikasi(
        lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai
    )
    if besok.weekday() < 5:
        assert permintaan.tenggat > tanpa
    assert permintaan.tenggat == tenggat_hari_kerja(permintaan.dibuat, 5)


def test_an_empty_question_is_refused_beside_its_field(lembar, e11, penilai):
    with pytest.raises(ValidationError) as exc:
        services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan="   ", oleh=penilai)
    assert exc.value.message_dict == {"pertanyaan": ["Tuliskan pertanyaan untuk instansi."]}
    assert not PermintaanKlarifikasi.objects.exists()


def test_only_the_sheets_evaluator_asks(lembar, lembar2, e11, penilai2):
    with pytest.raises(ValidationError, match="Hanya penilai lembar ini"):
        services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai2)


def test_a_second_open_request_on_the_same_indicator_is_refused(permintaan, lembar, e11, penilai):
    with pytest.raises(ValidationError, match="masih menunggu jawaban"):
        services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan="Lagi?", oleh=penilai)
    services.tarik_klarifikasi(permintaan=permintaan, oleh=penilai)
    services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan="Pertanyaan baru", oleh=penilai)
    assert PermintaanKlarifikasi.objects.filter(lembar=lembar).count() == 2


def test_the_file_in_doubt_must_be_a_current_file_of_that_indicator(
    lembar, e11, penilai, peserta_b, operator_b, periode
):
    e12 = periode.indikator.get(kode="E1.2")
    with pytest.raises(ValidationError) as exc:
        services.ajukan_klarifikasi(
            lembar=lembar,
            indikator=e12,
            pertanyaan=PERTANYAAN,
            bukti=BuktiDukung.objects.get(indikator=e11),
            oleh=penilai,
        )
    assert list(exc.value.message_dict) == ["bukti"]


def test_no_request_outside_scoring_or_on_a_submitted_sheet(lembar, e11, penilai, admin_bkn):
    nilai_semua(lembar, penilai)
    services.kirim_lembar(lembar=lembar, oleh=penilai)
    with pytest.raises(ValidationError, match="sudah dikirim"):
        services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai)


def test_no_request_before_verification(bukti_a, peserta_a, penilai, admin_bkn, e11):
    lembar = services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)
    assert lembar.periode.tahap == Tahap.PENILAIAN_MANDIRI
    with pytest.raises(ValidationError, match="Penilaian hanya dapat diisi pada tahap"):
        services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai)


# Answering


def test_operator_answers_replacing_the_file_in_doubt_and_the_old_one_is_kept(
    permintaan, bukti_a, operator_a, peserta_a, e11
):
    lama_lokasi = bukti_a.lokasi
    services.jawab_klarifikasi(
        permintaan=permintaan,
        jawaban=JAWABAN,
        berkas=berkas_uji.unggahan("SK ANJAB 2024.pdf", berkas_uji.pdf("sk 2024")),
        mengganti=bukti_a,
        oleh=operator_a,
    )

    permintaan.refresh_from_db()
    assert (permintaan.status, permintaan.jawaban, permintaan.dijawab_oleh) == (
        StatusKlarifikasi.DIJAWAB,
        JAWABAN,
        operator_a,
    )
    baru = BuktiDukung.objects.get(klarifikasi=permintaan)
    bukti_a.refresh_from_db()
    assert bukti_a.diganti_pada is not None
    assert bukti_a.pengganti == baru
    assert baru.syarat == bukti_a.syarat  # the replacement stands for the same required document
    assert (baru.nama_berkas, baru.berlaku) == ("SK ANJAB 2024.pdf", True)
    # Never overwritten: both files are stored.
    assert lama_lokasi in tersimpan()
    assert baru.lokasi in tersimpan()
    riwayat = RiwayatNilai.objects.get(jenis=JenisRiwayat.KLARIFIKASI_JAWAB)
    assert riwayat.oleh == operator_a
    assert riwayat.catatan == (f"{JAWABAN} (berkas SK ANJAB 2019.pdf diganti dengan SK ANJAB 2024.pdf)")
    # Every list of current evidence holds the new file only.
    kemajuan = queries.kemajuan_peserta(peserta_a)
    assert kemajuan.semua_indikator[0].jumlah_bukti == 1
    assert queries.pengisian_peserta(peserta_a.periode).get(pk=peserta_a.pk).jumlah_berkas == 1
    # The agency's timeline says which file replaced which, without the evaluator's name.
    jawaban, pertanyaan = linimasa_instansi(peserta_a)
    assert (jawaban.pelaku, jawaban.jenis, pertanyaan.pelaku) == (
        operator_a.nama,
        "Jawaban klarifikasi",
        "Penilai",
    )
    assert jawaban.teks == f"{JAWABAN}\nBerkas SK ANJAB 2024.pdf menggantikan SK ANJAB 2019.pdf."


def test_operator_answers_with_text_only_or_adds_a_new_file(permintaan, operator_a, e11, bukti_a):
    services.jawab_klarifikasi(
        permintaan=permintaan,
        jawaban=JAWABAN,
        berkas=berkas_uji.unggahan("Rekap ABK.xlsx", berkas_uji.xlsx("abk")),
        oleh=operator_a,
    )
    assert sorted(
        BuktiDukung.objects.filter(diganti_pada__isnull=True).values_list("nama_berkas", flat=True)
    ) == [
        "Rekap ABK.xlsx",
        "SK ANJAB 2019.pdf",
    ]
    assert RiwayatNilai.objects.get(jenis=JenisRiwayat.KLARIFIKASI_JAWAB).catatan == (
        f"{JAWABAN} (berkas baru: Rekap ABK.xlsx)"
    )


def test_an_empty_answer_is_refused_and_the_file_is_not_kept(permintaan, operator_a):
    sebelum = tersimpan()
    with pytest.raises(ValidationError) as exc:
        services.jawab_klarifikasi(
            permintaan=permintaan,
            jawaban=" ",
            berkas=berkas_uji.unggahan("x.pdf", berkas_uji.pdf("x")),
            oleh=operator_a,
        )
    assert exc.value.message_dict == {"jawaban": ["Tuliskan jawaban atas pertanyaan penilai."]}
    assert tersimpan() == sebelum
    permintaan.refresh_from_db()
    assert permintaan.status == StatusKlarifikasi.TERBUKA


def test_an_answer_after_the_due_date_is_refused_and_nothing_changes(permintaan, operator_a, bukti_a):
    lewatkan_tenggat(permintaan)
    sebelum = tersimpan()
    with pytest.raises(ValidationError, match=r"Tenggat jawaban klarifikasi .* sudah lewat"):
        services.jawab_klarifikasi(
            permintaan=permintaan,
            jawaban=JAWABAN,
            berkas=berkas_uji.unggahan("baru.pdf", berkas_uji.pdf("baru")),
            mengganti=bukti_a,
            oleh=operator_a,
        )
    assert tersimpan() == sebelum
    bukti_a.refresh_from_db()
    assert bukti_a.berlaku
    assert not RiwayatNilai.objects.filter(jenis=JenisRiwayat.KLARIFIKASI_JAWAB).exists()


def test_a_withdrawn_or_answered_request_cannot_be_answered(permintaan, operator_a, penilai):
    services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, oleh=operator_a)
    with pytest.raises(ValidationError, match="sudah dijawab"):
        services.jawab_klarifikasi(permintaan=permintaan, jawaban="Lagi", oleh=operator_a)
    with pytest.raises(ValidationError, match="sudah dijawab"):
        services.tarik_klarifikasi(permintaan=permintaan, oleh=penilai)


def test_a_withdrawn_request_cannot_be_answered(permintaan, operator_a, penilai):
    services.tarik_klarifikasi(permintaan=permintaan, oleh=penilai)
    permintaan.refresh_from_db()
    assert permintaan.status == StatusKlarifikasi.DITARIK
    assert permintaan.ditarik_pada
    assert RiwayatNilai.objects.get(jenis=JenisRiwayat.KLARIFIKASI_TARIK).oleh == penilai
    with pytest.raises(ValidationError, match="sudah ditarik"):
        services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, oleh=operator_a)


def test_only_the_asking_evaluator_withdraws(permintaan, lembar2, penilai2):
    with pytest.raises(ValidationError, match="Hanya penilai yang meminta"):
        services.tarik_klarifikasi(permintaan=permintaan, oleh=penilai2)


def test_replacing_needs_a_current_file_of_that_indicator_and_a_new_file(permintaan, operator_a, bukti_a):
    with pytest.raises(ValidationError) as exc:
        services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, mengganti=bukti_a, oleh=operator_a)
    assert exc.value.message_dict == {"berkas": ["Pilih berkas pengganti."]}
    with pytest.raises(ValidationError) as exc:
        services.jawab_klarifikasi(
            permintaan=permintaan,
            jawaban=JAWABAN,
            berkas=berkas_uji.unggahan("SK sama.pdf", berkas_uji.pdf("sk 2019")),
            oleh=operator_a,
        )
    assert exc.value.message_dict == {
        "berkas": ["Berkas yang sama sudah diunggah untuk indikator ini (SK ANJAB 2019.pdf)."]
    }


# Submitting the sheet


def test_a_sheet_waits_for_its_open_request_until_withdrawn(permintaan, lembar, penilai):
    nilai_semua(lembar, penilai)
    with pytest.raises(ValidationError) as exc:
        services.kirim_lembar(lembar=lembar, oleh=penilai)
    assert exc.value.messages == [
        "Permintaan klarifikasi indikator E1.1 masih menunggu jawaban instansi sampai "
        f"{services.klarifikasi.waktu_wib(permintaan.tenggat)}; tunggu jawabannya atau tarik permintaan itu."
    ]
    services.tarik_klarifikasi(permintaan=permintaan, oleh=penilai)
    assert services.kirim_lembar(lembar=lembar, oleh=penilai).status == StatusLembar.DIKIRIM


def test_an_overdue_or_answered_request_no_longer_holds_the_sheet(permintaan, lembar, penilai, operator_a):
    nilai_semua(lembar, penilai)
    lewatkan_tenggat(permintaan)
    assert services.masalah_lembar(lembar) == []
    PermintaanKlarifikasi.objects.filter(pk=permintaan.pk).update(tenggat=timezone.now() + timedelta(days=1))
    permintaan.refresh_from_db()
    services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, oleh=operator_a)
    assert services.masalah_lembar(lembar) == []


# Counts on the progress pages


def test_open_answered_and_overdue_requests_are_counted(
    permintaan, lembar2, e11, penilai2, operator_a, client_of, admin_bkn, ketua, periode_verifikasi
):
    e12 = periode_verifikasi.indikator.get(kode="E1.2")
    kedua = services.ajukan_klarifikasi(
        lembar=lembar2, indikator=e11, pertanyaan="Apakah ada ABK?", oleh=penilai2
    )
    ketiga = services.ajukan_klarifikasi(lembar=lembar2, indikator=e12, pertanyaan="Dokumen?", oleh=penilai2)
    services.jawab_klarifikasi(permintaan=kedua, jawaban=JAWABAN, oleh=operator_a)
    lewatkan_tenggat(ketiga)

    jumlah = jumlah_klarifikasi(peserta__periode=periode_verifikasi)
    assert (jumlah.terbuka, jumlah.dijawab, jumlah.lewat) == (1, 1, 1)

    halaman = client_of(admin_bkn).get(reverse("penilaian:kemajuan_penilaian", args=[TAHUN]))
    assert halaman.context["klarifikasi"] == jumlah
    isi = halaman.content.decode()
    assert 'data-testid="klarifikasi-terbuka">1<' in isi
    assert 'data-testid="klarifikasi-lewat">1<' in isi
    beranda = client_of(ketua).get(reverse("beranda_ketua")).content.decode()
    assert "Klarifikasi: 1 menunggu jawaban · 1 dijawab · 1 lewat tenggat" in beranda


# The panel-only note


def test_panel_note_is_saved_by_the_autosave_and_kept_when_not_sent(lembar, e11, penilai):
    nilai = services.simpan_nilai(
        lembar=lembar,
        indikator=e11,
        level=2,
        catatan="Untuk instansi",
        catatan_panel=" Untuk panel ",
        versi=0,
        oleh=penilai,
    )
    assert (nilai.catatan, nilai.catatan_panel, nilai.versi) == ("Untuk instansi", "Untuk panel", 1)
    nilai = services.simpan_nilai(
        lembar=lembar, indikator=e11, level=3, catatan="Untuk instansi", versi=1, oleh=penilai
    )
    assert (nilai.level, nilai.catatan_panel) == (3, "Untuk panel")


def test_panel_note_through_the_autosave_view(lembar, e11, penilai, client_of):
    client = client_of(penilai)
    url = reverse("penilai:simpan_nilai", args=[lembar.pk, "E1.1"])
    client.post(
        url,
        {"level": "2", "catatan": "Bukti kurang", "catatan_panel": "Cek ulang ke BKD", "versi": "0"},
        HTTP_HX_REQUEST="true",
    )
    client.post(url, {"level": "3", "catatan": "Bukti kurang", "versi": "1"}, HTTP_HX_REQUEST="true")
    nilai = lembar.nilai.get(indikator=e11)
    assert (nilai.level, nilai.catatan_panel, nilai.versi) == (3, "Cek ulang ke BKD", 2)


def test_panel_note_is_blind_until_the_other_evaluator_submits(
    lembar, lembar2, e11, penilai, penilai2, client_of, ketua
):
    nilai_semua(lembar, penilai)
    services.simpan_nilai(
        lembar=lembar,
        indikator=e11,
        level=3,
        catatan="Sesuai bukti.",
        catatan_panel="Memo rahasia P1",
        versi=1,
        oleh=penilai,
    )
    services.kirim_lembar(lembar=lembar, oleh=penilai)
    url2 = reverse("penilai:lembar", args=[lembar2.pk])
    assert "Memo rahasia P1" not in client_of(penilai2).get(url2).content.decode()
    nilai_semua(lembar2, penilai2)
    services.kirim_lembar(lembar=lembar2, oleh=penilai2)
    assert "Memo rahasia P1" in client_of(penilai2).get(url2).content.decode()
    assert (
        "Memo rahasia P1"
        in client_of(ketua).get(reverse("penilai:lembar", args=[lembar.pk])).content.decode()
    )


# Pages: who may act on which request


def test_operator_sees_its_requests_without_the_evaluators_name(permintaan, operator_a, client_of, penilai):
    client = client_of(operator_a)
    ringkasan = client.get(reverse("mandiri:ringkasan", args=[TAHUN])).content.decode()
    assert "1 menunggu jawaban" in ringkasan
    daftar = client.get(reverse("mandiri:klarifikasi_daftar", args=[TAHUN]))
    assert list(daftar.context["klarifikasi_list"]) == [permintaan]
    halaman = client.get(reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk]))
    for isi in (daftar.content.decode(), halaman.content.decode()):
        assert penilai.nama not in isi
        assert penilai.username not in isi
    assert PERTANYAAN in halaman.content.decode()
    # The indicator's own page points to it too.
    indikator = client.get(reverse("mandiri:indikator", args=[TAHUN, "E1.1"])).content.decode()
    assert reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk]) in indikator


def test_operator_of_another_agency_gets_404(permintaan, operator_b, client_of):
    client = client_of(operator_b)
    assert client.get(reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk])).status_code == 404
    assert (
        client.post(
            reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk]), {"jawaban": "x"}
        ).status_code
        == 404
    )
    assert not client.get(reverse("mandiri:klarifikasi_daftar", args=[TAHUN])).context["klarifikasi_list"]


def test_another_evaluator_gets_404_for_the_sheet_and_the_request(
    permintaan, lembar, lembar2, penilai2, client_of
):
    client = client_of(penilai2)
    assert (
        client.post(reverse("penilai:klarifikasi_tarik", args=[lembar.pk, permintaan.pk])).status_code == 404
    )
    assert (
        client.post(reverse("penilai:klarifikasi_tarik", args=[lembar2.pk, permintaan.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("penilai:klarifikasi_ajukan", args=[lembar.pk, "E1.1"]), {"pertanyaan": "x"}
        ).status_code
        == 404
    )
    permintaan.refresh_from_db()
    assert permintaan.status == StatusKlarifikasi.TERBUKA


def test_refused_question_is_shown_again_beside_its_indicator_as_typed(lembar, penilai, client_of, e11):
    client = client_of(penilai)
    response = client.post(
        reverse("penilai:klarifikasi_ajukan", args=[lembar.pk, "E1.1"]), {"pertanyaan": "  "}
    )
    assert response.status_code == 200
    isi = response.content.decode()
    assert "Tuliskan pertanyaan untuk instansi." in isi
    assert not PermintaanKlarifikasi.objects.exists()
    # A refusal from the service (a second open request) keeps the typed question.
    services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan=PERTANYAAN, oleh=penilai)
    response = client.post(
        reverse("penilai:klarifikasi_ajukan", args=[lembar.pk, "E1.1"]),
        {"pertanyaan": "Pertanyaan kedua saya"},
    )
    assert response.context["klarifikasi_ditolak"][e11.pk].data["pertanyaan"] == "Pertanyaan kedua saya"


def test_evaluator_asks_and_withdraws_through_the_sheet(lembar, penilai, client_of, bukti_a):
    client = client_of(penilai)
    response = client.post(
        reverse("penilai:klarifikasi_ajukan", args=[lembar.pk, "E1.1"]),
        {"pertanyaan": PERTANYAAN, "bukti": str(bukti_a.pk)},
        follow=True,
    )
    permintaan = PermintaanKlarifikasi.objects.get()
    assert permintaan.bukti == bukti_a
    assert pesan(response)[0].startswith(
        "Permintaan klarifikasi indikator E1.1 terkirim ke instansi; tenggat jawaban"
    )
    assert PERTANYAAN in response.content.decode()
    response = client.post(reverse("penilai:klarifikasi_tarik", args=[lembar.pk, permintaan.pk]), follow=True)
    assert pesan(response) == ["Permintaan klarifikasi indikator E1.1 ditarik."]
    permintaan.refresh_from_db()
    assert permintaan.status == StatusKlarifikasi.DITARIK


def test_refused_answer_keeps_what_was_typed_and_says_why_beside_the_field(permintaan, operator_a, client_of):
    client = client_of(operator_a)
    url = reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk])
    response = client.post(url, {"jawaban": ""})
    assert response.context["form"].errors == {"jawaban": ["Tuliskan jawaban atas pertanyaan penilai."]}
    lewatkan_tenggat(permintaan)
    response = client.post(url, {"jawaban": "Jawaban yang terlambat"})
    isi = response.content.decode()
    assert "Tenggat jawaban klarifikasi" in isi
    assert "sudah lewat" in isi
    # The page is read-only now, but what was typed is still there to copy.
    assert ">Jawaban yang terlambat</textarea>" in isi
    permintaan.refresh_from_db()
    assert (permintaan.status, permintaan.jawaban) == (StatusKlarifikasi.TERBUKA, "")


def test_a_refused_file_is_shown_beside_the_file_field(permintaan, operator_a, client_of):
    response = client_of(operator_a).post(
        reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk]),
        {"jawaban": JAWABAN, "berkas": berkas_uji.unggahan("kosong.pdf", b"")},
    )
    assert list(response.context["form"].errors) == ["berkas"]
    assert JAWABAN in response.content.decode()


def test_evaluator_sees_the_answer_and_what_changed_admin_and_panel_fetch_the_old_version(
    permintaan, operator_a, client_of, penilai, lembar, bukti_a, admin_bkn, ketua
):
    client = client_of(operator_a)
    response = client.post(
        reverse("mandiri:klarifikasi_jawab", args=[TAHUN, permintaan.pk]),
        {
            "jawaban": JAWABAN,
            "berkas": berkas_uji.unggahan("SK ANJAB 2024.pdf", berkas_uji.pdf("sk 2024")),
            "mengganti": str(bukti_a.pk),
        },
        follow=True,
    )
    assert pesan(response) == ["Jawaban klarifikasi indikator E1.1 terkirim ke penilai."]
    baru = BuktiDukung.objects.get(klarifikasi=permintaan)

    halaman = client_of(penilai).get(reverse("penilai:lembar", args=[lembar.pk]))
    baris = next(
        b for _e, daftar in halaman.context["elemen_list"] for b in daftar if b.indikator.kode == "E1.1"
    )
    assert [f.nama_berkas for f in baris.bukti] == ["SK ANJAB 2024.pdf"]
    isi = halaman.content.decode()
    assert JAWABAN in isi
    assert "SK ANJAB 2019.pdf</del></a> →" in isi
    # The old version stays downloadable to the panel and admins.
    for user in (penilai, ketua, admin_bkn):
        lama = client_of(user).get(reverse("bukti", args=[bukti_a.pk]))
        assert lama.status_code == 200
        assert b"".join(lama.streaming_content) == berkas_uji.pdf("sk 2019")
    # The admin's overview of the agency lists the old version beneath the current one.
    ikhtisar = client_of(admin_bkn).get(
        reverse("penilaian:pengisian_instansi", args=[TAHUN, lembar.peserta.instansi.kode])
    )
    assert f'href="/bukti/{bukti_a.pk}/" data-testid="versi-lama"><del>SK ANJAB 2019.pdf</del>' in (
        ikhtisar.content.decode()
    )
    # The operator's pages and the admin's ZIP hold the current file only.
    indikator = client_of(operator_a).get(reverse("mandiri:indikator", args=[TAHUN, "E1.1"]))
    assert [b.nama_berkas for _s, daftar in indikator.context["syarat_list"] for b in daftar] == [
        "SK ANJAB 2024.pdf"
    ]
    arsip = client_of(admin_bkn).get(
        reverse("penilaian:pengisian_zip", args=[TAHUN, lembar.peserta.instansi.kode])
    )
    nama = zipfile.ZipFile(BytesIO(b"".join(arsip.streaming_content))).namelist()
    assert nama == [f"E1.1/{baru.nama_berkas}"]


def test_audit_trail_shows_asking_answering_and_withdrawing(
    permintaan, operator_a, penilai, lembar, e11, client_of, admin_bkn
):
    services.jawab_klarifikasi(permintaan=permintaan, jawaban=JAWABAN, oleh=operator_a)
    kedua = services.ajukan_klarifikasi(lembar=lembar, indikator=e11, pertanyaan="Lagi", oleh=penilai)
    services.tarik_klarifikasi(permintaan=kedua, oleh=penilai)
    response = client_of(admin_bkn).get(
        reverse("penilaian:riwayat", args=[TAHUN, lembar.peserta.instansi.kode])
    )
    jenis = [r.jenis for r in response.context["riwayat"]]
    assert sorted(jenis) == sorted(
        [
            JenisRiwayat.KLARIFIKASI,
            JenisRiwayat.KLARIFIKASI_JAWAB,
            JenisRiwayat.KLARIFIKASI,
            JenisRiwayat.KLARIFIKASI_TARIK,
        ]
    )
    isi = response.content.decode()
    assert "Permintaan klarifikasi" in isi
    assert "Jawaban klarifikasi" in isi
    assert "Klarifikasi ditarik" in isi


# The admin's cuti bersama


def test_admin_adds_lists_and_deletes_cuti_bersama(client_of, admin_bkn):
    client = client_of(admin_bkn)
    url = reverse("penilaian:hari_libur", args=[2025])
    response = client.post(
        url, {"tanggal": "2025-04-02", "keterangan": "Cuti bersama Idul Fitri"}, follow=True
    )
    assert pesan(response) == ["02-04-2025 dicatat sebagai cuti bersama."]
    libur = HariLiburTambahan.objects.get()
    assert (libur.keterangan, libur.dibuat_oleh) == ("Cuti bersama Idul Fitri", admin_bkn)
    assert list(response.context["tambahan_list"]) == [libur]
    assert "Hari Raya Idul Fitri" in response.content.decode()  # the library's holidays, listed beside

    ganda = client.post(url, {"tanggal": "2025-04-02", "keterangan": "Lagi"})
    assert ganda.context["form"].errors == {
        "tanggal": ["Tanggal 02-04-2025 sudah tercatat sebagai cuti bersama."]
    }
    assert ganda.context["form"].data["keterangan"] == "Lagi"
    kosong = client.post(url, {"tanggal": "2025-04-03", "keterangan": "  "})
    assert kosong.context["form"].errors == {"keterangan": ["Tuliskan keterangan hari libur."]}

    assert client.post(reverse("penilaian:hari_libur_hapus", args=[2026, libur.pk])).status_code == 404
    response = client.post(reverse("penilaian:hari_libur_hapus", args=[2025, libur.pk]), follow=True)
    assert pesan(response) == ["Cuti bersama 02-04-2025 dihapus."]
    assert not HariLiburTambahan.objects.exists()


@pytest.mark.parametrize("jumlah", [1, 3])
def test_operator_list_query_count_does_not_depend_on_the_number_of_requests(
    lembar, penilai, operator_a, client_of, periode_verifikasi, django_assert_num_queries, jumlah
):
    for i in periode_verifikasi.indikator.order_by("pk")[:jumlah]:
        permintaan = services.ajukan_klarifikasi(
            lembar=lembar, indikator=i, pertanyaan="Mohon jelaskan.", oleh=penilai
        )
        services.jawab_klarifikasi(
            permintaan=permintaan,
            jawaban=JAWABAN,
            berkas=berkas_uji.unggahan(f"baru {i.kode}.pdf", berkas_uji.pdf(f"baru {i.kode}")),
            oleh=operator_a,
        )
    client = client_of(operator_a)
    # Session, user, participation, the requests with their files and the files they replaced, the counts.
    # (No permission tables: what an operator may do follows from the role.)
    with django_assert_num_queries(8):
        response = client.get(reverse("mandiri:klarifikasi_daftar", args=[TAHUN]))
    assert len(response.context["klarifikasi_list"]) == jumlah
