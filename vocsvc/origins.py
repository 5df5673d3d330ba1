"""Browser origins: journeys' allow-lists and whether an Origin header may call (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vocsvc.errors import Forbidden

# scheme://host[:port], as browsers send it in the Origin header (no path, no trailing slash).
_ORIGIN_RE = re.compile(
    r"^(https?)://([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]+\])(:\d{1,5})?$"
)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def normalise_origin(value: str) -> str:
    """`HTTPS://Shop.Example.com:443/` -> `https://shop.example.com`; ValueError otherwise."""
    text = value.strip().lower().removesuffix("/")
    match = _ORIGIN_RE.match(text)
    if match is None:
        raise ValueError(
            f"{value!r} is not an origin: expected scheme://host[:port] with http or https, "
            "no path (e.g. https://shop.example.com)"
        )
    scheme, _host, port = match.groups()
    if port is not None:
        if not 0 < int(port[1:]) < 65536:
            raise ValueError(f"{value!r} has an invalid port")
        if port == _DEFAULT_PORTS[scheme]:
            text = text[: -len(port)]
    return text


def origin_allowed(origin: str | None, own_origin: str, allowed: Sequence[str] | None) -> bool:
    """May a request with this Origin header use a journey restricted to `allowed`?

    No Origin header (not a browser's cross-origin call), our own origin (the hosted survey
    pages) and journeys without a list (None) are always allowed.
    """
    if origin is None or allowed is None:
        return True
    candidate = origin.strip().lower()
    return candidate == own_origin.lower() or candidate in allowed


class OriginNotAllowed(Forbidden):
    code = "origin_not_allowed"


@dataclass(frozen=True)
class CallerOrigin:
    """Where a browser request came from: its Origin header and the origin we are reached at."""

    origin: str | None
    own_origin: str


def check_origin(caller: CallerOrigin, journey: str, allowed: Sequence[str] | None) -> None:
    """Refuse (OriginNotAllowed) a browser origin the journey does not list."""
    if not origin_allowed(caller.origin, caller.own_origin, allowed):
        raise OriginNotAllowed(f"journey '{journey}' does not accept requests from {caller.origin}")
