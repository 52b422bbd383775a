"""The period's dashboard: who may open it, its numbers on a hand-made period, its query count at two sizes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from instansi.models import Peran
from laporan import services
from laporan.models import RunPeringkat
from laporan.queries import dasbor
from penilaian import instrumen
from penilaian.models import LembarPenilaian, NilaiPenilai, StatusLembar, Tahap

from ..contoh import instrumen_kecil
from ..factories import InstansiFactory, PenggunaFactory, PeriodeFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
LEVEL_DASAR = {"I1": 1, "I2": 2, "I3": 3, "I4": 2}


def _periode(admin_bkn, tahun=2041):
    periode = PeriodeFactory(
        nama=f"BKN Award {tahun}", tahun=tahun, dibuat_oleh=admin_bkn, tahap=Tahap.MODERASI
    )
    instrumen.simpan(instrumen_kecil(), periode)
    return periode


def _isi(periode, admin_bkn, *, jumlah_instansi, penilai, mulai=0, kirim=True):
    """Agencies scored by every evaluator in ``penilai`` ({user: level offset}), self-assessments sent a day apart."""
    indikator = {i.kode: i for i in periode.indikator.all()}
    for n in range(mulai, mulai + jumlah_instansi):
        instansi = InstansiFactory(nama=f"Pemerintah Kabupaten Uji {n}", nama_wilayah=f"Uji {n}")
        peserta = periode.peserta.create(
            instansi=instansi, dikirim_pada=datetime(2041, 3, 1 + n % 3, 10, tzinfo=WIB) if kirim else None
        )
        for user, tambah in penilai.items():
            lembar = LembarPenilaian.objects.create(
                periode=periode,
                peserta=peserta,
                penilai=user,
                cara="manual",
                ditugaskan_oleh=admin_bkn,
                status=StatusLembar.DIKIRIM,
            )
            NilaiPenilai.objects.bulk_create(
                NilaiPenilai(lembar=lembar, indikator=indikator[kode], level=level + tambah, versi=1)
                for kode, level in LEVEL_DASAR.items()
            )


def _penilai(nama):
    return PenggunaFactory(username=nama.lower().replace(" ", "."), nama=nama, peran=Peran.PENILAI)


def _snapshot(periode, admin_bkn):
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    return periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))


@pytest.fixture
def periode_dasbor(admin_bkn):
    periode = _periode(admin_bkn)
    _isi(
        periode,
        admin_bkn,
        jumlah_instansi=2,
        penilai={_penilai("Penilai Longgar"): 1, _penilai("Penilai Biasa"): 0},
    )
    return periode


def test_evaluator_who_always_scores_one_higher_has_leniency_plus_one(periode_dasbor):
    hasil = {k.nama: k for k in dasbor.kelonggaran(periode_dasbor)}

    assert hasil["Penilai Longgar"].selisih == 1.0
    assert hasil["Penilai Biasa"].selisih == -1.0
    assert hasil["Penilai Longgar"].jumlah == 8  # 2 agencies × 4 indicators
    # Two evaluators are too few to call either one unusual.
    assert not hasil["Penilai Longgar"].pencilan


def test_lenient_evaluator_among_four_like_minded_ones_is_flagged(admin_bkn):
    periode = _periode(admin_bkn)
    penilai = {_penilai("Penilai Longgar"): 1} | {_penilai(f"Penilai Biasa {n}"): 0 for n in range(4)}
    _isi(periode, admin_bkn, jumlah_instansi=2, penilai=penilai)

    hasil = dasbor.kelonggaran(periode)

    assert [(k.nama, k.selisih, k.pencilan) for k in hasil] == [
        ("Penilai Longgar", 1.0, True),
        *[(f"Penilai Biasa {n}", -0.25, False) for n in range(4)],
    ]


def test_unsubmitted_sheets_do_not_count_in_leniency(periode_dasbor):
    LembarPenilaian.objects.filter(penilai__nama="Penilai Biasa").update(status=StatusLembar.DRAF)

    assert dasbor.kelonggaran(periode_dasbor) == []


def test_self_assessment_progress_counts_submissions_per_day(periode_dasbor, admin_bkn):
    _isi(periode_dasbor, admin_bkn, jumlah_instansi=2, penilai={}, mulai=2)
    periode_dasbor.peserta.create(instansi=InstansiFactory(nama_wilayah="Belum"))

    kemajuan = dasbor.kemajuan_mandiri(periode_dasbor)

    assert [f"{h:%d-%m}" for h in kemajuan.hari] == ["01-03", "02-03", "03-03"]
    assert kemajuan.dikirim == [2, 1, 1]  # agencies 0 and 3 on the 1st, 1 on the 2nd, 2 on the 3rd
    assert kemajuan.total == 5


def test_dashboard_shows_each_panel_with_its_numbers(client_of, admin_bkn, periode_dasbor):
    snapshot = _snapshot(periode_dasbor, admin_bkn)

    response = client_of(admin_bkn).get(reverse("laporan:dasbor", args=[periode_dasbor.tahun]))

    assert response.status_code == 200
    k = response.context
    assert k["grafik_mandiri"].baris == [("01-03-2041", 1, 1), ("02-03-2041", 1, 2)]
    assert sorted(k["grafik_penilai"].baris) == [
        ("Penilai Biasa", 2, 2, "100%"),
        ("Penilai Longgar", 2, 2, "100%"),
    ]
    assert k["grafik_kelonggaran"].baris == [
        ("Penilai Longgar", 8, "+1,00", "Tidak"),
        ("Penilai Biasa", 8, "−1,00", "Tidak"),
    ]
    totals = sorted(f"{h.total:.2f}".replace(".", ",") for h in snapshot.hasil.all())
    [(_kelompok, n, minimum, _q1, _median, _q3, maksimum)] = k["grafik_sebaran"].baris
    assert (n, minimum, maksimum) == (2, totals[0], totals[-1])
    # Two agencies are below the minimum for reliability: the page says so instead of a chart.
    assert k["grafik_reliabilitas"] is None
    html = response.content.decode()
    assert html.count('src="data:image/svg+xml;base64,') == 4
    assert "Data belum cukup" in html
    assert "Penilai Longgar" in html


def test_empty_period_says_so_instead_of_drawing(client_of, admin_bkn):
    periode = _periode(admin_bkn)

    html = client_of(admin_bkn).get(reverse("laporan:dasbor", args=[periode.tahun])).content.decode()

    assert "data:image/svg+xml" not in html
    assert "Belum ada instansi yang mengirim penilaian mandiri" in html
    assert "Belum ada penugasan penilai." in html
    assert "Belum ada perhitungan peringkat." in html


def test_assigned_but_unsent_sheets_say_none_sent(client_of, admin_bkn, periode_dasbor):
    LembarPenilaian.objects.update(status=StatusLembar.DRAF)

    html = client_of(admin_bkn).get(reverse("laporan:dasbor", args=[periode_dasbor.tahun])).content.decode()

    assert "Belum ada lembar yang dikirim." in html


@pytest.mark.parametrize(
    ("nama", "status"),
    [("admin", 200), ("ketua", 200), ("penilai", 403), ("operator", 403), ("anonim", 302)],
)
def test_only_admin_and_chair_open_the_dashboard(
    client_of, admin_bkn, ketua, penilai, operator_a, periode_dasbor, nama, status
):
    user = {"admin": admin_bkn, "ketua": ketua, "penilai": penilai, "operator": operator_a, "anonim": None}[
        nama
    ]

    response = client_of(user).get(reverse("laporan:dasbor", args=[periode_dasbor.tahun]))

    assert response.status_code == status
    if nama == "anonim":
        assert "/masuk" in response["Location"] or "login" in response["Location"]


def test_unknown_period_answers_404(client_of, admin_bkn):
    assert client_of(admin_bkn).get(reverse("laporan:dasbor", args=[2999])).status_code == 404


def test_dashboard_query_count_does_not_grow_with_the_period(client_of, admin_bkn):
    """Each panel in a fixed number of queries: 2 agencies × 2 evaluators, then 14 agencies × 4 evaluators."""
    periode = _periode(admin_bkn)
    klien = client_of(admin_bkn)
    url = reverse("laporan:dasbor", args=[periode.tahun])

    def hitung():
        klien.get(url)  # session and caches warm
        with CaptureQueriesContext(connection) as ctx:
            response = klien.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context

    _isi(periode, admin_bkn, jumlah_instansi=2, penilai={_penilai("A1"): 0, _penilai("A2"): 1})
    _snapshot(periode, admin_bkn)
    kecil, konteks_kecil = hitung()
    penilai = {_penilai(f"B{n}"): n % 2 for n in range(4)}
    _isi(periode, admin_bkn, jumlah_instansi=12, penilai=penilai, mulai=2)
    _snapshot(periode, admin_bkn)
    besar, konteks_besar = hitung()

    # Both sizes draw every panel (the larger one its reliability too), so every query ran in both.
    assert konteks_kecil["grafik_kelonggaran"]
    assert konteks_besar["grafik_reliabilitas"]
    assert besar == kecil
    assert kecil <= 15
