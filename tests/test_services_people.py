"""kouka.web.services.people: the administrator adds, changes, deactivates and unlocks staff users and gives them
one-time passwords; a user changes their own password. Every change is in the history, never a password."""

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm
from django.test import Client

from kouka.web.models import Change, Department, Membership, Role
from kouka.web.permissions import Denied
from kouka.web.services.people import (
    PersonFields,
    PersonInvalid,
    one_time_password,
    user_active_set,
    user_create,
    user_password_change,
    user_password_reset,
    user_unlock,
    user_update,
)
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def fields(world: "World", role: str = Role.EDITOR, *departments: str, name: str = "商工 花子",
           email: str = "hanako@example.jp") -> PersonFields:
    return PersonFields(display_name=name, email=email, role=role, departments=tuple(
        Department.objects.get(municipality=world.isesaki, name=d) for d in departments))


def signs_in(username: str, password: str) -> bool:
    return Client().post("/accounts/login/", data={"username": username, "password": password}).status_code == 302


def test_one_time_passwords_are_random_and_easy_to_read_out() -> None:
    found = {one_time_password() for _ in range(50)}
    assert len(found) == 50
    assert all(re.fullmatch(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}", p) for p in found)


def test_user_create_adds_a_member_who_must_change_the_one_time_password(world: "World") -> None:
    person, password = user_create(member=world.member("kikaku"), username="hanako",
                                   fields=fields(world, Role.EDITOR, "商工労働課"))
    person.refresh_from_db()
    assert (person.municipality, person.role, person.display_name, person.user.email) == (
        world.isesaki, Role.EDITOR, "商工 花子", "hanako@example.jp")
    assert [d.name for d in person.departments.all()] == ["商工労働課"] and person.must_change_password
    assert signs_in("hanako", password)
    change = Change.objects.get(action="user:create")
    assert change.cycle is None and change.user is not None and change.user.get_username() == "kikaku"
    assert change.after == {"username": "hanako", "display_name": "商工 花子", "email": "hanako@example.jp",
                            "role": "editor", "departments": ["商工労働課"], "active": True}
    assert password not in json.dumps([change.before, change.after, change.target], ensure_ascii=False)


def test_a_new_user_is_sent_to_change_the_password_first_and_then_works(world: "World") -> None:
    person, password = user_create(member=world.member("kikaku"), username="hanako",
                                   fields=fields(world, Role.EDITOR, "商工労働課"))
    client = Client()
    assert client.post("/accounts/login/", data={"username": "hanako", "password": password}).status_code == 302
    assert client.get("/staff/")["Location"] == "/accounts/password/"
    assert client.get("/staff/2023/")["Location"] == "/accounts/password/"
    changed = client.post("/accounts/password/", data={"old_password": password, "new_password1": "Kouka-Hanako-2024!",
                                                       "new_password2": "Kouka-Hanako-2024!"})
    assert changed.status_code == 302 and client.get("/staff/").status_code == 200
    person.refresh_from_db()
    assert not person.must_change_password
    assert not signs_in("hanako", password) and signs_in("hanako", "Kouka-Hanako-2024!")
    change = Change.objects.get(action="user:password_change")
    assert change.user == person.user and "Kouka-Hanako-2024!" not in json.dumps(change.after)


def test_user_create_refuses_a_user_name_in_use_in_any_letter_case(world: "World") -> None:
    with pytest.raises(PersonInvalid, match="SHOKO"):
        user_create(member=world.member("kikaku"), username="SHOKO", fields=fields(world))
    assert not Change.objects.filter(action="user:create").exists()


@pytest.mark.parametrize("role", ["shoko", "yushikisha"])
def test_only_administrators_manage_people(world: "World", role: str) -> None:
    shoko = world.member("shoko")
    with pytest.raises(Denied):
        user_create(member=world.member(role), username="hanako", fields=fields(world))
    with pytest.raises(Denied):
        user_password_reset(member=world.member(role), person=world.member("kigyo"))
    with pytest.raises(Denied):
        user_update(member=world.member(role), person=shoko, fields=fields(world, Role.ADMIN),
                    version=shoko.version)
    assert world.member("shoko").role == Role.EDITOR and not get_user_model().objects.filter(username="hanako")


def test_an_administrator_cannot_touch_another_municipality_s_people(world: "World") -> None:
    shoko = world.member("shoko")
    with pytest.raises(Denied):
        user_update(member=world.member("other"), person=shoko, fields=fields(world, Role.ADMIN),
                    version=shoko.version)
    with pytest.raises(Denied):
        user_active_set(member=world.member("other"), person=shoko, active=False)
    with pytest.raises(Denied):
        user_password_reset(member=world.member("other"), person=shoko)
    with pytest.raises(Denied):  # nor give one of their own people another municipality's department
        user_update(member=world.member("kikaku"), person=shoko, version=shoko.version, fields=PersonFields(
            "", "", Role.EDITOR, (Department.objects.get(municipality=world.other, name="総務課"),)))
    assert signs_in("shoko", "kouka-demo") and world.member("shoko").role == Role.EDITOR


def test_user_update_sets_the_fields_and_refuses_a_stale_form(world: "World") -> None:
    shoko = world.member("shoko")
    seen = shoko.version
    user_update(member=world.member("kikaku"), person=shoko, version=seen,
                fields=fields(world, Role.EDITOR, "商工労働課", "企業誘致課", name="商工 太郎",
                              email="taro@example.jp"))
    with pytest.raises(StaleVersion):
        user_update(member=world.member("kikaku"), person=shoko, version=seen, fields=fields(world, Role.REVIEWER))
    stored = world.member("shoko")
    assert (stored.display_name, stored.user.email, stored.role, stored.version) == (
        "商工 太郎", "taro@example.jp", Role.EDITOR, seen + 1)
    assert sorted(d.name for d in stored.departments.all()) == ["企業誘致課", "商工労働課"]
    change = Change.objects.get(action="user:update")
    assert change.before["departments"] == ["商工労働課"] and change.after["display_name"] == "商工 太郎"


def test_the_municipality_keeps_an_active_administrator(world: "World") -> None:
    kikaku = world.member("kikaku")
    with pytest.raises(PersonInvalid):
        user_update(member=kikaku, person=kikaku, fields=fields(world, Role.EDITOR), version=kikaku.version)
    with pytest.raises(PersonInvalid):
        user_active_set(member=kikaku, person=kikaku, active=False)
    assert world.member("kikaku").role == Role.ADMIN and get_user_model().objects.get(username="kikaku").is_active


def test_a_deactivated_user_cannot_sign_in_and_loses_the_session_they_hold(world: "World") -> None:
    session = world.client("kigyo")
    assert session.get("/staff/").status_code == 200
    user_active_set(member=world.member("kikaku"), person=world.member("kigyo"), active=False)
    assert not signs_in("kigyo", "kouka-demo")
    assert session.get("/staff/").status_code == 302  # back to the sign-in page
    user_active_set(member=world.member("kikaku"), person=world.member("kigyo"), active=True)
    assert signs_in("kigyo", "kouka-demo")
    assert [c.action for c in Change.objects.filter(action__startswith="user:").order_by("at", "id")] == [
        "user:deactivate", "user:activate"]


def test_a_password_reset_ends_the_old_password_and_lifts_a_lockout(world: "World") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", data={"username": "kigyo", "password": "wrong"})
    assert not signs_in("kigyo", "kouka-demo")  # locked out
    password = user_password_reset(member=world.member("kikaku"), person=world.member("kigyo"))
    assert not signs_in("kigyo", "kouka-demo") and signs_in("kigyo", password)
    assert world.member("kigyo").must_change_password
    change = Change.objects.get(action="user:password_reset")
    assert password not in json.dumps([change.before, change.after], ensure_ascii=False)


def test_user_unlock_lets_a_throttled_user_sign_in_again(world: "World") -> None:
    from kouka.web.selectors import people_locked

    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", data={"username": "shoko", "password": "wrong"})
    assert people_locked(["shoko", "kigyo"]) == {"shoko"} and not signs_in("shoko", "kouka-demo")
    user_unlock(member=world.member("kikaku"), person=world.member("shoko"))
    assert people_locked(["shoko"]) == set() and signs_in("shoko", "kouka-demo")
    assert Change.objects.filter(action="user:unlock").count() == 1


def test_user_password_change_takes_the_validators_of_the_settings(world: "World") -> None:
    user = get_user_model().objects.get(username="shoko")
    weak: Any = PasswordChangeForm(user, data={"old_password": "kouka-demo", "new_password1": "short",
                                              "new_password2": "short"})
    assert not weak.is_valid() and "new_password2" in weak.errors
    strong = PasswordChangeForm(user, data={"old_password": "kouka-demo", "new_password1": "Shoko-New-Pass-9",
                                            "new_password2": "Shoko-New-Pass-9"})
    assert strong.is_valid()
    user_password_change(user=user, form=strong)
    assert signs_in("shoko", "Shoko-New-Pass-9") and not signs_in("shoko", "kouka-demo")
    assert Membership.objects.get(user=user).must_change_password is False
