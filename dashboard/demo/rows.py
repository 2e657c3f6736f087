"""Row streams of the demo university, one per table, in COPY column order.

Each stream yields plain tuples and keeps nothing it does not need later, so the big tables
(course registrations, attendance, grades, inbox rows) are never held in memory. Streams
that other streams depend on (assessments before grades, attendance before its monthly
summary) record what they need on the plan as they go; `TABLES` lists them in that order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dashboard.demo import names
from dashboard.demo.academic_calendar import (
    ACADEMIC_YEAR,
    CURRENT_FEE_DUE,
    FINAL_EXAMS,
    IST,
    MIDTERM_WEEK,
    REGISTRATION_DATE,
    TERM_END,
    TERM_START,
    TODAY,
    academic_year,
    at,
    term,
    working_day,
)
from dashboard.demo.plan import (
    PAST_END_SEMESTER,
    PAST_INTERNAL,
    Offering,
    Plan,
    Student,
    round_half_up,
)
from models.enums import (
    AssessmentType,
    AttendanceStatus,
    BookIssueStatus,
    DegreeType,
    EnrollmentStatus,
    ExamStatus,
    ExamType,
    FacultyStatus,
    HostelAllocationStatus,
    HostelRoomStatus,
    NotificationStatus,
    NotificationType,
    OfferingStatus,
    PaymentMode,
    PaymentStatus,
    PersonStatus,
    PriorityLevel,
    RegistrationStatus,
    ResultStatus,
    TargetAudience,
    UserType,
)

Row = tuple
D = dt.timedelta

PRESENT = AttendanceStatus.PRESENT.value
ABSENT = AttendanceStatus.ABSENT.value
LATE = AttendanceStatus.LATE.value
EXCUSED = AttendanceStatus.EXCUSED.value
LATE_SHARE = 0.04
EXCUSED_SHARE = 0.012
LIBRARY_FINE_PER_DAY = 5
LOAN_DAYS = 14
DEMO_LOAN_AGE_DAYS = 10  # the demo student's open loan: due in LOAN_DAYS - 10 days
ATTENDANCE_REQUIRED = 75


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[Rows], Iterable[Row]]
    # Run right after the table is loaded (a reference that could not go in its rows).
    after: str | None = None


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def percentage(part: int, whole: int) -> Decimal:
    """part / whole x 100 to two decimals, half up, as round(numeric, 2) in SQL (0 for 0)."""
    if not whole:
        return Decimal("0.00")
    return round_half_up(Decimal(100 * part) / whole)


def _phone(user_id: int, salt: int) -> str:
    """A 10-digit Indian mobile number, distinct for distinct user ids (a bijection)."""
    return f"+91{6000000000 + (user_id * 2654435761 + salt) % 4000000000}"


class Rows:
    """The row streams of one plan. `receipt_start` is the next fee receipt number."""

    def __init__(self, plan: Plan, *, password_hash: str, receipt_start: int) -> None:
        self.plan = plan
        self.password_hash = password_hash
        self.receipt_start = receipt_start
        self.receipt_end = receipt_start - 1
        self.ids = plan.ids
        self.salt = plan.seed % 1000003
        self.enrollment_base = self.ids.take("enrollments", len(plan.students))
        self.student_base = self.ids.take("students", len(plan.students))
        months = []
        day = TERM_START.replace(day=1)
        while day <= TODAY:
            months.append(day)
            day = (day + D(days=32)).replace(day=1)
        self.months = months
        self._month_index = {(m.year, m.month): i for i, m in enumerate(months)}
        self._summary_total: list[int] = []
        self._summary_attended: list[int] = []
        self._fees: tuple[list[Row], list[Row]] | None = None
        self._library: tuple[list[Row], list[Row]] | None = None
        self._notifications: list[tuple[Row, list[int]]] | None = None

    def rng(self, name: str) -> random.Random:
        return self.plan.rng(f"rows/{name}")

    def student_id(self, student: Student) -> int:
        return self.student_base + student.idx

    def enrollment_id(self, student: Student) -> int:
        return self.enrollment_base + student.idx

    # ------------------------------------------------------------------ catalogue

    def universities(self) -> Iterator[Row]:
        yield (self.plan.university_id, at(dt.date(2015, 4, 1), 10), None,
               "Demo State University", "DSU", "1 University Road, Ganeshkhind", "Pune",
               "Maharashtra", "India", "411007", "+91-20-25600000", "info@university.example",
               "https://university.example", 1962, True)

    def departments(self) -> Iterator[Row]:
        for dept in self.plan.departments:
            description = (f"The Department of {dept.spec.name} offers undergraduate, "
                           "postgraduate, diploma, certificate and doctoral programmes.")
            # hod_id is set once the faculty are loaded (see TABLES): the two tables
            # reference each other.
            yield (dept.id, at(dt.date(2015, 4, 1), 11), None, dept.spec.name, dept.code,
                   description, None, f"+91-20-2560{1000 + dept.id % 9000}",
                   f"{dept.code.lower()}@university.example", dept.building, dept.floor, True,
                   self.plan.university_id)

    def programs(self) -> Iterator[Row]:
        criteria = {
            DegreeType.BACHELORS: "Higher secondary (10+2) with at least 60% marks in the relevant subjects.",
            DegreeType.MASTERS: "A bachelor's degree in a related discipline with at least 55% marks.",
            DegreeType.PHD: "A master's degree with at least 55% marks and a valid entrance score.",
            DegreeType.DIPLOMA: "Secondary school (10th) with at least 50% marks.",
            DegreeType.CERTIFICATE: "Higher secondary (10+2) in any stream.",
        }
        for program in self.plan.programs:
            description = (f"{program.name}: a {program.duration_years}-year programme of "
                           f"{program.total_semesters} semesters.")
            yield (program.id, at(dt.date(2015, 5, 1), 10), None, program.name, program.code,
                   description,
                   program.degree.value, program.duration_years, program.total_semesters,
                   program.total_credits, criteria[program.degree], True, program.department.id)

    def courses(self) -> Iterator[Row]:
        for course in self.plan.courses:
            units = "; ".join(f"Unit {i}: {topic}" for i, topic in enumerate(
                ("Foundations", "Core concepts", "Techniques", "Applications", "Case studies"), 1))
            yield (course.id, at(dt.date(2016, 5, 1), 10), None, course.name, course.code,
                   f"{course.name} ({course.level.value} level, {course.credits} credits).",
                   units, course.credits, course.course_type.value, course.level.value,
                   120 if course.kind == "elective" else None, True, course.department.id)

    def course_prerequisites(self) -> Iterator[Row]:
        created = at(dt.date(2016, 5, 2), 10)
        for course in self.plan.courses:
            for prerequisite in course.prerequisites:
                yield (self.ids.take("course_prerequisites"), created, None, course.id,
                       prerequisite.id)

    def program_courses(self) -> Iterator[Row]:
        created = at(dt.date(2016, 5, 3), 10)
        for program in self.plan.programs:
            for semester, entries in program.curriculum.items():
                for course, mandatory in entries:
                    yield (self.ids.take("program_courses"), created, None, semester, mandatory,
                           course.id, program.id)

    # ------------------------------------------------------------------ people

    def users(self) -> Iterator[Row]:
        plan = self.plan
        rng = self.rng("users")
        cities = names.CITIES
        streets = names.STREETS
        parent_phone: dict[int, str] = {}
        for parent in plan.parents:
            parent_phone[parent.id] = _phone(parent.person.user_id, self.salt)
        student_of_person = {id(s.person): s for s in plan.students}
        for person, user_type in plan.user_people():
            uid = person.user_id
            student = student_of_person.get(id(person)) if user_type is UserType.STUDENT else None
            city, home_state, pin = cities[person.city]
            state: str | None = home_state
            country = "India"
            address = f"{rng.randrange(1, 400)}, {rng.choice(streets)}"
            emergency = None
            if student is not None:
                if student.parent >= 0:
                    parent = plan.parents[student.parent]
                    address = parent.address
                    emergency = parent_phone[parent.id]
                if student.country != "India":
                    country = student.country
                    city = next(c for n, k, c in names.INTERNATIONAL if k == country)
                    state = None
            phone = (_phone(uid, self.salt) if user_type is UserType.PARENT or rng.random() > 0.03
                     else None)
            if person.email in plan.demo_logins.values():
                phone = _phone(uid, self.salt)
            postal = f"{pin}{rng.randrange(1, 999):03d}" if country == "India" else None
            yield (uid, at(person.joined, 10, rng.randrange(60)), None, user_type.value, person.email,
                   person.user_name, self.password_hash, person.first, person.middle, person.last,
                   person.birth, person.gender.value, phone, emergency, address, city, state,
                   country, postal, None, person.is_active, rng.random() < 0.9 or
                   user_type in (UserType.ADMIN, UserType.STAFF), None, None, None)

    def admin_staff(self) -> Iterator[Row]:
        for n, staff in enumerate(self.plan.staff, 1):
            prefix = "ADM" if staff.is_admin else "STF"
            yield (staff.id, at(staff.person.joined, 10), None, f"{prefix}{n:04d}",
                   staff.role.value, staff.designation, staff.person.joined,
                   PersonStatus.ACTIVE.value,
                   staff.department.id if staff.department else None, staff.person.user_id)

    def faculty(self) -> Iterator[Row]:
        for n, member in enumerate(self.plan.faculty, 1):
            status = member.status.value
            yield (member.id, at(member.person.joined, 10), None, f"FAC{n:05d}",
                   member.designation, member.specialization, member.qualification,
                   member.person.joined, member.employment.value, member.experience,
                   member.is_hod, status, member.department.id, member.person.user_id)

    def parents(self) -> Iterator[Row]:
        rng = self.rng("parents")
        for parent in self.plan.parents:
            city, state, pin = names.CITIES[parent.city]
            own = _phone(parent.person.user_id, self.salt)
            other = _phone(parent.person.user_id + 7919, self.salt + 1)
            father_contact, mother_contact = (own, other) if parent.is_father else (other, own)
            yield (parent.id, at(parent.person.joined, 11), None, parent.father, parent.mother,
                   parent.father_occupation, parent.mother_occupation, father_contact,
                   mother_contact if rng.random() < 0.85 else None, parent.address, city, state,
                   "India", f"{pin}{rng.randrange(1, 999):03d}", parent.income,
                   parent.person.user_id)

    def students(self) -> Iterator[Row]:
        plan = self.plan
        parent_base = plan.parents[0].id if plan.parents else 0
        for student in plan.students:
            program = student.cohort.program
            yield (self.student_id(student), at(student.admission_date, 12), None, student.code,
                   student.admission_number, student.admission_date, student.admission_date.year,
                   student.cohort.semester, student.section.letter, student.blood_group,
                   student.nationality, student.religion, student.category.value,
                   PersonStatus.ACTIVE.value, student.cgpa, program.department.id, None,
                   student.room.hostel.id if student.room else None,
                   parent_base + student.parent if student.parent >= 0 else None,
                   program.id, student.person.user_id)

    def enrollments(self) -> Iterator[Row]:
        plan = self.plan
        rng = self.rng("enrollments")
        history: list[Row] = []
        for student in plan.students:
            program = student.cohort.program
            enrolled_at = at(student.admission_date, 11, rng.randrange(60))
            yield (self.enrollment_id(student), enrolled_at, None, enrolled_at,
                   EnrollmentStatus.ENROLLED.value, None, None, student.credits_earned, None,
                   program.id, self.student_id(student))
            earlier = self._earlier_enrollment(student, rng)
            if earlier is not None:
                history.append(earlier)
        for row in history:
            yield (self.ids.take("enrollments"), *row)

    def _earlier_enrollment(self, student: Student, rng: random.Random) -> tuple | None:
        """A completed bachelors before a masters, a completed masters before a PhD, or a
        dropped diploma before a bachelors."""
        program = student.cohort.program
        dept_programs = {p.degree: p for p in program.department.programs}
        sid = self.student_id(student)
        if program.degree is DegreeType.MASTERS and rng.random() < 0.3:
            earlier, years, status = dept_programs[DegreeType.BACHELORS], 4, EnrollmentStatus.COMPLETED
        elif program.degree is DegreeType.PHD and rng.random() < 0.4:
            earlier, years, status = dept_programs[DegreeType.MASTERS], 2, EnrollmentStatus.COMPLETED
        elif program.degree is DegreeType.BACHELORS and rng.random() < 0.02:
            earlier, years, status = dept_programs[DegreeType.DIPLOMA], 1, EnrollmentStatus.DROPPED
        else:
            return None
        start = at(student.admission_date.replace(year=student.admission_date.year - years), 11)
        ended = at(student.admission_date - D(days=rng.randrange(30, 60)), 15)
        if status is EnrollmentStatus.COMPLETED:
            gp = round(rng.uniform(6.2, 9.6), 2)
            letter = "O" if gp >= 9.5 else "A+" if gp >= 8.5 else "A" if gp >= 7.5 else "B+" if gp >= 6.5 else "B"
            return (start, ended, start, status.value, letter, gp, earlier.total_credits,
                    "Graduated", earlier.id, sid)
        return (start, ended, start, status.value, None, None, 0,
                f"Transferred to {program.code}", earlier.id, sid)

    # ------------------------------------------------------------------ hostels

    def hostels(self) -> Iterator[Row]:
        amenities = json.dumps(["Wi-Fi", "Mess", "Laundry", "Reading room", "Gym", "Common room"])
        rules = json.dumps(["Gates close at 22:30", "Visitors in the lobby only",
                            "No cooking appliances in rooms", "Ragging is strictly prohibited"])
        for hostel in self.plan.hostels:
            active = [r for r in hostel.rooms if not r.maintenance]
            yield (hostel.id, at(dt.date(2015, 6, 1), 10), None, hostel.name,
                   hostel.hostel_type.value, f"{hostel.name}, University Campus, Pune 411007",
                   len(hostel.rooms), sum(r.capacity for r in hostel.rooms),
                   sum(len(r.occupants) for r in active), amenities, rules, True,
                   hostel.warden.id if hostel.warden else None)

    def hostel_rooms(self) -> Iterator[Row]:
        amenities = {1: json.dumps(["Bed", "Study table", "Wardrobe", "Attached bathroom"]),
                     2: json.dumps(["Beds", "Study tables", "Wardrobes"]),
                     3: json.dumps(["Beds", "Study tables", "Wardrobes", "Ceiling fan"]),
                     4: json.dumps(["Bunk beds", "Study tables", "Lockers"])}
        for hostel in self.plan.hostels:
            for room in hostel.rooms:
                occupied = len(room.occupants)
                status = (HostelRoomStatus.MAINTENANCE if room.maintenance
                          else HostelRoomStatus.OCCUPIED if occupied == room.capacity
                          else HostelRoomStatus.AVAILABLE)
                yield (room.id, at(dt.date(2015, 6, 2), 10), None, room.number,
                       room.room_type.value, room.floor, room.capacity, occupied, room.fee,
                       amenities[room.capacity], status.value, True, hostel.id)

    def hostel_allocations(self) -> Iterator[Row]:
        """Active stays, plus last year's (vacated) and this term's transfers."""
        plan = self.plan
        rng = self.rng("allocations")
        this_year = academic_year(0)
        last_year = academic_year(-1)
        move_in = dt.date(2026, 8, 10)
        last_move_in = dt.date(2025, 8, 11)
        last_move_out = dt.date(2026, 5, 22)
        # Beds free all term, which a student who later transferred out may have used first.
        spare: dict = {}
        for hostel in plan.hostels:
            spare.setdefault(hostel.hostel_type, []).extend(
                r for r in hostel.rooms if not r.maintenance
                for _ in range(r.capacity - len(r.occupants)))
        for student in plan.students:
            sid = self.student_id(student)
            room = student.room
            old = student.last_year_room
            if old is not None:
                start = max(last_move_in, student.admission_date)
                remark = "End of academic year" if room is not None else "Moved out of campus"
                yield (self.ids.take("hostel_allocations"), at(start, 10), None, at(start, 10),
                       at(last_move_out, 16), last_year, HostelAllocationStatus.VACATED.value,
                       remark, old.hostel.id, old.id, sid)
            if room is None:
                continue
            start = max(move_in, student.admission_date)
            if rng.random() < 0.04:
                free = spare[room.hostel.hostel_type]
                old = free.pop(rng.randrange(len(free))) if free else room
                if old is not room:
                    moved = start + D(days=rng.randrange(10, 60))
                    yield (self.ids.take("hostel_allocations"), at(start, 10), None,
                           at(start, 10), at(moved, 12), this_year,
                           HostelAllocationStatus.TRANSFERRED.value, None, old.hostel.id,
                           old.id, sid)
                    yield (self.ids.take("hostel_allocations"), at(moved, 12), None,
                           at(moved, 12), None, this_year, HostelAllocationStatus.ACTIVE.value,
                           f"Transferred from room {old.number}", room.hostel.id, room.id, sid)
                    continue
            yield (self.ids.take("hostel_allocations"), at(start, 10), None, at(start, 10),
                   None, this_year, HostelAllocationStatus.ACTIVE.value, None, room.hostel.id,
                   room.id, sid)

    # ------------------------------------------------------------------ teaching

    def timetable_slots(self) -> Iterator[Row]:
        created = at(dt.date(2026, 7, 1), 10)
        for slot in self.plan.slots:
            yield (slot.id, created, None, slot.slot_type.value, slot.day, slot.start, slot.end)

    def course_offerings(self) -> Iterator[Row]:
        created = at(dt.date(2026, 7, 15), 10)
        for offering in self.plan.offerings:
            schedule = json.dumps([
                {"day": ["Mon", "Tue", "Wed", "Thu", "Fri"][slot.day],
                 "start": slot.start.strftime("%H:%M"), "end": slot.end.strftime("%H:%M"),
                 "room": room}
                for slot, room in zip(offering.slots, offering.rooms, strict=True)
            ])
            yield (offering.id, created, None, offering.semester, ACADEMIC_YEAR,
                   offering.section.letter, offering.rooms[0] if offering.rooms else None,
                   offering.max_capacity, len(offering.roster), schedule,
                   OfferingStatus.ONGOING.value, TERM_START, TERM_END, offering.course.id,
                   offering.program.id)
        # Completed offerings keep no timetable, and count no one as currently registered
        # (enrolled_students counts `registered` rows; theirs are `completed`).
        completed = OfferingStatus.COMPLETED.value
        for offering in self.plan.past_offerings:
            past = offering.term
            yield (offering.id, at(past.start - D(days=30), 10), at(past.results_published, 15),
                   offering.semester, past.academic_year, offering.section.letter,
                   offering.rooms[0], offering.max_capacity, 0, "[]", completed, past.start,
                   past.end, offering.course.id, offering.program.id)

    def offering_faculty(self) -> Iterator[Row]:
        created = at(dt.date(2026, 7, 20), 10)
        for offering in self.plan.offerings:
            for member in offering.faculty:
                yield (self.ids.take("offering_faculty"), created, None, member.id, offering.id)
        for offering in self.plan.past_offerings:
            created = at(offering.term.start - D(days=25), 10)
            for member in offering.faculty:
                yield (self.ids.take("offering_faculty"), created, None, member.id, offering.id)

    def class_schedules(self) -> Iterator[Row]:
        created = at(dt.date(2026, 7, 25), 10)
        rng = self.rng("class_schedules")
        for offering in self.plan.offerings:
            for slot, room in zip(offering.slots, offering.rooms, strict=True):
                if rng.random() < 0.01:  # rescheduled before the term: the old booking stays, inactive
                    old = rng.choice(self.plan.theory_slots)
                    yield (self.ids.take("class_schedules"), created - D(days=10),
                           created, room, False, offering.id, old.id)
                yield (self.ids.take("class_schedules"), created, None, room, True, offering.id,
                       slot.id)

    def course_registrations(self) -> Iterator[Row]:
        registered = RegistrationStatus.REGISTERED.value
        base = self.enrollment_base
        stamps = [at(REGISTRATION_DATE, 9 + i // 60, i % 60) for i in range(8 * 60)]
        for offering in self.plan.offerings:
            first = self.ids.take("course_registrations", len(offering.roster))
            oid = offering.id
            for n, idx in enumerate(offering.roster):
                stamp = stamps[idx % len(stamps)]
                yield (first + n, stamp, None, registered, stamp, oid, base + idx)
        completed = RegistrationStatus.COMPLETED.value
        for offering in self.plan.past_offerings:
            first = self.ids.take("course_registrations", len(offering.roster))
            oid = offering.id
            stamp = at(offering.term.start - D(days=7), 10)
            closed = at(offering.term.results_published, 15)
            for n, idx in enumerate(offering.roster):
                yield (first + n, stamp, closed, completed, stamp, oid, base + idx)

    # ------------------------------------------------------------------ assessments

    def _assessment_plan(self, offering: Offering, rng: random.Random) -> list[tuple]:
        course = offering.course
        mid = offering.midterm[0] if offering.midterm else MIDTERM_WEEK[0]
        q, a, m, p, pr = (AssessmentType.QUIZ, AssessmentType.ASSIGNMENT, AssessmentType.MIDTERM,
                          AssessmentType.PROJECT, AssessmentType.PRESENTATION)
        if course.kind == "lab":
            items: tuple[tuple[str, AssessmentType, int, int, dt.date], ...]
            items = (("Lab Test", q, 50, 30, dt.date(2026, 10, 23)),
                     ("Lab Record", a, 50, 30, dt.date(2026, 11, 6)),
                     ("Mini Project", p, 50, 20, dt.date(2026, 11, 17)),
                     ("Lab Viva", pr, 20, 20, dt.date(2026, 11, 19)))
        elif course.kind == "seminar":
            items = (("Seminar Presentation", pr, 50, 60, dt.date(2026, 11, 5)),
                     ("Term Paper", a, 100, 40, dt.date(2026, 11, 19)))
        elif course.kind == "thesis":
            items = (("Progress Presentation", pr, 50, 40, dt.date(2026, 10, 15)),
                     ("Progress Report", a, 100, 60, dt.date(2026, 11, 19)))
        elif course.credits >= 3:
            items = (("Quiz 1", q, 10, 10, dt.date(2026, 9, 4)),
                     ("Assignment 1", a, 20, 15, dt.date(2026, 9, 18)),
                     ("Mid-Semester Examination", m, 50, 30, mid),
                     ("Quiz 2", q, 10, 10, dt.date(2026, 10, 30)),
                     ("Assignment 2", a, 20, 15, dt.date(2026, 11, 13)),
                     ("Course Project", p, 50, 20, dt.date(2026, 11, 20)))
        else:
            items = (("Quiz 1", q, 20, 15, dt.date(2026, 9, 11)),
                     ("Mid-Semester Examination", m, 50, 35, mid),
                     ("Assignment", a, 25, 20, dt.date(2026, 10, 23)),
                     ("Presentation", pr, 20, 30, dt.date(2026, 11, 18)))
        plan = []
        for name, kind, max_marks, weight, day in items:
            if kind is not m:
                day = working_day(day + D(days=rng.randrange(3)))
            plan.append((self.ids.take("assessments"), name, kind.value, max_marks, weight, day))
        return plan

    def _past_assessment_plan(self, offering: Offering) -> list[tuple]:
        """Two assessments: internal (PAST_INTERNAL) and end-semester (PAST_END_SEMESTER)."""
        kind = offering.course.kind
        internal, final = {
            "lab": ("Lab Record and Tests", "Lab Examination"),
            "seminar": ("Seminar Presentations", "Term Paper"),
            "thesis": ("Progress Reviews", "Thesis Progress Evaluation"),
        }.get(kind, ("Internal Assessment", "End-Semester Examination"))
        past = offering.term
        return [
            (self.ids.take("assessments"), internal, AssessmentType.ASSIGNMENT.value,
             PAST_INTERNAL[0], PAST_INTERNAL[1], working_day(past.end - D(days=40))),
            (self.ids.take("assessments"), final,
             (AssessmentType.FINAL if offering.course.has_exams else AssessmentType.PROJECT).value,
             PAST_END_SEMESTER[0], PAST_END_SEMESTER[1], working_day(past.end - D(days=10))),
        ]

    def assessments(self) -> Iterator[Row]:
        rng = self.rng("assessments")
        for offering in self.plan.offerings:
            offering.assessments = self._assessment_plan(offering, rng)
            course = offering.course.name
            for aid, name, kind, max_marks, weight, day in offering.assessments:
                yield (aid, at(day - D(days=10), 11), None, name, kind,
                       f"{name} of {course}", max_marks, weight, day, offering.id)
        for offering in self.plan.past_offerings:
            offering.assessments = self._past_assessment_plan(offering)
            course = offering.course.name
            for aid, name, kind, max_marks, weight, day in offering.assessments:
                yield (aid, at(offering.term.start, 11), None, name, kind,
                       f"{name} of {course}", max_marks, weight, day, offering.id)

    def grades(self) -> Iterator[Row]:
        """Every registration graded on every assessment of its offering."""
        rng = self.rng("grades")
        rnd = rng.random
        students = self.plan.students
        ebase = self.enrollment_base
        last_day = TODAY - D(days=1)
        take = self.ids.take
        for offering in self.plan.offerings:
            roster = offering.roster
            if not roster:
                continue
            grader = offering.faculty[0].person.user_id if offering.faculty else None
            oid = offering.id
            cid = offering.course.id
            skill = [students[i].ability + (rnd() - 0.5) * 0.12 for i in roster]
            enrollments = [ebase + i for i in roster]
            for aid, _name, _kind, max_marks, _weight, day in offering.assessments:
                graded_at = at(min(day + D(days=4), last_day), 17, rng.randrange(60))
                first = take("grades", len(roster))
                double = 2 * max_marks
                for n, level in enumerate(skill):
                    pct = level + (rnd() + rnd() - 1.0) * 0.25
                    if pct < 0.0:
                        pct = 0.0
                    elif pct > 1.0:
                        pct = 1.0
                    marks = round(pct * double) / 2
                    yield (first + n, graded_at, None, marks, None, graded_at, aid, cid, oid,
                           enrollments[n], grader)
        # Earlier semesters: the marks the plan drew (and computed the results from).
        for offering in self.plan.past_offerings:
            grader = offering.faculty[0].person.user_id
            oid = offering.id
            cid = offering.course.id
            marks = offering.half_marks
            enrollments = [ebase + i for i in offering.roster]
            for which, (aid, *_rest, day) in enumerate(offering.assessments):
                graded_at = at(day + D(days=4), 17, rng.randrange(60))
                first = take("grades", len(enrollments))
                for n, eid in enumerate(enrollments):
                    yield (first + n, graded_at, None, marks[2 * n + which] / 2, None, graded_at,
                           aid, cid, oid, eid, grader)

    def attendance(self) -> Iterator[Row]:
        """One mark per registration per class day of the offering, up to yesterday."""
        plan = self.plan
        rng = self.rng("attendance")
        rnd = rng.random
        students = plan.students
        n_months = len(self.months)
        total = [0] * (len(students) * n_months)
        attended = [0] * (len(students) * n_months)
        self._summary_total, self._summary_attended = total, attended
        ebase = self.enrollment_base
        sbase = self.student_base
        take = self.ids.take
        month_index = self._month_index
        remark_excused = "Medical leave"
        for offering in plan.offerings:
            roster = offering.roster
            if not roster or not offering.slots:
                continue
            oid = offering.id
            start_of = {s.day: s.start for s in offering.slots}
            markers: list[int | None] = [f.person.user_id for f in offering.faculty] or [None]
            days = [d for d in plan.class_days if d.weekday() in start_of]
            absent_p = [students[i].absence for i in roster]
            late_p = [p + LATE_SHARE for p in absent_p]
            excused_p = [p + LATE_SHARE + EXCUSED_SHARE for p in absent_p]
            enrollments = [ebase + i for i in roster]
            sids = [sbase + i for i in roster]
            slots = [i * n_months for i in roster]
            size = len(roster)
            for k, day in enumerate(days):
                start = start_of[day.weekday()]
                marked_at = dt.datetime(day.year, day.month, day.day, start.hour,
                                        start.minute + 10, tzinfo=IST)
                marker = markers[k % len(markers)]
                month = month_index[(day.year, day.month)]
                first = take("attendance", size)
                for n in range(size):
                    r = rnd()
                    cell = slots[n] + month
                    total[cell] += 1
                    if r >= excused_p[n]:
                        attended[cell] += 1
                        yield (first + n, day, PRESENT, None, marked_at, None, oid,
                               enrollments[n], marker, sids[n])
                    elif r < absent_p[n]:
                        yield (first + n, day, ABSENT, None, marked_at, None, oid,
                               enrollments[n], marker, sids[n])
                    elif r < late_p[n]:
                        attended[cell] += 1
                        yield (first + n, day, LATE, None, marked_at, None, oid,
                               enrollments[n], marker, sids[n])
                    else:
                        yield (first + n, day, EXCUSED, remark_excused, marked_at, None, oid,
                               enrollments[n], marker, sids[n])

    def attendance_summary(self) -> Iterator[Row]:
        """Per enrollment and month, from the marks the attendance stream produced."""
        total, attended = self._summary_total, self._summary_attended
        n_months = len(self.months)
        for student in self.plan.students:
            eid = self.enrollment_id(student)
            for m, month in enumerate(self.months):
                cell = student.idx * n_months + m
                classes = total[cell]
                if not classes:
                    continue
                next_month = (month + D(days=32)).replace(day=1)
                created = at(min(next_month, TODAY) - D(days=1), 23)  # the nightly refresh
                yield (self.ids.take("attendance_summary"), created, None, classes,
                       attended[cell], percentage(attended[cell], classes), month, eid)

    def semester_results(self) -> Iterator[Row]:
        registrar = self.plan.registrar.person.user_id
        for student in self.plan.students:
            eid = self.enrollment_id(student)
            sid = self.student_id(student)
            for (semester, year, gpa, cgpa, attempted, earned, status,
                 published) in student.results:
                stamp = at(published, 15)
                yield (self.ids.take("semester_results"), stamp, None, year, semester, gpa, cgpa,
                       attempted, earned, status.value,
                       None if status is ResultStatus.PASS else "Backlog in one or more courses",
                       stamp, eid, registrar, sid)

    # ------------------------------------------------------------------ exams

    def exam_schedules(self) -> Iterator[Row]:
        self._exam_schedule_ids: dict[tuple[int, str], int] = {}
        seen: dict[int, int] = {}
        for offering in self.plan.offerings:
            if offering.midterm is not None and offering.course.id not in seen:
                seen[offering.course.id] = offering.semester
        mid_start, mid_end = at(MIDTERM_WEEK[0], 9), at(MIDTERM_WEEK[1], 17)
        fin_start, fin_end = at(FINAL_EXAMS[0], 9), at(FINAL_EXAMS[1], 17)
        courses = {c.id: c for c in self.plan.courses}
        for course_id, semester in seen.items():
            course = courses[course_id]
            for kind, start, end, result, status, title in (
                (ExamType.MIDTERM, mid_start, mid_end, dt.date(2026, 10, 23),
                 ExamStatus.COMPLETED, "Mid-Semester Examination"),
                (ExamType.FINAL, fin_start, fin_end, dt.date(2027, 1, 8),
                 ExamStatus.SCHEDULED, "End-Semester Examination"),
            ):
                sid = self.ids.take("exam_schedules")
                self._exam_schedule_ids[(course_id, kind.value)] = sid
                yield (sid, at(dt.date(2026, 8, 20), 10), None,
                       f"{title} {ACADEMIC_YEAR}: {course.code} {course.name}"[:200],
                       kind.value, ACADEMIC_YEAR, semester, start, end, result,
                       "Examination Block, Main Campus", status.value, course_id)

    def exam_timetables(self) -> Iterator[Row]:
        ids = self._exam_schedule_ids
        for offering in self.plan.offerings:
            if offering.midterm is None or offering.final is None:
                continue
            cid = offering.course.id
            day, start, end = offering.midterm
            yield (self.ids.take("exam_timetables"), at(dt.date(2026, 9, 20), 10), None, day,
                   at(day, start.hour, start.minute), at(day, end.hour, end.minute), 90,
                   offering.rooms[0] if offering.rooms else offering.section.room, 50,
                   offering.id, ids[(cid, ExamType.MIDTERM.value)])
            day, start, end = offering.final
            yield (self.ids.take("exam_timetables"), at(dt.date(2026, 11, 15), 10), None, day,
                   at(day, start.hour), at(day, end.hour), 180,
                   f"Examination Hall {1 + offering.id % 12}", 100, offering.id,
                   ids[(cid, ExamType.FINAL.value)])

    # ------------------------------------------------------------------ fees

    def _tuition(self, student: Student) -> int:
        program = student.cohort.program
        spec = program.department.spec
        degree = program.degree
        if degree is DegreeType.PHD:
            return 15000
        if degree is DegreeType.DIPLOMA:
            return 28000
        if degree is DegreeType.CERTIFICATE:
            return 20000
        table = {"B.Tech": (72500, 65000), "B.Sc": (30000, 35000), "BBA": (55000, 95000),
                 "BA": (18000, 22000)}
        bachelors, masters = table[spec.bachelors]
        return bachelors if degree is DegreeType.BACHELORS else masters

    def _build_fees(self) -> tuple[list[Row], list[Row]]:
        plan = self.plan
        rng = self.rng("fees")
        structures: list[Row] = []
        payments: list[Row] = []
        accountants = [s.id for s in plan.accountants]
        modes = [m.value for m in PaymentMode]
        mode_weights = (5, 10, 35, 20, 5, 25)  # cash card upi bank_transfer cheque online
        mode_cumulative = list(itertools.accumulate(mode_weights))  # what choices() would sum
        prefix = {"cash": "CASH", "card": "CRD", "upi": "UPI", "bank_transfer": "NEFT",
                  "cheque": "CHQ", "online": "PG"}
        receipt = self.receipt_start
        # The first three students of each batch pay their current term in full, in part and
        # not at all, so every batch shows a paid, a partly paid and an overdue structure.
        forced: dict[int, str] = {}
        seen_batches: dict[int, int] = {}
        for student in plan.students:
            batch = student.admission_date.year
            n = seen_batches.get(batch, 0)
            seen_batches[batch] = n + 1
            if n < 3:
                forced[student.idx] = ("paid", "partly paid", "unpaid")[n]
        this_year, last_year = ACADEMIC_YEAR, academic_year(-1)
        for student in plan.students:
            program = student.cohort.program
            semester = student.cohort.semester
            sid = self.student_id(student)
            tuition = self._tuition(student)
            if student.category.value in ("sc", "st"):
                tuition //= 2
            lab = 4500 if program.department.spec.has_lab_fee else 0
            # Every semester enrolled so far (the current one included), and the next one.
            terms = [(k, term(semester - k)) for k in range(1, semester + 1)]
            if semester < program.total_semesters:
                terms.append((semester + 1, term(-1)))
            for term_semester, fee_term in terms:
                year, due = fee_term.academic_year, fee_term.fee_due
                which = ("next" if fee_term.back < 0 else "current" if fee_term.back == 0
                         else "past")
                room = (student.room if year == this_year else
                        student.last_year_room if year == last_year else None)
                hostel = room.fee if room else None
                other = 1500 if term_semester == 1 else None
                total = tuition + lab + 1200 + 800 + 2000 + (hostel or 0) + (other or 0)
                fid = self.ids.take("fee_structures")
                created_day = max(student.admission_date, min(due - D(days=45), TODAY - D(days=6)))
                created = at(created_day, 10)
                structures.append((fid, created, None, year, term_semester, tuition, lab, 1200,
                                   800, 2000, hostel, other, total, due, 50, program.id, sid))
                if which == "next":
                    continue
                roll = rng.random()
                paid_share = 0.92 if which == "past" else 0.78
                unpaid_share = 0.02 if which == "past" else 0.1
                outcome = forced.get(student.idx) if which == "current" else None
                if outcome is None:
                    outcome = ("paid" if roll < paid_share else
                               "unpaid" if roll >= 1 - unpaid_share else "partly paid")
                amounts: list[float]
                if outcome == "paid":  # at once or in two parts
                    if rng.random() < 0.8:
                        amounts = [total]
                    else:
                        first = round(total * rng.uniform(0.45, 0.6), -2)
                        amounts = [first, total - first]
                elif outcome == "partly paid":  # the balance is still owed
                    amounts = [round(total * rng.uniform(0.35, 0.7), -2)]
                else:  # nothing paid yet
                    amounts = []
                day = max(due - D(days=rng.randrange(5, 30)), created_day)
                for n, amount in enumerate(amounts):
                    if n:
                        day = day + D(days=rng.randrange(20, 75))
                    day = min(day, TODAY - D(days=1))
                    mode = rng.choices(modes, cum_weights=mode_cumulative)[0]
                    late = max(0, (day - due).days) * 50
                    if rng.random() < 0.02:  # a failed attempt first, retried the next day
                        fail_day = max(day - D(days=1), created_day)
                        pid = self.ids.take("fee_payments")
                        payments.append((pid, at(fail_day, 12), None, amount, fail_day, mode,
                                         f"{prefix[mode]}{fail_day:%Y%m%d}{pid:08d}",
                                         f"RCP-{receipt:010X}", 0, 0,
                                         PaymentStatus.FAILED.value, "Payment gateway timeout",
                                         fid, rng.choice(accountants), sid))
                        receipt += 1
                    recent = (TODAY - day).days <= 5 and mode == "cheque"
                    status = PaymentStatus.PENDING if recent else PaymentStatus.COMPLETED
                    pid = self.ids.take("fee_payments")
                    payments.append((pid, at(day, 11, rng.randrange(60)), None, amount, day, mode,
                                     f"{prefix[mode]}{day:%Y%m%d}{pid:08d}",
                                     f"RCP-{receipt:010X}", late, 0, status.value,
                                     "Installment" if len(amounts) > 1 else None, fid,
                                     rng.choice(accountants), sid))
                    receipt += 1
                    if rng.random() < 0.003:  # paid twice by mistake: the duplicate refunded
                        pid = self.ids.take("fee_payments")
                        refunded = min(at(day + D(days=3), 11), at(TODAY - D(days=1), 18))
                        payments.append((pid, at(day, 16), refunded, amount, day,
                                         mode, f"{prefix[mode]}{day:%Y%m%d}{pid:08d}",
                                         f"RCP-{receipt:010X}", 0, 0,
                                         PaymentStatus.REFUNDED.value,
                                         "Duplicate payment | Refund: paid twice", fid,
                                         rng.choice(accountants), sid))
                        receipt += 1
        self.receipt_end = receipt - 1
        return structures, payments

    def fee_structures(self) -> Iterator[Row]:
        if self._fees is None:
            self._fees = self._build_fees()
        yield from self._fees[0]

    def fee_payments(self) -> Iterator[Row]:
        if self._fees is None:
            self._fees = self._build_fees()
        yield from self._fees[1]
        self._fees = None

    # ------------------------------------------------------------------ library

    def _build_library(self) -> tuple[list[Row], list[Row]]:
        plan = self.plan
        rng = self.rng("library")
        n_books = 600 + len(plan.students) // 6
        # [id, title, author, category, dept, copies, is_reference, open_loans, n]
        books: list[list[Any]] = []
        for b in range(n_books):
            bid = self.ids.take("library_books")
            if rng.random() < 0.85:
                dept = rng.choice(plan.departments)
                stem = rng.choice(dept.spec.stems)
                title = rng.choice(names.BOOK_TITLE_PATTERNS).format(s=stem)
                category = dept.spec.name
                copies = rng.randrange(2, 13)
            else:
                dept = None
                category, titles = rng.choice(names.GENERAL_BOOK_CATEGORIES)
                title = rng.choice(titles)
                copies = rng.randrange(1, 4)
            reference = rng.random() < 0.08 or category == "Reference"
            if reference:
                copies = rng.randrange(1, 3)
            author = f"{rng.choice(names.MALE_FIRST_NAMES + names.FEMALE_FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
            books.append([bid, title, author, category, dept, copies, reference, 0, b])
        lendable = [b for b in books if not b[6]]
        by_dept: dict[int, list[list[Any]]] = {}
        for book in lendable:
            if book[4] is not None:
                by_dept.setdefault(book[4].id, []).append(book)
        librarians = [s.id for s in plan.librarians]
        open_pairs: set[tuple[int, int]] = set()
        loans: list[Row] = []
        # (user id, dept id, is demo, days since joining)
        borrowers: list[tuple[int, int | None, bool, int]] = []
        for student in plan.students:
            if student is plan.demo_student or rng.random() < 0.55:
                borrowers.append((student.person.user_id, student.cohort.program.department.id,
                                  student is plan.demo_student,
                                  (TODAY - student.person.joined).days))
        for member in plan.faculty:
            if member.status is FacultyStatus.ACTIVE and rng.random() < 0.6:
                borrowers.append((member.person.user_id, member.department.id, False,
                                  (TODAY - member.person.joined).days))
        for user_id, dept_id, is_demo, days_here in borrowers:
            count = 3 if is_demo else min(8, 1 + int(rng.expovariate(0.6)))
            for n in range(count):
                pool = by_dept.get(dept_id) if dept_id and rng.random() < 0.8 else None
                book = rng.choice(pool or lendable)
                if is_demo and n == 0:  # the demo student holds one book right now
                    book = next(b for b in (pool or lendable) + lendable if b[7] < b[5])
                if is_demo and n == 0:  # due within the week (the inbox reminds them)
                    issued = TODAY - D(days=DEMO_LOAN_AGE_DAYS)
                else:  # never before the borrower joined the university
                    issued = TODAY - D(days=rng.randrange(1, max(2, min(365, days_here))))
                issued_at = at(issued, 10 + rng.randrange(7), rng.randrange(60))
                renewals = 1 if rng.random() < 0.1 and not (is_demo and n == 0) else 0
                due = issued_at + D(days=LOAN_DAYS * (1 + renewals))
                recent = (TODAY - issued).days <= 30
                key = (book[0], user_id)
                want_open = (is_demo and n == 0) or (recent and rng.random() < 0.6) or \
                    (not recent and rng.random() < 0.01)
                if want_open and key not in open_pairs and book[7] < book[5]:
                    open_pairs.add(key)
                    book[7] += 1
                    loans.append((self.ids.take("book_issues"), issued_at, None, issued_at, due,
                                  None, 0, BookIssueStatus.ISSUED.value, None, renewals, book[0],
                                  rng.choice(librarians), user_id))
                    continue
                kept = rng.randrange(2, 26) if rng.random() < 0.85 else rng.randrange(26, 45)
                returned = issued_at + D(days=kept, hours=rng.randrange(1, 6))
                if returned.date() >= TODAY:
                    returned = at(TODAY - D(days=1), 16)
                    if returned < issued_at:
                        returned = issued_at + D(hours=2)
                days_late = (returned - due).days
                fine = LIBRARY_FINE_PER_DAY * days_late if days_late > 0 else 0
                remarks = None
                if fine and rng.random() < 0.7:
                    remarks = f"Fine of Rs {fine} paid on return"
                    fine = 0
                loans.append((self.ids.take("book_issues"), issued_at,
                              returned, issued_at, due, returned, fine,
                              BookIssueStatus.RETURNED.value, remarks, renewals, book[0],
                              rng.choice(librarians), user_id))
        rows = []
        for bid, title, author, category, dept, copies, reference, open_loans, b in books:
            isbn12 = f"97881{(b * 7919 + self.salt) % 10**7:07d}"
            check = (10 - sum((3 if i % 2 else 1) * int(ch) for i, ch in enumerate(isbn12)) % 10) % 10
            rows.append((bid, at(dt.date(2016, 1, 1) + D(days=b % 3000), 10), None, title, author,
                         isbn12 + str(check), rng.choice(names.PUBLISHERS),
                         f"{rng.randrange(1, 8)}th edition" if rng.random() < 0.5 else None,
                         "English" if rng.random() < 0.9 else "Hindi", category,
                         f"R{rng.randrange(1, 60):02d}", f"S{rng.randrange(1, 8)}",
                         rng.randrange(1985, 2026), rng.randrange(120, 900),
                         rng.randrange(250, 2500), copies, copies - open_loans, reference,
                         f"{title} by {author}.", None, dept.id if dept else None))
        return rows, loans

    def library_books(self) -> Iterator[Row]:
        if self._library is None:
            self._library = self._build_library()
        yield from self._library[0]

    def book_issues(self) -> Iterator[Row]:
        if self._library is None:
            self._library = self._build_library()
        yield from self._library[1]
        self._library = None

    # ------------------------------------------------------------------ notifications

    def _build_notifications(self) -> list[tuple[Row, list[int]]]:
        plan = self.plan
        people = plan.user_people()
        active = [p.user_id for p, _ in people if p.is_active]
        by_type: dict[UserType, list[int]] = {}
        for person, user_type in people:
            if person.is_active:
                by_type.setdefault(user_type, []).append(person.user_id)
        admin = plan.demo_admin.person.user_id
        staff = plan.demo_staff.person.user_id
        registrar = plan.registrar.person.user_id
        sent = NotificationStatus.SENT.value
        out: list[tuple[Row, list[int]]] = []
        joined = {person.user_id: person.joined for person, _ in people}

        def add(title: str, message: str, kind: NotificationType, audience: TargetAudience | None,
                priority: PriorityLevel, sender: int, when: dt.datetime | None,
                recipients: list[int], *, status: str = sent,
                scheduled: dt.datetime | None = None) -> None:
            if when is not None:  # only people who had an account when it was sent
                day = when.date()
                recipients = [uid for uid in recipients if joined[uid] < day]
            specific = json.dumps(recipients) if audience is TargetAudience.SPECIFIC else None
            nid = self.ids.take("notifications")
            created = when or at(TODAY - D(days=3), 9)
            out.append(((nid, created, None, title, message, kind.value,
                         audience.value if audience else None, specific, priority.value, sender,
                         scheduled, when, status),
                        recipients if status == sent else []))

        A = TargetAudience
        T = NotificationType
        P = PriorityLevel
        students = by_type.get(UserType.STUDENT, [])
        faculty = by_type.get(UserType.FACULTY, [])
        staff_users = by_type.get(UserType.ADMIN, []) + by_type.get(UserType.STAFF, [])
        add("Welcome to the monsoon semester", "Classes for the monsoon semester begin on "
            f"{TERM_START:%d %B %Y}. Check your timetable on the dashboard.",
            T.ANNOUNCEMENT, A.STUDENTS, P.MEDIUM, registrar, at(TERM_START - D(days=3), 9),
            students)
        add("Last date for semester fee payment", f"Semester fees are due on {CURRENT_FEE_DUE:%d %B %Y}. "
            "A late fee of Rs 50 per day applies after the due date.", T.WARNING, A.STUDENTS,
            P.HIGH, staff, at(dt.date(2026, 8, 1), 10), students)
        add("Faculty development programme", "A two-day programme on outcome-based education "
            "will be held in the Senate Hall.", T.INFO, A.FACULTY, P.LOW, registrar,
            at(dt.date(2026, 9, 10), 11), faculty)
        add("Mid-semester examinations", f"Mid-semester examinations run from "
            f"{MIDTERM_WEEK[0]:%d %B} to {MIDTERM_WEEK[1]:%d %B}. No classes that week.",
            T.ANNOUNCEMENT, A.ALL, P.HIGH, registrar, at(dt.date(2026, 9, 25), 9), active)
        add("Submit mid-semester marks", "Please upload the mid-semester marks of all your "
            "courses by 23 October.", T.URGENT, A.FACULTY, P.HIGH, registrar,
            at(dt.date(2026, 10, 12), 9), faculty)
        add("Campus network maintenance", "The campus network will be unavailable on Sunday "
            "from 06:00 to 10:00 for maintenance.", T.WARNING, A.ALL, P.LOW, admin,
            at(dt.date(2026, 10, 15), 18), active)
        add("Annual stock verification", "Library and laboratory stock verification starts "
            "on 16 November.", T.INFO, A.STAFF, P.MEDIUM, admin, at(dt.date(2026, 11, 2), 10),
            staff_users)
        add("Diwali holidays", "The university is closed on 9 and 10 November for Diwali.",
            T.ANNOUNCEMENT, A.ALL, P.MEDIUM, registrar, at(dt.date(2026, 11, 5), 12), active)
        add("End-semester examination timetable published", "The end-semester examinations "
            f"begin on {FINAL_EXAMS[0]:%d %B %Y}. See the exam timetable for your papers.",
            T.ANNOUNCEMENT, A.STUDENTS, P.HIGH, registrar, at(dt.date(2026, 11, 20), 9), students)
        # Department notices to their own faculty and students.
        for dept in plan.departments:
            members = [f.person.user_id for f in dept.faculty if f.person.is_active]
            add(f"{dept.code} department meeting", f"The {dept.spec.name} department meets on "
                "Friday at 15:00 in the seminar room.", T.INFO, A.SPECIFIC, P.MEDIUM,
                dept.hod.person.user_id if dept.hod else admin, at(dt.date(2026, 9, 1), 9), members)
        # Attendance shortage warnings, per department, sent last evening: to the students
        # whose attendance so far (present + late over every class marked, excused included)
        # is below the requirement.
        n_months = len(self.months)
        total, attended = self._summary_total, self._summary_attended
        short_of: set[int] = set()
        for student in plan.students:
            cells = range(student.idx * n_months, (student.idx + 1) * n_months)
            classes = sum(total[c] for c in cells)
            present = sum(attended[c] for c in cells)
            if classes and 100 * present < ATTENDANCE_REQUIRED * classes:
                short_of.add(student.idx)
        for dept in plan.departments:
            short = [s.person.user_id for s in plan.students
                     if s.cohort.program.department is dept and s.idx in short_of]
            if short:
                add(f"Attendance below 75% ({dept.code})", "Your attendance is below the 75% "
                    "required to sit the end-semester examinations. Meet your course "
                    "coordinator.", T.URGENT, A.SPECIFIC, P.HIGH, registrar,
                    at(TODAY - D(days=1), 18), short)
        # Hostel notices to residents.
        for hostel in plan.hostels:
            residents = [plan.students[i].person.user_id for r in hostel.rooms for i in r.occupants]
            if residents:
                add(f"{hostel.name}: mess menu updated", "The mess menu for November has been "
                    "revised. Suggestions are welcome at the warden's office.", T.INFO,
                    A.SPECIFIC, P.LOW, staff, at(dt.date(2026, 11, 1), 19), residents)
        demo = plan.demo_student.person.user_id
        add("Library book due soon", "A book you borrowed is due for return on "
            f"{TODAY + D(days=LOAN_DAYS - DEMO_LOAN_AGE_DAYS):%d %B %Y}.",
            T.INFO, A.SPECIFIC, P.LOW, staff, at(TODAY - D(days=2), 10), [demo])
        add("Winter break schedule", "The winter break runs from 21 December to 3 January.",
            T.ANNOUNCEMENT, A.ALL, P.LOW, registrar, None, [],
            status=NotificationStatus.SCHEDULED.value, scheduled=at(dt.date(2026, 12, 1), 9))
        add("Convocation 2027 (draft)", "Draft notice of the 2027 convocation ceremony.",
            T.ANNOUNCEMENT, A.ALL, P.MEDIUM, admin, None, [],
            status=NotificationStatus.DRAFT.value)
        return out

    def notifications(self) -> Iterator[Row]:
        self._notifications = self._build_notifications()
        for row, _ in self._notifications:
            yield row

    def user_notifications(self) -> Iterator[Row]:
        rng = self.rng("user_notifications")
        rnd = rng.random
        take = self.ids.take
        now = at(TODAY, 0)
        for row, recipients in self._notifications or []:
            if not recipients:
                continue
            nid, sent_at = row[0], row[11]
            age_days = (TODAY - sent_at.date()).days
            read_share = min(0.9, 0.2 + age_days / 60)
            first = take("user_notifications", len(recipients))
            for n, uid in enumerate(recipients):
                read_at = sent_at + D(hours=1 + int(rnd() * 72)) if rnd() < read_share else now
                if read_at < now:
                    yield (first + n, sent_at, read_at, True, read_at, nid, uid)
                else:
                    yield (first + n, sent_at, None, False, None, nid, uid)
        self._notifications = None


def _spec(name: str, columns: str, method: Callable[[Rows], Iterable[Row]],
          after: str | None = None) -> TableSpec:
    return TableSpec(name, _cols(columns), method, after)


# Load order: a stream may use what an earlier one recorded (e.g. grades use assessments).
TABLES: tuple[TableSpec, ...] = (
    _spec("universities", "id created_at updated_at name code address city state country "
          "postal_code phone email website established_year is_active", Rows.universities),
    _spec("departments", "id created_at updated_at name code description hod_id phone email "
          "building floor is_active university_id", Rows.departments),
    _spec("programs", "id created_at updated_at name code description degree_type "
          "duration_years total_semesters total_credits eligibility_criteria is_active "
          "department_id", Rows.programs),
    _spec("courses", "id created_at updated_at name code description syllabus credits "
          "course_type level max_students is_active department_id", Rows.courses),
    _spec("course_prerequisites", "id created_at updated_at course_id prerequisite_id",
          Rows.course_prerequisites),
    _spec("program_courses", "id created_at updated_at semester is_mandatory course_id "
          "program_id", Rows.program_courses),
    _spec("users", "id created_at updated_at user_type email user_name hashed_password "
          "first_name middle_name last_name date_of_birth gender phone emergency_contact "
          "address city state country postal_code profile_picture is_active is_verified "
          "last_login created_by_id updated_by_id", Rows.users),
    _spec("admin_staff", "id created_at updated_at employee_id role designation "
          "date_of_joining status department_id user_id", Rows.admin_staff),
    _spec("faculty", "id created_at updated_at employee_id designation specialization "
          "qualification date_of_joining employment_type experience_years is_hod status "
          "department_id user_id", Rows.faculty,
          after="UPDATE departments d SET hod_id = f.id FROM faculty f "
                "WHERE f.department_id = d.id AND f.is_hod AND d.hod_id IS NULL"),
    _spec("parents", "id created_at updated_at father_name mother_name father_occupation "
          "mother_occupation father_contact mother_contact address city state country "
          "postal_code annual_income user_id", Rows.parents),
    _spec("hostels", "id created_at updated_at name hostel_type address total_rooms "
          "total_capacity occupied_capacity amenities rules is_active warden_id", Rows.hostels),
    _spec("hostel_rooms", "id created_at updated_at room_number room_type floor capacity "
          "occupied_beds room_fee amenities status is_active hostel_id", Rows.hostel_rooms),
    _spec("students", "id created_at updated_at student_code admission_number admission_date "
          "batch_year semester section blood_group nationality religion category status cgpa "
          "department_id guardian_id hostel_id parent_id program_id user_id", Rows.students),
    _spec("enrollments", "id created_at updated_at enrollment_date status grade grade_point "
          "credits_earned remarks program_id student_id", Rows.enrollments),
    _spec("hostel_allocations", "id created_at updated_at allocation_date release_date "
          "academic_year status remarks hostel_id room_id student_id", Rows.hostel_allocations),
    _spec("timetable_slots", "id created_at updated_at slot_type day_of_week start_time "
          "end_time", Rows.timetable_slots),
    _spec("course_offerings", "id created_at updated_at semester academic_year section "
          "room_number max_capacity enrolled_students schedule status start_date end_date "
          "course_id program_id", Rows.course_offerings),
    _spec("offering_faculty", "id created_at updated_at faculty_id offering_id",
          Rows.offering_faculty),
    _spec("class_schedules", "id created_at updated_at room_no is_active course_offering_id "
          "slot_id", Rows.class_schedules),
    _spec("course_registrations", "id created_at updated_at status registered_at "
          "course_offering_id enrollment_id", Rows.course_registrations),
    _spec("assessments", "id created_at updated_at name assessment_type description max_marks "
          "weightage date course_offering_id", Rows.assessments),
    _spec("grades", "id created_at updated_at marks_obtained remarks graded_at assessment_id "
          "course_id course_offering_id enrollment_id graded_by_id", Rows.grades),
    _spec("attendance", "id date status remarks marked_at updated_at course_offering_id "
          "enrollment_id marked_by_id student_id", Rows.attendance),
    _spec("attendance_summary", "id created_at updated_at total_classes attended_classes "
          "attendance_percentage month enrollment_id", Rows.attendance_summary),
    _spec("semester_results", "id created_at updated_at academic_year semester gpa cgpa "
          "total_credits_attempted total_credits_earned status remarks published_at "
          "enrollment_id published_by_id student_id", Rows.semester_results),
    _spec("exam_schedules", "id created_at updated_at exam_name exam_type academic_year "
          "semester start_time end_time result_declaration_date location status course_id",
          Rows.exam_schedules),
    _spec("exam_timetables", "id created_at updated_at exam_date start_time end_time "
          "duration_minutes venue max_marks course_offering_id exam_schedule_id",
          Rows.exam_timetables),
    _spec("fee_structures", "id created_at updated_at academic_year semester tuition_fee "
          "lab_fee library_fee sports_fee examination_fee hostel_fee other_fee total_fee "
          "due_date late_fee_per_day program_id student_id", Rows.fee_structures),
    _spec("fee_payments", "id created_at updated_at amount_paid payment_date payment_mode "
          "transaction_id receipt_number late_fee discount payment_status remarks "
          "fee_structure_id processed_by_id student_id", Rows.fee_payments),
    _spec("library_books", "id created_at updated_at title author isbn publisher edition "
          "language category rack_no shelf_no year_of_publication pages price copies_total "
          "copies_available is_reference description cover_image_url department_id",
          Rows.library_books),
    _spec("book_issues", "id created_at updated_at issue_date due_date return_date fine_amount "
          "status remarks renewal_count book_id issued_by_id user_id", Rows.book_issues),
    _spec("notifications", "id created_at updated_at title message notification_type "
          "target_audience target_user_ids priority sent_by_id scheduled_at sent_at status",
          Rows.notifications),
    _spec("user_notifications", "id created_at updated_at is_read read_at notification_id "
          "user_id", Rows.user_notifications),
)
