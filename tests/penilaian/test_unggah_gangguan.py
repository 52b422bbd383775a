"""Evidence uploads when the storage fails: a full disk, an unwritable folder, an object store that drops.

Each refusal is a message beside the file that caused it (never a server error), nothing of that file is
left in the storage, the agency's quota is as before, and the files stored before it stay.
"""

import pytest
from django.urls import reverse

from penilaian.models import BuktiDukung
from penilaian.services.mandiri import kuota_terpakai

from ..penyimpanan_uji import (
    PenyimpananPenuh,
    PenyimpananPutus,
    PenyimpananTakTerhapus,
    PenyimpananTerkunci,
    pakai_penyimpanan,
    semua_berkas,
)
from . import berkas_uji
from .berkas_uji import unggahan
from .test_mandiri import galat_berkas, halaman, pesan

pytestmark = pytest.mark.django_db

TAHUN = 2030
SARAN = (
    " Berkas ini belum tersimpan dan tidak dihitung dalam kuota; berkas yang sudah tersimpan tetap aman. "
    "Coba unggah lagi nanti, dan hubungi admin BKN Award bila terus gagal."
)
PENUH = "Ruang penyimpanan server penuh." + SARAN
TERKUNCI = "Server tidak diizinkan menulis ke folder penyimpanan." + SARAN
PUTUS = "Penyimpanan berkas di server sedang bermasalah." + SARAN


@pytest.fixture
def operator(client_of, operator_a, peserta_a):
    return client_of(operator_a)


@pytest.fixture
def folder_bukti(settings):
    return settings.STORAGES["bukti"]["OPTIONS"]["location"]


def kirim(client, nama, isi, *, mengganti=None):
    """One file through the page script's endpoint."""
    data = {"berkas": unggahan(nama, isi)}
    if mengganti is not None:
        data["mengganti"] = mengganti.pk
    return client.post(reverse("mandiri:unggah_bukti", args=[TAHUN, "E1.1"]), data)


def unggah_form(client, *berkas, mengganti=None):
    """Files through the page's own form (without the script)."""
    data = {"aksi": "unggah", "berkas": [unggahan(nama, isi) for nama, isi in berkas]}
    if mengganti is not None:
        data["mengganti"] = mengganti.pk
    return client.post(halaman("E1.1"), data)


def pdf_besar(kilobita):
    """A valid PDF of about that many KB (a comment after its end), above the 1 MB kept in memory."""
    return berkas_uji.pdf("besar") + b"\n%" + b"0" * (kilobita * 1024)


@pytest.mark.parametrize(
    ("kelas", "opsi", "galat"),
    [
        (PenyimpananPenuh, {"ruang": 300}, PENUH),
        (PenyimpananTerkunci, {}, TERKUNCI),
        (PenyimpananPutus, {}, PUTUS),
    ],
    ids=["disk-penuh", "folder-terkunci", "penyimpanan-objek-putus"],
)
def test_a_storage_failure_refuses_the_file_with_the_reason_and_leaves_nothing(
    operator, peserta_a, settings, folder_bukti, kelas, opsi, galat
):
    pakai_penyimpanan(settings, "bukti", kelas, **opsi)
    kuota = kuota_terpakai(peserta_a)

    response = unggah_form(operator, ("sk.pdf", berkas_uji.pdf("sk")))

    assert response.status_code == 200
    assert galat_berkas(response) == [galat]
    assert galat in response.content.decode()
    assert not BuktiDukung.objects.exists()
    assert semua_berkas(folder_bukti) == {}
    assert kuota_terpakai(peserta_a) == kuota


def test_a_disk_filling_up_during_the_script_uploads_refuses_each_file_beside_its_name(
    operator, peserta_a, settings, folder_bukti
):
    # The incident: a first file fits, the next one fills the disk midway (786 KB written of
    # about 1.1 MB, streamed from a temporary file), and the one after starts on a full disk.
    satu = berkas_uji.pdf("satu")
    pakai_penyimpanan(settings, "bukti", PenyimpananPenuh, ruang=len(satu) + 786 * 1024)

    jawaban = [
        kirim(operator, "satu.pdf", satu),
        kirim(operator, "dua.pdf", pdf_besar(1100)),
        kirim(operator, "tiga.pdf", berkas_uji.pdf("tiga")),
    ]

    assert [r.status_code for r in jawaban] == [200, 200, 200]
    assert jawaban[0].json()["ok"] is True
    assert [r.json() for r in jawaban[1:]] == [{"ok": False, "galat": [PENUH]}] * 2
    bukti = BuktiDukung.objects.get()
    assert bukti.nama_berkas == "satu.pdf"
    # No part of "dua" (786 KB) and no empty "tiga": only the stored file, whole.
    assert semua_berkas(folder_bukti) == {bukti.lokasi: len(satu)}
    assert kuota_terpakai(peserta_a) == len(satu)


def test_a_disk_filling_up_during_a_form_post_keeps_the_files_stored_before(
    operator, peserta_a, settings, folder_bukti
):
    satu, dua = berkas_uji.pdf("satu"), berkas_uji.pdf("dua")
    pakai_penyimpanan(settings, "bukti", PenyimpananPenuh, ruang=len(satu) + len(dua) // 2)

    response = unggah_form(
        operator, ("satu.pdf", satu), ("dua.pdf", dua), ("tiga.pdf", berkas_uji.pdf("tiga"))
    )

    assert response.status_code == 200
    assert pesan(response) == ["satu.pdf terunggah."]
    assert galat_berkas(response) == [f"dua.pdf: {PENUH}", f"tiga.pdf: {PENUH}"]
    bukti = BuktiDukung.objects.get()
    assert semua_berkas(folder_bukti) == {bukti.lokasi: len(satu)}
    assert kuota_terpakai(peserta_a) == len(satu)


@pytest.mark.parametrize("lewat", ["form", "skrip"])
def test_a_replacement_the_storage_refuses_keeps_the_old_file(
    operator, peserta_a, settings, folder_bukti, lewat
):
    lama_isi = berkas_uji.pdf("lama")
    unggah_form(operator, ("lama.pdf", lama_isi))
    lama = BuktiDukung.objects.get()
    pakai_penyimpanan(settings, "bukti", PenyimpananPenuh, ruang=100)

    if lewat == "form":
        response = unggah_form(operator, ("baru.pdf", berkas_uji.pdf("baru")), mengganti=lama)
        assert response.status_code == 200
        assert response.context["ganti_gagal"] == lama.pk
        assert galat_berkas(response) == [PENUH]
    else:
        response = kirim(operator, "baru.pdf", berkas_uji.pdf("baru"), mengganti=lama)
        assert response.json() == {"ok": False, "galat": [PENUH]}

    assert list(BuktiDukung.objects.all()) == [lama]
    assert semua_berkas(folder_bukti) == {lama.lokasi: len(lama_isi)}
    assert kuota_terpakai(peserta_a) == len(lama_isi)


def test_a_file_the_storage_cannot_delete_does_not_undo_the_deletion(
    operator, peserta_a, settings, caplog, django_capture_on_commit_callbacks
):
    unggah_form(operator, ("sk.pdf", berkas_uji.pdf("sk")))
    bukti = BuktiDukung.objects.get()
    pakai_penyimpanan(settings, "bukti", PenyimpananTakTerhapus)

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(reverse("mandiri:hapus_bukti", args=[TAHUN, bukti.pk]))

    # Deleted for the agency (and out of its quota); the file left behind is logged for the admins.
    assert response.status_code == 302
    assert not BuktiDukung.objects.exists()
    assert kuota_terpakai(peserta_a) == 0
    assert f"Berkas bukti {bukti.lokasi} tidak dapat dihapus dari penyimpanan" in caplog.text


TANPA_RUANG = (
    "Server sedang tidak dapat menerima berkas (ruang penyimpanannya penuh atau tidak dapat ditulis). "
    "Tidak ada yang tersimpan dari unggahan ini; data yang sudah tersimpan tetap aman. "
    "Coba lagi beberapa saat lagi; bila berulang, hubungi admin."
)


def test_an_upload_the_server_cannot_receive_is_told_not_answered_500(operator, settings, tmp_path):
    # Django streams a large upload to FILE_UPLOAD_TEMP_DIR while reading the body, before any view.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tidak-ada")
    besar = pdf_besar(1100)

    lewat_skrip = operator.post(
        reverse("mandiri:unggah_bukti", args=[TAHUN, "E1.1"]),
        {"berkas": unggahan("besar.pdf", besar)},
        headers={"Accept": "application/json"},
    )
    lewat_form = unggah_form(operator, ("besar.pdf", besar))

    assert lewat_skrip.status_code == 503
    assert lewat_skrip.json() == {"ok": False, "galat": [TANPA_RUANG]}
    assert lewat_form.status_code == 503
    assert TANPA_RUANG in lewat_form.content.decode()
    assert not BuktiDukung.objects.exists()
    # Small uploads, kept in memory, still go through.
    assert kirim(operator, "sk.pdf", berkas_uji.pdf("sk")).json()["ok"] is True
