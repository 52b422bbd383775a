"""Evidence in bulk: the per-file upload endpoint the page's script uses, and several files in one plain POST."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from penilaian import services
from penilaian.models import BuktiDukung, Tahap

from ..factories import OperatorFactory
from ..test_izin import kata_inggris
from . import berkas_uji
from .berkas_uji import unggahan
from .test_mandiri import lengkapi, pesan, tersimpan

pytestmark = pytest.mark.django_db

TAHUN = 2030


def url(kode="E1.1", tahun=TAHUN):
    return reverse("mandiri:unggah_bukti", args=[tahun, kode])


def kirim(client, nama, isi, *, kode="E1.1", syarat=None, mengganti=None):
    data = {"berkas": unggahan(nama, isi)}
    if syarat is not None:
        data["syarat"] = syarat.pk
    if mengganti is not None:
        data["mengganti"] = mengganti.pk
    return client.post(url(kode), data)


@pytest.fixture
def operator(client_of, operator_a, peserta_a):
    return client_of(operator_a)


@pytest.fixture
def e11(periode_mandiri):
    return periode_mandiri.indikator.prefetch_related("syarat_bukti").get(kode="E1.1")


# The endpoint: one file per request


def test_the_endpoint_stores_a_good_file_and_says_so(operator, operator_a, peserta_a, e11):
    syarat = e11.syarat_bukti.all()[1]
    isi = berkas_uji.pdf("uraian")

    response = kirim(operator, "uraian jabatan.pdf", isi, syarat=syarat)

    assert response.status_code == 200
    bukti = BuktiDukung.objects.get(peserta=peserta_a)
    assert response.json() == {
        "ok": True,
        "id": bukti.pk,
        "nama": "uraian jabatan.pdf",
        "ukuran": len(isi),
        "syarat": syarat.uraian,
        "pesan": "uraian jabatan.pdf terunggah.",
    }
    assert (bukti.indikator, bukti.syarat, bukti.diunggah_oleh, bukti.ukuran) == (
        e11,
        syarat,
        operator_a,
        len(isi),
    )
    assert tersimpan() == [bukti.lokasi]


def test_without_a_required_document_the_file_is_other_evidence(operator, peserta_a):
    response = kirim(operator, "foto kegiatan.jpg", berkas_uji.jpg())

    assert response.json()["syarat"] == "Bukti pendukung lain"
    assert BuktiDukung.objects.get(peserta=peserta_a).syarat is None


@pytest.mark.parametrize(
    ("nama", "isi", "galat"),
    [
        (
            "laporan.pdf",
            berkas_uji.EXE,
            "Isi berkas bukan PDF walaupun namanya berakhiran .pdf. Berkas ditolak.",
        ),
        (
            "program.exe",
            berkas_uji.EXE,
            "Jenis berkas tidak diizinkan. Unggah PDF, JPG, PNG, XLSX atau DOCX.",
        ),
        (
            "rusak.pdf",
            berkas_uji.PDF_RUSAK,
            "Berkas PDF ini rusak atau tidak dapat dibuka. Periksa berkasnya lalu unggah ulang.",
        ),
        ("kosong.pdf", b"", "Berkas kosong (0 bita). Pilih berkas yang berisi dokumen."),
    ],
)
def test_the_endpoint_refuses_a_bad_file_with_its_reason(operator, nama, isi, galat):
    response = kirim(operator, nama, isi)

    assert response.status_code == 200
    assert response.json() == {"ok": False, "galat": [galat]}
    assert not BuktiDukung.objects.exists()
    assert tersimpan() == []


def test_the_endpoint_refuses_a_file_over_the_limit(operator, settings):
    settings.BUKTI_MAKS_MB = 1
    besar = berkas_uji.pdf() + b"\n%" + b"0" * (1024 * 1024 + 10)

    response = kirim(operator, "besar.pdf", besar)

    assert response.status_code == 200
    assert response.json()["galat"] == ["Berkas terlalu besar (1,0 MB); batasnya 1 MB per berkas."]


def test_the_endpoint_refuses_over_the_quota(operator, settings):
    settings.BUKTI_KUOTA_MB = 0

    response = kirim(operator, "sk.pdf", berkas_uji.pdf())

    assert response.status_code == 200
    assert response.json()["galat"] == [
        "Kuota penyimpanan instansi (0 MB) akan terlampaui. Hapus berkas yang tidak diperlukan."
    ]
    assert tersimpan() == []


def test_the_endpoint_refuses_after_the_deadline(operator, periode_mandiri):
    periode_mandiri.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).update(
        selesai=timezone.now() - timedelta(minutes=1)
    )

    response = kirim(operator, "sk.pdf", berkas_uji.pdf())

    assert response.status_code == 200
    [galat] = response.json()["galat"]
    assert re.fullmatch(
        r"Batas waktu penilaian mandiri \(\d+ \w+ 20\d\d \d\d\.\d\d WIB\) sudah lewat; "
        r"perubahan tidak dapat disimpan\.",
        galat,
    )
    assert not BuktiDukung.objects.exists()


def test_the_endpoint_refuses_once_submitted(operator, operator_a, peserta_a):
    lengkapi(peserta_a, operator_a)
    services.kirim_penilaian_mandiri(peserta=peserta_a, oleh=operator_a)
    sebelum = tersimpan()

    response = kirim(operator, "susulan.pdf", berkas_uji.pdf("susulan"))

    assert response.status_code == 200
    assert response.json()["galat"][0].startswith("Penilaian mandiri sudah dikirim pada ")
    assert tersimpan() == sebelum


def test_the_same_file_sent_twice_is_stored_once(operator, peserta_a):
    isi = berkas_uji.pdf("klik-ganda")

    pertama, kedua = (kirim(operator, "sk.pdf", isi) for _ in range(2))

    assert (pertama.json()["ok"], kedua.json()["ok"]) == (True, False)
    assert kedua.json()["galat"] == ["Berkas yang sama sudah diunggah untuk indikator ini (sk.pdf)."]
    assert BuktiDukung.objects.count() == 1
    assert len(tersimpan()) == 1


def test_a_required_document_of_another_indicator_is_refused(operator, periode_mandiri):
    e12 = periode_mandiri.indikator.get(kode="E1.2").syarat_bukti.first()

    response = kirim(operator, "sk.pdf", berkas_uji.pdf(), syarat=e12)

    assert response.status_code == 200
    assert response.json() == {
        "ok": False,
        "galat": [
            "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."
        ],
    }


def test_the_endpoint_replaces_a_file(operator, peserta_a, e11):
    syarat = e11.syarat_bukti.first()
    kirim(operator, "lama.pdf", berkas_uji.pdf("lama"), syarat=syarat)
    lama = BuktiDukung.objects.get()

    response = kirim(operator, "baru.pdf", berkas_uji.pdf("baru"), mengganti=lama)

    assert response.status_code == 200
    baru = BuktiDukung.objects.get()
    assert (baru.nama_berkas, baru.syarat) == ("baru.pdf", syarat)


# Who may use it


def test_another_agencys_file_cannot_be_replaced(client_of, operator, operator_b, peserta_a, peserta_b):
    kirim(operator, "rahasia.pdf", berkas_uji.pdf("rahasia"))
    milik_a = BuktiDukung.objects.get()

    response = kirim(client_of(operator_b), "x.pdf", berkas_uji.pdf("x"), mengganti=milik_a)

    assert response.status_code == 404
    assert list(BuktiDukung.objects.all()) == [milik_a]


def test_operator_of_a_non_participant_gets_404(client_of, periode_mandiri):
    luar = client_of(OperatorFactory(username="operator.luar"))

    assert kirim(luar, "sk.pdf", berkas_uji.pdf()).status_code == 404
    assert not BuktiDukung.objects.exists()


def test_a_period_the_agency_is_not_in_gets_404(operator):
    response = operator.post(url(tahun=2031), {"berkas": unggahan("sk.pdf", berkas_uji.pdf())})

    assert response.status_code == 404


def test_an_unknown_indicator_gets_404(operator):
    assert kirim(operator, "sk.pdf", berkas_uji.pdf(), kode="E9.9").status_code == 404


@pytest.mark.parametrize("persona", ["admin_bkn", "ketua", "penilai"])
def test_bkn_staff_may_not_upload_for_an_agency(client_of, request, persona, peserta_a):
    response = kirim(client_of(request.getfixturevalue(persona)), "sk.pdf", berkas_uji.pdf())

    assert response.status_code == 403
    assert not BuktiDukung.objects.exists()


def test_anonymous_users_go_to_login(client, peserta_a):
    response = kirim(client, "sk.pdf", berkas_uji.pdf())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_endpoint_takes_only_posts(operator):
    assert operator.get(url()).status_code == 405


# Several files in one plain POST (the page without its script)


def halaman(kode="E1.1"):
    return reverse("mandiri:indikator", args=[TAHUN, kode])


def test_several_files_in_one_post_are_each_stored(operator, peserta_a, e11):
    syarat = e11.syarat_bukti.first()
    satu, dua = berkas_uji.pdf("satu"), berkas_uji.pdf("dua")

    response = operator.post(
        halaman(),
        {
            "aksi": "unggah",
            "syarat": syarat.pk,
            "berkas": [unggahan("satu.pdf", satu), unggahan("dua.pdf", dua)],
        },
        follow=True,
    )

    assert pesan(response) == ["satu.pdf terunggah.", "dua.pdf terunggah."]
    assert sorted(BuktiDukung.objects.values_list("nama_berkas", "syarat", "ukuran")) == [
        ("dua.pdf", syarat.pk, len(dua)),
        ("satu.pdf", syarat.pk, len(satu)),
    ]


def test_good_files_are_kept_when_others_in_the_post_are_refused(operator, peserta_a, settings):
    settings.BUKTI_MAKS_MB = 1
    besar = berkas_uji.pdf() + b"\n%" + b"0" * (1024 * 1024 + 10)

    response = operator.post(
        halaman(),
        {
            "aksi": "unggah",
            "berkas": [
                unggahan("sk.pdf", berkas_uji.pdf("sk")),
                unggahan("laporan.pdf", berkas_uji.EXE),
                unggahan("rekap.xlsx", berkas_uji.xlsx()),
                unggahan("besar.pdf", besar),
            ],
        },
    )

    assert response.status_code == 200
    assert pesan(response) == ["sk.pdf terunggah.", "rekap.xlsx terunggah."]
    assert response.context["unggah_form"].errors["berkas"] == [
        "laporan.pdf: Isi berkas bukan PDF walaupun namanya berakhiran .pdf. Berkas ditolak.",
        "besar.pdf: Berkas terlalu besar (1,0 MB); batasnya 1 MB per berkas.",
    ]
    assert "laporan.pdf: Isi berkas bukan PDF" in response.content.decode()
    assert sorted(BuktiDukung.objects.values_list("nama_berkas", flat=True)) == ["rekap.xlsx", "sk.pdf"]
    # The new files are already in the page's list of evidence.
    assert [b.nama_berkas for b in response.context["bukti_lain"]] == ["sk.pdf", "rekap.xlsx"]
    assert len(tersimpan()) == 2


def test_posting_the_same_files_again_stores_nothing_twice(operator, peserta_a):
    berkas = [("a.pdf", berkas_uji.pdf("a")), ("b.pdf", berkas_uji.pdf("b"))]

    for _ in range(2):
        response = operator.post(
            halaman(), {"aksi": "unggah", "berkas": [unggahan(n, isi) for n, isi in berkas]}
        )

    assert response.context["unggah_form"].errors["berkas"] == [
        "a.pdf: Berkas yang sama sudah diunggah untuk indikator ini (a.pdf).",
        "b.pdf: Berkas yang sama sudah diunggah untuk indikator ini (b.pdf).",
    ]
    assert BuktiDukung.objects.count() == 2


def test_a_replacement_takes_one_file(operator, peserta_a):
    kirim(operator, "lama.pdf", berkas_uji.pdf("lama"))
    lama = BuktiDukung.objects.get()

    response = operator.post(
        halaman(),
        {
            "aksi": "unggah",
            "mengganti": lama.pk,
            "berkas": [unggahan("a.pdf", berkas_uji.pdf("a")), unggahan("b.pdf", berkas_uji.pdf("b"))],
        },
    )

    assert response.context["unggah_form"].errors["berkas"] == ["Pilih satu berkas pengganti."]
    assert list(BuktiDukung.objects.all()) == [lama]


def test_the_page_offers_several_files_and_the_missing_documents_in_order(operator, peserta_a, e11):
    syarat = list(e11.syarat_bukti.all())
    kirim(operator, "pertama.pdf", berkas_uji.pdf("pertama"), syarat=syarat[0])

    response = operator.get(halaman())

    html = response.content.decode()
    assert response.context["syarat_kurang"] == [s.pk for s in syarat[1:]]
    assert f'data-syarat-kurang="{",".join(str(s.pk) for s in syarat[1:])}"' in html
    assert f'data-unggah-banyak="{url()}"' in html
    assert re.search(r'<input type="file" name="berkas"[^>]*\bmultiple\b', html)
    assert 'src="/static/js/unggah.js"' in html
    assert kata_inggris(html) == []
