"""The agency's result page shows, per indicator, the recommendation for the level it obtained; its own only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from penilaian.models import Indikator, LevelRubrik

from ..factories import OperatorFactory

pytestmark = pytest.mark.django_db

TAHUN = 2040


@pytest.fixture
def dengan_rekomendasi(contoh):
    """A recommendation on every rubric level of the example, naming its indicator and level."""
    periode, _peserta = contoh
    levels = list(LevelRubrik.objects.filter(indikator__periode=periode).select_related("indikator"))
    for level in levels:
        level.rekomendasi = f"Saran {level.indikator.kode} dari level {level.level}."
    LevelRubrik.objects.bulk_update(levels, ["rekomendasi"])


@pytest.fixture
def operator_kab_b(contoh):
    _periode, peserta = contoh
    return OperatorFactory(username="operator.kab-b", nama="Operator Kab B", instansi=peserta["B"].instansi)


def _baris(response):
    return [(b.indikator.kode, b.level, b.rekomendasi) for b in response.context["rekomendasi"]]


def test_the_agency_sees_the_recommendation_for_the_level_it_obtained(
    client_of, operator_kab_a, diumumkan, dengan_rekomendasi
):
    response = client_of(operator_kab_a).get(reverse("hasil", args=[TAHUN]))

    html = response.content.decode()
    # A: I1 (3, 2) and I2 (2, 3) average 2.5, which has reached level 2 and not yet level 3.
    assert _baris(response) == [
        ("I1", Decimal("2.5"), "Saran I1 dari level 2."),
        ("I2", Decimal("2.5"), "Saran I2 dari level 2."),
        ("I3", Decimal("2"), "Saran I3 dari level 2."),
        ("I4", Decimal("3"), "Saran I4 dari level 3."),
    ]
    assert "Rekomendasi perbaikan" in html
    for teks in ("Saran I1 dari level 2.", "Saran I4 dari level 3."):
        assert teks in html
    # The other levels' recommendations (B's level 3 on I1, for one) are not on A's page.
    for teks in (
        "Saran I1 dari level 3.",
        "Saran I1 dari level 0.",
        "Saran I4 dari level 2.",
        "Saran I3 dari level 4.",
    ):
        assert teks not in html


def test_another_agency_sees_its_own_recommendations(
    client_of, operator_kab_b, diumumkan, dengan_rekomendasi
):
    response = client_of(operator_kab_b).get(reverse("hasil", args=[TAHUN]))

    html = response.content.decode()
    assert _baris(response) == [
        ("I1", Decimal("3"), "Saran I1 dari level 3."),
        ("I2", Decimal("2"), "Saran I2 dari level 2."),
        ("I3", Decimal("2.5"), "Saran I3 dari level 2."),
        ("I4", Decimal("2.5"), "Saran I4 dari level 2."),
    ]
    assert "Saran I4 dari level 3." not in html


def test_a_settled_level_gives_the_settled_levels_recommendation(
    client_of, contoh, diumumkan, dengan_rekomendasi
):
    _periode, peserta = contoh
    operator_c = OperatorFactory(username="operator.kab-c", instansi=peserta["C"].instansi)

    response = client_of(operator_c).get(reverse("hasil", args=[TAHUN]))

    # C's I1 was (0, 4), settled by the panel at 1.
    assert _baris(response)[0] == ("I1", Decimal("1"), "Saran I1 dari level 1.")
    assert _baris(response)[2] == ("I3", Decimal("4"), "Saran I3 dari level 4.")


def test_no_recommendation_before_publication(client_of, operator_kab_a, disetujui, dengan_rekomendasi):
    response = client_of(operator_kab_a).get(reverse("hasil", args=[TAHUN]))

    html = response.content.decode()
    assert "rekomendasi" not in response.context
    assert "Saran I1" not in html


def test_an_operator_of_an_agency_outside_the_period_gets_404(client_of, diumumkan, dengan_rekomendasi):
    orang_luar = OperatorFactory(username="operator.luar")

    assert client_of(orang_luar).get(reverse("hasil", args=[TAHUN])).status_code == 404


def test_a_level_without_a_recommendation_says_so(client_of, operator_kab_a, diumumkan):
    response = client_of(operator_kab_a).get(reverse("hasil", args=[TAHUN]))

    assert [b.rekomendasi for b in response.context["rekomendasi"]] == ["", "", "", ""]
    assert "Belum ada rekomendasi untuk level ini." in response.content.decode()


@pytest.mark.parametrize("tambahan", [0, 3])
def test_the_result_page_reads_the_recommendations_without_extra_queries(
    client_of, operator_kab_a, contoh, diumumkan, dengan_rekomendasi, django_assert_num_queries, tambahan
):
    periode, _peserta = contoh
    elemen = periode.elemen.get(kode="E2")
    for n in range(tambahan):
        indikator = Indikator.objects.create(
            periode=periode, elemen=elemen, kode=f"X{n}", pertanyaan="?", bobot=1, urutan=10 + n
        )
        LevelRubrik.objects.bulk_create(
            LevelRubrik(indikator=indikator, level=level, deskripsi="-", rekomendasi=f"Saran X{n}")
            for level in (0, 4)
        )
    client = client_of(operator_kab_a)
    client.get(reverse("hasil", args=[TAHUN]))  # warm the per-process caches

    # As many as before recommendations: the rubric's query replaced the indicators' query.
    with django_assert_num_queries(14):
        response = client.get(reverse("hasil", args=[TAHUN]))

    assert len(response.context["rekomendasi"]) == 4 + tambahan
    # An indicator the ranking did not count has no level and no recommendation.
    assert [(b.level, b.rekomendasi) for b in response.context["rekomendasi"][4:]] == [(None, "")] * tambahan
