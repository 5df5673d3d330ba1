"""Generate a year of plausible answers whose scores and comments move with each touchpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.bootstrap import prepare_database
from vocsvc.config import get_settings
from vocsvc.db import get_sessionmaker
from vocsvc.demo.phrases import (
    CONTACT_SUFFIXES,
    NEGATIVE_CLOSERS,
    OPENERS,
    PHRASES,
    POSITIVE_CLOSERS,
)
from vocsvc.demo.staff import load_staff_ratings
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.journeys.loader import load_journey_dir
from vocsvc.journeys.schemas import JourneyDef
from vocsvc.journeys.service import upsert_journey
from vocsvc.models import Response
from vocsvc.responses.schemas import ImportedResponseIn

DAILY_VOLUME = {"retail": 60, "b2b_procurement": 6}
# Touchpoint quality at the start and end of the year (−1 … 1): the stories a CX manager finds.
QUALITY: dict[str, tuple[float, float]] = {
    "social_media": (0.1, 0.2), "word_of_mouth": (0.7, 0.6), "parking": (0.2, -0.5),
    "greeting": (0.5, 0.6), "fresh_produce": (0.6, 0.4), "staff_help": (0.3, 0.5),
    "fitting_room": (-0.1, 0.0), "price_display": (0.0, 0.1), "checkout": (-0.5, 0.3),
    "membership": (-0.2, -0.3), "returns": (0.8, 0.8), "hotline": (-0.4, -0.2),
    "delivery": (0.1, -0.2), "tender_info": (0.2, 0.2), "qualification": (-0.1, 0.0),
    "presales_briefing": (0.6, 0.5), "tech_qa": (0.1, 0.3), "contract_terms": (-0.6, -0.4),
    "pricing": (-0.2, -0.1), "kickoff": (0.4, 0.4), "implementation": (0.2, -0.3),
    "acceptance": (0.0, 0.1), "service_desk": (-0.1, 0.2), "account_review": (0.3, 0.0),
}  # fmt: skip
# How important customers say each touchpoint is (mean of 1–5).
IMPORTANCE: dict[str, float] = {
    "social_media": 2.6, "word_of_mouth": 3.4, "parking": 3.6, "greeting": 3.0,
    "fresh_produce": 4.7, "staff_help": 3.9, "fitting_room": 3.1, "price_display": 4.1,
    "checkout": 4.6, "membership": 3.2, "returns": 4.4, "hotline": 4.0, "delivery": 3.8,
    "tender_info": 3.5, "qualification": 3.2, "presales_briefing": 4.2, "tech_qa": 4.0,
    "contract_terms": 4.6, "pricing": 4.5, "kickoff": 3.3, "implementation": 4.8,
    "acceptance": 4.5, "service_desk": 4.4, "account_review": 3.4,
}  # fmt: skip
SURVEY_CHANNELS = ["小程序", "门店二维码", "短信链接", "网站弹窗"]


@dataclass(frozen=True)
class TouchpointSpec:
    key: str
    questions: tuple[str, ...]
    channel: str


def run_demo(*, if_empty: bool, seed: int, days: int) -> int:
    """Load surveys/ and (unless data exists and if_empty) a year of responses and of staff
    ratings."""
    settings = get_settings()
    prepare_database(settings)
    definitions = load_journey_dir(settings.surveys_dir)
    with get_sessionmaker()() as session, session.begin():
        for definition in definitions:
            upsert_journey(session, definition)
        if if_empty and session.scalar(select(func.count()).select_from(Response)):
            print("demo data already present; nothing added")
            return 0
        end = datetime.now(settings.tz).replace(minute=0, second=0, microsecond=0)
        rng = np.random.default_rng(seed)
        total = ratings = 0
        start = end - timedelta(days=days)
        for definition in definitions:
            total += load_responses(session, definition, rng, start, end)
            ratings += load_staff_ratings(session, definition, rng, start, end, QUALITY, IMPORTANCE)
    print(f"demo: {len(definitions)} journeys, {total} responses, {ratings} staff ratings")
    return 0


def load_responses(
    session: Session, journey: JourneyDef, rng: np.random.Generator, start: datetime, end: datetime
) -> int:
    """Generate and import the answers of one journey, in chunks."""
    specs = [
        TouchpointSpec(tp.key, tuple(tp.questions), tp.channel)
        for stage in journey.stages
        for tp in stage.touchpoints
    ]
    personas: list[str | None] = [p.key for p in journey.personas] or [None]
    rows = list(generate_rows(journey.key, specs, personas, rng, start, end))
    for offset in range(0, len(rows), 5000):
        import_bulk(session, rows[offset : offset + 5000])
    return len(rows)


def generate_rows(
    journey: str,
    specs: list[TouchpointSpec],
    personas: list[str | None],
    rng: np.random.Generator,
    start: datetime,
    end: datetime,
) -> list[ImportedResponseIn]:
    days = max(1, (end - start).days)
    per_day = DAILY_VOLUME.get(journey, 20)
    counts = rng.poisson(per_day, size=days)
    rows: list[ImportedResponseIn] = []
    for day, count in enumerate(counts):
        for _ in range(int(count)):
            at = start + timedelta(days=day, hours=float(rng.uniform(8, 22)))
            if at >= end:
                continue
            spec = specs[int(rng.integers(len(specs)))]
            progress = day / days
            rows.append(_answer(journey, spec, personas, rng, at, progress))
    return rows


def _answer(
    journey: str,
    spec: TouchpointSpec,
    personas: list[str | None],
    rng: np.random.Generator,
    at: datetime,
    progress: float,
) -> ImportedResponseIn:
    first, last = QUALITY.get(spec.key, (0.0, 0.0))
    persona_index = int(rng.integers(len(personas)))
    persona = personas[persona_index]
    mood = first + (last - first) * progress + 0.15 * (persona_index - 1) + rng.normal(0, 0.8)
    asked = set(spec.questions)
    values: dict[str, object] = {"journey": journey, "touchpoint": spec.key, "submitted_at": at}
    if "nps" in asked:
        values["nps"] = int(np.clip(round(7.4 + 2.6 * mood), 0, 10))
    if "csat" in asked:
        values["csat"] = int(np.clip(round(3.7 + 1.1 * mood + rng.normal(0, 0.35)), 1, 5))
    if "ces" in asked and rng.random() < 0.85:
        values["ces"] = int(np.clip(round(5.0 + 1.4 * mood + rng.normal(0, 0.5)), 1, 7))
    if "importance" in asked and rng.random() < 0.8:
        values["importance"] = int(
            np.clip(round(IMPORTANCE.get(spec.key, 3.5) + rng.normal(0, 0.7)), 1, 5)
        )
    if "comment" in asked and rng.random() < 0.25 + 0.25 * min(1.0, abs(mood)):
        values["comment"] = _comment(spec.key, mood, rng)
    values["segment"] = persona
    values["channel"] = SURVEY_CHANNELS[int(rng.integers(len(SURVEY_CHANNELS)))]
    if rng.random() < 0.6:
        values["respondent"] = f"member-{int(rng.integers(1, 4000)):05d}"
    return ImportedResponseIn.model_validate(values)


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return str(options[int(rng.integers(len(options)))])


def _comment(key: str, mood: float, rng: np.random.Generator) -> str:
    positive, negative = PHRASES.get(key, (["体验不错", "挺好的"], ["体验不好", "很一般"]))
    if abs(mood) <= 0.35:  # mixed feelings read as a contrast
        good, bad = _pick(rng, positive), _pick(rng, negative)
        return f"虽然{good}，但是{bad}" if rng.random() < 0.5 else f"{good}，不过{bad}"
    fragments, closers = (positive, POSITIVE_CLOSERS) if mood > 0 else (negative, NEGATIVE_CLOSERS)
    first, second = (int(i) for i in rng.choice(len(fragments), size=2, replace=False))
    text = _pick(rng, OPENERS) + fragments[first]
    if rng.random() < 0.5:
        text += "，" + fragments[second]
    text += _pick(rng, closers)
    if mood < 0 and rng.random() < 0.08:  # some customers leave contact details: redaction demo
        text += "，" + _pick(rng, CONTACT_SUFFIXES)
    return text
