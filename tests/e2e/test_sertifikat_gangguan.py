"""Certificates whose rendering tasks were lost with their worker, in a real browser with a real Celery worker:
the panel says they are held up and its button queues them again.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bkn_award.celery import app
from laporan import services
from laporan.models import Sertifikat

from .test_penetapan import penetapan_siap  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def antrean_hilang(settings):
    """A queue no worker reads: tasks sent there are lost, as with a worker killed while holding them."""
    nama = f"uji-hilang-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = nama
    yield nama
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(nama)


@pytest.fixture
def disetujui_tanpa_worker(penetapan_siap, admin_bkn, antrean_hilang):  # noqa: F811
    """BKN Award 2040 approved; its certificates' tasks lost, and no news from a worker for two minutes."""
    periode, snapshot_id, _operator = penetapan_siap
    penetapan = services.buat_penetapan(
        periode=periode, snapshot=periode.snapshot.get(pk=snapshot_id), jumlah_peringkat=3, oleh=admin_bkn
    )
    services.setujui(penetapan=penetapan, oleh=admin_bkn)
    Sertifikat.objects.update(diperbarui=timezone.now() - timedelta(minutes=2))
    return Sertifikat.objects.count()


def test_certificates_held_up_by_a_lost_worker_are_queued_again_from_the_panel(
    page, masuk, admin_bkn, disetujui_tanpa_worker, jalankan_worker
):
    jumlah = disetujui_tanpa_worker
    masuk(admin_bkn)

    page.goto("/peringkat/2040/penetapan/")
    kemajuan = page.get_by_test_id("kemajuan-sertifikat")
    expect(kemajuan).to_contain_text(f"0 dari {jumlah} piagam siap")
    tertahan = kemajuan.get_by_test_id("piagam-tertahan")
    expect(tertahan).to_contain_text(
        f"{jumlah} piagam tertahan: lebih dari satu menit tanpa kemajuan dari worker"
    )

    # A worker is back; the admin presses the panel's button.
    worker = jalankan_worker()
    tertahan.get_by_role("button", name="Antrekan ulang piagam yang tertahan").click()
    expect(page.get_by_text(f"{jumlah} piagam diperiksa ulang;")).to_be_visible()
    try:  # the panel polls every 2 s
        expect(kemajuan).to_contain_text(f"{jumlah} dari {jumlah} piagam siap", timeout=60_000)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nWorker:\n{''.join(worker.keluaran[-30:])}") from None
    expect(kemajuan.get_by_test_id("piagam-tertahan")).to_have_count(0)
    expect(kemajuan).not_to_contain_text("gagal")
    # Each award's row now links its certificate's new version.
    page.reload()
    expect(page.get_by_test_id("daftar-pemenang").get_by_role("link", name="/PIAGAM/")).to_have_count(jumlah)
