"""A query parameter an endpoint does not declare is a 422 naming it and the accepted ones
(notes §3.12), on every /api/v1 endpoint, checked by each route's wrapper (api.routing.GuardedRoute). The role matrix
(tests/test_role_matrix.py) sends one to every route as every role."""

from __future__ import annotations

from fastapi.routing import APIRoute, iter_route_contexts

from api import create_api
from api.deps import CACHE_BUSTER
from tests import factories

STUDENTS = "/api/v1/students"


async def test_a_misspelt_filter_is_a_422_naming_it_and_the_accepted_ones(staff_client):
    await factories.create_student()
    response = await staff_client.get(STUDENTS, params={"status": "graduated"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "VALIDATION_ERROR"
    message = body["error"]["message"]
    assert message.startswith("Unknown query parameter: status. Accepted: ")
    for accepted in ("student_status", "page", "page_size", "search", "program_id"):
        assert accepted in message
    assert body["detail"] == message
    [detail] = body["error"]["details"]
    assert detail["field"] == "query.status" and detail["type"] == "unknown_parameter"
    assert "student_status" in detail["message"]


async def test_the_right_spelling_still_filters(staff_client):
    await factories.create_student()
    response = await staff_client.get(STUDENTS, params={"student_status": "graduated"})
    assert response.status_code == 200 and response.json()["total"] == 0


async def test_every_unknown_parameter_is_named(staff_client):
    response = await staff_client.get("/api/v1/departments", params={"zeta": "1", "alpha": "2", "search": "x"})
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["message"].startswith("Unknown query parameters: alpha, zeta. Accepted: ")
    assert [d["field"] for d in body["details"]] == ["query.alpha", "query.zeta"]


async def test_a_bare_underscore_cache_buster_is_allowed(staff_client):
    response = await staff_client.get("/api/v1/departments", params={CACHE_BUSTER: "1733097600000"})
    assert response.status_code == 200
    assert (await staff_client.get("/api/v1/departments", params={"__": "1"})).status_code == 422


async def test_a_declared_alias_is_accepted(staff_client):
    # The spec's misspelling of academic_year is declared (deprecated), so it is no typo.
    response = await staff_client.get("/api/v1/course-offerings", params={"acedemic_year": "2026-27"})
    assert response.status_code == 200, response.text


async def test_an_endpoint_without_query_parameters_accepts_none(staff_client):
    response = await staff_client.get("/api/v1/auth/me", params={"verbose": "1"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "Unknown query parameter: verbose. Accepted: none"


async def test_a_public_endpoint_checks_too_and_changes_nothing(client):
    from models import User

    response = await client.post("/api/v1/auth/register", params={"admin": "true"}, json={
        "user_type": "student", "email": "new.student@example.edu", "user_name": "new.student",
        "password": "correct horse battery", "first_name": "New", "last_name": "Student",
    })
    assert response.status_code == 422
    assert "admin" in response.json()["error"]["message"]
    assert await User.filter(email="new.student@example.edu").count() == 0


async def test_a_caller_without_access_learns_nothing_of_the_input(client, login_as):
    # 401 and 403 come first, as for any other bad input.
    anonymous = await client.get("/api/v1/staff", params={"nosuch": "1"})
    assert anonymous.status_code == 401
    student = await login_as("student")
    forbidden = await student.get("/api/v1/staff", params={"nosuch": "1"})
    assert forbidden.status_code == 403
    assert "Accepted" not in forbidden.text


async def test_a_bad_value_and_an_unknown_name_are_both_422(staff_client):
    response = await staff_client.get(STUDENTS, params={"page": "0", "stauts": "x"})
    assert response.status_code == 422


def test_the_accepted_names_are_the_documented_ones():
    """What the 422 lists is what /docs lists: both come from the route's declarations."""
    from api.deps import declared_query_names

    app = create_api()
    document = app.openapi()
    checked = 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for method in context.methods or ():
            operation = document["paths"][context.path_format][method.lower()]
            documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert declared_query_names(route.dependant) == documented, f"{method} {context.path_format}"
            checked += 1
    assert checked > 50
