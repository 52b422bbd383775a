"""Who may open each notification URL: everyone signed in their own inbox, the admin the period log.

The site-wide matrix (tests/test_izin.py) has these URLs too; here each is asked by every role
with the methods it answers, on the user's own notification and on someone else's.
"""

import pytest
from django.urls import reverse

from notifikasi.models import Jenis, Notifikasi, StatusEmail

from ..factories import PeriodeFactory
from ..test_izin import nama_url

pytestmark = pytest.mark.django_db

PERAN = ("anonim", "operator_a", "penilai", "ketua", "admin_bkn")
MASUK = "masuk"


def semua(status, anonim=MASUK):
    """The same status for every signed-in role; anonymous users go to the login page."""
    return {peran: (anonim if peran == "anonim" else status) for peran in PERAN}


def admin_saja(status, lain=403):
    return {**semua(lain), "admin_bkn": status}


@pytest.fixture
def dunia(admin_bkn, ketua, penilai, operator_a, operator_b):
    periode = PeriodeFactory(tahun=2030, dibuat_oleh=admin_bkn)
    lain = PeriodeFactory(tahun=2031, dibuat_oleh=admin_bkn)

    def notifikasi(user, periode=periode):
        return Notifikasi.objects.create(
            penerima=user,
            jenis=Jenis.PENGINGAT_TENGGAT,
            periode=periode,
            judul=f"Pengingat untuk {user.nama}",
            isi="Tenggat sudah dekat.",
            tautan="/",
            status_email=StatusEmail.GAGAL_TETAP,
        )

    users = {"operator_a": operator_a, "penilai": penilai, "ketua": ketua, "admin_bkn": admin_bkn}
    return {
        "users": {"anonim": None, **users},
        "periode": periode,
        "sendiri": {peran: notifikasi(user) for peran, user in users.items()},
        # Someone else's: the other agency's operator (anonymous users ask for it too).
        "asing": notifikasi(operator_b),
        "periode_lain": notifikasi(operator_b, periode=lain),
    }


def _milik(d, peran, varian):
    if varian == "asing" or peran == "anonim":
        return d["asing"]
    return d["sendiri"][peran]


# (url name, method, variant, args(world, role, variant), {role: status})
KASUS = [
    ("notifikasi:daftar", "get", "sendiri", None, semua(200)),
    ("notifikasi:lonceng", "get", "sendiri", None, semua(200)),
    ("notifikasi:lonceng_menu", "get", "sendiri", None, semua(200)),
    ("notifikasi:preferensi", "get", "sendiri", None, semua(200)),
    ("notifikasi:preferensi", "post", "sendiri", None, semua(200)),  # an empty form is re-shown with why
    ("notifikasi:tandai_semua_dibaca", "post", "sendiri", None, semua(302)),
    ("notifikasi:tandai_semua_dibaca", "get", "sendiri", None, semua(405)),
    ("notifikasi:buka", "get", "sendiri", lambda d, p, v: [_milik(d, p, v).pk], semua(302)),
    ("notifikasi:buka", "get", "asing", lambda d, p, v: [_milik(d, p, v).pk], semua(404)),
    ("notifikasi:tandai_dibaca", "post", "sendiri", lambda d, p, v: [_milik(d, p, v).pk], semua(302)),
    ("notifikasi:tandai_dibaca", "post", "asing", lambda d, p, v: [_milik(d, p, v).pk], semua(404)),
    ("notifikasi:tandai_dibaca", "get", "sendiri", lambda d, p, v: [_milik(d, p, v).pk], semua(405)),
    ("notifikasi:periode", "get", "sendiri", lambda d, p, v: [d["periode"].tahun], admin_saja(200)),
    ("notifikasi:periode", "get", "asing", lambda d, p, v: [2099], admin_saja(404)),
    (
        "notifikasi:kirim_ulang",
        "post",
        "sendiri",
        lambda d, p, v: [d["periode"].tahun, d["asing"].pk],
        admin_saja(302),
    ),
    # A notification of another period under this period's URL.
    (
        "notifikasi:kirim_ulang",
        "post",
        "asing",
        lambda d, p, v: [d["periode"].tahun, d["periode_lain"].pk],
        admin_saja(404),
    ),
    (
        "notifikasi:kirim_ulang",
        "get",
        "sendiri",
        lambda d, p, v: [d["periode"].tahun, d["asing"].pk],
        admin_saja(405),
    ),
]


def test_every_notification_url_is_checked_here():
    assert {nama for nama, *_ in KASUS} == {n for n in nama_url() if n.startswith("notifikasi:")}


@pytest.mark.parametrize("peran", PERAN)
@pytest.mark.parametrize(
    ("nama", "metode", "varian", "args", "harapan"), KASUS, ids=[f"{k[0]}-{k[1]}-{k[2]}" for k in KASUS]
)
def test_each_role_gets_its_status(dunia, client_of, peran, nama, metode, varian, args, harapan):
    url = reverse(nama, args=args(dunia, peran, varian) if args else None)

    response = getattr(client_of(dunia["users"][peran]), metode)(url)

    if harapan[peran] == MASUK:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    else:
        assert response.status_code == harapan[peran]


def test_someone_elses_notification_is_never_shown_nor_changed(dunia, client_of):
    client = client_of(dunia["users"]["operator_a"])
    asing = dunia["asing"]

    isi = client.get(reverse("notifikasi:daftar")).content.decode()
    menu = client.get(reverse("notifikasi:lonceng_menu")).content.decode()
    client.post(reverse("notifikasi:tandai_semua_dibaca"))

    assert asing.judul not in isi
    assert asing.judul not in menu
    assert dunia["sendiri"]["operator_a"].judul in isi
    asing.refresh_from_db()
    assert asing.dibaca_pada is None


def test_only_the_admin_sees_the_log_link_on_period_pages(dunia, client_of):
    periode = dunia["periode"]
    log = reverse("notifikasi:periode", args=[periode.tahun])
    halaman = reverse("penilaian:periode", args=[periode.tahun])

    assert log in client_of(dunia["users"]["admin_bkn"]).get(halaman).content.decode()
    # the chair reads the progress pages, which share the period's menu only for the admin
    kemajuan = reverse("penilaian:kemajuan_penilaian", args=[periode.tahun])
    assert log not in client_of(dunia["users"]["ketua"]).get(kemajuan).content.decode()
