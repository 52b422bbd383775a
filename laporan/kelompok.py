"""Peer groups: an agency is ranked against the agencies of its kind, or of the sub-group of its kind
the admin put it in.

A group is identified by its code: the kind ("kota"), or the kind and the sub-group's id ("kota:12").
Names are for people only: a sub-group's name is unique within its kind, so "Tipe A" of the cities
and "Tipe A" of the regencies are two groups, and a sub-group may even be named like a kind.
"""

from instansi.models import JenisInstansi

_URUTAN_JENIS = {jenis.value: n for n, jenis in enumerate(JenisInstansi)}


def kode_kelompok(peserta):
    """The code of the peer group an agency is ranked in."""
    jenis = peserta.instansi.jenis
    return f"{jenis}:{peserta.subkelompok_id}" if peserta.subkelompok_id else jenis


def nama_kelompok(peserta):
    """The name of that group: its sub-group's, or its kind's."""
    if peserta.subkelompok_id:
        return peserta.subkelompok.nama
    return str(JenisInstansi(peserta.instansi.jenis).label)


def jenis_kelompok(kode):
    return kode.partition(":")[0]


def label_kelompok(kode, nama):
    """The name where groups are listed side by side: a sub-group says which kind it splits."""
    jenis, _sep, sub = kode.partition(":")
    if not sub or jenis not in _URUTAN_JENIS:
        return nama
    return f"{nama} ({JenisInstansi(jenis).label})"


def urutan_kelompok(kode, nama):
    """Sort key: kinds in their usual order, each kind's own group before its sub-groups, then by name."""
    jenis, _sep, sub = kode.partition(":")
    return (_URUTAN_JENIS.get(jenis, len(_URUTAN_JENIS)), bool(sub), nama, kode)


def nama_kelompok_periode(periode):
    """{code: name} of every group agencies of the period can be ranked in: one query."""
    from penilaian.models import SubKelompok

    nama = {jenis.value: str(jenis.label) for jenis in JenisInstansi}
    for pk, jenis, sub in SubKelompok.objects.filter(periode=periode).values_list("pk", "jenis", "nama"):
        nama[f"{jenis}:{pk}"] = sub
    return nama
