"""The lexicon's regular expressions: the look-aheads that make them fast change no match."""

from __future__ import annotations

import random
import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # a pattern's parse tree

import pytest

from vocsvc.text import aspects, lexicon
from vocsvc.text.analysis import CommentView
from vocsvc.text.prepare import prepare


def first_characters(pattern: str) -> set[str]:
    """The characters the top-level alternatives of `pattern` start with (each one a character or
    a set of characters)."""
    (op, av), *rest = sre_parse.parse(pattern).data
    assert op is sre_parse.BRANCH and not rest
    out: set[str] = set()
    for alternative in av[1]:
        op, arg = alternative.data[0]
        if op is sre_parse.LITERAL:
            out.add(chr(arg))
        else:
            assert op is sre_parse.IN and all(o is sre_parse.LITERAL for o, _ in arg)
            out |= {chr(c) for _, c in arg}
    return out


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (lexicon._QUESTION, lexicon._QUESTION_STARTS),
        (lexicon._SUGGESTION, lexicon._SUGGESTION_STARTS),
    ],
)
def test_the_look_ahead_lists_every_first_character(pattern: str, starts: str) -> None:
    assert first_characters(pattern) == set(starts)


def random_texts(words: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [*words, *"的了很不没但是，。？?! 吗a"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(n)]


def plain_trie(words: list[str]) -> re.Pattern[str]:
    """longest_first() without its look-aheads (the pattern it builds for a small root)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(pattern(trie))


def test_grouped_trie_matches_what_the_plain_trie_matches() -> None:
    terms = sorted(aspects._TERM_KEYS)
    grouped, plain = re.compile(lexicon.longest_first(terms)), plain_trie(terms)
    assert grouped.pattern != plain.pattern  # 400 first characters: the root is grouped
    for text in random_texts(terms, 3000, 1):
        assert [m.span() for m in grouped.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


def test_small_tries_are_not_grouped() -> None:
    assert (
        lexicon.longest_first(["好", "好吃", "不错"]) == plain_trie(["好", "好吃", "不错"]).pattern
    )
    assert re.fullmatch(lexicon.longest_first(["", "a"]), "")  # the empty word still matches


def test_hits_scan_finds_what_the_unguarded_pattern_finds() -> None:
    unguarded = re.compile(
        f"(?P<brk>{lexicon._SENTENCE_BREAK})|{plain_trie(list(lexicon._KINDS)).pattern}"
    )
    for text in random_texts(list(lexicon._KINDS), 3000, 2):
        assert [m.span() for m in lexicon._TOKEN_RE.finditer(text)] == [
            m.span() for m in unguarded.finditer(text)
        ]


def test_asks_is_question_or_suggestion() -> None:
    texts = random_texts(["请问", "希望", "建议", "能不能", "就好了", "吗", "多开", "望"], 3000, 3)
    for text in texts:
        assert lexicon.asks(text) == (lexicon.is_question(text) or lexicon.is_suggestion(text))
    assert lexicon.asks("能快点吗") and lexicon.asks("希望多开窗口") and not lexicon.asks("很好")


@pytest.mark.parametrize(
    "clause",
    ["请问会员卡怎么办？", "希望增加停车位", "能不能多开一个窗口", "望尽快处理", "还望改进"],
)
def test_a_question_or_a_suggestion_only_asks(clause: str) -> None:
    assert lexicon.only_asks(clause)


@pytest.mark.parametrize(
    "clause",
    [
        "不算失望",
        "太让人失望了",
        "一望无际的大海",
        "无论如何也打不通",
        "有几点不足",
        "7点多开始排队",
    ],
)
def test_a_cue_inside_another_word_asks_nothing(clause: str) -> None:
    assert lexicon.asks(clause)  # the cue is there (望, 如何, 几点, 多开) ...
    assert not lexicon.only_asks(clause)  # ... and the clause asks nothing


def test_an_opinion_is_read_from_the_clauses_that_do_not_only_ask() -> None:
    view = CommentView.of(prepare("朋友推荐来的，不算失望，希望多开几家店"))
    assert view.asks == (False, False, True)
    assert view.opinion_text == "朋友推荐来的，不算失望"


@pytest.mark.parametrize(
    ("word", "inside"),
    [
        ("抵制", "抵"),
        ("房卡", "卡"),
        ("SIM卡", "卡"),
        ("您好", "好"),
        ("依旧", "旧"),
        ("差距", "差"),
    ],
)
def test_a_word_holding_a_one_character_entry_is_not_read_as_it(word: str, inside: str) -> None:
    assert inside in lexicon.POSITIVE + lexicon.NEGATIVE
    assert all(h.end - h.start > 1 for h in lexicon.hits(word.lower()))


def test_boycott_reads_as_a_complaint_and_cantonese_value_as_praise() -> None:
    assert [h.polarity for h in lexicon.hits("抵制这家店")] == ["neg"]
    assert [(h.polarity, h.negated) for h in lexicon.hits("好抵")] == [("pos", False)]
    assert [(h.polarity, h.negated) for h in lexicon.hits("唔抵")] == [("neg", False)]


@pytest.mark.parametrize("clause", ["您好", "你们好啊！", "客服你好", "hi", "在吗"])
def test_a_greeting_is_no_opinion(clause: str) -> None:
    assert lexicon.is_greeting(clause)


@pytest.mark.parametrize("clause", ["好", "还好", "你好棒", "你们好厉害"])
def test_praise_is_not_a_greeting(clause: str) -> None:
    assert not lexicon.is_greeting(clause)


def test_a_greeting_before_a_question_leaves_no_opinion() -> None:
    view = CommentView.of(prepare("您好，我想问一下会员卡怎么办"))
    assert view.only_asks


@pytest.mark.parametrize(
    ("text", "polarities"),
    [
        ("不过包装有点烂", [("neg", False)]),
        ("没想到这么好吃", [("pos", False)]),
        ("不仅贵还难吃", [("neg", False), ("neg", False)]),
        ("特别好", [("pos", False)]),
        ("无论如何都很差", [("neg", False)]),
        ("没想到不好吃", [("neg", False)]),  # 不好吃 is an entry of its own
        ("没有不好", [("neg", True)]),
    ],
)
def test_a_word_that_holds_a_negator_does_not_negate_the_hit_after_it(
    text: str, polarities: list[tuple[str, bool]]
) -> None:
    assert [(h.polarity, h.negated) for h in lexicon.hits(text)] == polarities


def test_the_words_that_negate_nothing_are_no_opinion_entries() -> None:
    opinions = set(lexicon.POSITIVE) | set(lexicon.NEGATIVE) | set(lexicon.NEUTRAL)
    assert not opinions & set(lexicon.NOT_NEGATING)
    assert all(
        lexicon.starts_negated(w) or any(n in w for n in "不没无未别唔")
        for w in lexicon.NOT_NEGATING
    )
