from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from vocsvc.periods import parse_period, period_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_quarter_cut_in_local_time() -> None:
    q2 = parse_period("2026Q2", SHANGHAI)
    late_june = datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI)
    assert q2.start <= late_june < q2.end
    assert q2.end.astimezone(UTC) == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert period_of(late_june, "quarter", SHANGHAI).label == "2026Q2"


@pytest.mark.parametrize(
    ("label", "previous"),
    [("2026Q1", "2025Q4"), ("2026Q3", "2026Q2"), ("2026-01", "2025-12"), ("2026", "2025")],
)
def test_previous(label: str, previous: str) -> None:
    assert parse_period(label, SHANGHAI).previous().label == previous


@pytest.mark.parametrize("bad", ["2026Q0", "2026Q5", "2026-13", "26Q1", "Q3", ""])
def test_bad_periods(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYYQn"):
        parse_period(bad, SHANGHAI)


def test_last_complete_quarter_and_in_progress() -> None:
    from vocsvc.periods import in_progress, last_complete_quarter

    first_of_october = datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI)
    assert last_complete_quarter(first_of_october, SHANGHAI).label == "2026Q3"
    just_before = datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI)
    assert last_complete_quarter(just_before, SHANGHAI).label == "2026Q2"
    assert in_progress(parse_period("2026Q3", SHANGHAI), just_before)
    assert not in_progress(parse_period("2026Q3", SHANGHAI), first_of_october)


def test_a_period_not_begun_is_refused_with_its_code() -> None:
    from vocsvc.errors import PeriodNotBegun
    from vocsvc.periods import begun, review_period

    now = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    assert begun(parse_period("2026Q4", SHANGHAI), now, "period").label == "2026Q4"
    with pytest.raises(PeriodNotBegun) as refused:
        begun(parse_period("2027Q1", SHANGHAI), now, "period")
    assert refused.value.code == "period_not_begun" and refused.value.status_code == 422
    assert review_period(None, now, "report").label == "2026Q3"
    assert review_period("latest", now, "report").label == "2026Q3"
    with pytest.raises(PeriodNotBegun):
        review_period("2027", now, "report")
