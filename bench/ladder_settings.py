"""kouka's settings with the ladder's constant view as the only URL (``bench/ladder_apps.py``): the framework's
floor, with kouka's middleware, for ``bench/ladder.py``."""

from kouka.web.settings import *  # noqa: F403

ROOT_URLCONF = "ladder_apps"
