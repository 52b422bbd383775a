"""Evaluators: assignment and conflicts, blind score sheets, no lost updates, moderation, audit, progress."""

import contextlib
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instansi.models import JenisInstansi, Peran
from penilaian import instrumen, queries, services
from penilaian.instrumen import ElemenData, IndikatorData, Instrumen, KategoriData, Level
from penilaian.models import (
    BuktiDukung,
    CaraPenugasan,
    JenisRiwayat,
    KonflikKepentingan,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    ProfilPenilai,
    RiwayatNilai,
    StatusLembar,
    Tahap,
)

from ..factories import InstansiFactory, PenggunaFactory, PeriodeFactory, ProvinsiFactory
from . import berkas_uji

pytestmark = pytest.mark.django_db

TAHUN = 2030


def pesan(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def lembar_a(periode_verifikasi, peserta_a, penilai, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)


@pytest.fixture
def lembar_a2(periode_verifikasi, peserta_a, penilai2, admin_bkn):
    return services.tugaskan(peserta=peserta_a, penilai=penilai2, oleh=admin_bkn)


def indikator(periode, kode):
    return periode.indikator.prefetch_related("rubrik").get(kode=kode)


def nilai_semua(lembar, oleh, level=3, catatan="Sesuai bukti."):
    """Score every indicator of a sheet through the service, as the autosave does."""
    for i in lembar.periode.indikator.prefetch_related("rubrik"):
        services.simpan_nilai(lembar=lembar, indikator=i, level=level, catatan=catatan, versi=0, oleh=oleh)


def autosave(client, lembar, kode, versi, level=None, catatan="", htmx=True):
    data = {"versi": versi, "catatan": catatan}
    if level is not None:
        data["level"] = level
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("penilai:simpan_nilai", args=[lembar.pk, kode]), data, **headers)


# Assignment


def _skenario(seed):
    """A period with random agencies and evaluators, each banned from at most three agencies.

    Its own agency or declared conflicts: few enough that an even load is always
    possible, so that the test can demand it.
    """
    acak = random.Random(seed)  # noqa: S311
    admin = PenggunaFactory(peran=Peran.ADMIN)
    periode = PeriodeFactory(tahun=2050, dibuat_oleh=admin, jumlah_penilai=acak.choice([1, 2, 3]))
    provinsi = [ProvinsiFactory(kode=f"{70 + n}", nama_wilayah=f"Prov {n}") for n in range(3)]
    instansi = [
        InstansiFactory(induk=acak.choice(provinsi), nama_wilayah=f"Daerah {seed}-{n}")
        for n in range(acak.randint(12, 30))
    ]
    for i in instansi:
        periode.peserta.create(instansi=i)
    penilai = [
        PenggunaFactory(peran=Peran.PENILAI) for _n in range(acak.randint(periode.jumlah_penilai + 1, 7))
    ]
    for p in penilai:
        if acak.random() < 0.4:
            ProfilPenilai.objects.create(pengguna=p, instansi_asal=acak.choice(instansi))
        for target in acak.sample(instansi, acak.randint(0, 2)):
            KonflikKepentingan.objects.get_or_create(penilai=p, instansi=target, defaults={"alasan": "uji"})
    return periode, penilai, admin


@pytest.mark.parametrize("seed", range(12))
def test_auto_assignment_never_assigns_a_conflict_and_keeps_the_balance(seed):
    periode, penilai, admin = _skenario(seed)
    periode.tahap = Tahap.VERIFIKASI
    periode.save()

    hasil = services.tugaskan_otomatis(periode=periode, oleh=admin, seed=seed)

    lembar = list(LembarPenilaian.objects.filter(periode=periode).select_related("peserta"))
    for satu in lembar:
        assert satu.peserta.instansi_id not in services.instansi_terlarang(satu.penilai), (seed, satu)
    per_peserta = {}
    for satu in lembar:
        per_peserta.setdefault(satu.peserta_id, set()).add(satu.penilai_id)
    kurang = {p.pk for p, _n in hasil.kurang}
    for peserta in periode.peserta.all():
        dapat = len(per_peserta.get(peserta.pk, ()))
        assert dapat <= periode.jumlah_penilai
        assert (dapat < periode.jumlah_penilai) == (peserta.pk in kurang)
    beban = [LembarPenilaian.objects.filter(penilai=p).count() for p in penilai]
    assert max(beban) - min(beban) <= 1, (seed, beban)
    assert hasil.seimbang
    assert {satu.cara for satu in lembar} == {CaraPenugasan.OTOMATIS}


def test_an_agency_nobody_may_score_is_listed_for_manual_assignment(
    admin_bkn, periode_verifikasi, peserta_a, penilai
):
    KonflikKepentingan.objects.create(penilai=penilai, instansi=peserta_a.instansi, alasan="mantan pegawai")

    hasil = services.tugaskan_otomatis(periode=periode_verifikasi, oleh=admin_bkn)

    assert [(p.instansi.nama, n) for p, n in hasil.kurang] == [
        ("Pemerintah Kabupaten Alfa", 2),
        ("Pemerintah Kabupaten Beta", 1),
    ]
    assert list(queries.perlu_penugasan(periode_verifikasi).values_list("instansi__nama", flat=True)) == [
        "Pemerintah Kabupaten Alfa",
        "Pemerintah Kabupaten Beta",
    ]


def test_auto_assignment_is_idempotent_and_keeps_started_sheets(
    admin_bkn, periode_verifikasi, penilai, penilai2
):
    services.tugaskan_otomatis(periode=periode_verifikasi, oleh=admin_bkn)
    sebelum = set(LembarPenilaian.objects.values_list("pk", flat=True))

    hasil = services.tugaskan_otomatis(periode=periode_verifikasi, oleh=admin_bkn)

    assert hasil.dibuat == 0
    assert set(LembarPenilaian.objects.values_list("pk", flat=True)) == sebelum


@pytest.mark.parametrize("sebab", ["asal", "wilayah", "konflik"])
def test_manual_assignment_refuses_a_conflict(admin_bkn, periode_verifikasi, peserta_a, penilai, sebab):
    if sebab == "asal":
        ProfilPenilai.objects.create(pengguna=penilai, instansi_asal=peserta_a.instansi)
    elif sebab == "wilayah":
        ProfilPenilai.objects.create(pengguna=penilai, wilayah=peserta_a.instansi.induk)
    else:
        KonflikKepentingan.objects.create(penilai=penilai, instansi=peserta_a.instansi, alasan="saudara")

    with pytest.raises(ValidationError, match="tidak boleh menilai Pemerintah Kabupaten Alfa"):
        services.tugaskan(peserta=peserta_a, penilai=penilai, oleh=admin_bkn)
    assert not LembarPenilaian.objects.exists()


def test_a_conflict_declared_later_cancels_the_assignment(client_of, penilai, lembar_a, peserta_a):
    client = client_of(penilai)

    response = client.post(
        reverse("penilai:konflik"),
        {"instansi": peserta_a.instansi.kode, "alasan": "Adik saya Kepala BKPSDM."},
        follow=True,
    )

    assert "Konflik kepentingan dengan Pemerintah Kabupaten Alfa dicatat." in pesan(response)
    assert "Penugasan Anda untuk instansi itu dibatalkan; panitia akan menugaskan penilai lain." in pesan(
        response
    )
    lembar_a.refresh_from_db()
    assert lembar_a.status == StatusLembar.DIBATALKAN
    assert peserta_a in queries.perlu_penugasan(lembar_a.periode)
    assert client.get(reverse("penilai:lembar", args=[lembar_a.pk])).status_code == 404
    assert RiwayatNilai.objects.filter(lembar=lembar_a, jenis=JenisRiwayat.PEMBATALAN).exists()


def test_csv_import_assigns_all_rows(admin_bkn, periode_verifikasi, peserta_a, peserta_b, penilai, penilai2):
    isi = f"kode_instansi;username_penilai\n{peserta_a.instansi.kode};{penilai.username}\n{peserta_b.instansi.kode};{penilai2.username}\n"

    n = services.impor_penugasan_csv(
        periode=periode_verifikasi, berkas=SimpleUploadedFile("p.csv", isi.encode()), oleh=admin_bkn
    )

    assert n == 2
    assert set(
        LembarPenilaian.objects.values_list("peserta__instansi__kode", "penilai__username", "cara")
    ) == {
        (peserta_a.instansi.kode, penilai.username, "csv"),
        (peserta_b.instansi.kode, penilai2.username, "csv"),
    }


def test_a_bad_csv_assigns_nothing_and_names_every_row(
    client_of, admin_bkn, periode_verifikasi, peserta_a, peserta_b, penilai, penilai2
):
    KonflikKepentingan.objects.create(penilai=penilai2, instansi=peserta_b.instansi, alasan="x")
    isi = (
        "kode_instansi,username_penilai\n"
        f"{peserta_a.instansi.kode},{penilai.username}\n"
        f"99.9999,{penilai.username}\n"
        f"{peserta_a.instansi.kode},siapa\n"
        f"{peserta_b.instansi.kode},{penilai2.username}\n"
        f"{peserta_a.instansi.kode},{penilai.username}\n"
    )

    response = client_of(admin_bkn).post(
        reverse("penilaian:penugasan_impor", args=[TAHUN]),
        {"berkas": SimpleUploadedFile("p.csv", isi.encode())},
    )

    assert response.context["csv_form"].errors["berkas"] == [
        "Baris 3: 99.9999 bukan instansi peserta periode ini.",
        "Baris 4: siapa bukan penilai aktif.",
        "Baris 5: Penilai Dua tidak boleh menilai Pemerintah Kabupaten Beta (konflik kepentingan atau wilayah).",
        "Baris 6: Penilai Uji sudah ditugaskan ke Pemerintah Kabupaten Alfa.",
    ]
    assert not LembarPenilaian.objects.exists()


# The score sheet


def test_autosave_stores_the_score_and_its_audit_entry(client_of, penilai, lembar_a):
    response = autosave(
        client_of(penilai), lembar_a, "E1.1", versi=0, level=2, catatan="SK belum ditetapkan."
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tersimpan" in html
    assert 'value="1" hx-swap-oob="true"' in html  # the new version, swapped into the page
    nilai = NilaiPenilai.objects.get(lembar=lembar_a)
    assert (nilai.indikator.kode, nilai.level, nilai.catatan, nilai.versi) == (
        "E1.1",
        2,
        "SK belum ditetapkan.",
        1,
    )
    riwayat = RiwayatNilai.objects.get(lembar=lembar_a)
    assert (riwayat.jenis, riwayat.oleh, riwayat.level_lama, riwayat.level_baru) == (
        JenisRiwayat.NILAI,
        penilai,
        None,
        2,
    )


def test_autosave_does_only_what_a_save_needs(client_of, penilai, lembar_a):
    """The version check, one update, one audit row, and the small answer: nothing read twice."""
    client = client_of(penilai)
    autosave(client, lembar_a, "E1.1", versi=0, level=2, catatan="")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries_:
        response = autosave(client, lembar_a, "E1.1", versi=1, level=3, catatan="")

    assert 'value="2" hx-swap-oob="true"' in response.content.decode()
    sql = [q["sql"] for q in queries_.captured_queries]
    tulis = [
        q.split(" ")[0] + " " + q.split('"')[1] for q in sql if q.startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert tulis == ["UPDATE penilaian_nilaipenilai", "INSERT penilaian_riwayatnilai"]
    # The user; the sheet, the indicator and its levels; the period held, the sheet locked with it,
    # and its schedule; the score (the version check); the agency's own level with the sheet's count.
    baca = [q for q in sql if q.lstrip().startswith("SELECT")]
    assert len(baca) == 9, "\n".join(baca)
    if connection.vendor == "postgresql":
        # Only the sheet is locked for update: the period is held in share mode, so that the
        # other evaluators' autosaves of the same period do not queue behind this one.
        assert [q[q.index(" FOR ") :] for q in baca if " FOR " in q] == [
            " FOR SHARE",
            ' FOR UPDATE OF "penilaian_lembarpenilaian"',
        ]
    assert not any("django_session" in q for q in sql)  # the session is read from the cache


def test_a_stale_save_is_refused_and_overwrites_nothing(client_of, penilai, lembar_a):
    client = client_of(penilai)
    autosave(client, lembar_a, "E1.1", versi=0, level=3, catatan="Tab pertama")

    # The second tab still shows version 0.
    response = autosave(client, lembar_a, "E1.1", versi=0, level=1, catatan="Tab kedua")

    html = response.content.decode()
    assert "sudah diubah di tab atau jendela lain (level 3," in html
    assert "Isian Anda belum disimpan: muat ulang halaman untuk melihat nilai terbaru." in html
    assert 'id="versi-' not in html
    nilai = NilaiPenilai.objects.get(lembar=lembar_a)
    assert (nilai.level, nilai.catatan, nilai.versi) == (3, "Tab pertama", 1)


def test_two_saves_at_once_cannot_both_win(penilai, lembar_a, periode_verifikasi):
    e11 = indikator(periode_verifikasi, "E1.1")
    services.simpan_nilai(lembar=lembar_a, indikator=e11, level=2, catatan="", versi=0, oleh=penilai)
    # Both requests read version 1; the first write moves it to 2.
    services.simpan_nilai(lembar=lembar_a, indikator=e11, level=3, catatan="", versi=1, oleh=penilai)

    with pytest.raises(services.NilaiKedaluwarsa):
        services.simpan_nilai(lembar=lembar_a, indikator=e11, level=4, catatan="", versi=1, oleh=penilai)

    assert NilaiPenilai.objects.get(lembar=lembar_a).level == 3


def test_without_javascript_the_form_still_saves(client_of, penilai, lembar_a):
    response = autosave(client_of(penilai), lembar_a, "E1.1", versi=0, level=4, htmx=False)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("penilai:lembar", args=[lembar_a.pk]))
    assert NilaiPenilai.objects.get(lembar=lembar_a).level == 4


def test_a_note_is_required_where_the_level_differs_from_the_agencys(
    client_of, operator_a, penilai, peserta_a, lembar_a, periode_verifikasi
):
    e11 = indikator(periode_verifikasi, "E1.1")
    peserta_a.jawaban.create(indikator=e11, level=4, penjelasan="Lengkap", diperbarui_oleh=operator_a)
    nilai_semua(lembar_a, penilai, catatan="")
    client = client_of(penilai)

    peringatan = autosave(client, lembar_a, "E1.2", versi=1, level=2)
    assert "catatan wajib diisi" in peringatan.content.decode()
    response = client.post(reverse("penilai:kirim", args=[lembar_a.pk]), follow=True)

    assert pesan(response) == [
        "Catatan wajib diisi bila level berbeda dari penilaian mandiri instansi: E1.1, E1.2, E1.3, E1.4, E1.5, "
        "E1.6, E1.7, E2.1, E2.2, E2.3, E2.4, E2.5, E2.6, E2.7, E3.1, E3.2, E3.3, E3.4, E3.5, E3.6, E3.7, E4.1, "
        "E4.2, E4.3, E4.4, E4.5, E4.6, E4.7."
    ]
    lembar_a.refresh_from_db()
    assert lembar_a.status == StatusLembar.DRAF


def test_submission_needs_every_indicator(client_of, penilai, lembar_a, periode_verifikasi):
    services.simpan_nilai(
        lembar=lembar_a,
        indikator=indikator(periode_verifikasi, "E1.1"),
        level=0,
        catatan="",
        versi=0,
        oleh=penilai,
    )

    response = client_of(penilai).post(reverse("penilai:kirim", args=[lembar_a.pk]), follow=True)

    assert pesan(response)[0].startswith("27 indikator belum dinilai: E1.2, E1.3")


def test_a_submitted_sheet_is_read_only(client_of, penilai, lembar_a):
    nilai_semua(lembar_a, penilai)
    client = client_of(penilai)
    response = client.post(reverse("penilai:kirim", args=[lembar_a.pk]), follow=True)
    assert (
        "Lembar penilaian Pemerintah Kabupaten Alfa terkirim. Nilai penilai lain kini dapat Anda lihat."
        in pesan(response)
    )

    ubah = autosave(client, lembar_a, "E1.1", versi=1, level=0, catatan="ubah")

    assert "Lembar penilaian sudah dikirim dan kini hanya dapat dibaca." in ubah.content.decode()
    assert NilaiPenilai.objects.get(lembar=lembar_a, indikator__kode="E1.1").level == 3
    halaman = client.get(reverse("penilai:lembar", args=[lembar_a.pk])).content.decode()
    assert 'data-testid="form-nilai-E1.1"' not in halaman
    assert RiwayatNilai.objects.filter(lembar=lembar_a, jenis=JenisRiwayat.KIRIM).count() == 1


def test_blind_until_the_own_sheet_is_submitted(client_of, penilai, penilai2, lembar_a, lembar_a2):
    nilai_semua(lembar_a2, penilai2, level=1, catatan="Catatan rahasia penilai dua")
    services.kirim_lembar(lembar=lembar_a2, oleh=penilai2)
    client = client_of(penilai)

    sebelum = client.get(reverse("penilai:lembar", args=[lembar_a.pk]))
    assert not sebelum.context["tampilkan_lain"]
    assert "Catatan rahasia penilai dua" not in sebelum.content.decode()
    assert "Penilai Dua" not in sebelum.content.decode()

    nilai_semua(lembar_a, penilai)
    services.kirim_lembar(lembar=lembar_a, oleh=penilai)
    sesudah = client.get(reverse("penilai:lembar", args=[lembar_a.pk]))

    assert "Catatan rahasia penilai dua" in sesudah.content.decode()
    baris = sesudah.context["elemen_list"][0][1][0]
    assert [(n.lembar.penilai.nama, n.level) for n in baris.lain] == [("Penilai Dua", 1)]


def test_evaluators_never_open_other_sheets(client_of, penilai, penilai2, lembar_a, lembar_a2, operator_a):
    assert client_of(penilai).get(reverse("penilai:lembar", args=[lembar_a2.pk])).status_code == 404
    assert autosave(client_of(penilai), lembar_a2, "E1.1", versi=0, level=1).status_code == 404
    assert client_of(operator_a).get(reverse("penilai:lembar", args=[lembar_a.pk])).status_code == 404


def test_the_chair_and_admin_read_any_sheet(client_of, ketua, admin_bkn, lembar_a):
    for user in (ketua, admin_bkn):
        response = client_of(user).get(reverse("penilai:lembar", args=[lembar_a.pk]))
        assert response.status_code == 200
        assert not response.context["bisa_ubah"]


def test_an_assigned_evaluator_reads_the_agencys_evidence(
    client_of, operator_a, penilai, penilai2, peserta_a, lembar_a
):
    # Self-assessment is closed now: the file is put in place directly, as it was uploaded earlier.
    isi = berkas_uji.pdf()
    lokasi = storages["bukti"].save("2030/sk.pdf", ContentFile(isi))
    bukti = BuktiDukung.objects.create(
        peserta=peserta_a,
        indikator=indikator(peserta_a.periode, "E1.1"),
        nama_berkas="sk.pdf",
        lokasi=lokasi,
        jenis="pdf",
        ukuran=len(isi),
        sha256="0" * 64,
        diunggah_oleh=operator_a,
    )
    url = reverse("bukti", args=[bukti.pk])

    lihat = client_of(penilai).get(url, {"lihat": "1"})

    assert lihat.status_code == 200
    assert lihat["Content-Disposition"] == 'inline; filename="sk.pdf"'
    assert lihat["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(lihat.streaming_content) == isi
    assert client_of(penilai2).get(url).status_code == 404  # not assigned to this agency


# Moderation, return, audit


@pytest.fixture
def dua_lembar_dikirim(penilai, penilai2, lembar_a, lembar_a2):
    nilai_semua(lembar_a, penilai, level=4)
    nilai_semua(lembar_a2, penilai2, level=3)
    e11 = indikator(lembar_a.periode, "E1.1")
    services.simpan_nilai(
        lembar=lembar_a2, indikator=e11, level=1, catatan="SK tidak ada", versi=1, oleh=penilai2
    )
    services.kirim_lembar(lembar=lembar_a, oleh=penilai)
    services.kirim_lembar(lembar=lembar_a2, oleh=penilai2)
    return lembar_a, lembar_a2


def test_moderation_lists_only_indicators_over_the_threshold(client_of, ketua, dua_lembar_dikirim):
    response = client_of(ketua).get(reverse("penilaian:moderasi", args=[TAHUN]))

    baris = response.context["baris_list"]
    assert [(b.peserta.instansi.nama, b.indikator.kode, b.selisih) for b in baris] == [
        ("Pemerintah Kabupaten Alfa", "E1.1", 3)
    ]
    assert response.context["belum"] == 1


def test_the_chair_settles_a_final_value_with_a_reason(client_of, ketua, dua_lembar_dikirim, peserta_a):
    e11 = indikator(peserta_a.periode, "E1.1")
    url = reverse("penilaian:moderasi_tetapkan", args=[TAHUN])
    client = client_of(ketua)

    tanpa_alasan = client.post(
        url, {"peserta": peserta_a.pk, "indikator": e11.pk, "level": 2, "alasan": ""}, follow=True
    )
    # Refused beside its row, with the chosen level kept.
    html = tanpa_alasan.content.decode()
    assert "Tuliskan alasan nilai akhir." in html
    assert '<option value="2" selected>2</option>' in html
    assert not Moderasi.objects.exists()
    response = client.post(
        url,
        {"peserta": peserta_a.pk, "indikator": e11.pk, "level": 2, "alasan": "SK ada, belum mutakhir."},
        follow=True,
    )

    assert "Nilai akhir E1.1 untuk Pemerintah Kabupaten Alfa ditetapkan: level 2." in pesan(response)
    moderasi = Moderasi.objects.get()
    assert (moderasi.level, moderasi.alasan, moderasi.oleh) == (2, "SK ada, belum mutakhir.", ketua)
    assert response.context["belum"] == 0
    entri = RiwayatNilai.objects.get(jenis=JenisRiwayat.MODERASI)
    assert (entri.level_lama, entri.level_baru, entri.catatan, entri.oleh) == (
        None,
        2,
        "SK ada, belum mutakhir.",
        ketua,
    )


def test_the_chair_returns_a_sheet_to_its_evaluator(client_of, ketua, penilai2, dua_lembar_dikirim):
    _lembar_a, lembar_a2 = dua_lembar_dikirim

    response = client_of(ketua).post(
        reverse("penilaian:lembar_kembalikan", args=[TAHUN]),
        {"lembar": lembar_a2.pk, "catatan": "Periksa lagi SK ANJAB di bukti kedua."},
        follow=True,
    )

    assert "Lembar Penilai Dua untuk Pemerintah Kabupaten Alfa dikembalikan." in pesan(response)
    lembar_a2.refresh_from_db()
    assert lembar_a2.status == StatusLembar.DIKEMBALIKAN
    halaman = client_of(penilai2).get(reverse("penilai:lembar", args=[lembar_a2.pk]))
    assert "Periksa lagi SK ANJAB di bukti kedua." in halaman.content.decode()
    assert halaman.context["bisa_ubah"]
    ubah = autosave(
        client_of(penilai2), lembar_a2, "E1.1", versi=2, level=3, catatan="Setelah diperiksa ulang"
    )
    assert "Tersimpan" in ubah.content.decode()
    assert RiwayatNilai.objects.filter(lembar=lembar_a2, jenis=JenisRiwayat.PENGEMBALIAN).exists()


def test_a_chair_with_a_conflict_leaves_that_agency_to_the_admin(
    client_of, ketua, admin_bkn, dua_lembar_dikirim, peserta_a
):
    _lembar_a, lembar_a2 = dua_lembar_dikirim
    KonflikKepentingan.objects.create(penilai=ketua, instansi=peserta_a.instansi, alasan="mantan pegawai")
    e11 = indikator(peserta_a.periode, "E1.1")
    menolak = (
        "Anda tidak dapat memutuskan nilai Pemerintah Kabupaten Alfa: instansi ini instansi asal, wilayah, "
        "atau konflik kepentingan Anda. Keputusan untuk instansi ini diambil admin."
    )
    isian = {"peserta": peserta_a.pk, "indikator": e11.pk, "level": 2, "alasan": "SK ada, belum mutakhir."}

    moderasi = client_of(ketua).post(reverse("penilaian:moderasi_tetapkan", args=[TAHUN]), isian, follow=True)
    kembali = client_of(ketua).post(
        reverse("penilaian:lembar_kembalikan", args=[TAHUN]),
        {"lembar": lembar_a2.pk, "catatan": "Periksa lagi."},
        follow=True,
    )

    halaman = client_of(ketua).get(reverse("penilaian:moderasi", args=[TAHUN]))
    assert "keputusannya diambil admin" in halaman.content.decode()
    assert 'name="alasan"' not in halaman.content.decode()
    assert menolak in moderasi.content.decode()
    assert menolak in kembali.content.decode()
    assert not Moderasi.objects.exists()
    lembar_a2.refresh_from_db()
    assert lembar_a2.status == StatusLembar.DIKIRIM
    # The admin settles it.
    client_of(admin_bkn).post(reverse("penilaian:moderasi_tetapkan", args=[TAHUN]), isian)
    assert Moderasi.objects.get().oleh == admin_bkn


def test_every_change_is_in_the_audit_trail(
    client_of, admin_bkn, ketua, penilai, lembar_a, periode_verifikasi
):
    e11 = indikator(periode_verifikasi, "E1.1")
    for versi, level in enumerate([1, 2, 2, 4]):
        with contextlib.suppress(services.NilaiKedaluwarsa):
            services.simpan_nilai(
                lembar=lembar_a, indikator=e11, level=level, catatan=f"v{level}", versi=versi, oleh=penilai
            )

    entri = list(
        RiwayatNilai.objects.filter(lembar=lembar_a).values_list("level_lama", "level_baru", "catatan")
    )
    assert entri == [(None, 1, "v1"), (1, 2, "v2")]  # the same value again is no change; a stale save is none
    for user in (admin_bkn, ketua):
        response = client_of(user).get(
            reverse("penilaian:riwayat", args=[TAHUN, lembar_a.peserta.instansi.kode])
        )
        assert [(r.level_lama, r.level_baru) for r in response.context["riwayat"]] == [(None, 1), (1, 2)]


@pytest.mark.parametrize("persona", ["penilai", "operator_a"])
def test_the_audit_trail_is_for_admins_and_the_chair(
    client_of, request, persona, peserta_a, periode_verifikasi
):
    response = client_of(request.getfixturevalue(persona)).get(
        reverse("penilaian:riwayat", args=[TAHUN, peserta_a.instansi.kode])
    )

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["penilai", "operator_a"])
def test_moderation_is_the_chairs_and_the_admins(client_of, request, persona, periode_verifikasi):
    assert (
        client_of(request.getfixturevalue(persona))
        .get(reverse("penilaian:moderasi", args=[TAHUN]))
        .status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_assignment_is_the_admins(client_of, request, persona, periode_verifikasi, peserta_a, penilai):
    client = client_of(request.getfixturevalue(persona))

    assert client.get(reverse("penilaian:penugasan", args=[TAHUN])).status_code == 403
    assert client.post(reverse("penilaian:penugasan_otomatis", args=[TAHUN])).status_code == 403
    assert not LembarPenilaian.objects.exists()


def test_progress_per_evaluator_and_agency(
    client_of, ketua, penilai, penilai2, dua_lembar_dikirim, peserta_b, admin_bkn
):
    services.tugaskan(peserta=peserta_b, penilai=penilai, oleh=admin_bkn)

    response = client_of(ketua).get(reverse("penilaian:kemajuan_penilaian", args=[TAHUN]))

    assert [
        (p["penilai__nama"], p["jumlah"], p["dikirim"], p["draf"]) for p in response.context["per_penilai"]
    ] == [
        ("Penilai Dua", 1, 1, 0),
        ("Penilai Uji", 2, 1, 1),
    ]
    assert {p.instansi.nama: p.lembar_dikirim for p in response.context["page"]} == {
        "Pemerintah Kabupaten Alfa": 2,
        "Pemerintah Kabupaten Beta": 0,
    }


def test_admin_assigns_and_removes_by_hand(client_of, admin_bkn, periode_verifikasi, peserta_a, penilai):
    client = client_of(admin_bkn)

    client.post(
        reverse("penilaian:penugasan_tambah", args=[TAHUN]), {"peserta": peserta_a.pk, "penilai": penilai.pk}
    )
    lembar = LembarPenilaian.objects.get()
    assert (lembar.cara, lembar.status) == (CaraPenugasan.MANUAL, StatusLembar.DRAF)
    response = client.post(reverse("penilaian:penugasan_batal", args=[TAHUN, lembar.pk]), follow=True)

    assert "Penugasan Penilai Uji untuk Pemerintah Kabupaten Alfa dicabut." in pesan(response)
    lembar.refresh_from_db()
    assert lembar.status == StatusLembar.DIBATALKAN


# Query counts


def _instrumen(jumlah):
    """An instrument with ``jumlah`` indicators in one element."""
    bobot = [Decimal(100) // jumlah] * jumlah
    bobot[-1] += Decimal(100) - sum(bobot)
    return Instrumen(
        kategori=[KategoriData("UTAMA", "utama", "Utama"), KategoriData("KE-1", "elemen", "Elemen", "E1")],
        elemen=[
            ElemenData(
                "E1",
                "Elemen",
                Decimal(100),
                [
                    IndikatorData(
                        f"I{n}",
                        f"Pertanyaan {n}?",
                        "",
                        bobot[n],
                        [Level(0, "Tidak"), Level(4, "Ya")],
                        [instrumen.Bukti("Dokumen")],
                    )
                    for n in range(jumlah)
                ],
            )
        ],
    )


@pytest.mark.parametrize("jumlah", [5, 50])
def test_sheet_page_query_count_does_not_depend_on_the_instrument(
    client_of, admin_bkn, penilai, operator_a, instansi_a, django_assert_num_queries, jumlah
):
    periode = PeriodeFactory(tahun=2060, dibuat_oleh=admin_bkn, tahap=Tahap.VERIFIKASI)
    instrumen.simpan(_instrumen(jumlah), periode)
    peserta = periode.peserta.create(instansi=instansi_a)
    lembar = LembarPenilaian.objects.create(
        periode=periode, peserta=peserta, penilai=penilai, cara="manual", ditugaskan_oleh=admin_bkn
    )
    for i in periode.indikator.all():
        peserta.jawaban.create(indikator=i, level=4, penjelasan="ok", diperbarui_oleh=operator_a)
        NilaiPenilai.objects.create(lembar=lembar, indikator=i, level=0, catatan="tidak", versi=1)
    client = client_of(penilai)

    # 11: the timeline is read too, for the stage's deadline; and the sheet's clarification requests.
    # (No permission tables: what an evaluator may do follows from the role.)
    with django_assert_num_queries(10):
        response = client.get(reverse("penilai:lembar", args=[lembar.pk]))

    assert response.context["jumlah_indikator"] == jumlah


def test_a_region_rule_can_make_an_even_load_impossible_and_says_so(
    admin_bkn, periode_verifikasi, penilai, penilai2
):
    ProfilPenilai.objects.create(pengguna=penilai, wilayah=periode_verifikasi.peserta.first().instansi.induk)
    ProfilPenilai.objects.create(pengguna=penilai2, wilayah=periode_verifikasi.peserta.last().instansi.induk)
    ketiga = PenggunaFactory(peran=Peran.PENILAI)

    hasil = services.tugaskan_otomatis(periode=periode_verifikasi, oleh=admin_bkn)

    # Each regency is in its own province: penilai and penilai2 each may score only one of the two.
    assert {u.username: n for u, n in hasil.beban.items()} == {
        penilai.username: 1,
        penilai2.username: 1,
        ketiga.username: 2,
    }
    assert not hasil.kurang


def test_region_rule_covers_the_province_and_its_regions(penilai, instansi_a):
    ProfilPenilai.objects.create(pengguna=penilai, wilayah=instansi_a.induk)
    tetangga = InstansiFactory(
        induk=instansi_a.induk, jenis=JenisInstansi.KOTA, nama="Pemerintah Kota Alfa Raya"
    )

    assert services.instansi_terlarang(penilai) == {instansi_a.induk_id, instansi_a.pk, tetangga.pk}


def test_the_chairs_home_counts_what_waits_for_moderation(client_of, ketua, dua_lembar_dikirim, peserta_a):
    client = client_of(ketua)
    assert [n for _periode, n, _konflik in client.get(reverse("beranda_ketua")).context["periode_list"]] == [
        1
    ]

    services.moderasi_nilai(
        peserta=peserta_a,
        indikator=indikator(peserta_a.periode, "E1.1"),
        level=2,
        alasan="Sebagian",
        oleh=ketua,
    )

    assert [n for _periode, n, _konflik in client.get(reverse("beranda_ketua")).context["periode_list"]] == [
        0
    ]
