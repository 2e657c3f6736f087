"""Staff records (admin_staff) with their accounts: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import Email, Name, NewPassword, Phone, ref_id
from models.enums import AdminStaffRole, PersonStatus, UserType

DepartmentRef = Annotated[int | None, ref_id("The department's id")]
EmployeeId = Annotated[str | None, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                                         description="The employee number (not a database id)")]
StaffUserType = Literal[UserType.ADMIN, UserType.STAFF]
AccountUserName = Annotated[str, Field(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class StaffCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "user_type": "staff", "email": "ravi.kumar@university.example", "user_name": "ravi.kumar",
        "password": "correct-horse-battery", "first_name": "Ravi", "last_name": "Kumar",
        "role": "registrar", "department_id": 1, "designation": "Deputy Registrar",
        "date_of_joining": "2021-06-14",
    }]})

    user_type: StaffUserType = UserType.STAFF
    email: Email
    user_name: AccountUserName
    password: NewPassword
    first_name: Name
    middle_name: str | None = Field(None, max_length=100)
    last_name: Name
    phone: Phone | None = None
    employee_id: EmployeeId = None
    role: AdminStaffRole = AdminStaffRole.STAFF
    department_id: DepartmentRef = None
    designation: str = Field(min_length=2, max_length=100)
    date_of_joining: dt.date


class StaffUpdate(InputModel):
    """Every field optional. Email, user name and password change through the account
    flows, not here."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "designation": "Registrar", "role": "registrar",
    }]})

    user_type: StaffUserType | None = None
    first_name: Name | None = None
    middle_name: str | None = Field(None, max_length=100)
    last_name: Name | None = None
    phone: Phone | None = None
    employee_id: EmployeeId = None
    role: AdminStaffRole | None = None
    department_id: DepartmentRef = None
    designation: str | None = Field(None, min_length=2, max_length=100)
    date_of_joining: dt.date | None = None
    status: PersonStatus | None = None


class StaffOut(OutputModel):
    """A staff record with its account's fields alongside."""

    id: int
    user_id: int = Field(description="The staff member's user account id")
    user_type: UserType
    email: str
    user_name: str
    first_name: str
    middle_name: str | None
    last_name: str
    phone: str | None
    is_active: bool
    employee_id: str = Field(description="The employee number (not a database id)")
    role: AdminStaffRole
    department_id: int | None = Field(description="The department's id")
    designation: str
    date_of_joining: dt.date
    status: PersonStatus
    created_at: dt.datetime
    updated_at: dt.datetime | None

    @model_validator(mode="before")
    @classmethod
    def _with_account(cls, value: Any) -> Any:
        """An AdminStaff row (its `user` fetched) reads as one flat record."""
        user = getattr(value, "user", None)
        if user is None or isinstance(value, dict):
            return value
        return {
            "id": value.id, "user_id": user.id, "user_type": user.user_type, "email": user.email,
            "user_name": user.user_name, "first_name": user.first_name, "middle_name": user.middle_name,
            "last_name": user.last_name, "phone": user.phone, "is_active": user.is_active,
            "employee_id": value.employee_id, "role": value.role, "department_id": value.department_id,
            "designation": value.designation, "date_of_joining": value.date_of_joining,
            "status": value.status, "created_at": value.created_at, "updated_at": value.updated_at,
        }
