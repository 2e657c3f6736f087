"""Lengths at and past every limit of registration and login: an account that can be
opened can sign in, and no length reaches the database as a 500."""

from __future__ import annotations

import pytest

from models import User
from tests import factories

AUTH = "/api/v1/auth"
PASSWORD = "A-good-password-1"


def _email(length: int) -> str:
    """A valid address of exactly `length` characters (local part at most 64, labels 63)."""
    local = "a" * min(64, length - len("@x.edu"))
    domain_length = length - len(local) - 1
    labels, remaining = [], domain_length - len(".edu")
    while remaining > 0:
        label = min(63, remaining)
        if remaining - label == 1:  # never leave a lone dot: shorten this label
            label -= 1
        labels.append("d" * label)
        remaining -= label + 1
    email = f"{local}@{'.'.join(labels)}.edu"
    assert len(email) == length, (len(email), length)
    return email


def _registration(**overrides) -> dict:
    body = {"user_type": "student", "email": "ada@example.edu", "user_name": "ada",
            "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"}
    body.update(overrides)
    return body


@pytest.mark.parametrize("length", [51, 64, 120, 254])
async def test_an_email_longer_than_a_user_name_registers_and_signs_in(client, length):
    email = _email(length)
    response = await client.post(f"{AUTH}/register", json=_registration(email=email))
    assert response.status_code == 201, response.text
    login = await client.post(f"{AUTH}/login", json={"email": email.upper(), "password": PASSWORD})
    assert login.status_code == 200, login.text
    wrong = await client.post(f"{AUTH}/login", json={"email": email, "password": "Wrong-password-1"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("endpoint", ["login", "forgot-password", "send-verification"])
async def test_an_email_past_its_column_is_422_not_500(client, endpoint):
    body = {"email": "a" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 63 + ".edu"}  # 260 characters
    if endpoint == "login":
        body["password"] = PASSWORD
    response = await client.post(f"{AUTH}/{endpoint}", json=body)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("length", [51, 254])
async def test_an_unknown_long_email_is_a_plain_401(client, length):
    await factories.create_user(email="ada@example.edu")
    response = await client.post(f"{AUTH}/login", json={"email": _email(length), "password": PASSWORD})
    assert response.status_code == 401, response.text


# (field, the column's length) for every text field of the registration.
LIMITS = [("user_name", 50), ("first_name", 100), ("last_name", 100), ("middle_name", 100),
          ("address", 255), ("city", 100), ("state", 100), ("country", 100), ("postal_code", 20), ("phone", 20)]


def _text(field: str, length: int) -> str:
    return ("1" if field in ("phone", "postal_code") else "a") * length


@pytest.mark.parametrize(("field", "limit"), LIMITS)
async def test_each_text_field_takes_its_column_length_and_refuses_one_more(client, field, limit):
    too_long = await client.post(f"{AUTH}/register", json=_registration(**{field: _text(field, limit + 1)}))
    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["error"]["details"][0]["field"].endswith(field)
    assert await User.all().count() == 0
    fits = await client.post(f"{AUTH}/register", json=_registration(**{field: _text(field, limit)}))
    assert fits.status_code == 201, fits.text
    stored = await User.get(email="ada@example.edu")
    assert len(getattr(stored, field)) == limit


async def test_a_user_name_signs_in_by_name_up_to_its_length(client):
    name = "n" * 50
    assert (await client.post(f"{AUTH}/register", json=_registration(user_name=name))).status_code == 201
    user = await User.get(user_name=name)
    assert user.email == "ada@example.edu"
