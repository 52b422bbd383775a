"""The finished demo period of `make run`: BKN Award 2023, scored, ranked, decided and published.

On the way its preliminary results were published and four demo operators'
agencies objected; the panel chair accepted two and rejected two, and the
winners come from a ranking run after those decisions.
Its certificates are queued for the Celery worker that `make run` starts.
Never run on a production database.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from instansi.models import Instansi, Pengguna, Peran
from penilaian import services as penilaian_services
from penilaian.demo import CATATAN, INSTANSI_OPERATOR, JADWAL_SELESAI, berkas_pdf, periode_dinilai
from penilaian.models import (
    Indikator,
    JadwalTahap,
    JawabanMandiri,
    JenisKategori,
    JenisRiwayat,
    Kategori,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    Periode,
    RiwayatNilai,
    Sanggah,
    StatusLembar,
    Tahap,
)
from penilaian.queries import perlu_moderasi
from penilaian.services.sanggah import hasil_sementara_terbit, level_sementara

from . import services
from .models import HasilSementara, RunPeringkat
from .queries import draf_pemenang

PENGHARGAAN_KHUSUS = [
    (
        "32",
        "Inovasi layanan kepegawaian terintegrasi dengan SIASN dan pendampingan kabupaten/kota se-Jawa Barat.",
    ),
    ("bkn", "Penggerak transformasi digital layanan kepegawaian nasional."),
]
# The 2023 objections: (agency, indicator, the operator's reason, accepted, the chair's reason).
# An accepted objection raises the preliminary level by one.
SANGGAH = [
    (
        "32",
        "E3.5",
        "Keputusan Gubernur tentang tindak lanjut hasil penilaian kinerja telah ditetapkan pada Maret 2023 "
        "dan seluruh 37 pegawai berkinerja di bawah ekspektasi telah mengikuti program pembinaan, sesuai "
        "kriteria level 4. Laporan evaluasi efektivitas pembinaan kami lampirkan.",
        True,
        "Keputusan Gubernur dan laporan evaluasi pembinaan membuktikan seluruh pegawai berkinerja rendah "
        "telah dibina dan tindak lanjutnya dievaluasi; kriteria level 4 terpenuhi.",
    ),
    (
        "35.78",
        "E4.6",
        "Peninjauan akun SIASN kami lakukan setiap triwulan dan akun pegawai yang mutasi atau pensiun "
        "dinonaktifkan paling lambat 3 hari kerja. Berita acara peninjauan akun triwulan I–IV 2023 sudah "
        "ada pada daftar akun pengguna yang kami unggah.",
        True,
        "Berita acara peninjauan akun per triwulan dan log penonaktifan akun menunjukkan akun ditinjau "
        "berkala dan segera dinonaktifkan; kriteria level 4 terpenuhi.",
    ),
    (
        "32.73",
        "E2.2",
        "Realisasi anggaran pengembangan kompetensi kami 91%, bukan 84% seperti dicatat penilai. Selisihnya "
        "berasal dari pelatihan yang dibiayai BLUD RSUD dan belum tercantum dalam laporan realisasi.",
        False,
        "Realisasi pelatihan yang dibiayai BLUD RSUD tidak didukung dokumen anggaran maupun laporan "
        "realisasi yang diunggah; realisasi yang dapat diverifikasi tetap 84%. Level sementara dipertahankan.",
    ),
    (
        "kemenkeu",
        "E1.3",
        "Seluruh formasi yang kami usulkan melalui e-Formasi sesuai dengan hasil ABK; perbedaan jumlah "
        "terjadi karena penyesuaian oleh KemenPANRB pada saat penetapan kebutuhan, bukan karena usulan kami.",
        False,
        "Matriks kesesuaian yang diunggah menunjukkan 12 dari 58 usulan formasi tidak tercantum sebagai "
        "kekurangan pegawai pada hasil ABK; kesesuaian di bawah 100%. Level sementara dipertahankan.",
    ),
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
    # Dated in the past with the sheets, so each agency's audit trail reads in order up to its objections.
    dikirim = timezone.now() - timedelta(days=80)
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
            RiwayatNilai(
                peserta_id=satu.peserta_id,
                lembar=satu,
                jenis=JenisRiwayat.KIRIM,
                oleh=satu.penilai,
                waktu=dikirim,
            )
        )
    NilaiPenilai.objects.bulk_create(nilai, batch_size=5000)
    RiwayatNilai.objects.bulk_create(riwayat, batch_size=2000)
    LembarPenilaian.objects.filter(pk__in=[s.pk for s in lembar]).update(
        status=StatusLembar.DIKIRIM, dikirim_pada=dikirim
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


def _hasil_sementara(periode, admin):
    """The moderated ranking, published to the agencies the day before the Sanggah stage opened."""
    run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    snapshot = periode.snapshot.get(pk=services.jalankan_run(run_id=run.pk))
    terbit = services.terbitkan_hasil_sementara(snapshot=snapshot, oleh=admin)
    # Dated before the objections filed against it. The snapshot keeps the time it was computed:
    # it is written once (a database trigger refuses any change).
    waktu = periode.jadwal_tahap(Tahap.SANGGAH).mulai - timedelta(hours=22)
    HasilSementara.objects.filter(pk=terbit.pk).update(diterbitkan=waktu)
    return terbit


@contextmanager
def _sanggah_dibuka(periode):
    """Hold the past Sanggah stage open while objections are filed through the service.

    The service refuses filing after the stage's scheduled end; the historic end is
    restored at once, inside the demo's transaction, so no one sees the change.
    """
    jadwal = periode.jadwal_tahap(Tahap.SANGGAH)
    JadwalTahap.objects.filter(pk=jadwal.pk).update(selesai=timezone.now() + timedelta(hours=1))
    try:
        yield jadwal
    finally:
        JadwalTahap.objects.filter(pk=jadwal.pk).update(selesai=jadwal.selesai)


def _bertanggal(sanggah, kolom, waktu, sejak):
    """Date at ``waktu`` what a service wrote for ``sanggah`` since ``sejak``.

    That is its audit entries, a level it settled, and the objection's own field ``kolom``.
    """
    RiwayatNilai.objects.filter(
        peserta_id=sanggah.peserta_id, indikator_id=sanggah.indikator_id, waktu__gte=sejak
    ).update(waktu=waktu)
    Moderasi.objects.filter(
        peserta_id=sanggah.peserta_id, indikator_id=sanggah.indikator_id, waktu__gte=sejak
    ).update(waktu=waktu)
    Sanggah.objects.filter(pk=sanggah.pk).update(**{kolom: waktu})


def _sanggah(periode, ketua):
    """The demo operators' agencies object within the Sanggah window; the chair decides each one.

    Through the services (SANGGAH, SANGGAH_PUTUS and MODERASI audit entries), dated in
    that window. Returns the decided objections.
    """
    terbit = hasil_sementara_terbit(periode)
    operator = {
        u.instansi.kode: u for u in Pengguna.objects.filter(peran=Peran.OPERATOR).select_related("instansi")
    }
    diajukan = []
    with _sanggah_dibuka(periode) as jadwal:
        for n, (kode, kode_indikator, alasan, terima, keputusan) in enumerate(SANGGAH):
            peserta = (
                periode.peserta.filter(instansi__kode=kode).select_related("instansi", "periode").first()
            )
            indikator = Indikator.objects.get(periode=periode, kode=kode_indikator)
            semula = level_sementara(peserta, indikator, terbit) if peserta and kode in operator else None
            if semula is None or semula >= 4:
                continue  # nothing an agency would object to
            sejak = timezone.now()
            sanggah = penilaian_services.ajukan_sanggah(
                peserta=peserta,
                indikator=indikator,
                alasan=alasan,
                oleh=operator[kode],
                berkas=_lampiran(peserta, indikator) if n == 0 else None,
            )
            diajukan_pada = jadwal.mulai + timedelta(days=1 + n // 2, hours=1 + 3 * n)
            _bertanggal(sanggah, "dibuat", diajukan_pada, sejak)
            diajukan.append((sanggah, terima, keputusan))
    diputuskan = []
    for n, (sanggah, terima, keputusan) in enumerate(diajukan):
        sejak = timezone.now()
        sanggah = penilaian_services.putuskan_sanggah(
            sanggah=sanggah,
            terima=terima,
            alasan=keputusan,
            oleh=ketua,
            level=int(sanggah.level_semula) + 1 if terima else None,
        )
        _bertanggal(sanggah, "diputuskan_pada", jadwal.mulai + timedelta(days=4, hours=2 + n), sejak)
        diputuskan.append(sanggah)
    return diputuskan


def _lampiran(peserta, indikator):
    return berkas_pdf(
        f"Lampiran sanggah {indikator.kode}.pdf",
        peserta.instansi.nama,
        f"Sanggah indikator {indikator.kode}",
        "Laporan evaluasi efektivitas pembinaan pegawai 2023",
        "Dokumen demo BKN Award",
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
    _hasil_sementara(periode, admin)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin)
    sanggah = _sanggah(periode, ketua)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin)

    # The winners come from a ranking computed after every objection was decided.
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
    diterima = sum(1 for s in sanggah if s.level_baru is not None)
    return periode, (
        f"{periode.nama}: diumumkan — {jumlah} penghargaan; {len(sanggah)} sanggah diputuskan "
        f"({diterima} diterima, {len(sanggah) - diterima} ditolak); piagamnya dirender oleh worker Celery "
        f"(lihat /pemenang/2023/)."
    )


def siapkan_semua(*, admin):
    """Every demo period: 2023 published, 2024 being scored, 2025 open for self-assessment."""
    from penilaian.demo import siapkan_demo, siapkan_profil_penilai

    siapkan_profil_penilai()
    p2023, baris = periode_selesai(admin=admin)
    return [baris, *siapkan_demo(admin=admin, sumber=p2023)]
