"""The permission matrix: for every URL name, how to fill its arguments and what each persona gets.

Read by tests/test_izin.py. Each entry says, for GET and for POST (an empty body), the status
each persona must get, on the persona's "own" objects (SENDIRI) and, where the URL takes an
object, on objects that are not its own (ASING): another agency's evidence, answers, result and
certificate, another evaluator's sheet, an unpublished period, an object of another period.

The rules the table encodes (server side):
- anonymous users go to the login page (MASUK), except on public pages;
- a role that may not use a page gets 403 (``permission_required``), checked before the method,
  so a POST-only view answers 405 to GET only for roles that may use it;
- another agency's or evaluator's object answers 404, never a page;
- nobody ever gets a 500.

The world these arguments come from is built in tests/test_izin.py (``dunia``).
"""

from dataclasses import dataclass

ANONIM = "anonim"
ADMIN = "admin"
KETUA = "ketua"
PENILAI = "penilai"  # assigned to agency A, with a draft sheet
KONFLIK = "konflik"  # an evaluator assigned to B, who declared a conflict with A (its A sheet is cancelled)
OPERATOR_A = "operator_a"
OPERATOR_B = "operator_b"
PERSONA = (ANONIM, ADMIN, KETUA, PENILAI, KONFLIK, OPERATOR_A, OPERATOR_B)

SENDIRI = "sendiri"
ASING = "asing"

MASUK = "masuk"  # 302 to the login page, with ?next= the requested page

# The agency each persona's "own" objects belong to: an operator's agency, the agency an
# evaluator is assigned to; BKN staff and anonymous users simply take A.
RUMAH = {ANONIM: "A", ADMIN: "A", KETUA: "A", PENILAI: "A", KONFLIK: "B", OPERATOR_A: "A", OPERATOR_B: "B"}
LAIN = {"A": "B", "B": "A"}


def agensi(persona, varian):
    """The agency whose objects fill the URL: the persona's own, or the other one."""
    return RUMAH[persona] if varian == SENDIRI else LAIN[RUMAH[persona]]


def h(lain, *, anonim=MASUK, operator=None, **persona):
    """{persona: expected} for one method: ``lain`` for every signed-in persona not named.

    ``operator`` sets both operators; a value is a status, MASUK, or {SENDIRI: …, ASING: …}.
    """
    hasil = dict.fromkeys(PERSONA, lain)
    hasil[ANONIM] = anonim
    if operator is not None:
        hasil[OPERATOR_A] = hasil[OPERATOR_B] = operator
    hasil.update(persona)
    return hasil


def milik(sendiri, asing):
    """One status on the persona's own object, another on an object not its own."""
    return {SENDIRI: sendiri, ASING: asing}


@dataclass(frozen=True)
class Rute:
    get: dict
    post: dict
    # (world, persona, variant) -> the URL's kwargs; None for a URL without arguments.
    args: object = None
    varian: tuple = (SENDIRI,)


def _tahun(nama):
    return lambda d, p, v: {"tahun": getattr(d, nama)}


def _lembar(d, p, v):
    """The persona's own sheet, or a sheet it may not touch.

    The evaluator assigned to A: its draft sheet on A / the conflicted evaluator's sheet on B.
    The conflicted evaluator: its live sheet on B / its own cancelled sheet on A (its conflict).
    Everyone else: the first evaluator's sheet on A / the other evaluator's sheet on B.
    """
    if p == KONFLIK:
        return d.lembar_konflik_b if v == SENDIRI else d.lembar_konflik_a
    return d.lembar_penilai_a if v == SENDIRI else d.lembar_konflik_b


# Status shapes shared by many pages.
ADMIN_SAJA = h(403, admin=200)
ADMIN_POST_SAJA = h(403, admin=405)  # a POST-only admin action, asked with GET
ADMIN_KETUA = h(403, admin=200, ketua=200)
MENILAI_GET = h(403, ketua=405, penilai=405, konflik=405)  # POST-only, for evaluators and the chair
TETAPKAN = {"args": _tahun("tahun_terbit")}  # the decision pages act on the published period


def _notifikasi(d, p, v):
    """The persona's own notification, or another persona's (the admin's; the chair's for the admin)."""
    if v == SENDIRI and p != ANONIM:
        return d.notifikasi[p]
    return d.notifikasi[KETUA if p == ADMIN else ADMIN]


TABEL = {
    # The site: home pages, about, health, accounts.
    "beranda": Rute(get=h(302), post=h(302)),
    "beranda_admin": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA),
    "beranda_ketua": Rute(get=h(403, ketua=200), post=h(403, ketua=200)),
    "beranda_penilai": Rute(get=h(403, penilai=200, konflik=200), post=h(403, penilai=200, konflik=200)),
    "beranda_operator": Rute(get=h(403, operator=200), post=h(403, operator=200)),
    "tentang": Rute(get=h(200, anonim=200), post=h(200, anonim=200)),
    "healthz": Rute(get=h(200, anonim=200), post=h(200, anonim=200)),
    # A signed-in user is sent on to the home page (redirect_authenticated_user).
    "login": Rute(get=h(302, anonim=200), post=h(302, anonim=200)),
    # Signing out is POST only; LogoutView is not a public page, so anonymous users go to login.
    "logout": Rute(get=h(405), post=h(302)),
    "password_change": Rute(get=h(200), post=h(200)),
    # Django's template pages answer 405 to POST.
    "password_change_done": Rute(get=h(200), post=h(405)),
    "password_reset": Rute(get=h(200, anonim=200), post=h(200, anonim=200)),
    "password_reset_done": Rute(get=h(200, anonim=200), post=h(405, anonim=405)),
    # A made-up link: the page says the link is invalid.
    "password_reset_confirm": Rute(
        get=h(200, anonim=200),
        post=h(200, anonim=200),
        args=lambda d, p, v: {"uidb64": "MA", "token": "bukan-token"},
    ),
    "password_reset_complete": Rute(get=h(200, anonim=200), post=h(405, anonim=405)),
    # Agencies.
    "instansi:daftar": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA),
    # Staff without an agency get 404 as for another agency (tests/instansi/test_views.py).
    "instansi:detail": Rute(
        get=h(404, admin=200, operator=milik(200, 404)),
        post=h(404, admin=200, operator=milik(200, 404)),
        args=lambda d, p, v: {"kode": d.instansi[agensi(p, v)].kode},
        varian=(SENDIRI, ASING),
    ),
    # Periods and their instrument: the admin's (the unpublished period in scoring).
    "penilaian:periode_daftar": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA),
    "penilaian:periode_baru": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA),  # an empty form is refused
    "penilaian:periode": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:jadwal": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    # A confirmation without the stage it saw goes back to the period page.
    "penilaian:tahap_maju": Rute(get=ADMIN_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")),
    "penilaian:instrumen": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:instrumen_ekspor": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:instrumen_impor": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:instrumen_templat": Rute(
        get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")
    ),
    "penilaian:instrumen_salin": Rute(
        get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")
    ),
    "penilaian:peserta": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:peserta_tetapkan": Rute(
        get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")
    ),
    "penilaian:peserta_tambah": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")),
    # ASING: a participant of another period, under this period's URL.
    "penilaian:peserta_hapus": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_nilai,
            "pk": (d.peserta_nilai["A"] if v == SENDIRI else d.peserta_lain).pk,
        },
        varian=(SENDIRI, ASING),
    ),
    "penilaian:peserta_subkelompok": Rute(
        get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")
    ),
    "penilaian:subkelompok_buat": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    # ASING: a sub-group of another period.
    "penilaian:subkelompok_hapus": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_nilai,
            "pk": (d.sub_nilai if v == SENDIRI else d.sub_lain).pk,
        },
        varian=(SENDIRI, ASING),
    ),
    "penilaian:pengisian": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    # ASING: an agency that does not take part in this period.
    "penilaian:pengisian_instansi": Rute(
        get=h(403, admin=milik(200, 404)),
        post=h(403, admin=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "kode": d.kode_peserta(v)},
        varian=(SENDIRI, ASING),
    ),
    # The agency's receipt: A has not submitted in this world, so back to its filling page.
    "penilaian:pengisian_tanda_terima": Rute(
        get=h(403, admin=milik(302, 404)),
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "kode": d.kode_peserta(v)},
        varian=(SENDIRI, ASING),
    ),
    "penilaian:pengisian_zip": Rute(
        get=h(403, admin=milik(200, 404)),
        post=h(403, admin=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "kode": d.kode_peserta(v)},
        varian=(SENDIRI, ASING),
    ),
    # An empty reopening form is shown again with its errors.
    "penilaian:buka_kembali": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "kode": d.kode_peserta(v)},
        varian=(SENDIRI, ASING),
    ),
    # Assignments: the admin's.
    "penilaian:penugasan": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:penugasan_pengaturan": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:penugasan_otomatis": Rute(
        get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")
    ),
    "penilaian:penugasan_impor": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "penilaian:penugasan_tambah": Rute(
        get=ADMIN_POST_SAJA, post=h(403, admin=302), args=_tahun("tahun_nilai")
    ),
    # ASING: a sheet of another period.
    "penilaian:penugasan_batal": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_nilai,
            "pk": (d.lembar_penilai_a if v == SENDIRI else d.lembar_terbit).pk,
        },
        varian=(SENDIRI, ASING),
    ),
    # Progress, moderation and audit: the admin's and the chair's.
    "penilaian:kemajuan_penilaian": Rute(get=ADMIN_KETUA, post=ADMIN_KETUA, args=_tahun("tahun_nilai")),
    "penilaian:moderasi": Rute(get=ADMIN_KETUA, post=ADMIN_KETUA, args=_tahun("tahun_nilai")),
    # Refused (empty) forms re-show the moderation page with their errors.
    "penilaian:moderasi_tetapkan": Rute(
        get=h(403, admin=405, ketua=405), post=ADMIN_KETUA, args=_tahun("tahun_nilai")
    ),
    "penilaian:lembar_kembalikan": Rute(
        get=h(403, admin=405, ketua=405), post=ADMIN_KETUA, args=_tahun("tahun_nilai")
    ),
    "penilaian:konflik_putuskan": Rute(
        get=h(403, admin=405, ketua=405), post=ADMIN_KETUA, args=_tahun("tahun_nilai")
    ),
    # The admin's cuti bersama. An empty form is refused; ASING: a day of another year under this
    # year's URL.
    "penilaian:hari_libur": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=lambda d, p, v: {"tahun": 2025}),
    "penilaian:hari_libur_hapus": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {"tahun": 2025 if v == SENDIRI else 2026, "pk": d.hari_libur.pk},
        varian=(SENDIRI, ASING),
    ),
    "penilaian:riwayat": Rute(
        get=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        post=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "kode": d.kode_peserta(v)},
        varian=(SENDIRI, ASING),
    ),
    # Objections: the panel's list, decisions and files. ASING: an objection of the published period
    # under another period's URL. An empty decision re-shows the list with why.
    "penilaian:sanggah": Rute(get=ADMIN_KETUA, post=ADMIN_KETUA, **TETAPKAN),
    "penilaian:sanggah_putuskan": Rute(
        get=h(403, admin=405, ketua=405),
        post=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai,
            "pk": d.sanggah["A"].pk,
        },
        varian=(SENDIRI, ASING),
    ),
    "penilaian:sanggah_berkas": Rute(
        get=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        post=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai,
            "pk": d.sanggah["A"].pk,
        },
        varian=(SENDIRI, ASING),
    ),
    # Self-assessment: operators only, each on its own agency. ASING: a period the agency is not in.
    "mandiri:ringkasan": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain},
        varian=(SENDIRI, ASING),
    ),
    # The agency's clarification requests. ASING: a period the agency is not in; another agency's
    # request. An empty answer re-shows the form with why.
    "mandiri:klarifikasi_daftar": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain},
        varian=(SENDIRI, ASING),
    ),
    "mandiri:klarifikasi_jawab": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "pk": d.klarifikasi_instansi[agensi(p, v)].pk},
        varian=(SENDIRI, ASING),
    ),
    # Preliminary results, objections and the agency's timeline, on the published period (which
    # went through them). ASING: a period the agency is not in; the other agency's objection.
    "mandiri:hasil_sementara": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit if v == SENDIRI else d.tahun_lain},
        varian=(SENDIRI, ASING),
    ),
    # The window is closed: the form says so; an empty objection is re-shown with why.
    "mandiri:sanggah_ajukan": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit if v == SENDIRI else d.tahun_lain, "kode": "I1"},
        varian=(SENDIRI, ASING),
    ),
    "mandiri:sanggah_berkas": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit, "pk": d.sanggah[agensi(p, v)].pk},
        varian=(SENDIRI, ASING),
    ),
    "mandiri:linimasa": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit if v == SENDIRI else d.tahun_lain},
        varian=(SENDIRI, ASING),
    ),
    # Submitting after the deadline is refused with a message.
    "mandiri:kirim": Rute(
        get=h(403, operator=405),
        post=h(403, operator=milik(302, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain},
        varian=(SENDIRI, ASING),
    ),
    # The receipt: not submitted in this world, so back to the summary with why.
    "mandiri:tanda_terima": Rute(
        get=h(403, operator=milik(302, 404)),
        post=h(403, operator=milik(302, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain},
        varian=(SENDIRI, ASING),
    ),
    # ASING: the other agency's evidence file.
    "mandiri:hapus_bukti": Rute(
        get=h(403, operator=405),
        post=h(403, operator=milik(302, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai, "pk": d.bukti[agensi(p, v)].pk},
        varian=(SENDIRI, ASING),
    ),
    # A POST without an action shows the page again.
    "mandiri:indikator": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain, "kode": "I1"},
        varian=(SENDIRI, ASING),
    ),
    # The autosave answers its fragment, with why nothing was saved.
    "mandiri:simpan_jawaban": Rute(
        get=h(403, operator=405),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain, "kode": "I1"},
        varian=(SENDIRI, ASING),
    ),
    # The page's script sends one file per request: an empty one is answered {"ok": false} with why.
    "mandiri:unggah_bukti": Rute(
        get=h(403, operator=405),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_nilai if v == SENDIRI else d.tahun_lain, "kode": "I1"},
        varian=(SENDIRI, ASING),
    ),
    # Score sheets. The chair and admins read every sheet; operators get 404 as for any sheet
    # not theirs (tests/penilaian/test_penilai.py), although the role may not use the page at all.
    "penilai:lembar": Rute(
        get=h(404, admin=200, ketua=200, penilai=milik(200, 404), konflik=milik(200, 404)),
        post=h(404, admin=200, ketua=200, penilai=milik(200, 404), konflik=milik(200, 404)),
        args=lambda d, p, v: {"pk": _lembar(d, p, v).pk},
        varian=(SENDIRI, ASING),
    ),
    # Only the sheet's own evaluator writes on it: the chair reads, and gets 404 for writing.
    "penilai:simpan_nilai": Rute(
        get=MENILAI_GET,
        post=h(403, ketua=404, penilai=milik(302, 404), konflik=milik(302, 404)),
        args=lambda d, p, v: {"pk": _lembar(d, p, v).pk, "kode": "I1"},
        varian=(SENDIRI, ASING),
    ),
    # An incomplete sheet is refused with a message.
    "penilai:kirim": Rute(
        get=MENILAI_GET,
        post=h(403, ketua=404, penilai=milik(302, 404), konflik=milik(302, 404)),
        args=lambda d, p, v: {"pk": _lembar(d, p, v).pk},
        varian=(SENDIRI, ASING),
    ),
    "penilai:konflik": Rute(
        get=h(403, ketua=200, penilai=200, konflik=200), post=h(403, ketua=200, penilai=200, konflik=200)
    ),
    # Clarification requests: only the sheet's evaluator asks (an empty question re-shows the sheet
    # with why) and withdraws its own request (then back to the sheet).
    "penilai:klarifikasi_ajukan": Rute(
        get=MENILAI_GET,
        post=h(403, ketua=404, penilai=milik(200, 404), konflik=milik(200, 404)),
        args=lambda d, p, v: {"pk": _lembar(d, p, v).pk, "kode": "I1"},
        varian=(SENDIRI, ASING),
    ),
    "penilai:klarifikasi_tarik": Rute(
        get=MENILAI_GET,
        post=h(403, ketua=404, penilai=milik(302, 404), konflik=milik(302, 404)),
        args=lambda d, p, v: {
            "pk": _lembar(d, p, v).pk,
            "id_klarifikasi": d.klarifikasi.get(_lembar(d, p, v).pk, d.klarifikasi_instansi["A"]).pk,
        },
        varian=(SENDIRI, ASING),
    ),
    # Rankings: the admin computes, the chair reads.
    "laporan:peringkat": Rute(get=ADMIN_KETUA, post=ADMIN_KETUA, **TETAPKAN),
    "laporan:dasbor": Rute(get=ADMIN_KETUA, post=ADMIN_KETUA, args=_tahun("tahun_nilai")),
    "laporan:mulai": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=302), **TETAPKAN),
    # ASING: a run (or a snapshot) of another period, under this period's URL.
    "laporan:status_run": Rute(
        get=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        post=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai, "pk": d.run.pk},
        varian=(SENDIRI, ASING),
    ),
    # Publishing preliminary results after the winners is refused with a message. ASING: a snapshot
    # of the published period under another period's URL.
    "laporan:terbitkan_sementara": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai,
            "pk": d.snapshot.pk,
        },
        varian=(SENDIRI, ASING),
    ),
    "laporan:pengaturan": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    "laporan:ekspor": Rute(
        get=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        post=h(403, admin=milik(200, 404), ketua=milik(200, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai,
            "pk": d.snapshot.pk,
        },
        varian=(SENDIRI, ASING),
    ),
    # The decision: the admin's. The published period has no draft left, so the draft-only
    # actions answer 404 even to the admin.
    "laporan:penetapan": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    "laporan:penetapan_buat": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    "laporan:pengaturan_piagam": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    "laporan:khusus_tambah": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=404), **TETAPKAN),
    # ASING: the special mention of the published period, under another period's URL.
    "laporan:khusus_hapus": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai,
            "pk": d.khusus.pk,
        },
        varian=(SENDIRI, ASING),
    ),
    "laporan:seri_putuskan": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=404), **TETAPKAN),
    "laporan:setujui": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=302), **TETAPKAN),
    "laporan:umumkan": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=302), **TETAPKAN),
    "laporan:tarik": Rute(get=ADMIN_POST_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    "laporan:render_ulang": Rute(get=ADMIN_POST_SAJA, post=h(403, admin=302), **TETAPKAN),
    "laporan:kemajuan_sertifikat": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    "laporan:zip_sertifikat": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, **TETAPKAN),
    # ASING: a certificate of the published period, under another period's URL.
    "laporan:cabut": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(200, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai,
            "kode": d.sertifikat["A"].kode,
        },
        varian=(SENDIRI, ASING),
    ),
    # Public pages. ASING: the unpublished period; a code no published certificate has.
    "pemenang_daftar": Rute(get=h(200, anonim=200), post=h(200, anonim=200)),
    "pemenang": Rute(
        get=h(milik(200, 404), anonim=milik(200, 404)),
        post=h(milik(200, 404), anonim=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai},
        varian=(SENDIRI, ASING),
    ),
    "verifikasi": Rute(
        get=h(milik(200, 404), anonim=milik(200, 404)),
        post=h(milik(200, 404), anonim=milik(200, 404)),
        args=lambda d, p, v: {"kode": d.sertifikat[RUMAH[p]].kode if v == SENDIRI else d.kode_tak_dikenal},
        varian=(SENDIRI, ASING),
    ),
    # An agency's certificate file: its operators once published, and admins. Staff without an
    # agency get 404 as for another agency's certificate.
    "unduh_sertifikat": Rute(
        get=h(404, admin=200, operator=milik(200, 404)),
        post=h(404, admin=200, operator=milik(200, 404)),
        args=lambda d, p, v: {"kode": d.sertifikat[agensi(p, v)].kode},
        varian=(SENDIRI, ASING),
    ),
    # The agency's own result: ASING is the unpublished period's.
    "hasil": Rute(
        get=h(403, operator=milik(200, 404)),
        post=h(403, operator=milik(200, 404)),
        args=lambda d, p, v: {"tahun": d.tahun_terbit if v == SENDIRI else d.tahun_nilai},
        varian=(SENDIRI, ASING),
    ),
    # Evidence files: admins and the chair read all; an evaluator those of the agencies on its
    # live sheets (never its conflicts); an operator its own agency's.
    "bukti": Rute(
        get=h(milik(200, 404), admin=200, ketua=200),
        post=h(milik(200, 404), admin=200, ketua=200),
        args=lambda d, p, v: {"pk": d.bukti[agensi(p, v)].pk},
        varian=(SENDIRI, ASING),
    ),
    # Notifications: everyone's own inbox, bell and preferences (an empty POST re-shows the form
    # with why). ASING: another user's notification.
    "notifikasi:daftar": Rute(get=h(200), post=h(200)),
    "notifikasi:lonceng": Rute(get=h(200), post=h(405)),
    "notifikasi:lonceng_menu": Rute(get=h(200), post=h(405)),
    "notifikasi:tandai_semua_dibaca": Rute(get=h(405), post=h(302)),
    "notifikasi:buka": Rute(
        get=h(milik(302, 404)),
        post=h(milik(302, 404)),
        args=lambda d, p, v: {"pk": _notifikasi(d, p, v).pk},
        varian=(SENDIRI, ASING),
    ),
    "notifikasi:tandai_dibaca": Rute(
        get=h(405),
        post=h(milik(302, 404)),
        args=lambda d, p, v: {"pk": _notifikasi(d, p, v).pk},
        varian=(SENDIRI, ASING),
    ),
    "notifikasi:preferensi": Rute(get=h(200), post=h(200)),
    # The sending log of a period: the admin's. ASING: a notification of the period in scoring,
    # under the published period's URL.
    "notifikasi:periode": Rute(get=ADMIN_SAJA, post=ADMIN_SAJA, args=_tahun("tahun_nilai")),
    "notifikasi:kirim_ulang": Rute(
        get=ADMIN_POST_SAJA,
        post=h(403, admin=milik(302, 404)),
        args=lambda d, p, v: {
            "tahun": d.tahun_nilai if v == SENDIRI else d.tahun_terbit,
            "pk": d.notifikasi[ADMIN].pk,
        },
        varian=(SENDIRI, ASING),
    ),
}


def kasus():
    """[(url name, persona, method, variant, expected)] for every entry of the table."""
    hasil = []
    for nama, rute in TABEL.items():
        for metode, harapan in (("GET", rute.get), ("POST", rute.post)):
            for persona in PERSONA:
                nilai = harapan[persona]
                for varian in rute.varian:
                    hasil.append(
                        (nama, persona, metode, varian, nilai[varian] if isinstance(nilai, dict) else nilai)
                    )
    return hasil
