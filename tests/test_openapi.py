"""Every JSON answer of the app is described in the OpenAPI document by a named schema."""

from __future__ import annotations

from typing import Any, get_type_hints

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.responses import Response

from vocsvc.app import create_app


def _answers_json(route: APIRoute, response_class: Any) -> bool:
    """True unless the route answers in another format or builds its own response."""
    response_class = getattr(response_class, "value", response_class)  # FastAPI's Default(...)
    if not issubclass(response_class, JSONResponse):
        return False
    returns = get_type_hints(route.endpoint).get("return")
    return not (isinstance(returns, type) and issubclass(returns, Response))


def json_routes(app: FastAPI) -> list[tuple[str, str, Any]]:
    """(method, path, route context) of every JSON route, however deeply its router is nested."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and _answers_json(route, context.response_class):
            found += [(method, context.path, context) for method in sorted(route.methods)]
    return found


def _named(schema: dict[str, Any]) -> bool:
    """A model of our own (a $ref), or a list of them; not a free-form object."""
    if schema.get("type") == "array":
        return _named(schema.get("items", {}))
    return "$ref" in schema


APP = create_app()
ROUTES = json_routes(APP)


def test_the_walk_sees_every_router() -> None:
    paths = {path for _, path, _ in ROUTES}
    assert len(ROUTES) >= 30
    assert {"/v1/journeys/{journey}/gaps", "/v1/journeys/{journey}/reports/{report}",
            "/dashboard/settings", "/healthz"} <= paths  # fmt: skip
    assert "/v1/journeys/{journey}/responses.csv" not in paths  # CSV, not JSON


@pytest.mark.parametrize(
    ("method", "path", "context"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_json_route_has_a_response_schema(method: str, path: str, context: Any) -> None:
    assert context.response_model is not None, "no response_model"
    assert context.include_in_schema, "missing from the OpenAPI document"
    operation = APP.openapi()["paths"][path][method.lower()]
    success = operation["responses"][str(context.status_code or 200)]
    schema = success.get("content", {}).get("application/json", {}).get("schema", {})
    assert _named(schema), f"the answer is not described by a model: {schema}"
