"""Periods: creation, timeline, stages and who may move them, frozen instrument, copying, participants."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from instansi.models import JenisInstansi
from penilaian import instrumen, services
from penilaian.models import Periode, Peserta, RiwayatTahap, SubKelompok, Tahap

from ..factories import InstansiFactory, InstansiPusatFactory, PeriodeFactory, jadwal_lengkap

pytestmark = pytest.mark.django_db


def url(nama, periode, *args):
    return reverse(f"penilaian:{nama}", args=[periode.tahun, *args])


def pesan(response):
    return [str(m) for m in response.context["messages"]]


def test_admin_creates_a_period_from_the_2023_template(client_of, admin_bkn):
    response = client_of(admin_bkn).post(
        reverse("penilaian:periode_baru"),
        {"nama": "BKN Award 2025", "tahun": 2025, "sumber_instrumen": "templat"},
        follow=True,
    )

    periode = Periode.objects.get(tahun=2025)
    assert response.redirect_chain[-1][0] == url("periode", periode)
    assert periode.tahap == Tahap.PERSIAPAN
    assert periode.dibuat_oleh == admin_bkn
    assert instrumen.dari_periode(periode) == instrumen.dari_json()
    assert "Periode BKN Award 2025 dibuat." in pesan(response)


def test_a_year_has_one_period(client_of, admin_bkn, periode):
    response = client_of(admin_bkn).post(
        reverse("penilaian:periode_baru"),
        {"nama": "Lagi", "tahun": periode.tahun, "sumber_instrumen": "kosong"},
    )

    assert response.context["form"].errors["tahun"] == ["Periode tahun 2030 sudah ada."]
    assert Periode.objects.count() == 1


def test_copy_an_instrument_from_an_earlier_period(client_of, admin_bkn, periode):
    response = client_of(admin_bkn).post(
        reverse("penilaian:periode_baru"),
        {"nama": "BKN Award 2031", "tahun": 2031, "sumber_instrumen": "salin", "salin_dari": periode.pk},
    )

    assert response.status_code == 302
    assert instrumen.dari_periode(Periode.objects.get(tahun=2031)) == instrumen.dari_periode(periode)


def test_copy_into_an_existing_period_through_its_page(client_of, admin_bkn, periode):
    kosong = PeriodeFactory(tahun=2032, dibuat_oleh=admin_bkn)

    client_of(admin_bkn).post(url("instrumen_salin", kosong), {"dari": periode.pk})

    salinan = instrumen.dari_periode(kosong)
    assert salinan == instrumen.dari_periode(periode)
    assert len(salinan.semua_indikator) == 28


def test_copy_needs_a_period_with_an_instrument(admin_bkn, periode):
    kosong = PeriodeFactory(tahun=2032, dibuat_oleh=admin_bkn)

    with pytest.raises(ValidationError, match="belum memiliki instrumen"):
        services.salin_instrumen(dari=kosong, ke=periode)


def test_timeline_is_saved(client_of, admin_bkn, periode):
    data = {}
    for n, tahap in enumerate(Tahap.terjadwal()):
        data[f"{tahap}_mulai"] = f"2030-0{n + 1}-01T08:00"
        data[f"{tahap}_selesai"] = f"2030-0{n + 1}-20T23:59"

    response = client_of(admin_bkn).post(url("jadwal", periode), data)

    assert response.status_code == 302
    mandiri = periode.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI)
    assert (mandiri.selesai.isoformat()) == "2030-01-20T16:59:00+00:00"  # 23.59 WIB


def test_timeline_stages_follow_each_other(client_of, admin_bkn, periode):
    jadwal = jadwal_lengkap()
    mulai, selesai = jadwal[Tahap.MODERASI]
    jadwal[Tahap.MODERASI] = (selesai, mulai)
    jadwal[Tahap.SANGGAH] = (jadwal[Tahap.VERIFIKASI][0], jadwal[Tahap.SANGGAH][1])

    with pytest.raises(ValidationError) as exc:
        services.simpan_jadwal(periode=periode, jadwal=jadwal)

    assert exc.value.messages == [
        "Tahap Moderasi: waktu selesai harus setelah waktu mulai.",
        "Tahap Sanggah tidak boleh dimulai sebelum tahap Moderasi selesai.",
    ]
    assert not periode.jadwal.exists()


def test_self_assessment_needs_instrument_participants_and_timeline(admin_bkn):
    kosong = PeriodeFactory(tahun=2033, dibuat_oleh=admin_bkn)

    assert services.syarat_tahap_berikutnya(kosong) == [
        "Instrumen belum diisi.",
        "Belum ada instansi peserta.",
        "Jadwal tahapan belum lengkap.",
    ]
    with pytest.raises(ValidationError):
        services.maju_tahap(periode=kosong, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    kosong.refresh_from_db()
    assert kosong.tahap == Tahap.PERSIAPAN


def test_self_assessment_needs_a_valid_instrument(admin_bkn, periode_siap):
    periode_siap.indikator.filter(kode="E1.1").update(bobot=50)

    assert services.syarat_tahap_berikutnya(periode_siap) == [
        "Instrumen belum valid; perbaiki masalah yang tercantum pada halaman instrumen."
    ]


def test_admin_opens_self_assessment_after_confirming(client_of, admin_bkn, periode_siap):
    client = client_of(admin_bkn)

    konfirmasi = client.get(url("tahap_maju", periode_siap))
    assert (
        "Pindahkan BKN Award 2030 dari tahap Persiapan ke tahap Penilaian mandiri?"
        in konfirmasi.content.decode()
    )
    periode_siap.refresh_from_db()
    assert periode_siap.tahap == Tahap.PERSIAPAN  # looking does not move anything

    response = client.post(url("tahap_maju", periode_siap), {"dari": "persiapan"}, follow=True)

    periode_siap.refresh_from_db()
    assert periode_siap.tahap == Tahap.PENILAIAN_MANDIRI
    assert "BKN Award 2030 kini berada di tahap Penilaian mandiri." in pesan(response)
    riwayat = RiwayatTahap.objects.get(periode=periode_siap)
    assert (riwayat.dari, riwayat.ke, riwayat.oleh) == (Tahap.PERSIAPAN, Tahap.PENILAIAN_MANDIRI, admin_bkn)


def test_a_double_click_does_not_skip_a_stage(client_of, admin_bkn, periode_siap):
    client = client_of(admin_bkn)
    client.post(url("tahap_maju", periode_siap), {"dari": "persiapan"})

    response = client.post(url("tahap_maju", periode_siap), {"dari": "persiapan"}, follow=True)

    periode_siap.refresh_from_db()
    assert periode_siap.tahap == Tahap.PENILAIAN_MANDIRI
    assert RiwayatTahap.objects.filter(periode=periode_siap).count() == 1
    assert (
        "Periode sudah berada di tahap Penilaian mandiri; tahap tidak dapat dilompati. Muat ulang halaman."
        in pesan(response)
    )


def test_verification_waits_for_the_self_assessment_deadline(admin_bkn, periode_siap):
    periode = services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)

    [syarat] = services.syarat_tahap_berikutnya(periode)

    assert syarat.startswith("Batas waktu penilaian mandiri (")
    assert syarat.endswith(") belum lewat; instansi masih dapat mengisi.")


def test_stages_are_walked_one_by_one_to_the_end(admin_bkn, periode_siap):
    # Every stage has begun: none of them opens before its scheduled start.
    services.simpan_jadwal(
        periode=periode_siap, jadwal=jadwal_lengkap(awal=timezone.now() - timedelta(days=71))
    )
    for tahap in list(Tahap)[:-2]:
        periode_siap = services.maju_tahap(periode=periode_siap, dari=tahap, oleh=admin_bkn)
    assert periode_siap.tahap == Tahap.PENETAPAN
    # The announcement waits for approved winners (tests/laporan/test_penetapan.py approves them).
    with pytest.raises(ValidationError, match="Pemenang belum disetujui"):
        services.maju_tahap(periode=periode_siap, dari=Tahap.PENETAPAN, oleh=admin_bkn)
    from laporan.models import Penetapan, RunPeringkat, Snapshot

    run = RunPeringkat.objects.create(periode=periode_siap, dibuat_oleh=admin_bkn, status="selesai")
    snapshot = Snapshot.objects.create(
        periode=periode_siap, run=run, dibuat_oleh=admin_bkn, parameter={}, digest="0" * 64, reliabilitas={}
    )
    Penetapan.objects.create(
        periode=periode_siap, snapshot=snapshot, jumlah_peringkat=3, dibuat_oleh=admin_bkn, status="disetujui"
    )

    periode_siap = services.maju_tahap(periode=periode_siap, dari=Tahap.PENETAPAN, oleh=admin_bkn)

    assert periode_siap.tahap == Tahap.PENGUMUMAN
    assert services.syarat_tahap_berikutnya(periode_siap) == ["Periode sudah berada di tahap terakhir."]
    assert list(RiwayatTahap.objects.values_list("ke", flat=True)) == list(Tahap)[1:]


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_only_an_admin_moves_a_stage(client_of, request, persona, periode_siap):
    client = client_of(request.getfixturevalue(persona))

    assert client.get(url("tahap_maju", periode_siap)).status_code == 403
    assert client.post(url("tahap_maju", periode_siap), {"dari": "persiapan"}).status_code == 403
    periode_siap.refresh_from_db()
    assert periode_siap.tahap == Tahap.PERSIAPAN


@pytest.mark.parametrize(
    "nama",
    ["periode_daftar", "periode_baru", "periode", "jadwal", "instrumen", "instrumen_ekspor", "peserta"],
)
def test_period_pages_are_for_admins(client_of, penilaian_personas, periode, nama):
    target = (
        reverse(f"penilaian:{nama}") if nama in {"periode_daftar", "periode_baru"} else url(nama, periode)
    )
    for persona, status in penilaian_personas:
        response = client_of(persona).get(target)
        assert response.status_code == status, (persona, nama)


@pytest.fixture
def penilaian_personas(admin_bkn, ketua, penilai, operator_a):
    return [(admin_bkn, 200), (ketua, 403), (penilai, 403), (operator_a, 403)]


def test_anonymous_is_sent_to_login(client, periode):
    response = client.get(url("instrumen", periode))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_instrument_is_frozen_once_self_assessment_opens(client_of, admin_bkn, periode_siap):
    services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    sebelum = instrumen.dari_periode(periode_siap)
    lain = PeriodeFactory(tahun=2034, dibuat_oleh=admin_bkn)
    services.muat_templat(periode=lain)

    response = client_of(admin_bkn).post(url("instrumen_templat", periode_siap), follow=True)
    assert (
        "Instrumen BKN Award 2030 sudah dibekukan karena penilaian mandiri telah dibuka. "
        "Untuk mengubahnya, buat periode baru dan salin instrumen ini." in pesan(response)
    )
    with pytest.raises(ValidationError, match="dibekukan"):
        services.salin_instrumen(dari=lain, ke=periode_siap)
    assert instrumen.dari_periode(periode_siap) == sebelum


def test_frozen_instrument_is_read_only_in_the_django_admin(client_of, admin_bkn, periode_siap):
    services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    indikator = periode_siap.indikator.get(kode="E1.1")
    client = client_of(admin_bkn)
    change_url = reverse("admin:penilaian_indikator_change", args=[indikator.pk])

    response = client.post(change_url, {"kode": "E1.1", "pertanyaan": "Diubah diam-diam?", "bobot": "15"})

    assert response.status_code in {302, 403}
    indikator.refresh_from_db()
    assert indikator.pertanyaan != "Diubah diam-diam?"
    assert "Diubah" not in client.get(change_url).content.decode()


def test_participants_by_kind(client_of, admin_bkn, periode, instansi_a, instansi_b):
    lembaga = InstansiPusatFactory()
    InstansiFactory(nama="Pemerintah Kabupaten Nonaktif", aktif=False)
    client = client_of(admin_bkn)

    response = client.post(url("peserta_tetapkan", periode), {"jenis": ["kabupaten", "lembaga"]}, follow=True)
    assert set(Peserta.objects.values_list("instansi", flat=True)) == {
        instansi_a.pk,
        instansi_b.pk,
        lembaga.pk,
    }
    assert "Peserta ditetapkan: 3 instansi ditambahkan, 0 dikeluarkan." in pesan(response)

    response = client.post(url("peserta_tetapkan", periode), {"jenis": ["lembaga"]}, follow=True)
    assert list(Peserta.objects.values_list("instansi", flat=True)) == [lembaga.pk]
    assert "Peserta ditetapkan: 0 instansi ditambahkan, 2 dikeluarkan." in pesan(response)


def test_participants_need_a_kind(client_of, admin_bkn, periode):
    response = client_of(admin_bkn).post(url("peserta_tetapkan", periode), {}, follow=True)

    assert "Pilih sedikitnya satu kelompok instansi." in pesan(response)


def test_add_and_remove_one_participant(client_of, admin_bkn, periode, instansi_a):
    client = client_of(admin_bkn)

    client.post(url("peserta_tambah", periode), {"instansi": instansi_a.kode})
    peserta = Peserta.objects.get(periode=periode, instansi=instansi_a)
    client.post(url("peserta_hapus", periode, peserta.pk))

    assert not Peserta.objects.filter(periode=periode).exists()


def test_participants_are_locked_once_self_assessment_opens(admin_bkn, periode_siap, instansi_a):
    services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)

    with pytest.raises(ValidationError, match="hanya dapat diubah pada tahap Persiapan"):
        services.tetapkan_peserta(periode=periode_siap, jenis=["lembaga"])
    with pytest.raises(ValidationError):
        services.hapus_peserta(peserta=periode_siap.peserta.get(instansi=instansi_a))
    assert periode_siap.peserta.count() == 2


def test_sub_groups_split_a_kind(client_of, admin_bkn, periode_siap, instansi_a, instansi_b):
    client = client_of(admin_bkn)
    client.post(url("subkelompok_buat", periode_siap), {"jenis": "kabupaten", "nama": "Kabupaten Tipe A"})
    tipe_a = SubKelompok.objects.get(periode=periode_siap)
    peserta_a = periode_siap.peserta.get(instansi=instansi_a)

    response = client.post(
        url("peserta_subkelompok", periode_siap),
        {"peserta": [peserta_a.pk], "subkelompok": tipe_a.pk},
        follow=True,
    )

    assert "1 peserta dimasukkan ke Kabupaten Tipe A." in pesan(response)
    assert list(tipe_a.peserta.all()) == [peserta_a]
    assert periode_siap.peserta.get(instansi=instansi_b).subkelompok is None


def test_a_refused_sub_group_keeps_what_was_typed(client_of, admin_bkn, periode_siap):
    client = client_of(admin_bkn)
    client.post(url("subkelompok_buat", periode_siap), {"jenis": "kabupaten", "nama": "Kabupaten Tipe A"})

    response = client.post(
        url("subkelompok_buat", periode_siap), {"jenis": "kabupaten", "nama": "kabupaten tipe a"}
    )

    form = response.context["subkelompok_form"]
    assert form.errors["nama"] == ["Subkelompok kabupaten tipe a sudah ada."]
    assert (form["jenis"].value(), form["nama"].value()) == ("kabupaten", "kabupaten tipe a")
    assert 'value="kabupaten tipe a"' in response.content.decode()
    assert SubKelompok.objects.filter(periode=periode_siap).count() == 1


def test_a_sub_group_takes_only_its_own_kind(admin_bkn, periode_siap):
    kota = SubKelompok.objects.create(periode=periode_siap, jenis=JenisInstansi.KOTA, nama="Kota Besar")

    with pytest.raises(ValidationError, match="hanya untuk Pemerintah Kota"):
        services.atur_subkelompok(
            periode=periode_siap,
            peserta_ids=list(periode_siap.peserta.values_list("pk", flat=True)),
            subkelompok=kota,
        )
    assert not kota.peserta.exists()


@pytest.mark.parametrize("jumlah", [2, 20])
def test_participant_page_query_count_does_not_grow(
    client_of, admin_bkn, periode, django_assert_num_queries, jumlah
):
    InstansiFactory.create_batch(jumlah)
    services.tetapkan_peserta(periode=periode, jenis=["kabupaten"])
    client = client_of(admin_bkn)

    with django_assert_num_queries(12):
        assert client.get(url("peserta", periode)).status_code == 200


@pytest.mark.parametrize("jumlah", [1, 4])
def test_period_list_query_count_does_not_grow(client_of, admin_bkn, django_assert_num_queries, jumlah):
    for n in range(jumlah):
        PeriodeFactory(tahun=2040 + n, dibuat_oleh=admin_bkn)
    client = client_of(admin_bkn)

    with django_assert_num_queries(5):
        assert client.get(reverse("penilaian:periode_daftar")).status_code == 200


def test_instrument_page_query_count(client_of, admin_bkn, periode, django_assert_num_queries):
    client = client_of(admin_bkn)

    with django_assert_num_queries(16):
        response = client.get(url("instrumen", periode))

    assert response.status_code == 200
    assert "E4.7" in response.content.decode()


def test_timeline_of_a_week_ago_is_shown(client_of, admin_bkn, periode_siap):
    response = client_of(admin_bkn).get(url("periode", periode_siap))

    mandiri = periode_siap.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI)
    assert mandiri.selesai - mandiri.mulai == timedelta(days=14)
    assert response.context["syarat"] == []
