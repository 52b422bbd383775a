"""Winners: approval, publication (and nothing before it), the cached public page, certificates and their verification."""

import io
import zipfile
from datetime import timedelta

import pytest
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from laporan import services
from laporan.models import Penetapan, Penghargaan, RunPeringkat, Sertifikat, StatusPenetapan
from laporan.queries import draf_pemenang
from laporan.services import sertifikat as layanan_sertifikat
from penilaian import services as penilaian_services
from penilaian.models import Kategori

from ..factories import OperatorFactory

pytestmark = pytest.mark.django_db

TAHUN = 2040


def sertifikat_utama(peserta):
    return Sertifikat.objects.get(penghargaan__peserta=peserta, penghargaan__kategori__kode="UTAMA")


def teks_pdf(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# The decision


def test_the_draft_lists_ranks_1_to_n_per_category_and_group_with_shared_ranks(draf):
    penetapan, _peserta = draf
    from laporan.queries import pemenang

    daftar = [(p.kategori.kode, p.kelompok, p.peringkat, p.instansi.nama) for p in pemenang(penetapan)]

    assert daftar[:3] == [
        ("UTAMA", "Pemerintah Kabupaten", 1, "Pemerintah Kabupaten A"),
        ("UTAMA", "Pemerintah Kabupaten", 1, "Pemerintah Kabupaten B"),
        ("UTAMA", "Pemerintah Kabupaten", 3, "Pemerintah Kabupaten C"),
    ]
    assert daftar[-1] == ("KHUSUS", "Pemerintah Kabupaten", None, "Pemerintah Kabupaten C")


def test_a_shared_rank_at_the_limit_is_awarded_to_all(tahap_penetapan, admin_bkn):
    periode, _peserta, snapshot = tahap_penetapan
    from laporan.queries import pemenang

    penetapan = services.buat_penetapan(
        periode=periode, snapshot=snapshot, jumlah_peringkat=1, oleh=admin_bkn
    )

    utama = [p.instansi.nama for p in pemenang(penetapan) if p.kategori.kode == "UTAMA"]
    assert utama == ["Pemerintah Kabupaten A", "Pemerintah Kabupaten B"]


def test_approval_freezes_the_winners_with_numbered_certificates(disetujui):
    penetapan, _peserta = disetujui

    assert penetapan.status == StatusPenetapan.DISETUJUI
    nomor = list(Sertifikat.objects.order_by("penghargaan__urutan").values_list("nomor", flat=True))
    assert nomor[0] == "001/PIAGAM/BKN-AWARD/2040"
    assert len(nomor) == Penghargaan.objects.filter(penetapan=penetapan).count() == len(set(nomor))
    assert len({s.kode for s in Sertifikat.objects.all()}) == len(nomor)


def test_an_approved_decision_is_final(disetujui, admin_bkn, contoh):
    penetapan, peserta = disetujui
    periode, _ = contoh
    khusus = Kategori.objects.get(periode=periode, kode="KHUSUS")

    with pytest.raises(ValidationError, match="sudah disetujui"):
        services.beri_penghargaan_khusus(
            penetapan=penetapan, peserta=peserta["A"], kategori=khusus, alasan="x", oleh=admin_bkn
        )
    with pytest.raises(ValidationError, match="tarik persetujuan itu dahulu"):
        services.buat_penetapan(
            periode=periode, snapshot=penetapan.snapshot, jumlah_peringkat=2, oleh=admin_bkn
        )


def test_withdrawing_needs_a_reason_and_is_logged(client_of, admin_bkn, diumumkan):
    penetapan, _peserta = diumumkan
    client = client_of(admin_bkn)

    tanpa = client.post(reverse("laporan:tarik", args=[TAHUN]), {"alasan": ""})
    assert tanpa.context["tarik_form"].errors["alasan"]
    client.post(
        reverse("laporan:tarik", args=[TAHUN]), {"alasan": "Data SIASN instansi C terbukti tidak valid."}
    )

    penetapan.refresh_from_db()
    assert (penetapan.status, penetapan.ditarik_oleh, penetapan.alasan_tarik) == (
        StatusPenetapan.DITARIK,
        admin_bkn,
        "Data SIASN instansi C terbukti tidak valid.",
    )
    publik = client.get(reverse("pemenang", args=[TAHUN])).content.decode()
    assert "Hasil BKN Award 2040 sedang ditinjau ulang" in publik
    assert "Pemerintah Kabupaten A" not in publik


def test_a_special_mention_needs_a_reason(tahap_penetapan, admin_bkn):
    periode, peserta, snapshot = tahap_penetapan
    penetapan = services.buat_penetapan(
        periode=periode, snapshot=snapshot, jumlah_peringkat=3, oleh=admin_bkn
    )

    with pytest.raises(ValidationError, match="Tuliskan alasan penghargaan khusus"):
        services.beri_penghargaan_khusus(
            penetapan=penetapan,
            peserta=peserta["A"],
            kategori=Kategori.objects.get(periode=periode, kode="KHUSUS"),
            alasan=" ",
            oleh=admin_bkn,
        )


def test_winners_are_decided_in_the_penetapan_stage(contoh, admin_bkn):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))

    with pytest.raises(ValidationError, match="tahap Penetapan"):
        services.buat_penetapan(periode=periode, snapshot=snapshot, jumlah_peringkat=3, oleh=admin_bkn)


def test_the_announcement_stage_needs_approved_winners(tahap_penetapan, admin_bkn):
    periode, _peserta, _snapshot = tahap_penetapan

    assert penilaian_services.syarat_tahap_berikutnya(periode) == [
        "Pemenang belum disetujui pada halaman Penetapan."
    ]


# Nothing before publication


def test_nothing_is_public_before_publication(client, client_of, disetujui, operator_kab_a):
    _penetapan, peserta = disetujui
    sertifikat = sertifikat_utama(peserta["A"])

    assert client.get(reverse("pemenang", args=[TAHUN])).status_code == 404
    assert "belum diumumkan" in client.get(reverse("pemenang", args=[TAHUN])).content.decode()
    assert client.get(reverse("verifikasi", args=[sertifikat.kode])).status_code == 404
    operator = client_of(operator_kab_a)
    assert operator.get(reverse("hasil", args=[TAHUN])).status_code == 404
    assert operator.get(reverse("unduh_sertifikat", args=[sertifikat.kode])).status_code == 404


def test_a_scheduled_publication_waits_for_its_time(client, disetujui):
    penetapan, _peserta = disetujui

    services.umumkan(penetapan=penetapan, waktu=timezone.now() + timedelta(hours=2))

    assert client.get(reverse("pemenang", args=[TAHUN])).status_code == 404
    Penetapan.objects.filter(pk=penetapan.pk).update(diumumkan_pada=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("pemenang", args=[TAHUN])).status_code == 200


def test_the_public_page_is_served_from_the_cache_that_publishing_refreshes(
    client, disetujui, django_assert_num_queries, django_capture_on_commit_callbacks, admin_bkn
):
    penetapan, _peserta = disetujui
    with django_capture_on_commit_callbacks(execute=True):
        services.umumkan(penetapan=penetapan)

    pertama = client.get(reverse("pemenang", args=[TAHUN]))
    with django_assert_num_queries(0):
        kedua = client.get(reverse("pemenang", args=[TAHUN]))

    html = kedua.content.decode()
    assert kedua.content == pertama.content
    assert "Pemenang BKN Award 2040" in html
    assert "Pemerintah Kabupaten A" in html
    assert "Layanan kepegawaian terbaik" in html
    # Withdrawn, decided again without the special mention, published: the page follows.
    with django_capture_on_commit_callbacks(execute=True):
        services.tarik(penetapan=penetapan, alasan="Koreksi", oleh=admin_bkn)
    assert "sedang ditinjau ulang" in client.get(reverse("pemenang", args=[TAHUN])).content.decode()
    baru = services.buat_penetapan(
        periode=penetapan.periode, snapshot=penetapan.snapshot, jumlah_peringkat=1, oleh=admin_bkn
    )
    # A and B share rank 1 in two categories, and only rank 1 is awarded: the panel decides to award both.
    for seri in draf_pemenang(baru).seri:
        services.putuskan_seri(
            penetapan=baru,
            seri=seri,
            keputusan="semua",
            alasan="Nilai sama persis; keduanya layak.",
            oleh=admin_bkn,
        )
    baru = services.setujui(penetapan=baru, oleh=admin_bkn)
    with django_capture_on_commit_callbacks(execute=True):
        services.umumkan(penetapan=baru)
    html = client.get(reverse("pemenang", args=[TAHUN])).content.decode()
    assert "Layanan kepegawaian terbaik" not in html
    assert html.count("data-baris-pemenang data-teks") == 5  # rank 1 only: A and B (shared), A and B, C


# Certificates


def test_the_certificate_pdf_says_who_won_what(client_of, operator_kab_a, diumumkan):
    _penetapan, peserta = diumumkan
    sertifikat = sertifikat_utama(peserta["A"])

    response = client_of(operator_kab_a).get(reverse("unduh_sertifikat", args=[sertifikat.kode]))

    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    halaman = reader.pages[0].mediabox
    assert float(halaman.width) > float(halaman.height)  # A4 landscape
    teks = " ".join(teks_pdf(pdf).split())
    for bagian in [
        "PIAGAM PENGHARGAAN",
        f"Nomor: {sertifikat.nomor}",
        "Pemerintah Kabupaten A",
        "Peringkat 1 Kategori Implementasi Manajemen ASN Terbaik",
        "Kelompok Pemerintah Kabupaten",
        "BKN AWARD 2040",
        "Dr. Contoh Penandatangan",
        "Kepala Badan Kepegawaian Negara",
    ]:
        assert bagian in teks, bagian


def test_the_qr_code_carries_the_verification_url(disetujui):
    _penetapan, peserta = disetujui
    sertifikat = sertifikat_utama(peserta["A"])
    isi = layanan_sertifikat.isi(sertifikat)
    url = f"{settings.SITE_URL}/verifikasi/{sertifikat.kode}/"

    assert isi["url_verifikasi"] == url
    qr = segno.make(url, error="m")
    assert qr.designator == segno.make(isi["url_verifikasi"], error="m").designator
    from django.template.loader import render_to_string

    html = render_to_string(
        "laporan/sertifikat/piagam.html", {"s": {**isi, "qr_svg": qr.svg_inline(dark="#0f2f6b", border=0)}}
    )
    assert qr.svg_inline(dark="#0f2f6b", border=0) in html
    assert url in " ".join(teks_pdf(layanan_sertifikat.render_pdf(isi)).split())


def test_rendering_again_an_unchanged_certificate_does_nothing_a_changed_one_gets_a_new_version(disetujui):
    penetapan, peserta = disetujui
    sertifikat = sertifikat_utama(peserta["A"])
    lama = sertifikat.lokasi

    assert layanan_sertifikat.render(sertifikat_id=sertifikat.pk) == "sama"
    sertifikat.refresh_from_db()
    assert (sertifikat.versi, sertifikat.lokasi) == (1, lama)

    periode = penetapan.periode
    periode.penandatangan_nama = "Dr. Penandatangan Baru"
    periode.save()
    assert layanan_sertifikat.render(sertifikat_id=sertifikat.pk) == "baru"
    sertifikat.refresh_from_db()
    assert sertifikat.versi == 2
    assert sertifikat.lokasi != lama
    assert [v["versi"] for v in sertifikat.riwayat_versi] == [1]
    assert layanan_sertifikat.storage().exists(lama)


def test_verification_confirms_a_valid_certificate(client, diumumkan):
    _penetapan, peserta = diumumkan
    sertifikat = sertifikat_utama(peserta["A"])

    response = client.get(reverse("verifikasi", args=[sertifikat.kode]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Piagam sah" in html
    assert sertifikat.nomor in html
    assert "Peringkat 1 Kategori Implementasi Manajemen ASN Terbaik" in html


def test_an_unknown_code_answers_404(client, diumumkan):
    response = client.get(reverse("verifikasi", args=["BUKANKODE1"]))

    assert response.status_code == 404
    assert "Piagam tidak dikenal" in response.content.decode()


def test_a_revoked_certificate_answers_410(client, client_of, admin_bkn, operator_kab_a, diumumkan):
    _penetapan, peserta = diumumkan
    sertifikat = sertifikat_utama(peserta["A"])

    client_of(admin_bkn).post(
        reverse("laporan:cabut", args=[TAHUN, sertifikat.kode]),
        {"alasan": "Diterbitkan dengan nama yang salah."},
    )

    response = client.get(reverse("verifikasi", args=[sertifikat.kode]))
    assert response.status_code == 410
    assert "Piagam ini tidak berlaku lagi" in response.content.decode()
    assert "Diterbitkan dengan nama yang salah." in response.content.decode()
    assert (
        client_of(operator_kab_a).get(reverse("unduh_sertifikat", args=[sertifikat.kode])).status_code == 404
    )


def test_certificates_of_a_withdrawn_decision_answer_410(client, admin_bkn, diumumkan):
    penetapan, peserta = diumumkan
    services.tarik(penetapan=penetapan, alasan="Koreksi data", oleh=admin_bkn)

    response = client.get(reverse("verifikasi", args=[sertifikat_utama(peserta["A"]).kode]))

    assert response.status_code == 410
    assert "Koreksi data" in response.content.decode()


def test_an_operator_gets_only_its_own_certificates(client_of, diumumkan, contoh):
    _penetapan, peserta = diumumkan
    operator_b = OperatorFactory(username="operator.kab-b", instansi=peserta["B"].instansi)

    assert (
        client_of(operator_b)
        .get(reverse("unduh_sertifikat", args=[sertifikat_utama(peserta["A"]).kode]))
        .status_code
        == 404
    )


def test_the_admin_downloads_every_certificate_as_one_zip(client_of, admin_bkn, diumumkan):
    response = client_of(admin_bkn).get(reverse("laporan:zip_sertifikat", args=[TAHUN]))

    assert response.streaming
    arsip = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(arsip.namelist()) == Sertifikat.objects.count()
    assert all(arsip.read(nama).startswith(b"%PDF") for nama in arsip.namelist())


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_the_decision_is_the_admins(client_of, request, persona, draf):
    client = client_of(request.getfixturevalue(persona))

    assert client.get(reverse("laporan:penetapan", args=[TAHUN])).status_code == 403
    assert client.post(reverse("laporan:setujui", args=[TAHUN])).status_code == 403
    assert client.get(reverse("laporan:zip_sertifikat", args=[TAHUN])).status_code == 403


def test_the_agency_sees_its_result_and_notes_without_names(client_of, operator_kab_a, diumumkan):
    response = client_of(operator_kab_a).get(reverse("hasil", args=[TAHUN]))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["hasil"].total == 62.5
    assert [(k.kode, p["peringkat"]) for k, p in response.context["peringkat"]] == [
        ("UTAMA", 1),
        ("KE-1", 1),
        ("KE-2", 2),
    ]
    assert "Penilai 1" in html
    assert "Penilai P" not in html
    assert "Penilai Q" not in html
    assert len(response.context["sertifikat_list"]) == 3


def test_the_admin_page_walks_draft_approval_and_publication(client_of, admin_bkn, tahap_penetapan):
    _periode, _peserta, snapshot = tahap_penetapan
    client = client_of(admin_bkn)

    r = client.post(
        reverse("laporan:penetapan_buat", args=[TAHUN]),
        {"snapshot": snapshot.pk, "jumlah_peringkat": 3},
        follow=True,
    )
    assert (
        "Draf pemenang disusun dari snapshot terpilih; periksa daftarnya lalu setujui." in r.content.decode()
    )
    r = client.post(reverse("laporan:setujui", args=[TAHUN]), follow=True)
    assert "Pemenang BKN Award 2040 disetujui" in r.content.decode()
    r = client.post(reverse("laporan:umumkan", args=[TAHUN]), {"waktu": ""}, follow=True)
    assert "Pemenang BKN Award 2040 kini terbuka untuk publik." in r.content.decode()
    lalu = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(reverse("laporan:umumkan", args=[TAHUN]), {"waktu": lalu})
    assert r.context["umumkan_form"].errors["waktu"] == [
        "Waktu pengumuman tidak boleh di masa lalu; pilih sekarang atau nanti."
    ]
