"""`vocsvc report` refuses a period it cannot review with a message, not a traceback."""

from __future__ import annotations

import pytest

from vocsvc.cli import main


@pytest.mark.parametrize("period", ["0001Q1", "0001-01", "0001", "9999Q4", "2026Q5"])
def test_report_of_an_unusable_period_is_a_clear_error(
    period: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Checked before the database is opened: this test touches none.
    assert main(["report", "retail", period]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{period}: ") and "Traceback" not in err
    if period.startswith("0001"):
        assert "years 1 to 9999" in err
