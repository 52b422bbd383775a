from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .models import Instansi
from .queries import KUNCI_PILIHAN_PROVINSI


@receiver(user_logged_out)
def _pesan_keluar(sender, request, user, **kwargs):
    # Stored in the messages cookie, so it survives the session being flushed.
    messages.info(request, _("Anda sudah keluar. Sampai jumpa."), fail_silently=True)


@receiver([post_save, post_delete], sender=Instansi)
def _lupakan_pilihan_provinsi(sender, **kwargs):
    cache.delete(KUNCI_PILIHAN_PROVINSI)
    # Again after the commit: a page rendered meanwhile may have cached the old names.
    transaction.on_commit(lambda: cache.delete(KUNCI_PILIHAN_PROVINSI))
