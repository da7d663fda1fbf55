"""Reading an uploaded file outside the request: what the task queue's worker does with an
:class:`~kouka.web.models.UploadTask` (kouka.web.queue hands it the task's id).

The task moves queued → running → done (its ``result`` is what the review page shows) or failed (its
``message`` says why, in the user's words). Nothing but the task itself is written: saving what was read is the
user's explicit confirmation on the review page.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import language
from kouka.web.models import Membership, TaskKind, TaskState, UploadTask
from kouka.web.permissions import Denied
from kouka.web.services.imports import import_read
from kouka.web.services.workbooks import workbook_plan

log = logging.getLogger(__name__)
T = TypeVar("T")
PATIENCE = 10.0  # seconds a worker waits for SQLite to let it read or write


def patiently(step: Callable[[], T]) -> T:
    """``step()``, tried again while SQLite says a table is locked by another connection (a shared-cache database,
    or a busy one past its timeout): the site's own requests have the right of way, the worker waits."""
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            return step()
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def task_read(task: UploadTask) -> dict[str, Any]:
    """What reading the task's file finds, by the kind of upload, in the uploader's language."""
    code = task.language or settings.LANGUAGE_CODE
    with translation.override(code), language(code):
        if task.kind == TaskKind.WORKBOOK:
            return workbook_plan(member=task.member, task=task)
        return import_read(task=task)


def task_run(*, task_id: int) -> str:
    """Read the upload ``task_id`` and keep what was found; the state it ends in ("" when the task is gone:
    cancelled before its turn)."""
    claimed = patiently(lambda: UploadTask.objects.filter(pk=task_id, state=TaskState.QUEUED).update(
        state=TaskState.RUNNING))
    task = patiently(lambda: UploadTask.objects.select_related("member__municipality", "member__user").filter(
        pk=task_id).first())
    if task is None or not claimed:
        return "" if task is None else str(task.state)
    fields: dict[str, Any] = {}
    try:
        fields |= {"result": patiently(lambda: task_read(task)), "state": TaskState.DONE}
    except (KoukaError, Denied) as exc:
        fields |= {"message": interchange.readable_paths(str(exc)), "state": TaskState.FAILED}
    except Exception:  # a defect of kouka's, never the user's: logged with its traceback, told in words
        log.exception("reading upload %s (%s) failed", task.pk, task.filename)
        fields |= {"message": _("ファイルを読み込めませんでした（kouka の内部の誤り）。管理者に連絡してください"),
                   "state": TaskState.FAILED}
    fields["finished"] = timezone.now()
    patiently(lambda: UploadTask.objects.filter(pk=task.pk).update(**fields))
    return str(fields["state"])


def task_forget(*, member: Membership, task_id: object) -> None:
    """Delete ``member``'s own upload ``task_id`` (its kept bytes) once what it read was saved or dropped."""
    if isinstance(task_id, int):
        UploadTask.objects.filter(pk=task_id, member=member).delete()
