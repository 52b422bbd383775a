"""The Celery application: configured from Django's settings (CELERY_*), tasks in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkn_award.settings")

app = Celery("bkn_award")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
