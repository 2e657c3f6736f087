"""Assessments: domain.md §3.8 with its RECs.

The weightages of one offering never add up to more than 100. Every write that changes
them holds the offering row (SELECT ... FOR UPDATE) while it sums and writes, so two
creates at once take turns and the second sees the first (no check-then-insert race).
A grade write holds the assessment row in share mode, so lowering `max_marks` (which
locks it for update) cannot slip past marks being given at the same moment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.functions import Max, Sum

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import Conflict, InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest, paginate_values
from dashboard.core.roles import Permission
from dashboard.core.updates import (
    delete_unless_referenced,
    get_or_404,
    refuse_nulls,
    require_changes,
    touch,
)
from dashboard.schemas.assessments import AssessmentCreate, AssessmentUpdate
from dashboard.services.enrollments import ensure_teaches
from models import Assessment, CourseOffering, Grade
from models.enums import AssessmentType

ASSESSMENT_FIELDS = ("id", "course_offering_id", "name", "assessment_type", "description", "max_marks",
                     "weightage", "date", "created_at", "updated_at")
_DUPLICATE = "An assessment with this name already exists in the course offering"


def visible_assessments(actor: Actor) -> Any:
    """Assessments are course information, not a person's record: every reader sees them."""
    return Assessment.all()


async def list_assessments(actor: Actor, *, page: PageRequest, course_offering_id: int | None = None,
                           assessment_type: AssessmentType | None = None) -> Page[dict[str, Any]]:
    authorize(actor, Permission.ASSESSMENTS_READ)
    filters = {"course_offering_id": course_offering_id, "assessment_type": assessment_type}
    query = visible_assessments(actor).filter(**{k: v for k, v in filters.items() if v is not None})
    return await paginate_values(query.order_by("-id"), page, *ASSESSMENT_FIELDS)


async def get_assessment(actor: Actor, *, assessment_id: int) -> Assessment:
    authorize(actor, Permission.ASSESSMENTS_READ)
    return await get_or_404(visible_assessments(actor), assessment_id, label="Assessment")


async def _weightage_used(offering_id: int, *, excluding: int | None = None) -> Decimal:
    query = Assessment.filter(course_offering_id=offering_id)
    if excluding is not None:
        query = query.exclude(id=excluding)
    rows = await query.annotate(total=Sum("weightage")).values("total")
    return Decimal(rows[0]["total"] or 0) if rows else Decimal(0)


def _check_total(used: Decimal, weightage: Decimal) -> None:
    if used + weightage > 100:
        raise InvalidState(f"The offering's weightages would total {used + weightage}%: at most 100% "
                           f"({100 - used}% is left)")


async def create_assessment(actor: Actor, *, data: AssessmentCreate) -> Assessment:
    """Unknown offering 404; a faculty caller must teach it (403); the offering's
    weightages stay within 100 (400); names are unique per offering (409)."""
    authorize(actor, Permission.ASSESSMENTS_WRITE)
    try:
        async with atomic():
            offering = await get_or_404(CourseOffering, data.course_offering_id, label="Course offering",
                                        for_update=True)
            await ensure_teaches(actor, offering.id)
            if await Assessment.filter(course_offering_id=offering.id, name=data.name).exists():
                raise Conflict(_DUPLICATE)
            _check_total(await _weightage_used(offering.id), data.weightage)
            assessment = await Assessment.create(**data.model_dump())
            await audit.record(actor, "create", assessment)
    except IntegrityError as exc:
        raise Conflict(_DUPLICATE) from exc
    return assessment


async def update_assessment(actor: Actor, *, assessment_id: int, changes: AssessmentUpdate) -> Assessment:
    """A partial update. A new weightage keeps the offering within 100 (400); max_marks
    cannot drop below marks already given (400)."""
    authorize(actor, Permission.ASSESSMENTS_WRITE)
    values = changes.changes()
    require_changes(values)
    refuse_nulls(Assessment, values)
    try:
        async with atomic():
            current = await get_or_404(visible_assessments(actor), assessment_id, label="Assessment")
            # The offering before the assessment: the order every weightage write takes.
            await CourseOffering.select_for_update().filter(id=current.course_offering_id).values_list("id")
            assessment = await get_or_404(Assessment, assessment_id, label="Assessment", for_update=True)
            offering_id = assessment.course_offering_id
            await ensure_teaches(actor, offering_id)
            if "name" in values and values["name"] != assessment.name and await Assessment.filter(
                    course_offering_id=offering_id, name=values["name"]).exists():
                raise Conflict(_DUPLICATE)
            if "weightage" in values:
                _check_total(await _weightage_used(offering_id, excluding=assessment.id), values["weightage"])
            if "max_marks" in values:
                rows = await Grade.filter(assessment_id=assessment.id).annotate(top=Max("marks_obtained")).values("top")
                top = rows[0]["top"] if rows else None
                if top is not None and values["max_marks"] < top:
                    raise InvalidState(f"max_marks cannot be below the {top} marks already given")
            before = audit.snapshot(assessment)
            assessment.update_from_dict(values)
            touch(assessment)
            await assessment.save()
            await audit.record(actor, "update", assessment, before=before)
    except IntegrityError as exc:
        raise Conflict(_DUPLICATE) from exc
    return assessment


async def delete_assessment(actor: Actor, *, assessment_id: int) -> None:
    """Admin and staff; refused (409) once grades exist."""
    authorize(actor, Permission.ASSESSMENTS_DELETE)
    await delete_unless_referenced(actor, Assessment, assessment_id, label="Assessment",
                                   dependants=((Grade, "grades"),), column="assessment_id")


_LOCK_FOR_MARKS = """
SELECT a.id, a.name, a.max_marks, a.course_offering_id, o.course_id, o.semester, o.academic_year, o.program_id
FROM assessments a JOIN course_offerings o ON o.id = a.course_offering_id
WHERE a.id = $1 FOR SHARE OF a
"""


async def lock_for_marks(assessment_id: int) -> dict[str, Any]:
    """The assessment (with its offering's course, semester, year and program), held in
    share mode until the caller's transaction ends: marks being written are checked
    against a max_marks that cannot change meanwhile."""
    rows = await connections.get("default").execute_query_dict(_LOCK_FOR_MARKS, [assessment_id])
    if not rows:
        raise NotFound("Assessment not found")
    return dict(rows[0])
