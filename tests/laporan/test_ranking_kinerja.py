"""A ranking run's cost: a fixed number of queries, its snapshot in one statement, progress without writes.

And the faster ways of the run give what the plain ones did: the same digest, the same count of open
disagreements as the home page's query, the same rows through COPY as through the ORM.
"""

import dataclasses
import hashlib
import json
import re
import threading
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from instansi.models import Peran
from laporan import peringkat, services
from laporan.kesiapan import jumlah_perbedaan_terbuka, keadaan_penilaian
from laporan.models import HasilPeserta, RunPeringkat, Snapshot, StatusRun
from laporan.services import peringkat as layanan
from penilaian.models import (
    KonflikKepentingan,
    LembarPenilaian,
    NilaiPenilai,
    StatusLembar,
    SubKelompok,
    TinjauanKonflik,
)
from penilaian.queries import jumlah_perlu_moderasi

from ..factories import PenggunaFactory
from .test_run import _tambah_peserta

# Every stage a run reports, as the page shows it (tests/e2e/test_peringkat.py reads the same names).
TAHAP = {
    5: "Memuat nilai penilai",
    20: "Menghitung nilai indikator",
    45: "Normalisasi per penilai",
    65: "Menyusun peringkat per kelompok",
    80: "Menghitung reliabilitas panel",
    90: "Menyimpan snapshot",
    100: "Selesai",
}


def _jalankan(periode, admin):
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    with CaptureQueriesContext(connection) as queries:
        snapshot_id = services.jalankan_run(run_id=run.pk)
    return Snapshot.objects.get(pk=snapshot_id), [q["sql"] for q in queries.captured_queries]


def _isi(snapshot):
    return sorted(
        (
            h.peserta_id,
            h.kode_kelompok,
            h.kelompok,
            h.total,
            h.total_mentah,
            h.skor_elemen,
            h.skor_elemen_mentah,
            h.level_indikator,
            h.indikator_puncak,
            h.jumlah_lembar,
            h.jumlah_moderasi,
            h.predikat,
            h.peringkat,
        )
        for h in HasilPeserta.objects.filter(snapshot=snapshot)
    )


@pytest.mark.django_db
def test_a_run_makes_the_same_queries_at_3_and_at_15_agencies(contoh, admin_bkn):
    periode, _peserta = contoh
    services.pastikan_predikat(periode)  # the first run creates the default bands once
    kecil, sql_kecil = _jalankan(periode, admin_bkn)
    _tambah_peserta(periode, admin_bkn, 12)
    besar, sql_besar = _jalankan(periode, admin_bkn)

    assert (kecil.hasil.count(), besar.hasil.count()) == (3, 15)
    assert len(sql_kecil) == len(sql_besar)
    assert len(sql_besar) <= 19  # 17, and the admin's notice: its preferences read, its row written
    # The rows in one statement, and the run written at its start and its end only: no write per stage.
    for sql in (sql_kecil, sql_besar):
        assert sum('"laporan_hasilpeserta"' in q for q in sql) == 1
        assert sum(q.startswith('UPDATE "laporan_runperingkat"') for q in sql) == 2


def _snapshot_kosong(periode, admin):
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin, status=StatusRun.SELESAI)
    return Snapshot.objects.create(
        periode=periode, run=run, dibuat_oleh=admin, parameter={}, digest="0" * 64, reliabilitas={}
    )


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; CI runs on it")
def test_copy_and_the_orm_store_the_same_rows(contoh, admin_bkn):
    """COPY on PostgreSQL, bulk_create elsewhere (SQLite): the same rows, whatever the text holds."""
    periode, peserta = contoh
    # A peer group whose name COPY's text format must escape: a tab, a backslash, a line break, quotes.
    sub = SubKelompok.objects.create(periode=periode, jenis="kabupaten", nama='Tipe\t"A" \\ baru\nbaris')
    peserta["B"].subkelompok = sub
    peserta["B"].save()
    masukan, _nama = services.muat_masukan(periode)
    hasil = peringkat.hitung(masukan)
    nama_kelompok = layanan.nama_kelompok_periode(periode)

    disalin = _snapshot_kosong(periode, admin_bkn)
    layanan._salin(disalin, hasil, nama_kelompok)
    disisipkan = _snapshot_kosong(periode, admin_bkn)
    layanan._sisipkan(disisipkan, layanan._baris_hasil(hasil, nama_kelompok))

    assert _isi(disalin) == _isi(disisipkan)
    b = HasilPeserta.objects.get(snapshot=disalin, peserta=peserta["B"])
    assert (b.kode_kelompok, b.kelompok) == (f"kabupaten:{sub.pk}", 'Tipe\t"A" \\ baru\nbaris')
    c = HasilPeserta.objects.get(snapshot=disalin, peserta=peserta["C"])
    assert (c.total, c.skor_elemen, c.level_indikator["I1"]) == (
        Decimal("50.0000"),
        {"E1": "37.5000", "E2": "62.5000"},
        "1.0000",
    )


class _Pengamat:
    """Reads the run the way the page's poll does, every 20 ms, on its own connection, while a run works."""

    def __init__(self, run_id):
        self.run_id = run_id
        self.terbaca = []  # (persen, tahap, diperbarui), each change once
        self.berhenti = threading.Event()
        self.thread = threading.Thread(target=self._baca, daemon=True)

    def _baca(self):
        try:
            while not self.berhenti.wait(0.02):
                baris = RunPeringkat.objects.values_list("persen", "tahap", "diperbarui").get(pk=self.run_id)
                if not self.terbaca or self.terbaca[-1] != baris:
                    self.terbaca.append(baris)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.berhenti.set()
        self.thread.join(5)


@pytest.mark.django_db(transaction=True)
def test_the_page_sees_the_stages_of_a_run_that_writes_none_of_them(contoh, admin_bkn, settings):
    settings.PERINGKAT_JEDA_DETIK = 0.4  # each stage lasts a while, as on a large period
    settings.PERINGKAT_DETAK_DETIK = 30  # no periodic heartbeat within the run: the stages alone
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)

    with _Pengamat(run.pk) as pengamat, CaptureQueriesContext(connection) as queries:
        services.jalankan_run(run_id=run.pk)
        time.sleep(0.1)

    # As created (0 %, no stage), then as the run wrote it.
    tahap = [(persen, teks) for persen, teks, _waktu in pengamat.terbaca if (persen, teks) != (0, "")]
    assert all(TAHAP.get(persen) == teks for persen, teks in tahap), tahap
    assert [p for p, _t in tahap] == sorted(p for p, _t in tahap)
    assert tahap[-1] == (100, "Selesai")
    # A stage after the first reached the page before the end: written by the heartbeat thread…
    assert any(5 < persen < 100 for persen, _t in tahap), tahap
    # …for the work itself wrote the run twice: its start and its end.
    assert sum(q["sql"].startswith('UPDATE "laporan_runperingkat"') for q in queries.captured_queries) == 2


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_touches_a_run_within_a_long_stage(contoh, admin_bkn, settings):
    settings.PERINGKAT_JEDA_DETIK = 1.2
    settings.PERINGKAT_DETAK_DETIK = 0.2
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)

    with _Pengamat(run.pk) as pengamat:
        services.jalankan_run(run_id=run.pk)

    pertama = [waktu for persen, _teks, waktu in pengamat.terbaca if persen == 5]
    assert len(pertama) >= 3, pengamat.terbaca  # "Memuat nilai penilai", touched again and again
    run.refresh_from_db()
    assert (run.status, run.persen, run.tahap) == (StatusRun.SELESAI, 100, "Selesai")


@given(
    pembilang=st.integers(-(10**12), 10**12),
    penyebut=st.integers(1, 10**9),
)
def test_a_score_is_written_as_empat_shows_it(pembilang, penyebut):
    x = Fraction(pembilang, penyebut)
    assert peringkat.teks_empat(x) == str(peringkat.empat(x))
    assert peringkat.teks_empat(Decimal(pembilang) / 1000) == str(peringkat.empat(Decimal(pembilang) / 1000))


# The digest's text as it was always written: json.dumps of this dict. Stored snapshots hold its hash,
# so a faster writer must give the very same characters, or every earlier snapshot would read as stale.
def _digest_json_dumps(m):
    data = {
        "metode": m.metode,
        "normalisasi": m.normalisasi,
        "elemen": [[e.kode, str(e.bobot)] for e in m.elemen],
        "indikator": [[i.id, i.kode, i.elemen, str(i.bobot), i.level_maks] for i in m.indikator],
        "peserta": sorted([p.id, p.kelompok] for p in m.peserta),
        "kategori": sorted([k.id, k.jenis, k.elemen or ""] for k in m.kategori),
        "nilai": sorted(m.nilai),
        "moderasi": sorted([p, i, level] for (p, i), level in m.moderasi.items()),
        "predikat": sorted([str(b), n] for b, n in m.predikat),
    }
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


teks_aneh = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)
# Ids of any size the database holds: small ranges pack into one integer per row, huge ones do not.
id_ = st.one_of(st.integers(1, 3000), st.integers(1, 2**62))


@settings(max_examples=200, deadline=None)
@given(
    nilai=st.lists(st.tuples(id_, id_, id_, st.integers(0, 32767)), max_size=60),
    kode=st.lists(teks_aneh, min_size=1, max_size=3),
    moderasi=st.dictionaries(st.tuples(id_, id_), st.integers(0, 4), max_size=4),
    sebagai_larik=st.booleans(),
)
def test_the_digest_is_the_hash_of_the_same_json_text(nilai, kode, moderasi, sebagai_larik):
    m = peringkat.Masukan(
        metode="median",
        normalisasi=True,
        elemen=[peringkat.Elemen(k, Decimal("12.50")) for k in kode],
        indikator=[peringkat.Indikator(n + 1, f"{k}.1", k, Decimal("0.01"), 4) for n, k in enumerate(kode)],
        peserta=[peringkat.Peserta(n, k) for n, k in enumerate(kode)],
        kategori=[peringkat.Kategori(1, "utama", None), peringkat.Kategori(2, "elemen", kode[0])],
        nilai=np.array(nilai, dtype=np.int64).reshape(-1, 4) if sebagai_larik else nilai,
        moderasi=moderasi,
        predikat=[(Decimal(0), kode[0]), (Decimal("87.5"), 'Sangat "Baik"')],
    )
    acuan = _digest_json_dumps(
        dataclasses.replace(m, nilai=[tuple(r) for r in np.array(nilai).reshape(-1, 4).tolist()])
    )

    assert m.digest() == acuan


@settings(max_examples=200, deadline=None)
@given(
    nilai=st.lists(
        st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(1, 4), st.integers(0, 5)), max_size=60
    ),
    dimoderasi=st.sets(st.tuples(st.integers(1, 6), st.integers(1, 4)), max_size=5),
    ambang=st.integers(1, 4),
)
def test_open_disagreements_are_counted_as_the_pages_count_them(nilai, dimoderasi, ambang):
    level = {}
    for (
        peserta,
        penilai,
        indikator,
        nilai_,
    ) in nilai:  # one level per sheet and indicator, as the database holds
        level[peserta, penilai, indikator] = nilai_
    per_pasangan = {}
    for (peserta, _penilai, indikator), nilai_ in level.items():
        per_pasangan.setdefault((peserta, indikator), []).append(nilai_)
    terbuka = sum(
        len(v) > 1 and max(v) >= min(v) + ambang and k not in dimoderasi for k, v in per_pasangan.items()
    )
    larik = np.array([(*k, v) for k, v in level.items()], dtype=np.int64).reshape(-1, 4)

    assert jumlah_perbedaan_terbuka(larik, dict.fromkeys(dimoderasi, 1), ambang) == terbuka


@pytest.mark.django_db
@pytest.mark.parametrize("ambang", [1, 2, 4])
def test_a_run_counts_the_open_disagreements_the_home_page_counts(contoh, admin_bkn, ambang):
    """The rows a run has read give the number penilaian.queries.jumlah_perlu_moderasi queries for."""
    periode, peserta = contoh
    periode.ambang_moderasi = ambang
    periode.save(update_fields=["ambang_moderasi"])
    # A third evaluator for A: a submitted sheet far from the others, and a draft one, which neither counts.
    indikator = {i.kode: i for i in periode.indikator.all()}
    for n, (status, level) in enumerate(((StatusLembar.DIKIRIM, 0), (StatusLembar.DRAF, 4))):
        lembar = LembarPenilaian.objects.create(
            periode=periode,
            peserta=peserta["A"],
            penilai=PenggunaFactory(username=f"penilai.tambahan{n}", peran=Peran.PENILAI),
            cara="manual",
            ditugaskan_oleh=admin_bkn,
            status=status,
        )
        NilaiPenilai.objects.bulk_create(
            NilaiPenilai(lembar=lembar, indikator=i, level=None if i.kode == "I4" else level, versi=1)
            for i in indikator.values()
        )
    masukan, _nama = services.muat_masukan(periode)

    jumlah = jumlah_perbedaan_terbuka(masukan.larik_nilai(), masukan.moderasi, ambang)

    assert jumlah == jumlah_perlu_moderasi(periode)
    assert keadaan_penilaian(periode, masukan)["perbedaan_terbuka"] == jumlah
    assert jumlah > 0 or ambang == 4


@pytest.mark.django_db
def test_the_scoring_state_counts_in_one_query_what_each_count_gives(contoh, admin_bkn):
    periode, peserta = contoh
    periode.jumlah_penilai = 3
    periode.save(update_fields=["jumlah_penilai"])
    lembar = {}
    for status in (StatusLembar.DIKIRIM, StatusLembar.DRAF, StatusLembar.DIBATALKAN):
        penilai = PenggunaFactory(username=f"penilai.{status}", peran=Peran.PENILAI)
        lembar[status] = LembarPenilaian.objects.create(
            periode=periode,
            peserta=peserta["A"],
            penilai=penilai,
            cara="manual",
            ditugaskan_oleh=admin_bkn,
            status=status,
        )
    konflik = KonflikKepentingan.objects.create(
        penilai=lembar[StatusLembar.DIKIRIM].penilai, instansi=peserta["A"].instansi, alasan="Mantan pegawai"
    )
    TinjauanKonflik.objects.create(konflik=konflik, lembar=lembar[StatusLembar.DIKIRIM])
    masukan, _nama = services.muat_masukan(periode)

    with CaptureQueriesContext(connection) as queries:
        keadaan = keadaan_penilaian(periode, masukan)

    assert len(queries) == 1
    assert keadaan == {
        "lembar_aktif": 8,  # 6 + the submitted one + the draft
        "lembar_dikirim": 7,
        "perbedaan_terbuka": jumlah_perlu_moderasi(periode),
        "konflik_menunggu": 1,
        "instansi_kurang_lembar": 2,  # B and C have two submitted sheets of three
        "sementara": True,
    }


def _baca_copy(baris):
    """A line of COPY's text format as its fields: None for \\N, escapes undone."""
    ganti = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
    return [
        None if f == "\\N" else re.sub(r"\\(.)", lambda m: ganti[m.group(1)], f)
        for f in baris.removesuffix("\n").split("\t")
    ]


@pytest.mark.parametrize("normalisasi", [False, True])
def test_the_copy_lines_hold_the_rows_as_json_dumps_writes_them(normalisasi):
    """What COPY sends is, field by field, each row of _baris_hasil, its JSON as json.dumps writes it."""
    kode = ['E"1', "E\\2%s"]  # codes JSON and COPY must escape, and a % the templates must not read
    indikator = [
        peringkat.Indikator(n + 1, f"{kode[n % 2]}\t{n}é%", kode[n % 2], Decimal("12.50"), 4)
        for n in range(6)
    ]
    kelompok = ["kota", "kabupaten:7"]
    nilai = [
        (p, q, i.id, (p * 7 + q * 3 + i.id) % 5)
        for p in range(1, 14)
        for q in (100 + p, 200 + p % 3)
        for i in indikator
        if p != 13  # an agency without sheets: no scores, \\N
    ]
    m = peringkat.Masukan(
        metode="rerata",
        normalisasi=normalisasi,
        elemen=[peringkat.Elemen(k, Decimal(50)) for k in kode],
        indikator=indikator,
        peserta=[peringkat.Peserta(p, kelompok[p % 2]) for p in range(1, 14)],
        kategori=[peringkat.Kategori(1, "utama", None), peringkat.Kategori(20, "elemen", kode[1])],
        nilai=nilai,
        moderasi={(3, 2): 4},
        predikat=[(Decimal(0), 'Cukup\t"C"'), (Decimal(50), "Baik \\ B")],
    )
    hasil = peringkat.hitung(m)
    nama_kelompok = {"kota": "Kota\tbaru\n", "kabupaten:7": 'Tipe "A" \\ %s'}

    baris = list(layanan._baris_hasil(hasil, nama_kelompok))
    copy = [_baca_copy(b) for b in layanan._baris_copy(9, hasil, nama_kelompok)]

    assert len(copy) == len(baris) == 13
    for teks, isi in zip(copy, baris, strict=True):
        assert teks[0] == "9"
        for kolom, t in zip(layanan.KOLOM_HASIL, teks[1:], strict=True):
            v = isi[kolom]
            if isinstance(v, dict):
                assert t == json.dumps(v), kolom
            else:
                assert t == (None if v is None else str(v)), kolom
    assert copy[-1][4:6] == [None, None]
