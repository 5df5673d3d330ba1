"""Every route not on the public allow-list refuses a request without a key (401)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

# Routes anyone may call: health, the customer-facing survey routes, the widget script and
# static files, the dashboard's sign-in pages, the API documentation.
PUBLIC = [
    r"/",  # a redirect to /dashboard
    r"/healthz",
    r"/v1/public/.*",
    r"/s/.*",
    r"/embed\.js",
    r"/static(/.*)?",
    r"/dashboard",
    r"/dashboard/sign-(in|out)",
    r"/docs(/.*)?",
    r"/redoc",
    r"/openapi\.json",
]
# Plausible values for path parameters; the journey does not exist, so a route that looked it
# up before checking the key would answer 404 and fail here.
PARAMS = {"journey": "no-such-journey", "touchpoint": "checkout", "report": "2026Q3"}


def is_public(path: str) -> bool:
    return any(re.fullmatch(pattern, path) for pattern in PUBLIC)


def concrete(path: str) -> str:
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: PARAMS.get(m[1], "1"), path)


def all_operations(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document and every hidden API route."""
    found = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    # Routers are included lazily: their routes are walked through their contexts.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and not route.include_in_schema:
            found.update((method, context.path) for method in route.methods - {"HEAD"})
    return sorted(found)


def test_the_walk_covers_the_api(app: FastAPI) -> None:
    operations = all_operations(app)
    private = [op for op in operations if not is_public(op[1])]
    assert len(private) >= 25, private  # the walk really sees the admin API
    assert ("POST", "/v1/journeys") in private
    assert ("GET", "/v1/journeys/{journey}/responses.csv") in private
    assert ("GET", "/dashboard") in operations  # routes hidden from the schema are walked too


@pytest.mark.parametrize("credentials", [{}, {"Authorization": "Bearer "}, {"X-API-Key": ""}])
def test_every_private_route_refuses_a_missing_key(
    app: FastAPI, client: TestClient, credentials: dict[str, str]
) -> None:
    wrong: dict[str, int] = {}
    for method, path in all_operations(app):
        if is_public(path):
            continue
        reply = client.request(method, concrete(path), json={}, headers=credentials)
        if reply.status_code != 401 or reply.json().get("error") != "unauthorized":
            wrong[f"{method} {path}"] = reply.status_code
    assert wrong == {}


def test_an_unknown_key_is_refused_too(app: FastAPI, client: TestClient) -> None:
    headers = {"Authorization": "Bearer voc_not_a_key_at_all_0000000000000000000000000"}
    codes = {
        client.request(method, concrete(path), json={}, headers=headers).status_code
        for method, path in all_operations(app)
        if not is_public(path)
    }
    assert codes == {401}
