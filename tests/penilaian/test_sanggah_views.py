"""The pages of preliminary results and objections: the agency's, the panel's, the admin's publication."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from laporan import services as laporan_services
from laporan.models import HasilSementara
from penilaian import services
from penilaian.jadwal import waktu_wib
from penilaian.models import (
    JadwalTahap,
    KonflikKepentingan,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    Sanggah,
    StatusSanggah,
    Tahap,
)

from ..factories import OperatorFactory
from . import berkas_uji
from .test_sanggah import _snapshot


@pytest.fixture
def operator(contoh):
    _periode, peserta = contoh
    return OperatorFactory(username="operator.kab-a", instansi=peserta["A"].instansi)


@pytest.fixture
def masa_sanggah(contoh, admin_bkn, operator):
    """The example in the Sanggah stage, its snapshot published; A's evaluators left notes."""
    periode, peserta = contoh
    lembar = LembarPenilaian.objects.filter(peserta=peserta["A"]).order_by("pk")
    NilaiPenilai.objects.filter(lembar=lembar[0], indikator__kode="I1").update(
        catatan="SK belum ditandatangani.", catatan_panel="Memo internal panel."
    )
    laporan_services.terbitkan_hasil_sementara(snapshot=_snapshot(periode, admin_bkn), oleh=admin_bkn)
    periode = services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin_bkn)
    return periode, peserta


def _url(nama, periode, *args):
    return reverse(nama, args=[periode.tahun, *args])


def test_the_agency_reads_its_levels_element_scores_and_blind_notes(masa_sanggah, client_of, operator):
    periode, _peserta = masa_sanggah

    isi = client_of(operator).get(_url("mandiri:hasil_sementara", periode)).content.decode()

    # A's I1: (3 + 2) / 2 in the example; the evaluators' notes without names, never the panel's memo.
    assert "Level 2,50" in isi
    assert "Penilai 1</span>" not in isi
    assert "Penilai 1: SK belum ditandatangani." in isi
    assert "Memo internal panel" not in isi
    for lembar in LembarPenilaian.objects.filter(peserta__periode=periode).select_related("penilai"):
        assert lembar.penilai.nama not in isi
    assert "Ajukan sanggah I1" in isi
    assert "Peringkat" not in isi.split("<main", 1)[-1].split("Peringkat ditetapkan", 1)[0]


def test_before_publication_the_agency_is_told_none_is_published(contoh, admin_bkn, client_of, operator):
    periode, _peserta = contoh

    response = client_of(operator).get(_url("mandiri:hasil_sementara", periode))

    assert "Hasil sementara belum diterbitkan" in response.content.decode()


def test_a_later_snapshot_shows_only_once_the_admin_publishes_it(
    masa_sanggah, client_of, admin_bkn, operator
):
    periode, peserta = masa_sanggah
    Moderasi.objects.create(
        peserta=peserta["A"], indikator=periode.indikator.get(kode="I1"), level=4, alasan="x", oleh=admin_bkn
    )
    baru = _snapshot(periode, admin_bkn)
    halaman = _url("mandiri:hasil_sementara", periode)
    assert "Level 2,50" in client_of(operator).get(halaman).content.decode()

    response = client_of(admin_bkn).post(_url("laporan:terbitkan_sementara", periode, baru.pk))

    assert response.status_code == 302
    assert HasilSementara.objects.latest().snapshot == baru
    assert "Level 4,00" in client_of(operator).get(halaman).content.decode()


def test_publishing_after_the_objections_is_refused_with_the_stage(masa_sanggah, client_of, admin_bkn):
    periode, _peserta = masa_sanggah
    snapshot = _snapshot(periode, admin_bkn)
    services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin_bkn)

    response = client_of(admin_bkn).post(
        _url("laporan:terbitkan_sementara", periode, snapshot.pk), follow=True
    )

    assert "diterbitkan pada tahap Moderasi atau Sanggah (sekarang: Penetapan)" in response.content.decode()
    assert HasilSementara.objects.count() == 1


def test_the_operator_files_an_objection_with_a_file(masa_sanggah, client_of, operator):
    periode, peserta = masa_sanggah
    url = _url("mandiri:sanggah_ajukan", periode, "I1")

    response = client_of(operator).post(
        url,
        {
            "alasan": "SK sudah terbit 3 Januari.",
            "berkas": berkas_uji.unggahan("sk.pdf", berkas_uji.pdf("SK")),
        },
        follow=True,
    )

    assert "Sanggah indikator I1 terkirim ke panel penilai." in response.content.decode()
    sanggah = Sanggah.objects.get()
    assert (sanggah.peserta, sanggah.berkas_nama, sanggah.status) == (peserta["A"], "sk.pdf", "menunggu")
    berkas = client_of(operator).get(_url("mandiri:sanggah_berkas", periode, sanggah.pk))
    assert berkas.status_code == 200
    assert b"".join(berkas.streaming_content).startswith(b"%PDF")


def test_a_refused_objection_keeps_what_was_typed_beside_the_reason(masa_sanggah, client_of, operator):
    periode, _peserta = masa_sanggah
    url = _url("mandiri:sanggah_ajukan", periode, "I1")

    kosong = client_of(operator).post(url, {"alasan": "  "}).content.decode()
    rusak = client_of(operator).post(
        url, {"alasan": "Alasan panjang saya.", "berkas": berkas_uji.unggahan("sk.pdf", b"%PDF-1.4 rusak")}
    )

    assert "Tuliskan alasan sanggah." in kosong
    isi = rusak.content.decode()
    assert "Alasan panjang saya." in isi
    assert "rusak" in isi
    assert not Sanggah.objects.exists()


def test_a_second_objection_on_an_indicator_is_refused_and_the_first_kept(masa_sanggah, client_of, operator):
    periode, _peserta = masa_sanggah
    url = _url("mandiri:sanggah_ajukan", periode, "I1")
    client_of(operator).post(url, {"alasan": "Pertama."})

    isi = client_of(operator).post(url, {"alasan": "Kedua."}).content.decode()

    assert "Sanggah untuk indikator I1 sudah diajukan pada" in isi
    assert list(Sanggah.objects.values_list("alasan", flat=True)) == ["Pertama."]


def test_a_late_objection_is_refused_with_the_deadline_and_the_text_kept(masa_sanggah, client_of, operator):
    periode, _peserta = masa_sanggah
    lalu = timezone.now() - timedelta(minutes=1)
    JadwalTahap.objects.create(
        periode=periode, tahap=Tahap.SANGGAH, mulai=lalu - timedelta(days=5), selesai=lalu
    )
    url = _url("mandiri:sanggah_ajukan", periode, "I1")

    halaman = client_of(operator).get(url).content.decode()
    isi = client_of(operator).post(url, {"alasan": "Terlambat sedikit."}).content.decode()

    assert "Batas waktu tahap Sanggah (" in halaman
    assert '<form method="post" enctype' not in halaman
    assert "Batas waktu tahap Sanggah (" in isi
    assert "Terlambat sedikit." in isi
    assert not Sanggah.objects.exists()


def test_an_unknown_indicator_answers_404(masa_sanggah, client_of, operator):
    periode, _peserta = masa_sanggah

    assert client_of(operator).get(_url("mandiri:sanggah_ajukan", periode, "X9")).status_code == 404


def _ajukan(periode, peserta, operator, kode="I1"):
    return services.ajukan_sanggah(
        peserta=peserta["A"], indikator=periode.indikator.get(kode=kode), alasan="SK terbit.", oleh=operator
    )


def test_the_chair_accepts_with_a_new_level_and_the_agency_reads_it(masa_sanggah, client_of, ketua, operator):
    periode, peserta = masa_sanggah
    sanggah = _ajukan(periode, peserta, operator)
    daftar = client_of(ketua).get(_url("penilaian:sanggah", periode)).content.decode()
    assert "SK terbit." in daftar
    assert 'data-testid="jumlah-menunggu">1<' in daftar

    response = client_of(ketua).post(
        _url("penilaian:sanggah_putuskan", periode, sanggah.pk),
        {
            f"s{sanggah.pk}-terima": "terima",
            f"s{sanggah.pk}-level": "4",
            f"s{sanggah.pk}-keputusan": "SK sah.",
        },
    )

    assert response.status_code == 302
    sanggah.refresh_from_db()
    assert (sanggah.status, sanggah.level_baru) == (StatusSanggah.DITERIMA, 4)
    pesan = response.client.get(response["Location"]).content.decode()
    assert f"atas indikator I1 diputuskan pada {waktu_wib(sanggah.diputuskan_pada)}." in pesan
    assert Moderasi.objects.get(peserta=peserta["A"], indikator=sanggah.indikator).level == 4
    hasil = client_of(operator).get(_url("mandiri:hasil_sementara", periode)).content.decode()
    assert "Level 2,50 → 4" in hasil
    assert "SK sah." in hasil
    linimasa = client_of(operator).get(_url("mandiri:linimasa", periode)).content.decode()
    assert "Sanggah diajukan" in linimasa
    assert "Sanggah diterima" in linimasa
    assert "2,50 → 4,00" in linimasa
    assert ketua.nama not in linimasa


def test_a_refused_decision_stays_beside_its_objection_as_typed(masa_sanggah, client_of, ketua, operator):
    periode, peserta = masa_sanggah
    sanggah = _ajukan(periode, peserta, operator)

    isi = (
        client_of(ketua)
        .post(
            _url("penilaian:sanggah_putuskan", periode, sanggah.pk),
            {f"s{sanggah.pk}-terima": "terima", f"s{sanggah.pk}-keputusan": "Alasan yang saya tulis."},
        )
        .content.decode()
    )

    assert "Pilih level baru untuk sanggah yang diterima." in isi
    assert "Alasan yang saya tulis." in isi
    sanggah.refresh_from_db()
    assert sanggah.status == StatusSanggah.MENUNGGU


def test_a_chair_with_a_conflict_sees_the_objection_without_a_form(masa_sanggah, client_of, ketua, operator):
    periode, peserta = masa_sanggah
    KonflikKepentingan.objects.create(penilai=ketua, instansi=peserta["A"].instansi, alasan="Keluarga.")
    sanggah = _ajukan(periode, peserta, operator)

    isi = client_of(ketua).get(_url("penilaian:sanggah", periode)).content.decode()
    response = client_of(ketua).post(
        _url("penilaian:sanggah_putuskan", periode, sanggah.pk),
        {f"s{sanggah.pk}-terima": "tolak", f"s{sanggah.pk}-keputusan": "Tidak."},
        follow=True,
    )

    assert "keputusannya diambil admin" in isi
    assert "Simpan keputusan" not in isi
    assert "Keputusan untuk instansi ini diambil admin" in response.content.decode()
    sanggah.refresh_from_db()
    assert sanggah.status == StatusSanggah.MENUNGGU


def test_the_chair_and_the_operator_find_the_objections_from_their_home(
    masa_sanggah, client_of, ketua, operator
):
    periode, peserta = masa_sanggah
    _ajukan(periode, peserta, operator)

    beranda_ketua = client_of(ketua).get(reverse("beranda_ketua")).content.decode()
    beranda_operator = client_of(operator).get(reverse("beranda_operator")).content.decode()

    assert "Sanggah (1 menunggu)" in beranda_ketua
    assert _url("mandiri:hasil_sementara", periode) in beranda_operator


def test_the_panel_searches_objections_by_agency_and_element(masa_sanggah, client_of, ketua, operator):
    periode, peserta = masa_sanggah
    di_e1 = _ajukan(periode, peserta, operator, "I1")
    di_e2 = _ajukan(periode, peserta, operator, "I3")
    client = client_of(ketua)
    url = _url("penilaian:sanggah", periode)

    def daftar(**saring):
        return [s.pk for s in client.get(url, saring).context["sanggah_list"]]

    assert sorted(daftar()) == sorted([di_e1.pk, di_e2.pk])
    assert daftar(elemen="E2") == [di_e2.pk]
    assert sorted(daftar(q=peserta["A"].instansi.kode)) == sorted([di_e1.pk, di_e2.pk])
    assert daftar(q="Kabupaten B") == []
    kosong = client.get(url, {"q": "Kabupaten B"}).content.decode()
    assert "Tidak ada sanggah yang cocok dengan pencarian atau saringan ini." in kosong
    assert daftar(status="diterima", elemen="E1") == []


def test_a_refused_decision_is_shown_even_outside_the_filtered_page(masa_sanggah, client_of, ketua, operator):
    periode, peserta = masa_sanggah
    di_e1 = _ajukan(periode, peserta, operator, "I1")
    _ajukan(periode, peserta, operator, "I3")

    response = client_of(ketua).post(
        _url("penilaian:sanggah_putuskan", periode, di_e1.pk) + "?elemen=E2",
        {f"s{di_e1.pk}-terima": "terima", f"s{di_e1.pk}-keputusan": "Alasan yang saya tulis."},
    )

    assert response.context["sanggah_list"][0].pk == di_e1.pk
    assert "Pilih level baru untuk sanggah yang diterima." in response.content.decode()
