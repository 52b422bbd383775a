"""WSGI entry point (gunicorn bkn_award.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkn_award.settings")

application = get_wsgi_application()


def _panaskan():
    """Import every view and the site layout now, not on a worker's first request.

    gunicorn loads this module once before it forks (preload_app): the workers, and those
    that replace them under load, start with the URLs resolved and the layout compiled
    instead of each spending a second of CPU on it while visitors wait.
    """
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for nama in ("base.html", "tentang.html", "registration/login.html"):
        get_template(nama)


_panaskan()
