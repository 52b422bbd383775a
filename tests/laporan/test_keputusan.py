"""The verdict is settled before awards: shared ranks at the award limit, open disagreements, a stale
snapshot, unsubmitted sheets, the signer; a withdrawal that can be recovered from."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laporan import services
from laporan.models import KeputusanSeri, RunPeringkat, Sertifikat, StatusPenetapan
from laporan.queries import draf_pemenang
from penilaian import services as penilaian_services
from penilaian.models import LembarPenilaian, Moderasi, NilaiPenilai, RiwayatTahap, Tahap

from ..factories import PenggunaFactory

pytestmark = pytest.mark.django_db

TAHUN = 2040


def pesan(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def batas_satu(tahap_penetapan, admin_bkn):
    """A draft awarding rank 1 only: A and B share rank 1 of the main category and of element E1."""
    periode, peserta, snapshot = tahap_penetapan
    return services.buat_penetapan(
        periode=periode, snapshot=snapshot, jumlah_peringkat=1, oleh=admin_bkn
    ), peserta


def _utama(penetapan):
    return next(s for s in draf_pemenang(penetapan).seri if s.kategori.kode == "UTAMA")


def _putuskan(
    penetapan, seri, oleh, keputusan="semua", urutan=(), alasan="Keputusan rapat panel 20 November."
):
    return services.putuskan_seri(
        penetapan=penetapan, seri=seri, keputusan=keputusan, urutan=list(urutan), alasan=alasan, oleh=oleh
    )


# Shared ranks at the award limit


def test_a_shared_rank_at_the_award_limit_is_shown_and_blocks_approval(client_of, admin_bkn, batas_satu):
    penetapan, _peserta = batas_satu

    halaman = client_of(admin_bkn).get(reverse("laporan:penetapan", args=[TAHUN]))
    html = halaman.content.decode()

    assert [
        (s.kategori.kode, s.peringkat, [h.peserta.instansi.nama for h in s.anggota])
        for s, _f, _r in halaman.context["seri_list"]
    ] == [
        ("UTAMA", 1, ["Pemerintah Kabupaten A", "Pemerintah Kabupaten B"]),
        ("KE-1", 1, ["Pemerintah Kabupaten A", "Pemerintah Kabupaten B"]),
    ]
    assert "Peringkat bersama di batas penghargaan" in html
    assert "berbagi peringkat 1 di batas penghargaan; panel belum memutuskan." in html
    with pytest.raises(ValidationError, match="panel belum memutuskan"):
        services.setujui(penetapan=penetapan, oleh=admin_bkn)
    penetapan.refresh_from_db()
    assert penetapan.status == StatusPenetapan.DRAF


def test_a_shared_rank_inside_the_awards_needs_no_decision(tahap_penetapan, admin_bkn):
    periode, _peserta, snapshot = tahap_penetapan
    penetapan = services.buat_penetapan(
        periode=periode, snapshot=snapshot, jumlah_peringkat=3, oleh=admin_bkn
    )

    draf = draf_pemenang(penetapan)

    # A and B share rank 1 (main) and rank 2 (E2) with rank 3 awarded: both are awarded either way.
    assert draf.seri == []
    assert [
        (p.kategori.kode, p.peringkat, p.seri) for p in draf.pemenang if p.instansi.nama.endswith(" A")
    ] == [
        ("UTAMA", 1, True),
        ("KE-1", 1, True),
        ("KE-2", 2, True),
    ]


def test_the_panel_orders_a_tie_and_only_those_within_the_limit_are_awarded(client_of, admin_bkn, batas_satu):
    penetapan, peserta = batas_satu
    seri = _utama(penetapan)
    client = client_of(admin_bkn)
    data = {
        "kategori": seri.kategori.pk,
        "kelompok": seri.kode_kelompok,
        "peringkat": 1,
        "keputusan": "urutan",
        f"posisi_{peserta['A'].pk}": 2,
        f"posisi_{peserta['B'].pk}": 2,
        "alasan": "B unggul pada kelengkapan bukti E1.",
    }

    sama = client.post(reverse("laporan:seri_putuskan", args=[TAHUN]), data)
    assert "Beri setiap instansi yang seri peringkat yang berbeda, dari 1 sampai 2." in sama.content.decode()
    tanpa_alasan = client.post(reverse("laporan:seri_putuskan", args=[TAHUN]), {**data, "alasan": ""})
    assert "Tuliskan alasan keputusan panel." in tanpa_alasan.content.decode()
    response = client.post(
        reverse("laporan:seri_putuskan", args=[TAHUN]),
        {**data, f"posisi_{peserta['A'].pk}": 2, f"posisi_{peserta['B'].pk}": 1},
        follow=True,
    )

    assert (
        "Keputusan panel atas peringkat 1 bersama Implementasi Manajemen ASN Terbaik, Pemerintah Kabupaten dicatat."
        in pesan(response)
    )
    keputusan = KeputusanSeri.objects.get()
    assert (keputusan.keputusan, keputusan.urutan, keputusan.oleh, keputusan.alasan) == (
        "urutan",
        [peserta["B"].pk, peserta["A"].pk],
        admin_bkn,
        "B unggul pada kelengkapan bukti E1.",
    )
    utama = [
        (p.peringkat, p.instansi.nama, p.seri)
        for p in draf_pemenang(penetapan).pemenang
        if p.kategori.kode == "UTAMA"
    ]
    assert utama == [(1, "Pemerintah Kabupaten B", False)]


def test_awarding_every_tied_agency_is_a_decision_too_and_the_history_is_kept(admin_bkn, batas_satu):
    penetapan, peserta = batas_satu
    admin_lain = PenggunaFactory(username="admin.dua", peran="admin")
    seri_list = draf_pemenang(penetapan).seri
    for seri in seri_list:
        _putuskan(penetapan, seri, admin_bkn, keputusan="urutan", urutan=[peserta["A"].pk, peserta["B"].pk])
    for seri in seri_list:
        _putuskan(penetapan, seri, admin_lain, alasan="Rapat kedua: keduanya layak.")

    penetapan = services.setujui(penetapan=penetapan, oleh=admin_bkn)

    utama = [
        (p.peringkat, p.peserta.instansi.nama) for p in penetapan.penghargaan.filter(kategori__kode="UTAMA")
    ]
    assert utama == [(1, "Pemerintah Kabupaten A"), (1, "Pemerintah Kabupaten B")]
    assert KeputusanSeri.objects.filter(penetapan=penetapan).count() == 4  # both decisions of both ties
    with pytest.raises(ValidationError, match="sudah disetujui"):
        _putuskan(penetapan, seri_list[0], admin_bkn)


def test_a_decision_must_name_each_tied_agency_once(admin_bkn, batas_satu):
    penetapan, peserta = batas_satu

    with pytest.raises(ValidationError, match="tepat satu kali"):
        _putuskan(penetapan, _utama(penetapan), admin_bkn, keputusan="urutan", urutan=[peserta["A"].pk])


# Open work before approval


def test_approval_is_refused_with_an_open_disagreement(client_of, admin_bkn, draf):
    penetapan, peserta = draf
    Moderasi.objects.filter(peserta=peserta["C"]).delete()  # C's I1 (levels 0 and 4) is open again

    halaman = client_of(admin_bkn).get(reverse("laporan:penetapan", args=[TAHUN]))
    response = client_of(admin_bkn).post(reverse("laporan:setujui", args=[TAHUN]), follow=True)

    assert halaman.context["kesiapan"].perbedaan_terbuka == 1
    assert "1 perbedaan nilai antarpenilai belum dimoderasi." in pesan(response)
    penetapan.refresh_from_db()
    assert penetapan.status == StatusPenetapan.DRAF


def test_approval_is_refused_when_scores_changed_after_the_snapshot(admin_bkn, draf):
    penetapan, peserta = draf
    NilaiPenilai.objects.filter(lembar__peserta=peserta["A"], indikator__kode="I2").update(level=4)

    with pytest.raises(ValidationError, match="berubah sejak snapshot ini dihitung"):
        services.setujui(penetapan=penetapan, oleh=admin_bkn)


def test_unsubmitted_sheets_need_a_recorded_reason(client_of, admin_bkn, draf):
    penetapan, peserta = draf
    LembarPenilaian.objects.create(
        periode=penetapan.periode,
        peserta=peserta["A"],
        penilai=PenggunaFactory(username="penilai.terlambat"),
        cara="manual",
        ditugaskan_oleh=admin_bkn,
    )
    client = client_of(admin_bkn)

    halaman = client.get(reverse("laporan:penetapan", args=[TAHUN]))
    tanpa = client.post(reverse("laporan:setujui", args=[TAHUN]), {"alasan_lanjut": ""})
    dengan = client.post(
        reverse("laporan:setujui", args=[TAHUN]),
        {"alasan_lanjut": "Penilai sakit; dua lembar lain sudah lengkap."},
        follow=True,
    )

    html = halaman.content.decode()
    assert 'data-testid="lembar-belum">1<' in html
    assert 'data-testid="kurang-lembar">0<' in html
    assert tanpa.context["setujui_form"].errors["alasan_lanjut"] == [
        "1 lembar penilaian belum dikirim. Tuliskan alasan untuk tetap menyetujui pemenang."
    ]
    penetapan.refresh_from_db()
    assert penetapan.status == StatusPenetapan.DISETUJUI
    assert penetapan.alasan_lanjut == "Penilai sakit; dua lembar lain sudah lengkap."
    assert "Disetujui walau ada lembar penilaian yang belum dikirim" in dengan.content.decode()


def test_the_signers_name_is_required_before_approval(client_of, admin_bkn, draf):
    penetapan, _peserta = draf
    periode = penetapan.periode
    periode.penandatangan_nama = ""
    periode.save()

    with pytest.raises(ValidationError, match="Nama penandatangan piagam belum diisi"):
        services.setujui(penetapan=penetapan, oleh=admin_bkn)
    response = client_of(admin_bkn).post(
        reverse("laporan:pengaturan_piagam", args=[TAHUN]),
        {
            "jumlah_peringkat_penghargaan": 3,
            "penandatangan_nama": "",
            "penandatangan_jabatan": "Kepala BKN",
            "tempat_penetapan": "Jakarta",
        },
    )
    assert response.context["pengaturan_form"].errors["penandatangan_nama"] == [
        "Isi nama penandatangan piagam."
    ]


# Withdrawal and revocation


def test_withdrawing_after_publication_returns_the_period_to_penetapan(client_of, admin_bkn, diumumkan):
    penetapan, _peserta = diumumkan
    periode = penilaian_services.maju_tahap(periode=penetapan.periode, dari=Tahap.PENETAPAN, oleh=admin_bkn)
    assert periode.tahap == Tahap.PENGUMUMAN

    services.tarik(penetapan=penetapan, alasan="Data SIASN instansi C tidak valid.", oleh=admin_bkn)

    periode.refresh_from_db()
    assert periode.tahap == Tahap.PENETAPAN
    kembali = RiwayatTahap.objects.filter(periode=periode).latest("waktu", "pk")
    assert (kembali.dari, kembali.ke, kembali.oleh, kembali.alasan) == (
        Tahap.PENGUMUMAN,
        Tahap.PENETAPAN,
        admin_bkn,
        "Persetujuan pemenang ditarik: Data SIASN instansi C tidak valid.",
    )
    publik = client_of(None).get(reverse("pemenang", args=[TAHUN]))
    assert publik.status_code == 200
    assert "Hasil BKN Award 2040 sedang ditinjau ulang" in publik.content.decode()
    assert "belum diumumkan" not in publik.content.decode()
    assert "sedang ditinjau ulang" in client_of(None).get(reverse("pemenang_daftar")).content.decode()
    # The admin can decide again.
    baru = services.buat_penetapan(
        periode=periode, snapshot=penetapan.snapshot, jumlah_peringkat=3, oleh=admin_bkn
    )
    assert baru.status == StatusPenetapan.DRAF


def test_a_revoked_certificates_award_is_marked_in_public_and_left_out_of_the_zip(
    client_of, admin_bkn, diumumkan, django_capture_on_commit_callbacks
):
    penetapan, peserta = diumumkan
    client = client_of(None)
    assert "Penghargaan dicabut" not in client.get(reverse("pemenang", args=[TAHUN])).content.decode()
    sertifikat = Sertifikat.objects.get(
        penghargaan__peserta=peserta["C"], penghargaan__kategori__kode="UTAMA"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.cabut(sertifikat=sertifikat, alasan="Dokumen palsu.", oleh=admin_bkn)

    html = client.get(reverse("pemenang", args=[TAHUN])).content.decode()
    assert html.count('data-testid="penghargaan-dicabut"') == 1
    assert '<del class="fw-semibold">Pemerintah Kabupaten C</del>' in html
    isi = client_of(admin_bkn).get(reverse("laporan:zip_sertifikat", args=[TAHUN]))
    nama = zipfile.ZipFile(
        io.BytesIO(b"".join(isi.streaming_content) if isi.streaming else isi.content)
    ).namelist()
    assert not any(sertifikat.nomor.split("/")[0] + "-" in n and "kabupaten-c" in n for n in nama)
    assert len(nama) == Sertifikat.objects.filter(penghargaan__penetapan=penetapan).count() - 1


# A provisional ranking


def test_a_ranking_over_unfinished_scoring_is_provisional(client_of, admin_bkn, contoh):
    periode, peserta = contoh
    LembarPenilaian.objects.create(
        periode=periode,
        peserta=peserta["B"],
        penilai=PenggunaFactory(username="penilai.r"),
        cara="manual",
        ditugaskan_oleh=admin_bkn,
    )
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))

    html = client_of(admin_bkn).get(reverse("laporan:peringkat", args=[TAHUN])).content.decode()

    assert snapshot.parameter["keadaan"] == {
        "lembar_aktif": 7,
        "lembar_dikirim": 6,
        "perbedaan_terbuka": 0,
        "konflik_menunggu": 0,
        "instansi_kurang_lembar": 0,
        "sementara": True,
    }
    assert "Peringkat sementara." in html
    assert "Saat dihitung, 6 dari 7 lembar penilaian sudah dikirim." in html
    assert 'Cukup <span class="small text-muted">(sementara)</span>' in html


def test_a_ranking_over_finished_scoring_is_not_provisional(client_of, admin_bkn, contoh):
    periode, _peserta = contoh
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin_bkn)
    snapshot = periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))

    html = client_of(admin_bkn).get(reverse("laporan:peringkat", args=[TAHUN])).content.decode()

    assert snapshot.parameter["keadaan"]["sementara"] is False
    assert "Peringkat sementara." not in html
    assert "(sementara)" not in html


def test_the_agency_sees_the_rank_the_panel_gave_it(client_of, admin_bkn, batas_satu, operator_kab_a):
    penetapan, peserta = batas_satu
    for seri in draf_pemenang(penetapan).seri:
        urutan = [peserta["B"].pk, peserta["A"].pk] if seri.kategori.kode == "UTAMA" else []
        _putuskan(
            penetapan,
            seri,
            admin_bkn,
            keputusan="urutan" if urutan else "semua",
            urutan=urutan,
            alasan="B lebih lengkap pada bukti E1." if urutan else "Keduanya layak.",
        )
    services.umumkan(penetapan=services.setujui(penetapan=penetapan, oleh=admin_bkn))

    response = client_of(operator_kab_a).get(reverse("hasil", args=[TAHUN]))

    baris = {k.kode: p for k, p in response.context["peringkat"]}
    assert (baris["UTAMA"]["peringkat"], baris["UTAMA"]["seri"]) == (2, False)
    assert (baris["KE-1"]["peringkat"], baris["KE-1"]["seri"]) == (1, True)
    html = response.content.decode()
    assert "Peringkat bersama diputuskan panel: B lebih lengkap pada bukti E1." in html
    assert "Peringkat bersama diputuskan panel: Keduanya layak." in html


def test_a_refused_revocation_is_explained_beside_its_certificate(client_of, admin_bkn, diumumkan):
    _penetapan, peserta = diumumkan
    sertifikat = Sertifikat.objects.get(
        penghargaan__peserta=peserta["C"], penghargaan__kategori__kode="UTAMA"
    )
    client = client_of(admin_bkn)

    kosong = client.post(reverse("laporan:cabut", args=[TAHUN, sertifikat.kode]), {"alasan": " "})
    services.cabut(sertifikat=sertifikat, alasan="Dokumen palsu", oleh=admin_bkn)
    lagi = client.post(
        reverse("laporan:cabut", args=[TAHUN, sertifikat.kode]), {"alasan": "Lagi"}, follow=True
    )

    assert kosong.status_code == 200
    assert (
        kosong.context["cabut_form"].errors["alasan"] == ["This field is required."]
        or kosong.context["cabut_form"].errors["alasan"]
    )
    assert 'data-testid="galat-cabut"' in kosong.content.decode()
    assert f"Sertifikat {sertifikat.nomor} sudah dicabut." in pesan(lagi)
    assert Sertifikat.objects.get(pk=sertifikat.pk).alasan_cabut == "Dokumen palsu"
