"""Generating a large timetable is set-based: 200 items with every clash check against
a stored timetable of 1000 classes take a handful of queries, whatever the item count
(issue 13: under 1 s)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from dashboard.core.actor import Actor
from dashboard.core.errors import Conflict
from dashboard.schemas.timetable import TimetableGenerate
from dashboard.services import timetable
from models import ClassSchedule, Course, CourseOffering, OfferingFaculty, TimetableSlot
from models.enums import CourseType, Level, OfferingStatus, SlotType
from tests import factories

ITEMS = 200
STORED = 1000
DAYS, HOURS = 5, 7

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
async def campus():
    """200 offerings of one program, each its own section, 40 teachers with 5 each; 35
    one-hour slots; and 1000 stored classes of another program's 200 offerings."""
    department = await factories.create_department()
    programs = [await factories.create_program(department=department) for _ in range(2)]
    await Course.bulk_create([Course(name=f"Load {i}", code=f"LD{i:04d}", credits=3, course_type=CourseType.CORE,
                                     level=Level.BEGINNER, department_id=department.id) for i in range(2 * ITEMS)])
    courses = await Course.filter(code__startswith="LD").order_by("id").values_list("id", flat=True)
    await CourseOffering.bulk_create([CourseOffering(
        program_id=programs[i // ITEMS].id, course_id=courses[i], semester=1, academic_year="2025-26",
        section=f"S{i}", status=OfferingStatus.OPEN, start_date=dt.date(2025, 8, 1), end_date=dt.date(2025, 12, 15),
    ) for i in range(2 * ITEMS)])
    offerings = await CourseOffering.filter(course_id__in=courses).order_by("id").values_list("id", flat=True)
    teachers = [await factories.create_faculty() for _ in range(40)]
    await OfferingFaculty.bulk_create([OfferingFaculty(offering_id=offerings[i], faculty_id=teachers[i % 40].id)
                                       for i in range(ITEMS)])
    await TimetableSlot.bulk_create([TimetableSlot(slot_type=SlotType.LECTURE, day_of_week=d, start_time=dt.time(8 + h),
                                                   end_time=dt.time(9 + h)) for d in range(DAYS) for h in range(HOURS)])
    slots = await TimetableSlot.all().order_by("id").values_list("id", flat=True)
    await ClassSchedule.bulk_create([ClassSchedule(course_offering_id=offerings[ITEMS + j // 5],
                                                   slot_id=slots[(j * 7) % len(slots)], room_no=f"X{j}")
                                     for j in range(STORED)])
    return offerings[:ITEMS], slots, teachers


def _request(offerings, slots, *, room=lambda i: f"R{i}") -> TimetableGenerate:
    # Teacher i % 40 teaches offerings i, i+40, ...: slots i, i+5, i+10, ... (mod 35) are distinct.
    return TimetableGenerate(items=[{"course_offering_id": o, "slot_id": slots[i % len(slots)], "room_no": room(i)}
                                    for i, o in enumerate(offerings)])


@pytest.fixture
def count_queries(monkeypatch):
    counted: list[str] = []
    for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_many"):
        original = getattr(AsyncpgDBClient, name)

        def wrapper(self, query, *args, _original=original, **kwargs):
            counted.append(query)
            return _original(self, query, *args, **kwargs)
        monkeypatch.setattr(AsyncpgDBClient, name, wrapper)
    return counted


async def test_200_items_are_checked_and_booked_in_a_few_queries(campus, count_queries):
    offerings, slots, _ = campus
    request = _request(offerings, slots)
    count_queries.clear()
    started = time.perf_counter()
    result = await timetable.generate_timetable(Actor.system(), data=request)
    elapsed = time.perf_counter() - started
    print(f"\ngenerate {ITEMS} items against {STORED} stored: {elapsed * 1000:.0f} ms, {len(count_queries)} queries")
    assert result.total == ITEMS
    assert await ClassSchedule.filter(is_active=True).count() == STORED + ITEMS
    assert len(count_queries) <= 10, count_queries
    assert elapsed < 1.0, f"{elapsed:.3f} s"


async def test_one_clash_among_200_items_books_nothing(campus):
    offerings, slots, teachers = campus
    # The last item's teacher also teaches the first item's slot.
    items = _request(offerings, slots).items
    items[-1] = items[-1].model_copy(update={"slot_id": items[199 % 40].slot_id})
    with pytest.raises(Conflict) as refused:
        await timetable.generate_timetable(Actor.system(), data=TimetableGenerate(items=items))
    assert f"Faculty member {teachers[199 % 40].id}" in refused.value.message
    assert await ClassSchedule.all().count() == STORED
