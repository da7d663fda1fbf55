"""A municipality's departments (担当課), which editors belong to and projects are assigned to."""

from kouka.domain import limits
from kouka.domain.validation import Problems
from kouka.web.dbrouter import atomic
from kouka.web.models import Department, Membership
from kouka.web.permissions import require_admin
from kouka.web.services.writes import Written, recorded, require_valid


def department_create(*, member: Membership, name: str) -> tuple[Department, bool]:
    """The department ``name`` of the member's municipality, created (and recorded) when new."""
    require_admin(member)
    name = name.strip()
    found = Problems("$", "")
    found.text("name", name, limits.DEPARTMENT)
    require_valid(found.found)
    with atomic():
        department, created = Department.objects.get_or_create(municipality=member.municipality, name=name)
        if created:
            recorded(member, Written(department, None, "department:create", name, None, {"name": name}))
    return department, created
