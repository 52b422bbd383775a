"""Preliminary results: a snapshot published to the agencies only, before objections."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifikasi import peristiwa
from penilaian.models import Periode, Tahap

from ..models import HasilSementara

# Published after moderation, for the objections; re-published while objections are decided.
TAHAP_TERBIT = (Tahap.MODERASI, Tahap.SANGGAH)


@transaction.atomic
def terbitkan_hasil_sementara(*, snapshot, oleh):
    """Publish ``snapshot`` to the period's agencies as their preliminary results.

    Writes a new HasilSementara (the latest is the one the agencies read); older
    publications stay as the record of what was shown when. The operators of every
    participating agency are told, in the same transaction.
    """
    periode = Periode.objects.select_for_update().get(pk=snapshot.periode_id)
    if periode.tahap not in TAHAP_TERBIT:
        raise ValidationError(
            _("Hasil sementara diterbitkan pada tahap Moderasi atau Sanggah (sekarang: %(tahap)s).")
            % {"tahap": periode.get_tahap_display()},
            code="tahap",
        )
    if not snapshot.hasil.exclude(level_indikator={}).exists():
        raise ValidationError(
            _("Snapshot ini dihitung sebelum level per indikator disimpan; hitung peringkat lagi."),
            code="snapshot",
        )
    hasil = HasilSementara.objects.create(periode=periode, snapshot=snapshot, oleh=oleh)
    peristiwa.hasil_sementara_terbit(hasil)
    return hasil
