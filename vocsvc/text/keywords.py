"""Keywords and distinctive pain-point terms per group of comments (jieba, Fightin' Words)."""

from __future__ import annotations

import functools
import itertools
import logging
import re
import threading
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vocsvc.text.redact import PLACEHOLDERS

Vector = NDArray[np.float64]

_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_HAS_WORD_CHAR = re.compile(r"[^\W\d_]")  # at least one letter or CJK character
# Nouns, verbs, adjectives (incl. vn/an/nz...), idioms, fixed phrases, abbreviations, English.
_KEEP_FLAGS = ("n", "v", "a")
_KEEP_EXACT = frozenset({"i", "l", "j", "eng"})
# jieba tags many plain words nr (太贵, 太久), so a person name is an nr word that starts with a
# common surname (王师傅, 张三) or 小/老 + surname (小王); names are a privacy risk, never keywords.
_NAME_FLAGS = frozenset({"nr", "nrfg", "nrt"})
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤欧"
)
# A negator glued to the next verb/adjective keeps 不满意 apart from 满意.
_NEGATORS = frozenset({"不", "没", "没有", "未", "不太", "不够", "无法"})


@dataclass(frozen=True)
class TermStat:
    """A term's standing in one group; count and share are per comment (document frequency)."""

    term: str
    count: int
    share: float
    score: float
    examples: tuple[str, ...]


def _read_lines(name: str) -> list[str]:
    text = resources.files("vocsvc.text").joinpath("data", name).read_text(encoding="utf-8")
    return [s for line in text.splitlines() if (s := line.strip())]


class _Segmenter:
    """Our own jieba tokenizer + POS tagger with the CX dictionary, built once on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tagger: Any = None
        self.cx_terms: frozenset[str] = frozenset()
        self.stopwords: frozenset[str] = frozenset()

    def cut(self, text: str) -> list[tuple[str, str]]:
        """(word, POS flag) pairs."""
        tagger = self._tagger
        if tagger is None:
            tagger = self._build()
        return [(p.word, p.flag) for p in tagger.cut(text)]

    def cut_known(self, text: str) -> list[tuple[str, str]]:
        """(word, dictionary POS flag) pairs of a cut into dictionary words only (no HMM for
        unknown words, no tagging pass): about ten times faster than `cut`, for the write path,
        where every comment is segmented once. Unknown words fall apart into characters."""
        tagger = self._tagger
        if tagger is None:
            tagger = self._build()
        tags = tagger.word_tag_tab
        return [(w, tags.get(w, "x")) for w in tagger.tokenizer.cut(text, HMM=False)]

    def _build(self) -> Any:
        with self._lock:
            if self._tagger is not None:
                return self._tagger
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()  # private: jieba.add_word elsewhere cannot affect us
            tokenizer.initialize()
            terms = []
            for line in _read_lines("cx_userdict.txt"):
                word, *rest = line.split()
                freq = next((int(x) for x in rest if x.isdigit()), None)
                tag = next((x for x in rest if not x.isdigit()), None)
                tokenizer.add_word(word, freq, tag)
                terms.append(word)
            tagger = jieba.posseg.POSTokenizer(tokenizer)
            tagger.lcut("排队")  # merges the user tags now, not inside a concurrent first call
            self.cx_terms = frozenset(terms)
            self.stopwords = frozenset(_read_lines("stopwords_zh.txt"))
            self._tagger = tagger
            return tagger


_SEGMENTER = _Segmenter()


def _looks_like_name(word: str) -> bool:
    return word[0] in _SURNAMES or (word[0] in "小老阿" and word[1] in _SURNAMES)


def _candidate(word: str, flag: str, seg: _Segmenter) -> bool:
    if word in seg.stopwords or not _HAS_WORD_CHAR.search(word):
        return False  # also drops pure numbers like 2026 or 15.6
    if word in seg.cx_terms:
        return True
    if len(word) < 2 or (flag in _NAME_FLAGS and _looks_like_name(word)):
        return False
    return flag.startswith(_KEEP_FLAGS) or flag in _KEEP_EXACT


def extract_terms(text: str, *, known_words_only: bool = False) -> list[str]:
    """Candidate keywords in order of appearance (repeats kept; English lower-cased).

    `known_words_only`: segment with dictionary words only (`_Segmenter.cut_known`)."""
    text = _PLACEHOLDER_RE.sub("\n", text.translate(_WIDTH))
    pairs = _SEGMENTER.cut_known(text) if known_words_only else _SEGMENTER.cut(text)
    seg = _SEGMENTER
    out: list[str] = []
    i = 0
    while i < len(pairs):
        word, flag = pairs[i]
        if word in _NEGATORS and i + 1 < len(pairs):
            nxt, nflag = pairs[i + 1]
            if _candidate(nxt, nflag, seg) and (nflag[:1] in ("v", "a") or nxt in seg.cx_terms):
                out.append(word + nxt)
                i += 2
                continue
        if _candidate(word, flag, seg):
            out.append(word.lower() if word.isascii() else word)
        i += 1
    return out


# Terms longer than this are not phrases a manager writes (and do not fit the rollup's column).
MAX_TERM_CHARS = 32
# The example clause a reader takes in at a glance: closest to this many characters.
EXAMPLE_CHARS = 14


@dataclass(frozen=True)
class TermMention:
    """A term a comment uses in a clause of one polarity, with that clause as its example."""

    term: str
    polarity: str
    clause: str


def example_fit(clause: str) -> int:
    """How far a clause is from an example's ideal length (0 is best)."""
    return abs(len(clause) - EXAMPLE_CHARS)


def _collocation(a: str, b: str, text: str) -> bool:
    # 找不到 + 停车位 is no phrase: a negated word stays a term of its own.
    return a + b in text and len(a + b) <= 6 and not (a[0] in "不没未无" or b[0] in "不没未无")


@functools.lru_cache(maxsize=65_536)
def _clause_candidates(text: str) -> tuple[str, ...]:
    # Short clauses repeat (服务很好, 排队太久): each is segmented once per process.
    terms = extract_terms(text, known_words_only=True)
    found = list(dict.fromkeys(terms))
    found += [a + b for a, b in itertools.pairwise(terms) if _collocation(a, b, text)]
    return tuple(found)


def clause_terms(clauses: Sequence[tuple[str, str]]) -> tuple[TermMention, ...]:
    """The terms of a comment's (clause, polarity) pairs, each (term, polarity) once.

    Two terms written next to each other (排队 + 时间, 退款 + 流程) also count as their
    collocation, so a reader can see the phrase a manager would write when it is frequent
    (`merge_collocations`). The example kept is the clause closest to EXAMPLE_CHARS, the first
    such clause on ties. Neutral clauses give no terms: pain points and delights are polar.
    Single characters are left out: a manager writes 态度差, not 差. Segmented with dictionary
    words only (the jieba dictionary and the CX one): every comment is segmented on the write
    path, and the tagger's HMM would cost ten times the model's reading.
    """
    best: dict[tuple[str, str], str] = {}
    for text, polarity in clauses:
        if polarity == "neutral" or not text:
            continue
        for term in _clause_candidates(text):
            if not 2 <= len(term) <= MAX_TERM_CHARS:  # 差 or 慢 alone is no phrase
                continue
            key = (term, polarity)
            kept = best.get(key)
            if kept is None or example_fit(text) < example_fit(kept):
                best[key] = text
    return tuple(TermMention(t, p, c) for (t, p), c in best.items())


@dataclass(frozen=True)
class MergedTerm:
    term: str
    count: int
    parts: tuple[str, ...]  # the single terms a collocation stands for (empty for a single term)


def merge_collocations(
    counts: Mapping[str, int], collocations: Mapping[str, tuple[str, str]], share: float = 0.5
) -> dict[str, MergedTerm]:
    """Terms with frequent collocations merged: a collocation a+b is kept when it is at least
    `share` of the rarer part's count; a part then goes when the kept collocations cover at least
    `share` of its own count (排队 + 时间 becomes 排队时间, 排队 stays if it is used otherwise)."""
    kept = {
        c: parts
        for c, parts in collocations.items()
        if c in counts and counts[c] >= share * min(counts.get(p, 0) for p in parts)
    }
    covered: Counter[str] = Counter()
    for c, parts in kept.items():
        for p in parts:
            covered[p] += counts[c]
    out: dict[str, MergedTerm] = {}
    for term, count in counts.items():
        if term in collocations and term not in kept:
            continue
        if term in covered and covered[term] >= share * count:
            continue
        out[term] = MergedTerm(term, count, kept.get(term, ()))
    return out


def collocation_parts(terms: Collection[str]) -> dict[str, tuple[str, str]]:
    """Terms that are two other terms of `terms` written together, with those two parts."""
    out: dict[str, tuple[str, str]] = {}
    for term in terms:
        for i in range(1, len(term)):
            if term[:i] in terms and term[i:] in terms:
                out[term] = (term[:i], term[i:])
                break
    return out


def spread_examples(candidates: Sequence[Sequence[str]], per: int) -> list[list[str]]:
    """Up to `per` examples per item from its candidates (best first), no clause used twice:
    items take turns, so one item's many candidates do not leave the next with none."""
    used: set[str] = set()
    out: list[list[str]] = [[] for _ in candidates]
    position = [0] * len(candidates)
    for _ in range(per):
        for i, options in enumerate(candidates):
            while position[i] < len(options) and options[position[i]] in used:
                position[i] += 1
            if position[i] < len(options):
                out[i].append(options[position[i]])
                used.add(options[position[i]])
                position[i] += 1
    return out


def rank_distinctive(
    counts: Mapping[str, Mapping[str, int]], min_count: int = 2
) -> dict[str, list[tuple[str, float]]]:
    """Per group, (term, z) of the terms used by at least `min_count` comments, most distinctive
    first: the log-odds ranking of `distinctive_terms` over counts already made (a rollup's)."""
    vocab = sorted(set().union(*(c.keys() for c in counts.values()))) if counts else []
    index = {t: i for i, t in enumerate(vocab)}
    matrix = np.zeros((len(counts), len(vocab)))
    for row, c in enumerate(counts.values()):
        for t, k in c.items():
            matrix[row, index[t]] = k
    pooled = matrix.sum(axis=0)
    out: dict[str, list[tuple[str, float]]] = {}
    for row, g in enumerate(counts):
        if len(counts) > 1:
            z = _log_odds_z(matrix[row], pooled - matrix[row], pooled)
        else:
            z = _log_odds_z(matrix[row], np.zeros_like(pooled), np.ones_like(pooled))
        ranked = sorted(
            (t for t, k in counts[g].items() if k >= min_count),
            key=lambda t: (-round(float(z[index[t]]), 9), -counts[g][t], t),
        )
        out[g] = [(t, float(z[index[t]])) for t in ranked]
    return out


def _log_odds_z(y_in: Vector, y_out: Vector, alpha: Vector) -> Vector:
    """Monroe, Colaresi & Quinn (2008) eq. 16-22: z of the prior-smoothed log-odds difference."""
    a0 = alpha.sum()
    n_in, n_out = y_in.sum(), y_out.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_in + alpha) / (n_in + a0 - y_in - alpha)) - np.log(
            (y_out + alpha) / (n_out + a0 - y_out - alpha)
        )
    z: Vector = delta / np.sqrt(1.0 / (y_in + alpha) + 1.0 / (y_out + alpha))
    # Odds are undefined only when the vocabulary is a single term: nothing to contrast, score 0.
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)


def distinctive_terms(
    groups: Mapping[str, Sequence[str]],
    top_n: int = 10,
    min_count: int = 2,
    examples_per_term: int = 3,
) -> dict[str, list[TermStat]]:
    """Per group, the terms that set its comments apart from all other groups' comments.

    Score: weighted log-odds ratio with an informative Dirichlet prior (pooled document
    frequencies of all groups), as a z-score of the group against the rest. With a single group
    the rest is a flat prior (one pseudo-count per term), so terms rank by how many comments
    use them. Ties are broken by count, then by term, so the output is deterministic.
    """
    doc_terms = {g: [frozenset(extract_terms(t)) for t in texts] for g, texts in groups.items()}
    df = {g: Counter(t for terms in docs for t in terms) for g, docs in doc_terms.items()}
    vocab = sorted(set().union(*df.values())) if df else []
    index = {t: i for i, t in enumerate(vocab)}
    counts = np.zeros((len(df), len(vocab)))
    for row, c in enumerate(df.values()):
        for t, k in c.items():
            counts[row, index[t]] = k
    pooled = counts.sum(axis=0)
    result: dict[str, list[TermStat]] = {}
    for row, g in enumerate(df):
        if len(df) > 1:
            z = _log_odds_z(counts[row], pooled - counts[row], pooled)
        else:
            z = _log_odds_z(counts[row], np.zeros_like(pooled), np.ones_like(pooled))
        n_docs = len(doc_terms[g])
        ranked = sorted(
            (t for t, k in df[g].items() if k >= min_count),
            # round: scores equal up to float noise count as ties, decided by count
            key=lambda t: (-round(float(z[index[t]]), 9), -df[g][t], t),
        )[:top_n]
        result[g] = [
            TermStat(
                term=t,
                count=df[g][t],
                share=df[g][t] / n_docs,
                score=float(z[index[t]]),
                examples=_examples(groups[g], doc_terms[g], t, examples_per_term),
            )
            for t in ranked
        ]
    return result


def _examples(
    texts: Sequence[str], terms: Sequence[frozenset[str]], term: str, k: int
) -> tuple[str, ...]:
    # Shortest first: short comments state the point; the original order breaks ties.
    hits = sorted((len(t), i) for i, t in enumerate(texts) if term in terms[i])
    out: list[str] = []
    for _, i in hits:
        if len(out) == k:
            break
        if texts[i] not in out:
            out.append(texts[i])
    return tuple(out)
