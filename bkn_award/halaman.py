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


def halaman(request, qs, per_halaman=50):
    """(page, the query string without the page number) for a list with filters."""
    page = Paginator(qs, per_halaman).get_page(request.GET.get("halaman"))
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
