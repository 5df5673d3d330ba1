"""`vocsvc report` refuses a period it cannot review with a message, not a traceback."""

from __future__ import annotations

from pathlib import Path

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


def test_pdf_needs_a_file_and_a_chromium(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both checked before the database is opened.
    assert main(["report", "retail", "2026Q3", "--format", "pdf"]) == 2
    assert "--out" in capsys.readouterr().err
    out = tmp_path / "r.pdf"
    missing = tmp_path / "no-chromium"
    args = ["report", "retail", "2026Q3", "--format", "pdf", "--out", str(out)]
    assert main([*args, "--chromium", str(missing)]) == 2
    assert f"no Chromium at {missing}" in capsys.readouterr().err and not out.exists()
