"""Run the care tests before ``vivre.care`` is wired into the shop's settings and URLs.

    pytest vivre/care --ds=vivre.care.tests.settings

Once the shop's settings and URL map include care, this changes nothing.
"""

from vivre.settings import *  # noqa: F403
from vivre.settings import INSTALLED_APPS

if "vivre.care" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "vivre.care"]
ROOT_URLCONF = "vivre.care.tests.urls"
