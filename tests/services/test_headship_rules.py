"""Who heads which department, through the services as the admin panel and jobs call them
(no HTTP): a head belongs to the department and is active, `faculty.is_hod` mirrors
`departments.hod_id`, and deactivating a head ends the headship."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.core.actor import Actor
from dashboard.core.errors import Forbidden, InvalidState, NotFound
from dashboard.schemas.departments import DepartmentCreate, DepartmentUpdate
from dashboard.schemas.faculty import FacultyUpdate
from dashboard.services import departments, faculty
from dashboard.services.auth import load_actor
from models import AuditLog, Department, Faculty
from models.enums import FacultyStatus, UserType
from tests import factories

pytestmark = pytest.mark.usefixtures("app")


async def _staff() -> Actor:
    user = await factories.create_user(user_type=UserType.STAFF)
    await factories.create_admin_staff(user=user)
    return await load_actor(user.id)


async def _name_head(actor: Actor, department: Department, hod_id: int | None, **more: Any) -> Department:
    return await departments.update_department(actor, department_id=department.id,
                                               changes=DepartmentUpdate(hod_id=hod_id, **more))


async def _flags() -> dict[int, bool]:
    return dict(await Faculty.all().values_list("id", "is_hod"))


async def test_naming_replacing_and_clearing_a_head_keeps_is_hod_in_step():
    actor = await _staff()
    department = await factories.create_department()
    first = await factories.create_faculty(department=department)
    second = await factories.create_faculty(department=department)

    await _name_head(actor, department, first.id)
    assert await _flags() == {first.id: True, second.id: False}
    await _name_head(actor, department, second.id)
    assert await _flags() == {first.id: False, second.id: True}
    await _name_head(actor, department, None)
    assert await _flags() == {first.id: False, second.id: False}
    assert (await Department.get(id=department.id)).hod_id is None
    assert await AuditLog.filter(entity_type="departments", action="update").count() == 3


async def test_a_head_cannot_also_head_a_department_they_are_not_in():
    actor = await _staff()
    home = await factories.create_department()
    head = await factories.create_faculty(department=home)
    other = await factories.create_department()
    await _name_head(actor, home, head.id)
    with pytest.raises(InvalidState, match="must be a faculty member of this department"):
        await _name_head(actor, other, head.id)
    assert (await Faculty.get(id=head.id)).is_hod is True
    assert (await Department.get(id=other.id)).hod_id is None


@pytest.mark.parametrize(
    ("make_candidate", "error", "message"),
    [
        (lambda department: factories.create_faculty(), InvalidState,
         "must be a faculty member of this department"),
        (lambda department: factories.create_faculty(department=department, status=FacultyStatus.INACTIVE),
         InvalidState, "must be an active faculty member"),
        (lambda department: factories.create_faculty(department=department, status=FacultyStatus.SUSPENDED),
         InvalidState, "must be an active faculty member"),
    ],
)
async def test_a_head_from_elsewhere_or_not_active_is_refused_and_nothing_changes(make_candidate, error, message):
    actor = await _staff()
    department = await factories.create_department()
    candidate = await make_candidate(department)
    with pytest.raises(error, match=message):
        await _name_head(actor, department, candidate.id, name="Renamed in the same edit")
    unchanged = await Department.get(id=department.id)
    assert (unchanged.hod_id, unchanged.name) == (None, department.name)
    assert (await Faculty.get(id=candidate.id)).is_hod is False
    assert not await AuditLog.filter(action="update").exists()


async def test_a_head_that_does_not_exist_is_not_found():
    actor = await _staff()
    department = await factories.create_department()
    with pytest.raises(NotFound, match="Faculty member for hod_id not found"):
        await _name_head(actor, department, 999999)


async def test_a_new_department_cannot_be_created_with_a_head():
    """It has no members yet, so nobody can qualify."""
    actor = await _staff()
    member = await factories.create_faculty()
    with pytest.raises(InvalidState, match="must be a faculty member of this department"):
        await departments.create_department(actor, data=DepartmentCreate(name="New", code="NEW", hod_id=member.id))
    assert not await Department.filter(code="NEW").exists()


async def test_deactivating_a_head_ends_the_headship():
    actor = await _staff()
    department = await factories.create_department()
    head = await factories.create_faculty(department=department)
    await _name_head(actor, department, head.id)

    await faculty.deactivate_faculty(actor, faculty_id=head.id)

    assert (await Department.get(id=department.id)).hod_id is None
    member = await Faculty.get(id=head.id).select_related("user")
    assert (member.status, member.is_hod, member.user.is_active) == (FacultyStatus.INACTIVE, False, False)


async def test_moving_a_head_to_another_department_ends_the_headship():
    actor = await _staff()
    department = await factories.create_department()
    elsewhere = await factories.create_department()
    head = await factories.create_faculty(department=department)
    await _name_head(actor, department, head.id)

    await faculty.update_faculty(actor, faculty_id=head.id, changes=FacultyUpdate(department_id=elsewhere.id))

    assert (await Department.get(id=department.id)).hod_id is None
    assert (await Faculty.get(id=head.id)).is_hod is False


@pytest.mark.parametrize("role", [UserType.FACULTY, UserType.STUDENT, UserType.PARENT])
async def test_only_staff_name_heads(role):
    department = await factories.create_department()
    head = await factories.create_faculty(department=department)
    user = await factories.create_user(user_type=role)
    with pytest.raises(Forbidden):
        await _name_head(Actor.for_user(user_id=user.id, role=role), department, head.id)
    assert (await Department.get(id=department.id)).hod_id is None


async def test_the_system_actor_of_jobs_may_name_a_head():
    department = await factories.create_department()
    head = await factories.create_faculty(department=department)
    await _name_head(Actor.system(), department, head.id)
    assert (await Faculty.get(id=head.id)).is_hod is True
    audit = await AuditLog.get(entity_type="departments", action="update")
    assert audit.user_id is None
