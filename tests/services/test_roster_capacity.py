"""Roster seats through the service, as the admin panel calls it (no HTTP): seats go until
max_capacity and no further however many callers race, capacity never drops below the
students registered, and the counter matches the roster rows."""

from __future__ import annotations

import asyncio

import pytest

from dashboard.core.actor import Actor
from dashboard.core.errors import Forbidden, InvalidState
from dashboard.schemas.course_offerings import OfferingUpdate
from dashboard.services import course_offerings
from dashboard.services.auth import load_actor
from models import CourseOffering, CourseRegistration
from models.enums import OfferingStatus, RegistrationStatus, UserType
from tests import factories

pytestmark = pytest.mark.usefixtures("app")


async def _staff() -> Actor:
    user = await factories.create_user(user_type=UserType.STAFF)
    await factories.create_admin_staff(user=user)
    return await load_actor(user.id)


async def _enrollments(offering: CourseOffering, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        student = await factories.create_student(program=offering.program, semester=offering.semester)
        ids.append((await factories.create_enrollment(student=student)).id)
    return ids


async def _registered(offering: CourseOffering) -> tuple[int, int]:
    """(the offering's counter, the registered rows it counts)."""
    counter = (await CourseOffering.get(id=offering.id)).enrolled_students
    rows = await CourseRegistration.filter(course_offering_id=offering.id,
                                           status=RegistrationStatus.REGISTERED).count()
    return counter, rows


async def test_seats_go_in_order_until_the_offering_is_full():
    actor = await _staff()
    offering = await factories.create_offering(max_capacity=2)
    ids = await _enrollments(offering, 3)

    result = await course_offerings.register_students(actor, offering_id=offering.id, enrollment_ids=ids)

    assert [(r.enrollment_id, r.success) for r in result.results] == [
        (ids[0], True), (ids[1], True), (ids[2], False)]
    assert result.results[2].message == "Offering is full"
    assert (result.successful, result.failed, result.enrolled_students) == (2, 1, 2)
    assert await _registered(offering) == (2, 2)


async def test_registering_again_takes_no_second_seat():
    actor = await _staff()
    offering = await factories.create_offering(max_capacity=1)
    [enrollment_id] = await _enrollments(offering, 1)
    for _ in range(2):
        result = await course_offerings.register_students(actor, offering_id=offering.id,
                                                          enrollment_ids=[enrollment_id])
        assert result.successful == 1
    assert result.results[0].message == "Already registered"
    assert await _registered(offering) == (1, 1)


async def test_racing_callers_never_overfill_the_offering():
    """Eight transactions at once, one seat each asked for, three seats: the offering row
    lock makes exactly three of them win."""
    actor = await _staff()
    offering = await factories.create_offering(max_capacity=3)
    ids = await _enrollments(offering, 8)

    results = await asyncio.gather(*(
        course_offerings.register_students(actor, offering_id=offering.id, enrollment_ids=[enrollment_id])
        for enrollment_id in ids
    ))

    assert sorted(r.successful for r in results) == [0] * 5 + [1] * 3
    assert all(r.results[0].message == "Offering is full" for r in results if not r.successful)
    assert await _registered(offering) == (3, 3)


async def test_capacity_cannot_drop_below_the_students_registered():
    actor = await _staff()
    offering = await factories.create_offering(max_capacity=5)
    await course_offerings.register_students(actor, offering_id=offering.id,
                                             enrollment_ids=await _enrollments(offering, 3))
    with pytest.raises(InvalidState, match="cannot be below the 3 students already registered"):
        await course_offerings.update_offering(actor, offering_id=offering.id, changes=OfferingUpdate(max_capacity=2))
    assert (await CourseOffering.get(id=offering.id)).max_capacity == 5
    # Down to exactly the registered count is fine.
    await course_offerings.update_offering(actor, offering_id=offering.id, changes=OfferingUpdate(max_capacity=3))
    assert (await CourseOffering.get(id=offering.id)).max_capacity == 3


@pytest.mark.parametrize("status", [OfferingStatus.COMPLETED, OfferingStatus.CANCELLED])
async def test_a_closed_offering_takes_no_registrations(status):
    actor = await _staff()
    offering = await factories.create_offering(status=status)
    ids = await _enrollments(offering, 1)
    with pytest.raises(InvalidState, match="Registration is closed"):
        await course_offerings.register_students(actor, offering_id=offering.id, enrollment_ids=ids)
    assert await _registered(offering) == (0, 0)


async def test_students_cannot_register_anyone():
    offering = await factories.create_offering()
    ids = await _enrollments(offering, 1)
    user = await factories.create_user(user_type=UserType.STUDENT)
    with pytest.raises(Forbidden):
        await course_offerings.register_students(Actor.for_user(user_id=user.id, role=UserType.STUDENT),
                                                 offering_id=offering.id, enrollment_ids=ids)
    assert await _registered(offering) == (0, 0)
