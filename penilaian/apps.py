from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenilaianConfig(AppConfig):
    name = "penilaian"
    verbose_name = _("Penilaian")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
