"""The demo periods of `make run`, so that a newcomer can try every role.

- BKN Award 2023: finished and published (laporan/demo.py completes it).
- BKN Award 2024: the 2023 instrument, every agency taking part, self-assessments
  submitted, evaluators assigned, a few sheets finished (with disagreements for
  the panel chair to moderate), and a few clarification requests to the demo
  operators' agencies, open and answered: the stage of verification and scoring.
- BKN Award 2025: the same instrument, open for self-assessment: the demo
  operators can answer and upload.

Never run on a production database.
"""

import hashlib
import io
import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
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
    Tahap.SANGGAH: (-75, -68),
    Tahap.PENETAPAN: (-68, -60),
    Tahap.PENGUMUMAN: (-60, 300),
}
JADWAL_VERIFIKASI = {
    Tahap.PENILAIAN_MANDIRI: (-40, -3),
    Tahap.VERIFIKASI: (-3, 14),
    Tahap.MODERASI: (14, 21),
    Tahap.SANGGAH: (21, 25),
    Tahap.PENETAPAN: (25, 28),
    Tahap.PENGUMUMAN: (28, 35),
}
JADWAL_TERBUKA = {
    Tahap.PENILAIAN_MANDIRI: (-7, 21),
    Tahap.VERIFIKASI: (21, 42),
    Tahap.MODERASI: (42, 49),
    Tahap.SANGGAH: (49, 53),
    Tahap.PENETAPAN: (53, 56),
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
# The 2024 clarification requests: (evaluator, agency, indicator, index from 0 of the indicator's
# required document in doubt or None, question, the operator's answer or None). An answer replaces the document in doubt
# when there is one. operator.jabar's agency keeps an open request, to answer after logging in.
KLARIFIKASI = [
    (
        "penilai1",
        "32",
        "E1.6",
        3,
        "Rekapitulasi JPT lowong mencantumkan 14 jabatan, tetapi laporan seleksi terbuka hanya memuat 11 "
        "jabatan. Mohon jelaskan pengisian 3 JPT lainnya (seleksi terbuka, manajemen talenta, atau masih "
        "dijabat Plt.) dan lampirkan rekomendasi KASN-nya.",
        None,
    ),
    (
        "penilai1",
        "kemenkeu",
        "E3.6",
        1,
        "Contoh perhitungan tunjangan kinerja yang diunggah masih memakai ketentuan tahun 2021. Mohon "
        "unggah contoh perhitungan tahun 2023 yang menunjukkan komponen capaian kinerja pegawai.",
        "Berkas sudah kami ganti dengan contoh perhitungan tunjangan kinerja bulan Desember 2023 sesuai "
        "PMK yang berlaku; capaian SKP diambil langsung dari aplikasi e-Kinerja.",
    ),
    (
        "penilai2",
        "32.73",
        "E2.3",
        None,
        "Persentase PNS yang mencapai 20 JP pada laporan (92%) berbeda dengan data riwayat diklat di "
        "SIASN (78%). Data mana yang menjadi dasar pengisian level?",
        "Selisihnya berasal dari pelatihan mandiri melalui LMS Pemkot yang belum disinkronkan ke SIASN. "
        "Angka 92% dihitung dari rekapitulasi STTPP per pegawai yang sudah kami lampirkan; pemutakhiran "
        "SIASN dijadwalkan selesai akhir bulan ini.",
    ),
    (
        "penilai2",
        "32.73",
        "E4.3",
        1,
        "Mohon lampirkan log sinkronisasi SIMPEG–SIASN tiga bulan terakhir; dokumentasi teknis yang ada "
        "belum menunjukkan sinkronisasi dua arah yang berjalan otomatis.",
        None,
    ),
    (
        "penilai3",
        "35.78",
        "E4.1",
        None,
        "Rekapitulasi progres PDM belum memuat hasil verifikasi oleh pengelola kepegawaian. Berapa persen "
        "PNS yang datanya sudah diverifikasi, bukan hanya sudah mengisi PDM?",
        None,
    ),
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


def berkas_pdf(nama, *baris):
    """A PDF as a browser uploads it, for the services that take an uploaded file."""
    return SimpleUploadedFile(nama.replace("/", "-"), _pdf(*baris), content_type="application/pdf")


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
    klarifikasi = _klarifikasi(periode, operator)
    return periode, hasil, klarifikasi


def _lembar_draf(periode, username, kode):
    """The evaluator's sheet of the agency still being scored, else any other evaluator's."""
    lembar = LembarPenilaian.objects.filter(
        periode=periode, peserta__instansi__kode=kode, status=StatusLembar.DRAF
    ).select_related("peserta__instansi", "penilai")
    return lembar.filter(penilai__username=username).first() or lembar.order_by("penilai__username").first()


def _klarifikasi(periode, operator):
    """The evaluators ask the demo operators' agencies (KLARIFIKASI); their operators answer some.

    On sheets still in draft, so the evaluator can score again after reading the answer.
    Returns the requests.
    """
    hasil = []
    for username, kode, kode_indikator, ragu, pertanyaan, jawaban in KLARIFIKASI:
        lembar = _lembar_draf(periode, username, kode)
        if lembar is None:
            continue
        peserta = lembar.peserta
        indikator = Indikator.objects.get(periode=periode, kode=kode_indikator)
        bukti = None
        if ragu is not None:
            syarat = list(indikator.syarat_bukti.all())[ragu]
            bukti = peserta.bukti.filter(syarat=syarat, diganti_pada__isnull=True).first()
        permintaan = services.ajukan_klarifikasi(
            lembar=lembar, indikator=indikator, pertanyaan=pertanyaan, bukti=bukti, oleh=lembar.penilai
        )
        if jawaban and peserta.instansi_id in operator:
            berkas_baru = None
            if bukti is not None:
                berkas_baru = berkas_pdf(
                    f"{indikator.kode} {bukti.syarat.uraian} (revisi).pdf",
                    peserta.instansi.nama,
                    f"Indikator {indikator.kode} - revisi atas permintaan klarifikasi",
                    bukti.syarat.uraian[:80],
                    "Dokumen demo BKN Award",
                )
            permintaan = services.jawab_klarifikasi(
                permintaan=permintaan,
                jawaban=jawaban,
                oleh=operator[peserta.instansi_id],
                berkas=berkas_baru,
                mengganti=bukti if berkas_baru else None,
            )
        hasil.append(permintaan)
    return hasil


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
        p2024, hasil, klarifikasi = _periode_verifikasi(admin, sumber)
        beban = sorted(hasil.beban.values())
        dijawab = sum(1 for k in klarifikasi if k.jawaban)
        baris.append(
            f"{p2024.nama}: tahap {p2024.get_tahap_display()}, {hasil.dibuat} penugasan "
            f"({beban[0]}–{beban[-1]} per penilai), 6 lembar sudah dikirim penilai1 dan penilai2, "
            f"{len(klarifikasi)} permintaan klarifikasi ({len(klarifikasi) - dijawab} terbuka, "
            f"{dijawab} dijawab)."
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
