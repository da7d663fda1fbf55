"""kouka.web.services.departments: a municipality's departments."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.web.models import Change, Department
from kouka.web.permissions import Denied
from kouka.web.services.departments import department_create

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def test_department_create_makes_it_once_and_records_it_once(world: "World") -> None:
    admin = world.member("kikaku")
    first, created = department_create(member=admin, name=" 新設課 ")
    again, created_again = department_create(member=admin, name="新設課")
    assert (first.pk, first.name, created, created_again) == (again.pk, "新設課", True, False)
    assert Change.objects.filter(action="department:create").count() == 1


def test_department_create_is_for_administrators(world: "World") -> None:
    with pytest.raises(Denied):
        department_create(member=world.member("yushikisha"), name="新設課")
    assert not Department.objects.filter(name="新設課").exists()
