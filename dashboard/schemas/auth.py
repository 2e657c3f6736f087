"""The auth domain's request and response bodies: accounts, sign-in, tokens, one-time codes
and who the caller is."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

from pydantic import ConfigDict, Field, StringConstraints

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import Email, Name, NewPassword, Phone
from models.enums import Gender, UserType

if TYPE_CHECKING:  # services import schemas, not the other way round
    from dashboard.services.auth import Me


LoginPassword = Annotated[str, StringConstraints(strip_whitespace=False, min_length=8, max_length=1024)]
Otp = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="The 6-digit code from the email")]
UserName = Annotated[str, Field(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class RegisterIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "user_type": "student", "email": "asha.rao@example.edu", "user_name": "asha.rao",
        "password": "correct-horse-battery", "first_name": "Asha", "last_name": "Rao",
        "date_of_birth": "2005-04-12", "gender": "female", "phone": "+91 98450 12345",
        "city": "Bengaluru", "country": "India",
    }]})

    user_type: UserType
    email: Email
    user_name: UserName
    password: NewPassword
    first_name: Name
    last_name: Name
    middle_name: str | None = Field(None, max_length=100)
    date_of_birth: dt.date | None = None
    gender: Gender | None = None
    phone: Phone | None = None
    address: str | None = Field(None, max_length=255)
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)


class LoginIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "asha.rao@example.edu", "password": "correct-horse-battery",
    }]})

    email: Email
    password: LoginPassword


class RefreshIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "refresh_token": "eyJhbGciOiJIUzI1NiIs...the refresh token from /auth/login",
    }]})

    refresh_token: str = Field(min_length=1, max_length=4096)


class LogoutIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "refresh_token": "eyJhbGciOiJIUzI1NiIs...the refresh token from /auth/login",
    }]})

    refresh_token: str | None = Field(None, max_length=4096)


class EmailIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "asha.rao@example.edu",
    }]})

    email: Email


class ResetPasswordIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "asha.rao@example.edu", "otp": "482913", "new_password": "a-new-long-passphrase",
    }]})

    email: Email
    otp: Otp
    new_password: NewPassword


class VerifyEmailIn(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "asha.rao@example.edu", "otp": "482913",
    }]})

    email: Email
    otp: Otp


class UserInfo(OutputModel):
    id: int
    user_type: UserType
    email: str
    user_name: str
    first_name: str
    last_name: str
    is_active: bool
    is_verified: bool


class TokenOut(OutputModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret


class LinkedStudent(OutputModel):
    id: int = Field(description="The student's id (students.id), as in /students/{id}")
    student_code: str
    first_name: str
    last_name: str


class CurrentUser(UserInfo):
    """UserInfo and the caller's place in the university: at most one of the profile ids is
    set (a parent has `parent_id` and `linked_students`)."""

    student_id: int | None = Field(description="The caller's student id (students.id), for a student")
    faculty_id: int | None = Field(description="The caller's faculty id (faculty.id), for a faculty member")
    staff_id: int | None = Field(description="The caller's staff id (admin_staff.id), for admin and staff")
    parent_id: int | None = Field(description="The caller's parent id (parents.id), for a parent")
    linked_students: list[LinkedStudent] = Field(
        description="For a parent, the students they are parent or guardian of; otherwise empty")

    @classmethod
    def of(cls, me: Me) -> CurrentUser:
        return cls.model_validate({
            **UserInfo.model_validate(me.user).model_dump(),
            "student_id": me.student_id, "faculty_id": me.faculty_id, "staff_id": me.staff_id,
            "parent_id": me.parent_id,
            "linked_students": [LinkedStudent.model_validate(s) for s in me.linked_students],
        })
