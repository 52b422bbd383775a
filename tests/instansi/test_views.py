import pytest
from django.urls import reverse

from instansi.models import JenisInstansi

from ..factories import InstansiFactory, InstansiPusatFactory, ProvinsiFactory

pytestmark = pytest.mark.django_db

DAFTAR = reverse("instansi:daftar")


def test_admin_searches_agencies_by_name_and_code(client_of, admin_bkn):
    InstansiFactory(nama="Pemerintah Kabupaten Sleman", kode="34.04")
    InstansiFactory(nama="Pemerintah Kabupaten Bantul", kode="34.02")

    by_name = client_of(admin_bkn).get(DAFTAR, {"q": "sleman"})
    by_code = client_of(admin_bkn).get(DAFTAR, {"q": "34.02"})

    assert [i.nama for i in by_name.context["page"]] == ["Pemerintah Kabupaten Sleman"]
    assert [i.nama for i in by_code.context["page"]] == ["Pemerintah Kabupaten Bantul"]


def test_admin_filters_agencies_by_kind_and_province(client_of, admin_bkn):
    jateng = ProvinsiFactory(kode="33", nama="Pemerintah Provinsi Jawa Tengah", nama_wilayah="Jawa Tengah")
    InstansiFactory(induk=jateng, kode="33.74", nama="Pemerintah Kota Semarang", jenis=JenisInstansi.KOTA)
    InstansiFactory(induk=jateng, kode="33.01", nama="Pemerintah Kabupaten Cilacap")
    InstansiFactory(nama="Pemerintah Kabupaten Lain")
    InstansiPusatFactory(nama="Badan Kepegawaian Negara", kode="bkn")

    in_province = client_of(admin_bkn).get(DAFTAR, {"provinsi": "33"})
    kota = client_of(admin_bkn).get(DAFTAR, {"provinsi": "33", "jenis": "kota"})
    lembaga = client_of(admin_bkn).get(DAFTAR, {"jenis": "lembaga"})

    assert [i.nama for i in in_province.context["page"]] == [
        "Pemerintah Kabupaten Cilacap",
        "Pemerintah Kota Semarang",
        "Pemerintah Provinsi Jawa Tengah",
    ]
    assert [i.nama for i in kota.context["page"]] == ["Pemerintah Kota Semarang"]
    assert [i.nama for i in lembaga.context["page"]] == ["Badan Kepegawaian Negara"]


def test_agency_list_is_paginated(client_of, admin_bkn):
    InstansiPusatFactory.create_batch(60)

    first = client_of(admin_bkn).get(DAFTAR, {"jenis": "lembaga"})
    second = client_of(admin_bkn).get(DAFTAR, {"jenis": "lembaga", "halaman": 2})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 10
    assert "jenis=lembaga&amp;halaman=2" in first.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_agency_list_query_count_does_not_grow(client_of, admin_bkn, django_assert_num_queries, count):
    InstansiFactory.create_batch(count)
    client = client_of(admin_bkn)

    # session, user, Django permissions (user and group) for the menu,
    # counts per kind, total, the page, the provinces of the filter
    with django_assert_num_queries(7):
        response = client.get(DAFTAR)

    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_agency_list_is_for_admins_only(client_of, request, persona):
    response = client_of(request.getfixturevalue(persona)).get(DAFTAR)

    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(DAFTAR)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DAFTAR}"


def test_admin_sees_any_agency_with_its_operators(client_of, admin_bkn, operator_a, instansi_b):
    response = client_of(admin_bkn).get(reverse("instansi:detail", args=[operator_a.instansi.kode]))

    assert response.status_code == 200
    assert response.context["instansi"] == operator_a.instansi
    assert list(response.context["operator_list"]) == [operator_a]
    assert client_of(admin_bkn).get(reverse("instansi:detail", args=[instansi_b.kode])).status_code == 200


def test_province_page_lists_its_regions(client_of, admin_bkn, instansi_a):
    response = client_of(admin_bkn).get(reverse("instansi:detail", args=[instansi_a.induk.kode]))

    assert list(response.context["bawahan"]) == [instansi_a]


def test_operator_sees_own_agency(client_of, operator_a):
    response = client_of(operator_a).get(reverse("instansi:detail", args=[operator_a.instansi.kode]))

    assert response.status_code == 200
    assert "operator_list" in response.context
    assert "Operator instansi" not in response.content.decode()  # the operator list is for admins


@pytest.mark.parametrize("persona", ["operator_b", "penilai", "ketua"])
def test_others_get_404_for_an_agency_page(client_of, request, persona, instansi_a):
    response = client_of(request.getfixturevalue(persona)).get(
        reverse("instansi:detail", args=[instansi_a.kode])
    )

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
