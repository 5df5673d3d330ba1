"""The journey map as the dashboard and the quarterly review both read it.

A folder of its own because the map needs analytics (breakdowns, ranking) and aspects (each
stage's evidence), and aspects already reads analytics: analytics cannot import it back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import JourneyView
from vocsvc.analytics.schemas import JourneyMap
from vocsvc.analytics.views import Breakdowns
from vocsvc.analytics.views import journey_map as ranked_map
from vocsvc.aspects.service import StageFindings, stage_findings
from vocsvc.errors import RollupRebuilding
from vocsvc.periods import Period


def journey_map(
    session: Session,
    journey: JourneyView,
    period: Period | None,
    computed: Breakdowns | None = None,
    findings: StageFindings | None = None,
) -> JourneyMap:
    """The map with stages ranked over NPS, CSAT, sentiment and their aspects' positive shares."""
    if findings is None:
        try:
            findings = stage_findings(session, journey, period)
        except RollupRebuilding:
            # The map's scores fall back to scanning answers; aspects cannot, so the map stays
            # up during a rebuild, ranked without them, and says so.
            found = ranked_map(session, journey, period, computed)
            return found.model_copy(update={"aspect_evidence": "rebuilding"})
    return ranked_map(session, journey, period, computed, findings.estimates)
