"""WSGI entry point (gunicorn bkn_award.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkn_award.settings")

application = get_wsgi_application()
