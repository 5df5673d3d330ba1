"""Refuse JSON bodies that name a key twice (`{"nps": 1, "nps": 10}`) with a 422 naming it.

Python's json keeps the last value silently, so a body could mean one thing to a proxy, a WAF
or a log reader (which often keep the first) and another to us. One middleware checks every
JSON body, so no route can forget; the body is read once and handed on unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vocsvc.errors import InvalidInput, Problem
from vocsvc.security.middleware import scope_lang, send_error

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return result


def duplicate_key(body: bytes) -> str | None:
    """The first key some object of this JSON names twice; None if none (or not JSON)."""
    try:
        json.loads(body, object_pairs_hook=_no_duplicates)
    except DuplicateKey as found:
        return found.key
    except ValueError:  # not JSON (or not UTF-8): the route reports that in its own words
        return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return bool(media == b"application/json" or media.endswith(b"+json"))
    return True  # FastAPI reads a body without a Content-Type as JSON too


class DuplicateKeyMiddleware:
    """422 for a JSON request body with a repeated key in any object."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        key = duplicate_key(body) if b'"' in body else None
        if key is not None:
            message_text = f"the JSON body names the key '{key}' more than once"
            problem = Problem(key, "given more than once", "duplicate_key")
            await send_error(
                send, InvalidInput(message_text, details=[problem]), lang=scope_lang(scope)
            )
            return
        replayed: Message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([replayed], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
