"""How the journey map rates a touchpoint: by its NPS, or without one by its CSAT (pure).

Defined once here; the dashboard gets the bands from `/dashboard/settings` and colours each
band's cards by its key (the colours live in the dashboard's stylesheet).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreBand:
    key: str
    label: str
    min_nps: float | None  # the band holds NPS >= min_nps; None: no lower bound
    min_csat: float | None  # likewise for CSAT (1-5), used when there is no NPS


# Best first: a score falls in the first band whose minimum it reaches.
SCORE_BANDS: tuple[ScoreBand, ...] = (
    ScoreBand("good", "良好", min_nps=30, min_csat=4.2),
    ScoreBand("fair", "一般", min_nps=0, min_csat=3.6),
    ScoreBand("poor", "较差", min_nps=None, min_csat=None),
)


def describe(band: ScoreBand) -> str:
    """The band's legend line, e.g. `一般：NPS 0–30，或 CSAT 3.6–4.2`."""
    index = SCORE_BANDS.index(band)
    above = SCORE_BANDS[index - 1] if index else None
    if above is None:
        return f"{band.label}：NPS ≥ {band.min_nps:g}，或（无 NPS 时）CSAT ≥ {band.min_csat:g}"
    if band.min_nps is None or band.min_csat is None:
        return f"{band.label}：NPS < {above.min_nps:g}，或 CSAT < {above.min_csat:g}"
    return (
        f"{band.label}：NPS {band.min_nps:g}–{above.min_nps:g}，"
        f"或 CSAT {band.min_csat:g}–{above.min_csat:g}"
    )
