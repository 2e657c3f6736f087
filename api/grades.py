"""/api/v1/grades: marks per assessment, SGPA/CGPA, publishing results and the
grade-change history (domain.md §3.9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.grades import (
    CgpaOut,
    GradeBulk,
    GradeBulkOut,
    GradeCreate,
    GradeHistoryOut,
    GradeOut,
    GradeUpdate,
    PublishOut,
    PublishRequest,
    SgpaOut,
)
from dashboard.services import grades as service

router = ResourceRouter(prefix="/grades", tags=["Grades"], responses=error_responses(401, 403, 422))

GradeId = Annotated[int, Path(ge=1, le=MAX_INT, description="Grade id")]
StudentQuery = Annotated[int, Query(ge=1, le=MAX_INT, description="Student ID (required)")]


def _id(what: str) -> object:
    return Query(ge=1, le=MAX_INT, description=f"Filter by {what}")


@router.get(
    "/calculate-sgpa", response_model=SgpaOut, responses=error_responses(404),
    openapi_extra=requires(Permission.GRADES_READ), summary="A student's SGPA for a semester",
    description="Per course: the weighted percentage, letter and grade point (from the grading scale); SGPA = "
    "credit-weighted grade points. Admin and staff for anyone, faculty for their students, a student or parent "
    "their own (others 404); no grades that semester 404. Changes nothing.",
)
async def calculate_sgpa(
    actor: CurrentActor, student_id: StudentQuery,
    semester: Annotated[int, Query(ge=1, le=20, description="Semester (required)")],
) -> dict:
    return await service.calculate_sgpa(actor, student_id=student_id, semester=semester)


@router.get(
    "/calculate-cgpa", response_model=CgpaOut, responses=error_responses(404),
    openapi_extra=requires(Permission.GRADES_READ), summary="A student's CGPA",
    description="From the published semester results, weighted by credits; none published 404. Scopes as for "
    "SGPA. Changes nothing.",
)
async def calculate_cgpa(actor: CurrentActor, student_id: StudentQuery) -> dict:
    return await service.calculate_cgpa(actor, student_id=student_id)


@router.get(
    "", response_model=PageOut[GradeOut], openapi_extra=requires(Permission.GRADES_READ), summary="List grades",
    description="Paginated, newest first. Admin and staff see all; faculty their students'; a student only their "
    "own, a parent their children's. Changes nothing.",
)
async def list_grades(
    actor: CurrentActor,
    page: PageParams,
    enrollment_id: Annotated[int | None, _id("enrollment")] = None,
    course_id: Annotated[int | None, _id("course")] = None,
    assessment_id: Annotated[int | None, _id("assessment")] = None,
    student_id: Annotated[int | None, _id("student")] = None,
    course_offering_id: Annotated[int | None, _id("course offering")] = None,
) -> PageOut[GradeOut]:
    result = await service.list_grades(actor, page=page, enrollment_id=enrollment_id, course_id=course_id,
                                       assessment_id=assessment_id, student_id=student_id,
                                       course_offering_id=course_offering_id)
    return PageOut[GradeOut].of(result)


@router.post(
    "", status_code=201, response_model=GradeOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.GRADES_WRITE), summary="Submit a grade",
    description="Admin, staff, and faculty for offerings they teach (else 403). Marks from 0 to the assessment's "
    "max_marks (400 above) for an enrollment registered in the offering (400); one grade per enrollment and "
    "assessment (409). After publication a reason is required and the student's result is republished.",
)
async def submit_grade(actor: CurrentActor, body: GradeCreate) -> dict:
    return await service.submit_grade(actor, data=body)


@router.post(
    "/bulk", response_model=GradeBulkOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.GRADES_WRITE), summary="Submit an assessment's grades",
    description="Admin, staff, and faculty for offerings they teach (else 403); unknown assessment 404. Up to "
    "1000 items, one result per item (200 even when every item fails); the valid ones are inserted together.",
)
async def bulk_submit_grades(actor: CurrentActor, body: GradeBulk) -> dict:
    return await service.bulk_submit_grades(actor, data=body)


@router.post(
    "/publish", response_model=PublishOut, responses=error_responses(404),
    openapi_extra=requires(Permission.GRADES_PUBLISH), summary="Publish a semester's results",
    description="Admin and staff. For every student with grades in the offerings of the semester and year (or "
    "the listed students): GPA, credits, pass/fail and CGPA, stored with who published and when, and the "
    "student's CGPA updated, in one transaction. Publishing again changes nothing that has not changed.",
)
async def publish_results(actor: CurrentActor, body: PublishRequest) -> dict:
    return await service.publish_results(actor, data=body)


@router.put(
    "/{grade_id}", response_model=GradeOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.GRADES_WRITE), summary="Update a grade",
    description="Admin, staff, and faculty for offerings they teach (else 403). Marks (at most max_marks) and "
    "remarks. Changing the marks of a published semester needs a reason, is kept in the grade's history and "
    "republishes the student's result.",
)
async def update_grade(actor: CurrentActor, grade_id: GradeId, body: GradeUpdate) -> dict:
    return await service.update_grade(actor, grade_id=grade_id, changes=body)


@router.get(
    "/{grade_id}/history", response_model=GradeHistoryOut, responses=error_responses(404),
    openapi_extra=requires(Permission.GRADES_READ), summary="A grade's change history",
    description="The changes made after its semester was published: old and new marks, reason, who and when. "
    "Faculty for the offerings they teach, a student or parent their own. Changes nothing.",
)
async def grade_history(actor: CurrentActor, grade_id: GradeId) -> dict:
    return await service.grade_history(actor, grade_id=grade_id)
