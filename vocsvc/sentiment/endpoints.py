"""Comment analysis and sentiment scoring over HTTP."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from vocsvc.auth.dependencies import ViewerKey
from vocsvc.db import ReadsOnly
from vocsvc.journeys.schemas import COMMENT_MAX_LENGTH
from vocsvc.responses.schemas import AspectOut
from vocsvc.sentiment.service import OWN, analyze_texts, current_model_version, score_texts

# Scoring reads nothing but the caller's key: no write transaction (on SQLite the write gate)
# is held while up to a thousand texts are read.
router = APIRouter(prefix="/v1/text", tags=["text"], dependencies=[ReadsOnly])


MAX_TEXTS = 1000
Text = Annotated[str, StringConstraints(max_length=COMMENT_MAX_LENGTH)]


class SentimentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: list[Text] = Field(max_length=MAX_TEXTS)
    backend: Literal["own", "snownlp"] | None = None


class ScoreOut(BaseModel):
    probability: float
    label: str
    model_version: str


class SentimentOut(BaseModel):
    scores: list[ScoreOut]


@router.post("/sentiment", response_model=SentimentOut)
def sentiment(body: SentimentIn, _key: ViewerKey) -> SentimentOut:
    """P(positive), label and model version for each text, in order."""
    scores = score_texts(body.texts, body.backend)
    return SentimentOut(
        scores=[
            ScoreOut(
                probability=round(s.probability, 4), label=s.label, model_version=s.model_version
            )
            for s in scores
        ]
    )


class AnalyzeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: list[Text] = Field(max_length=MAX_TEXTS)


class AnalysisOut(BaseModel):
    """One text as `vocsvc text analyze` prints it."""

    label: Literal["negative", "neutral", "positive"]
    p_positive: float
    opinion: bool  # False: a question, a suggestion or nothing to add (all neutral)
    aspects: list[AspectOut]


class AnalyzeOut(BaseModel):
    model_version: str
    results: list[AnalysisOut]


@router.post("/analyze", response_model=AnalyzeOut)
def analyze(body: AnalyzeIn, _key: ViewerKey) -> AnalyzeOut:
    """Each text's three-class label, P(positive), whether it states an opinion, and the aspects
    it talks about with their clause's polarity; in order (an empty text gets a result too)."""
    analyses = analyze_texts(body.texts)
    return AnalyzeOut(
        model_version=current_model_version(OWN),
        results=[AnalysisOut.model_validate(a.to_json()) for a in analyses],
    )
