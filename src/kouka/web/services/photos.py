"""Photos and figures of a project's まとめ（検証結果）: add one (checked and re-encoded by
:mod:`kouka.web.figures`, kept in the storage) and remove one. Whoever may edit the project may do either.

A photo lives in the project's interchange JSON as a figure (its stored name, caption, text alternative and the
number of まとめ paragraphs before it); a publication freezes that JSON, and a photo's file is deleted on removal
only when no publication and no other project names it.
"""

from django.utils.translation import gettext as _

from kouka.domain.errors import KoukaError
from kouka.domain.model import Figure
from kouka.interchange import figure_json
from kouka.web.figures import photo_delete, photo_read, photo_store
from kouka.web.models import Cycle, Membership, ProjectRecord, Publication
from kouka.web.permissions import Denied, require_edit, visible_projects
from kouka.web.services.writes import Written, write

MAX_FIGURES = 20
MAX_CAPTION, MAX_ALT = 200, 500


class PhotoTextRefused(KoukaError):
    """A caption or text alternative that cannot be kept (missing, too long, more than one line)."""


def one_line(text: str, limit: int, what: str, *, required: bool) -> str:
    """The caption or text alternative as kept: one line, trimmed; PhotoTextRefused when empty or too long."""
    line = " ".join(text.split())
    if required and not line:
        raise PhotoTextRefused(_("{what}を入力してください").format(what=what))
    if len(line) > limit:
        raise PhotoTextRefused(_("{what}は{limit}字以内で入力してください").format(what=what, limit=limit))
    return line


def require_project(member: Membership, cycle: Cycle, record: ProjectRecord) -> None:
    require_edit(member, cycle)
    if not visible_projects(member, cycle).filter(pk=record.pk).exists():
        raise Denied(_("この事業を編集する権限がありません"))


def photo_add(*, member: Membership, cycle: Cycle, record: ProjectRecord, data: bytes, filename: str, caption: str,
              alt: str, after: int, version: int) -> Figure:
    """Add a photo to the project's まとめ after ``after`` of its paragraphs; PhotoRefused (nothing stored) for a
    file that is not a photo kouka keeps, StaleVersion when ``version`` is not the project's."""
    require_project(member, cycle, record)
    caption = one_line(caption, MAX_CAPTION, _("写真の説明（キャプション）"), required=False)
    alt = one_line(alt, MAX_ALT, _("代替テキスト"), required=True)
    photo = photo_read(data, filename)  # refuses before anything is stored
    paragraphs = len(record.data.get("verification") or [])
    figure = Figure(name=photo.name, caption=caption, alt=alt, after=max(0, min(after, paragraphs)),
                    width=photo.width, height=photo.height, media_type=photo.media_type)

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        figures = list(locked.data.get("figures") or [])
        if len(figures) >= MAX_FIGURES:
            raise PhotoTextRefused(_("写真や図は1事業{limit}枚までです").format(limit=MAX_FIGURES))
        photo_store(photo)
        locked.data = {**locked.data, "figures": [*figures, figure_json(figure)]}
        locked.save()
        return Written(locked, cycle, "photo:add", locked.title, {"number": locked.number},
                       {"number": locked.number, **figure_json(figure)})

    existed = named_elsewhere(photo.name)
    try:
        write(member, ProjectRecord.objects.filter(pk=record.pk), version, change, editable=cycle)
    except Exception:  # a stale or refused write: a file this call stored would be named by nothing
        if not existed:
            photo_delete(photo.name)
        raise
    return figure


def photo_remove(*, member: Membership, cycle: Cycle, record: ProjectRecord, index: int, version: int) -> Figure:
    """Take the project's ``index``-th photo (from 0) out of its まとめ; its file is deleted when nothing else
    names it. StaleVersion when ``version`` is not the project's."""
    require_project(member, cycle, record)
    removed: list[Figure] = []

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        figures = list(locked.data.get("figures") or [])
        if not 0 <= index < len(figures):
            raise PhotoTextRefused(_("その写真はもうありません。最新の内容を読み込んでください"))
        gone = figures.pop(index)
        removed.append(Figure(**{k: gone[k] for k in ("name", "caption", "alt", "after")}))
        locked.data = {**locked.data, "figures": figures}
        locked.save()
        return Written(locked, cycle, "photo:remove", locked.title, {"number": locked.number, **gone},
                       {"number": locked.number})

    write(member, ProjectRecord.objects.filter(pk=record.pk), version, change, editable=cycle)
    if not named_elsewhere(removed[0].name):
        photo_delete(removed[0].name)
    return removed[0]


def named_elsewhere(name: str) -> bool:
    """Whether a project or a publication of any body names the stored file (names are content hashes, so two
    bodies may hold the same photo)."""
    return (ProjectRecord.objects.filter(data__icontains=name).exists()
            or Publication.objects.filter(document__icontains=name).exists())
