"""The chair's moderation queue: one aggregate query, filtered by agency, element, gap and status, paged."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from penilaian import queries
from penilaian.models import Periode


def _kunci(antrean):
    return [(a["lembar__peserta"], a["indikator"], a["selisih"], a["dimoderasi"]) for a in antrean]


def test_awaiting_first_then_the_largest_gap(contoh):
    periode, peserta = contoh
    Periode.objects.filter(pk=periode.pk).update(ambang_moderasi=1)
    periode.refresh_from_db()
    i = {x.kode: x.pk for x in periode.indikator.all()}

    antrean = _kunci(queries.antrean_moderasi(periode))

    # C's I1 (0 and 4) is settled by the chair in the example, so it comes last despite its gap.
    assert antrean[-1] == (peserta["C"].pk, i["I1"], 4, True)
    assert [a[2] for a in antrean[:-1]] == [1, 1, 1, 1]
    assert not any(a[3] for a in antrean[:-1])


def test_filters_narrow_the_queue(contoh):
    periode, peserta = contoh
    Periode.objects.filter(pk=periode.pk).update(ambang_moderasi=1)
    periode.refresh_from_db()
    instansi_a = peserta["A"].instansi

    assert {a[0] for a in _kunci(queries.antrean_moderasi(periode, q=instansi_a.nama))} == {peserta["A"].pk}
    assert [a[2] for a in _kunci(queries.antrean_moderasi(periode, selisih=2))] == [4]
    assert _kunci(queries.antrean_moderasi(periode, status="sudah"))[0][3] is True
    assert len(_kunci(queries.antrean_moderasi(periode, status="belum"))) == 4


def test_the_page_filters_and_keeps_its_queries_bounded(contoh, client_of, ketua):
    periode, peserta = contoh
    url = reverse("penilaian:moderasi", args=[periode.tahun])
    client = client_of(ketua)
    client.get(url)

    with CaptureQueriesContext(connection) as semua:
        isi = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as disaring:
        saring = client.get(
            url, {"q": peserta["C"].instansi.kode, "status": "sudah", "elemen": "XX"}
        ).content.decode()

    assert re.findall(r'data-testid="moderasi-([^"]+)"', isi) == [f"{peserta['C'].instansi.kode}-I1"]
    assert re.findall(r'data-testid="moderasi-([^"]+)"', saring) == [f"{peserta['C'].instansi.kode}-I1"]
    assert len(disaring) == len(semua)


def test_the_scores_of_the_rows_are_read_with_a_query_that_does_not_grow_with_them(contoh):
    """One OR per (agency, indicator) pair nested past SQLite's expression depth limit of 1,000:
    `make run` (SQLite) failed to build the demo, whose finished period has hundreds of disagreements."""
    periode, _peserta = contoh
    Periode.objects.filter(pk=periode.pk).update(ambang_moderasi=1)
    periode.refresh_from_db()
    antrean = list(queries.antrean_moderasi(periode))
    assert len(antrean) == 5

    with CaptureQueriesContext(connection) as kueri:
        baris = queries.baris_moderasi(periode, antrean)

    assert [(b.peserta.pk, b.indikator.pk) for b in baris] == [
        (a["lembar__peserta"], a["indikator"]) for a in antrean
    ]
    assert all(len(b.nilai) == 2 for b in baris)
    assert max(q["sql"].count(" OR ") for q in kueri.captured_queries) <= 1
