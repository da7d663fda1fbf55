"""WSGI entry point for gunicorn: ``gunicorn kouka.web.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kouka.web.settings")
application = get_wsgi_application()
