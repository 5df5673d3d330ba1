"""Keyword extraction (jieba + CX dictionary) and Fightin' Words distinctive terms."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

import jieba
import pytest

from vocsvc.text import keywords
from vocsvc.text.keywords import (
    TermStat,
    clause_terms,
    collocation_parts,
    distinctive_terms,
    extract_terms,
    merge_collocations,
    spread_examples,
)
from vocsvc.text.redact import PLACEHOLDERS, redact_text


def data_lines(name: str) -> list[str]:
    text = resources.files("vocsvc.text").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


STOPWORDS = set(data_lines("stopwords_zh.txt"))


def test_user_dictionary_is_shipped_and_covers_the_domains() -> None:
    words = [line.split()[0] for line in data_lines("cx_userdict.txt")]
    assert len(words) >= 150
    assert len(set(words)) == len(words)
    named = "排队 退款 客服 配送 态度 售后 退货 换货 物流 发票 性价比 收银 导购 停车 试衣间 会员卡"
    named += " 投标 招标 验收 交付 实施 响应速度 合同 付款周期"
    assert set(named.split()) <= set(words)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("排队排了很久", "排队"),
        ("退款一直没到账", "退款"),
        ("付款周期太长了", "付款周期"),
        ("响应速度很慢", "响应速度"),
        ("试衣间太少", "试衣间"),
        ("会员卡积分不能用", "会员卡"),
        ("性价比很高", "性价比"),
        ("验收报告一直不签", "验收报告"),
    ],
)
def test_user_dictionary_terms_are_kept_whole(text: str, term: str) -> None:
    terms = extract_terms(text)
    assert term in terms
    assert not any(t != term and t in term for t in terms)  # no fragments of it


def test_stop_words_numbers_and_punctuation_are_dropped() -> None:
    text = "我觉得就是还是感觉一般，2026年买了3件，15.6%的人都说。。。！！"
    terms = extract_terms(text)
    assert not set(terms) & STOPWORDS
    assert not any(any(c.isdigit() for c in t) for t in terms)
    assert extract_terms("我们觉得就是这样，然后还是那个") == []


def test_placeholders_never_become_keywords() -> None:
    text = "退款没到账，" + "".join(f"联系{p}" for p in PLACEHOLDERS.values())
    terms = extract_terms(text)
    inner = {p.strip("[]").lower() for p in PLACEHOLDERS.values()}
    assert not set(terms) & inner
    assert not any("[" in t or "]" in t for t in terms)
    assert "退款" in terms
    redacted = redact_text("物流太慢，13812345678，a@b.com，京A12345")
    assert extract_terms(redacted) == ["物流", "太慢"]


def test_negation_is_kept_with_its_word() -> None:
    assert "不满意" in extract_terms("这次很不满意")
    assert "满意" not in extract_terms("这次很不满意")
    assert "满意" in extract_terms("这次很满意")


def test_person_names_are_not_keywords_but_nr_tagged_words_are() -> None:
    assert "王师傅" not in extract_terms("王师傅态度很好")
    assert "太贵" in extract_terms("价格太贵了")  # jieba tags 太贵 as a name


def test_english_terms_are_lower_cased() -> None:
    assert extract_terms("APP闪退") == extract_terms("app闪退") == ["app", "闪退"]


GROUPS = {
    "门店": [
        "排队太久，客服态度还行",
        "收银台排队半小时",
        "排队排到崩溃，客服也不管",
        "试衣间太少要排队",
        "停车场太小",
    ],
    "电商": [
        "物流太慢，客服态度还行",
        "退款三天没到账，客服敷衍",
        "快递破损，退款麻烦",
        "客服回复慢，退款拖延",
        "退货流程复杂",
    ],
    "B2B": [
        "投标流程繁琐，客服态度还行",
        "验收拖延，付款周期太长",
        "合同条款不清楚，客服回复慢",
        "交付延期，验收不通过",
        "付款周期太长",
    ],
}


def by_term(stats: list[TermStat]) -> dict[str, TermStat]:
    return {s.term: s for s in stats}


def test_concentrated_term_outranks_equally_frequent_everywhere_term() -> None:
    result = distinctive_terms(GROUPS)
    store = [s.term for s in result["门店"]]
    # 排队 (4 store comments, nowhere else) and 客服 (2-3 comments in every group)
    assert store[0] == "排队"
    ecom = by_term(result["电商"])
    assert ecom["退款"].count == ecom["客服"].count == 3  # equally frequent within 电商 ...
    assert ecom["退款"].score > ecom["客服"].score  # ... but only 退款 is peculiar to it
    assert [s.term for s in result["电商"]].index("退款") < [s.term for s in result["电商"]].index(
        "客服"
    )
    assert by_term(result["B2B"])["付款周期"].score > by_term(result["B2B"])["客服"].score


def test_counts_and_shares_are_per_comment() -> None:
    groups = {"a": ["排队排队排队", "排队", "退款", "退款太慢"], "b": ["退款", "排队"]}
    stats = by_term(distinctive_terms(groups, min_count=1)["a"])
    assert stats["排队"].count == 2  # repeated in one comment counts once
    assert stats["排队"].share == pytest.approx(2 / 4)
    assert stats["退款"].count == 2
    assert stats["太慢"].count == 1
    assert stats["太慢"].share == pytest.approx(1 / 4)


def test_score_is_the_weighted_log_odds_z_by_hand() -> None:
    groups = {"A": ["排队 退款", "排队"], "B": ["退款", "退款"]}
    stats = by_term(distinctive_terms(groups, min_count=1)["A"])
    # df A: 排队 2, 退款 1 (n_A = 3); B: 退款 2 (n_B = 2); prior = pooled: 排队 2, 退款 3 (a0 = 5).
    delta = math.log((2 + 2) / (3 + 5 - 2 - 2)) - math.log((0 + 2) / (2 + 5 - 0 - 2))
    assert stats["排队"].score == pytest.approx(delta / math.sqrt(1 / (2 + 2) + 1 / (0 + 2)))
    delta = math.log((1 + 3) / (3 + 5 - 1 - 3)) - math.log((2 + 3) / (2 + 5 - 2 - 3))
    assert stats["退款"].score == pytest.approx(delta / math.sqrt(1 / (1 + 3) + 1 / (2 + 3)))


def test_examples_contain_the_term_shortest_first_from_the_group() -> None:
    result = distinctive_terms(GROUPS, examples_per_term=2)
    for group, stats in result.items():
        for s in stats:
            assert 1 <= len(s.examples) <= 2
            assert all(e in GROUPS[group] and s.term in e for e in s.examples)
            assert [len(e) for e in s.examples] == sorted(len(e) for e in s.examples)
    queue = by_term(result["门店"])["排队"]
    assert queue.examples == ("收银台排队半小时", "试衣间太少要排队")


def test_min_count_and_top_n() -> None:
    result = distinctive_terms(GROUPS, top_n=2, min_count=3)
    assert all(len(v) <= 2 for v in result.values())
    assert all(s.count >= 3 for v in result.values() for s in v)


def test_single_group_ranks_by_count() -> None:
    texts = ["排队 退款 客服", "排队 退款", "排队", "客服 物流", "物流"]
    stats = distinctive_terms({"only": texts}, min_count=1)["only"]
    assert [(s.term, s.count) for s in stats] == [
        ("排队", 3),
        ("客服", 2),
        ("物流", 2),
        ("退款", 2),
    ]
    assert stats[0].score > stats[1].score


def test_output_is_deterministic_and_independent_of_group_order() -> None:
    first = distinctive_terms(GROUPS)
    again = distinctive_terms(dict(reversed(list(GROUPS.items()))))
    assert first == again
    assert list(first) == list(GROUPS)


def test_empty_input() -> None:
    assert distinctive_terms({}) == {}
    assert distinctive_terms({"a": [], "b": ["排队", "排队"]}) == {
        "a": [],
        "b": [TermStat("排队", 2, 1.0, 0.0, ("排队",))],  # one-term vocabulary: nothing to contrast
    }


def test_private_tokenizer_is_built_once_under_concurrency_and_global_jieba_untouched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[str] = []
    read = keywords._read_lines

    def counting_read(name: str) -> list[str]:
        reads.append(name)
        return read(name)

    monkeypatch.setattr(keywords, "_read_lines", counting_read)
    seg = keywords._Segmenter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(seg.cut, ["付款周期太长，退款很慢"] * 8))
    assert sorted(reads) == ["cx_userdict.txt", "stopwords_zh.txt"]  # one build
    assert all(r == results[0] for r in results)
    assert ("付款周期", "n") in results[0]
    assert "付款周期" not in jieba.dt.FREQ


def test_clause_terms_keep_the_polarity_of_their_clause() -> None:
    found = clause_terms(
        [("排队时间太长了", "negative"), ("收银员很热情", "positive"), ("请问", "neutral")]
    )
    by_term = {(t.term, t.polarity): t.clause for t in found}
    assert by_term[("排队时间", "negative")] == "排队时间太长了"
    assert ("收银员", "positive") in by_term
    assert not any(t.polarity == "neutral" for t in found)
    assert all(len(t.term) >= 2 for t in found)


def test_frequent_collocations_are_merged() -> None:
    counts = {"排队": 10, "时间": 9, "排队时间": 8, "退款": 5, "流程": 4, "退款流程": 1}
    merged = merge_collocations(counts, collocation_parts(counts))
    assert merged["排队时间"].parts == ("排队", "时间")
    assert "时间" not in merged and "排队" not in merged  # both mostly said as the phrase
    assert "退款流程" not in merged and merged["退款"].count == 5  # a rare phrase stays apart


def test_examples_are_spread_and_used_once() -> None:
    picked = spread_examples([["a", "b", "c", "d"], ["a", "b", "e"], ["a"]], 3)
    assert picked == [["a", "c", "d"], ["b", "e"], []]
    flat = [x for p in picked for x in p]
    assert len(flat) == len(set(flat))
