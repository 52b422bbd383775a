"""Site-wide response policy."""

from django.utils.cache import add_never_cache_headers


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
