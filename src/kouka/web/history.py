"""Every change recorded: who, when, what before and after."""

from typing import Any

from kouka.web.models import Change, Cycle, Municipality


def record(user: Any, municipality: Municipality, cycle: Cycle | None, action: str, target: str,
           before: Any = None, after: Any = None) -> Change:
    author = user if getattr(user, "is_authenticated", False) else None
    return Change.objects.create(municipality=municipality, cycle=cycle, user=author, action=action,
                                 target=target[:300], before=before, after=after)

