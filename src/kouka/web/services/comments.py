"""Comments of reviewers and administrators on a project."""

from django.utils.translation import gettext as _

from kouka.domain.errors import KoukaError
from kouka.web.dbrouter import atomic
from kouka.web.models import Comment, Cycle, Membership, ProjectRecord
from kouka.web.permissions import Denied, can_comment
from kouka.web.services.writes import Written, recorded

MAX_COMMENT = 4000


class CommentInvalid(KoukaError):
    """A comment that is empty or too long."""


def comment_create(*, member: Membership, cycle: Cycle, record: ProjectRecord, text: str) -> Comment:
    """Add ``text`` (1 to 4000 characters once trimmed) to the project's comments; reviewers and admins only."""
    if not can_comment(member):
        raise Denied(_("コメントできるのは確認者と管理者です"))
    text = text.strip()
    if not text or len(text) > MAX_COMMENT:
        raise CommentInvalid(_("1〜4000字で入力してください"))
    with atomic():
        comment = Comment.objects.create(project=record, author=member.user, text=text)
        recorded(member, Written(comment, cycle, "comment:create", record.title, None, {"comment": text}))
    return comment
