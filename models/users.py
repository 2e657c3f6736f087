"""People: user accounts and the role rows attached to them."""

from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TimestampedModel
from models.enums import (
    AdminStaffRole,
    Category,
    EmploymentType,
    FacultyStatus,
    Gender,
    PersonStatus,
    UserType,
)

if TYPE_CHECKING:
    from models import Department, Hostel, Program


class User(TimestampedModel):
    user_type = fields.CharEnumField(UserType, max_length=20, db_index=True)
    email = fields.CharField(max_length=255, unique=True)
    user_name = fields.CharField(max_length=50, unique=True)
    hashed_password = fields.CharField(max_length=255)
    first_name = fields.CharField(max_length=100)
    middle_name = fields.CharField(max_length=100, null=True)
    last_name = fields.CharField(max_length=100)
    date_of_birth = fields.DateField(null=True)
    gender = fields.CharEnumField(Gender, max_length=20, null=True)
    phone = fields.CharField(max_length=20, null=True, unique=True)
    emergency_contact = fields.CharField(max_length=100, null=True)
    address = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=100, null=True)
    state = fields.CharField(max_length=100, null=True)
    country = fields.CharField(max_length=100, null=True)
    postal_code = fields.CharField(max_length=20, null=True)
    # A server path: never exposed by the API.
    profile_picture = fields.CharField(max_length=500, null=True)
    is_active = fields.BooleanField(default=True, db_index=True)
    is_verified = fields.BooleanField(default=False)
    last_login = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="created_users",
        null=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    created_by_id: int | None
    updated_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="updated_users",
        null=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    updated_by_id: int | None

    class Meta:
        table = "users"

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"


class AdminStaff(TimestampedModel):
    user: fields.OneToOneRelation["User"] = fields.OneToOneField(
        "models.User", related_name="admin_staff", on_delete=fields.OnDelete.RESTRICT
    )
    user_id: int
    employee_id = fields.CharField(max_length=50, unique=True)
    role = fields.CharEnumField(AdminStaffRole, max_length=20, db_index=True)
    department: fields.ForeignKeyNullableRelation["Department"] = fields.ForeignKeyField(
        "models.Department",
        related_name="admin_staff",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    department_id: int | None
    designation = fields.CharField(max_length=100)
    date_of_joining = fields.DateField()
    status = fields.CharEnumField(
        PersonStatus, max_length=20, default=PersonStatus.ACTIVE, db_index=True
    )

    class Meta:
        table = "admin_staff"

    def __str__(self) -> str:
        return self.employee_id


class Faculty(TimestampedModel):
    user: fields.OneToOneRelation["User"] = fields.OneToOneField(
        "models.User", related_name="faculty", on_delete=fields.OnDelete.RESTRICT
    )
    user_id: int
    employee_id = fields.CharField(max_length=50, unique=True)
    department: fields.ForeignKeyRelation["Department"] = fields.ForeignKeyField(
        "models.Department",
        related_name="faculty_members",
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    department_id: int
    designation = fields.CharField(max_length=100)
    specialization = fields.CharField(max_length=255, null=True)
    qualification = fields.CharField(max_length=255, null=True)
    date_of_joining = fields.DateField(null=True)
    employment_type = fields.CharEnumField(EmploymentType, max_length=20)
    experience_years = fields.IntField(null=True)
    is_hod = fields.BooleanField(default=False)
    status = fields.CharEnumField(
        FacultyStatus, max_length=20, default=FacultyStatus.ACTIVE, db_index=True
    )

    class Meta:
        table = "faculty"

    def __str__(self) -> str:
        return self.employee_id


class Student(TimestampedModel):
    user: fields.OneToOneRelation["User"] = fields.OneToOneField(
        "models.User", related_name="student", on_delete=fields.OnDelete.RESTRICT
    )
    user_id: int
    # The roll number (Ref's `Student_id`).
    student_code = fields.CharField(max_length=50, unique=True)
    admission_number = fields.CharField(max_length=50, unique=True)
    admission_date = fields.DateField()
    # program_id and department_id are indexed by the composite indexes in Meta.
    program: fields.ForeignKeyRelation["Program"] = fields.ForeignKeyField(
        "models.Program", related_name="students", on_delete=fields.OnDelete.RESTRICT
    )
    program_id: int
    department: fields.ForeignKeyRelation["Department"] = fields.ForeignKeyField(
        "models.Department", related_name="students", on_delete=fields.OnDelete.RESTRICT
    )
    department_id: int
    batch_year = fields.IntField(db_index=True)
    semester = fields.IntField()
    section = fields.CharField(max_length=20, null=True)
    blood_group = fields.CharField(max_length=10, null=True)
    nationality = fields.CharField(max_length=100, null=True)
    religion = fields.CharField(max_length=100, null=True)
    category = fields.CharEnumField(Category, max_length=20, null=True)
    parent: fields.ForeignKeyNullableRelation["Parent"] = fields.ForeignKeyField(
        "models.Parent",
        related_name="students",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    parent_id: int | None
    guardian: fields.ForeignKeyNullableRelation["Parent"] = fields.ForeignKeyField(
        "models.Parent",
        related_name="guarded_students",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    guardian_id: int | None
    # Set on allocate/transfer, cleared on vacate.
    hostel: fields.ForeignKeyNullableRelation["Hostel"] = fields.ForeignKeyField(
        "models.Hostel",
        related_name="students",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.SET_NULL,
    )
    hostel_id: int | None
    status = fields.CharEnumField(
        PersonStatus, max_length=20, default=PersonStatus.ACTIVE, db_index=True
    )
    # Denormalised copy of the latest published semester_results.cgpa.
    cgpa = fields.DecimalField(max_digits=4, decimal_places=2, null=True)

    class Meta:
        table = "students"
        indexes = (("department_id", "id"), ("program_id", "id"))

    def __str__(self) -> str:
        return self.student_code


class Parent(TimestampedModel):
    user: fields.OneToOneRelation["User"] = fields.OneToOneField(
        "models.User", related_name="parent", on_delete=fields.OnDelete.RESTRICT
    )
    user_id: int
    father_name = fields.CharField(max_length=100, db_index=True)
    mother_name = fields.CharField(max_length=100, db_index=True)
    father_occupation = fields.CharField(max_length=100, null=True)
    mother_occupation = fields.CharField(max_length=100, null=True)
    father_contact = fields.CharField(max_length=20, null=True)
    mother_contact = fields.CharField(max_length=20, null=True)
    address = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=100, null=True)
    state = fields.CharField(max_length=100, null=True)
    country = fields.CharField(max_length=100, null=True)
    postal_code = fields.CharField(max_length=20, null=True)
    annual_income = fields.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        table = "parents"

    def __str__(self) -> str:
        return f"{self.father_name} / {self.mother_name}"
