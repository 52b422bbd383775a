from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils.translation import gettext as _


@receiver(user_logged_out)
def _pesan_keluar(sender, request, user, **kwargs):
    # Stored in the messages cookie, so it survives the session being flushed.
    messages.info(request, _("Anda sudah keluar. Sampai jumpa."), fail_silently=True)
