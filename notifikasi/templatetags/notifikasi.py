"""The header's bell: how often it asks for its count again."""

from django import template

from .. import views

register = template.Library()


@register.simple_tag
def detik_poll():
    """settings.NOTIFIKASI_POLL_DETIK (30 by default): the tests set it to a second."""
    return views.detik_poll()
