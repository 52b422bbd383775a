"""What the list pages of participants share."""

from instansi.forms import FilterInstansiForm

from .. import queries


def saring(request, qs):
    """(filter form, participants matching its search, kind and province) for a list page."""
    form = FilterInstansiForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, queries.saring_peserta(
        qs, q=filters.get("q", ""), jenis=filters.get("jenis", ""), provinsi=filters.get("provinsi")
    )
