"""The receipt of a submitted self-assessment: its content, its fingerprint, who may read it."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from penilaian import services
from penilaian.models import BuktiDukung, JawabanMandiri, Peserta
from penilaian.services.mandiri import tanda_terima

from ..factories import OperatorFactory
from ..test_izin import kata_inggris
from .test_mandiri import lengkapi, pesan

pytestmark = pytest.mark.django_db

TAHUN = 2030
# 10.15 in Jakarta (UTC+7).
WAKTU_KIRIM = datetime(2026, 11, 29, 3, 15, 42, 123456, tzinfo=UTC)


def url(tahun=TAHUN):
    return reverse("mandiri:tanda_terima", args=[tahun])


def url_admin(kode, tahun=TAHUN):
    return reverse("penilaian:pengisian_tanda_terima", args=[tahun, kode])


@pytest.fixture
def operator(client_of, operator_a, peserta_a):
    return client_of(operator_a)


@pytest.fixture
def terkirim(operator_a, peserta_a):
    """Agency A's self-assessment, complete and submitted at WAKTU_KIRIM."""
    lengkapi(peserta_a, operator_a)
    BuktiDukung.objects.filter(peserta=peserta_a).update(diunggah=WAKTU_KIRIM - timedelta(hours=1))
    services.kirim_penilaian_mandiri(peserta=peserta_a, oleh=operator_a)
    Peserta.objects.filter(pk=peserta_a.pk).update(dikirim_pada=WAKTU_KIRIM)
    peserta_a.refresh_from_db()
    return peserta_a


def test_submitting_leads_to_the_receipt(operator, operator_a, peserta_a):
    lengkapi(peserta_a, operator_a)

    response = operator.post(reverse("mandiri:kirim", args=[TAHUN]))

    assert response.status_code == 302
    assert response["Location"] == url()
    halaman = operator.get(url())
    assert pesan(halaman) == [
        "Penilaian mandiri Pemerintah Kabupaten Alfa terkirim. Terima kasih; isian kini hanya dapat dibaca."
    ]
    assert halaman.context["terima"].dikirim_oleh == operator_a


def test_the_receipt_lists_what_was_sent_and_when(operator, terkirim):
    e11 = JawabanMandiri.objects.get(peserta=terkirim, indikator__kode="E1.1")
    e11.level = 4
    e11.save()

    response = operator.get(url())

    assert response.status_code == 200
    terima = response.context["terima"]
    html = response.content.decode()
    assert "Tanda terima pengiriman" in html
    assert "Pemerintah Kabupaten Alfa" in html
    assert "BKN Award 2030" in html
    assert "29 November 2026 pukul 10.15 WIB" in html
    assert "Operator Alfa" in html
    bukti = BuktiDukung.objects.filter(peserta=terkirim)
    total = sum(b.ukuran for b in bukti)
    assert (terima.jumlah_dijawab, len(terima.baris), terima.jumlah_berkas, terima.total_ukuran) == (
        28,
        28,
        87,
        total,
    )
    baris = {b.indikator.kode: b for b in terima.baris}
    assert (baris["E1.1"].level, baris["E1.2"].level) == (4, 3)
    assert [x.nama_berkas for x in baris["E1.1"].bukti] == ["bukti.pdf"] * 3
    assert "diunggah 29 November 2026 09.15 WIB" in html
    assert "87 berkas bukti dukung" in html
    assert terima.sidik in html
    assert terima.nomor in html
    assert len(terima.sidik) == 64
    assert terima.nomor == "-".join(terima.sidik[i : i + 4].upper() for i in range(0, 16, 4))
    assert "data-cetak" in html
    assert kata_inggris(html) == []


def test_the_fingerprint_is_stable_and_covers_the_content(operator, operator_a, terkirim):
    pertama = tanda_terima(terkirim).sidik
    assert tanda_terima(terkirim).sidik == pertama
    assert operator.get(url()).context["terima"].sidik == pertama

    # A file uploaded after the submission (an answer to a clarification request), and the file it
    # replaced, change nothing: the receipt is of what was sent.
    lama = BuktiDukung.objects.filter(peserta=terkirim).first()
    baru = BuktiDukung.objects.create(
        peserta=terkirim,
        indikator=lama.indikator,
        syarat=lama.syarat,
        nama_berkas="klarifikasi.pdf",
        lokasi="2030/klarifikasi.pdf",
        jenis="pdf",
        ukuran=10,
        sha256=hashlib.sha256(b"klarifikasi").hexdigest(),
        diunggah=WAKTU_KIRIM + timedelta(days=3),
        diunggah_oleh=operator_a,
    )
    BuktiDukung.objects.filter(pk=lama.pk).update(diganti_pada=baru.diunggah, pengganti=baru)
    assert tanda_terima(terkirim).sidik == pertama
    assert "klarifikasi.pdf" not in operator.get(url()).content.decode()

    # Another level is other content: another fingerprint.
    JawabanMandiri.objects.filter(peserta=terkirim, indikator__kode="E2.1").update(level=1)
    assert tanda_terima(terkirim).sidik != pertama


def test_the_fingerprint_differs_per_agency(operator_a, operator_b, terkirim, peserta_b):
    lengkapi(peserta_b, operator_b)
    peserta_b = services.kirim_penilaian_mandiri(peserta=peserta_b, oleh=operator_b)

    assert tanda_terima(peserta_b).sidik != tanda_terima(terkirim).sidik


def test_the_summary_links_to_the_receipt_once_submitted(operator, operator_a, peserta_a):
    ringkasan = reverse("mandiri:ringkasan", args=[TAHUN])
    assert url() not in operator.get(ringkasan).content.decode()

    lengkapi(peserta_a, operator_a)
    services.kirim_penilaian_mandiri(peserta=peserta_a, oleh=operator_a)

    assert f'href="{url()}"' in operator.get(ringkasan).content.decode()


def test_before_submission_there_is_no_receipt_yet(operator):
    response = operator.get(url(), follow=True)

    assert response.redirect_chain == [(reverse("mandiri:ringkasan", args=[TAHUN]), 302)]
    assert pesan(response) == ["Penilaian mandiri belum dikirim; tanda terima tersedia setelah pengiriman."]


# Who may read it


def test_operator_of_a_non_participant_gets_404(client_of, terkirim):
    luar = client_of(OperatorFactory(username="operator.luar"))

    assert luar.get(url()).status_code == 404


def test_another_agency_sees_only_its_own(client_of, operator_b, terkirim, peserta_b):
    response = client_of(operator_b).get(url())

    # B has not submitted: no receipt, and never A's.
    assert response.status_code == 302
    assert response["Location"] == reverse("mandiri:ringkasan", args=[TAHUN])
    assert client_of(operator_b).get(url(tahun=2031)).status_code == 404
    assert client_of(operator_b).get(url_admin(terkirim.instansi.kode)).status_code == 403


@pytest.mark.parametrize("persona", ["admin_bkn", "ketua", "penilai"])
def test_the_operators_page_is_for_operators(client_of, request, persona, terkirim):
    assert client_of(request.getfixturevalue(persona)).get(url()).status_code == 403


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_the_admins_page_is_for_admins(client_of, request, persona, terkirim):
    assert (
        client_of(request.getfixturevalue(persona)).get(url_admin(terkirim.instansi.kode)).status_code == 403
    )


def test_admin_reads_an_agencys_receipt_from_its_filling_page(client_of, admin_bkn, terkirim, peserta_b):
    client = client_of(admin_bkn)
    pengisian = reverse("penilaian:pengisian_instansi", args=[TAHUN, terkirim.instansi.kode])

    assert f'href="{url_admin(terkirim.instansi.kode)}"' in client.get(pengisian).content.decode()
    response = client.get(url_admin(terkirim.instansi.kode))
    assert response.status_code == 200
    assert response.context["terima"].sidik == tanda_terima(terkirim).sidik
    assert "29 November 2026 pukul 10.15 WIB" in response.content.decode()
    # B has not submitted: back to its filling page; an agency not taking part: 404.
    belum = client.get(url_admin(peserta_b.instansi.kode))
    assert belum["Location"] == reverse("penilaian:pengisian_instansi", args=[TAHUN, peserta_b.instansi.kode])
    assert client.get(url_admin("BUKANKODE")).status_code == 404


def test_anonymous_users_go_to_login(client, terkirim):
    for alamat in (url(), url_admin(terkirim.instansi.kode)):
        response = client.get(alamat)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_receipt_query_count_does_not_grow_with_the_files(operator, operator_a, terkirim):
    def jumlah_query():
        with CaptureQueriesContext(connection) as tertangkap:
            assert operator.get(url()).status_code == 200
        return len(tertangkap)

    sedikit = jumlah_query()
    # Two more files on 30 required documents: 60 more rows on the receipt.
    for n in range(2):
        for b in list(BuktiDukung.objects.filter(peserta=terkirim)[:30]):
            BuktiDukung.objects.create(
                peserta=terkirim,
                indikator=b.indikator,
                syarat=b.syarat,
                nama_berkas=f"tambahan-{n}.pdf",
                lokasi=f"{b.lokasi}-{n}",
                jenis="pdf",
                ukuran=100,
                sha256=hashlib.sha256(f"{b.pk}-{n}".encode()).hexdigest(),
                diunggah=timezone.now() - timedelta(days=30),
                diunggah_oleh=operator_a,
            )

    assert tanda_terima(terkirim).jumlah_berkas == 87 + 60
    assert jumlah_query() == sedikit
