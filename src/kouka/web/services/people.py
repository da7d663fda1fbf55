"""The people of a municipality on the site: the planning administrator adds staff users, sets their role,
departments, display name and e-mail, deactivates them, gives them a one-time password and unlocks a sign-in
that django-axes throttled; every user changes their own password. Each change is recorded in the history.

A reset password is a one-time password shown once to the administrator (who hands it over in person or by
telephone); the user must choose their own at the next sign-in. No e-mail is needed, so it works on a server
without a mail relay, and no password travels by e-mail.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from kouka.domain.errors import KoukaError
from kouka.web.dbrouter import atomic
from kouka.web.models import Department, Membership, Role
from kouka.web.permissions import Denied, require_admin
from kouka.web.services.writes import Written, recorded, version_of, write

# Letters and digits that cannot be mistaken for each other when read aloud or copied by hand (no 0/o, 1/l/i).
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_GROUPS, ONE_TIME_GROUP_LENGTH = 4, 4  # k7mq-3xpt-9hrw-2fna: 80 bits


class PersonInvalid(KoukaError):
    """A change the municipality's people cannot take (a user name in use, the last administrator removed)."""


@dataclass(frozen=True)
class PersonFields:
    """What the administrator sets of a person: 表示名, メールアドレス, 役割, 担当課."""

    display_name: str
    email: str
    role: str
    departments: tuple[Department, ...]


def one_time_password() -> str:
    """A random password to read out or copy once: ``k7mq-3xpt-9hrw-2fna``."""
    groups = ("".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_GROUP_LENGTH))
              for _ in range(ONE_TIME_GROUPS))
    return "-".join(groups)


def person_json(person: Membership) -> dict[str, Any]:
    """What the history keeps of a person (never a password)."""
    return {"username": person.user.get_username(), "display_name": person.display_name,
            "email": person.user.email, "role": person.role,
            "departments": sorted(d.name for d in person.departments.all()), "active": person.user.is_active}


def _require_own(member: Membership, person: Membership) -> None:
    require_admin(member)
    if person.municipality_id != member.municipality_id:
        raise Denied(_("他の団体の職員は変更できません"))


def _keeps_an_administrator(person: Membership, role: str, active: bool) -> None:
    """Refuse a change that leaves the municipality without an active administrator."""
    if role == Role.ADMIN and active:
        return
    others = Membership.objects.filter(municipality_id=person.municipality_id, role=Role.ADMIN,
                                       user__is_active=True, api_token__isnull=True).exclude(pk=person.pk)
    if not others.exists():
        raise PersonInvalid(_("企画担当（管理者）が一人もいなくなるため、変更できません"))


def _checked_password(password: str, user: Any) -> str:
    """``password`` when AUTH_PASSWORD_VALIDATORS accept it for ``user`` (a one-time password always should)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise PersonInvalid(" ".join(exc.messages)) from exc
    return password


def _apply(person: Membership, fields: PersonFields) -> None:
    if any(d.municipality_id != person.municipality_id for d in fields.departments):
        raise Denied(_("他の団体の担当課は選べません"))
    person.display_name = fields.display_name.strip()
    person.role = fields.role
    person.save()
    person.departments.set(fields.departments)
    person.user.email = fields.email.strip()
    person.user.save(update_fields=["email"])


def user_create(*, member: Membership, username: str, fields: PersonFields) -> tuple[Membership, str]:
    """A new staff user of the administrator's municipality with a one-time password (returned, shown once);
    the user must choose their own password at the first sign-in. :class:`PersonInvalid` when the user name
    is in use (in any letter case)."""
    require_admin(member)
    model = get_user_model()
    password = one_time_password()
    taken = PersonInvalid(_("ユーザー名「{name}」は既に使われています").format(name=username))
    try:
        with atomic():
            if model.objects.filter(username__iexact=username).exists():
                raise taken
            user = model(username=username)
            user.set_password(_checked_password(password, user))
            user.save()
            person = Membership.objects.create(user=user, municipality=member.municipality, role=fields.role,
                                               must_change_password=True)
            _apply(person, fields)
            recorded(member, Written(person, None, "user:create", username, None, person_json(person)))
    except IntegrityError as exc:  # the same name added by someone else at the same moment
        raise taken from exc
    return person, password


def _person_write(member: Membership, person: Membership, version: int | None, action: str,
                  change: Callable[[Membership], None]) -> Membership:
    """Lock the person, refuse a stale ``version`` (None: not compared), apply ``change(locked)`` and record
    ``action`` with what the person was and is."""
    _require_own(member, person)

    def written(locked: Membership | None) -> Written:
        assert locked is not None  # the person exists: the selector found them
        before = person_json(locked)
        change(locked)
        return Written(locked, None, action, locked.user.get_username(), before, person_json(locked))

    rows = Membership.objects.select_related("user").filter(pk=person.pk)
    row = write(member, rows, version, written, compare=version_of if version is not None else lambda _: None).row
    assert isinstance(row, Membership)
    return row


def user_update(*, member: Membership, person: Membership, fields: PersonFields, version: int) -> Membership:
    """Set a person's display name, e-mail, role and departments; :class:`StaleVersion` when ``version`` is old."""
    def change(locked: Membership) -> None:
        _keeps_an_administrator(locked, fields.role, locked.user.is_active)
        _apply(locked, fields)

    return _person_write(member, person, version, "user:update", change)


def user_active_set(*, member: Membership, person: Membership, active: bool) -> Membership:
    """Deactivate a person (they can no longer sign in, and a session they hold ends) or reactivate them.
    Their name stays on what they wrote."""
    _require_own(member, person)
    if person.pk == member.pk and not active:
        raise PersonInvalid(_("自分自身を無効にすることはできません"))

    def change(locked: Membership) -> None:
        _keeps_an_administrator(locked, locked.role, active)
        locked.user.is_active = active
        locked.user.save(update_fields=["is_active"])

    return _person_write(member, person, None, "user:activate" if active else "user:deactivate", change)


def user_password_reset(*, member: Membership, person: Membership) -> str:
    """A new one-time password for a person (returned, shown once to the administrator); their old password
    stops working, a lockout of their user name is lifted, and they choose their own at the next sign-in."""
    password = one_time_password()

    def change(locked: Membership) -> None:
        locked.user.set_password(_checked_password(password, locked.user))
        locked.user.save(update_fields=["password"])
        locked.must_change_password = True
        locked.save(update_fields=["must_change_password"])
        axes_reset(username=locked.user.get_username())

    _person_write(member, person, None, "user:password_reset", change)
    return password


def user_unlock(*, member: Membership, person: Membership) -> Membership:
    """Lift the sign-in throttle (django-axes) of a person's user name, from every address."""
    return _person_write(member, person, None, "user:unlock",
                         lambda locked: axes_reset(username=locked.user.get_username()))


def user_password_change(*, user: Any, form: "SetPasswordForm[Any]") -> None:
    """Save a user's own new password (Django's password-change form, already valid); the one-time password's
    demand to change it ends. Recorded in the history when the user is a member of a municipality."""
    with atomic():
        form.save()
        person = Membership.objects.select_related("municipality", "user").filter(user=user).first()
        if person is not None:
            Membership.objects.filter(pk=person.pk).update(must_change_password=False)
            person.must_change_password = False
            recorded(person, Written(person, None, "user:password_change", user.get_username(), None,
                                     {"username": user.get_username(), "display_name": person.display_name}))
