from pathlib import Path

from django.core.management.base import BaseCommand

from instansi.models import JenisInstansi
from instansi.services import DATA_DIR, impor_instansi


class Command(BaseCommand):
    help = "Memuat daftar instansi (pusat dan daerah) dari berkas CSV; aman dijalankan ulang."

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder",
            type=Path,
            default=DATA_DIR,
            help="Folder berisi wilayah_instansi_daerah.csv dan instansi_pusat.csv.",
        )
        parser.add_argument(
            "--semua",
            action="store_true",
            help="Sertakan wilayah administratif non-otonom (kota/kabupaten administrasi DKI Jakarta).",
        )

    def handle(self, *args, folder, semua, **options):
        hasil = impor_instansi(folder=folder, sertakan_nonotonom=semua)
        total_dibuat = sum(hasil.dibuat.values())
        self.stdout.write(f"Instansi baru: {total_dibuat}")
        for jenis in JenisInstansi:
            if hasil.dibuat[jenis]:
                self.stdout.write(f"  {jenis.label}: {hasil.dibuat[jenis]}")
        self.stdout.write(f"Instansi diperbarui: {len(hasil.diperbarui)}")
        for kode, changes in hasil.diperbarui:
            detail = "; ".join(f"{name}: {old!r} -> {new!r}" for name, (old, new) in changes.items())
            self.stdout.write(f"  {kode}: {detail}")
        self.stdout.write(f"Instansi tidak berubah: {hasil.tidak_berubah}")
        self.stdout.write(self.style.SUCCESS("Impor instansi selesai."))
