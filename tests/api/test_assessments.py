"""/api/v1/assessments: CRUD with the weightage and max-marks rules (domain.md §3.8)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import Assessment, AuditLog
from tests import factories

URL = "/api/v1/assessments"


async def _rows() -> list[tuple]:
    return await Assessment.all().order_by("id").values_list("id", "course_offering_id", "name", "assessment_type",
                                                             "max_marks", "weightage", "date", "description")


def _body(offering, **overrides) -> dict:
    body = {"course_offering_id": offering.id, "name": "Quiz 1", "assessment_type": "quiz", "max_marks": 20,
            "weightage": 10, "date": "2025-09-05", "description": "Chapters 1-2"}
    body.update(overrides)
    return body


@pytest.fixture
async def teacher(login_as):
    return await login_as("faculty")


@pytest.fixture
async def offering(teacher):
    return await factories.create_offering(faculty=[teacher.profile])


async def test_faculty_creates_reads_and_updates_for_their_offering(teacher, offering):
    response = await teacher.post(URL, json=_body(offering))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["max_marks"], body["weightage"], body["assessment_type"]) == (20.0, 10.0, "quiz")
    assert await AuditLog.exists(entity_type="assessments", entity_id=body["id"], action="create")
    assert (await teacher.get(f"{URL}/{body['id']}")).json()["name"] == "Quiz 1"
    updated = await teacher.put(f"{URL}/{body['id']}", json={"weightage": 15.5, "name": "Quiz One"})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["weightage"], updated.json()["name"]) == (15.5, "Quiz One")
    assert updated.json()["updated_at"]


async def test_two_assessments_of_the_same_type_are_fine_but_not_the_same_name(staff_client, offering):
    assert (await staff_client.post(URL, json=_body(offering))).status_code == 201
    assert (await staff_client.post(URL, json=_body(offering, name="Quiz 2"))).status_code == 201
    assert (await staff_client.post(URL, json=_body(offering, weightage=1))).status_code == 409


async def test_weightages_stay_within_100(staff_client, offering):
    assert (await staff_client.post(URL, json=_body(offering, name="Mid", weightage=60))).status_code == 201
    second = (await staff_client.post(URL, json=_body(offering, name="End", weightage=40))).json()
    before = await _rows()
    over = await staff_client.post(URL, json=_body(offering, name="Extra", weightage=0.5))
    assert over.status_code == 400 and "at most 100" in over.json()["detail"]
    assert (await staff_client.put(f"{URL}/{second['id']}", json={"weightage": 41})).status_code == 400
    assert await _rows() == before
    assert (await staff_client.put(f"{URL}/{second['id']}", json={"weightage": 40})).status_code == 200


async def test_two_creates_passing_100_together_at_once_give_one_success(staff_client, offering):
    await factories.create_assessment(course_offering=offering, weightage=Decimal("40"))
    responses = await asyncio.gather(*(staff_client.post(URL, json=_body(offering, name=f"Paper {n}", weightage=35))
                                       for n in range(3)))
    assert sorted(r.status_code for r in responses) == [201, 400, 400]
    total = sum(await Assessment.filter(course_offering_id=offering.id).values_list("weightage", flat=True))
    assert total == 75


async def test_max_marks_not_below_marks_given(staff_client, offering):
    assessment = await factories.create_assessment(course_offering=offering, max_marks=Decimal("20"))
    await factories.create_grade(assessment=assessment, marks_obtained=Decimal("17.5"))
    refused = await staff_client.put(f"{URL}/{assessment.id}", json={"max_marks": 17})
    assert refused.status_code == 400 and "17.5" in refused.json()["detail"]
    assert (await Assessment.get(id=assessment.id)).max_marks == 20
    assert (await staff_client.put(f"{URL}/{assessment.id}", json={"max_marks": 17.5})).status_code == 200


async def test_faculty_may_not_write_for_an_offering_they_do_not_teach(teacher):
    other = await factories.create_offering()
    assert (await teacher.post(URL, json=_body(other))).status_code == 403
    assessment = await factories.create_assessment(course_offering=other)
    before = await _rows()
    assert (await teacher.put(f"{URL}/{assessment.id}", json={"weightage": 5})).status_code == 403
    assert (await teacher.delete(f"{URL}/{assessment.id}")).status_code == 403
    assert await _rows() == before


@pytest.mark.parametrize("change", [
    {"max_marks": 0}, {"max_marks": -5}, {"weightage": 0}, {"weightage": 100.01}, {"assessment_type": "viva"},
    {"date": "2025-02-30"}, {"name": ""}, {"course_offering_id": "one"}, {"max_marks": "lots"},
    {"weightage": 10.123}, {"extra": 1},
])
async def test_bad_bodies_are_422(staff_client, offering, change):
    assert (await staff_client.post(URL, json=_body(offering, **change))).status_code == 422
    assert await _rows() == []


async def test_update_refusals(staff_client, offering):
    assessment = await factories.create_assessment(course_offering=offering, name="Quiz A")
    await factories.create_assessment(course_offering=offering, name="Quiz B")
    before = await _rows()
    url = f"{URL}/{assessment.id}"
    for body, status in (({}, 400), ({"assessment_type": "final"}, 422), ({"course_offering_id": 3}, 422),
                         ({"name": "Quiz B"}, 409), ({"max_marks": None}, 400), ({"weightage": 0}, 422)):
        assert (await staff_client.put(url, json=body)).status_code == status, body
    assert (await staff_client.put(f"{URL}/999999", json={"name": "x"})).status_code == 404
    assert await _rows() == before


async def test_create_for_a_missing_offering_is_404(staff_client):
    assert (await staff_client.post(URL, json=_body(type("O", (), {"id": 999999})))).status_code == 404


async def test_delete_only_without_grades(staff_client, offering):
    free = await factories.create_assessment(course_offering=offering)
    graded = await factories.create_assessment(course_offering=offering)
    await factories.create_grade(assessment=graded)
    assert (await staff_client.delete(f"{URL}/{free.id}")).status_code == 204
    assert (await staff_client.delete(f"{URL}/{graded.id}")).status_code == 409
    assert (await staff_client.delete(f"{URL}/{free.id}")).status_code == 404
    assert await Assessment.filter(id=graded.id).exists()


async def test_list_filters(login_as, offering):
    quiz = await factories.create_assessment(course_offering=offering)
    from models.enums import AssessmentType

    mid = await factories.create_assessment(course_offering=offering, assessment_type=AssessmentType.MIDTERM)
    elsewhere = await factories.create_assessment()
    student = await login_as("student")
    everything = (await student.get(URL)).json()
    assert [i["id"] for i in everything["items"]] == [elsewhere.id, mid.id, quiz.id]
    assert [i["id"] for i in (await student.get(URL, params={"course_offering_id": offering.id,
                                                            "assessment_type": "midterm"})).json()["items"]] == [mid.id]
    assert (await student.get(URL, params={"assessment_type": "oral"})).status_code == 422
    assert (await student.get(f"{URL}/{quiz.id}")).status_code == 200
    assert (await student.get(f"{URL}/999999")).status_code == 404
    assert (await student.post(URL, json=_body(offering))).status_code == 403
