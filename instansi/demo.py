"""Demo users for `make run`: one or more of every role, with a known password.

Never run this on a production database: the password is printed and public.
"""

from django.db import transaction

from .models import Instansi, Pengguna, Peran

KATA_SANDI_DEMO = "demo-bkn-2023"

PENGGUNA_DEMO = [
    # username, nama, peran, kode instansi, jabatan
    (
        "admin",
        "Rina Kusumawati, S.Sos., M.Si.",
        Peran.ADMIN,
        None,
        "Panitia BKN Award, Direktorat Kinerja ASN",
    ),
    ("ketua", "Dr. Bambang Hermawan", Peran.KETUA, None, "Ketua Tim Penilai BKN Award"),
    ("penilai1", "Dewi Lestari, S.E., M.M.", Peran.PENILAI, None, "Analis SDM Aparatur Ahli Madya"),
    ("penilai2", "Agus Salim Nasution, S.H.", Peran.PENILAI, None, "Analis SDM Aparatur Ahli Muda"),
    ("penilai3", "Maria Ulfa Simanjuntak, S.Psi.", Peran.PENILAI, None, "Asesor SDM Aparatur Ahli Muda"),
    ("penilai4", "I Made Suarjana, S.Kom.", Peran.PENILAI, None, "Pranata Komputer Ahli Madya"),
    (
        "operator.jabar",
        "Yusuf Kurniawan",
        Peran.OPERATOR,
        "32",
        "Kepala Bidang Mutasi, BKD Provinsi Jawa Barat",
    ),
    (
        "operator.bandung",
        "Siti Nurhaliza",
        Peran.OPERATOR,
        "32.73",
        "Analis Kepegawaian, BKPSDM Kota Bandung",
    ),
    (
        "operator.surabaya",
        "Hendra Wijaya",
        Peran.OPERATOR,
        "35.78",
        "Analis Kepegawaian, BKPSDM Kota Surabaya",
    ),
    (
        "operator.kemenkeu",
        "Ayu Pratiwi",
        Peran.OPERATOR,
        "kemenkeu",
        "Analis SDM Aparatur, Biro SDM Kemenkeu",
    ),
]


@transaction.atomic
def buat_pengguna_demo():
    """Create (or reset) the demo users; returns them in the order of PENGGUNA_DEMO.

    Needs the agency registry loaded (impor_instansi) for the operators.
    """
    users = []
    for username, nama, peran, kode_instansi, jabatan in PENGGUNA_DEMO:
        instansi = Instansi.objects.get(kode=kode_instansi) if kode_instansi else None
        user, _created = Pengguna.objects.update_or_create(
            username=username,
            defaults={
                "nama": nama,
                "peran": peran,
                "instansi": instansi,
                "jabatan": jabatan,
                "email": f"{username}@demo.bkn.go.id",
                "is_active": True,
                "is_staff": peran == Peran.ADMIN,
                "is_superuser": peran == Peran.ADMIN,
            },
        )
        user.set_password(KATA_SANDI_DEMO)
        user.save(update_fields=["password"])
        users.append(user)
    return users
