"""Journey definitions (the JSON/YAML form) and their API views."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from vocsvc.origins import normalise_origin

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Question = Literal["nps", "csat", "ces", "importance", "comment"]
Origin = Annotated[str, StringConstraints(max_length=300), AfterValidator(normalise_origin)]
SCORED_QUESTIONS: tuple[Question, ...] = ("nps", "csat", "ces", "importance")
SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "importance": (1, 5),
}
# A comment's length after control characters are dropped: the widget and the hosted page get it
# with the survey (`comment_max_length`), the API refuses longer ones.
COMMENT_MAX_LENGTH = 2000

DEFAULT_PROMPTS_ZH: dict[str, str] = {
    "nps": "您有多大可能向朋友或同事推荐我们？",
    "csat": "您对这次体验的满意程度如何？",
    "ces": "完成这件事对您来说有多容易？",
    "importance": "这个环节对您有多重要？",
    "comment": "还有什么想告诉我们的吗？（选填）",
}
DEFAULT_PROMPTS_EN: dict[str, str] = {
    "nps": "How likely are you to recommend us to a friend or colleague?",
    "csat": "How satisfied are you with this experience?",
    "ces": "How easy was it to get this done?",
    "importance": "How important is this step to you?",
    "comment": "Anything else you would like to tell us? (optional)",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Targets(Strict):
    nps: float | None = Field(default=None, ge=-100, le=100)
    csat: float | None = Field(default=None, ge=1, le=5)


class Persona(Strict):
    key: Key
    name: Name
    description: str = ""


class TouchpointDef(Strict):
    key: Key
    name: Name
    channel: str = Field(default="", max_length=64)
    owner: str = Field(default="", max_length=200, description="owning department")
    stage_side: Literal["front", "back"] = "front"
    moment_of_truth: bool = False
    questions: list[Question] = Field(min_length=1)
    prompts: dict[Question, Annotated[str, StringConstraints(max_length=300)]] = Field(
        default_factory=dict
    )
    targets: Targets = Field(default_factory=Targets)

    @model_validator(mode="after")
    def _questions_consistent(self) -> TouchpointDef:
        if len(set(self.questions)) != len(self.questions):
            raise ValueError("questions must not repeat")
        if self.questions == ["comment"]:
            raise ValueError("a survey needs at least one scored question besides 'comment'")
        stray = set(self.prompts) - set(self.questions)
        if stray:
            raise ValueError(f"prompts given for questions not asked: {sorted(stray)}")
        return self


class StageDef(Strict):
    key: Key
    name: Name
    touchpoints: list[TouchpointDef] = Field(min_length=1)


class JourneyDef(Strict):
    key: Key
    name: Name
    description: str = Field(default="", max_length=4000)
    personas: list[Persona] = Field(default_factory=list)
    stages: list[StageDef] = Field(min_length=1)
    allowed_origins: list[Origin] | None = Field(
        default=None,
        max_length=100,
        description="browser origins (https://shop.example.com) whose pages may fetch this "
        "journey's surveys and post answers; unset: any origin",
    )

    @model_validator(mode="after")
    def _unique_keys(self) -> JourneyDef:
        stage_keys = [s.key for s in self.stages]
        if len(set(stage_keys)) != len(stage_keys):
            raise ValueError(f"stage keys must be unique: {_repeated(stage_keys)}")
        tp_keys = [t.key for s in self.stages for t in s.touchpoints]
        if len(set(tp_keys)) != len(tp_keys):
            raise ValueError(f"touchpoint keys must be unique in a journey: {_repeated(tp_keys)}")
        return self


def _repeated(keys: list[str]) -> list[str]:
    return sorted({k for k in keys if keys.count(k) > 1})


class TouchpointOut(BaseModel):
    key: str
    name: str
    channel: str
    owner: str
    stage_side: str
    moment_of_truth: bool
    questions: list[str]
    survey_version: int | None
    targets: Targets


class StageOut(BaseModel):
    key: str
    name: str
    position: int
    touchpoints: list[TouchpointOut]


class JourneyOut(BaseModel):
    key: str
    name: str
    description: str
    personas: list[Persona]
    stages: list[StageOut]
    allowed_origins: list[str] | None = None


class JourneySummary(BaseModel):
    key: str
    name: str
    description: str
    stages: int
    touchpoints: int


class SurveyQuestionOut(BaseModel):
    id: str
    prompt: str
    prompt_en: str
    min: int | None
    max: int | None
    required: bool


class PublicSurveyOut(BaseModel):
    journey: str
    journey_name: str
    stage: str
    stage_name: str
    touchpoint: str
    touchpoint_name: str
    survey_version: int
    questions: list[SurveyQuestionOut]
    comment_max_length: int = COMMENT_MAX_LENGTH
