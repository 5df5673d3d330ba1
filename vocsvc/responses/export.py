"""The CSV export's columns and rows: program keys, or Chinese for a spreadsheet (`?names=zh`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from vocsvc.models import ResponseAspect
from vocsvc.text.aspects import ASPECTS

EXPORT_COLUMNS = [
    "id", "journey", "stage", "touchpoint", "survey_version", "submitted_at", "nps", "csat",
    "ces", "importance", "comment", "sentiment", "sentiment_label", "opinion", "mixed",
    "aspects", "segment", "channel", "source", "respondent_hash",
]  # fmt: skip
# The same columns in the same order, as a CX team reads them.
EXPORT_COLUMNS_ZH = [
    "编号", "旅程", "阶段", "触点", "问卷版本", "提交时间", "推荐意愿(NPS 0-10)",
    "满意度(CSAT 1-5)", "费力度(CES 1-7)", "重要性(1-5)", "评论", "情感得分(正面概率)", "情感",
    "是否观点", "评论与评分矛盾", "提及方面", "人群", "渠道", "来源", "受访者标识",
]  # fmt: skip
SENTIMENT_ZH = {"positive": "正面", "neutral": "中性", "negative": "负面"}
POLARITY_ZH = SENTIMENT_ZH
SOURCE_ZH = {"public": "问卷", "import": "导入"}
ASPECT_ZH = {a.key: a.name for a in ASPECTS}


def export_row(
    row: Any, aspects: Sequence[ResponseAspect], journey: str, tz: ZoneInfo, *, chinese: bool
) -> list[Any]:
    """One answer's cells; `chinese`: stage, touchpoint, aspect names and labels in Chinese."""
    r = row.Response
    if not chinese:
        return [
            r.id, journey, row.stage_key, row.touchpoint_key, row.survey_version,
            r.submitted_at.astimezone(tz).isoformat(), r.nps, r.csat, r.ces,
            r.importance, r.comment, r.sentiment, r.sentiment_label, r.opinion, r.mixed,
            "; ".join(f"{a.aspect}:{a.polarity}" for a in aspects), r.segment,
            r.channel, r.source, r.respondent_hash,
        ]  # fmt: skip
    mentioned = "；".join(
        f"{ASPECT_ZH.get(a.aspect, a.aspect)}：{POLARITY_ZH.get(a.polarity, a.polarity)}"
        for a in aspects
    )
    return [
        r.id, journey, row.stage_name, row.touchpoint_name, row.survey_version,
        r.submitted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), r.nps, r.csat, r.ces,
        r.importance, r.comment, r.sentiment,
        SENTIMENT_ZH.get(r.sentiment_label or "", r.sentiment_label),
        _yes_no(r.opinion), _yes_no(r.mixed), mentioned, r.segment, r.channel,
        SOURCE_ZH.get(r.source, r.source), r.respondent_hash,
    ]  # fmt: skip


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")
