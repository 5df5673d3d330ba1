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
