"""A real task queue for the tests that need one (a plugin of the root conftest): Huey's SQLite storage in a
temporary folder and a consumer working in a thread of the test process, as ``kouka serve`` has one beside the
site. The other tests read uploads in the request (KOUKA_QUEUE_URL=immediate, set in conftest)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kouka.web import queue


@pytest.fixture
def queue_worker(tmp_path: Path, settings: Any) -> Iterator[queue.Queue]:
    """The site's queue on SQLite with one consumer thread working it; stopped (gracefully) afterwards."""
    settings.KOUKA_QUEUE_URL = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    queue.current.cache_clear()
    worker = queue.consumer(workers=1, initial_delay=0.05, max_delay=0.2)
    worker.start()
    try:
        yield queue.current()
    finally:
        worker.stop(graceful=True)
        queue.current.cache_clear()
