"""The outbox: e-mail sent from the rows after the event, once, through a real SMTP server.

The SMTP server is aiosmtpd on a free port, started by the tests; Django's own SMTP
backend talks to it. Nothing here mocks the network.
"""

import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from notifikasi import services
from notifikasi.models import Jenis, Notifikasi, Preferensi, StatusEmail

from ..factories import PenggunaFactory

pytestmark = pytest.mark.django_db


class Kotak:
    """An SMTP server's handler that keeps what it received and refuses the addresses it is told to."""

    def __init__(self, tolak=(), jeda=0.0):
        self.pesan = []
        self.tolak = set(tolak)
        self.jeda = jeda

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.tolak:
            return "550 5.1.1 Mailbox tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.jeda:
            time.sleep(self.jeda)  # a server that does not answer in time
        self.pesan.append(
            (envelope.rcpt_tos[:], message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def port_bebas():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """smtp(**kotak): a real SMTP server on a free port, and Django's SMTP backend pointed at it."""
    berjalan = []

    def mulai(port=None, **kwargs):
        kotak = Kotak(**kwargs)
        port = port or port_bebas()
        controller = Controller(kotak, hostname="127.0.0.1", port=port)
        controller.start()
        berjalan.append(controller)
        arahkan(port)
        kotak.port = port
        return kotak

    def arahkan(port, timeout=2):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
            }
        }

    mulai.arahkan = arahkan
    yield mulai
    for controller in berjalan:
        controller.stop()


@pytest.fixture
def penerima(db):
    return PenggunaFactory(username="penilai.surel", nama="Sri Rahayu", email="sri@example.go.id")


def beri_tahu(user, **kwargs):
    with transaction.atomic():
        return services.beri_tahu(
            [user],
            jenis=kwargs.pop("jenis", Jenis.LEMBAR_DITUGASKAN),
            judul=kwargs.pop("judul", "3 lembar penilaian baru untuk Anda"),
            isi=kwargs.pop("isi", "Anda ditugaskan menilai Kabupaten Alfa, Beta dan Gama."),
            tautan=kwargs.pop("tautan", "/penilaian/"),
            **kwargs,
        )


def status(user):
    return list(Notifikasi.objects.filter(penerima=user).values_list("status_email", flat=True))


def test_an_email_goes_through_a_real_smtp_server_with_text_html_and_absolute_links(
    smtp, penerima, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://award.bkn.go.id"
    kotak = smtp()
    with django_capture_on_commit_callbacks() as antre:
        beri_tahu(penerima)
    assert len(antre) == 1  # the worker is asked after the commit, not before

    assert services.kirim_antrean() == {StatusEmail.TERKIRIM: 1}

    ((tujuan, pesan),) = kotak.pesan
    assert tujuan == ["sri@example.go.id"]
    assert pesan["Subject"] == "[BKN Award] 3 lembar penilaian baru untuk Anda"
    assert pesan["To"] == "sri@example.go.id"
    assert "noreply@bkn.go.id" in pesan["From"]
    assert pesan["X-BKN-Award-Notifikasi"].isdigit()
    teks = pesan.get_body(preferencelist=("plain",)).get_content()
    html = pesan.get_body(preferencelist=("html",)).get_content()
    for isi in (teks, html):
        assert "Yth. Sri Rahayu" in isi
        assert "Anda ditugaskan menilai Kabupaten Alfa, Beta dan Gama." in isi
        assert "https://award.bkn.go.id/penilaian/" in isi
        assert "https://award.bkn.go.id/notifikasi/preferensi/" in isi
        assert "WIB" in isi
    assert '<a href="https://award.bkn.go.id/penilaian/"' in html
    n = Notifikasi.objects.get(penerima=penerima)
    assert (n.status_email, n.alamat, n.percobaan) == (StatusEmail.TERKIRIM, "sri@example.go.id", 0)
    assert n.dikirim_pada is not None


def test_a_rolled_back_action_notifies_nobody(penerima):
    def aksi_gagal():
        with transaction.atomic():
            services.beri_tahu([penerima], jenis=Jenis.LEMBAR_DITUGASKAN, judul="x", isi="y")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        aksi_gagal()
    assert not Notifikasi.objects.exists()


def test_the_outbox_survives_an_smtp_outage_and_sends_after_it_recovers(smtp, penerima):
    port = port_bebas()
    smtp.arahkan(port)  # nobody listens there yet
    beri_tahu(penerima)

    assert services.kirim_antrean() == {StatusEmail.GAGAL: 1}
    n = Notifikasi.objects.get()
    assert n.status_email == StatusEmail.GAGAL
    assert n.percobaan == 1
    assert "ConnectionRefused" in n.galat_terakhir
    assert n.coba_lagi_pada > timezone.now()
    # Not due yet: the next run leaves it alone.
    assert services.kirim_antrean() == {}

    kotak = smtp(port=port)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert services.kirim_antrean() == {StatusEmail.TERKIRIM: 1}
    assert len(kotak.pesan) == 1
    n.refresh_from_db()
    assert (n.status_email, n.percobaan, n.galat_terakhir) == (StatusEmail.TERKIRIM, 1, "")


def test_the_retries_back_off_and_stop_after_the_last_attempt(smtp, penerima):
    smtp.arahkan(port_bebas())
    beri_tahu(penerima)
    jeda = []
    sekarang = timezone.now()
    for _ in range(services.MAKS_PERCOBAAN):
        with time_machine.travel(sekarang):
            services.kirim_antrean()
        n = Notifikasi.objects.get()
        if n.coba_lagi_pada:
            jeda.append(n.coba_lagi_pada - sekarang)
            sekarang = n.coba_lagi_pada + timedelta(seconds=1)
    assert n.status_email == StatusEmail.GAGAL_TETAP
    assert n.percobaan == services.MAKS_PERCOBAAN
    assert jeda == sorted(jeda)
    assert jeda[0] < jeda[-1]

    # The admin sends it again once the server is back.
    kotak = smtp()
    assert services.kirim_ulang(n)
    assert services.kirim_antrean() == {StatusEmail.TERKIRIM: 1}
    assert len(kotak.pesan) == 1


def test_a_slow_server_times_out_and_the_row_says_so(smtp, penerima):
    kotak = smtp(jeda=1.5)
    smtp.arahkan(kotak.port, timeout=0.5)  # the backend waits at most 0.5 s for an answer
    beri_tahu(penerima)
    assert services.kirim_antrean() == {StatusEmail.GAGAL: 1}
    n = Notifikasi.objects.get()
    assert n.status_email == StatusEmail.GAGAL
    assert "timed out" in n.galat_terakhir.lower() or "timeout" in n.galat_terakhir.lower()


def test_a_refused_address_no_address_and_a_deactivated_user_are_recorded_and_the_batch_goes_on(
    smtp, penerima
):
    kotak = smtp(tolak={"tidak.ada@example.go.id"})
    ditolak = PenggunaFactory(username="salah.alamat", email="tidak.ada@example.go.id")
    tanpa = PenggunaFactory(username="tanpa.alamat", email="")
    nonaktif = PenggunaFactory(username="pindah.tugas", email="pindah@example.go.id")
    for user in (ditolak, tanpa, nonaktif, penerima):
        beri_tahu(user)
    nonaktif.is_active = False  # deactivated between queueing and sending
    nonaktif.save()

    hasil = services.kirim_antrean()

    assert hasil == {
        StatusEmail.DITOLAK: 1,
        StatusEmail.TANPA_ALAMAT: 1,
        StatusEmail.NONAKTIF: 1,
        StatusEmail.TERKIRIM: 1,
    }
    assert status(ditolak) == [StatusEmail.DITOLAK]
    assert "550" in Notifikasi.objects.get(penerima=ditolak).galat_terakhir
    assert status(tanpa) == [StatusEmail.TANPA_ALAMAT]
    assert status(nonaktif) == [StatusEmail.NONAKTIF]
    assert [tujuan for tujuan, _p in kotak.pesan] == [["sri@example.go.id"]]


def test_sending_twice_sends_once(smtp, penerima):
    kotak = smtp()
    beri_tahu(penerima)
    services.kirim_antrean()
    assert services.kirim_antrean() == {}
    assert len(kotak.pesan) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_exactly_once(smtp):
    kotak = smtp()
    users = [PenggunaFactory(username=f"penilai.{n}", email=f"penilai{n}@example.go.id") for n in range(20)]
    services.beri_tahu(users, jenis=Jenis.LEMBAR_DITUGASKAN, judul="Lembar baru", isi="Silakan menilai.")
    mulai = threading.Barrier(2)
    hasil = []

    def pekerja():
        from django.db import connection

        try:
            mulai.wait()
            hasil.append(services.kirim_antrean())
        finally:
            connection.close()

    benang = [threading.Thread(target=pekerja) for _ in range(2)]
    for b in benang:
        b.start()
    for b in benang:
        b.join()

    assert sum(h.get(StatusEmail.TERKIRIM, 0) for h in hasil) == 20
    assert sorted(t for tujuan, _p in kotak.pesan for t in tujuan) == sorted(u.email for u in users)
    assert set(Notifikasi.objects.values_list("status_email", flat=True)) == {StatusEmail.TERKIRIM}


def test_a_row_left_mid_send_by_a_dead_worker_is_sent_later(smtp, penerima):
    kotak = smtp()
    beri_tahu(penerima)
    Notifikasi.objects.update(status_email=StatusEmail.MENGIRIM, diklaim_pada=timezone.now())
    assert services.kirim_antrean() == {}  # another worker may still be sending it
    with time_machine.travel(timezone.now() + services.BATAS_MENGIRIM + timedelta(minutes=1)):
        assert services.kirim_antrean() == {StatusEmail.TERKIRIM: 1}
    assert len(kotak.pesan) == 1


def test_a_key_makes_the_notice_idempotent_per_recipient(penerima):
    lain = PenggunaFactory(username="penilai.lain")
    beri_tahu(penerima, kunci="lembar:7:ditugaskan")
    beri_tahu(penerima, kunci="lembar:7:ditugaskan")
    services.beri_tahu(
        [penerima, lain], jenis=Jenis.LEMBAR_DITUGASKAN, judul="x", isi="y", kunci="lembar:7:ditugaskan"
    )
    assert Notifikasi.objects.filter(penerima=penerima).count() == 1
    assert Notifikasi.objects.filter(penerima=lain).count() == 1


def test_preferences_turn_email_off_or_into_one_daily_digest(smtp, penerima):
    kotak = smtp()
    Preferensi.objects.create(pengguna=penerima, jenis=Jenis.LEMBAR_DITUGASKAN, email=False)
    Preferensi.objects.create(pengguna=penerima, jenis=Jenis.KLARIFIKASI_DIJAWAB, ringkasan=True)
    beri_tahu(penerima)
    beri_tahu(penerima, jenis=Jenis.KLARIFIKASI_DIJAWAB, judul="Jawaban klarifikasi I.1", tautan="/a/")
    beri_tahu(penerima, jenis=Jenis.KLARIFIKASI_DIJAWAB, judul="Jawaban klarifikasi II.3", tautan="/b/")

    assert services.kirim_antrean() == {}  # nothing to send at once
    assert sorted(status(penerima)) == [
        StatusEmail.RINGKASAN,
        StatusEmail.RINGKASAN,
        StatusEmail.TIDAK_DIMINTA,
    ]

    assert services.kirim_ringkasan() == {StatusEmail.TERKIRIM: 1}
    assert services.kirim_ringkasan() == {}  # a second run finds nothing
    ((_tujuan, pesan),) = kotak.pesan
    assert "Ringkasan harian: 2 pemberitahuan" in pesan["Subject"]
    teks = pesan.get_body(preferencelist=("plain",)).get_content()
    assert "Jawaban klarifikasi I.1" in teks
    assert "Jawaban klarifikasi II.3" in teks
    assert sorted(status(penerima)) == [StatusEmail.TERKIRIM, StatusEmail.TERKIRIM, StatusEmail.TIDAK_DIMINTA]


def test_a_failed_digest_waits_for_the_next_one(smtp, penerima):
    smtp.arahkan(port_bebas())
    Preferensi.objects.create(pengguna=penerima, jenis=Jenis.LEMBAR_DITUGASKAN, ringkasan=True)
    beri_tahu(penerima)
    assert services.kirim_ringkasan() == {StatusEmail.GAGAL: 1}
    n = Notifikasi.objects.get()
    assert n.status_email == StatusEmail.RINGKASAN
    assert n.galat_terakhir
    kotak = smtp()
    assert services.kirim_ringkasan() == {StatusEmail.TERKIRIM: 1}
    assert len(kotak.pesan) == 1
