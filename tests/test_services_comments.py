"""kouka.web.services.comments: reviewers and administrators comment; the text is checked once, here."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.web.models import Change, Comment, ProjectRecord
from kouka.web.permissions import Denied
from kouka.web.services.comments import CommentInvalid, comment_create

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def test_a_reviewer_comments_and_the_comment_is_recorded(world: "World") -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    comment = comment_create(member=world.member("yushikisha"), cycle=world.cycle(), record=record,
                             text="  根拠を示してください  ")
    assert comment.text == "根拠を示してください" and comment.author.username == "yushikisha"
    assert Change.objects.get(action="comment:create").after == {"comment": "根拠を示してください"}


@pytest.mark.parametrize("text", ["", "   ", "長" * 4001])
def test_an_empty_or_too_long_comment_is_refused(world: "World", text: str) -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    with pytest.raises(CommentInvalid, match="4000字"):
        comment_create(member=world.member("kikaku"), cycle=world.cycle(), record=record, text=text)
    assert not Comment.objects.exists()


def test_an_editor_does_not_comment(world: "World") -> None:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    with pytest.raises(Denied):
        comment_create(member=world.member("shoko"), cycle=world.cycle(), record=record, text="x")
    assert not Comment.objects.exists()
