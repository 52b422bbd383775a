"""The inbox, the bell, the e-mail preferences and the admin's sending log of a period."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifikasi import services
from notifikasi.models import Jenis, Notifikasi, Preferensi, StatusEmail

from ..factories import PenggunaFactory, PeriodeFactory

pytestmark = pytest.mark.django_db

DAFTAR = reverse("notifikasi:daftar")
LONCENG = reverse("notifikasi:lonceng")
MENU = reverse("notifikasi:lonceng_menu")
PREFERENSI = reverse("notifikasi:preferensi")
HTMX = {"HTTP_HX_REQUEST": "true"}


def buat(penerima, n=1, **kolom):
    """``n`` notifications for ``penerima``, a minute apart, the last one the newest."""
    awal = kolom.pop("dibuat", timezone.now() - timedelta(hours=1))
    kolom = {"jenis": Jenis.PENGINGAT_TENGGAT, "isi": "Isi pemberitahuan.", "tautan": "/", **kolom}
    judul = kolom.pop("judul", None)
    return [
        Notifikasi.objects.create(
            penerima=penerima,
            dibuat=awal + timedelta(minutes=i),
            judul=judul or f"Pemberitahuan {i + 1}",
            **kolom,
        )
        for i in range(n)
    ]


def pesan(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The inbox


def test_inbox_lists_only_the_users_own_notifications_newest_first(client_of, operator_a, penilai):
    lama, baru = buat(operator_a, 2)
    buat(penilai, judul="Lembar penilaian untuk orang lain")

    response = client_of(operator_a).get(DAFTAR)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [baru, lama]
    assert response.context["jumlah_belum"] == 2
    isi = response.content.decode()
    assert "Lembar penilaian untuk orang lain" not in isi
    assert "2 pemberitahuan belum dibaca." in isi


def test_inbox_shows_the_time_in_wib_and_the_text(client_of, operator_a):
    buat(
        operator_a,
        dibuat=datetime(2026, 12, 12, 16, 59, tzinfo=UTC),
        judul="Tenggat penilaian mandiri",
        isi="Tenggat tinggal satu hari.\nSegera kirim.",
    )

    isi = client_of(operator_a).get(DAFTAR).content.decode()

    assert "12 Desember 2026 23.59 WIB" in isi
    assert "Tenggat penilaian mandiri" in isi
    assert "Tenggat tinggal satu hari.<br>Segera kirim." in isi


def test_inbox_filter_shows_only_unread(client_of, operator_a):
    dibaca, belum = buat(operator_a, 2)
    Notifikasi.objects.filter(pk=dibaca.pk).update(dibaca_pada=timezone.now())
    client = client_of(operator_a)

    semua = client.get(DAFTAR)
    hanya_belum = client.get(DAFTAR, {"tampil": "belum"})

    assert list(semua.context["page"].object_list) == [belum, dibaca]
    assert list(hanya_belum.context["page"].object_list) == [belum]
    assert hanya_belum.context["page"].paginator.count == 1


def test_inbox_is_paginated(client_of, operator_a):
    semua = buat(operator_a, 25)

    response = client_of(operator_a).get(DAFTAR, {"halaman": 2})

    assert list(response.context["page"].object_list) == semua[:5][::-1]
    assert "Menampilkan 21–25 dari 25" in response.content.decode()


def test_empty_inbox_says_so(client_of, penilai):
    response = client_of(penilai).get(DAFTAR)

    assert "Belum ada pemberitahuan untuk Anda." in response.content.decode()


@pytest.mark.parametrize("jumlah", [3, 30])
def test_inbox_query_count_does_not_grow(client_of, operator_a, django_assert_num_queries, jumlah):
    buat(operator_a, jumlah)
    client = client_of(operator_a)
    client.get(DAFTAR)  # the session is cached from now on

    # user, unread count, total, the operator's agency for the menu, the page
    with django_assert_num_queries(5):
        response = client.get(DAFTAR)
    assert len(response.context["page"].object_list) == min(jumlah, 20)

    # with the unread filter, the unread count is the total
    with django_assert_num_queries(4):
        client.get(DAFTAR, {"tampil": "belum"})


# Marking read


def test_marking_one_read_goes_back_to_the_list_it_came_from(client_of, operator_a):
    satu, dua = buat(operator_a, 2)
    kembali = f"{DAFTAR}?tampil=belum&halaman=1"

    response = client_of(operator_a).post(
        reverse("notifikasi:tandai_dibaca", args=[satu.pk]), {"kembali": kembali}
    )

    assert response.status_code == 302
    assert response["Location"] == kembali
    satu.refresh_from_db()
    dua.refresh_from_db()
    assert satu.dibaca_pada is not None
    assert dua.dibaca_pada is None


def test_marking_read_never_sends_elsewhere(client_of, operator_a):
    (n,) = buat(operator_a)

    response = client_of(operator_a).post(
        reverse("notifikasi:tandai_dibaca", args=[n.pk]), {"kembali": "https://contoh.example/"}
    )

    assert response["Location"] == DAFTAR


def test_marking_read_by_htmx_answers_the_item_and_tells_the_bell(client_of, operator_a):
    (n,) = buat(operator_a, judul="Klarifikasi diminta")

    response = client_of(operator_a).post(reverse("notifikasi:tandai_dibaca", args=[n.pk]), **HTMX)

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"notifikasi-berubah": {}}
    isi = response.content.decode()
    assert isi.strip().startswith('<li class="list-group-item')
    assert f'id="notifikasi-{n.pk}"' in isi
    assert 'data-dibaca="ya"' in isi
    assert "Sudah dibaca" in isi
    assert "<html" not in isi


def test_marking_all_read_marks_only_the_users_own(client_of, operator_a, penilai):
    buat(operator_a, 3)
    (lain,) = buat(penilai)

    response = client_of(operator_a).post(reverse("notifikasi:tandai_semua_dibaca"))

    assert response["Location"] == DAFTAR
    assert pesan(response) == ["3 pemberitahuan ditandai sudah dibaca."]
    assert not Notifikasi.objects.filter(penerima=operator_a, dibaca_pada__isnull=True).exists()
    lain.refresh_from_db()
    assert lain.dibaca_pada is None


def test_marking_all_read_with_nothing_unread_says_so(client_of, operator_a):
    response = client_of(operator_a).post(reverse("notifikasi:tandai_semua_dibaca"))

    assert pesan(response) == ["Tidak ada pemberitahuan yang belum dibaca."]


@pytest.mark.parametrize("url", ["notifikasi:tandai_dibaca", "notifikasi:buka"])
def test_someone_elses_notification_is_not_found_and_stays_unread(client_of, operator_a, operator_b, url):
    (milik_b,) = buat(operator_b)

    response = client_of(operator_a).post(reverse(url, args=[milik_b.pk]))

    assert response.status_code == 404
    milik_b.refresh_from_db()
    assert milik_b.dibaca_pada is None


# Opening a notification


@pytest.mark.parametrize("metode", ["get", "post"])
def test_opening_marks_read_and_goes_to_its_page(client_of, operator_a, metode):
    tautan = "/penilaian-mandiri/2030/klarifikasi/?dari=notifikasi"
    (n,) = buat(operator_a, tautan=tautan)

    response = getattr(client_of(operator_a), metode)(reverse("notifikasi:buka", args=[n.pk]))

    assert response.status_code == 302
    assert response["Location"] == tautan
    n.refresh_from_db()
    assert n.dibaca_pada is not None


@pytest.mark.parametrize(
    "tautan",
    [
        "https://contoh.example/masuk",
        "//contoh.example/masuk",
        "javascript:alert(1)",
        "/\\contoh.example",
        "masuk/",
    ],
)
def test_opening_never_leaves_the_site(client_of, operator_a, tautan):
    (n,) = buat(operator_a, tautan=tautan)

    response = client_of(operator_a).get(reverse("notifikasi:buka", args=[n.pk]))

    assert response["Location"] == DAFTAR
    assert pesan(response) == ["Tautan pemberitahuan ini tidak menuju halaman BKN Award, jadi tidak dibuka."]
    n.refresh_from_db()
    assert n.dibaca_pada is not None


def test_opening_a_notification_without_a_link_goes_to_the_inbox(client_of, operator_a):
    (n,) = buat(operator_a, tautan="")

    response = client_of(operator_a).get(reverse("notifikasi:buka", args=[n.pk]))

    assert response["Location"] == DAFTAR
    assert pesan(response) == []


# The bell


def test_bell_shows_the_unread_count_with_its_label(client_of, operator_a):
    dibaca, *_ = buat(operator_a, 4)
    Notifikasi.objects.filter(pk=dibaca.pk).update(dibaca_pada=timezone.now())

    response = client_of(operator_a).get(LONCENG, **HTMX)

    isi = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="jumlah-lonceng" aria-hidden="true">3</span>' in isi
    assert "Pemberitahuan, 3 belum dibaca" in isi
    assert "<html" not in isi


def test_bell_hides_its_badge_at_zero(client_of, operator_a):
    buat(operator_a, dibaca_pada=timezone.now())

    isi = client_of(operator_a).get(LONCENG, **HTMX).content.decode()

    assert "jumlah-lonceng" not in isi
    assert "Pemberitahuan, tidak ada yang belum dibaca" in isi


def test_bell_menu_lists_the_latest_five(client_of, operator_a):
    semua = buat(operator_a, 7)

    response = client_of(operator_a).get(MENU, **HTMX)

    assert response.context["terbaru"] == semua[:1:-1]
    isi = response.content.decode()
    assert isi.count('data-testid="menu-notifikasi"') == 5
    assert reverse("notifikasi:buka", args=[semua[-1].pk]) in isi
    assert DAFTAR in isi


@pytest.mark.parametrize("jumlah", [3, 30])
def test_bell_query_count_does_not_grow(client_of, operator_a, django_assert_num_queries, jumlah):
    buat(operator_a, jumlah)
    client = client_of(operator_a)
    client.get(LONCENG)

    # user, the count
    with django_assert_num_queries(2):
        client.get(LONCENG, **HTMX)
    # user, the latest five
    with django_assert_num_queries(2):
        client.get(MENU, **HTMX)


def test_the_page_itself_never_counts_notifications(client_of, operator_a):
    """The header only asks for the bell: pages keep their query counts."""
    buat(operator_a, 3)
    client = client_of(operator_a)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("password_change"))

    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "notifikasi_notifikasi" in q["sql"]]
    isi = response.content.decode()
    assert f'hx-get="{LONCENG}"' in isi
    assert 'hx-trigger="load delay:1s, every 30s, notifikasi-berubah from:body"' in isi


def test_bell_poll_interval_comes_from_the_settings(client_of, operator_a, settings):
    settings.NOTIFIKASI_POLL_DETIK = 1

    isi = client_of(operator_a).get(reverse("password_change")).content.decode()

    assert 'hx-trigger="load delay:1s, every 1s, notifikasi-berubah from:body"' in isi


def test_bell_polled_after_the_session_ended_stops_polling(client):
    response = client.get(LONCENG, **HTMX)

    # 286: htmx stops polling; the bell stays an icon rather than becoming the login page
    assert response.status_code == 286
    isi = response.content.decode()
    assert "bi-bell" in isi
    assert "<form" not in isi


def test_bell_asked_without_htmx_by_an_anonymous_user_goes_to_login(client):
    response = client.get(LONCENG)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={LONCENG}"


def test_anonymous_pages_have_no_bell(client):
    isi = client.get(reverse("login")).content.decode()

    assert LONCENG not in isi


# Preferences


def test_preferences_list_the_kinds_of_the_users_role(client_of, operator_a, penilai):
    operator = client_of(operator_a).get(PREFERENSI)
    jenis_operator = [j for j, _field in operator.context["form"].baris()]
    jenis_penilai = [j for j, _field in client_of(penilai).get(PREFERENSI).context["form"].baris()]

    assert jenis_operator == services.JENIS_UNTUK_PERAN["operator"]
    assert jenis_penilai == services.JENIS_UNTUK_PERAN["penilai"]
    isi = operator.content.decode()
    assert "selalu tampil di lonceng" in isi
    assert str(Jenis.PERIODE_DIBUKA.label) in isi


def test_preferences_are_saved_and_followed_by_new_notifications(client_of, operator_a):
    data = {f"surel_{j.value}": "segera" for j in services.JENIS_UNTUK_PERAN["operator"]}
    data["surel_periode_dibuka"] = "mati"
    data["surel_klarifikasi_diminta"] = "ringkasan"

    response = client_of(operator_a).post(PREFERENSI, data)

    assert response.status_code == 302
    assert response["Location"] == PREFERENSI
    assert pesan(response) == ["Preferensi surel pemberitahuan disimpan."]
    tersimpan = {p.jenis: (p.email, p.ringkasan) for p in Preferensi.objects.filter(pengguna=operator_a)}
    assert tersimpan[Jenis.PERIODE_DIBUKA] == (False, False)
    assert tersimpan[Jenis.KLARIFIKASI_DIMINTA] == (True, True)
    assert tersimpan[Jenis.SANGGAH_DIPUTUS] == (True, False)
    assert len(tersimpan) == len(services.JENIS_UNTUK_PERAN["operator"])

    status = {
        jenis: services.beri_tahu([operator_a], jenis=jenis, judul="Uji", isi="Uji")[0].status_email
        for jenis in (Jenis.PERIODE_DIBUKA, Jenis.KLARIFIKASI_DIMINTA, Jenis.SANGGAH_DIPUTUS)
    }
    assert status == {
        Jenis.PERIODE_DIBUKA: StatusEmail.TIDAK_DIMINTA,
        Jenis.KLARIFIKASI_DIMINTA: StatusEmail.RINGKASAN,
        Jenis.SANGGAH_DIPUTUS: StatusEmail.MENUNGGU,
    }


def test_preferences_form_shows_what_was_saved(client_of, operator_a):
    Preferensi.objects.create(pengguna=operator_a, jenis=Jenis.PERIODE_DIBUKA, email=False, ringkasan=True)
    Preferensi.objects.create(pengguna=operator_a, jenis=Jenis.SANGGAH_DIPUTUS, email=True, ringkasan=True)

    form = client_of(operator_a).get(PREFERENSI).context["form"]

    # a digest without e-mail means no e-mail: it is shown, and kept, as such
    assert form["surel_periode_dibuka"].initial == "mati"
    assert form["surel_sanggah_diputus"].initial == "ringkasan"
    assert form["surel_hasil_sementara"].initial == "segera"


def test_preferences_saving_again_updates_the_rows(client_of, operator_a):
    client = client_of(operator_a)
    data = {f"surel_{j.value}": "ringkasan" for j in services.JENIS_UNTUK_PERAN["operator"]}
    client.post(PREFERENSI, data)
    data = {f"surel_{j.value}": "segera" for j in services.JENIS_UNTUK_PERAN["operator"]}

    client.post(PREFERENSI, data)

    assert set(Preferensi.objects.filter(pengguna=operator_a).values_list("email", "ringkasan")) == {
        (True, False)
    }


def test_preferences_refuse_a_missing_or_unknown_choice_clearly(client_of, operator_a):
    data = {f"surel_{j.value}": "segera" for j in services.JENIS_UNTUK_PERAN["operator"]}
    del data["surel_periode_dibuka"]
    data["surel_sanggah_diputus"] = "kadang-kadang"

    response = client_of(operator_a).post(PREFERENSI, data)

    assert response.status_code == 200
    isi = response.content.decode()
    assert f"Pilih cara surel untuk “{Jenis.PERIODE_DIBUKA.label}”." in isi
    assert f"Pilihan surel untuk “{Jenis.SANGGAH_DIPUTUS.label}” tidak dikenal." in isi
    assert not Preferensi.objects.exists()


def test_preferences_ignore_kinds_the_role_does_not_receive(client_of, penilai):
    data = {f"surel_{j.value}": "mati" for j in services.JENIS_UNTUK_PERAN["penilai"]}
    data["surel_periode_dibuka"] = "mati"

    client_of(penilai).post(PREFERENSI, data)

    assert not Preferensi.objects.filter(jenis=Jenis.PERIODE_DIBUKA).exists()
    assert Preferensi.objects.filter(pengguna=penilai).count() == len(services.JENIS_UNTUK_PERAN["penilai"])


# The admin's log of a period


@pytest.fixture
def dua_periode(admin_bkn):
    return PeriodeFactory(tahun=2030, dibuat_oleh=admin_bkn), PeriodeFactory(
        tahun=2031, dibuat_oleh=admin_bkn
    )


def log(tahun):
    return reverse("notifikasi:periode", args=[tahun])


def test_log_lists_what_was_sent_for_the_period_with_its_outcome(
    client_of, admin_bkn, operator_a, penilai, dua_periode
):
    periode, lain = dua_periode
    (terkirim,) = buat(
        operator_a,
        periode=periode,
        judul="Periode dibuka",
        status_email=StatusEmail.TERKIRIM,
        percobaan=1,
        dikirim_pada=datetime(2026, 12, 12, 3, 0, tzinfo=UTC),
        alamat="operator.a@uji.bkn.go.id",
    )
    (gagal,) = buat(
        penilai,
        periode=periode,
        judul="Lembar ditugaskan",
        status_email=StatusEmail.DITOLAK,
        percobaan=1,
        galat_terakhir="penilai.uji@uji.bkn.go.id: 550 Mailbox tidak ada",
    )
    buat(operator_a, periode=lain, judul="Untuk periode lain")

    response = client_of(admin_bkn).get(log(periode.tahun))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [gagal, terkirim]
    isi = response.content.decode()
    assert "Untuk periode lain" not in isi
    assert operator_a.instansi.nama in isi
    assert "Operator Instansi" in isi or operator_a.get_peran_display() in isi
    assert "Alamat ditolak server surel" in isi
    assert "550 Mailbox tidak ada" in isi
    assert "12 Desember 2026 10.00 WIB" in isi
    per_status = dict(response.context["per_status"])
    assert per_status[StatusEmail.TERKIRIM] == 1
    assert per_status[StatusEmail.DITOLAK] == 1
    assert per_status[StatusEmail.MENUNGGU] == 0
    assert response.context["total"] == 2
    # only the refused one can be sent again
    assert isi.count('data-testid="kirim-ulang"') == 1


def test_log_filters_by_state_and_kind(client_of, admin_bkn, operator_a, dua_periode):
    periode, _lain = dua_periode
    (a,) = buat(operator_a, periode=periode, jenis=Jenis.PERIODE_DIBUKA, status_email=StatusEmail.GAGAL_TETAP)
    (b,) = buat(operator_a, periode=periode, jenis=Jenis.PERIODE_DIBUKA, status_email=StatusEmail.TERKIRIM)
    (c,) = buat(
        operator_a, periode=periode, jenis=Jenis.HASIL_SEMENTARA, status_email=StatusEmail.GAGAL_TETAP
    )
    client = client_of(admin_bkn)

    def daftar(**saring):
        return list(client.get(log(periode.tahun), saring).context["page"].object_list)

    assert daftar(status="gagal_tetap") == [c, a]
    assert daftar(jenis="periode_dibuka") == [b, a]
    assert daftar(status="gagal_tetap", jenis="hasil_sementara") == [c]
    assert daftar(status="terkirim", jenis="hasil_sementara") == []


def test_log_ignores_an_unknown_filter_and_says_so(client_of, admin_bkn, operator_a, dua_periode):
    periode, _lain = dua_periode
    buat(operator_a, 2, periode=periode)

    response = client_of(admin_bkn).get(log(periode.tahun), {"status": "hilang"})

    assert len(response.context["page"].object_list) == 2
    assert "Saringan tidak dikenal diabaikan" in response.content.decode()


def test_log_of_an_unknown_period_is_not_found(client_of, admin_bkn):
    assert client_of(admin_bkn).get(log(2099)).status_code == 404


@pytest.mark.parametrize("jumlah", [3, 30])
def test_log_query_count_does_not_grow(client_of, admin_bkn, dua_periode, django_assert_num_queries, jumlah):
    periode, _lain = dua_periode
    for i in range(jumlah):
        user = PenggunaFactory(username=f"log.{i}")
        buat(user, periode=periode, status_email=StatusEmail.GAGAL_TETAP)
    client = client_of(admin_bkn)
    client.get(log(periode.tahun))

    # user, the period, the page count, Django permissions (user and group) for the menu,
    # the page (with recipients and agencies), counts per state
    with django_assert_num_queries(7):
        response = client.get(log(periode.tahun))
    assert len(response.context["page"].object_list) == jumlah


def test_resending_queues_a_failed_email_again(client_of, admin_bkn, operator_a, dua_periode):
    periode, _lain = dua_periode
    (n,) = buat(
        operator_a,
        periode=periode,
        judul="Hasil sementara",
        status_email=StatusEmail.GAGAL_TETAP,
        percobaan=8,
    )
    kembali = f"{log(periode.tahun)}?status=gagal_tetap"

    response = client_of(admin_bkn).post(
        reverse("notifikasi:kirim_ulang", args=[periode.tahun, n.pk]), {"kembali": kembali}
    )

    assert response["Location"] == kembali
    assert pesan(response) == [
        f"Surel “Hasil sementara” untuk {operator_a.nama} dijadwalkan untuk dikirim ulang."
    ]
    n.refresh_from_db()
    assert (n.status_email, n.percobaan) == (StatusEmail.MENUNGGU, 0)


def test_resending_a_sent_email_is_refused_with_why(client_of, admin_bkn, operator_a, dua_periode):
    periode, _lain = dua_periode
    (n,) = buat(
        operator_a, periode=periode, judul="Hasil sementara", status_email=StatusEmail.TERKIRIM, percobaan=1
    )

    response = client_of(admin_bkn).post(reverse("notifikasi:kirim_ulang", args=[periode.tahun, n.pk]))

    assert response["Location"] == log(periode.tahun)
    assert pesan(response) == [
        f"Surel “Hasil sementara” untuk {operator_a.nama} tidak dikirim ulang: statusnya “Terkirim”. Hanya surel "
        "yang gagal, ditolak, tanpa alamat, atau untuk akun nonaktif yang dapat dikirim ulang."
    ]
    n.refresh_from_db()
    assert (n.status_email, n.percobaan) == (StatusEmail.TERKIRIM, 1)


def test_resending_a_notification_of_another_period_is_not_found(
    client_of, admin_bkn, operator_a, dua_periode
):
    periode, lain = dua_periode
    (n,) = buat(operator_a, periode=lain, status_email=StatusEmail.GAGAL_TETAP)

    response = client_of(admin_bkn).post(reverse("notifikasi:kirim_ulang", args=[periode.tahun, n.pk]))

    assert response.status_code == 404
    n.refresh_from_db()
    assert n.status_email == StatusEmail.GAGAL_TETAP


def test_the_period_page_links_to_its_log(client_of, admin_bkn, dua_periode):
    periode, _lain = dua_periode

    isi = client_of(admin_bkn).get(reverse("penilaian:periode", args=[periode.tahun])).content.decode()

    assert f'href="{log(periode.tahun)}"' in isi
