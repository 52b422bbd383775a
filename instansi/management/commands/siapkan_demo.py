from django.core.management.base import BaseCommand

from instansi.demo import KATA_SANDI_DEMO, buat_pengguna_demo
from instansi.models import Peran
from laporan.demo import siapkan_semua


class Command(BaseCommand):
    help = "Menyiapkan data demo (pengguna untuk setiap peran) dan mencetak cara masuknya. Jangan dipakai di produksi."

    def handle(self, *args, **options):
        users = buat_pengguna_demo()
        admin = next(u for u in users if u.peran == Peran.ADMIN)
        for baris in siapkan_semua(admin=admin):
            self.stdout.write(f"Periode demo {baris}")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Akun demo BKN Award (kata sandi semua akun: {KATA_SANDI_DEMO})")
        )
        width = max(len(u.username) for u in users)
        for user in users:
            keterangan = user.get_peran_display()
            if user.instansi:
                keterangan += f" — {user.instansi.nama}"
            self.stdout.write(f"  {user.username.ljust(width)}  {keterangan}")
        self.stdout.write("Buka http://127.0.0.1:8000/ lalu masuk dengan salah satu akun di atas.")
