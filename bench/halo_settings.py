"""The hello-world of bench/beban.py: the project's settings, middleware included, with one page."""

from bkn_award.settings import *  # noqa: F403 - the same settings, only the URLs differ

ROOT_URLCONF = "halo_urls"
