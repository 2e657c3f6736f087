"""/docs and /redoc from pinned, hashed, self-served files; an OpenAPI document that
validates and says, for every operation, what it does, who may call it and what each
query parameter matches. The browser test is tests/web/test_docs_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api import create_api
from api.deps import PUBLIC, REFRESH_TOKEN
from api.routing import WHO_MAY_CALL, roles_holding, route_text, who_may_call
from dashboard.core.roles import Permission
from dashboard.web.assets import NODE_MODULES, AssetStore
from dashboard.web.docs import ASSETS, CONTENT_SECURITY_POLICY, docs_store

API = create_api()
DOCUMENT = API.openapi()
OPERATIONS = [(path, method, operation) for path, item in DOCUMENT["paths"].items()
              for method, operation in item.items()]


def _sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


# --- the files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_integrity_hash_matches_the_installed_file(name):
    asset = ASSETS[name]
    assert docs_store().is_installed(asset), f"{asset.spec} missing from node_modules: run `make install`"
    assert asset.integrity == _sri((NODE_MODULES / asset.package / asset.path).read_bytes())
    assert re.fullmatch(r"\d+\.\d+\.\d+", asset.version)


def test_package_json_and_lock_pin_the_same_versions():
    manifest = json.loads((NODE_MODULES.parent / "package.json").read_text())
    lock = json.loads((NODE_MODULES.parent / "package-lock.json").read_text())
    for asset in ASSETS.values():
        assert manifest["dependencies"][asset.package] == asset.version  # --save-exact
        assert lock["packages"][f"node_modules/{asset.package}"]["version"] == asset.version


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_pages_load_only_local_files_with_sri(client, path):
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page = response.text
    assert "https://" not in page and "http://" not in page
    tags = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"[^>]*integrity="(sha384-[^"]+)"', page)
    assert len(tags) >= 2
    for url, integrity in tags:
        assert url.startswith("/docs/static/npm/")
        served = await client.get(url)
        assert served.status_code == 200
        assert "immutable" in served.headers["cache-control"]
        assert integrity == _sri(served.content)


async def test_the_pages_point_at_the_document(client):
    assert '"url": "/openapi.json"' in (await client.get("/docs")).text
    assert 'spec-url="/openapi.json"' in (await client.get("/redoc")).text
    assert (await client.get("/openapi.json")).json()["info"]["title"] == DOCUMENT["info"]["title"]


async def test_only_the_pinned_files_are_served(client):
    swagger = ASSETS["swagger-ui.js"]
    for path in (f"{swagger.spec}/package.json", f"{swagger.spec}/index.html", f"{swagger.spec}/../redoc/package.json",
                 "swagger-ui-dist@1.0.0/swagger-ui-bundle.js", "..%2F..%2Fpyproject.toml",
                 "@tabler/core@1.6.1/dist/css/tabler.min.css"):
        assert (await client.get(f"/docs/static/npm/{path}")).status_code == 404, path


def test_without_node_modules_the_pinned_cdn_is_used_with_sri(tmp_path):
    store = AssetStore(ASSETS, tmp_path)
    for name, asset in ASSETS.items():
        tag = str(store.tag(name, "/docs"))
        assert f'"https://cdn.jsdelivr.net/npm/{asset.spec}/{asset.path}"' in tag
        assert f'integrity="{asset.integrity}"' in tag and 'crossorigin="anonymous"' in tag
    assert store.resolve(f"{ASSETS['redoc.js'].spec}/{ASSETS['redoc.js'].path}") is None
    # The fallback is allowed by the pages' Content-Security-Policy, and nothing else is.
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net/npm/;" in CONTENT_SECURITY_POLICY


# --- the document ------------------------------------------------------------------------


def test_the_document_validates_against_the_openapi_specification():
    from openapi_spec_validator import validate

    validate(DOCUMENT)


def test_every_operation_says_who_may_call_it_as_the_role_table_does():
    for path, method, operation in OPERATIONS:
        marker = operation["x-permission"]
        description = operation.get("description", "")
        assert who_may_call(marker) in description, f"{method} {path}"
        assert description.count(WHO_MAY_CALL) == 1
        if marker not in (PUBLIC, REFRESH_TOKEN):
            assert operation["x-roles"] == [role.value for role in roles_holding(Permission(marker))]


def test_who_may_call_names_the_roles():
    assert who_may_call(Permission.AUDIT_READ.value).startswith(f"{WHO_MAY_CALL} admin (permission `audit:read`)")
    assert who_may_call(Permission.FEES_WRITE.value).startswith(f"{WHO_MAY_CALL} admin and staff ")
    assert who_may_call(Permission.AUTH_SESSION.value).startswith(f"{WHO_MAY_CALL} any signed-in user ")
    assert "anyone" in who_may_call(PUBLIC)
    assert "refresh token" in who_may_call(REFRESH_TOKEN)


def _routes() -> list[tuple[str, APIRoute]]:
    found = []
    for context in iter_route_contexts(API.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            found.extend((f"{method} {context.path_format}", route) for method in sorted(context.methods or ()))
    return found


def test_every_operation_has_a_summary_and_says_what_it_does():
    """A route's docstring: one summary line, a blank line, then what it does and changes
    (api/routing.py). FastAPI's summary made from the function name does not count."""
    missing_summary = [name for name, route in _routes() if not route.summary]
    missing_text = [name for name, route in _routes() if not route_text(route.description)]
    assert not missing_summary, f"operations without a summary line: {missing_summary}"
    assert not missing_text, f"operations without a description of their own: {missing_text}"


def test_every_query_parameter_says_what_it_matches():
    missing = [f"{method.upper()} {path}: {parameter['name']}" for path, method, operation in OPERATIONS
               for parameter in operation.get("parameters", [])
               if parameter["in"] == "query" and not parameter.get("description")]
    assert not missing, f"query parameters without a description: {missing}"


def _json_body_schema(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", ()):
        if "$ref" in option:  # `Body | None`: the model, not the null
            return _resolve(option)
    return schema


def test_every_json_request_body_has_an_example():
    missing = []
    for path, method, operation in OPERATIONS:
        schema = _json_body_schema(operation)
        if schema is None:
            continue
        resolved = _resolve(schema)
        if not (resolved.get("examples") or resolved.get("example")):
            missing.append(f"{method.upper()} {path}")
    assert not missing, f"request bodies without an example: {missing}"


def _body_models(route: APIRoute) -> list[type]:
    from typing import get_args

    from pydantic import BaseModel

    if route.body_field is None:
        return []
    annotation = route.body_field.field_info.annotation
    candidates = get_args(annotation) or (annotation,)
    return [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]


def test_every_request_body_example_is_accepted_by_its_schema():
    """An example a reader copies into "Try it out" passes validation (it may still meet a
    404 or 409 against real data)."""
    for _, route in _routes():
        for model in _body_models(route):
            for example in model.model_json_schema().get("examples", []):
                model.model_validate(example)
