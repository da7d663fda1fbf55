"""Shared fixtures: where the example and the seed live, and the helpers of ``tests/support/``.

Shared helpers are modules in ``tests/support/`` (put on the path here); a test module never imports
another test module. The web worlds (``world``, ``synth_world``) are fixtures every test module can ask for.
"""

import os
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from paths import EXAMPLE, SEED

# Uploads are read in the request unless a test starts a real worker (tests/test_web_queue.py does).
os.environ.setdefault("KOUKA_QUEUE_URL", "immediate")
django_settings.KOUKA_QUEUE_URL = os.environ["KOUKA_QUEUE_URL"]

pytest_plugins = ["web_fixtures", "stats_fixtures", "browser_support", "queue_support"]


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def seed_path() -> Path:
    return SEED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test of the web worlds uses every configured database: say so at collection, where pytest-django decides
    which test databases to create (the ``world`` fixture's own marker comes too late for that), so that a run of
    a few modules creates the PostgreSQL one as the whole suite does."""
    aliases = list(django_settings.DATABASES)
    for item in items:
        if {"world", "synth_world"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.django_db(databases=aliases))
