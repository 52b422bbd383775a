"""Certificates when rendering is interrupted: a worker that dies, a storage that fails.

After the signatory changes, no page counts or serves a certificate's old version as the current one:
the panel counts only stored versions of the current text, the verification page states the current
official data and says the certificate is being renewed, downloads wait for the new version. What a dead
worker left pending is noticed on the panel and queued again with its button, and then becomes ready.
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools
from pypdf import PdfReader

from bkn_award import antrean
from bkn_award.celery import app as celery_app
from instansi.models import Instansi
from laporan.models import Sertifikat, StatusSertifikat
from laporan.services import sertifikat as layanan_sertifikat

from ..penyimpanan_uji import (
    PenyimpananLaluMati,
    PenyimpananPenuh,
    WorkerMati,
    pakai_penyimpanan,
    semua_berkas,
)

pytestmark = pytest.mark.django_db

TAHUN = 2040
LAMA = "Dr. Contoh Penandatangan"
BARU = "Prof. Penandatangan Baru"
PESAN_ANTREAN = (
    "Antrean tugas (broker Celery) tidak dapat dihubungi, jadi piagam belum dirender. Tekan "
    "“Render ulang yang berubah” beberapa saat lagi; bila berulang, hubungi pengelola server."
)


def sertifikat_utama(peserta):
    return Sertifikat.objects.get(penghargaan__peserta=peserta, penghargaan__kategori__kode="UTAMA")


def ganti_penandatangan(client, periode, nama=BARU):
    """The admin's form on the Penetapan page, as the browser sends it."""
    return client.post(
        reverse("laporan:pengaturan_piagam", args=[TAHUN]),
        {
            "jumlah_peringkat_penghargaan": periode.jumlah_peringkat_penghargaan,
            "penandatangan_nama": nama,
            "penandatangan_jabatan": periode.penandatangan_jabatan,
            "tempat_penetapan": periode.tempat_penetapan,
        },
    )


def panel(client):
    return client.get(reverse("laporan:kemajuan_sertifikat", args=[TAHUN])).content.decode()


def render_yang_tertunda():
    """What the workers do with the queued tasks: render each pending certificate."""
    for pk in Sertifikat.objects.exclude(status=StatusSertifikat.SELESAI).values_list("pk", flat=True):
        layanan_sertifikat.render(sertifikat_id=pk)


def dikirim(callbacks):
    """How many batches of rendering tasks the request sends once it commits."""
    return sum(c.__qualname__ == "render_semua.<locals>.antrekan" for c in callbacks)


def semenit_berlalu():
    """No worker gave news for over a minute."""
    Sertifikat.objects.update(
        diperbarui=timezone.now() - layanan_sertifikat.BATAS_DIAM - timedelta(seconds=5)
    )


def teks_pdf(data):
    return " ".join(" ".join(h.extract_text() for h in PdfReader(io.BytesIO(data)).pages).split())


def unduh(client, sertifikat):
    return client.get(reverse("unduh_sertifikat", args=[sertifikat.kode]))


@pytest.fixture
def admin(client_of, admin_bkn):
    return client_of(admin_bkn)


@pytest.fixture
def publik():
    """Whoever scans the QR code: not signed in."""
    return Client()


def test_after_a_signatory_change_a_lost_render_is_never_counted_ready_and_is_queued_again(
    admin, publik, diumumkan, django_capture_on_commit_callbacks
):
    penetapan, peserta = diumumkan
    total = Sertifikat.objects.count()
    sertifikat = sertifikat_utama(peserta["A"])
    assert f"{total} dari {total} piagam siap" in panel(admin)

    # The change queues every certificate; the tasks never run (the worker was killed with them).
    with django_capture_on_commit_callbacks() as antrean:
        response = ganti_penandatangan(admin, penetapan.periode)
    assert response.status_code == 302
    assert dikirim(antrean) == 1  # the tasks are sent once the change is committed

    assert set(Sertifikat.objects.values_list("status", flat=True)) == {StatusSertifikat.ANTRE}
    html = panel(admin)
    assert f"0 dari {total} piagam siap" in html
    assert f"{total} piagam menunggu atau sedang dirender" in html
    assert "tertahan" not in html
    # Nothing serves the old version as current: the public verification states the current data...
    verifikasi = publik.get(reverse("verifikasi", args=[sertifikat.kode])).content.decode()
    assert BARU in verifikasi
    assert LAMA not in verifikasi
    assert "Piagam ini sedang diperbarui." in verifikasi
    # ...and the old PDF is no longer handed out, not even to the admin.
    assert unduh(admin, sertifikat).status_code == 404

    # A minute without news: the panel says so, with its button.
    semenit_berlalu()
    html = panel(admin)
    assert f"{total} piagam tertahan: lebih dari satu menit tanpa kemajuan dari worker" in html
    assert "Antrekan ulang piagam yang tertahan" in html
    assert reverse("laporan:render_ulang", args=[TAHUN]) in html

    # The button queues them again; a worker renders them.
    with django_capture_on_commit_callbacks() as antrean:
        response = admin.post(reverse("laporan:render_ulang", args=[TAHUN]), follow=True)
    assert dikirim(antrean) == 1
    assert "tertahan" not in panel(admin)
    render_yang_tertunda()

    html = panel(admin)
    assert f"{total} dari {total} piagam siap" in html
    assert "menunggu" not in html
    verifikasi = publik.get(reverse("verifikasi", args=[sertifikat.kode])).content.decode()
    assert BARU in verifikasi
    assert "sedang diperbarui" not in verifikasi
    response = unduh(admin, sertifikat)
    assert response.status_code == 200
    teks = teks_pdf(b"".join(response.streaming_content))
    assert BARU in teks
    assert LAMA not in teks
    sertifikat.refresh_from_db()
    assert (sertifikat.versi, sertifikat.status) == (2, StatusSertifikat.SELESAI)


def test_a_worker_killed_between_writing_and_recording_leaves_the_old_version_and_no_served_orphan(
    admin, publik, settings, diumumkan
):
    penetapan, peserta = diumumkan
    sertifikat = sertifikat_utama(peserta["A"])
    folder = Path(settings.STORAGES["sertifikat"]["OPTIONS"]["location"])
    v1 = sertifikat.lokasi
    periode = penetapan.periode
    periode.penandatangan_nama = BARU
    periode.save()

    # The worker writes version 2's whole file, then dies before the row refers to it.
    pakai_penyimpanan(settings, "sertifikat", PenyimpananLaluMati)
    with pytest.raises(WorkerMati):
        layanan_sertifikat.render(sertifikat_id=sertifikat.pk)

    sertifikat.refresh_from_db()
    assert (sertifikat.status, sertifikat.versi, sertifikat.lokasi) == (StatusSertifikat.BERJALAN, 1, v1)
    yatim = set(semua_berkas(folder)) - {s.lokasi for s in Sertifikat.objects.all()}
    v2 = v1.replace("-v1.pdf", "-v2.pdf")
    assert yatim == {v2}  # written, referred to by nothing, so served by nothing
    assert unduh(admin, sertifikat).status_code == 404
    verifikasi = publik.get(reverse("verifikasi", args=[sertifikat.kode])).content.decode()
    assert "Piagam ini sedang diperbarui." in verifikasi
    assert LAMA not in verifikasi
    kemajuan = layanan_sertifikat.kemajuan(penetapan=penetapan)
    assert (kemajuan.belum, kemajuan.tertahan) == (1, 0)
    # Still "being rendered" a minute later: its worker is gone.
    Sertifikat.objects.filter(pk=sertifikat.pk).update(diperbarui=timezone.now() - timedelta(minutes=2))
    kemajuan = layanan_sertifikat.kemajuan(penetapan=penetapan)
    assert (kemajuan.belum, kemajuan.tertahan) == (1, 1)
    assert "1 piagam tertahan" in panel(admin)

    # Queued again (the panel's button) and rendered: version 2 goes where the orphan was, whole.
    pakai_penyimpanan(settings, "sertifikat", FileSystemStorage)
    admin.post(reverse("laporan:render_ulang", args=[TAHUN]))
    assert layanan_sertifikat.render(sertifikat_id=sertifikat.pk) == "baru"

    sertifikat.refresh_from_db()
    assert (sertifikat.status, sertifikat.versi) == (StatusSertifikat.SELESAI, 2)
    assert sertifikat.lokasi == v2
    assert [v["lokasi"] for v in sertifikat.riwayat_versi] == [v1]
    assert BARU in teks_pdf((folder / sertifikat.lokasi).read_bytes())
    # One file per version: the retry overwrote the orphan rather than adding a third file.
    assert set(semua_berkas(folder)) == {s.lokasi for s in Sertifikat.objects.all()} | {v1}


def test_a_full_disk_fails_the_certificate_with_the_reason_and_it_can_be_retried(admin, settings, disetujui):
    penetapan, peserta = disetujui
    sertifikat = sertifikat_utama(peserta["A"])
    folder = settings.STORAGES["sertifikat"]["OPTIONS"]["location"]
    periode = penetapan.periode
    periode.penandatangan_nama = BARU
    periode.save()
    sebelum = semua_berkas(folder)

    pakai_penyimpanan(settings, "sertifikat", PenyimpananPenuh, ruang=2000)
    with pytest.raises(layanan_sertifikat.PenyimpananGagal):
        layanan_sertifikat.render(sertifikat_id=sertifikat.pk)

    sertifikat.refresh_from_db()
    alasan = (
        "Ruang penyimpanan server penuh. Berkas piagam tidak dapat disimpan; versi sebelumnya (bila ada) "
        "tidak berubah."
    )
    assert (sertifikat.status, sertifikat.versi, sertifikat.pesan_galat) == (
        StatusSertifikat.GAGAL,
        1,
        alasan,
    )
    # No partial PDF: the folder is as before, version 1 whole.
    assert semua_berkas(folder) == sebelum
    html = panel(admin)
    assert "1 gagal" in html
    assert f"{sertifikat.nomor}</span> (Pemerintah Kabupaten A): {alasan}" in html
    assert "tekan “Render ulang yang berubah” untuk mencoba lagi" in html

    # Space freed; the admin retries from the panel.
    pakai_penyimpanan(settings, "sertifikat", FileSystemStorage)
    admin.post(reverse("laporan:render_ulang", args=[TAHUN]))
    sertifikat.refresh_from_db()
    assert (sertifikat.status, sertifikat.pesan_galat) == (StatusSertifikat.ANTRE, "")
    render_yang_tertunda()

    sertifikat.refresh_from_db()
    assert (sertifikat.status, sertifikat.versi) == (StatusSertifikat.SELESAI, 2)
    assert "gagal" not in panel(admin)


def test_a_text_changed_elsewhere_is_not_ready_and_its_agency_waits_for_the_new_version(
    admin, client_of, operator_kab_a, diumumkan
):
    _penetapan, peserta = diumumkan
    total = Sertifikat.objects.count()
    instansi = peserta["A"].instansi
    Instansi.objects.filter(pk=instansi.pk).update(nama="Pemerintah Kabupaten A Baru")
    berubah = Sertifikat.objects.filter(penghargaan__peserta=peserta["A"]).count()

    html = panel(admin)
    assert f"{total - berubah} dari {total} piagam siap" in html
    assert f"{berubah} piagam isinya berubah dan belum dirender ulang" in html
    halaman = client_of(operator_kab_a).get(reverse("hasil", args=[TAHUN]))
    assert [s.terkini for s in halaman.context["sertifikat_list"]] == [False] * berubah
    assert (
        "Piagam sedang disiapkan; tautan unduhnya muncul setelah versi terbarunya siap."
        in halaman.content.decode()
    )
    assert unduh(client_of(operator_kab_a), sertifikat_utama(peserta["A"])).status_code == 404


@pytest.fixture
def broker_mati(monkeypatch):
    """Celery's broker where nothing listens (connection refused), with production's short timeouts."""
    conf = celery_app.conf
    tersimpan = conf.get("broker_url"), conf.get("broker_transport_options")
    mati = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    monkeypatch.setenv("CELERY_BROKER_URL", mati)  # Celery prefers it to its setting
    conf.broker_url = mati
    conf.broker_transport_options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    _lupakan_koneksi_celery()
    yield
    conf.broker_url, conf.broker_transport_options = tersimpan
    _lupakan_koneksi_celery()
    antrean.pulihkan()  # this process would otherwise leave the broker alone for a few seconds more


def _lupakan_koneksi_celery():
    """Celery and kombu keep their connection pools per process: new ones for the new broker."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_cannot_take_the_tasks_fails_the_certificates_at_once_with_the_reason(
    broker_mati, admin, disetujui
):
    penetapan, _peserta = disetujui
    total = Sertifikat.objects.count()
    periode = penetapan.periode
    periode.penandatangan_nama = BARU
    periode.save()
    antrean.pulihkan()

    response = admin.post(reverse("laporan:render_ulang", args=[TAHUN]), follow=True)

    pesan = [str(m) for m in response.context["messages"]]
    assert pesan == [PESAN_ANTREAN]
    # Failed with the reason, not left "queued" for a task that was never sent.
    assert set(Sertifikat.objects.values_list("status", "pesan_galat")) == {
        (StatusSertifikat.GAGAL, PESAN_ANTREAN)
    }
    html = panel(admin)
    assert f"0 dari {total} piagam siap" in html
    assert f"{total} gagal" in html
    assert "menunggu" not in html
