"""Sign-in protections beyond django-axes, and password-reset mail sent by a worker.

- django-axes locks a (username, address) pair after AXES_FAILURE_LIMIT failures. On top of it,
  one account is throttled once AXES_FAILURE_LIMIT_AKUN failures came for it from any addresses
  within the cool-off: guessing one password from many addresses stops too, while a colleague
  mistyping from another office does not lock the account out at the pair's lower limit.
- A password-reset request is answered the same way whether or not the address has an account:
  the view only queues the work; the worker looks the address up and sends the mail. Requests
  are limited per client address (RESET_SANDI_PER_JAM) and mails per e-mail address
  (RESET_SANDI_PER_SUREL) in an hour.
"""

import hashlib
import logging
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

SEJAM = 60 * 60


def lama_jeda():
    """The configured cool-off, as people say it: "15 menit", "1 jam", "1 jam 30 menit"."""
    menit = int(get_cool_off().total_seconds() // 60)
    jam, menit = divmod(menit, 60)
    bagian = []
    if jam:
        bagian.append(ngettext("%(n)s jam", "%(n)s jam", jam) % {"n": jam})
    if menit or not jam:
        bagian.append(ngettext("%(n)s menit", "%(n)s menit", menit) % {"n": menit})
    return " ".join(bagian)


def pesan_terkunci():
    return _(
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Demi keamanan, coba lagi dalam "
        "%(jeda)s atau hubungi Admin BKN."
    ) % {"jeda": lama_jeda()}


def gagal_untuk_akun(username):
    """Failed sign-ins for this username from every address within the cool-off."""
    if not username:
        return 0
    sejak = timezone.now() - get_cool_off()
    return (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=sejak).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        or 0
    )


def akun_dibatasi(username):
    return gagal_untuk_akun(username) >= settings.AXES_FAILURE_LIMIT_AKUN


def _naik(kunci, batas):
    """Count one more within the hour; False once ``batas`` is passed."""
    cache.add(kunci, 0, SEJAM)
    try:
        n = cache.incr(kunci)
    except ValueError:  # expired between add and incr
        cache.set(kunci, 1, SEJAM)
        n = 1
    return n <= batas


def boleh_minta_reset(request):
    """One more password-reset request from this client address, if still within the hour's limit."""
    alamat = get_client_ip_address(request) or "tanpa-alamat"
    return _naik(f"reset-sandi:ip:{alamat}", settings.RESET_SANDI_PER_JAM)


def _situs():
    bagian = urlsplit(settings.SITE_URL)
    return bagian.netloc, bagian.scheme == "https"


def kirim_tautan_atur_sandi(*, email):
    """Send the set-password link to every active account with this e-mail (none: nothing happens).

    Runs on a worker. The link points at SITE_URL, never at the Host of a request.
    At most RESET_SANDI_PER_SUREL mails an hour go to one address.
    """
    sidik = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if not _naik(f"reset-sandi:surel:{sidik}", settings.RESET_SANDI_PER_SUREL):
        log.warning("Permintaan atur ulang kata sandi untuk satu alamat melewati batas; tidak dikirim.")
        return 0
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    domain, https = _situs()
    penerima = list(form.get_users(form.cleaned_data["email"]))
    form.save(
        domain_override=domain,
        use_https=https,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    return len(penerima)
