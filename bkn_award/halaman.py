"""Small helpers every app's views share: messages from refused actions, pagination."""

from django.contrib import messages
from django.core.paginator import Paginator


def pesan_galat(request, exc):
    """Each message of a refused action (ValidationError), shown on the next page."""
    for pesan in exc.messages:
        messages.error(request, pesan)


def pesan_form(request, form):
    """The first error of each field of an invalid form, for forms posted from a list page."""
    for errors in form.errors.values():
        messages.error(request, errors[0])


def halaman(request, qs, per_halaman=50, jumlah=None):
    """(page, the query string without the page number) for a list with filters.

    ``jumlah``, the number of rows when the view already knows it, spares the COUNT query.
    """
    paginator = Paginator(qs, per_halaman)
    if jumlah is not None:
        paginator.count = jumlah  # a cached_property: set, it is never asked of the database
    page = paginator.get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return page, query.urlencode()


def galat_ke_form(form, exc):
    """Put a service's refusal on the form: beside the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for nama, galat in exc.error_dict.items():
            form.add_error(nama if nama in form.fields else None, galat)
    else:
        form.add_error(None, exc)
