"""Site-wide request and response policy."""

import logging

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class TanpaSimpanUntukPengguna:
    """Pages shown to a signed-in user are never stored: not by a shared cache, not in the browser.

    On an office computer several people share, the back button or the browser's
    cache must not show the last user's scores or evidence lists. A response
    that already says how it may be cached (a public page, a file download) is
    left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Cache-Control")
        ):
            add_never_cache_headers(response)
        return response


class UnggahanTanpaRuang:
    """An upload that the server has no room to receive is told so, not answered with a 500.

    Django writes a large upload to a temporary file (FILE_UPLOAD_TEMP_DIR) while it
    reads the request body, the first time something asks for ``request.POST`` — the
    CSRF check, before any view. A full or unwritable disk then raises OSError there.
    This reads the body first, and answers such a failure with a clear message: JSON
    in the shape of the upload endpoint's refusals for the page's script, a page
    otherwise. Django removes its own temporary files; nothing was saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 - parses the body, writing large files to disk
            except OSError:
                log.exception("Unggahan tidak dapat diterima: ruang penyimpanan sementara server gagal")
                return _tanpa_ruang(request)
        return self.get_response(request)


def _tanpa_ruang(request):
    pesan = _(
        "Server sedang tidak dapat menerima berkas (ruang penyimpanannya penuh atau tidak dapat ditulis). "
        "Tidak ada yang tersimpan dari unggahan ini; data yang sudah tersimpan tetap aman. "
        "Coba lagi beberapa saat lagi; bila berulang, hubungi admin."
    )
    if "application/json" in request.headers.get("Accept", ""):
        # The upload script reads {"ok": false, "galat": [...]} beside the file, as for any refusal.
        return JsonResponse({"ok": False, "galat": [pesan]}, status=503)
    # A page of its own, like the 500 page: the request has no session or user yet.
    html = render_to_string(
        "503.html", {"judul_galat": _("Unggahan tidak dapat diterima"), "pesan_galat": pesan}
    )
    return HttpResponse(html, status=503)
