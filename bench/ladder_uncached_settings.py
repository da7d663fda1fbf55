"""kouka's settings with nothing of a page kept between requests, for the ladder's "first render" rung
(``bench/ladder.py``): every request renders the public page as the first view after a publication does."""

from kouka.web.settings import *  # noqa: F403

CACHES = {name: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
          for name in ("default", "pages", "pages_local")}
