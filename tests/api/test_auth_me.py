"""GET /auth/me: the caller's account and who they are in the university, for each role."""

from __future__ import annotations

import pytest

from models import AdminStaff
from models.enums import UserType
from tests import factories

ME = "/api/v1/auth/me"
NO_PROFILE = {"student_id": None, "faculty_id": None, "staff_id": None, "parent_id": None, "linked_students": []}


def _user_info(user) -> dict:
    return {"id": user.id, "user_type": user.user_type.value, "email": user.email, "user_name": user.user_name,
            "first_name": user.first_name, "last_name": user.last_name, "is_active": user.is_active,
            "is_verified": user.is_verified}


async def test_a_student_learns_their_student_id(student_client):
    body = (await student_client.get(ME)).json()
    assert body == {**_user_info(student_client.user), **NO_PROFILE, "student_id": student_client.profile.id}


async def test_a_faculty_member_learns_their_faculty_id(faculty_client):
    body = (await faculty_client.get(ME)).json()
    assert body == {**_user_info(faculty_client.user), **NO_PROFILE, "faculty_id": faculty_client.profile.id}


@pytest.mark.parametrize("role", ["admin", "staff"])
async def test_admin_and_staff_learn_their_staff_id(login_as, role):
    client = await login_as(role)
    assert isinstance(client.profile, AdminStaff)
    body = (await client.get(ME)).json()
    assert body == {**_user_info(client.user), **NO_PROFILE, "staff_id": client.profile.id}


async def test_a_parent_learns_the_students_they_are_parent_or_guardian_of(login_as):
    parent = await factories.create_parent()
    other_parent = await factories.create_parent()
    child = await factories.create_student(parent=parent)
    ward = await factories.create_student(guardian=parent, parent=other_parent)
    await factories.create_student(parent=other_parent)  # someone else's child
    client = await login_as("parent", user=await parent.user, profile=parent)
    body = (await client.get(ME)).json()
    expected = []
    for student in sorted((child, ward), key=lambda s: s.id):
        user = await student.user
        expected.append({"id": student.id, "student_code": student.student_code,
                         "first_name": user.first_name, "last_name": user.last_name})
    assert body == {**_user_info(client.user), **NO_PROFILE, "parent_id": parent.id, "linked_students": expected}


async def test_a_parent_without_linked_students_gets_an_empty_list(parent_client):
    body = (await parent_client.get(ME)).json()
    assert body["parent_id"] == parent_client.profile.id and body["linked_students"] == []


async def test_an_account_without_a_profile_row_has_no_ids(login_as):
    user = await factories.create_user(user_type=UserType.STUDENT)
    client = await login_as("student", user=user)
    assert (await client.get(ME)).json() == {**_user_info(user), **NO_PROFILE}
