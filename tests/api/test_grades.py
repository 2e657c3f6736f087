"""/api/v1/grades: submit, update, bulk, list, SGPA/CGPA, publish, the grade-change
history and the transcript (domain.md §3.9)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from tortoise import connections

from dashboard.schemas.grades import GradeOut
from dashboard.services.grades import GRADE_EXTRA, GRADE_FIELDS
from models import AuditLog, Grade, SemesterResult, Student
from tests import factories

URL = "/api/v1/grades"
YEAR = "2025-26"


async def _grades() -> list[tuple]:
    return await Grade.all().order_by("id").values_list("id", "enrollment_id", "assessment_id", "marks_obtained",
                                                        "remarks")


async def _results() -> list[tuple]:
    return await SemesterResult.all().order_by("student_id", "semester").values_list(
        "student_id", "semester", "academic_year", "gpa", "cgpa", "total_credits_attempted", "total_credits_earned",
        "status", "published_at", "published_by_id")


class Term:
    """Two offerings of semester 1 (4 and 3 credits), two assessments each (60% and 40%),
    the same two students registered in both."""

    async def build(self, teacher=None):
        program = await factories.create_program()
        faculty = [teacher.profile] if teacher else []
        self.offerings, self.assessments = [], []
        for credits in (4, 3):
            course = await factories.create_course(department_id=program.department_id, credits=credits)
            offering = await factories.create_offering(program=program, course=course, faculty=faculty)
            self.offerings.append(offering)
            self.assessments.append((
                await factories.create_assessment(course_offering=offering, name="Midterm", max_marks=Decimal(50),
                                                  weightage=Decimal(60)),
                await factories.create_assessment(course_offering=offering, name="Quiz", max_marks=Decimal(20),
                                                  weightage=Decimal(40)),
            ))
        self.students = [await factories.create_student(program=program) for _ in range(2)]
        self.enrollments = [await factories.create_enrollment(student=s) for s in self.students]
        for offering in self.offerings:
            for enrollment in self.enrollments:
                await factories.create_registration(course_offering=offering, enrollment=enrollment)
        return self

    async def grade(self, marks: dict[tuple[int, int, int], str]) -> None:
        """(student, offering, assessment) → marks."""
        for (s, o, a), value in marks.items():
            await factories.create_grade(enrollment=self.enrollments[s], assessment=self.assessments[o][a],
                                         marks_obtained=Decimal(value))


# s0: course 0 = 54 + 36 = 90 (O, 10); course 1 = 42 + 28 = 70 (A, 8) -> SGPA 64/7 = 9.14
# s1: course 0 = 24 + 10 = 34 (F, 0); course 1 = 30 + 20 = 50 (B, 6) -> SGPA 18/7 = 2.57
MARKS = {(0, 0, 0): "45", (0, 0, 1): "18", (0, 1, 0): "35", (0, 1, 1): "14",
         (1, 0, 0): "20", (1, 0, 1): "5", (1, 1, 0): "25", (1, 1, 1): "10"}


@pytest.fixture
async def teacher(login_as):
    return await login_as("faculty")


@pytest.fixture
async def term(teacher):
    return await Term().build(teacher)


def _body(term, s=0, o=0, a=0, **overrides) -> dict:
    body = {"enrollment_id": term.enrollments[s].id, "assessment_id": term.assessments[o][a].id,
            "marks_obtained": 12.5}
    body.update(overrides)
    return body


# --- submit and update ---------------------------------------------------------------------


async def test_faculty_submits_and_updates_a_grade(teacher, term):
    response = await teacher.post(URL, json=_body(term, remarks="Good"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["course_id"] == term.offerings[0].course_id and body["course_offering_id"] == term.offerings[0].id
    assert body["graded_by"] == teacher.user.id and body["marks_obtained"] == 12.5
    assert body["student_id"] == term.students[0].id
    assert await AuditLog.exists(entity_type="grades", entity_id=body["id"], action="create")
    assert (await teacher.post(URL, json=_body(term, marks_obtained=3))).status_code == 409
    updated = await teacher.put(f"{URL}/{body['id']}", json={"marks_obtained": 49.5})
    assert updated.status_code == 200, updated.text
    assert updated.json()["marks_obtained"] == 49.5 and updated.json()["updated_at"]


@pytest.mark.parametrize(("case", "status"), [
    ("over_max", 400), ("not_registered", 400), ("wrong_course", 400), ("no_assessment", 404),
    ("no_enrollment", 404), ("not_teaching", 403),
])
async def test_submit_refusals_change_nothing(teacher, term, case, status):
    body = _body(term)
    if case == "over_max":
        body["marks_obtained"] = 50.01
    elif case == "not_registered":
        body["enrollment_id"] = (await factories.create_enrollment()).id
    elif case == "wrong_course":
        body["course_id"] = term.offerings[1].course_id
    elif case == "no_assessment":
        body["assessment_id"] = 999999
    elif case == "no_enrollment":
        body["enrollment_id"] = 999999
    elif case == "not_teaching":
        body["assessment_id"] = (await factories.create_assessment()).id
    response = await teacher.post(URL, json=body)
    assert response.status_code == status, response.text
    if case == "over_max":
        assert response.json()["detail"] == "Marks obtained cannot exceed max marks (50.00)"
    assert await _grades() == []


@pytest.mark.parametrize("change", [
    {"marks_obtained": -1}, {"marks_obtained": "many"}, {"marks_obtained": 1.234}, {"marks_obtained": None},
    {"assessment_id": "x"}, {"enrollment_id": 0}, {"graded_by": 1}, {"remarks": "\x00"},
])
async def test_bad_bodies_are_422(staff_client, term, change):
    assert (await staff_client.post(URL, json=_body(term, **change))).status_code == 422
    assert await _grades() == []


async def test_update_refusals(teacher, term, login_as):
    await term.grade(MARKS)
    grade = await Grade.get(enrollment_id=term.enrollments[0].id, assessment_id=term.assessments[0][0].id)
    before = await _grades()
    url = f"{URL}/{grade.id}"
    for body, status in (({"marks_obtained": 51}, 400), ({}, 400), ({"marks_obtained": None}, 400),
                         ({"marks_obtained": -2}, 422), ({"assessment_id": 3}, 422)):
        assert (await teacher.put(url, json=body)).status_code == status, body
    assert (await teacher.put(f"{URL}/999999", json={"marks_obtained": 1})).status_code == 404
    outsider = await login_as("faculty")
    assert (await outsider.put(url, json={"marks_obtained": 1})).status_code == 404
    # A teacher of the student, but not of this offering: 403.
    other_teacher = await login_as("faculty")
    third = await factories.create_offering(program=await term.offerings[0].program, faculty=[other_teacher.profile])
    await factories.create_registration(course_offering=third, enrollment=term.enrollments[0])
    assert (await other_teacher.put(url, json={"marks_obtained": 1})).status_code == 403
    student = await login_as("student", user=await term.students[0].user, profile=term.students[0])
    assert (await student.put(url, json={"marks_obtained": 50})).status_code == 403
    assert await _grades() == before


async def test_the_same_grade_twice_at_once_is_one_grade_and_one_409(staff_client, term):
    responses = await asyncio.gather(*(staff_client.post(URL, json=_body(term)) for _ in range(2)))
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len(await _grades()) == 1


async def test_lowering_max_marks_while_marks_are_given_stays_consistent(staff_client, term):
    assessment = term.assessments[0][0]
    grade, lowered = await asyncio.gather(
        staff_client.post(URL, json=_body(term, marks_obtained=45)),
        staff_client.put(f"/api/v1/assessments/{assessment.id}", json={"max_marks": 40}),
    )
    statuses = (grade.status_code, lowered.status_code)
    assert statuses in ((201, 400), (400, 200)), statuses
    top = max(await Grade.filter(assessment_id=assessment.id).values_list("marks_obtained", flat=True), default=0)
    await assessment.refresh_from_db()
    assert top <= assessment.max_marks


# --- bulk ----------------------------------------------------------------------------------


async def test_bulk_reports_each_item(teacher, term):
    await factories.create_grade(enrollment=term.enrollments[1], assessment=term.assessments[0][0])
    outsider = await factories.create_enrollment()
    items = [{"enrollment_id": term.enrollments[0].id, "marks_obtained": 40},
             {"enrollment_id": term.enrollments[0].id, "marks_obtained": 41},
             {"enrollment_id": term.enrollments[1].id, "marks_obtained": 30},
             {"enrollment_id": outsider.id, "marks_obtained": 30},
             {"enrollment_id": 999999, "marks_obtained": 30}]
    response = await teacher.post(f"{URL}/bulk", json={"assessment_id": term.assessments[0][0].id, "items": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["successful"], body["failed"]) == (5, 1, 4)
    assert [r["message"] for r in body["results"]] == [
        "Grade submitted", "Listed twice in this request", "Grade already exists for this assessment",
        "Student is not registered in this course offering", "Enrollment not found"]
    over = await teacher.post(f"{URL}/bulk", json={"assessment_id": term.assessments[0][1].id,
                                                   "items": [{"enrollment_id": term.enrollments[0].id,
                                                              "marks_obtained": 21}]})
    assert over.json()["results"][0]["message"] == "Marks exceed max marks (20.00)"


async def test_bulk_whole_request_refusals(teacher, term):
    foreign = await factories.create_assessment()
    item = [{"enrollment_id": term.enrollments[0].id, "marks_obtained": 1}]
    assert (await teacher.post(f"{URL}/bulk", json={"assessment_id": 999999, "items": item})).status_code == 404
    assert (await teacher.post(f"{URL}/bulk", json={"assessment_id": foreign.id, "items": item})).status_code == 403
    assert (await teacher.post(f"{URL}/bulk", json={"assessment_id": term.assessments[0][0].id,
                                                    "course_id": 999999, "items": item})).status_code == 400
    for body in ({"assessment_id": term.assessments[0][0].id, "items": []},
                 {"assessment_id": term.assessments[0][0].id, "items": item * 1001},
                 {"assessment_id": term.assessments[0][0].id, "items": [{"enrollment_id": 1, "marks_obtained": -1}]}):
        assert (await teacher.post(f"{URL}/bulk", json=body)).status_code == 422
    assert await _grades() == []


# --- lists ---------------------------------------------------------------------------------


async def test_list_filters_and_scopes(login_as, staff_client, teacher, term):
    await term.grade(MARKS)
    assert (await staff_client.get(URL)).json()["total"] == 8
    assert (await staff_client.get(URL, params={"student_id": term.students[1].id})).json()["total"] == 4
    assert (await staff_client.get(URL, params={"course_id": term.offerings[1].course_id,
                                                "enrollment_id": term.enrollments[0].id})).json()["total"] == 2
    assert (await staff_client.get(URL, params={"assessment_id": term.assessments[0][1].id})).json()["total"] == 2
    assert (await teacher.get(URL)).json()["total"] == 8
    assert (await (await login_as("faculty")).get(URL)).json()["total"] == 0
    student = await login_as("student", user=await term.students[0].user, profile=term.students[0])
    own = (await student.get(URL)).json()
    assert own["total"] == 4 and {i["student_id"] for i in own["items"]} == {term.students[0].id}
    assert (await student.get(URL, params={"student_id": term.students[1].id})).json()["total"] == 0
    parent = await login_as("parent")
    await Student.filter(id=term.students[1].id).update(parent_id=parent.profile.id)
    parent = await login_as("parent", user=parent.user, profile=parent.profile)
    assert {i["student_id"] for i in (await parent.get(URL)).json()["items"]} == {term.students[1].id}
    assert (await staff_client.get(URL, params={"student_id": "me"})).status_code == 422


async def test_list_pages_carry_the_exact_total_and_the_records_fields(staff_client, term):
    await term.grade(MARKS)
    first = (await staff_client.get(URL, params={"page_size": 3})).json()
    last = (await staff_client.get(URL, params={"page_size": 3, "page": 3})).json()
    past = (await staff_client.get(URL, params={"page_size": 3, "page": 4})).json()
    assert (first["total"], first["total_pages"], len(first["items"])) == (8, 3, 3)
    assert (last["total"], len(last["items"]), past["total"], past["items"]) == (8, 2, 8, [])
    ids = [i["id"] for i in first["items"] + (await staff_client.get(
        URL, params={"page_size": 3, "page": 2})).json()["items"] + last["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 8
    # The list's own statement gives what the ORM gives the other reads of a grade.
    for item in first["items"]:
        record = (await Grade.filter(id=item["id"]).values(*GRADE_FIELDS, **GRADE_EXTRA))[0]
        assert item == GradeOut.model_validate(record).model_dump(mode="json")


# --- SGPA and CGPA -------------------------------------------------------------------------


async def test_sgpa_from_the_grading_scale(staff_client, term, login_as):
    await term.grade(MARKS)
    body = (await staff_client.get(f"{URL}/calculate-sgpa", params={"student_id": term.students[0].id,
                                                                    "semester": 1})).json()
    assert body["sgpa"] == 9.14 and body["total_credits"] == 7
    assert [(c["credits"], c["weighted_percentage"], c["grade_letter"], c["grade_point"]) for c in
            sorted(body["courses"], key=lambda c: -c["credits"])] == [(4, 90.0, "O", 10.0), (3, 70.0, "A", 8.0)]
    failing = (await staff_client.get(f"{URL}/calculate-sgpa", params={"student_id": term.students[1].id,
                                                                       "semester": 1})).json()
    assert failing["sgpa"] == 2.57
    for params, status in (({"student_id": term.students[0].id, "semester": 2}, 404),
                           ({"student_id": 999999, "semester": 1}, 404), ({"student_id": term.students[0].id}, 422),
                           ({"student_id": term.students[0].id, "semester": 0}, 422)):
        assert (await staff_client.get(f"{URL}/calculate-sgpa", params=params)).status_code == status
    student = await login_as("student", user=await term.students[0].user, profile=term.students[0])
    assert (await student.get(f"{URL}/calculate-sgpa", params={"student_id": term.students[0].id,
                                                               "semester": 1})).status_code == 200
    assert (await student.get(f"{URL}/calculate-sgpa", params={"student_id": term.students[1].id,
                                                               "semester": 1})).status_code == 404
    assert (await (await login_as("faculty")).get(f"{URL}/calculate-cgpa", params={
        "student_id": term.students[0].id})).status_code == 404


async def test_sgpa_preview_and_publish_round_a_half_hundredth_alike(staff_client):
    """5 credits at A+ (9) and 3 at A (8): 69 / 8 = 8.625, which half-even would make 8.62
    in the preview while the publish SQL stores 8.63."""
    program = await factories.create_program()
    student = await factories.create_student(program=program)
    enrollment = await factories.create_enrollment(student=student)
    for credits, marks in ((5, "85"), (3, "75")):
        offering = await factories.create_offering(program=program, course=await factories.create_course(
            department_id=program.department_id, credits=credits))
        paper = await factories.create_assessment(course_offering=offering, max_marks=Decimal(100),
                                                  weightage=Decimal(100))
        await factories.create_registration(course_offering=offering, enrollment=enrollment)
        await factories.create_grade(enrollment=enrollment, assessment=paper, marks_obtained=Decimal(marks))
    preview = (await staff_client.get(f"{URL}/calculate-sgpa", params={"student_id": student.id,
                                                                       "semester": 1})).json()
    published = (await staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})).json()
    assert preview["sgpa"] == 8.63
    assert [r["gpa"] for r in published["results"]] == [8.63]


# --- publishing ----------------------------------------------------------------------------


async def test_publish_records_results_and_cgpa_idempotently(staff_client, term, login_as):
    await term.grade(MARKS)
    cgpa_params = {"student_id": term.students[0].id}
    assert (await staff_client.get(f"{URL}/calculate-cgpa", params=cgpa_params)).status_code == 404
    response = await staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["published"], body["failed"]) == (2, 2, 0)
    assert [(r["student_id"], r["gpa"]) for r in body["results"]] == [(term.students[0].id, 9.14),
                                                                      (term.students[1].id, 2.57)]
    first = await _results()
    s0, s1 = first
    assert s0[3:8] == (Decimal("9.14"), Decimal("9.14"), 7, 7, "pass")
    assert s1[3:8] == (Decimal("2.57"), Decimal("2.57"), 7, 3, "fail")
    assert s0[8] is not None and s0[9] == staff_client.user.id
    assert (await Student.get(id=term.students[0].id)).cgpa == Decimal("9.14")
    again = await (await login_as("admin")).post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
    assert again.json()["published"] == 2
    assert await _results() == first
    cgpa = (await staff_client.get(f"{URL}/calculate-cgpa", params={"student_id": term.students[0].id})).json()
    assert cgpa == {"student_id": term.students[0].id, "semesters": [{"semester": 1, "gpa": 9.14, "credits": 7}],
                    "total_credits": 7, "cgpa": 9.14}


async def test_cgpa_weights_every_published_semester(staff_client):
    term = await Term().build()
    await term.grade(MARKS)
    await staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
    later = await factories.create_offering(program=await term.offerings[0].program, semester=2,
                                            course=await factories.create_course(credits=3))
    paper = await factories.create_assessment(course_offering=later, max_marks=Decimal(100), weightage=Decimal(100))
    await factories.create_registration(course_offering=later, enrollment=term.enrollments[0])
    await factories.create_grade(enrollment=term.enrollments[0], assessment=paper, marks_obtained=Decimal(65))
    body = (await staff_client.post(f"{URL}/publish", json={"semester": 2, "academic_year": YEAR})).json()
    assert body["results"] == [{"student_id": term.students[0].id, "success": True, "message": "Result published",
                                "gpa": 7.0}]
    # (9.14 * 7 + 7 * 3) / 10 = 8.498
    assert (await Student.get(id=term.students[0].id)).cgpa == Decimal("8.50")
    assert (await Student.get(id=term.students[1].id)).cgpa == Decimal("2.57")


async def test_publish_for_listed_students(staff_client, term):
    await term.grade({k: v for k, v in MARKS.items() if k[0] == 0})
    ungraded = term.students[1].id
    body = (await staff_client.post(f"{URL}/publish", json={
        "semester": 1, "academic_year": YEAR, "student_ids": [ungraded, 999999, term.students[0].id]})).json()
    assert (body["total"], body["published"], body["failed"]) == (2, 1, 1)
    assert [(r["student_id"], r["success"], r["message"]) for r in body["results"]] == [
        (ungraded, False, "No grades for this semester"), (term.students[0].id, True, "Result published")]
    assert (await staff_client.post(f"{URL}/publish", json={"semester": 3, "academic_year": YEAR})).status_code == 404
    other_year = {"semester": 1, "academic_year": "2030-31"}
    assert (await staff_client.post(f"{URL}/publish", json=other_year)).status_code == 404


@pytest.mark.parametrize("body", [{"semester": 0, "academic_year": YEAR}, {"semester": 1},
                                  {"semester": 1, "academic_year": "2025"}, {"semester": 1, "academic_year": YEAR,
                                                                             "student_ids": []}])
async def test_publish_bad_bodies_are_422(staff_client, body):
    assert (await staff_client.post(f"{URL}/publish", json=body)).status_code == 422


async def test_faculty_do_not_publish(teacher, term):
    await term.grade(MARKS)
    assert (await teacher.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})).status_code == 403
    assert await _results() == []


async def test_concurrent_publishes_of_one_semester_make_one_result_each(staff_client, term):
    await term.grade(MARKS)
    responses = await asyncio.gather(*(staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
                                       for _ in range(3)))
    assert all(r.status_code == 200 for r in responses)
    assert await SemesterResult.all().count() == 2


# --- changes after publication, history, transcript ----------------------------------------


async def test_changing_a_published_grade_needs_a_reason_and_republishes(staff_client, teacher, term, login_as):
    await term.grade(MARKS)
    await staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
    grade = await Grade.get(enrollment_id=term.enrollments[1].id, assessment_id=term.assessments[0][0].id)
    url = f"{URL}/{grade.id}"
    refused = await teacher.put(url, json={"marks_obtained": 40})
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    assert (await teacher.put(url, json={"remarks": "Rechecked"})).status_code == 200  # remarks alone need none
    response = await teacher.put(url, json={"marks_obtained": 40, "reason": "Re-evaluation after appeal"})
    assert response.status_code == 200, response.text
    # s1 course 0 is now 48 + 10 = 58 (B, 6): SGPA (24 + 18) / 7 = 6.00, every credit earned
    result = await SemesterResult.get(student_id=term.students[1].id, semester=1)
    assert (result.gpa, result.cgpa, result.total_credits_earned, result.status) == (
        Decimal("6.00"), Decimal("6.00"), 7, "pass")
    assert result.published_by_id == teacher.user.id  # type: ignore[attr-defined]
    assert (await Student.get(id=term.students[1].id)).cgpa == Decimal("6.00")
    history = (await teacher.get(f"{url}/history")).json()
    assert history["total"] == 1 and history["marks_obtained"] == 40.0
    change = history["history"][0]
    assert (change["old_marks"], change["new_marks"], change["reason"], change["changed_by"]) == (
        20.0, 40.0, "Re-evaluation after appeal", teacher.user.id)
    student = await login_as("student", user=await term.students[1].user, profile=term.students[1])
    assert (await student.get(f"{url}/history")).json()["total"] == 1
    other = await login_as("student", user=await term.students[0].user, profile=term.students[0])
    assert (await other.get(f"{url}/history")).status_code == 404
    assert (await (await login_as("faculty")).get(f"{url}/history")).status_code == 404


async def test_a_new_grade_in_a_published_semester_needs_a_reason(staff_client, term):
    await term.grade({k: v for k, v in MARKS.items() if k != (0, 1, 1)})
    await staff_client.post(f"{URL}/publish", json={"semester": 1, "academic_year": YEAR})
    # course 1 without its quiz: 42 (C, 5), so (40 + 15) / 7
    assert (await SemesterResult.get(student_id=term.students[0].id)).gpa == Decimal("7.86")
    body = _body(term, o=1, a=1, marks_obtained=14)
    assert (await staff_client.post(URL, json=body)).status_code == 400
    bulk = await staff_client.post(f"{URL}/bulk", json={"assessment_id": body["assessment_id"], "items": [
        {"enrollment_id": body["enrollment_id"], "marks_obtained": 14}]})
    assert "published" in bulk.json()["results"][0]["message"]
    created = await staff_client.post(URL, json={**body, "reason": "Quiz marks arrived late"})
    assert created.status_code == 201, created.text
    assert (await SemesterResult.get(student_id=term.students[0].id)).gpa == Decimal("9.14")
    history = (await staff_client.get(f"{URL}/{created.json()['id']}/history")).json()["history"]
    assert [(h["old_marks"], h["new_marks"]) for h in history] == [(None, 14.0)]


async def test_the_history_is_empty_before_publication(staff_client, term):
    await term.grade(MARKS)
    grade = await Grade.filter(enrollment_id=term.enrollments[0].id).first()
    await staff_client.put(f"{URL}/{grade.id}", json={"marks_obtained": 1})
    body = (await staff_client.get(f"{URL}/{grade.id}/history")).json()
    assert body["history"] == [] and body["total"] == 0
    assert (await staff_client.get(f"{URL}/999999/history")).status_code == 404
    rows = await connections.get("default").execute_query_dict("SELECT count(*) AS n FROM grade_changes")
    assert rows[0]["n"] == 0
