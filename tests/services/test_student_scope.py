"""The rules the admin panel and jobs reach without HTTP: who sees which student (notes
§3.11), the typed partial updates and the audited write steps."""

from __future__ import annotations

import pytest
from tortoise.expressions import Subquery

from admin_views.students import StudentResource
from dashboard.core.actor import Actor
from dashboard.core.errors import InvalidState, NotFound
from dashboard.schemas.departments import DepartmentUpdate
from dashboard.schemas.students import StudentUpdate
from dashboard.services import departments, students
from models import AuditLog, CourseRegistration, Department, Student
from models.enums import OfferingStatus, RegistrationStatus, UserType
from tests import factories
from tests.teaching import teach

pytestmark = pytest.mark.usefixtures("app")


async def _faculty_actor(member) -> Actor:
    return Actor.for_user(user_id=member.user_id, role=UserType.FACULTY, faculty_id=member.id)


async def _ids(query) -> list[int]:
    return await query.order_by("id").values_list("id", flat=True)


async def test_students_taught_are_the_registered_ones_of_open_and_ongoing_offerings():
    member = await factories.create_faculty()
    open_, ongoing, draft, completed, dropped, elsewhere = [await factories.create_student() for _ in range(6)]
    await teach(member, open_)
    await teach(member, ongoing, status=OfferingStatus.ONGOING)
    await teach(member, draft, status=OfferingStatus.DRAFT)
    await teach(member, completed, status=OfferingStatus.COMPLETED)
    await teach(member, dropped)
    await CourseRegistration.filter(enrollment__student_id=dropped.id).update(status=RegistrationStatus.DROPPED)
    await teach(await factories.create_faculty(), elsewhere)

    # Every student they have taught; /faculty/{id}/students lists those taught now.
    assert await _ids(students.students_taught_by(member.id)) == [open_.id, ongoing.id, draft.id, completed.id,
                                                                  dropped.id]
    assert await _ids(students.students_taught_by(member.id, now=True)) == [open_.id, ongoing.id]


async def test_each_role_sees_its_students():
    member = await factories.create_faculty()
    taught, other = await factories.create_student(), await factories.create_student()
    await teach(member, taught)
    staff = Actor.for_user(user_id=1, role=UserType.STAFF)
    own = Actor.for_user(user_id=taught.user_id, role=UserType.STUDENT, student_id=taught.id,
                         own_student_ids=(taught.id,))
    faculty = await _faculty_actor(member)

    assert await _ids(students.visible_students(staff)) == [taught.id, other.id]
    assert await _ids(students.visible_students(Actor.system())) == [taught.id, other.id]
    assert await _ids(students.visible_students(faculty)) == [taught.id]
    assert await _ids(students.visible_students(own)) == [taught.id]
    for actor in (faculty, own):
        assert not students.sees_every_student(actor)
        assert (await students.student_scope(actor)).only_ids == (taught.id,)
        assert await students.sees_student(actor, taught.id)
        assert not await students.sees_student(actor, other.id)
        with pytest.raises(NotFound):
            await students.get_student(actor, student_id=other.id)
        with pytest.raises(NotFound):
            await students.student_grades(actor, student_id=other.id)


async def test_the_panel_scopes_faculty_with_the_same_definition():
    member = await factories.create_faculty()
    taught, _ = await factories.create_student(), await factories.create_student()
    await teach(member, taught)
    actor = await _faculty_actor(member)
    panel = StudentResource.scope(actor)
    api = students.visible_students(actor)
    assert await _ids(panel) == await _ids(api) == [taught.id]
    assert await _ids(Student.filter(id__in=Subquery(api.values("id")))) == [taught.id]


async def test_a_partial_update_applies_only_the_fields_sent():
    department = await factories.create_department(description="Kept", building="Old")
    updated = await departments.update_department(Actor.system(), department_id=department.id,
                                                  changes=DepartmentUpdate(building="New"))
    assert (updated.building, updated.description) == ("New", "Kept")
    row = await AuditLog.get(entity_type="departments", entity_id=department.id, action="update")
    assert (row.old_value, row.new_value) == ({"building": "Old"}, {"building": "New"})
    assert (await Department.get(id=department.id)).updated_at is not None


@pytest.mark.parametrize(("changes", "message"), [
    (DepartmentUpdate(), "No fields to update"),
    (DepartmentUpdate(name=None), "name cannot be null"),
])
async def test_a_refused_update_changes_nothing(changes, message):
    department = await factories.create_department()
    with pytest.raises(InvalidState, match=message):
        await departments.update_department(Actor.system(), department_id=department.id, changes=changes)
    assert not await AuditLog.exists(entity_type="departments", action="update")


async def test_an_update_refused_inside_the_edit_rolls_back_and_audits_nothing():
    first, second = await factories.create_department(), await factories.create_department()
    with pytest.raises(Exception, match="already exists"):
        await departments.update_department(Actor.system(), department_id=second.id,
                                            changes=DepartmentUpdate(name=first.name, building="Moved"))
    assert (await Department.get(id=second.id)).building == second.building
    assert not await AuditLog.exists(entity_type="departments", action="update")


async def test_another_students_update_is_404_outside_the_scope():
    student = await factories.create_student()
    with pytest.raises(NotFound):
        await students.update_student(Actor.system(), student_id=999999, changes=StudentUpdate(section="B"))
    updated = await students.update_student(Actor.system(), student_id=student.id, changes=StudentUpdate(section="B"))
    assert updated.section == "B"
