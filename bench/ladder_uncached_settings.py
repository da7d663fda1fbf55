"""kouka's settings with nothing of a page kept between requests, for the ladder's "first render" rung
(``bench/ladder.py``, served by ``kouka.web.wsgi:django_application``, without the front): the artifacts'
storage forgets what it is given, so every request renders the public page as the first view after a
publication does."""

from kouka.web.settings import *  # noqa: F403

STORAGES = {**STORAGES, "artifacts": {"BACKEND": "ladder_apps.ForgetfulStorage"}}  # noqa: F405
