"""Self-assessment: answers, evidence uploads and every bad input, deadlines, submission, reopening."""

import hashlib
import re
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from penilaian import queries, services
from penilaian.models import BuktiDukung, JawabanMandiri, PembukaanKembali, Tahap

from ..factories import PeriodeFactory
from . import berkas_uji
from .berkas_uji import unggahan

pytestmark = pytest.mark.django_db

TAHUN = 2030


def halaman(kode):
    return reverse("mandiri:indikator", args=[TAHUN, kode])


def unggah(client, kode, nama, isi, syarat=None, mengganti=None):
    data = {"aksi": "unggah", "berkas": unggahan(nama, isi)}
    if syarat is not None:
        data["syarat"] = syarat.pk
    if mengganti is not None:
        data["mengganti"] = mengganti.pk
    return client.post(halaman(kode), data)


def galat_berkas(response):
    return response.context["unggah_form"].errors.get("berkas", [])


def pesan(response):
    return [str(m) for m in response.context["messages"]]


def tersimpan():
    """Every file in the evidence storage."""
    storage = storages["bukti"]
    hasil = []

    def jelajah(folder):
        folders, files = storage.listdir(folder) if storage.exists(folder) else ([], [])
        hasil.extend(f"{folder}/{f}".lstrip("/") for f in files)
        for sub in folders:
            jelajah(f"{folder}/{sub}".lstrip("/"))

    jelajah("")
    return sorted(hasil)


@pytest.fixture
def operator(client_of, operator_a, peserta_a):
    return client_of(operator_a)


@pytest.fixture
def e11(periode_mandiri):
    return periode_mandiri.indikator.prefetch_related("syarat_bukti", "rubrik").get(kode="E1.1")


def lengkapi(peserta, oleh, kecuali=()):
    """Answer every indicator and upload every required document, except the indicators in ``kecuali``."""
    for indikator in peserta.periode.indikator.prefetch_related("syarat_bukti"):
        if indikator.kode in kecuali:
            continue
        services.simpan_jawaban(
            peserta=peserta, indikator=indikator, level=3, penjelasan="Sesuai.", oleh=oleh
        )
        for syarat in indikator.syarat_bukti.all():
            services.unggah_bukti(
                peserta=peserta,
                indikator=indikator,
                berkas=unggahan("bukti.pdf", berkas_uji.pdf(f"{indikator.kode}-{syarat.pk}")),
                syarat=syarat,
                oleh=oleh,
            )


# Answers


def test_operator_answers_an_indicator(operator, peserta_a, e11):
    response = operator.post(
        halaman("E1.1"),
        {"aksi": "jawaban", "level": 3, "penjelasan": "ANJAB-ABK 92% jabatan.", "versi": 0},
        follow=True,
    )

    assert "Jawaban indikator E1.1 tersimpan." in pesan(response)
    jawaban = JawabanMandiri.objects.get(peserta=peserta_a, indikator=e11)
    assert (jawaban.level, jawaban.penjelasan) == (3, "ANJAB-ABK 92% jabatan.")


def test_a_level_outside_the_rubric_is_refused(operator, peserta_a):
    response = operator.post(halaman("E1.1"), {"aksi": "jawaban", "level": 7, "penjelasan": "", "versi": 0})

    assert response.context["jawaban_form"].errors["level"]
    assert not JawabanMandiri.objects.exists()


# Uploads, good and bad


@pytest.mark.parametrize(
    ("nama", "isi", "jenis"),
    [
        ("SK ANJAB.pdf", berkas_uji.pdf(), "pdf"),
        ("foto.JPG", berkas_uji.jpg(), "jpg"),
        ("tangkapan.png", berkas_uji.png(), "png"),
        ("rekap.xlsx", berkas_uji.xlsx(), "xlsx"),
        ("laporan.docx", berkas_uji.docx(), "docx"),
    ],
)
def test_accepted_types_are_stored_privately(operator, peserta_a, e11, settings, nama, isi, jenis):
    syarat = e11.syarat_bukti.first()

    response = unggah(operator, "E1.1", nama, isi, syarat=syarat)

    assert response.status_code == 302
    bukti = BuktiDukung.objects.get(peserta=peserta_a)
    assert (bukti.nama_berkas, bukti.jenis, bukti.ukuran, bukti.syarat) == (nama, jenis, len(isi), syarat)
    assert bukti.sha256 == hashlib.sha256(isi).hexdigest()
    # A random name under the private root, not the uploaded one, and never under static or media.
    assert bukti.lokasi.startswith(f"{TAHUN}/{peserta_a.instansi_id}/")
    assert nama not in bukti.lokasi
    path = storages["bukti"].path(bukti.lokasi)
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    with open(path, "rb") as f:
        assert f.read() == isi


@pytest.mark.parametrize(
    ("nama", "isi", "galat"),
    [
        (
            "laporan.pdf",
            berkas_uji.EXE,
            "Isi berkas bukan PDF walaupun namanya berakhiran .pdf. Berkas ditolak.",
        ),
        ("kosong.pdf", b"", "Berkas kosong (0 bita). Pilih berkas yang berisi dokumen."),
        (
            "rusak.pdf",
            berkas_uji.PDF_RUSAK,
            "Berkas PDF ini rusak atau tidak dapat dibuka. Periksa berkasnya lalu unggah ulang.",
        ),
        (
            "program.exe",
            berkas_uji.EXE,
            "Jenis berkas tidak diizinkan. Unggah PDF, JPG, PNG, XLSX atau DOCX.",
        ),
        ("catatan.txt", b"teks biasa", "Jenis berkas tidak diizinkan. Unggah PDF, JPG, PNG, XLSX atau DOCX."),
        (
            "laporan.xlsx",
            berkas_uji.docx(),
            "Isi berkas bukan Excel (XLSX) walaupun namanya berakhiran .xlsx. Berkas ditolak.",
        ),
        (
            "gambar.png",
            berkas_uji.jpg(),
            "Isi berkas bukan PNG walaupun namanya berakhiran .png. Berkas ditolak.",
        ),
        (
            "potongan.png",
            berkas_uji.png()[:40],
            "Berkas PNG ini rusak atau tidak dapat dibuka. Periksa berkasnya lalu unggah ulang.",
        ),
    ],
)
def test_bad_files_are_refused_next_to_the_field(operator, peserta_a, nama, isi, galat):
    response = unggah(operator, "E1.1", nama, isi)

    assert response.status_code == 200
    assert galat_berkas(response) == [galat]
    assert galat in response.content.decode().replace("&#x27;", "'")
    assert not BuktiDukung.objects.exists()
    assert tersimpan() == []


def test_a_file_over_the_limit_is_refused(operator, settings):
    settings.BUKTI_MAKS_MB = 1
    besar = berkas_uji.pdf() + b"\n%" + b"0" * (1024 * 1024 + 10)

    response = unggah(operator, "E1.1", "besar.pdf", besar)

    assert galat_berkas(response) == ["Berkas terlalu besar (1,0 MB); batasnya 1 MB per berkas."]
    assert tersimpan() == []


def test_a_locked_pdf_is_refused(operator):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("rahasia")
    buffer = BytesIO()
    writer.write(buffer)

    response = unggah(operator, "E1.1", "terkunci.pdf", buffer.getvalue())

    assert galat_berkas(response) == [
        "PDF ini dikunci dengan kata sandi. Unggah versi tanpa kata sandi agar penilai dapat membacanya."
    ]


@pytest.mark.parametrize(
    ("nama", "tampil"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\laporan.pdf", "laporan.pdf"),
        ("Лист оценки 文件.pdf", "Лист оценки 文件.pdf"),
        ("nama\x00aneh\n.pdf", "namaaneh.pdf"),
        ("  .laporan.pdf", "laporan.pdf"),
    ],
)
def test_names_are_sanitised_and_kept_for_display(operator, operator_a, peserta_a, nama, tampil):
    isi = berkas_uji.pdf(nama)

    unggah(operator, "E1.1", nama, isi)

    bukti = BuktiDukung.objects.get(peserta=peserta_a)
    assert bukti.nama_berkas == tampil
    assert ".." not in bukti.lokasi
    unduhan = operator.get(reverse("bukti", args=[bukti.pk]))
    assert b"".join(unduhan.streaming_content) == isi
    assert "attachment" in unduhan["Content-Disposition"]


def test_non_latin_names_download_with_an_encoded_filename(operator, peserta_a):
    unggah(operator, "E1.1", "Лист.pdf", berkas_uji.pdf())

    unduhan = operator.get(reverse("bukti", args=[BuktiDukung.objects.get().pk]))

    assert unduhan["Content-Disposition"] == "attachment; filename*=utf-8''%D0%9B%D0%B8%D1%81%D1%82.pdf"
    assert unduhan["Content-Type"] == "application/pdf"


def test_the_same_file_twice_on_one_indicator_is_refused(operator, peserta_a):
    isi = berkas_uji.pdf("sama")
    unggah(operator, "E1.1", "pertama.pdf", isi)

    kedua = unggah(operator, "E1.1", "kedua.pdf", isi)

    assert galat_berkas(kedua) == ["Berkas yang sama sudah diunggah untuk indikator ini (pertama.pdf)."]
    assert BuktiDukung.objects.count() == 1
    assert len(tersimpan()) == 1
    # On another indicator the same document is legitimate evidence.
    assert unggah(operator, "E1.2", "pertama.pdf", isi).status_code == 302
    assert BuktiDukung.objects.count() == 2


def test_a_double_click_on_upload_stores_one_file(operator, peserta_a):
    isi = berkas_uji.pdf("klik-ganda")

    responses = [unggah(operator, "E1.1", "sk.pdf", isi) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 200]
    assert BuktiDukung.objects.count() == 1
    assert len(tersimpan()) == 1


def test_a_failed_replacement_keeps_the_old_file(operator, peserta_a, e11):
    syarat = e11.syarat_bukti.first()
    unggah(operator, "E1.1", "lama.pdf", berkas_uji.pdf("lama"), syarat=syarat)
    lama = BuktiDukung.objects.get()

    response = unggah(operator, "E1.1", "baru.pdf", berkas_uji.EXE, mengganti=lama)

    assert response.context["ganti_gagal"] == lama.pk
    assert galat_berkas(response) == [
        "Isi berkas bukan PDF walaupun namanya berakhiran .pdf. Berkas ditolak."
    ]
    assert list(BuktiDukung.objects.all()) == [lama]
    assert tersimpan() == [lama.lokasi]


def test_a_replacement_takes_the_old_files_place(
    operator, peserta_a, e11, django_capture_on_commit_callbacks
):
    syarat = e11.syarat_bukti.first()
    unggah(operator, "E1.1", "lama.pdf", berkas_uji.pdf("lama"), syarat=syarat)
    lama = BuktiDukung.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = unggah(operator, "E1.1", "baru.pdf", berkas_uji.pdf("baru"), mengganti=lama)

    assert response.status_code == 302
    baru = BuktiDukung.objects.get()
    assert (baru.nama_berkas, baru.syarat) == ("baru.pdf", syarat)
    assert tersimpan() == [baru.lokasi]


def test_the_agency_quota_is_enforced(operator, settings):
    settings.BUKTI_KUOTA_MB = 0

    response = unggah(operator, "E1.1", "sk.pdf", berkas_uji.pdf())

    assert galat_berkas(response) == [
        "Kuota penyimpanan instansi (0 MB) akan terlampaui. Hapus berkas yang tidak diperlukan."
    ]
    assert tersimpan() == []


def test_large_uploads_are_streamed_to_disk(operator, peserta_a, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    isi = berkas_uji.pdf("besar", halaman=30)
    assert len(isi) > 1024

    assert unggah(operator, "E1.1", "besar.pdf", isi).status_code == 302

    bukti = BuktiDukung.objects.get()
    assert bukti.sha256 == hashlib.sha256(isi).hexdigest()


def test_delete_a_file(operator, peserta_a, django_capture_on_commit_callbacks):
    unggah(operator, "E1.1", "sk.pdf", berkas_uji.pdf())
    bukti = BuktiDukung.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(reverse("mandiri:hapus_bukti", args=[TAHUN, bukti.pk]), follow=True)

    assert "sk.pdf dihapus." in pesan(response)
    assert not BuktiDukung.objects.exists()
    assert tersimpan() == []


# Progress and submission


def test_progress_moves_with_answers_and_evidence(operator_a, peserta_a, e11):
    awal = queries.kemajuan_peserta(peserta_a)
    assert (awal.dijawab, awal.syarat_terpenuhi, awal.total_indikator, awal.syarat_total, awal.persen) == (
        0,
        0,
        28,
        87,
        0,
    )

    services.simpan_jawaban(peserta=peserta_a, indikator=e11, level=2, penjelasan="", oleh=operator_a)
    for syarat in e11.syarat_bukti.all():
        services.unggah_bukti(
            peserta=peserta_a,
            indikator=e11,
            berkas=unggahan("b.pdf", berkas_uji.pdf(str(syarat.pk))),
            syarat=syarat,
            oleh=operator_a,
        )

    kemajuan = queries.kemajuan_peserta(peserta_a)
    assert (kemajuan.dijawab, kemajuan.syarat_terpenuhi, kemajuan.persen) == (1, 3, round(100 * 4 / 115))
    syarat_e1 = sum(i.syarat_bukti.count() for i in peserta_a.periode.indikator.filter(elemen__kode="E1"))
    assert kemajuan.elemen[0].persen == round(100 * 4 / (7 + syarat_e1))
    assert kemajuan.semua_indikator[0].lengkap


def test_submission_needs_every_item(operator, operator_a, peserta_a):
    lengkapi(peserta_a, operator_a, kecuali={"E4.7"})

    response = operator.post(reverse("mandiri:kirim", args=[TAHUN]), follow=True)

    assert pesan(response) == [
        "1 indikator belum dijawab: E4.7.",
        "3 bukti wajib belum diunggah, antara lain pada indikator E4.7.",
    ]
    peserta_a.refresh_from_db()
    assert peserta_a.dikirim_pada is None


def test_after_submission_everything_is_read_only(operator, operator_a, peserta_a, e11):
    lengkapi(peserta_a, operator_a)
    response = operator.post(reverse("mandiri:kirim", args=[TAHUN]), follow=True)
    assert (
        "Penilaian mandiri Pemerintah Kabupaten Alfa terkirim. Terima kasih; isian kini hanya dapat dibaca."
        in (pesan(response))
    )
    peserta_a.refresh_from_db()
    assert peserta_a.dikirim_oleh == operator_a
    bukti = BuktiDukung.objects.filter(peserta=peserta_a).first()
    sebelum = tersimpan()

    jawab = operator.post(halaman("E1.1"), {"aksi": "jawaban", "level": 0, "penjelasan": "ubah", "versi": 1})
    baru = unggah(operator, "E1.1", "susulan.pdf", berkas_uji.pdf("susulan"))
    hapus = operator.post(reverse("mandiri:hapus_bukti", args=[TAHUN, bukti.pk]), follow=True)

    terkunci = "Penilaian mandiri sudah dikirim pada"
    assert terkunci in str(jawab.context["jawaban_form"].non_field_errors())
    assert terkunci in galat_berkas(baru)[0]
    assert any(terkunci in p for p in pesan(hapus))
    assert JawabanMandiri.objects.get(peserta=peserta_a, indikator=e11).level == 3
    assert tersimpan() == sebelum
    page = operator.get(halaman("E1.1")).content.decode()
    assert 'data-testid="form-jawaban"' not in page
    assert 'data-testid="form-unggah"' not in page


def test_a_double_click_on_kirim_submits_once(operator, operator_a, peserta_a):
    lengkapi(peserta_a, operator_a)
    operator.post(reverse("mandiri:kirim", args=[TAHUN]))
    pertama = type(peserta_a).objects.get(pk=peserta_a.pk).dikirim_pada

    response = operator.post(reverse("mandiri:kirim", args=[TAHUN]), follow=True)

    assert "Penilaian mandiri sudah dikirim sebelumnya." in pesan(response)
    assert type(peserta_a).objects.get(pk=peserta_a.pk).dikirim_pada == pertama


@pytest.fixture
def lewat_tenggat(periode_mandiri):
    jadwal = periode_mandiri.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI)
    jadwal.selesai = timezone.now() - timedelta(minutes=1)
    jadwal.save()
    return jadwal


def test_after_the_deadline_the_server_refuses_every_change(operator, operator_a, peserta_a, e11):
    services.simpan_jawaban(peserta=peserta_a, indikator=e11, level=2, penjelasan="awal", oleh=operator_a)
    unggah(operator, "E1.1", "sk.pdf", berkas_uji.pdf())
    bukti = BuktiDukung.objects.get()
    jadwal = peserta_a.periode.jadwal.get(tahap=Tahap.PENILAIAN_MANDIRI)
    jadwal.selesai = timezone.now() - timedelta(minutes=1)
    jadwal.save()

    jawab = operator.post(
        halaman("E1.1"), {"aksi": "jawaban", "level": 4, "penjelasan": "terlambat", "versi": 1}
    )
    baru = unggah(operator, "E1.1", "susulan.pdf", berkas_uji.pdf("susulan"))
    hapus = operator.post(reverse("mandiri:hapus_bukti", args=[TAHUN, bukti.pk]), follow=True)
    kirim = operator.post(reverse("mandiri:kirim", args=[TAHUN]), follow=True)

    lewat = "Batas waktu penilaian mandiri"
    assert lewat in str(jawab.context["jawaban_form"].non_field_errors())
    assert lewat in galat_berkas(baru)[0]
    assert any(lewat in p for p in pesan(hapus))
    assert any(lewat in p for p in pesan(kirim))
    assert JawabanMandiri.objects.get().penjelasan == "awal"
    assert list(BuktiDukung.objects.all()) == [bukti]
    assert tersimpan() == [bukti.lokasi]


def test_admin_reopens_one_agency_with_a_logged_reason(
    client_of, admin_bkn, operator_a, peserta_a, peserta_b, lewat_tenggat, e11
):
    client = client_of(admin_bkn)
    url = reverse("penilaian:buka_kembali", args=[TAHUN, peserta_a.instansi.kode])
    tenggat = timezone.localtime() + timedelta(days=2)

    tanpa_alasan = client.post(url, {"alasan": "", "tenggat": tenggat.strftime("%Y-%m-%dT%H:%M")})
    assert tanpa_alasan.context["buka_form"].errors["alasan"]
    response = client.post(
        url,
        {"alasan": "Server BKD padam saat batas waktu.", "tenggat": tenggat.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )

    assert "Penilaian mandiri Pemerintah Kabupaten Alfa dibuka kembali." in pesan(response)
    log = PembukaanKembali.objects.get()
    assert (log.peserta, log.oleh, log.alasan) == (peserta_a, admin_bkn, "Server BKD padam saat batas waktu.")
    peserta_a.refresh_from_db()
    assert services.alasan_terkunci(peserta_a) is None
    services.simpan_jawaban(peserta=peserta_a, indikator=e11, level=4, penjelasan="susulan", oleh=operator_a)
    # Only that agency.
    peserta_b.refresh_from_db()
    assert "Batas waktu penilaian mandiri" in services.alasan_terkunci(peserta_b)


def test_reopening_needs_a_future_deadline(admin_bkn, peserta_a):
    with pytest.raises(ValidationError, match="Tenggat baru harus di masa depan"):
        services.buka_kembali(
            peserta=peserta_a, alasan="x", tenggat_baru=timezone.now() - timedelta(hours=1), oleh=admin_bkn
        )


def test_nothing_can_change_before_self_assessment_opens(operator_a, periode_siap, instansi_a):
    peserta = periode_siap.peserta.get(instansi=instansi_a)

    with pytest.raises(ValidationError, match="belum dibuka"):
        services.simpan_jawaban(
            peserta=peserta, indikator=periode_siap.indikator.first(), level=1, penjelasan="", oleh=operator_a
        )


# Permissions


def test_another_agency_gets_404_for_files_and_their_actions(
    client_of, operator, operator_b, peserta_a, peserta_b
):
    unggah(operator, "E1.1", "rahasia.pdf", berkas_uji.pdf("rahasia"))
    bukti = BuktiDukung.objects.get()
    lain = client_of(operator_b)

    assert lain.get(reverse("bukti", args=[bukti.pk])).status_code == 404
    assert lain.post(reverse("mandiri:hapus_bukti", args=[TAHUN, bukti.pk])).status_code == 404
    assert (
        lain.post(
            halaman("E1.1"),
            {"aksi": "unggah", "mengganti": bukti.pk, "berkas": unggahan("x.pdf", berkas_uji.pdf("x"))},
        )
        .context["unggah_form"]
        .errors["mengganti"]
    )
    assert BuktiDukung.objects.filter(pk=bukti.pk).exists()
    # Operator B's own pages show only B.
    assert lain.get(reverse("mandiri:ringkasan", args=[TAHUN])).context["peserta"] == peserta_b


@pytest.mark.parametrize("persona", ["penilai", "operator_b"])
def test_files_are_not_for_other_roles(client_of, request, operator, peserta_a, persona):
    unggah(operator, "E1.1", "rahasia.pdf", berkas_uji.pdf("rahasia"))
    bukti = BuktiDukung.objects.get()

    assert (
        client_of(request.getfixturevalue(persona)).get(reverse("bukti", args=[bukti.pk])).status_code == 404
    )


def test_anonymous_users_go_to_login(client, operator, peserta_a):
    unggah(operator, "E1.1", "rahasia.pdf", berkas_uji.pdf("rahasia"))
    bukti = BuktiDukung.objects.get()
    client.logout()

    for url in [
        reverse("bukti", args=[bukti.pk]),
        reverse("mandiri:ringkasan", args=[TAHUN]),
        halaman("E1.1"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_operator_of_a_non_participant_gets_404(client_of, periode_mandiri):
    from ..factories import OperatorFactory

    luar = OperatorFactory(username="operator.luar")

    assert client_of(luar).get(reverse("mandiri:ringkasan", args=[TAHUN])).status_code == 404


@pytest.mark.parametrize("persona", ["admin_bkn", "ketua", "penilai"])
def test_self_assessment_pages_are_for_operators(client_of, request, persona, periode_mandiri):
    assert (
        client_of(request.getfixturevalue(persona))
        .get(reverse("mandiri:ringkasan", args=[TAHUN]))
        .status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["ketua", "penilai", "operator_a"])
def test_the_completion_overview_is_for_admins(client_of, request, persona, peserta_a):
    client = client_of(request.getfixturevalue(persona))

    assert client.get(reverse("penilaian:pengisian", args=[TAHUN])).status_code == 403
    assert (
        client.get(reverse("penilaian:pengisian_zip", args=[TAHUN, peserta_a.instansi.kode])).status_code
        == 403
    )


def test_admin_downloads_any_file_and_the_sendfile_mode(client_of, admin_bkn, operator, peserta_a, settings):
    isi = berkas_uji.pdf("admin")
    unggah(operator, "E1.1", "sk.pdf", isi)
    bukti = BuktiDukung.objects.get()
    client = client_of(admin_bkn)

    assert b"".join(client.get(reverse("bukti", args=[bukti.pk])).streaming_content) == isi
    settings.BUKTI_SENDFILE = "x-accel-redirect"
    response = client.get(reverse("bukti", args=[bukti.pk]))
    assert response["X-Accel-Redirect"] == f"/_bukti_internal/{bukti.lokasi}"
    assert response.content == b""


# The admin's overview


def test_overview_counts_agencies_per_status(client_of, admin_bkn, operator_a, peserta_a, peserta_b, e11):
    services.simpan_jawaban(peserta=peserta_a, indikator=e11, level=2, penjelasan="", oleh=operator_a)

    response = client_of(admin_bkn).get(reverse("penilaian:pengisian", args=[TAHUN]))

    assert [(kode, n) for kode, _label, n in response.context["per_status"]] == [
        ("belum_mulai", 1),
        ("mengisi", 1),
        ("dikirim", 0),
    ]
    baris = {p.instansi.nama: (p.status_pengisian, p.jumlah_dijawab) for p in response.context["page"]}
    assert baris == {
        "Pemerintah Kabupaten Alfa": ("mengisi", 1),
        "Pemerintah Kabupaten Beta": ("belum_mulai", 0),
    }
    hanya_mengisi = client_of(admin_bkn).get(
        reverse("penilaian:pengisian", args=[TAHUN]), {"status": "mengisi"}
    )
    assert [p.instansi.nama for p in hanya_mengisi.context["page"]] == ["Pemerintah Kabupaten Alfa"]


@pytest.mark.parametrize("jumlah", [2, 12])
def test_overview_query_count_does_not_grow(
    client_of, admin_bkn, periode_siap, django_assert_num_queries, jumlah
):
    from ..factories import InstansiFactory

    InstansiFactory.create_batch(jumlah)
    services.tetapkan_peserta(periode=periode_siap, jenis=["kabupaten"])
    services.maju_tahap(periode=periode_siap, dari=Tahap.PERSIAPAN, oleh=admin_bkn)
    client = client_of(admin_bkn)

    with django_assert_num_queries(11):
        assert client.get(reverse("penilaian:pengisian", args=[TAHUN])).status_code == 200


def test_admin_downloads_an_agencys_evidence_as_one_streamed_zip(client_of, admin_bkn, operator, peserta_a):
    satu, dua = berkas_uji.pdf("satu"), berkas_uji.xlsx("dua")
    unggah(operator, "E1.1", "sk.pdf", satu)
    unggah(operator, "E1.1", "sk.pdf", berkas_uji.pdf("nama-sama"))
    unggah(operator, "E2.3", "rekap jp.xlsx", dua)

    response = client_of(admin_bkn).get(
        reverse("penilaian:pengisian_zip", args=[TAHUN, peserta_a.instansi.kode])
    )

    assert response.streaming
    assert (
        response["Content-Disposition"] == 'attachment; filename="bukti-pemerintah-kabupaten-alfa-2030.zip"'
    )
    arsip = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    pertama = BuktiDukung.objects.order_by("pk").values_list("pk", flat=True)
    assert arsip.namelist() == ["E1.1/sk.pdf", f"E1.1/{pertama[1]}-sk.pdf", "E2.3/rekap jp.xlsx"]
    assert arsip.read("E1.1/sk.pdf") == satu
    assert arsip.read("E2.3/rekap jp.xlsx") == dua


# Two tabs, one answer: a stale page never overwrites newer work.


def test_a_stale_tab_cannot_overwrite_a_newer_answer(operator_a, peserta_a, e11):
    services.simpan_jawaban(
        peserta=peserta_a, indikator=e11, level=1, penjelasan="Draf awal", versi=0, oleh=operator_a
    )
    # Tab 1 and tab 2 both show version 1; tab 2 saves first.
    services.simpan_jawaban(
        peserta=peserta_a,
        indikator=e11,
        level=3,
        penjelasan="Penjelasan panjang dan lengkap.",
        versi=1,
        oleh=operator_a,
    )

    with pytest.raises(services.JawabanKedaluwarsa) as galat:
        services.simpan_jawaban(
            peserta=peserta_a, indikator=e11, level=1, penjelasan="Lama", versi=1, oleh=operator_a
        )

    jawaban = JawabanMandiri.objects.get(peserta=peserta_a, indikator=e11)
    assert (jawaban.level, jawaban.penjelasan, jawaban.versi) == (3, "Penjelasan panjang dan lengkap.", 2)
    pesan_galat = galat.value.messages[0]
    assert (
        "Jawaban indikator E1.1 sudah diubah di tab atau jendela lain oleh Operator Alfa pada" in pesan_galat
    )
    assert "(sekarang level 3)" in pesan_galat
    assert "Isian Anda belum disimpan dan masih ada di formulir" in pesan_galat


def test_the_autosave_saves_and_refuses_a_stale_version(operator, operator_a, peserta_a, e11):
    url = reverse("mandiri:simpan_jawaban", args=[TAHUN, "E1.1"])
    htmx = {"HTTP_HX_REQUEST": "true"}

    pertama = operator.post(url, {"penjelasan": "Baru mulai menulis", "versi": 0}, **htmx)
    kedua = operator.post(url, {"level": 3, "penjelasan": "Lengkap", "versi": 1}, **htmx)
    basi = operator.post(url, {"level": 1, "penjelasan": "Dari tab lama", "versi": 1}, **htmx)

    assert 'data-testid="jawaban-tersimpan"' in pertama.content.decode()
    assert pertama["HX-Trigger"] == '{"tersimpan": {}}'
    assert 'id="id_versi" value="2"' in kedua.content.decode()
    assert "sudah diubah di tab atau jendela lain" in basi.content.decode()
    assert "HX-Trigger" not in basi
    jawaban = JawabanMandiri.objects.get(peserta=peserta_a, indikator=e11)
    assert (jawaban.level, jawaban.penjelasan, jawaban.versi) == (3, "Lengkap", 2)


def test_a_stale_form_post_keeps_what_the_operator_typed(operator, operator_a, peserta_a, e11):
    services.simpan_jawaban(
        peserta=peserta_a, indikator=e11, level=3, penjelasan="Terbaru", versi=0, oleh=operator_a
    )

    response = operator.post(
        halaman("E1.1"), {"aksi": "jawaban", "level": 2, "penjelasan": "Teks panjang saya", "versi": 0}
    )

    form = response.context["jawaban_form"]
    assert "sudah diubah di tab atau jendela lain" in str(form.non_field_errors())
    assert (form["level"].value(), form["penjelasan"].value()) == ("2", "Teks panjang saya")
    assert "Teks panjang saya" in response.content.decode()
    assert JawabanMandiri.objects.get(peserta=peserta_a, indikator=e11).penjelasan == "Terbaru"


def test_the_home_page_shows_every_period_under_way_nearest_deadline_first(
    client_of, operator_a, periode_mandiri, instansi_a, admin_bkn
):
    # 2030 is open for self-assessment until a week from now; 2031 is in scoring and ends sooner;
    # 2029's results are announced and 2032 is still in preparation: neither is under way.
    lusa = timezone.now() + timedelta(days=2)
    for tahun, tahap in ((2031, Tahap.VERIFIKASI), (2029, Tahap.PENGUMUMAN), (2032, Tahap.PERSIAPAN)):
        periode = PeriodeFactory(nama=f"BKN Award {tahun}", tahun=tahun, dibuat_oleh=admin_bkn, tahap=tahap)
        periode.peserta.create(instansi=instansi_a)
        periode.jadwal.create(tahap=tahap, mulai=lusa - timedelta(days=10), selesai=lusa)

    isi = client_of(operator_a).get(reverse("beranda_operator")).content.decode()

    kartu = re.findall(r'data-testid="kartu-mandiri">.*?<h3 class="h5">(BKN Award \d+)', isi, re.S)
    assert kartu == ["BKN Award 2031", "BKN Award 2030"]
