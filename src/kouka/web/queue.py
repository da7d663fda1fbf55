"""The task queue that reads uploads outside the request (issue 12.3) and renders what a publication stores
(issue 18.1): Huey.

An upload view keeps the file as an :class:`~kouka.web.models.UploadTask` and calls :func:`enqueue`; a worker
(the consumer) takes the task's id off the queue and runs :func:`kouka.web.services.tasks.task_run`, while the
user's browser watches the task's status page. The storage is chosen by ``KOUKA_QUEUE_URL``:

- unset or ``sqlite:///path`` — Huey's SQLite storage, by default ``KOUKA_DATA_DIR/queue.sqlite3`` (the
  embedded default: no server to run);
- ``redis://host:6379/0`` — Redis (production, with PostgreSQL);
- ``immediate`` — run in the request itself, for development without a worker (never in production: a hostile
  file then holds a web worker while it is read).

``kouka serve`` starts a worker process beside the web server; ``kouka worker`` runs one on its own (production,
under systemd or a container of its own; see docs/production.md).
"""

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

NAME = "kouka"


def read_upload(task_id: int) -> str:
    """The queue's one task: read the upload ``task_id`` (kouka.web.services.tasks.task_run)."""
    from kouka.web.services.tasks import task_run

    return task_run(task_id=task_id)


def render_publication(publication_id: int) -> int:
    """The queue's other task: render every artifact of a new publication (kouka.web.artifacts); how many."""
    from kouka.web.artifacts import artifacts_fill
    from kouka.web.models import Publication

    publication = Publication.objects.filter(pk=publication_id).first()
    return 0 if publication is None else artifacts_fill(publication)


def fresh_connections(*_args: Any) -> None:
    """Before and after each task in a worker: drop database connections that broke or grew old, as a request
    does (never in immediate mode, where the task runs inside the request's own transaction)."""
    close_old_connections()


@dataclass(frozen=True)
class Queue:
    """A Huey and kouka's tasks registered on it (calling ``read`` or ``render`` enqueues)."""

    huey: Huey
    read: Any
    render: Any


def make_queue(url: str, data_dir: Path) -> Queue:
    """The queue of ``url`` (see the module's docstring), with kouka's task registered."""
    huey: Huey
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey(NAME, url=url, results=False)
    elif url == "immediate":
        huey = MemoryHuey(NAME, immediate=True, results=False)
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(data_dir / "queue.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(NAME, filename=path, results=False)
    if not huey.immediate:
        huey.pre_execute(name="fresh_connections")(fresh_connections)
        huey.post_execute(name="fresh_connections")(fresh_connections)
    return Queue(huey, huey.task(name="read_upload")(read_upload),
                 huey.task(name="render_publication")(render_publication))


@lru_cache(maxsize=1)
def current() -> Queue:
    """The site's queue, as the settings (KOUKA_QUEUE_URL, KOUKA_DATA_DIR) say; ``current.cache_clear()`` after
    changing them."""
    return make_queue(str(getattr(settings, "KOUKA_QUEUE_URL", "")), Path(settings.DATA_DIR))


def enqueue(task_id: int) -> None:
    """Put the reading of upload ``task_id`` on the queue (or read it now, with ``immediate``)."""
    current().read(task_id)


def enqueue_render(publication_id: int) -> None:
    """Put the rendering of a new publication's artifacts on the queue. With ``immediate`` (development without
    a worker, the tests) nothing is rendered ahead, or publishing would wait for every PDF: the first request
    for each artifact renders it."""
    found = current()
    if not found.huey.immediate:
        found.render(publication_id)


class ThreadConsumer(Consumer):  # type: ignore[misc]
    """A consumer that may run outside the main thread (then it leaves the process's signals alone)."""

    def _set_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            super()._set_signal_handlers()


def consumer(workers: int = 1, **options: Any) -> ThreadConsumer:
    """A consumer of the site's queue: ``start()`` it in a thread of this process (tests, embedded), ``run()``
    it as a process's main loop (``kouka worker``); ``stop(graceful=True)`` ends it."""
    options = {"initial_delay": 0.1, "max_delay": 1.0, "check_worker_health": False} | options  # a user waits
    return ThreadConsumer(current().huey, workers=workers, worker_type="thread", periodic=False, **options)
