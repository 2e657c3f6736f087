"""The generated university as an in-memory plan: who studies what, where and with whom.

Only the compact core lives in memory (catalogue, people, sections, offerings and their
rosters, rooms, the marks of past semesters); the large tables (registrations, attendance,
grades, inbox rows) are streamed from it by `dashboard.demo.rows`.

Students past their first semester took the courses of each earlier semester with their
section: those offerings are completed, graded on an internal assessment and an end-semester
examination, and their published semester results are computed from those marks exactly as
the grades service computes them (domain.md §3.9, with the grading scale the migration
seeds), so a student's history, CGPA and transcript agree with their grades. Every random choice comes from a
`random.Random` seeded with the run's seed and the name of the thing being drawn, so one
part of the plan does not shift when another changes.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from array import array
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dashboard.demo import names
from dashboard.demo.academic_calendar import (
    FINAL_EXAMS,
    MIDTERM_WEEK,
    TERM_START,
    TODAY,
    Term,
    teaching_days,
    term,
    working_day,
)
from models.enums import (
    AdminStaffRole,
    Category,
    CourseType,
    DegreeType,
    EmploymentType,
    FacultyStatus,
    Gender,
    HostelRoomType,
    HostelType,
    Level,
    ResultStatus,
    SlotType,
    UserType,
)

SECTION_SIZE = 60
# Share of a department's students in each kind of program.
PROGRAM_SHARES = {
    DegreeType.BACHELORS: 0.68,
    DegreeType.MASTERS: 0.16,
    DegreeType.DIPLOMA: 0.08,
    DegreeType.PHD: 0.04,
    DegreeType.CERTIFICATE: 0.04,
}
# (duration_years, total_semesters)
PROGRAM_LENGTH = {
    DegreeType.BACHELORS: (4, 8),
    DegreeType.MASTERS: (2, 4),
    DegreeType.DIPLOMA: (3, 6),
    DegreeType.PHD: (3, 6),
    DegreeType.CERTIFICATE: (1, 2),
}
# Share of a program's students who live on campus.
HOSTEL_SHARE = {
    DegreeType.BACHELORS: 0.36,
    DegreeType.MASTERS: 0.45,
    DegreeType.DIPLOMA: 0.25,
    DegreeType.PHD: 0.6,
    DegreeType.CERTIFICATE: 0.1,
}
BACHELORS_PATTERNS = (
    "Introduction to {s}", "Foundations of {s}", "Principles of {s}", "Applied {s}",
    "Advanced {s}", "{s}: Methods and Practice", "Topics in {s}", "Special Topics in {s}",
)
MASTERS_PATTERNS = (
    "Graduate {s}", "{s}: Theory and Applications", "Research Topics in {s}",
    "Contemporary Issues in {s}",
)
ROMAN = ("I", "II", "III", "IV", "V", "VI")
MANDATORY_CREDITS = (3, 3, 3, 3, 2, 2)
ELECTIVE_CREDITS = 2
# Weekly timetable: (slot type, start, end) per weekday, Monday to Friday.
DAY_SLOTS = (
    (SlotType.LECTURE, dt.time(9, 0), dt.time(9, 55)),
    (SlotType.LECTURE, dt.time(10, 0), dt.time(10, 55)),
    (SlotType.LECTURE, dt.time(11, 5), dt.time(12, 0)),
    (SlotType.LECTURE, dt.time(12, 5), dt.time(13, 0)),
    (SlotType.BREAK, dt.time(13, 0), dt.time(14, 0)),
    (SlotType.LAB, dt.time(14, 0), dt.time(15, 50)),
    (SlotType.TUTORIAL, dt.time(16, 0), dt.time(16, 55)),
)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# A past offering's two assessments: (max_marks, weightage). Marks are stored in half marks,
# so a course's percentage times ten is 5 * internal + 3 * end-semester: an integer, and the
# letter thresholds compare exactly.
PAST_INTERNAL = (40, 40)
PAST_END_SEMESTER = (100, 60)
CENT = Decimal("0.01")
CURRENT_TERM = term(0)


def round_half_up(value: Decimal) -> Decimal:
    """Two decimals the way PostgreSQL's round(numeric, 2) does it."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class GradeBand:
    """One row of the grading_scales table."""

    letter: str
    min_percentage: Decimal
    grade_point: Decimal


def hostel_type_for(student: Student) -> HostelType:
    """Doctoral students and students of another gender live in the unisex halls."""
    if student.person.gender is Gender.OTHER or student.cohort.program.degree is DegreeType.PHD:
        return HostelType.UNISEX
    return HostelType.BOYS if student.person.gender is Gender.MALE else HostelType.GIRLS


def person_rng(seed: int, name: str) -> random.Random:
    # Not for secrets: a seeded generator is the point (the same seed, the same university).
    return random.Random(f"{seed}/{name}")  # noqa: S311


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (deterministic)."""
    weight_sum = sum(weights)
    quotas = [total * w / weight_sum for w in weights]
    counts = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def section_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


# --------------------------------------------------------------------------- catalogue


@dataclass(slots=True, eq=False)
class Department:
    id: int
    spec: names.DepartmentSpec
    building: str
    floor: int
    programs: list[Program] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    faculty: list[FacultyMember] = field(default_factory=list)
    hod: FacultyMember | None = None
    room_counter: int = 0
    lab_rooms: dict[int, int] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.spec.code

    def next_room(self) -> str:
        self.room_counter += 1
        floor, number = divmod(self.room_counter - 1, 20)
        return f"{self.code}-{floor + 1}{number + 1:02d}"

    def next_lab_room(self, slot_id: int) -> str:
        n = self.lab_rooms.get(slot_id, 0) + 1
        self.lab_rooms[slot_id] = n
        return f"{self.code}-LAB{n:02d}"


@dataclass(slots=True, eq=False)
class Course:
    id: int
    department: Department
    code: str
    name: str
    credits: int
    kind: str  # theory | elective | lab | seminar | thesis
    course_type: CourseType
    level: Level
    sessions: int  # classes a week
    stem: str | None = None  # the subject area, for prerequisites
    prerequisites: list[Course] = field(default_factory=list)

    @property
    def is_lab(self) -> bool:
        return self.kind == "lab"

    @property
    def has_exams(self) -> bool:
        return self.kind in ("theory", "elective")


@dataclass(slots=True, eq=False)
class Program:
    id: int
    department: Department
    degree: DegreeType
    code: str
    name: str
    duration_years: int
    total_semesters: int
    # semester -> [(course, is_mandatory)], and how many electives a student takes
    curriculum: dict[int, list[tuple[Course, bool]]] = field(default_factory=dict)
    electives_required: dict[int, int] = field(default_factory=dict)

    def semester_credits(self, semester: int) -> int:
        entries = self.curriculum[semester]
        mandatory = sum(c.credits for c, m in entries if m)
        electives = [c.credits for c, m in entries if not m]
        return mandatory + sum(electives[: self.electives_required[semester]])

    @property
    def total_credits(self) -> int:
        return sum(self.semester_credits(s) for s in range(1, self.total_semesters + 1))


# --------------------------------------------------------------------------- people


@dataclass(slots=True, eq=False)
class Person:
    user_id: int
    first: str
    last: str
    gender: Gender
    email: str
    user_name: str
    birth: dt.date
    city: int  # index into names.CITIES
    joined: dt.date
    middle: str | None = None
    is_active: bool = True


@dataclass(slots=True, eq=False)
class FacultyMember:
    id: int
    person: Person
    department: Department
    designation: str
    employment: EmploymentType
    experience: int
    specialization: str
    qualification: str
    status: FacultyStatus = FacultyStatus.ACTIVE
    is_hod: bool = False
    load: int = 0
    busy: set[int] = field(default_factory=set)


@dataclass(slots=True, eq=False)
class StaffMember:
    id: int
    person: Person
    role: AdminStaffRole
    designation: str
    department: Department | None
    is_admin: bool  # user type admin, else staff


@dataclass(slots=True, eq=False)
class Cohort:
    program: Program
    semester: int
    size: int
    sections: list[Section] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Section:
    cohort: Cohort
    letter: str
    room: str
    students: list[int] = field(default_factory=list)
    offerings: list[Offering] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Student:
    idx: int
    person: Person
    cohort: Cohort
    section: Section
    code: str
    admission_number: str
    admission_date: dt.date
    category: Category
    blood_group: str
    religion: str
    nationality: str
    country: str
    ability: float
    absence: float
    parent: int = -1  # index into Plan.parents
    sibling_of: int = -1  # an elder sibling's index (same parent and family name)
    room: Room | None = None
    last_year_room: Room | None = None  # where they lived in the previous academic year
    # (semester, year, gpa, cgpa, attempted, earned, status, published)
    results: list[tuple[Any, ...]] = field(default_factory=list)
    cgpa: Decimal | None = None
    credits_earned: int = 0


@dataclass(slots=True, eq=False)
class ParentRecord:
    id: int
    person: Person
    father: str
    mother: str
    father_occupation: str
    mother_occupation: str
    is_father: bool
    income: int
    city: int
    address: str
    children: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------- teaching


@dataclass(slots=True, eq=False)
class Slot:
    id: int
    day: int
    slot_type: SlotType
    start: dt.time
    end: dt.time


@dataclass(slots=True, eq=False)
class Offering:
    id: int
    course: Course
    section: Section
    mandatory: bool
    slots: list[Slot] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    faculty: list[FacultyMember] = field(default_factory=list)
    roster: list[int] = field(default_factory=list)
    max_capacity: int = SECTION_SIZE
    midterm: tuple[dt.date, dt.time, dt.time] | None = None
    final: tuple[dt.date, dt.time, dt.time] | None = None
    # (id, name, type, max_marks, weightage, date), filled by the row streams
    assessments: list[tuple[Any, ...]] = field(default_factory=list)
    # Its term; for a completed offering of an earlier semester also its semester number and
    # the half marks of each roster member (internal, end-semester, in roster order).
    term: Term = CURRENT_TERM
    past_semester: int = 0
    half_marks: array[int] = field(default_factory=lambda: array("H"))

    @property
    def program(self) -> Program:
        return self.section.cohort.program

    @property
    def semester(self) -> int:
        return self.past_semester or self.section.cohort.semester

    @property
    def is_past(self) -> bool:
        return self.past_semester > 0


# --------------------------------------------------------------------------- hostels


@dataclass(slots=True, eq=False)
class Hostel:
    id: int
    name: str
    hostel_type: HostelType
    warden: StaffMember | None = None
    rooms: list[Room] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Room:
    id: int
    hostel: Hostel
    number: str
    room_type: HostelRoomType
    floor: int
    capacity: int
    fee: int
    maintenance: bool
    occupants: list[int] = field(default_factory=list)


ROOM_CAPACITY = {
    HostelRoomType.SINGLE: 1,
    HostelRoomType.DOUBLE: 2,
    HostelRoomType.TRIPLE: 3,
    HostelRoomType.QUAD: 4,
}
ROOM_FEE = {
    HostelRoomType.SINGLE: 36000,
    HostelRoomType.DOUBLE: 26000,
    HostelRoomType.TRIPLE: 21000,
    HostelRoomType.QUAD: 18000,
}


class IdAllocator:
    """Explicit ids per table, continuing after whatever the tables already hold."""

    def __init__(self, first_ids: dict[str, int]) -> None:
        self._next = dict(first_ids)

    def take(self, table: str, count: int = 1) -> int:
        first = self._next[table]
        self._next[table] = first + count
        return first


# --------------------------------------------------------------------------- the plan


class Plan:
    def __init__(self, *, students: int, seed: int, first_ids: dict[str, int],
                 demo_logins: dict[str, str], grading_scale: list[GradeBand]) -> None:
        if students < 1:
            raise ValueError("the demo university needs at least 1 student")
        if not grading_scale:
            raise ValueError("the grading scale is empty (the migrations seed grading_scales)")
        # Highest threshold first; thresholds in tenths of a percent, as the half marks give.
        self.grading_scale = sorted(grading_scale, key=lambda b: b.min_percentage, reverse=True)
        self.n_students = students
        self.seed = seed
        self.ids = IdAllocator(first_ids)
        self.demo_logins = demo_logins
        self._locals: dict[str, int] = {}
        self.university_id = self.ids.take("universities")
        self.departments: list[Department] = []
        self.programs: list[Program] = []
        self.courses: list[Course] = []
        self.cohorts: list[Cohort] = []
        self.students: list[Student] = []
        self.parents: list[ParentRecord] = []
        self.faculty: list[FacultyMember] = []
        self.staff: list[StaffMember] = []
        self.slots: list[Slot] = []
        self.offerings: list[Offering] = []
        self.past_offerings: list[Offering] = []
        self.hostels: list[Hostel] = []
        self.class_days = teaching_days()
        self._catalogue_of: dict[int, tuple[Any, ...]] = {}

        self._build_catalogue()
        self._build_cohorts()
        self._build_slots()
        self._build_staff()
        self._build_students()
        self._build_offerings()
        self._build_faculty()
        self._build_past_semesters()
        self._build_parents()
        self._build_hostels()
        self._build_results()
        self.assign_user_ids()

    # ------------------------------------------------------------------ helpers

    def rng(self, name: str) -> random.Random:
        return person_rng(self.seed, name)

    def _local_part(self, first: str, last: str) -> str:
        base = f"{slug(first)}.{slug(last)}"
        n = self._locals.get(base, 0) + 1
        self._locals[base] = n
        return base if n == 1 else f"{base}{n}"

    def _person(self, rng: random.Random, *, gender: Gender | None = None, age: int,
                joined: dt.date, last: str | None = None, domain: str,
                user_name: str | None = None) -> Person:
        if gender is None:
            roll = rng.random()
            gender = Gender.MALE if roll < 0.53 else Gender.FEMALE if roll < 0.995 else Gender.OTHER
        pool = names.MALE_FIRST_NAMES if gender is Gender.MALE else names.FEMALE_FIRST_NAMES
        if gender is Gender.OTHER:
            pool = names.MALE_FIRST_NAMES if rng.random() < 0.5 else names.FEMALE_FIRST_NAMES
        first = rng.choice(pool)
        last = last or rng.choice(names.LAST_NAMES)
        middle = rng.choice(names.MALE_FIRST_NAMES) if rng.random() < 0.15 else None
        local = self._local_part(first, last)
        birth = dt.date(TODAY.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        return Person(
            user_id=0, first=first, last=last, gender=gender, email=f"{local}@{domain}",
            user_name=user_name or local, birth=birth, city=rng.randrange(len(names.CITIES)),
            joined=joined, middle=middle,
        )

    def _make_demo(self, person: Person, role: str) -> None:
        person.email = self.demo_logins[role]
        person.user_name = role

    # ------------------------------------------------------------------ catalogue

    def _build_catalogue(self) -> None:
        n = self.n_students
        n_departments = 8 + max(0, math.ceil(math.log2(max(n, 1) / 2000))) if n > 2000 else 8
        n_departments = min(n_departments, len(names.DEPARTMENTS))
        for index, spec in enumerate(names.DEPARTMENTS[:n_departments]):
            dept = Department(
                id=self.ids.take("departments"), spec=spec, building=f"{spec.name} Block",
                floor=index % 4,
            )
            self.departments.append(dept)
            self._build_courses(dept)
            self._build_programs(dept)

    def _course(self, dept: Department, code: str, name: str, credits: int, kind: str,
                course_type: CourseType, level: Level, sessions: int,
                stem: str | None = None) -> Course:
        course = Course(
            id=self.ids.take("courses"), department=dept, code=code, name=name, credits=credits,
            kind=kind, course_type=course_type, level=level, sessions=sessions, stem=stem,
        )
        dept.courses.append(course)
        self.courses.append(course)
        return course

    def _theory_semester(self, dept: Department, *, pattern: str, stem_offset: int,
                         code_prefix: str, level: Level, n_labs: int,
                         elective_type: CourseType) -> dict[str, list[Course]]:
        stems = dept.spec.stems
        theory: list[Course] = []
        electives: list[Course] = []
        for j in range(10):
            stem = stems[(stem_offset + j) % len(stems)]
            name = pattern.format(s=stem)
            code = f"{code_prefix}{j + 1:02d}"
            if j < 6:
                credits = MANDATORY_CREDITS[j]
                theory.append(self._course(dept, code, name, credits, "theory", CourseType.CORE,
                                           level, 2 if credits >= 3 else 1, stem))
            else:
                electives.append(self._course(dept, code, name, ELECTIVE_CREDITS, "elective",
                                              elective_type, level, 1, stem))
        labs = [
            self._course(dept, f"{code_prefix}{51 + j}", f"{theory[j].name} {dept.spec.lab_word}",
                         1, "lab", CourseType.MANDATORY, level, 1)
            for j in range(n_labs)
        ]
        return {"theory": theory, "electives": electives, "labs": labs}

    def _build_courses(self, dept: Department) -> None:
        code = dept.code
        bachelors = {}
        for k in range(1, 9):
            level = (Level.BEGINNER if k <= 2 else Level.INTERMEDIATE if k <= 4
                     else Level.ADVANCED)
            bachelors[k] = self._theory_semester(
                dept, pattern=BACHELORS_PATTERNS[k - 1], stem_offset=5 * (k - 1),
                code_prefix=f"{code}{k}", level=level, n_labs=2,
                elective_type=CourseType.OPTIONAL if k == 8 else CourseType.ELECTIVE,
            )
        masters = {}
        for k in range(1, 5):
            masters[k] = self._theory_semester(
                dept, pattern=MASTERS_PATTERNS[k - 1], stem_offset=5 * (k - 1) + 3,
                code_prefix=f"{code}M{k}", level=Level.EXPERT, n_labs=1,
                elective_type=CourseType.ELECTIVE,
            )
        phd: dict[str, Any] = {
            "method": self._course(dept, f"{code}R01", f"Research Methodology in {dept.spec.name}",
                                   4, "theory", CourseType.CORE, Level.PROFESSIONAL, 2),
            "seminars": [
                self._course(dept, f"{code}R{10 + i}", f"Doctoral Seminar {ROMAN[i]} in {dept.spec.name}",
                             2, "seminar", CourseType.MANDATORY, Level.PROFESSIONAL, 1)
                for i in range(4)
            ],
            "thesis": [
                self._course(dept, f"{code}R{20 + i}", f"Thesis Research {ROMAN[i]} in {dept.spec.name}",
                             6, "thesis", CourseType.MANDATORY, Level.PROFESSIONAL, 1)
                for i in range(4)
            ],
        }
        # Prerequisites: the same subject in the nearest earlier semester, and the first
        # core course of the previous semester (only earlier semesters: no cycles).
        for series in (bachelors, masters):
            by_stem: dict[str, Course] = {}
            for k in sorted(series):
                block = series[k]
                current: dict[str, Course] = {}
                for course in block["theory"] + block["electives"]:
                    if course.stem is None:  # only labs, seminars and theses lack a subject
                        continue
                    earlier = by_stem.get(course.stem)
                    if earlier is not None:
                        course.prerequisites.append(earlier)
                    current[course.stem] = course
                if k > 1:
                    first_core = series[k - 1]["theory"][0]
                    head = block["theory"][0]
                    if first_core not in head.prerequisites:
                        head.prerequisites.append(first_core)
                by_stem.update(current)
        for seminar in phd["seminars"][1:] + phd["thesis"]:
            seminar.prerequisites.append(phd["method"])
        self._catalogue_of[dept.id] = (bachelors, masters, phd)

    def _build_programs(self, dept: Department) -> None:
        bachelors, masters, phd = self._catalogue_of[dept.id]
        spec = dept.spec
        titles = {
            DegreeType.BACHELORS: (spec.bachelors, spec.bachelors.upper().replace(".", "")),
            DegreeType.MASTERS: (spec.masters, spec.masters.upper().replace(".", "")),
            DegreeType.PHD: ("Ph.D.", "PHD"),
            DegreeType.DIPLOMA: ("Diploma", "DIP"),
            DegreeType.CERTIFICATE: ("Certificate", "CERT"),
        }
        for degree in PROGRAM_SHARES:
            years, semesters = PROGRAM_LENGTH[degree]
            prefix, code = titles[degree]
            program = Program(
                id=self.ids.take("programs"), department=dept, degree=degree,
                code=f"{code}-{dept.code}", name=f"{prefix} in {spec.name}",
                duration_years=years, total_semesters=semesters,
            )
            for k in range(1, semesters + 1):
                entries: list[tuple[Course, bool]]
                if degree is DegreeType.BACHELORS or degree is DegreeType.DIPLOMA:
                    block = bachelors[k]
                    entries = [(c, True) for c in block["theory"] + block["labs"]]
                    electives = block["electives"] if degree is DegreeType.BACHELORS else block["electives"][:2]
                    entries += [(c, False) for c in electives]
                    required = 2
                elif degree is DegreeType.MASTERS:
                    block = masters[k]
                    entries = [(c, True) for c in block["theory"] + block["labs"]]
                    entries += [(c, False) for c in block["electives"]]
                    required = 3
                elif degree is DegreeType.CERTIFICATE:
                    block = bachelors[k]
                    entries = [(c, True) for c in block["theory"][:4] + block["labs"][:1]]
                    entries += [(c, False) for c in block["electives"]]
                    required = 1
                else:  # PhD: coursework, then seminars and thesis credits
                    if k == 1:
                        entries = [(phd["method"], True), (phd["seminars"][0], True)]
                        entries += [(c, False) for c in masters[1]["electives"]]
                        required = 2
                    elif k == 2:
                        entries = [(phd["seminars"][1], True)]
                        entries += [(c, False) for c in masters[2]["electives"]]
                        required = 2
                    elif k <= 4:
                        entries = [(phd["seminars"][k - 1], True), (phd["thesis"][k - 3], True)]
                        required = 0
                    else:
                        entries = [(phd["thesis"][k - 3], True)]
                        required = 0
                program.curriculum[k] = entries
                program.electives_required[k] = required
            dept.programs.append(program)
            self.programs.append(program)

    # ------------------------------------------------------------------ cohorts

    def _build_cohorts(self) -> None:
        keys: list[tuple[Program, int]] = []
        weights: list[float] = []
        for dept in self.departments:
            for program in dept.programs:
                current = list(range(1, program.total_semesters + 1, 2))
                for i, semester in enumerate(current):
                    keys.append((program, semester))
                    weights.append(dept.spec.weight * PROGRAM_SHARES[program.degree]
                                   * (0.95 ** i) / len(current))
        counts = largest_remainder(self.n_students, weights)
        # The demo student is in the first department's bachelors program, semester 5.
        demo_program = self.departments[0].programs[0]
        demo_key = keys.index((demo_program, 5))
        if counts[demo_key] == 0:
            donor = max(range(len(counts)), key=lambda i: (counts[i], -i))
            counts[donor] -= 1
            counts[demo_key] += 1
        self.demo_cohort_index = -1
        for (program, semester), size in zip(keys, counts, strict=True):
            if size:
                if (program, semester) == (demo_program, 5):
                    self.demo_cohort_index = len(self.cohorts)
                self.cohorts.append(Cohort(program=program, semester=semester, size=size))

    # ------------------------------------------------------------------ timetable

    def _build_slots(self) -> None:
        for day in range(5):
            for slot_type, start, end in DAY_SLOTS:
                self.slots.append(Slot(self.ids.take("timetable_slots"), day, slot_type, start, end))
        self.theory_slots = [s for s in self.slots if s.slot_type in (SlotType.LECTURE, SlotType.TUTORIAL)]
        self.lab_slots = [s for s in self.slots if s.slot_type is SlotType.LAB]

    # ------------------------------------------------------------------ staff

    def _build_staff(self) -> None:
        rng = self.rng("staff")
        n = self.n_students
        joined_base = dt.date(2008, 6, 1)

        def member(role: AdminStaffRole, designation: str, *, admin: bool,
                   department: Department | None = None, demo: str | None = None) -> StaffMember:
            joined = joined_base + dt.timedelta(days=rng.randrange(6000))
            person = self._person(rng, age=rng.randrange(26, 58), joined=joined,
                                  domain="university.example")
            if demo:
                self._make_demo(person, demo)
            staff = StaffMember(self.ids.take("admin_staff"), person, role, designation,
                                department, admin)
            self.staff.append(staff)
            return staff

        self.demo_admin = member(AdminStaffRole.SUPER_ADMIN, "Director, IT Services", admin=True,
                                 demo="admin")
        self.registrar = member(AdminStaffRole.REGISTRAR, "Registrar", admin=True)
        member(AdminStaffRole.SUPER_ADMIN, "System Administrator", admin=True)
        self.demo_staff = member(AdminStaffRole.STAFF, "Administrative Officer", admin=False,
                                 demo="staff")
        self.accountants = [self.demo_staff] + [
            member(AdminStaffRole.ACCOUNTANT, rng.choice(("Accountant", "Senior Accountant")),
                   admin=False)
            for _ in range(max(2, n // 6000 + 1))
        ]
        self.librarians = [self.demo_staff] + [
            member(AdminStaffRole.LIBRARIAN, rng.choice(("Librarian", "Assistant Librarian")),
                   admin=False)
            for _ in range(max(2, n // 8000 + 1))
        ]
        for _ in range(1 + n // 15000):
            member(AdminStaffRole.REGISTRAR, "Assistant Registrar", admin=False)
        for dept in self.departments:
            for _ in range(1 + n // 20000):
                member(AdminStaffRole.STAFF, rng.choice(("Office Assistant", "Section Officer",
                                                         "Laboratory Assistant")),
                       admin=False, department=dept)
        self.wardens: list[StaffMember] = []
        for _ in range(max(1, math.ceil(n * 0.37 / 600))):
            self.wardens.append(member(AdminStaffRole.WARDEN, "Hostel Warden", admin=False))

    # ------------------------------------------------------------------ students

    def _build_students(self) -> None:
        rng = self.rng("students")
        seq_by_key: dict[tuple[str, int], int] = {}
        admission_seq = 0
        weights_cat = (48, 27, 15, 7, 2, 1)
        cats = list(Category)
        if self.demo_cohort_index < 0:
            raise RuntimeError("the demo student's cohort was not planned")
        demo_next = self.demo_cohort_index + 1
        for cohort_index, cohort in enumerate(self.cohorts):
            program = cohort.program
            dept = program.department
            years_in = (cohort.semester - 1) // 2
            batch = TERM_START.year - years_in
            n_sections = math.ceil(cohort.size / SECTION_SIZE)
            sizes = largest_remainder(cohort.size, [1.0] * n_sections)
            age0 = {DegreeType.BACHELORS: 18, DegreeType.DIPLOMA: 17,
                    DegreeType.CERTIFICATE: 19, DegreeType.MASTERS: 22,
                    DegreeType.PHD: 24}[program.degree]
            for s_index, size in enumerate(sizes):
                section = Section(cohort=cohort, letter=section_letter(s_index),
                                  room=dept.next_room())
                cohort.sections.append(section)
                for _ in range(size):
                    idx = len(self.students)
                    key = (dept.code, batch)
                    seq_by_key[key] = seq_by_key.get(key, 0) + 1
                    admission_seq += 1
                    code = f"{dept.code}{batch}{seq_by_key[key]:05d}"
                    admission = dt.date(batch, 7, 15) + dt.timedelta(days=rng.randrange(25))
                    international = rng.random() < 0.02
                    sibling_of = -1
                    first_of_cohort = s_index == 0 and not section.students
                    if cohort_index == self.demo_cohort_index and first_of_cohort:
                        pass  # the demo student: their parent is the demo parent
                    elif idx and cohort_index == demo_next and first_of_cohort:
                        sibling_of = self.students[self.cohorts[self.demo_cohort_index].sections[0].students[0]].idx
                    elif idx and rng.random() < 0.03:
                        elder = self.students[rng.randrange(idx)]
                        if elder.cohort is not cohort:
                            sibling_of = elder.idx
                    family = self.students[sibling_of].person if sibling_of >= 0 else None
                    person = self._person(
                        rng, age=age0 + years_in + (1 if rng.random() < 0.3 else 0),
                        joined=admission, domain="student.university.example",
                        user_name=code.lower(), last=family.last if family else None,
                    )
                    if family is not None:
                        person.city = family.city
                    if international:
                        nationality, country, _city = rng.choice(names.INTERNATIONAL)
                    else:
                        nationality, country = "Indian", "India"
                    ability = min(0.97, max(0.3, rng.gauss(0.68, 0.12)))
                    roll = rng.random()
                    absence = (rng.uniform(0.02, 0.1) if roll < 0.72 else
                               rng.uniform(0.1, 0.2) if roll < 0.92 else rng.uniform(0.22, 0.38))
                    student = Student(
                        idx=idx, person=person, cohort=cohort, section=section, code=code,
                        admission_number=f"ADM/{batch}/{admission_seq:06d}",
                        admission_date=admission,
                        category=rng.choices(cats, weights_cat)[0] if not international else Category.GENERAL,
                        blood_group=rng.choices(names.BLOOD_GROUPS, names.BLOOD_GROUP_WEIGHTS)[0],
                        religion=rng.choices(names.RELIGIONS, names.RELIGION_WEIGHTS)[0],
                        nationality=nationality, country=country, ability=ability, absence=absence,
                        sibling_of=sibling_of,
                    )
                    section.students.append(idx)
                    self.students.append(student)
        demo_cohort = self.cohorts[self.demo_cohort_index]
        self.demo_student = self.students[demo_cohort.sections[0].students[0]]
        self.demo_student.ability = 0.78
        self.demo_student.absence = 0.06
        self._make_demo(self.demo_student.person, "student")

    # ------------------------------------------------------------------ offerings

    def _build_offerings(self) -> None:
        rng = self.rng("offerings")
        for cohort in self.cohorts:
            program = cohort.program
            entries = program.curriculum[cohort.semester]
            required = program.electives_required[cohort.semester]
            for section in cohort.sections:
                by_course: dict[int, Offering] = {}
                for course, mandatory in entries:
                    offering = Offering(id=self.ids.take("course_offerings"), course=course,
                                        section=section, mandatory=mandatory,
                                        max_capacity=SECTION_SIZE + rng.choice((0, 0, 5, 10)))
                    section.offerings.append(offering)
                    self.offerings.append(offering)
                    by_course[course.id] = offering
                electives = [o for o in section.offerings if not o.mandatory]
                for idx in section.students:
                    for offering in section.offerings:
                        if offering.mandatory:
                            offering.roster.append(idx)
                    for offering in rng.sample(electives, min(required, len(electives))):
                        offering.roster.append(idx)
                for offering in electives:
                    offering.roster.sort()
                self._schedule_section(section, rng)
        self._schedule_exams()

    def _schedule_section(self, section: Section, rng: random.Random) -> None:
        """Give each offering of a section its weekly slots: no two of the section's classes
        share a slot (so no student has a clash), an offering meets on distinct days, and
        theory classes use the section's own room (so no room is double-booked)."""
        theory = self.theory_slots[:]
        rng.shuffle(theory)
        labs = self.lab_slots[:]
        rng.shuffle(labs)
        used: set[int] = set()
        dept = section.cohort.program.department
        ordered = sorted(section.offerings, key=lambda o: (o.course.is_lab, -o.course.sessions))
        for offering in ordered:
            pool = labs if offering.course.is_lab else theory
            days: set[int] = set()
            for distinct_days in (True, False):
                for slot in pool:
                    if len(offering.slots) == offering.course.sessions:
                        break
                    if slot.id in used or (distinct_days and slot.day in days):
                        continue
                    offering.slots.append(slot)
                    days.add(slot.day)
                    used.add(slot.id)
            offering.slots.sort(key=lambda s: (s.day, s.start))
            for slot in offering.slots:
                offering.rooms.append(dept.next_lab_room(slot.id) if offering.course.is_lab
                                      else section.room)

    def _schedule_exams(self) -> None:
        """Mid-semester papers in the mid-semester week (two a day), end-semester papers in
        December (one a day), per cohort, in curriculum order."""
        midterm_days = [MIDTERM_WEEK[0] + dt.timedelta(days=i) for i in range(5)]
        final_days = []
        day = FINAL_EXAMS[0]
        while day <= FINAL_EXAMS[1]:
            if working_day(day) == day:
                final_days.append(day)
            day += dt.timedelta(days=1)
        for cohort in self.cohorts:
            examined = [c for c, _ in cohort.program.curriculum[cohort.semester] if c.has_exams]
            position = {c.id: i for i, c in enumerate(examined)}
            for section in cohort.sections:
                for offering in section.offerings:
                    i = position.get(offering.course.id)
                    if i is None:
                        continue
                    mid_day = midterm_days[(i // 2) % len(midterm_days)]
                    mid_start = dt.time(10, 0) if i % 2 == 0 else dt.time(14, 0)
                    mid_end = dt.time(11, 30) if i % 2 == 0 else dt.time(15, 30)
                    offering.midterm = (mid_day, mid_start, mid_end)
                    offering.final = (final_days[i % len(final_days)], dt.time(10, 0), dt.time(13, 0))

    # ------------------------------------------------------------------ faculty

    def _build_faculty(self) -> None:
        rng = self.rng("faculty")
        demo_section = self.demo_student.section
        designations = ("Professor", "Associate Professor", "Assistant Professor",
                        "Visiting Faculty", "Lecturer")
        for dept in self.departments:
            offerings = [o for o in self.offerings if o.course.department is dept]
            weekly = sum(len(o.slots) * (2 if o.course.is_lab else 1) for o in offerings)
            weekly = int(weekly * 1.3)  # labs and some theory classes are co-taught
            n_teaching = max(6, math.ceil(weekly / 9))
            for i in range(n_teaching):
                if i == 0:
                    designation = "Professor"
                elif dept is self.departments[0] and i == 1:
                    designation = "Associate Professor"
                else:
                    designation = rng.choices(designations, (15, 25, 50, 5, 5))[0]
                self._hire(dept, rng, designation)
            dept.hod = dept.faculty[0]
            dept.hod.is_hod = True
            teaching = list(dept.faculty)
            if dept is self.departments[0]:
                # The demo faculty teaches the demo student's first two theory courses.
                self.demo_faculty = dept.faculty[1]
                self._make_demo(self.demo_faculty.person, "faculty")
                forced = [o for o in demo_section.offerings if not o.course.is_lab][:2]
                for offering in forced:
                    self._assign(offering, self.demo_faculty)
            for offering in offerings:
                co_taught = offering.course.is_lab or rng.random() < 0.2
                wanted = (2 if co_taught else 1) - len(offering.faculty)
                for _ in range(wanted):
                    member = self._pick_teacher(offering, teaching)
                    if member is None:
                        if offering.faculty:  # no free co-teacher: taught alone
                            break
                        member = self._hire(dept, rng, "Visiting Faculty")
                        teaching.append(member)
                    self._assign(offering, member)
            for _ in range(max(1, n_teaching // 30)):  # retired, kept on the rolls
                member = self._hire(dept, rng, rng.choice(designations[:3]))
                member.status = FacultyStatus.RETIRED
                member.person.is_active = False

    def _hire(self, dept: Department, rng: random.Random, designation: str) -> FacultyMember:
        experience = {"Professor": rng.randrange(15, 35),
                      "Associate Professor": rng.randrange(8, 20),
                      "Assistant Professor": rng.randrange(1, 10),
                      "Visiting Faculty": rng.randrange(5, 30),
                      "Lecturer": rng.randrange(0, 6)}[designation]
        employment = {"Visiting Faculty": EmploymentType.VISITING,
                      "Lecturer": EmploymentType.CONTRACT}.get(
            designation,
            EmploymentType.PERMANENT if rng.random() < 0.92 else EmploymentType.PARTTIME)
        years_here = min(experience, rng.randrange(0, 20))
        joined = dt.date(TODAY.year - years_here, 7, 1) + dt.timedelta(days=rng.randrange(60))
        # On the staff before the classes of their first term begin.
        joined = min(joined, dt.date(joined.year, 8, 1))
        person = self._person(rng, age=25 + experience + rng.randrange(0, 5), joined=joined,
                              domain="university.example")
        stem = rng.choice(dept.spec.stems)
        qualification = (f"Ph.D. in {stem}" if designation in ("Professor", "Associate Professor")
                         or rng.random() < 0.6 else f"{dept.spec.masters} in {stem}")
        member = FacultyMember(
            id=self.ids.take("faculty"), person=person, department=dept,
            designation=designation, employment=employment, experience=experience,
            specialization=stem, qualification=qualification,
        )
        dept.faculty.append(member)
        self.faculty.append(member)
        return member

    @staticmethod
    def _pick_teacher(offering: Offering, teaching: list[FacultyMember]) -> FacultyMember | None:
        """The least-loaded teacher free in all the offering's slots, if any."""
        slot_ids = {s.id for s in offering.slots}
        best = None
        for member in teaching:
            if member in offering.faculty or member.busy & slot_ids:
                continue
            if best is None or member.load < best.load:
                best = member
        return best

    @staticmethod
    def _assign(offering: Offering, member: FacultyMember) -> None:
        offering.faculty.append(member)
        member.busy.update(s.id for s in offering.slots)
        member.load += len(offering.slots) * (2 if offering.course.is_lab else 1)

    # ------------------------------------------------------------------ parents

    def _build_parents(self) -> None:
        rng = self.rng("parents")
        demo = self.demo_student
        for student in self.students:
            if student.sibling_of >= 0:
                elder = self.students[student.sibling_of]
                if elder.parent >= 0:
                    student.parent = elder.parent
                    self.parents[elder.parent].children.append(student.idx)
                    continue
            if student is demo or rng.random() < 0.88:
                self._new_parent(rng, student, demo=student is demo)

    def _new_parent(self, rng: random.Random, student: Student, *, demo: bool) -> None:
        last = student.person.last
        father = rng.choice(names.MALE_FIRST_NAMES)
        mother = rng.choice(names.FEMALE_FIRST_NAMES)
        is_father = rng.random() < 0.6
        age = TODAY.year - student.person.birth.year + rng.randrange(22, 34)
        first = father if is_father else mother
        local = self._local_part(first, last)
        person = Person(
            user_id=0, first=first, last=last,
            gender=Gender.MALE if is_father else Gender.FEMALE,
            email=f"{local}@mail.example", user_name=local,
            birth=dt.date(TODAY.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            city=student.person.city, joined=student.admission_date,
        )
        if demo:
            self._make_demo(person, "parent")
        parent = ParentRecord(
            id=self.ids.take("parents"), person=person, father=f"{father} {last}",
            mother=f"{mother} {last}",
            father_occupation=rng.choice(names.OCCUPATIONS_FATHER),
            mother_occupation=rng.choice(names.OCCUPATIONS_MOTHER),
            is_father=is_father,
            income=rng.randrange(2, 60) * 50000, city=student.person.city,
            address=f"{rng.randrange(1, 400)}, {rng.choice(names.STREETS)}",
        )
        student.parent = len(self.parents)
        parent.children.append(student.idx)
        self.parents.append(parent)

    # ------------------------------------------------------------------ hostels

    def _build_hostels(self) -> None:
        rng = self.rng("hostels")
        residents: dict[HostelType, list[Student]] = {t: [] for t in HostelType}
        for student in self.students:
            degree = student.cohort.program.degree
            share = HOSTEL_SHARE[degree] * (1.15 if student.cohort.semester == 1 else 1.0)
            if student is self.demo_student or rng.random() < share:
                residents[hostel_type_for(student)].append(student)
        hostel_names = iter(names.HOSTEL_NAMES)
        name_round = 0
        mixes = {
            HostelType.BOYS: ((HostelRoomType.SINGLE, 8), (HostelRoomType.DOUBLE, 45),
                              (HostelRoomType.TRIPLE, 35), (HostelRoomType.QUAD, 12)),
            HostelType.GIRLS: ((HostelRoomType.SINGLE, 10), (HostelRoomType.DOUBLE, 50),
                               (HostelRoomType.TRIPLE, 32), (HostelRoomType.QUAD, 8)),
            HostelType.UNISEX: ((HostelRoomType.SINGLE, 45), (HostelRoomType.DOUBLE, 55)),
        }
        for hostel_type in (HostelType.BOYS, HostelType.GIRLS, HostelType.UNISEX):
            people = residents[hostel_type]
            rng.shuffle(people)
            # Roommates tend to be classmates.
            people.sort(key=lambda s: (s.cohort.program.department.id, s.cohort.semester))
            capacity_needed = max(20, math.ceil(len(people) / 0.9))
            n_hostels = max(1, math.ceil(capacity_needed / 420))
            per_hostel = math.ceil(capacity_needed / n_hostels)
            for _ in range(n_hostels):
                try:
                    base = next(hostel_names)
                except StopIteration:
                    name_round += 1
                    hostel_names = iter(names.HOSTEL_NAMES)
                    base = next(hostel_names)
                suffix = "" if name_round == 0 else f" {ROMAN[min(name_round, 5)]}"
                hostel = Hostel(id=self.ids.take("hostels"), name=f"{base} Hall{suffix}",
                                hostel_type=hostel_type)
                self.hostels.append(hostel)
                capacity = 0
                per_floor = max(4, math.ceil(per_hostel / 4 / 2.3))
                number = 0
                while capacity < per_hostel:
                    floor, n_on_floor = divmod(number, per_floor)
                    number += 1
                    types, weights = zip(*mixes[hostel_type], strict=True)
                    room_type = rng.choices(types, weights)[0]
                    label = "G" if floor == 0 else str(floor)
                    room = Room(
                        id=self.ids.take("hostel_rooms"), hostel=hostel,
                        number=f"{label}{n_on_floor + 1:02d}", room_type=room_type, floor=floor,
                        capacity=ROOM_CAPACITY[room_type], fee=ROOM_FEE[room_type],
                        maintenance=rng.random() < 0.02,
                    )
                    hostel.rooms.append(room)
                    if not room.maintenance:
                        capacity += room.capacity
            pool = [h for h in self.hostels if h.hostel_type is hostel_type]
            rooms = [r for h in pool for r in h.rooms if not r.maintenance]
            # Fill rooms in order, leaving about one in ten beds free across the hostels.
            spare = sum(r.capacity for r in rooms) - len(people)
            cursor = 0
            for room in rooms:
                take = room.capacity
                if spare > 0 and rng.random() < 0.15:
                    leave = min(spare, rng.randrange(1, room.capacity + 1))
                    take -= leave
                    spare -= leave
                for student in people[cursor: cursor + take]:
                    room.occupants.append(student.idx)
                    student.room = room
                cursor += take
                if cursor >= len(people):
                    break
            if cursor < len(people):
                raise RuntimeError("hostel capacity planning left students without a bed")
        for i, hostel in enumerate(self.hostels):
            hostel.warden = self.wardens[i % len(self.wardens)]
        self._build_last_year_stays()

    def _build_last_year_stays(self) -> None:
        """Last academic year's rooms: every senior resident lived on campus then too, and a
        few seniors who have since moved out. Rooms are filled up to their beds, in the
        hostels of the student's type."""
        rng = self.rng("last year's hostels")
        stayers: dict[HostelType, list[Student]] = {t: [] for t in HostelType}
        for student in self.students:
            if student.cohort.semester < 3:
                continue
            if student.room is not None or rng.random() < 0.05:
                stayers[hostel_type_for(student)].append(student)
        for hostel_type, people in stayers.items():
            rooms = [r for h in self.hostels if h.hostel_type is hostel_type
                     for r in h.rooms if not r.maintenance]
            rng.shuffle(rooms)
            beds = iter([room for room in rooms for _ in range(room.capacity)])
            for student in people:
                room = next(beds, None)
                if room is None:
                    break
                student.last_year_room = room

    # ------------------------------------------------------------------ past semesters

    def _build_past_semesters(self) -> None:
        """The completed offerings of every earlier semester of every section, their
        rosters (the mandatory courses and a choice of electives) and their marks."""
        rng = self.rng("past semesters")
        rnd = rng.random
        students = self.students
        taught: dict[int, int] = {}  # a department's next teacher, round robin
        for cohort in self.cohorts:
            program = cohort.program
            dept = program.department
            for k in range(1, cohort.semester):
                past = term(cohort.semester - k)
                # Only teachers already on the staff that term; the longest-serving otherwise.
                teachers = [f for f in dept.faculty if f.status is FacultyStatus.ACTIVE
                            and f.person.joined <= past.start - dt.timedelta(days=7)]
                if not teachers:
                    teachers = [min((f for f in dept.faculty if f.status is FacultyStatus.ACTIVE),
                                    key=lambda f: (f.person.joined, f.id))]
                required = program.electives_required[k]
                for section in cohort.sections:
                    offerings = []
                    for course, mandatory in program.curriculum[k]:
                        offering = Offering(
                            id=self.ids.take("course_offerings"), course=course, section=section,
                            mandatory=mandatory, max_capacity=SECTION_SIZE + rng.choice((0, 0, 5, 10)),
                            term=past, past_semester=k,
                        )
                        offering.rooms.append(section.room)
                        n = 2 if course.is_lab and len(teachers) > 1 else 1
                        for _ in range(n):
                            turn = taught.get(dept.id, 0)
                            taught[dept.id] = turn + 1
                            member = teachers[turn % len(teachers)]
                            if member not in offering.faculty:
                                offering.faculty.append(member)
                        offerings.append(offering)
                    electives = [o for o in offerings if not o.mandatory]
                    for idx in section.students:
                        for offering in offerings:
                            if offering.mandatory:
                                offering.roster.append(idx)
                        for offering in rng.sample(electives, min(required, len(electives))):
                            offering.roster.append(idx)
                    for offering in offerings:
                        offering.roster.sort()
                        marks = array("H")
                        for idx in offering.roster:
                            # The weakest still pass most courses (they were promoted).
                            level = (max(students[idx].ability, 0.46)
                                     + (rnd() + rnd() - 1.0) * 0.14 + 0.02)
                            internal = min(1.0, max(0.0, level + (rnd() - 0.5) * 0.16))
                            final = min(1.0, max(0.0, level + (rnd() - 0.5) * 0.2))
                            marks.append(round(internal * 2 * PAST_INTERNAL[0]))
                            marks.append(round(final * 2 * PAST_END_SEMESTER[0]))
                        offering.half_marks = marks
                    self.past_offerings.extend(offerings)

    def grade_band(self, tenths_of_percent: int) -> GradeBand:
        """The letter of a course percentage given in tenths (as the half marks yield it)."""
        for band in self.grading_scale:
            if tenths_of_percent >= band.min_percentage * 10:
                return band
        return self.grading_scale[-1]

    # ------------------------------------------------------------------ past results

    def _build_results(self) -> None:
        """Published results of every completed semester, from the marks of its offerings:
        SGPA = sum(credits x grade point) / sum(credits), credits earned = the credits of
        courses not failed, CGPA credit-weighted over the semesters so far (domain.md §3.9),
        each rounded half up to two decimals as the database rounds them."""
        internal_weight = PAST_INTERNAL[1] * 10 // (2 * PAST_INTERNAL[0])  # 5
        final_weight = PAST_END_SEMESTER[1] * 10 // (2 * PAST_END_SEMESTER[0])  # 3
        top = internal_weight * 2 * PAST_INTERNAL[0] + final_weight * 2 * PAST_END_SEMESTER[0]
        # Grade points in hundredths (the column's precision), by percentage in tenths: exact
        # integer sums, one lookup per course.
        hundredths = [int(self.grade_band(tenths).grade_point * 100) for tenths in range(top + 1)]
        # per student and semester: [sum of credits x points, credits attempted, credits earned]
        sums: dict[tuple[int, int], list[Any]] = {}
        for offering in self.past_offerings:
            credits = offering.course.credits
            marks = offering.half_marks
            k = offering.past_semester
            for n, idx in enumerate(offering.roster):
                points = hundredths[internal_weight * marks[2 * n] + final_weight * marks[2 * n + 1]]
                cell = sums.get((idx, k))
                if cell is None:
                    cell = sums[(idx, k)] = [0, 0, 0, offering.term]
                cell[0] += credits * points
                cell[1] += credits
                if points > 0:
                    cell[2] += credits
        for student in self.students:
            weighted = Decimal(0)
            attempted_sum = 0
            earned_sum = 0
            for k in range(1, student.cohort.semester):
                points, attempted, earned, past = sums[(student.idx, k)]
                gpa = round_half_up(Decimal(points) / (100 * attempted))
                weighted += gpa * attempted
                attempted_sum += attempted
                earned_sum += earned
                cgpa = round_half_up(weighted / attempted_sum)
                status = ResultStatus.PASS if earned == attempted else ResultStatus.FAIL
                student.results.append((k, past.academic_year, gpa, cgpa, attempted, earned,
                                        status, past.results_published))
                student.cgpa = cgpa
            student.credits_earned = earned_sum

    # ------------------------------------------------------------------ derived lists

    def user_people(self) -> list[tuple[Person, UserType]]:
        """Every generated user in id order, with its user type."""
        return self._user_people

    def assign_user_ids(self) -> None:
        people: list[tuple[Person, UserType]] = []
        for staff in self.staff:
            people.append((staff.person, UserType.ADMIN if staff.is_admin else UserType.STAFF))
        for member in self.faculty:
            people.append((member.person, UserType.FACULTY))
        for student in self.students:
            people.append((student.person, UserType.STUDENT))
        for parent in self.parents:
            people.append((parent.person, UserType.PARENT))
        first = self.ids.take("users", len(people))
        for offset, (person, _) in enumerate(people):
            person.user_id = first + offset
        self._user_people = people
