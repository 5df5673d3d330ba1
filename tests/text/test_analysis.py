"""The v2 analyser as shipped: classes, opinion, clauses, aspects, negation and contrast."""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from vocsvc.text.analysis import (
    DEFAULT_ANALYZER_PATH,
    AspectMention,
    TextAnalysis,
    TextAnalyzer,
    Thresholds,
    get_analyzer,
    read,
)
from vocsvc.text.aspects import ASPECT_KEYS, ASPECTS, names_nothing, term_hits
from vocsvc.text.clauses import split_clauses
from vocsvc.text.evaluate import long_cuts
from vocsvc.text.features import normalize
from vocsvc.text.prepare import prepare

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def analyzer() -> TextAnalyzer:
    return get_analyzer()


def one(analyzer: TextAnalyzer, text: str) -> TextAnalysis:
    return analyzer.analyze([text])[0]


def test_model_file_is_small_and_cached_per_process() -> None:
    assert DEFAULT_ANALYZER_PATH.stat().st_size <= 10_000_000
    assert get_analyzer() is get_analyzer(DEFAULT_ANALYZER_PATH)
    assert get_analyzer().version.startswith("sentiment-zh-v2+")


def test_a_retrained_model_has_another_version_under_the_same_name(tmp_path: Path) -> None:
    """Stored comments read by older weights must look out of date to `text rescore`."""
    shipped = get_analyzer()
    copy, retrained = tmp_path / "copy.npz", tmp_path / "retrained.npz"
    shipped.save(copy)
    again = TextAnalyzer.load(copy)
    assert again.version.partition("+")[0] == "sentiment-zh-v2"  # no digest piled on a digest
    again.pol_b += 0.5
    again.save(retrained)
    changed = TextAnalyzer.load(retrained)
    assert changed.version.partition("+")[0] == "sentiment-zh-v2"
    assert changed.version != again.version
    assert TextAnalyzer.load(copy).version == again.version  # the same file, the same version


@pytest.mark.parametrize(
    "text",
    [
        "热线客服说话很专业",
        "客服电话一打就通，回访很及时",
        "退货不问原因，当场就退了款，希望保持。",
        "快递员服务态度非常好，耐心等我下楼",
        "柜员办理业务很快，五分钟就弄好了",
    ],
)
def test_praise_that_names_a_service_is_positive(analyzer: TextAnalyzer, text: str) -> None:
    result = one(analyzer, text)
    assert result.label == "positive", result
    assert result.p_positive > 0.6
    assert result.opinion


@pytest.mark.parametrize(
    "text",
    ["客服态度恶劣，等了三天都没人管", "排队排了一个小时，只开了一个窗口", "app老是闪退，登录不上"],
)
def test_complaints_are_negative_and_low_enough_to_open_a_case(
    analyzer: TextAnalyzer, text: str
) -> None:
    result = one(analyzer, text)
    assert result.label == "negative", result
    assert result.p_positive < 0.2


@pytest.mark.parametrize("text", ["一般", "还行吧", "中规中矩", "有好有坏", "一般般吧"])
def test_middling_answers_are_neutral_opinions(analyzer: TextAnalyzer, text: str) -> None:
    result = one(analyzer, text)
    assert result.label == "neutral", result
    assert result.opinion
    assert 0.3 < result.p_positive < 0.7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "无",
        "没有",
        "暂无",
        "。",
        "/",
        "暂时没什么想说的",
        "本人无意见",
        "请问会员卡怎么办？",
        "运维费用怎么计算？按人天还是按年？",
        "我想知道怎么注销手机银行",
        "希望增加停车位",
        "[手机号]",
    ],
)
def test_questions_suggestions_and_empty_answers_have_no_opinion(
    analyzer: TextAnalyzer, text: str
) -> None:
    result = one(analyzer, text)
    assert (result.label, result.opinion, result.p_positive) == ("neutral", False, 0.5)
    assert result.aspects == ()


def test_no_problem_is_praise_not_an_empty_answer(analyzer: TextAnalyzer) -> None:
    for text in ("没问题", "没毛病", "没有不满意的地方"):
        result = one(analyzer, text)
        assert (result.label, result.opinion) == ("positive", True), text


def test_a_suggestion_that_carries_a_complaint_is_a_negative_opinion(
    analyzer: TextAnalyzer,
) -> None:
    result = one(analyzer, "排队太久了，建议多开几个窗口")
    assert (result.label, result.opinion) == ("negative", True)
    assert ("waiting", "negative") in {(m.aspect, m.polarity) for m in result.aspects}


@pytest.mark.parametrize(
    ("negated", "plain"),
    [("不太满意", "满意"), ("不专业", "专业"), ("不热情", "热情"), ("不方便", "方便")],
)
def test_negation_turns_praise_into_a_complaint(
    analyzer: TextAnalyzer, negated: str, plain: str
) -> None:
    assert one(analyzer, plain).label == "positive"
    assert one(analyzer, negated).label == "negative"


@pytest.mark.parametrize(
    ("negated", "plain"),
    [("不贵", "贵"), ("不慢", "很慢"), ("不会后悔", "后悔"), ("没问题", "有问题")],
)
def test_negated_complaints_are_not_complaints(
    analyzer: TextAnalyzer, negated: str, plain: str
) -> None:
    assert one(analyzer, plain).label == "negative"
    assert one(analyzer, negated).label != "negative"
    assert one(analyzer, negated).p_positive > one(analyzer, plain).p_positive + 0.3


def test_double_negation_reads_as_praise(analyzer: TextAnalyzer) -> None:
    assert one(analyzer, "没有不满意的地方").label == "positive"
    assert one(analyzer, "不是不好").p_positive > one(analyzer, "不好").p_positive + 0.3


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("特别好吃", "positive"),
        ("没想到这么好吃", "positive"),
        ("没想到这么难吃", "negative"),
        ("不仅贵还难吃", "negative"),
        ("不但便宜而且好吃", "positive"),
        ("不久就坏了", "negative"),
        ("别的都挺好", "positive"),
    ],
)
def test_a_word_that_holds_a_negator_turns_nothing_around(
    analyzer: TextAnalyzer, text: str, label: str
) -> None:
    assert one(analyzer, text).label == label


def test_a_contrast_clause_is_read_as_what_follows_the_contrast(analyzer: TextAnalyzer) -> None:
    result = one(analyzer, "还可以啦，不过包装有点烂")
    assert [(c.text, c.label) for c in result.clauses][1] == ("不过包装有点烂", "negative")


def test_contrast_and_concession_land_where_the_customer_lands(analyzer: TextAnalyzer) -> None:
    assert one(analyzer, "虽然价格有点贵，但是服务非常好").label == "positive"
    assert one(analyzer, "环境不错，但是服务太差了").label == "negative"
    assert one(analyzer, "菜不错就是服务太差了").label == "negative"


def test_clauses_carry_their_own_polarity_and_aspects(analyzer: TextAnalyzer) -> None:
    result = one(analyzer, "虽然价格有点贵，但是服务非常好")
    assert [c.text for c in result.clauses] == ["虽然价格有点贵", "但是服务非常好"]
    price, service = result.clauses
    assert price.label == "negative" and "price" in price.aspects
    assert service.label == "positive" and "service_attitude" in service.aspects
    assert AspectMention("price", "negative", "虽然价格有点贵") in result.aspects


@pytest.mark.parametrize(
    ("text", "aspect", "polarity"),
    [
        ("手续费太贵了", "price", "negative"),
        ("大厅很干净", "environment", "positive"),
        ("app老是闪退", "digital", "negative"),
        ("快递送得很准时", "delivery", "positive"),
        ("排了四十分钟队", "waiting", "negative"),
        ("停车位太少了", "location", "negative"),
        ("菜很好吃", "product_quality", "positive"),
        ("前台态度冷冰冰的", "service_attitude", "negative"),
        ("经理解答得很专业", "professionalism", "positive"),
        ("材料交了三遍，跑了好几趟", "process", "negative"),
        ("退款当天就到账了", "after_sales", "positive"),
    ],
)
def test_aspects_of_the_taxonomy_with_polarity(
    analyzer: TextAnalyzer, text: str, aspect: str, polarity: str
) -> None:
    pairs = {(m.aspect, m.polarity) for m in one(analyzer, text).aspects}
    assert (aspect, polarity) in pairs


def test_placeholders_are_neutral_and_do_not_change_the_reading(analyzer: TextAnalyzer) -> None:
    with_pii = one(analyzer, "已经打了[电话]三次都没人接")
    assert with_pii.label == "negative"
    assert with_pii.p_positive == pytest.approx(one(analyzer, "已经打了三次都没人接").p_positive)
    request = one(analyzer, "我的号码是[手机号]请回电")
    assert request.label == "neutral"


def test_traditional_characters_read_like_simplified(analyzer: TextAnalyzer) -> None:
    traditional, simplified = analyzer.analyze(["服務態度很好，非常滿意", "服务态度很好，非常满意"])
    assert traditional.label == simplified.label == "positive"
    assert traditional.p_positive == pytest.approx(simplified.p_positive)
    assert one(analyzer, "排隊排了很久，職員態度好差").label == "negative"


def test_a_lone_star_is_a_rating_not_praise(analyzer: TextAnalyzer) -> None:
    assert one(analyzer, "⭐").label == "neutral"
    assert one(analyzer, "⭐⭐⭐⭐⭐").label == "positive"
    assert one(analyzer, "👍").label == "positive"
    assert one(analyzer, "😡").label == "negative"


def test_batch_keeps_order_and_matches_one_by_one(analyzer: TextAnalyzer) -> None:
    texts = ["很好", "", "太差了", "一般", "请问几点关门？", "服务好 环境好"]
    batch = analyzer.analyze(texts)
    assert batch == [one(analyzer, t) for t in texts]
    assert analyzer.analyze(texts[::-1]) == batch[::-1]
    assert analyzer.overall(texts) == [(a.label, a.p_positive, a.opinion) for a in batch]


def test_to_json_is_the_wire_form(analyzer: TextAnalyzer) -> None:
    result = one(analyzer, "价格便宜，但是上菜太慢")
    wire = result.to_json()
    assert set(wire) == {"label", "p_positive", "opinion", "aspects"}
    assert wire["aspects"] == [
        {"aspect": m.aspect, "polarity": m.polarity, "text": m.text} for m in result.aspects
    ]
    assert json.loads(json.dumps(wire, ensure_ascii=False)) == wire
    assert wire["p_positive"] == round(result.p_positive, 4)


def test_save_and_load_round_trip(analyzer: TextAnalyzer, tmp_path: Path) -> None:
    analyzer.save(tmp_path / "copy.npz")
    copy = TextAnalyzer.load(tmp_path / "copy.npz")
    texts = ["服务很好", "太慢了", "一般"]
    assert copy.analyze(texts) == analyzer.analyze(texts)
    assert copy.thresholds == analyzer.thresholds


def test_taxonomy_is_the_twelve_keys_of_the_issue_with_examples() -> None:
    assert ASPECT_KEYS == (
        "service_attitude",
        "professionalism",
        "waiting",
        "speed",
        "price",
        "environment",
        "location",
        "product_quality",
        "process",
        "digital",
        "delivery",
        "after_sales",
    )
    for info in ASPECTS:
        assert info.name and info.description and info.examples and info.terms


def test_the_pure_core_imports_no_web_or_database_code() -> None:
    forbidden = (
        "fastapi",
        "starlette",
        "sqlalchemy",
        "vocsvc.db",
        "vocsvc.config",
        "vocsvc.models",
    )
    # cli.py is the face: its `rescore` imports the database when it runs.
    for path in sorted((ROOT / "vocsvc" / "text").glob("*.py")):
        if path.name == "cli.py":
            continue
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for module in modules:
                    assert not module.startswith(forbidden), (name, module)


def test_a_clause_mentions_only_aspects_close_to_its_likeliest(analyzer: TextAnalyzer) -> None:
    p = np.zeros((2, len(ASPECT_KEYS)))
    attitude, price = ASPECT_KEYS.index("service_attitude"), ASPECT_KEYS.index("price")
    p[0, attitude], p[0, price] = 0.9, 0.3  # 前台服务特别好，还帮我免费升级了房型 (one clause)
    p[1, price] = 0.6
    loose = replace(analyzer.thresholds, aspect=0.25, aspect_clause=0.25, aspect_ratio=0.0)
    strict = replace(loose, aspect_ratio=0.5)
    original = analyzer.thresholds
    try:
        analyzer.thresholds = loose
        assert analyzer._aspects(p, [True, True]) == [
            ("service_attitude", "price"),
            ("price",),
        ]
        analyzer.thresholds = strict  # 0.3 < 0.5 x 0.9: the first clause is about attitude only
        assert analyzer._aspects(p, [True, True]) == [("service_attitude",), ("price",)]
        assert analyzer._aspects(p, [False, True]) == [(), ("price",)]
    finally:
        analyzer.thresholds = original


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("物业费又涨了", "price"),
        ("交通便利，好停车", "location"),
        ("坐席忙，一直打不进", "waiting"),
        ("反馈了半个月都没下文", "speed"),
        ("问题到现在都没解决", "after_sales"),
        ("漏送了一份饮料", "delivery"),
        ("语音菜单太绕了", "digital"),
        ("医术高明", "professionalism"),
    ],
)
def test_the_taxonomy_terms_name_the_aspect(text: str, aspect: str) -> None:
    assert aspect in term_hits(text)


@pytest.mark.parametrize(
    ("text", "aspect", "polarity"),
    [
        ("物业费太贵了", "price", "negative"),
        ("交通便利，好停车", "location", "positive"),
        ("坐席忙，一直打不进", "waiting", "negative"),
        ("漏送了一份饮料", "delivery", "negative"),
    ],
)
def test_a_term_hit_gives_the_aspect_with_its_clause_polarity(
    analyzer: TextAnalyzer, text: str, aspect: str, polarity: str
) -> None:
    result = one(analyzer, text)
    mentions = [m for m in result.aspects if m.aspect == aspect]
    assert mentions, result
    for m in mentions:
        clause = next(c for c in result.clauses if c.text == m.text)
        assert m.polarity == clause.label == polarity


def test_a_contrast_clause_can_be_read_without_its_comment(analyzer: TextAnalyzer) -> None:
    comment, contrast = "服务很好，就是人有点多", "就是人有点多"
    assert [c.contrast for c in split_clauses(comment)] == [False, True]
    original = analyzer.thresholds
    try:
        analyzer.thresholds = replace(original, context=0.75, contrast_context=0.0)
        alone = one(analyzer, contrast).clauses[0].p_positive
        assert one(analyzer, comment).clauses[1].p_positive == pytest.approx(alone)
        analyzer.thresholds = replace(original, context=0.75, contrast_context=1.0)
        assert one(analyzer, comment).clauses[1].p_positive > alone  # leans to the praise
    finally:
        analyzer.thresholds = original


def test_long_texts_are_read_by_their_p_positive_cuts() -> None:
    t = Thresholds(neutral=0.5, long_chars=150, long_low=0.5, long_high=0.8)
    long_text, short = "好" * 150, "好" * 149
    # p_pol 0.7, p_neu 0.1: p_positive 0.68, between the cuts, so a long text is neutral ...
    assert read(t, long_text, 0.7, 0.1, True, False)[0] == "neutral"
    assert read(t, short, 0.7, 0.1, True, False)[0] == "positive"  # ... and a short one is not
    assert read(t, long_text, 0.95, 0.1, True, False)[0] == "positive"
    assert read(t, long_text, 0.3, 0.1, True, False)[0] == "negative"
    # the same p_positive whichever rule labels it
    assert read(t, long_text, 0.7, 0.1, True, False)[1] == read(t, short, 0.7, 0.1, True, False)[1]
    assert read(replace(t, long_chars=0), long_text, 0.7, 0.1, True, False)[0] == "positive"


def test_long_cuts_separate_three_bands() -> None:
    p = [0.1, 0.2, 0.4, 0.6, 0.7, 0.75, 0.9, 0.95, 0.97]
    gold = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 3
    lo, hi = long_cuts(p, gold)
    assert 0.4 < lo <= 0.6 and 0.75 < hi <= 0.9


def test_long_texts_have_their_own_aspect_rule(analyzer: TextAnalyzer) -> None:
    p = np.zeros((2, len(ASPECT_KEYS)))
    price = ASPECT_KEYS.index("price")
    p[0, price], p[1, price] = 0.3, 0.2
    short_rule = replace(analyzer.thresholds, aspect=0.15, aspect_clause=0.1, aspect_ratio=0.0)
    original = analyzer.thresholds
    try:
        analyzer.thresholds = replace(short_rule, long_chars=150, long_aspects=(0.5, 0.5, 0.0))
        assert analyzer._aspects(p, [True, True], "短") == [("price",), ("price",)]
        assert analyzer._aspects(p, [True, True], "长" * 150) == [(), ()]  # 0.3 < 0.5
        analyzer.thresholds = replace(short_rule, long_chars=150, long_aspects=())  # the short rule
        assert analyzer._aspects(p, [True, True], "长" * 150) == [("price",), ("price",)]
    finally:
        analyzer.thresholds = original


@pytest.mark.parametrize("text", ["一般", "很好", "不错", "非常满意", "还行吧", "好！", "👍"])
def test_an_answer_of_opinion_words_only_judges_no_one_aspect(
    analyzer: TextAnalyzer, text: str
) -> None:
    assert names_nothing(normalize(prepare(text)))
    assert one(analyzer, text).aspects == ()


@pytest.mark.parametrize(
    ("text", "aspect"), [("服务很好", "service_attitude"), ("闪退", "digital"), ("太贵", "price")]
)
def test_an_opinion_word_that_names_an_aspect_keeps_it(
    analyzer: TextAnalyzer, text: str, aspect: str
) -> None:
    assert not names_nothing(normalize(prepare(text)))
    assert aspect in {m.aspect for m in one(analyzer, text).aspects}


def test_long_texts_lean_their_clauses_by_their_own_context(analyzer: TextAnalyzer) -> None:
    long, short = "这家店的菜做得很用心，" * 15 + "就是上菜有点慢", "菜做得很用心，就是上菜有点慢"
    original = analyzer.thresholds
    base = replace(original, long_chars=150, context=0.0, contrast_context=1.0)
    try:
        analyzer.thresholds = replace(base, long_context=None)
        alone = [one(analyzer, long), one(analyzer, short)]
        analyzer.thresholds = replace(base, long_context=1.0)
        leaning = [one(analyzer, long), one(analyzer, short)]
    finally:
        analyzer.thresholds = original
    assert [c.p_positive for c in leaning[1].clauses] == [c.p_positive for c in alone[1].clauses]
    # the long review praises: its last clause leans towards it
    assert leaning[0].clauses[-1].p_positive > alone[0].clauses[-1].p_positive + 0.05


def aspects_of_one_comment(
    t: Thresholds, p: np.ndarray, eligible: list[bool], text: str
) -> list[tuple[str, ...]]:
    """The rule of TextAnalyzer._clause_aspects, for one comment, as it was first written."""
    aspect, aspect_clause, aspect_ratio = t.aspect_rule(text)
    p = np.where(np.array(eligible, dtype=bool)[:, None], p, 0.0)
    keys: list[list[str]] = [[] for _ in eligible]
    best = p.argmax(axis=0)
    close = p >= aspect_ratio * p.max(axis=1, keepdims=True)
    for k in np.flatnonzero(p.max(axis=0) >= aspect):
        for j in np.flatnonzero(
            ((p[:, k] >= min(aspect, aspect_clause)) | (best[k] == np.arange(len(eligible))))
            & close[:, k]
        ):
            keys[j].append(ASPECT_KEYS[k])
    return [tuple(sorted(k, key=ASPECT_KEYS.index)) for k in keys]


def test_aspects_of_a_batch_are_the_aspects_of_each_comment(analyzer: TextAnalyzer) -> None:
    rng = np.random.default_rng(5)
    sizes = [3, 1, 2, 4, 1]
    texts = ["短", "长" * 150, "短评", "中" * 20, "长" * 200]
    p = rng.random((sum(sizes), len(ASPECT_KEYS))) ** 3
    p[3:5] = p[3]  # equal probabilities: the first clause is the best
    eligible = rng.random(sum(sizes)) > 0.2
    owner = np.repeat(np.arange(len(sizes)), sizes)
    original = analyzer.thresholds
    try:
        analyzer.thresholds = replace(original, aspect_ratio=0.3, long_aspects=(0.4, 0.3, 0.1))
        batch = analyzer._clause_aspects(p, eligible, owner, texts)
        each = []
        for i, text in enumerate(texts):
            rows = owner == i
            each += aspects_of_one_comment(analyzer.thresholds, p[rows], list(eligible[rows]), text)
        assert batch == each
        assert any(batch) and not all(batch)
    finally:
        analyzer.thresholds = original
