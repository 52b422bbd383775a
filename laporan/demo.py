"""The finished demo period of `make run`: BKN Award 2023, scored, ranked, decided and published.

Its certificates are queued for the Celery worker that `make run` starts.
Never run on a production database.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from instansi.models import Instansi, Pengguna
from penilaian import services as penilaian_services
from penilaian.demo import CATATAN, INSTANSI_OPERATOR, JADWAL_SELESAI, periode_dinilai
from penilaian.models import (
    JawabanMandiri,
    JenisKategori,
    JenisRiwayat,
    Kategori,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    Periode,
    RiwayatNilai,
    StatusLembar,
    Tahap,
)
from penilaian.queries import perlu_moderasi

from . import services
from .models import RunPeringkat
from .queries import draf_pemenang

PENGHARGAAN_KHUSUS = [
    (
        "32",
        "Inovasi layanan kepegawaian terintegrasi dengan SIASN dan pendampingan kabupaten/kota se-Jawa Barat.",
    ),
    ("bkn", "Penggerak transformasi digital layanan kepegawaian nasional."),
]


def _nilai_semua(periode, indikator_list, acak):
    """Every live sheet scored (near the agency's own level) and submitted, with notes where they differ."""
    mandiri = {
        (j.peserta_id, j.indikator_id): j.level
        for j in JawabanMandiri.objects.filter(peserta__periode=periode)
    }
    lembar = list(
        LembarPenilaian.objects.filter(periode=periode, status=StatusLembar.DRAF).select_related(
            "peserta__instansi"
        )
    )
    nilai, riwayat = [], []
    for satu in lembar:
        unggul = satu.peserta.instansi.kode in INSTANSI_OPERATOR
        for indikator in indikator_list:
            sendiri = mandiri[(satu.peserta_id, indikator.pk)]
            level = max(0, min(4, sendiri + (0 if unggul else acak.choice([0, 0, 0, -1, 1, -2]))))
            catatan = "" if level == sendiri else acak.choice(CATATAN)
            nilai.append(
                NilaiPenilai(lembar=satu, indikator=indikator, level=level, catatan=catatan, versi=1)
            )
        riwayat.append(
            RiwayatNilai(peserta_id=satu.peserta_id, lembar=satu, jenis=JenisRiwayat.KIRIM, oleh=satu.penilai)
        )
    NilaiPenilai.objects.bulk_create(nilai, batch_size=5000)
    RiwayatNilai.objects.bulk_create(riwayat, batch_size=2000)
    LembarPenilaian.objects.filter(pk__in=[s.pk for s in lembar]).update(
        status=StatusLembar.DIKIRIM, dikirim_pada=timezone.now() - timedelta(days=80)
    )


def _moderasi(periode, ketua):
    """The chair settles every disagreement: a period moves to Penetapan only when none is open."""
    Moderasi.objects.bulk_create(
        Moderasi(
            peserta=b.peserta,
            indikator=b.indikator,
            level=round(sum(n.level for n in b.nilai) / len(b.nilai)),
            alasan="Bukti diperiksa ulang oleh tim; nilai tengah yang didukung dokumen ditetapkan.",
            oleh=ketua,
        )
        for b in perlu_moderasi(periode)
    )


@transaction.atomic
def periode_selesai(*, admin):
    """BKN Award 2023 from self-assessment to publication (once); returns (periode, line to print)."""
    periode = Periode.objects.filter(tahun=2023).first()
    if periode is not None:
        return periode, f"{periode.nama}: sudah ada (tahap {periode.get_tahap_display()})."
    ketua = Pengguna.objects.get(username="ketua")
    periode, _hasil, indikator_list, _operator, acak = periode_dinilai(
        admin, tahun=2023, jadwal=JADWAL_SELESAI, unggul=INSTANSI_OPERATOR
    )
    Periode.objects.filter(pk=periode.pk).update(penandatangan_nama="Dr. Ir. Ahmad Suryanto, M.Si.")
    _nilai_semua(periode, indikator_list, acak)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.VERIFIKASI, oleh=admin)
    _moderasi(periode, ketua)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin)

    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    snapshot = services.jalankan_run(run_id=run.pk)
    penetapan = services.buat_penetapan(
        periode=periode,
        snapshot=periode.snapshot.get(pk=snapshot),
        jumlah_peringkat=periode.jumlah_peringkat_penghargaan,
        oleh=admin,
    )
    khusus = Kategori.objects.get(periode=periode, jenis=JenisKategori.KHUSUS)
    for kode, alasan in PENGHARGAAN_KHUSUS:
        instansi = Instansi.objects.filter(kode=kode).first()
        if instansi:
            services.beri_penghargaan_khusus(
                penetapan=penetapan,
                peserta=periode.peserta.get(instansi=instansi),
                kategori=khusus,
                alasan=alasan,
                oleh=admin,
            )
    # Shared ranks across the award limit: the panel met and awarded every agency that shares them.
    for seri in draf_pemenang(penetapan).seri:
        services.putuskan_seri(
            penetapan=penetapan,
            seri=seri,
            keputusan="semua",
            alasan="Rapat panel: nilai sama setelah semua pemecah seri; setiap instansi menerima penghargaan.",
            oleh=admin,
        )
    penetapan = services.setujui(penetapan=penetapan, oleh=admin)
    services.umumkan(penetapan=penetapan)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.PENETAPAN, oleh=admin)
    jumlah = penetapan.penghargaan.count()
    return periode, (
        f"{periode.nama}: diumumkan — {jumlah} penghargaan; piagamnya dirender oleh worker Celery "
        f"(lihat /pemenang/2023/)."
    )


def siapkan_semua(*, admin):
    """Every demo period: 2023 published, 2024 being scored, 2025 open for self-assessment."""
    from penilaian.demo import siapkan_demo, siapkan_profil_penilai

    siapkan_profil_penilai()
    p2023, baris = periode_selesai(admin=admin)
    return [baris, *siapkan_demo(admin=admin, sumber=p2023)]
