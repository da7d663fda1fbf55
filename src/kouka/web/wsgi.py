"""WSGI entry point for gunicorn: ``gunicorn kouka.web.wsgi:application``.

Django's application behind :class:`kouka.web.front.PublishedFront`, which answers anonymous readers of a year's
published page from what Django answered before, once the database confirms the revision is still the latest.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kouka.web.settings")
django_application = get_wsgi_application()

from kouka.web.front import PublishedFront  # noqa: E402  (after Django is set up)

application = PublishedFront(django_application)
