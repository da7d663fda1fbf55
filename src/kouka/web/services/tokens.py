"""API tokens for other systems (the city's CMS, a prefecture's collector): created by the planning
administrator with a name, a scope and an optional expiry, shown once, stored as a SHA-256 hash, revocable.

A token is sent as ``Authorization: Bearer kouka_…``. A read token reads its municipality's published data; a
write token also reads and writes the actuals and まとめ of one department's projects, through a membership of
its own (an editor of that department whose user has no password), so the same permission rules decide and
the history names the token as the author of what it wrote.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kouka.domain.errors import KoukaError
from kouka.web.dbrouter import atomic
from kouka.web.models import ApiToken, Department, Membership, Role, TokenScope
from kouka.web.permissions import Denied, require_admin
from kouka.web.services.writes import Written, recorded

SECRET_PREFIX = "kouka_"  # recognisable in a configuration file or a leaked log
SHOWN_PREFIX_LENGTH = 12  # kouka_AbCdEf: what the list shows to tell tokens apart


class TokenInvalid(KoukaError):
    """A token that cannot be created as asked (no department for a write token, an expiry in the past)."""


class TokenRefused(KoukaError):
    """A request's token that is unknown, revoked or expired (HTTP 401)."""


@dataclass(frozen=True)
class TokenFields:
    """What the administrator sets of a new token: 名前, 範囲, 担当課 (write), 有効期限 (the last valid day)."""

    name: str
    scope: str
    department: Department | None
    expires_on: date | None


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def end_of(day: date) -> datetime:
    """The moment a token valid through ``day`` (the site's time zone) expires: the next midnight."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def token_json(token: ApiToken) -> dict[str, Any]:
    """What the history keeps of a token (never its secret)."""
    return {"name": token.name, "scope": token.scope, "prefix": token.prefix,
            "department": token.department.name if token.department else None,
            "expires": token.expires.isoformat() if token.expires else None,
            "revoked": token.revoked.isoformat() if token.revoked else None}


def _checked(member: Membership, fields: TokenFields) -> None:
    if fields.scope == TokenScope.WRITE and fields.department is None:
        raise TokenInvalid(_("書き込みのトークンには担当課を選んでください"))
    if fields.department is not None and fields.department.municipality_id != member.municipality_id:
        raise Denied(_("他の団体の担当課は選べません"))
    if fields.expires_on is not None and fields.expires_on < timezone.localdate():
        raise TokenInvalid(_("有効期限には今日以降の日付を入力してください"))


def _writer(token: ApiToken, department: Department) -> Membership:
    """The membership a write token acts through: an editor of ``department`` whose user cannot sign in."""
    user = get_user_model()(username=f"token:{token.pk}")  # ":" is refused in the names people get
    user.set_unusable_password()
    user.save()
    writer = Membership.objects.create(user=user, municipality=token.municipality, role=Role.EDITOR,
                                       display_name=token.name)
    writer.departments.set([department])
    return writer


def token_create(*, member: Membership, fields: TokenFields) -> tuple[ApiToken, str]:
    """A new token of the administrator's municipality and its secret (returned, to be shown once)."""
    require_admin(member)
    _checked(member, fields)
    secret = SECRET_PREFIX + secrets.token_urlsafe(30)
    department = fields.department if fields.scope == TokenScope.WRITE else None
    with atomic():
        token = ApiToken.objects.create(
            municipality=member.municipality, name=fields.name.strip(), scope=fields.scope, department=department,
            digest=digest_of(secret), prefix=secret[:SHOWN_PREFIX_LENGTH], created_by=member.user,
            expires=end_of(fields.expires_on) if fields.expires_on else None)
        if department is not None:
            token.member = _writer(token, department)
            token.save(update_fields=["member"])
        recorded(member, Written(token, None, "token:create", token.name, None, token_json(token)))
    return token, secret


def token_revoke(*, member: Membership, token: ApiToken) -> ApiToken:
    """Revoke a token for good: every later request with it is refused (401). Revoking twice changes nothing."""
    require_admin(member)
    if token.municipality_id != member.municipality_id:
        raise Denied(_("他の団体のトークンは取り消せません"))
    with atomic():
        locked = ApiToken.objects.select_for_update(of=("self",)).select_related("department").get(pk=token.pk)
        if locked.revoked is None:
            before = token_json(locked)
            locked.revoked = timezone.now()
            locked.save(update_fields=["revoked"])
            if locked.member_id is not None:
                get_user_model().objects.filter(membership__pk=locked.member_id).update(is_active=False)
            recorded(member, Written(locked, None, "token:revoke", locked.name, before, token_json(locked)))
    return locked


def token_use(secret: str) -> ApiToken:
    """The token a request presents, counted as used; :class:`TokenRefused` when it is unknown, revoked, expired
    or a write token whose department is gone."""
    token = (ApiToken.objects.select_related("municipality", "department", "member__user", "member__municipality")
             .filter(digest=digest_of(secret.strip())).first())
    if token is None:
        raise TokenRefused(_("APIトークンが正しくありません"))
    now = timezone.now()
    if token.revoked is not None:
        raise TokenRefused(_("このAPIトークンは取り消されています"))
    if token.expires is not None and token.expires <= now:
        raise TokenRefused(_("このAPIトークンは有効期限が切れています"))
    if token.scope == TokenScope.WRITE and (token.member is None or token.department is None):
        raise TokenRefused(_("このAPIトークンの担当課がなくなったため、使えません"))
    ApiToken.objects.filter(pk=token.pk).update(uses=F("uses") + 1, last_used=now)
    return token
