"""The ranking pages: who sees them, what the table says, the Excel export, the settings."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from laporan import services
from laporan.models import Predikat, RunPeringkat
from penilaian.models import Kategori

pytestmark = pytest.mark.django_db

URL = reverse("laporan:peringkat", args=[2040])


@pytest.fixture
def snapshot(contoh, admin_bkn):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    return services.jalankan_run(run_id=run.pk)


@pytest.mark.parametrize(
    ("persona", "status"), [("admin_bkn", 200), ("ketua", 200), ("penilai", 403), ("operator_a", 403)]
)
def test_who_sees_the_ranking(client_of, request, contoh, persona, status):
    assert client_of(request.getfixturevalue(persona)).get(URL).status_code == status


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_only_the_admin_starts_a_run(client_of, request, contoh, persona):
    client_of(request.getfixturevalue(persona)).post(reverse("laporan:mulai", args=[2040]))

    assert not RunPeringkat.objects.exists()


def test_the_table_per_category_and_group(client_of, admin_bkn, snapshot, contoh):
    periode, _peserta = contoh
    e2 = Kategori.objects.get(periode=periode, kode="KE-2")

    utama = client_of(admin_bkn).get(URL)
    elemen = client_of(admin_bkn).get(URL, {"kategori": e2.pk})

    assert utama.context["kelompok"] == "kabupaten"
    assert [(b.peringkat, b.hasil.peserta.instansi.nama, b.seri) for b in utama.context["baris_list"]] == [
        (1, "Pemerintah Kabupaten A", True),
        (1, "Pemerintah Kabupaten B", True),
        (3, "Pemerintah Kabupaten C", False),
    ]
    html = utama.content.decode()
    assert "Seri — untuk panel" in html
    # Two decimals where people read scores; four for the tie, and only there.
    assert [b.desimal for b in utama.context["baris_list"]] == [4, 4, 2]
    assert "62,5000" in html
    assert "50,00<" in html
    assert "Pemecah seri: nilai elemen yang lebih tinggi menurut urutan elemen dalam instrumen" in html
    assert next((b.peringkat, b.hasil.peserta.instansi.nama) for b in elemen.context["baris_list"]) == (
        1,
        "Pemerintah Kabupaten C",
    )
    assert "Ditentukan pemecah seri" in elemen.content.decode()
    cari = client_of(admin_bkn).get(URL, {"q": "Kabupaten B"})
    assert [b.hasil.peserta.instansi.nama for b in cari.context["baris_list"]] == ["Pemerintah Kabupaten B"]


def test_excel_export_of_a_snapshot(client_of, ketua, snapshot):
    response = client_of(ketua).get(reverse("laporan:ekspor", args=[2040, snapshot]))

    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Parameter", "UTAMA", "KE-1", "KE-2"]
    baris = [list(r) for r in wb["UTAMA"].iter_rows(values_only=True)]
    assert baris[0][:6] == ["Kelompok", "Peringkat", "Kode", "Instansi", "Nilai", "Nilai mentah"]
    assert [(r[1], r[3], r[4]) for r in baris[1:]] == [
        (1, "Pemerintah Kabupaten A", 62.5),
        (1, "Pemerintah Kabupaten B", 62.5),
        (3, "Pemerintah Kabupaten C", 50.0),
    ]
    parameter = dict(r for r in wb["Parameter"].iter_rows(values_only=True))
    assert parameter["Agregasi"] == "rerata"
    assert len(parameter["Digest masukan (SHA-256)"]) == 64


def test_the_status_of_a_finished_run_reloads_the_polling_page(client_of, admin_bkn, snapshot, contoh):
    run = RunPeringkat.objects.get()

    response = client_of(admin_bkn).get(
        reverse("laporan:status_run", args=[2040, run.pk]), HTTP_HX_REQUEST="true"
    )

    assert response["HX-Refresh"] == "true"


def test_admin_changes_aggregation_and_bands(client_of, admin_bkn, contoh):
    periode, _peserta = contoh
    data = {
        "metode_agregasi": "median",
        "normalisasi": "on",
        "predikat-TOTAL_FORMS": "3",
        "predikat-INITIAL_FORMS": "0",
        "predikat-0-nama": "Istimewa",
        "predikat-0-batas_bawah": "90",
        "predikat-1-nama": "Baik",
        "predikat-1-batas_bawah": "60",
        "predikat-2-nama": "Perlu pembinaan",
        "predikat-2-batas_bawah": "0",
    }

    response = client_of(admin_bkn).post(reverse("laporan:pengaturan", args=[2040]), data, follow=True)

    assert "Pengaturan peringkat disimpan; berlaku pada perhitungan berikutnya." in response.content.decode()
    periode.refresh_from_db()
    assert (periode.metode_agregasi, periode.normalisasi) == ("median", True)
    assert list(Predikat.objects.filter(periode=periode).values_list("nama", "batas_bawah")) == [
        ("Istimewa", 90),
        ("Baik", 60),
        ("Perlu pembinaan", 0),
    ]


def test_bands_must_start_at_zero(client_of, admin_bkn, contoh):
    data = {
        "metode_agregasi": "rerata",
        "predikat-TOTAL_FORMS": "1",
        "predikat-INITIAL_FORMS": "0",
        "predikat-0-nama": "Baik",
        "predikat-0-batas_bawah": "50",
    }

    response = client_of(admin_bkn).post(reverse("laporan:pengaturan", args=[2040]), data)

    assert "Predikat terendah harus dimulai dari nilai 0" in response.content.decode()


@pytest.mark.parametrize("jumlah", [0, 8])
def test_ranking_page_query_count(client_of, admin_bkn, contoh, django_assert_max_num_queries, jumlah):
    from .test_run import _tambah_peserta

    periode, _peserta = contoh
    _tambah_peserta(periode, admin_bkn, jumlah)
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    services.jalankan_run(run_id=run.pk)
    client = client_of(admin_bkn)

    with django_assert_max_num_queries(16):
        response = client.get(URL)

    assert len(response.context["baris_list"]) == 3 + jumlah


def test_empat_desimal_hanya_bila_dua_desimal_menyembunyikan_urutan():
    from decimal import Decimal
    from types import SimpleNamespace

    from laporan.queries.peringkat import BarisPeringkat, tandai_rinci

    def baris(skor, peringkat, kelompok="kab", seri=False, pemecah_seri=False):
        hasil = SimpleNamespace(kode_kelompok=kelompok)
        return BarisPeringkat(hasil, kelompok, Decimal(skor), peringkat, seri, pemecah_seri)

    hasil = tandai_rinci(
        [
            baris("91.2512", 1),
            baris("91.2498", 2),  # reads 91,25 like the first: both to four decimals
            baris("90.1000", 3),
            baris("88.0000", 4, pemecah_seri=True),
            baris("87.0000", 5),
            baris("87.0000", 1, kelompok="kota"),  # another group: not a neighbour
        ]
    )
    assert [b.desimal for b in hasil] == [4, 4, 2, 4, 2, 2]
