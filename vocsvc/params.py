"""Query parameters shared by several routers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query, Request

from vocsvc.config import get_settings
from vocsvc.errors import InvalidInput, PayloadTooLarge
from vocsvc.periods import Period, begun, date_range, invalid_period, parse_period


def period_query(
    period: Annotated[str | None, Query(description="2026Q3, 2026-07 or 2026")] = None,
    from_: Annotated[date | None, Query(alias="from", description="first day, inclusive")] = None,
    to: Annotated[date | None, Query(description="last day, inclusive")] = None,
) -> Period | None:
    """The reporting period, cut in VOCSVC_TIMEZONE; None means all time.

    An open end (`from` without `to`) runs to tomorrow (clocks drift). The period, and the one
    before it that comparisons use, must lie within the years Python can represent (1 to 9999).
    A period that has not begun is refused (PeriodNotBegun): it has nothing to show yet.
    """
    tz = get_settings().tz
    with invalid_period("period" if period else "from"):
        if period:
            chosen = parse_period(period, tz)
        elif from_ or to:
            start = from_ or date(1970, 1, 1)
            end = to or max(start, datetime.now(tz).date() + timedelta(days=1))
            chosen = date_range(start, end, tz)
        else:
            return None
        chosen.previous()
    return begun(chosen, datetime.now(tz), "period" if period else "from")


PeriodDep = Annotated[Period | None, Depends(period_query)]


async def raw_body(request: Request) -> tuple[str, str]:
    """The request body as UTF-8 text with its content type, for routes taking JSON or CSV."""
    limit = get_settings().max_body_bytes
    body = await request.body()
    if len(body) > limit:
        raise PayloadTooLarge(f"body over {limit} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"body is not UTF-8: {error}") from None
    return text, request.headers.get("content-type", "")


RawBodyDep = Annotated[tuple[str, str], Depends(raw_body)]
