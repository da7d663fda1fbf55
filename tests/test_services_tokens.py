"""kouka.web.services.tokens: API tokens created, shown once, stored as a hash, used, revoked, expired."""

import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.utils import timezone

from kouka.web.models import ApiToken, Change, Department, Role, TokenScope
from kouka.web.permissions import Denied
from kouka.web.services.tokens import (
    TokenFields,
    TokenInvalid,
    TokenRefused,
    end_of,
    token_create,
    token_revoke,
    token_use,
)

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def shoko_department(world: "World") -> Department:
    return Department.objects.get(municipality=world.isesaki, name="商工労働課")


def test_a_token_is_shown_once_and_only_its_hash_is_stored(world: "World") -> None:
    token, secret = token_create(member=world.member("kikaku"), fields=TokenFields(
        "市ホームページのCMS", TokenScope.READ, None, None))
    assert secret.startswith("kouka_") and len(secret) >= 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest() and stored.prefix == secret[:12]
    assert all(secret not in str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values())
    change = Change.objects.get(action="token:create")
    assert secret not in str([change.before, change.after, change.target])
    assert change.after == {"name": "市ホームページのCMS", "scope": "read", "prefix": secret[:12], "department": None,
                            "expires": None, "revoked": None}
    assert stored.member is None  # a read token writes nothing: it acts as no one


def test_a_write_token_acts_as_an_editor_of_its_department_who_cannot_sign_in(world: "World") -> None:
    token, secret = token_create(member=world.member("kikaku"), fields=TokenFields(
        "商工労働課の集計表", TokenScope.WRITE, shoko_department(world), None))
    writer = token.member
    assert writer is not None and writer.role == Role.EDITOR and writer.municipality == world.isesaki
    assert [d.name for d in writer.departments.all()] == ["商工労働課"]
    assert not writer.user.has_usable_password() and ":" in writer.user.get_username()
    assert token_use(secret).pk == token.pk


def test_token_use_counts_and_refuses_unknown_revoked_and_expired_tokens(world: "World") -> None:
    admin = world.member("kikaku")
    token, secret = token_create(member=admin, fields=TokenFields("県の集計", TokenScope.READ, None, None))
    token_use(secret)
    token_use(secret)
    token.refresh_from_db()
    assert token.uses == 2 and token.last_used is not None
    with pytest.raises(TokenRefused, match="正しくありません"):
        token_use(secret + "x")
    token_revoke(member=admin, token=token)
    with pytest.raises(TokenRefused, match="取り消されています"):
        token_use(secret)
    token_revoke(member=admin, token=token)  # twice: nothing more happens
    assert Change.objects.filter(action="token:revoke").count() == 1
    expiring, soon = token_create(member=admin, fields=TokenFields("試し", TokenScope.READ, None,
                                                                    timezone.localdate()))
    token_use(soon)  # valid through today
    ApiToken.objects.filter(pk=expiring.pk).update(expires=timezone.now() - timedelta(seconds=1))
    with pytest.raises(TokenRefused, match="有効期限"):
        token_use(soon)


def test_a_revoked_write_token_s_user_is_deactivated(world: "World") -> None:
    token, _ = token_create(member=world.member("kikaku"), fields=TokenFields(
        "書き込み", TokenScope.WRITE, shoko_department(world), None))
    token_revoke(member=world.member("kikaku"), token=token)
    assert token.member is not None
    token.member.user.refresh_from_db()
    assert not token.member.user.is_active


def test_an_expiry_is_the_end_of_the_day_in_the_site_s_time_zone() -> None:
    assert end_of(date(2025, 3, 31)).isoformat() == "2025-04-01T00:00:00+09:00"


@pytest.mark.parametrize(("scope", "department", "expires_days", "message"), [
    (TokenScope.WRITE, False, None, "担当課"),
    (TokenScope.READ, False, -1, "今日以降"),
])
def test_token_create_refuses_what_cannot_work(world: "World", scope: str, department: bool,
                                               expires_days: int | None, message: str) -> None:
    expires = timezone.localdate() + timedelta(days=expires_days) if expires_days is not None else None
    with pytest.raises(TokenInvalid, match=message):
        token_create(member=world.member("kikaku"), fields=TokenFields(
            "x", scope, shoko_department(world) if department else None, expires))
    assert not ApiToken.objects.exists()


def test_only_an_administrator_of_the_municipality_manages_its_tokens(world: "World") -> None:
    for role in ("shoko", "yushikisha"):
        with pytest.raises(Denied):
            token_create(member=world.member(role), fields=TokenFields("x", TokenScope.READ, None, None))
    with pytest.raises(Denied):  # another municipality's department
        token_create(member=world.member("other"), fields=TokenFields(
            "x", TokenScope.WRITE, shoko_department(world), None))
    token, secret = token_create(member=world.member("kikaku"), fields=TokenFields("x", TokenScope.READ, None, None))
    with pytest.raises(Denied):
        token_revoke(member=world.member("other"), token=token)
    assert token_use(secret).revoked is None
