"""Errors a customer can see: Chinese by default on public routes, English when asked."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.error_messages import ERRORS, PROBLEMS, preferred, public_lang
from vocsvc.models import Response

SUBMIT = "/v1/public/responses"
EN = {"Accept-Language": "en"}


def answer(**fields: Any) -> dict[str, Any]:
    return {"journey": "retail", "touchpoint": "checkout", **fields}


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def test_a_rule_the_answer_breaks_is_worded_in_chinese_by_default(
    client: TestClient, session: Session, retail: str
) -> None:
    reply = client.post(SUBMIT, json=answer(nps=11, comment="好" * 2001))
    assert reply.status_code == 422
    body = reply.json()
    assert body["error"] == "invalid_input"
    assert body["details"] == [
        {"field": "nps", "code": "out_of_range", "message": "请选择 0 到 10 之间的整数"},
        {
            "field": "comment",
            "code": "comment_too_long",
            "message": "意见最多 2000 个字，现在是 2001 个字",
        },
    ]
    assert body["message"].startswith("提交的内容有误：nps：请选择 0 到 10 之间的整数；comment：")
    assert stored(session) == 0


def test_the_same_refusal_in_english_keeps_every_code(client: TestClient, retail: str) -> None:
    chinese = client.post(SUBMIT, json=answer(nps=11)).json()
    english = client.post(SUBMIT, json=answer(nps=11), headers=EN).json()
    assert english["error"] == chinese["error"] == "invalid_input"
    assert [d["code"] for d in english["details"]] == [d["code"] for d in chinese["details"]]
    assert english["details"][0]["message"] == "must be an integer from 0 to 10, got 11"
    assert english["message"] == "nps: must be an integer from 0 to 10, got 11"


@pytest.mark.parametrize(
    ("body", "field", "code", "zh"),
    [
        (answer(nps="9"), "nps", "int_type", "必须是整数"),
        (answer(nps=9, mood="好"), "mood", "extra_forbidden", "不认识的字段"),
        ({"touchpoint": "checkout", "nps": 9}, "journey", "missing", "必须填写"),
        (answer(channel="渠" * 65), "channel", "string_too_long", "最多 64 个字符"),
        (answer(channel="13812345678"), "channel", "personal_data", "不能包含个人信息"),
        (answer(csat=4, ces=3, touchpoint="greeting"), "ces", "not_asked", "这个环节不问这个问题"),
        (answer(touchpoint="nowhere", nps=9), "touchpoint", "unknown_touchpoint", "没有这个环节"),
        (answer(), "(body)", "no_answer", "请至少回答一个问题"),
    ],
)
def test_validation_errors_in_both_languages(
    client: TestClient, retail: str, body: dict[str, Any], field: str, code: str, zh: str
) -> None:
    chinese = client.post(SUBMIT, json=body)
    english = client.post(SUBMIT, json=body, headers=EN)
    assert chinese.status_code == english.status_code == 422, chinese.text
    [zh_problem] = [d for d in chinese.json()["details"] if d["field"] == field]
    [en_problem] = [d for d in english.json()["details"] if d["field"] == field]
    assert zh_problem["code"] == en_problem["code"] == code
    assert zh in zh_problem["message"]
    assert en_problem["message"].isascii() and en_problem["message"] != zh_problem["message"]


def test_repeated_keys_and_broken_json_are_worded_for_the_customer(
    client: TestClient, retail: str
) -> None:
    headers = {"Content-Type": "application/json"}
    twice = client.post(SUBMIT, content=b'{"journey":"retail","nps":1,"nps":2}', headers=headers)
    assert twice.status_code == 422
    assert twice.json()["details"][0] == {
        "field": "nps",
        "code": "duplicate_key",
        "message": "同一项提交了两次",
    }
    broken = client.post(SUBMIT, content=b'{"journey": ', headers=headers)
    assert broken.status_code == 400
    assert broken.json()["error"] == "malformed_json"
    assert broken.json()["message"].startswith("提交的数据格式不正确")


def test_missing_survey_follows_lang_and_accept_language(client: TestClient, retail: str) -> None:
    path = "/v1/public/journeys/retail/touchpoints/nowhere/survey"
    chinese = client.get(path)
    assert chinese.status_code == 404
    assert chinese.json() == {"error": "not_found", "message": "找不到这个问卷，链接可能已失效"}
    by_header = client.get(path, headers={"Accept-Language": "en-US,en;q=0.9,zh;q=0.3"})
    by_query = client.get(path + "?lang=en", headers={"Accept-Language": "zh-CN"})
    for english in (by_header, by_query):
        assert english.json()["error"] == "not_found"
        assert english.json()["message"] == "journey 'retail' has no touchpoint 'nowhere'"


def test_routes_for_api_keys_keep_their_english_messages(
    client: TestClient, keys: dict[str, dict[str, str]], retail: str
) -> None:
    reply = client.get("/v1/journeys/nowhere", headers=keys["admin"])
    assert reply.status_code == 404
    assert reply.json() == {"error": "not_found", "message": "journey 'nowhere' does not exist"}


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh"),
        ("", "zh"),
        ("fr-FR,fr;q=0.9", "zh"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("en", "en"),
        ("zh;q=0.5, en;q=0.6", "en"),
        ("en;q=0, zh", "zh"),
        ("en, zh", "en"),
        ("zh-TW, en", "zh"),
        ("en;q=bad", "zh"),
    ],
)
def test_accept_language_prefers_chinese_unless_english_ranks_higher(
    header: str | None, lang: str
) -> None:
    assert preferred(header) == lang


def test_only_public_routes_choose_a_language() -> None:
    assert public_lang("/v1/public/responses", "", None) == "zh"
    assert public_lang("/s/retail/checkout", "lang=en", None) == "en"
    assert public_lang("/v1/responses", "lang=zh", "zh-CN") is None


def test_every_code_the_answer_path_reports_has_chinese_wording() -> None:
    problems = ["out_of_range", "not_asked", "comment_too_long", "no_answer", "unknown_journey",
                "unknown_touchpoint", "comment_not_asked", "duplicate_key", "not_a_label",
                "personal_data", "nul_character"]  # fmt: skip
    errors = ["invalid_input", "malformed_json", "not_found", "origin_not_allowed",
              "payload_too_large", "rate_limited", "database_unavailable",
              "internal_error"]  # fmt: skip
    assert [c for c in problems if c not in PROBLEMS] == []
    assert [c for c in errors if c not in ERRORS] == []
