"""Reads on agencies that more than one page needs."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404

from .models import Instansi, JenisInstansi
from .rules import is_admin_bkn


def cari_instansi(*, q="", jenis="", provinsi=None, aktif=None):
    """Agencies matching a search on name, short name or code, a kind and a province.

    A province filter keeps the province itself and its kabupaten/kota.
    """
    qs = Instansi.objects.select_related("induk")
    if q:
        qs = qs.filter(Q(nama__icontains=q) | Q(singkatan__icontains=q) | Q(kode__icontains=q))
    if jenis:
        qs = qs.filter(jenis=jenis)
    if provinsi is not None:
        qs = qs.filter(Q(pk=provinsi.pk) | Q(induk=provinsi))
    if aktif is not None:
        qs = qs.filter(aktif=aktif)
    return qs


def jumlah_per_jenis(qs=None):
    """[(JenisInstansi, count)] in the order of the kinds, zeros included."""
    qs = Instansi.objects.all() if qs is None else qs
    counts = dict(qs.values_list("jenis").annotate(n=Count("pk")).order_by())
    return [(jenis, counts.get(jenis.value, 0)) for jenis in JenisInstansi]


def provinsi_list():
    return Instansi.objects.filter(jenis=JenisInstansi.PROVINSI).order_by("nama")


KUNCI_PILIHAN_PROVINSI = "instansi:pilihan-provinsi"


def pilihan_provinsi():
    """[(kode, nama)] of the provinces for the filter forms of busy list pages, from the cache.

    The 38 provinces seldom change; any save of an agency clears the cache
    (``instansi/signals.py``), and an hour's expiry bounds what a missed signal could cost.
    """
    pilihan = cache.get(KUNCI_PILIHAN_PROVINSI)
    if pilihan is None:
        pilihan = [(p.kode, p.nama_wilayah or p.nama) for p in provinsi_list()]
        cache.set(KUNCI_PILIHAN_PROVINSI, pilihan, 60 * 60)
    return pilihan


def get_instansi_for_user(user, kode):
    """The agency with this code, if the user may see it: 404 otherwise.

    An admin sees every agency; an operator only its own.
    """
    qs = Instansi.objects.select_related("induk")
    if not is_admin_bkn(user):
        qs = qs.filter(pk=getattr(user, "instansi_id", None))
    try:
        return qs.get(kode=kode)
    except Instansi.DoesNotExist:
        raise Http404 from None
