"""What a customer reads when a public route refuses a request: one catalogue, keyed by code.

Public routes (`/v1/public/…`, the hosted pages `/s/…`) answer in Chinese unless the caller asks
for English (`?lang=en`, or `Accept-Language` preferring English, which the widget sends for
`data-lang="en"`). Chinese wording comes from here, keyed by the error's code and each
problem's code; English is the error's own message (it names the limit, the field, the value).
The `error` and each problem's `code` are the same in every language, for programs. Other
routes (those API keys use) keep their English messages and their bodies as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

Lang = Literal["zh", "en"]
PUBLIC_PREFIXES = ("/v1/public/", "/s/")

# Error code (the body's "error") -> its Chinese message.
ERRORS: dict[str, str] = {
    "invalid_input": "提交的内容有误",
    "malformed_json": "提交的数据格式不正确，请刷新页面后重试",
    "not_found": "找不到这个问卷，链接可能已失效",
    "origin_not_allowed": "这个网站不能提交此问卷",
    "forbidden": "没有权限进行此操作",
    "unauthorized": "需要先登录",
    "payload_too_large": "提交的内容太长，请删减后重试",
    "rate_limited": "提交太频繁，请稍后再试",
    "database_unavailable": "服务暂时繁忙，请稍后重试，您的回答尚未保存",
    "idempotency_key_reused": "这次提交与之前的一次冲突，没有保存，请刷新页面后重新填写",
    "invalid_idempotency_key": "提交的请求标识无效，请刷新页面后重试",
    "request_timeout": "网络太慢，提交超时，请重试",
    "headers_too_large": "请求无法处理，请刷新页面后重试",
    "http_error": "请求无法处理",
    "internal_error": "服务出现问题，您的回答可能没有保存，请稍后重试",
}

# Problem code (each detail's "code") -> its Chinese message; {names} are its params.
PROBLEMS: dict[str, str] = {
    "unknown_journey": "找不到这个问卷",
    "unknown_touchpoint": "这个问卷没有这个环节",
    "not_asked": "这个环节不问这个问题",
    "out_of_range": "请选择 {low} 到 {high} 之间的整数",
    "comment_not_asked": "这个环节不收集文字意见",
    "comment_too_long": "意见最多 {max} 个字，现在是 {length} 个字",
    "no_answer": "请至少回答一个问题",
    "duplicate_key": "同一项提交了两次",
    "not_a_label": "只能是简短的标签，不能含控制字符或不可见字符",
    "personal_data": "不能包含个人信息（如手机号、邮箱）",
    "nul_character": "不能包含 NUL 字符",
    # pydantic's error types, for a body the schema refuses before any rule is applied
    "missing": "必须填写",
    "extra_forbidden": "不认识的字段",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数",
    "int_from_float": "必须是整数",
    "string_type": "必须是文字",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "model_type": "提交的内容必须是 JSON 对象",
    "model_attributes_type": "提交的内容必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "literal_error": "取值不在允许范围内",
    "json_invalid": "数据格式不正确",
}
_FALLBACK = "取值无效"


def error_message(code: str, lang: Lang, own: str) -> str:
    """The top-level message of error `code` in `lang`; `own` is its English message."""
    return ERRORS.get(code, own) if lang == "zh" else own


def problem_message(code: str, params: Mapping[str, object], lang: Lang, own: str) -> str:
    """One problem's message in `lang` (`own` is its English); an unknown code still gets one."""
    if lang == "en":
        return own
    template = PROBLEMS.get(code, _FALLBACK)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template.split("{", 1)[0].rstrip() or _FALLBACK


def joined(parts: list[str], lang: Lang) -> str:
    """Problems in one line, with the language's punctuation."""
    return ("；" if lang == "zh" else "; ").join(parts)


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


_QUERY_LANG = re.compile(r"(?:^|&)lang=(zh|en)(?:&|$)")


def public_lang(path: str, query: str, accept_language: str | None) -> Lang | None:
    """The language to answer a public route's error in; None for every other route."""
    if not is_public(path):
        return None
    if found := _QUERY_LANG.search(query):
        return "en" if found.group(1) == "en" else "zh"
    return preferred(accept_language)


def preferred(accept_language: str | None) -> Lang:
    """English when `Accept-Language` ranks English above Chinese; Chinese otherwise."""
    best: dict[Lang, float] = {"zh": -1.0, "en": -1.0}
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        if primary not in best:
            continue
        weight = 1.0
        if (q := rest.strip()).startswith("q="):
            try:
                weight = float(q[2:])
            except ValueError:
                continue
        # Earlier tags win ties, as the header lists them in order of preference.
        score = weight - position * 1e-6
        lang: Lang = "en" if primary == "en" else "zh"
        best[lang] = max(best[lang], score) if weight > 0 else best[lang]
    return "en" if best["en"] > best["zh"] else "zh"
