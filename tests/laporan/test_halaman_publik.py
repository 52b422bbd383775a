"""The public pages served whole from the process's copy: what is kept, for whom, and that changes show at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bkn_award import halaman_publik
from instansi.models import Instansi
from laporan import services
from laporan.models import Penetapan, Penghargaan, Sertifikat, StatusSertifikat
from laporan.services import sertifikat as layanan_sertifikat
from penilaian.models import Peserta

from ..factories import InstansiFactory
from .test_penetapan import TAHUN, sertifikat_utama

pytestmark = pytest.mark.django_db


@pytest.fixture
def terbit(diumumkan):
    return diumumkan


@pytest.fixture
def tamu():
    """An anonymous visitor's browser, apart from ``client``, which ``client_of`` signs in."""
    return Client()


def halaman_publik_list(peserta):
    kode = sertifikat_utama(peserta["A"]).kode
    return [
        reverse("verifikasi", args=[kode]),
        reverse("pemenang", args=[TAHUN]),
        reverse("pemenang_daftar"),
        reverse("tentang"),
    ]


def test_an_anonymous_visitor_gets_each_public_page_from_the_copy_without_a_query(
    client, terbit, django_assert_num_queries
):
    _penetapan, peserta = terbit
    for path in halaman_publik_list(peserta):
        pertama = client.get(path)
        with django_assert_num_queries(0):
            kedua = client.get(path)

        assert kedua.status_code == pertama.status_code == 200, path
        assert kedua.content == pertama.content
        assert kedua["ETag"] == pertama["ETag"]
        assert kedua["Cache-Control"] == "public, no-cache"
        assert "Cookie" in kedua["Vary"]
        # The middleware's headers are on the copy too.
        assert kedua["Content-Security-Policy"] == pertama["Content-Security-Policy"]
        assert kedua["X-Frame-Options"] == "DENY"


def test_a_copy_is_answered_ahead_of_the_session_and_url_resolution_but_the_host_is_still_checked(
    client, terbit, django_assert_num_queries, monkeypatch
):
    _penetapan, peserta = terbit
    path = reverse("verifikasi", args=[sertifikat_utama(peserta["A"]).kode])
    client.get(path)
    terpanggil = []
    import django.urls.resolvers

    asli = django.urls.resolvers.URLResolver.resolve
    monkeypatch.setattr(
        django.urls.resolvers.URLResolver,
        "resolve",
        lambda self, p: terpanggil.append(p) or asli(self, p),
    )
    with django_assert_num_queries(0):
        dari_salinan = client.get(path)
    assert dari_salinan.status_code == 200
    assert terpanggil == []  # neither the URLs nor the view were looked at
    assert client.get(path, HTTP_HOST="penyerang.example").status_code == 400


def test_a_signed_in_user_a_flashed_message_and_htmx_always_reach_the_view(
    tamu, client_of, admin_bkn, terbit, django_assert_max_num_queries
):
    _penetapan, peserta = terbit
    path = reverse("verifikasi", args=[sertifikat_utama(peserta["A"]).kode])
    tamu.get(path)

    admin = client_of(admin_bkn)
    admin.get(path)
    Instansi.objects.filter(pk=peserta["A"].instansi_id).update(nama="Pemerintah Kabupaten A Baru")
    halaman_publik._ganti()  # as if the rename's version change had been lost: only the view can tell

    assert "Pemerintah Kabupaten A Baru" in admin.get(path).content.decode()
    assert "Pemerintah Kabupaten A Baru" in tamu.get(path, HTTP_HX_REQUEST="true").content.decode()
    tamu.cookies["messages"] = "x"
    assert "Pemerintah Kabupaten A Baru" in tamu.get(path).content.decode()
    assert "no-store" in admin.get(reverse("tentang"))["Cache-Control"]


def test_a_repeat_visitor_is_answered_304_until_the_page_changes(tamu, client_of, admin_bkn, terbit):
    _penetapan, peserta = terbit
    sertifikat = sertifikat_utama(peserta["A"])
    path = reverse("verifikasi", args=[sertifikat.kode])
    pertama = tamu.get(path)

    assert tamu.get(path, HTTP_IF_NONE_MATCH=pertama["ETag"]).status_code == 304
    assert tamu.get(path, HTTP_IF_MODIFIED_SINCE=pertama["Last-Modified"]).status_code == 304

    client_of(admin_bkn).post(
        reverse("laporan:cabut", args=[TAHUN, sertifikat.kode]), {"alasan": "Nama instansi salah."}
    )
    baru = tamu.get(path, HTTP_IF_NONE_MATCH=pertama["ETag"])
    assert baru.status_code == 410
    assert baru["ETag"] != pertama["ETag"]
    assert "Nama instansi salah." in baru.content.decode()


def test_a_revocation_shows_at_once_on_the_verification_and_winners_pages(tamu, client_of, admin_bkn, terbit):
    _penetapan, peserta = terbit
    sertifikat = sertifikat_utama(peserta["A"])
    verifikasi = reverse("verifikasi", args=[sertifikat.kode])
    pemenang = reverse("pemenang", args=[TAHUN])
    assert tamu.get(verifikasi).status_code == 200
    sebelum = tamu.get(pemenang).content.decode()

    client_of(admin_bkn).post(
        reverse("laporan:cabut", args=[TAHUN, sertifikat.kode]),
        {"alasan": "Diterbitkan dengan nama yang salah."},
    )

    assert tamu.get(verifikasi).status_code == 410
    assert tamu.get(pemenang).content.decode() != sebelum


def test_a_withdrawal_and_a_new_publication_show_at_once(
    client, admin_bkn, terbit, django_capture_on_commit_callbacks
):
    penetapan, peserta = terbit
    verifikasi = reverse("verifikasi", args=[sertifikat_utama(peserta["A"]).kode])
    pemenang = reverse("pemenang", args=[TAHUN])
    daftar = reverse("pemenang_daftar")
    for path in (verifikasi, pemenang, daftar):
        client.get(path)

    with django_capture_on_commit_callbacks(execute=True):
        services.tarik(penetapan=penetapan, alasan="Koreksi data", oleh=admin_bkn)

    assert client.get(verifikasi).status_code == 410
    assert "sedang ditinjau ulang" in client.get(pemenang).content.decode()
    assert "sedang ditinjau" in client.get(daftar).content.decode()

    baru = services.buat_penetapan(
        periode=penetapan.periode, snapshot=penetapan.snapshot, jumlah_peringkat=3, oleh=admin_bkn
    )
    baru = services.setujui(penetapan=baru, oleh=admin_bkn)
    with django_capture_on_commit_callbacks(execute=True):
        services.umumkan(penetapan=baru)

    assert "sedang ditinjau ulang" not in client.get(pemenang).content.decode()
    assert "Pemerintah Kabupaten A" in client.get(pemenang).content.decode()


def test_a_certificate_being_rendered_again_is_said_so_at_once(client, terbit):
    _penetapan, peserta = terbit
    sertifikat = sertifikat_utama(peserta["A"])
    path = reverse("verifikasi", args=[sertifikat.kode])
    assert 'data-testid="verifikasi-diperbarui"' not in client.get(path).content.decode()

    Sertifikat.objects.filter(pk=sertifikat.pk).update(
        status=StatusSertifikat.ANTRE
    )  # a bulk write, no signal
    assert 'data-testid="verifikasi-diperbarui"' in client.get(path).content.decode()

    layanan_sertifikat.render(sertifikat_id=sertifikat.pk)
    assert 'data-testid="verifikasi-diperbarui"' not in client.get(path).content.decode()


def test_an_agency_renamed_shows_at_once(client, terbit):
    _penetapan, peserta = terbit
    pemenang = reverse("pemenang", args=[TAHUN])
    client.get(pemenang)
    instansi = peserta["A"].instansi
    instansi.nama = "Pemerintah Kabupaten Anyar"
    instansi.save()

    assert (
        "Pemerintah Kabupaten Anyar"
        in client.get(reverse("verifikasi", args=[sertifikat_utama(peserta["A"]).kode])).content.decode()
    )


def test_a_scheduled_announcement_is_not_hidden_by_a_copy_made_before_it(client, disetujui, monkeypatch):
    penetapan, _peserta = disetujui
    waktu = timezone.now() + timedelta(hours=2)
    services.umumkan(penetapan=penetapan, waktu=waktu)
    path = reverse("pemenang_daftar")
    assert f"{TAHUN}" not in client.get(path).content.decode()

    # Two hours later, with no write in between: the copy ends at the announcement.
    sekarang = timezone.now() + timedelta(hours=2, seconds=1)
    monkeypatch.setattr(halaman_publik.time, "time", lambda: sekarang.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: sekarang)

    assert f"/pemenang/{TAHUN}/" in client.get(path).content.decode()


def test_without_the_cache_the_pages_are_computed_on_every_visit(client, terbit, monkeypatch):
    _penetapan, peserta = terbit
    path = reverse("verifikasi", args=[sertifikat_utama(peserta["A"]).kode])
    client.get(path)

    def mati(*args, **kwargs):
        raise ConnectionError("Redis mati")

    for metode in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(halaman_publik.cache, metode, mati)
    Sertifikat.objects.filter(kode=sertifikat_utama(peserta["A"]).kode).update(
        dicabut_pada=timezone.now(), alasan_cabut="Dicabut ketika Redis mati."
    )

    response = client.get(path)
    assert response.status_code == 410
    assert "Dicabut ketika Redis mati." in response.content.decode()


def test_unknown_codes_are_not_kept(client, terbit):
    for n in range(5):
        assert client.get(reverse("verifikasi", args=[f"TIDAKADA{n}"])).status_code == 404

    assert halaman_publik.simpanan.ambil(reverse("verifikasi", args=["TIDAKADA0"])) is None


def tambah_pemenang(penetapan, jumlah):
    """``jumlah`` more agencies awarded in the decision, each with a certificate: a larger page."""
    periode = penetapan.periode
    contoh_penghargaan = Penghargaan.objects.filter(penetapan=penetapan).first()
    urutan = Penghargaan.objects.filter(penetapan=penetapan).count()
    for n in range(jumlah):
        peserta = Peserta.objects.create(periode=periode, instansi=InstansiFactory())
        penghargaan = Penghargaan.objects.create(
            penetapan=penetapan,
            peserta=peserta,
            kategori=contoh_penghargaan.kategori,
            kode_kelompok=contoh_penghargaan.kode_kelompok,
            kelompok=contoh_penghargaan.kelompok,
            peringkat=3,
            skor=contoh_penghargaan.skor,
            urutan=urutan + n + 1,
        )
        Sertifikat.objects.create(
            penghargaan=penghargaan, nomor=f"UJI/{n}", kode=f"UJIKODE{n:03d}", status=StatusSertifikat.SELESAI
        )


@pytest.mark.parametrize("jumlah", [0, 30])
def test_the_public_pages_queries_do_not_grow_with_the_winners(
    client, terbit, jumlah, django_assert_num_queries
):
    penetapan, peserta = terbit
    tambah_pemenang(penetapan, jumlah)
    kode = sertifikat_utama(peserta["A"]).kode
    halaman_publik.simpanan.kosongkan()
    cache.clear()  # the winners page's rendered HTML too: computed from the rows

    # The decision, its awards, the next scheduled announcement (when the copy ends).
    with django_assert_num_queries(3):
        assert client.get(reverse("pemenang", args=[TAHUN])).status_code == 200
    # The certificate with its award, agency and period; the next scheduled announcement.
    with django_assert_num_queries(2):
        assert client.get(reverse("verifikasi", args=[kode])).status_code == 200
    # Published decisions, withdrawn ones, the next scheduled announcement.
    with django_assert_num_queries(3):
        assert client.get(reverse("pemenang_daftar")).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(reverse("tentang")).status_code == 200
    assert Penetapan.objects.get(pk=penetapan.pk).penghargaan.count() >= jumlah
