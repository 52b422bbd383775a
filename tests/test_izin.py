"""The permission matrix: every URL of the site, for every persona, with GET and with POST.

The URL names come from the resolver, the expected statuses from tests/izin_data.py: a new URL
without an entry there fails ``test_every_url_has_an_entry_in_the_permission_matrix``.

One world serves the whole module (building it takes seconds, the matrix has over a thousand
cases): it is built inside a transaction that is rolled back when the module ends, and each test
runs in a savepoint of its own (pytest-django's ``db``), so an admin's POST that changes data is
undone before the next case.
"""

import os
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from instansi.models import JenisInstansi, Peran
from laporan import services as laporan_services
from laporan.models import RunPeringkat, Sertifikat
from laporan.services import sertifikat as layanan_sertifikat
from notifikasi.models import Jenis, Notifikasi, StatusEmail
from penilaian import instrumen
from penilaian import services as penilaian_services
from penilaian.models import (
    HariLiburTambahan,
    Kategori,
    LembarPenilaian,
    Moderasi,
    NilaiPenilai,
    Periode,
    StatusLembar,
    SubKelompok,
    Tahap,
)

from .contoh import LEVEL, instrumen_kecil
from .factories import InstansiFactory, OperatorFactory, PenggunaFactory, PeriodeFactory, jadwal_lengkap
from .izin_data import (
    ADMIN,
    ANONIM,
    KETUA,
    KONFLIK,
    LAIN,
    MASUK,
    OPERATOR_A,
    OPERATOR_B,
    PENILAI,
    RUMAH,
    SENDIRI,
    TABEL,
    kasus,
)
from .penilaian import berkas_uji

pytestmark = pytest.mark.django_db

CATATAN_BUTA = "Catatan penilai kedua untuk instansi A."
# The panel's own note: never shown outside BKN, not even with the published results.
CATATAN_PANEL = "Memo internal panel: jangan tampilkan ke instansi."
# Operators read clarification requests and results without the evaluators' names.
NAMA_PENILAI = ("Penilai Izin", "Penilai Berkonflik", "Penilai Kedua", "Penilai P", "Penilai Q")

# Not ours to police: Django's own admin (its own permission system), the debug toolbar, and
# static files served in development.
DIKECUALIKAN = {"admin", "djdt"}
STATIK = {"django.views.static.serve", "django.contrib.staticfiles.views.serve"}


def nama_url(resolver=None, namespace=(), awalan=""):
    """Every URL pattern of the site, by its full name (namespace:name).

    A pattern without a name cannot be reversed, hence cannot be in the table: it is listed
    by its route, so that the completeness test names it.
    """
    resolver = resolver or get_resolver()
    nama = set()
    for pola in resolver.url_patterns:
        if isinstance(pola, URLResolver):
            if pola.namespace in DIKECUALIKAN:
                continue
            ns = (*namespace, pola.namespace) if pola.namespace else namespace
            nama |= nama_url(pola, ns, awalan + str(pola.pattern))
        elif isinstance(pola, URLPattern) and pola.lookup_str not in STATIK:
            nama.add(
                ":".join((*namespace, pola.name)) if pola.name else f"<tanpa nama: /{awalan}{pola.pattern}>"
            )
    return nama


def test_every_url_has_an_entry_in_the_permission_matrix():
    dari_resolver = nama_url()

    tanpa_harapan = sorted(dari_resolver - TABEL.keys())
    usang = sorted(TABEL.keys() - dari_resolver)
    assert not tanpa_harapan, (
        f"URL tanpa baris di matriks izin: {tanpa_harapan}. Tambahkan ke TABEL di tests/izin_data.py "
        "status yang benar untuk setiap persona, GET dan POST (objek sendiri dan asing)."
    )
    assert not usang, (
        f"Baris matriks izin untuk URL yang sudah tidak ada: {usang}; hapus dari tests/izin_data.py."
    )


# The world


def _render_sertifikat(penetapan):
    """Render every certificate of the decision here, as the workers would."""
    for s in Sertifikat.objects.filter(penghargaan__penetapan=penetapan):
        layanan_sertifikat.render(sertifikat_id=s.pk)


def _periode_terbit(d, admin, ketua):
    """The hand-computed example of tests/contoh.py with A, B (and C): ranked, approved, announced."""
    periode = PeriodeFactory(nama="BKN Award 2040", tahun=2040, dibuat_oleh=admin, tahap=Tahap.MODERASI)
    instrumen.simpan(instrumen_kecil(), periode)
    indikator = {i.kode: i for i in periode.indikator.all()}
    peserta = {kode: periode.peserta.create(instansi=d.instansi[kode]) for kode in LEVEL}
    penilai = [
        PenggunaFactory(username="izin.penilai.p", nama="Penilai P", peran=Peran.PENILAI),
        PenggunaFactory(username="izin.penilai.q", nama="Penilai Q", peran=Peran.PENILAI),
    ]
    for kode, per_indikator in LEVEL.items():
        for n, user in enumerate(penilai):
            lembar = LembarPenilaian.objects.create(
                periode=periode,
                peserta=peserta[kode],
                penilai=user,
                cara="manual",
                ditugaskan_oleh=admin,
                status=StatusLembar.DIKIRIM,
            )
            NilaiPenilai.objects.bulk_create(
                NilaiPenilai(
                    lembar=lembar,
                    indikator=indikator[i],
                    level=levels[n],
                    catatan_panel=CATATAN_PANEL,
                    versi=1,
                )
                for i, levels in per_indikator.items()
            )
    Moderasi.objects.create(
        peserta=peserta["C"], indikator=indikator["I1"], level=1, alasan="Bukti sebagian", oleh=ketua
    )
    # Preliminary results, an objection of A and of B (each with a file), both decided by the chair;
    # the winners come from the snapshot taken after the decisions.
    sementara = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    laporan_services.terbitkan_hasil_sementara(
        snapshot=periode.snapshot.get(pk=laporan_services.jalankan_run(run_id=sementara.pk)), oleh=admin
    )
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.MODERASI, oleh=admin)
    d.sanggah = {}
    for kode in "AB":
        d.sanggah[kode] = penilaian_services.ajukan_sanggah(
            peserta=peserta[kode],
            indikator=indikator["I2"],
            alasan=f"Sanggah khusus instansi {kode}.",
            berkas=berkas_uji.unggahan(f"sanggah-{kode}.pdf", berkas_uji.pdf(f"sanggah {kode}")),
            oleh=d.users[OPERATOR_A if kode == "A" else OPERATOR_B],
        )
        penilaian_services.putuskan_sanggah(
            sanggah=d.sanggah[kode], terima=False, alasan="Bukti tidak mengubah level.", oleh=ketua
        )
        d.rahasia[kode] += [f"Sanggah khusus instansi {kode}.", d.sanggah[kode].berkas_nama]
    d.run = RunPeringkat.objects.create(periode=periode, dibuat_oleh=admin)
    d.snapshot = periode.snapshot.get(pk=laporan_services.jalankan_run(run_id=d.run.pk))
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.SANGGAH, oleh=admin)
    periode.penandatangan_nama = "Dr. Contoh Penandatangan"
    periode.save()
    penetapan = laporan_services.buat_penetapan(
        periode=periode, snapshot=d.snapshot, jumlah_peringkat=3, oleh=admin
    )
    d.khusus = laporan_services.beri_penghargaan_khusus(
        penetapan=penetapan,
        peserta=peserta["C"],
        kategori=Kategori.objects.get(periode=periode, kode="KHUSUS"),
        alasan="Layanan kepegawaian terbaik",
        oleh=admin,
    )
    penetapan = laporan_services.setujui(penetapan=penetapan, oleh=admin)
    _render_sertifikat(penetapan)
    laporan_services.umumkan(penetapan=penetapan)
    d.sertifikat = {
        kode: Sertifikat.objects.get(penghargaan__peserta=peserta[kode], penghargaan__kategori__kode="UTAMA")
        for kode in ("A", "B")
    }
    d.lembar_terbit = LembarPenilaian.objects.filter(periode=periode).first()
    d.tahun_terbit = periode.tahun


def _periode_dinilai(d, admin, users):
    """A period in scoring: A and B answered and uploaded evidence; the evaluators' sheets."""
    periode = PeriodeFactory(nama="BKN Award 2030", tahun=2030, dibuat_oleh=admin)
    instrumen.simpan(instrumen_kecil(), periode)
    penilaian_services.simpan_jadwal(periode=periode, jadwal=jadwal_lengkap())
    d.peserta_nilai = {
        kode: penilaian_services.tambah_peserta(periode=periode, instansi=d.instansi[kode]) for kode in "AB"
    }
    d.sub_nilai = penilaian_services.buat_subkelompok(
        periode=periode, jenis=JenisInstansi.KABUPATEN, nama="Tipe A"
    )
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.PERSIAPAN, oleh=admin)
    i1 = periode.indikator.prefetch_related("syarat_bukti").get(kode="I1")
    d.bukti = {}
    for kode, operator in (("A", users[OPERATOR_A]), ("B", users[OPERATOR_B])):
        peserta = d.peserta_nilai[kode]
        penilaian_services.simpan_jawaban(
            peserta=peserta,
            indikator=i1,
            level=3,
            penjelasan=f"Penjelasan khusus instansi {kode}.",
            oleh=operator,
        )
        d.bukti[kode] = penilaian_services.unggah_bukti(
            peserta=peserta,
            indikator=i1,
            berkas=berkas_uji.unggahan(f"bukti-{kode}.pdf", berkas_uji.pdf(f"bukti {kode}")),
            syarat=i1.syarat_bukti.first(),
            oleh=operator,
        )
    semenit_lalu = timezone.now() - timedelta(minutes=1)
    periode.jadwal.filter(tahap=Tahap.PENILAIAN_MANDIRI).update(selesai=semenit_lalu)
    periode.jadwal.filter(tahap=Tahap.VERIFIKASI).update(mulai=semenit_lalu)
    periode = penilaian_services.maju_tahap(periode=periode, dari=Tahap.PENILAIAN_MANDIRI, oleh=admin)
    tugaskan = penilaian_services.tugaskan
    d.lembar_penilai_a = tugaskan(peserta=d.peserta_nilai["A"], penilai=users[PENILAI], oleh=admin)
    d.lembar_konflik_a = tugaskan(peserta=d.peserta_nilai["A"], penilai=users[KONFLIK], oleh=admin)
    d.lembar_konflik_b = tugaskan(peserta=d.peserta_nilai["B"], penilai=users[KONFLIK], oleh=admin)
    penilaian_services.nyatakan_konflik(
        penilai=users[KONFLIK], instansi=d.instansi["A"], alasan="Saudara kandung bekerja di BKPSDM."
    )
    d.lembar_konflik_a.refresh_from_db()
    assert d.lembar_konflik_a.status == StatusLembar.DIBATALKAN
    # A second evaluator of A has submitted, with notes: the first, still drafting, must not see
    # them (blind scoring), nor may anyone outside BKN before publication.
    kedua = PenggunaFactory(username="izin.penilai.dua", nama="Penilai Kedua", peran=Peran.PENILAI)
    lembar = tugaskan(peserta=d.peserta_nilai["A"], penilai=kedua, oleh=admin)
    for indikator in periode.indikator.prefetch_related("rubrik"):
        penilaian_services.simpan_nilai(
            lembar=lembar,
            indikator=indikator,
            level=1,
            catatan=CATATAN_BUTA,
            catatan_panel=CATATAN_PANEL,
            versi=0,
            oleh=kedua,
        )
    d.lembar_kedua = penilaian_services.kirim_lembar(lembar=lembar, oleh=kedua)
    # A clarification request to each agency, each by the evaluator of the sheet it is on.
    d.klarifikasi_instansi = {
        kode: penilaian_services.ajukan_klarifikasi(
            lembar=lembar,
            indikator=i1,
            pertanyaan=f"Mohon jelaskan bukti instansi {kode}.",
            bukti=d.bukti[kode],
            oleh=lembar.penilai,
        )
        for kode, lembar in (("A", d.lembar_penilai_a), ("B", d.lembar_konflik_b))
    }
    d.klarifikasi = {k.lembar_id: k for k in d.klarifikasi_instansi.values()}
    d.tahun_nilai = periode.tahun
    # What only the agency itself (and BKN) may read: its file names and its answers.
    d.rahasia = {kode: [d.bukti[kode].nama_berkas, f"Penjelasan khusus instansi {kode}."] for kode in "AB"}


def _bangun_dunia():
    admin = PenggunaFactory(
        username="izin.admin", nama="Admin Izin", peran=Peran.ADMIN, is_staff=True, is_superuser=True
    )
    ketua = PenggunaFactory(username="izin.ketua", nama="Ketua Izin", peran=Peran.KETUA)
    d = SimpleNamespace(kode_tak_dikenal="BUKANKODE1")
    d.instansi = {kode: InstansiFactory(nama_wilayah=f"Izin {kode}") for kode in ("A", "B", "C")}
    d.users = {
        ANONIM: None,
        ADMIN: admin,
        KETUA: ketua,
        PENILAI: PenggunaFactory(username="izin.penilai", nama="Penilai Izin", peran=Peran.PENILAI),
        KONFLIK: PenggunaFactory(username="izin.konflik", nama="Penilai Berkonflik", peran=Peran.PENILAI),
        OPERATOR_A: OperatorFactory(username="izin.operator.a", instansi=d.instansi["A"]),
        OPERATOR_B: OperatorFactory(username="izin.operator.b", instansi=d.instansi["B"]),
    }
    _periode_dinilai(d, admin, d.users)
    d.hari_libur = HariLiburTambahan.objects.create(
        tanggal=date(2025, 4, 2), keterangan="Cuti bersama Idul Fitri", dibuat_oleh=admin
    )
    _periode_terbit(d, admin, ketua)
    # A third period, in preparation, that A and B do not take part in.
    lain = PeriodeFactory(nama="BKN Award 2031", tahun=2031, dibuat_oleh=admin)
    d.peserta_lain = lain.peserta.create(instansi=d.instansi["C"])
    d.sub_lain = SubKelompok.objects.create(periode=lain, jenis=JenisInstansi.KABUPATEN, nama="Tipe B")
    d.tahun_lain = lain.tahun
    # A participant of the period in scoring, and an agency that is not one.
    d.kode_peserta = lambda varian: d.instansi["A" if varian == SENDIRI else "C"].kode
    # A notification for each signed-in persona, of the period in scoring, its e-mail failed for good.
    periode_nilai = Periode.objects.get(tahun=d.tahun_nilai)
    d.notifikasi = {
        persona: Notifikasi.objects.create(
            penerima=user,
            jenis=Jenis.PENGINGAT_TENGGAT,
            periode=periode_nilai,
            judul=f"Pengingat untuk {user.nama}",
            isi="Tenggat tahap ini sudah dekat.",
            tautan="/",
            status_email=StatusEmail.GAGAL_TETAP,
        )
        for persona, user in d.users.items()
        if user is not None
    }
    return d


@pytest.fixture(scope="module")
def _penyimpanan(tmp_path_factory):
    """Private files (evidence, certificates) in one folder for the whole module."""
    root = tmp_path_factory.mktemp("izin") / "private"
    caches = (
        {}
        if os.environ.get("CACHE_URL")
        else {"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}
    )
    with override_settings(
        PRIVATE_MEDIA_ROOT=root,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "bukti": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root / "bukti")},
            },
            "sertifikat": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root / "sertifikat")},
            },
        },
        **caches,
    ):
        yield


@pytest.fixture(autouse=True)
def _test_settings(_penyimpanan):
    """Replaces the per-test storage of tests/conftest.py: the world's files live for the module."""
    cache.clear()


@pytest.fixture(scope="module")
def dunia(django_db_setup, django_db_blocker, _penyimpanan):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _bangun_dunia()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# What Django, its widgets and the libraries say when a string escaped translation. Matched as whole
# words in the text people read (tags, scripts and styles removed), case-sensitively.
INGGRIS = (
    "Select an option",
    "Select",
    "Submit",
    "Save",
    "Cancel",
    "Delete",
    "Search",
    "Previous",
    "Next",
    "Currently",
    "Change",
    "Clear",
    "Required",
    "required",
    "This field",
    "Enter a valid",
    "Loading",
    "Choose",
    "Upload",
    "Download",
    "Password",
    "Username",
    "Log in",
    "Sign in",
    "Home",
    "Page",
    "of",
    "the",
    "and",
    "---------",
)
# The licence's attribution notice is English on purpose (marked lang="en"), as ODbL words it.
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<(\w+)[^>]*\blang=\"en\"[^>]*>.*?</\2>|<[^>]+>", re.S)
_INGGRIS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in INGGRIS) + r")(?![\w-])")


_ATRIBUT = re.compile(r'\b(?:placeholder|aria-label|title|alt)="([^"]*)"')


def kata_inggris(html):
    """The English words of ``html``'s readable text (and the attributes people read), from INGGRIS."""
    tanpa_kode = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    teks = " ".join([_TAG.sub(" ", tanpa_kode), *_ATRIBUT.findall(tanpa_kode)])
    return sorted({k for k in _INGGRIS.findall(teks) if k})


def terlarang(d, persona):
    """Texts a page shown to the persona must never contain.

    An operator, or an evaluator, reads its own agency only: never the other agency's files and
    answers, nor an evaluator's notes before publication (the first evaluator has not submitted
    its own sheet yet), nor the panel's internal notes; operators never read an evaluator's name. Anonymous users read none of it; admins and the chair read everything.
    """
    if persona in (ADMIN, KETUA):
        return []
    if persona == ANONIM:
        return [*d.rahasia["A"], *d.rahasia["B"], CATATAN_BUTA, CATATAN_PANEL]
    if persona in (OPERATOR_A, OPERATOR_B):
        return [*d.rahasia[LAIN[RUMAH[persona]]], CATATAN_BUTA, CATATAN_PANEL, *NAMA_PENILAI]
    return [*d.rahasia[LAIN[RUMAH[persona]]], CATATAN_BUTA, CATATAN_PANEL]


def _status(response):
    """The status as the table writes it: MASUK for a redirect to the login page."""
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next="):
        return MASUK
    return response.status_code


def _id(kasus):
    nama, persona, metode, varian, _harapan = kasus
    return f"{nama}-{persona}-{metode}-{varian}"


@pytest.mark.parametrize("kasus", kasus(), ids=_id)
def test_each_persona_gets_its_status_on_every_url_and_sees_only_its_data(dunia, client_of, kasus):
    nama, persona, metode, varian, harapan = kasus
    rute = TABEL[nama]
    url = reverse(nama, kwargs=rute.args(dunia, persona, varian) if rute.args else None)
    client = client_of(dunia.users[persona])

    try:
        response = client.get(url) if metode == "GET" else client.post(url)
    except Exception as exc:  # the test client re-raises what the view raised: a 500
        pytest.fail(f"{metode} {url} sebagai {persona}: 500 ({type(exc).__name__}: {exc}), harapan {harapan}")
    if response.streaming:
        # Read to the end: the client then closes the file the way a WSGI server would.
        b"".join(response.streaming_content)

    status = _status(response)
    lokasi = f" → {response['Location']}" if response.has_header("Location") else ""
    diterima = harapan if isinstance(harapan, (set, frozenset)) else {harapan}
    assert status in diterima, f"{metode} {url} sebagai {persona}: {status}{lokasi}, harapan {harapan}"
    if not response.streaming:
        isi = response.content.decode(errors="replace")
        bocor = [teks for teks in terlarang(dunia, persona) if teks in isi]
        assert not bocor, f"{metode} {url} sebagai {persona} memperlihatkan data yang bukan haknya: {bocor}"
        if response.get("Content-Type", "").startswith("text/html"):
            inggris = kata_inggris(isi)
            assert not inggris, f"{metode} {url} sebagai {persona} memuat teks berbahasa Inggris: {inggris}"


def test_the_private_texts_are_on_the_pages_of_those_who_may_read_them(dunia, client_of):
    """The leak check of the matrix is not vacuous: each text is shown where it belongs."""
    indikator = reverse("mandiri:indikator", args=[dunia.tahun_nilai, "I1"])
    boleh = [
        (OPERATOR_A, indikator, dunia.rahasia["A"][:2]),
        (OPERATOR_B, indikator, dunia.rahasia["B"][:2]),
        (PENILAI, reverse("penilai:lembar", args=[dunia.lembar_penilai_a.pk]), dunia.rahasia["A"][:2]),
        (KONFLIK, reverse("penilai:lembar", args=[dunia.lembar_konflik_b.pk]), dunia.rahasia["B"][:2]),
        (
            OPERATOR_A,
            reverse(
                "mandiri:klarifikasi_jawab", args=[dunia.tahun_nilai, dunia.klarifikasi_instansi["A"].pk]
            ),
            ["Mohon jelaskan bukti instansi A.", dunia.rahasia["A"][0]],
        ),
        (
            KETUA,
            reverse("penilai:lembar", args=[dunia.lembar_kedua.pk]),
            [*dunia.rahasia["A"][:2], CATATAN_BUTA, CATATAN_PANEL],
        ),
    ]
    sementara = reverse("mandiri:hasil_sementara", args=[dunia.tahun_terbit])
    boleh += [
        (OPERATOR_A, sementara, dunia.rahasia["A"][2:]),
        (OPERATOR_B, reverse("mandiri:linimasa", args=[dunia.tahun_terbit]), dunia.rahasia["B"][2:3]),
        (
            KETUA,
            reverse("penilaian:sanggah", args=[dunia.tahun_terbit]),
            [*dunia.rahasia["A"][2:], *dunia.rahasia["B"][2:]],
        ),
    ]
    for persona, url, teks in boleh:
        isi = client_of(dunia.users[persona]).get(url).content.decode()
        assert [t for t in teks if t in isi] == teks, (persona, url)


def test_the_english_scan_finds_what_escaped_translation_and_only_in_readable_text():
    html = (
        '<label>Provinsi</label><select><option value="">- Select an option -</option></select>'
        '<input placeholder="Search"><script>var next = 1;</script><p lang="en">Made available under the ODbL.</p>'
        "<p>Lihat halaman berikutnya</p>"
    )

    assert kata_inggris(html) == ["Search", "Select an option"]
