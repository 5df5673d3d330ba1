"""Reporting periods (`2026Q3`, `2026-07`, `2026`) cut in the service's time zone (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from vocsvc.errors import InvalidInput, PeriodNotBegun

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of local calendar time, with its label."""

    label: str
    start: datetime
    end: datetime
    kind: str  # quarter | month | year | range

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        tz = self.start.tzinfo
        assert isinstance(tz, ZoneInfo)
        if self.kind in ("quarter", "month", "year"):
            return period_of(self.start - timedelta(days=1), self.kind, tz)
        span = self.end - self.start
        return Period(f"before {self.label}", self.start - span, self.start, "range")


def _local(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def parse_period(text: str, tz: ZoneInfo) -> Period:
    """Parse `YYYYQn`, `YYYY-MM` or `YYYY`; ValueError says what is accepted."""
    text = text.strip()
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return Period(text, _local(start, tz), _local(end, tz), "quarter")
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period(text, _local(date(year, month, 1), tz), _local(end, tz), "month")
    if m := _YEAR.match(text):
        year = int(m[1])
        return Period(text, _local(date(year, 1, 1), tz), _local(date(year + 1, 1, 1), tz), "year")
    raise ValueError(f"period '{text}' is not YYYYQn (2026Q3), YYYY-MM (2026-07) or YYYY (2026)")


def date_range(start: date, end_inclusive: date, tz: ZoneInfo) -> Period:
    """A period from local midnight of `start` to the end of `end_inclusive`."""
    if end_inclusive < start:
        raise ValueError("'to' is before 'from'")
    label = f"{start.isoformat()}..{end_inclusive.isoformat()}"
    return Period(label, _local(start, tz), _local(end_inclusive + timedelta(days=1), tz), "range")


def period_of(moment: datetime, kind: str, tz: ZoneInfo) -> Period:
    """The quarter/month/year containing `moment` in zone `tz`."""
    local = moment.astimezone(tz)
    # Years are written with four digits, as parse_period reads them (%Y writes 999, not 0999).
    if kind == "quarter":
        return parse_period(f"{local.year:04d}Q{(local.month - 1) // 3 + 1}", tz)
    if kind == "month":
        return parse_period(f"{local.year:04d}-{local.month:02d}", tz)
    if kind == "year":
        return parse_period(f"{local.year:04d}", tz)
    raise ValueError(f"unknown period kind '{kind}': use quarter, month or year")


def periods_ending(last: Period, count: int) -> list[Period]:
    """`count` consecutive periods ending with `last`, oldest first (ValueError before year 1)."""
    series = [last]
    while len(series) < count:
        series.insert(0, series[0].previous())
    return series


@contextmanager
def invalid_period(field: str) -> Iterator[None]:
    """Report a period that cannot be cut inside the block as bad input in request `field`.

    Calendar arithmetic past years 1 to 9999 (a quarter's neighbour included) raises
    ValueError or OverflowError; the client is told the allowed range, not Python's wording.
    """
    try:
        yield
    except (ValueError, OverflowError) as error:
        message = str(error)
        if isinstance(error, OverflowError) or "out of range" in message:
            message = "the period, or the one before it, lies outside years 1 to 9999"
        raise InvalidInput(message, details=[{"field": field, "message": message}]) from None


def comparable_period(text: str, tz: ZoneInfo, field: str) -> Period:
    """A period to compare with the one before it (a review): InvalidInput if either is unusable."""
    with invalid_period(field):
        period = parse_period(text, tz)
        period.previous()
    return period


def last_complete_quarter(now: datetime, tz: ZoneInfo) -> Period:
    """The default reporting period: the latest quarter that has ended by `now`."""
    return period_of(now, "quarter", tz).previous()


def in_progress(period: Period, now: datetime) -> bool:
    """True while `now` lies inside the period: its figures are not final."""
    return period.start <= now < period.end


def begun(period: Period, now: datetime, field: str) -> Period:
    """`period` if it has started by `now`, else PeriodNotBegun for request `field`."""
    if period.start > now:
        raise PeriodNotBegun(period.label, period.start.date().isoformat(), field)
    return period


LATEST = "latest"  # names the last complete quarter where a review's period is asked for


def review_period(text: str | None, now: datetime, field: str) -> Period:
    """The period a review covers: `text`, or the last complete quarter for None or "latest".

    InvalidInput when it cannot be compared with the one before; PeriodNotBegun when it starts
    after `now` (a period in progress is reviewed, and the review says it is not over).
    """
    tz = now.tzinfo
    assert isinstance(tz, ZoneInfo)
    if text is None or text.strip().lower() == LATEST:
        return last_complete_quarter(now, tz)
    return begun(comparable_period(text, tz, field), now, field)
