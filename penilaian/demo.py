"""The demo periods of `make run`, so that a newcomer can try every role.

- BKN Award 2023: finished and published (laporan/demo.py completes it).
- BKN Award 2024: the 2023 instrument, every agency taking part, self-assessments
  submitted, evaluators assigned, a few sheets finished (with disagreements for
  the panel chair to moderate): the stage of verification and scoring.
- BKN Award 2025: the same instrument, open for self-assessment: the demo
  operators can answer and upload.

Never run on a production database.
"""

import hashlib
import io
import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from instansi.models import Instansi, JenisInstansi, Pengguna, Peran

from . import berkas, services
from .models import (
    BuktiDukung,
    Indikator,
    JawabanMandiri,
    JenisBerkas,
    LembarPenilaian,
    Periode,
    ProfilPenilai,
    StatusLembar,
    Tahap,
)

# Days from today at which each stage starts; each ends where the next starts.
JADWAL_SELESAI = {
    Tahap.PENILAIAN_MANDIRI: (-150, -120),
    Tahap.VERIFIKASI: (-120, -90),
    Tahap.MODERASI: (-90, -75),
    Tahap.PENETAPAN: (-75, -60),
    Tahap.PENGUMUMAN: (-60, 300),
}
JADWAL_VERIFIKASI = {
    Tahap.PENILAIAN_MANDIRI: (-40, -3),
    Tahap.VERIFIKASI: (-3, 14),
    Tahap.MODERASI: (14, 21),
    Tahap.PENETAPAN: (21, 28),
    Tahap.PENGUMUMAN: (28, 35),
}
JADWAL_TERBUKA = {
    Tahap.PENILAIAN_MANDIRI: (-7, 21),
    Tahap.VERIFIKASI: (21, 42),
    Tahap.MODERASI: (42, 49),
    Tahap.PENETAPAN: (49, 56),
    Tahap.PENGUMUMAN: (56, 63),
}
# The demo operators' agencies carry full evidence.
INSTANSI_OPERATOR = ["32", "32.73", "35.78", "kemenkeu"]
CATATAN = [
    "Bukti yang diunggah belum menunjukkan penetapan oleh PPK.",
    "Dokumen tersedia, tetapi belum mencakup seluruh unit kerja.",
    "Data pada tangkapan layar tidak sesuai dengan laporan yang dilampirkan.",
    "Bukti lengkap dan mutakhir; sesuai kriteria level yang dipilih.",
]


def _pdf(*baris):
    """A one-page A4 PDF with a few lines of text: small, valid, and readable in the viewer."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject(
                {
                    NameObject("/F1"): DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Font"),
                            NameObject("/Subtype"): NameObject("/Type1"),
                            NameObject("/BaseFont"): NameObject("/Helvetica"),
                        }
                    )
                }
            )
        }
    )
    teks = "BT /F1 14 Tf 60 780 Td 18 TL " + " ".join(
        "({}) '".format(b.encode("latin-1", "replace").decode("latin-1").replace("(", "[").replace(")", "]"))
        for b in baris
    )
    isi = ContentStream(None, writer)
    isi.set_data((teks + " ET").encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(isi)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _jadwal(periode, hari):
    awal = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    services.simpan_jadwal(
        periode=periode,
        jadwal={
            tahap: (awal + timedelta(days=mulai), awal + timedelta(days=selesai) - timedelta(minutes=1))
            for tahap, (mulai, selesai) in hari.items()
        },
    )


def _bukti_lengkap(peserta, operator, indikator_list):
    """One PDF per required document of every indicator, stored as an upload would be."""
    bukti = []
    for indikator in indikator_list:
        for syarat in indikator.syarat_bukti.all():
            isi = _pdf(
                peserta.instansi.nama,
                f"Indikator {indikator.kode}",
                syarat.uraian[:80],
                "Dokumen demo BKN Award",
            )
            lokasi = berkas.simpan(
                ContentFile(isi, name="demo.pdf"),
                folder=f"{peserta.periode.tahun}/{peserta.instansi_id}",
                jenis=JenisBerkas.PDF,
            )
            bukti.append(
                BuktiDukung(
                    peserta=peserta,
                    indikator=indikator,
                    syarat=syarat,
                    nama_berkas=f"{indikator.kode} {syarat.uraian[:60]}.pdf",
                    lokasi=lokasi,
                    jenis=JenisBerkas.PDF,
                    ukuran=len(isi),
                    sha256=hashlib.sha256(isi).hexdigest(),
                    diunggah_oleh=operator,
                )
            )
    BuktiDukung.objects.bulk_create(bukti)


def periode_dinilai(admin, *, tahun, sumber=None, jadwal=JADWAL_VERIFIKASI, unggul=()):
    """A period whose self-assessment is over and whose evaluators are assigned; returns (periode, hasil, ...).

    Every agency submitted answers; the demo operators' agencies also their evidence.
    Agencies with a code in ``unggul`` answer at the top levels.
    """
    periode = services.buat_periode(
        nama=f"BKN Award {tahun}",
        tahun=tahun,
        oleh=admin,
        sumber_instrumen="salin" if sumber else "templat",
        salin_dari=sumber,
    )
    _jadwal(periode, jadwal)
    services.tetapkan_peserta(periode=periode, jenis=JenisInstansi.values)
    periode = services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin)
    acak = random.Random(tahun)  # noqa: S311 - demo data
    indikator_list = list(Indikator.objects.filter(periode=periode).prefetch_related("syarat_bukti"))
    operator = {u.instansi_id: u for u in Pengguna.objects.filter(peran=Peran.OPERATOR)}
    peserta_list = list(periode.peserta.select_related("instansi", "periode"))
    jawaban = []
    for peserta in peserta_list:
        dasar = 4 if peserta.instansi.kode in unggul else acak.choice([1, 2, 2, 3, 3, 3, 4])
        for indikator in indikator_list:
            jawaban.append(
                JawabanMandiri(
                    peserta=peserta,
                    indikator=indikator,
                    level=max(0, min(4, dasar + acak.choice([-1, 0, 0, 0, 1]))),
                    penjelasan="Sesuai dokumen yang dilampirkan.",
                    diperbarui_oleh=operator.get(peserta.instansi_id, admin),
                )
            )
    JawabanMandiri.objects.bulk_create(jawaban, batch_size=2000)
    periode.peserta.update(dikirim_pada=timezone.now() - timedelta(days=4), dikirim_oleh=admin)
    for peserta in peserta_list:
        if peserta.instansi.kode in INSTANSI_OPERATOR:
            _bukti_lengkap(peserta, operator.get(peserta.instansi_id, admin), indikator_list)
    periode = services.maju_tahap(periode=periode, dari=Tahap.PENILAIAN_MANDIRI, oleh=admin)
    hasil = services.tugaskan_otomatis(periode=periode, oleh=admin, seed=tahun)
    return periode, hasil, indikator_list, operator, acak


def _periode_verifikasi(admin, sumber):
    periode, hasil, indikator_list, operator, acak = periode_dinilai(admin, tahun=2024, sumber=sumber)
    _lembar_selesai(periode, indikator_list, operator, admin, acak)
    # Each evaluator's first sheets to work on have their evidence, to read inline.
    for penilai in Pengguna.objects.filter(peran=Peran.PENILAI):
        for satu in LembarPenilaian.objects.filter(
            periode=periode, penilai=penilai, status=StatusLembar.DRAF
        )[:2]:
            if not satu.peserta.bukti.exists():
                _bukti_lengkap(satu.peserta, operator.get(satu.peserta.instansi_id, admin), indikator_list)
    return periode, hasil


def _lembar_selesai(periode, indikator_list, operator, admin, acak):
    """penilai1 and penilai2 finish both sheets of two agencies they share, and one more each."""
    p1, p2 = Pengguna.objects.get(username="penilai1"), Pengguna.objects.get(username="penilai2")
    lembar = LembarPenilaian.objects.filter(periode=periode, status=StatusLembar.DRAF).select_related(
        "peserta__instansi", "peserta__periode"
    )
    milik1 = {satu.peserta_id: satu for satu in lembar.filter(penilai=p1)}
    milik2 = {satu.peserta_id: satu for satu in lembar.filter(penilai=p2)}
    bersama = sorted(set(milik1) & set(milik2))[:2]
    sendiri = [
        next(pk for pk in sorted(milik1) if pk not in bersama),
        next(pk for pk in sorted(milik2) if pk not in bersama),
    ]
    terpilih = (
        [milik1[pk] for pk in bersama]
        + [milik2[pk] for pk in bersama]
        + [milik1[sendiri[0]], milik2[sendiri[1]]]
    )
    for satu in terpilih:
        peserta = satu.peserta
        if not peserta.bukti.exists():
            _bukti_lengkap(peserta, operator.get(peserta.instansi_id, admin), indikator_list)
        mandiri = dict(peserta.jawaban.values_list("indikator_id", "level"))
        for n, indikator in enumerate(indikator_list):
            geser = acak.choice([0, 0, 0, -1, 1])
            if satu.penilai == p2 and n % 9 == 0:
                geser = -2  # a clear disagreement for the panel chair
            level = max(0, min(4, mandiri[indikator.pk] + geser))
            catatan = "" if level == mandiri[indikator.pk] else acak.choice(CATATAN)
            services.simpan_nilai(
                lembar=satu, indikator=indikator, level=level, catatan=catatan, versi=0, oleh=satu.penilai
            )
        services.kirim_lembar(lembar=satu, oleh=satu.penilai)


def _periode_terbuka(admin, dari):
    periode = services.buat_periode(
        nama="BKN Award 2025", tahun=2025, oleh=admin, sumber_instrumen="salin", salin_dari=dari
    )
    _jadwal(periode, JADWAL_TERBUKA)
    services.tetapkan_peserta(periode=periode, jenis=JenisInstansi.values)
    return services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin)


def siapkan_profil_penilai():
    bkn = Instansi.objects.filter(kode="bkn").first()
    wilayah = {"penilai3": "32", "penilai4": "51"}
    for penilai in Pengguna.objects.filter(peran__in=[Peran.PENILAI, Peran.KETUA]):
        ProfilPenilai.objects.get_or_create(
            pengguna=penilai,
            defaults={
                "unit_kerja": penilai.jabatan,
                "instansi_asal": bkn,
                "wilayah": Instansi.objects.filter(kode=wilayah.get(penilai.username)).first(),
            },
        )


@transaction.atomic
def siapkan_demo(*, admin, sumber):
    """Create the 2024 (scoring) and 2025 (self-assessment) demo periods that do not exist yet.

    ``sumber`` is the period whose instrument they copy. Returns lines that describe them.
    """
    baris = []
    p2024 = Periode.objects.filter(tahun=2024).first()
    if p2024 is None:
        surabaya = Instansi.objects.filter(kode="35.78").first()
        penilai2 = Pengguna.objects.get(username="penilai2")
        if surabaya and not penilai2.konflik.filter(instansi=surabaya).exists():
            services.nyatakan_konflik(
                penilai=penilai2,
                instansi=surabaya,
                alasan="Pernah bertugas di BKPSDM Kota Surabaya sampai 2022.",
            )
        p2024, hasil = _periode_verifikasi(admin, sumber)
        beban = sorted(hasil.beban.values())
        baris.append(
            f"{p2024.nama}: tahap {p2024.get_tahap_display()}, {hasil.dibuat} penugasan "
            f"({beban[0]}–{beban[-1]} per penilai), 6 lembar sudah dikirim penilai1 dan penilai2."
        )
    else:
        baris.append(f"{p2024.nama}: sudah ada (tahap {p2024.get_tahap_display()}).")
    p2025 = Periode.objects.filter(tahun=2025).first()
    if p2025 is None:
        p2025 = _periode_terbuka(admin, p2024)
        baris.append(
            f"{p2025.nama}: tahap {p2025.get_tahap_display()} — operator dapat mengisi dan mengunggah."
        )
    else:
        baris.append(f"{p2025.nama}: sudah ada (tahap {p2025.get_tahap_display()}).")
    return baris
