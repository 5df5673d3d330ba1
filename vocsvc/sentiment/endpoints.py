"""Sentiment scoring over HTTP."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from vocsvc.auth.dependencies import ViewerKey
from vocsvc.sentiment.service import score_texts

router = APIRouter(prefix="/v1/text", tags=["text"])


class SentimentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: list[Annotated[str, StringConstraints(max_length=2000)]] = Field(max_length=1000)
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
