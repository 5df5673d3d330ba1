"""Text normalisation and hashed n-gram features for the sentiment model (pure).

A feature is a string: a character n-gram ("满意"), a jieba word ("W_满意"), or a copy of either
inside a negation scope ("NEG_满意") or after a contrast word ("AFTER_服务"). A negator word itself
(不, 没有, 不太...) is not a feature (see FeatureConfig.negator_weight): a negation means what the
words it negates mean, so 没有问题 is read through NEG_问题, not through 没有. Its bucket comes from
64-bit FNV-1a over the string's code points: stable across processes (Python's hash() is salted)
and computable for all character n-grams of a batch at once with numpy, which is what makes the
model fast (see models/sentiment-zh-v1.md for the measurements).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from vocsvc.text import aspects, lexicon

# Full-width ASCII (U+FF01..U+FF5E) -> half-width; ideographic space and control chars -> space.
_WIDTH_TABLE: dict[int, int | str | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update({0x3000: 0x20, 0x7F: 0x20, **dict.fromkeys(range(0x20), 0x20)})

# Punctuation ends a negation scope; sentence-final punctuation also ends a contrast scope.
_PUNCT = r",.!?;:、。…~<>()\[\]\"'“”‘’「」『』《》【】·/|"
_CLAUSE_RE = re.compile(rf"[^{_PUNCT}\s]+")
_SENT_END = r".!?;。…"
_SENT_END_RE = re.compile(rf"[{_SENT_END}]")
_CONTRAST = r"但是|可是|不过|然而|就是|只是|但|却"
_CONTRAST_RE = re.compile(_CONTRAST)
# 虽然 X，但是 Y: X is conceded. On held-out data the X part alone scores AUC 0.45 (no signal) and
# Y alone 0.84, so X's n-grams are emitted only as CONC_ copies, which the model learns to discount.
_CONCESSION_RE = re.compile(rf"(?:虽然|虽说|尽管|虽)([^{_SENT_END}]*?)(?:{_CONTRAST})")
# Longest alternatives first so 没有 wins over 没; 不(?!过) leaves the contrast word 不过 alone.
_NEGATION_RE = re.compile(
    r"并没有|不怎么|没有|并不|不太|毫无|不是|不够|不大|从不|决不|绝不|并非|不(?!过)|没|别|无|未"
)

NEG, AFTER, CONC, NOT, WORD = "NEG_", "AFTER_", "CONC_", "NOT_", "W_"
LEX, KIND, ASPECT = "LX_", "K_", "A_"
HASH_NAME = "fnv1a64-codepoints"
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1


# The training corpora hold no emoji, but customers' comments do ("👍👍", "等了半小时😡"): the
# common ones are read as the word they stand for. Variation selectors and skin tones carry no
# sentiment and are dropped.
# ⭐ is a rating, not praise: runs of stars are read in vocsvc.text.prepare (⭐⭐⭐ → 三颗星).
# 😂 and 🤔 are left alone: customers use them for laughing and for complaining alike.
_EMOJI_WORDS = {
    **dict.fromkeys("👍👏💯🎉👌", "赞"),
    **dict.fromkeys("🙏🌹💐", "感谢"),
    **dict.fromkeys("😅🙃😓", "无语"),
    **dict.fromkeys("🤮🤢", "恶心"),
    "💔": "失望",
    **dict.fromkeys("😀😃😄😁😊🙂☺😆🥳", "高兴"),
    **dict.fromkeys("❤♥💕💖💗😍🥰😘", "喜欢"),
    **dict.fromkeys("👎💩", "差"),
    **dict.fromkeys("😡😠🤬😤", "生气"),
    **dict.fromkeys("😞😔😢😭😩😫😣😖☹🙁😒🙄", "失望"),
}
_WIDTH_TABLE.update({ord(e): w for e, w in _EMOJI_WORDS.items()})
_WIDTH_TABLE.update(dict.fromkeys([0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)]))


def normalize(text: str) -> str:
    """Full-width to half-width, emoji to words, lowercase, collapse whitespace, strip."""
    return " ".join(text.translate(_WIDTH_TABLE).lower().split())


def fnv1a(text: str, h: int = _FNV_OFFSET) -> int:
    """64-bit FNV-1a over code points (one step per character, not per byte)."""
    for ch in text:
        h = ((h ^ ord(ch)) * _FNV_PRIME) & _MASK64
    return h


@dataclass(frozen=True)
class FeatureConfig:
    """Feature-extraction parameters; stored in the model file so inference matches training."""

    n_bits: int = 20
    ngram_max: int = 3
    # Characters after a negator that get NEG_ copies (until punctuation or a contrast word).
    # Mean held-out AUC (negator_weight 0): 4 -> .9233, 6 -> .9243, 8 -> .9248, 10 -> .9247.
    neg_scope: int = 8
    words: bool = False  # jieba words: +0.001 held-out AUC for 3-5x lower throughput, so off
    # Value of NOT_ features, i.e. n-grams made only of negator characters, like 没 / 没有 / 有 in
    # 没有问题 (n-grams reaching into the negated words are NEG_ features). 0 = not emitted: as
    # plain features they are strongly negative in reviews (没 -2.3, 没有 -1.9 log-odds) and
    # outweighed the negated words, so 没有问题 scored 0.41 and 不贵 0.16. Mean held-out AUC:
    # 1.0 -> .9249, 0.3 -> .9250, 0.1 -> .9245, 0 -> .9243 (neg_scope 6), and only 0 puts
    # 没有问题 above 0.5 (1.0: 0.40, 0.3: 0.44, 0.1: 0.51 but 不贵 0.56); see the model card.
    negator_weight: float = 0.0
    # v2: opinion-lexicon hits with negation parity (LX_pos, NEG_LX_neg ...), the kind of answer
    # (K_question, K_suggestion, K_nothing) and aspect-term hits (A_price ...); see lexicon.py.
    lexicon: bool = False
    aspect_terms: bool = False  # A_ features (only with lexicon)
    # v2: names of services and staff (客服, 退货, 配送, 前台 ...; aspects.SERVICE_NAMES) make no
    # n-grams. In reviews they are mentioned mostly in complaints (客服 alone scored 0.004), while
    # on a hotline's survey every comment names the hotline: the words around them must decide.
    mask_targets: bool = False
    hash: str = HASH_NAME

    def __post_init__(self) -> None:
        if self.hash != HASH_NAME:
            raise ValueError(f"unsupported feature hash {self.hash!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for storage."""
        return asdict(self)


def scopes(text: str, neg_scope: int) -> list[tuple[str, int, int]]:
    """(prefix, start, end) spans of normalised text: a negator word (NOT_), the words it negates
    (NEG_), the rest of a sentence after a contrast word (AFTER_), or a conceded clause (CONC_)."""
    spans = [(CONC, *m.span(1)) for m in _CONCESSION_RE.finditer(text) if m.end(1) > m.start(1)]
    after = False
    prev_end = 0
    for clause in _CLAUSE_RE.finditer(text):
        a, b = clause.span()
        if after and _SENT_END_RE.search(text, prev_end, a):
            after = False  # a contrast only reweights the rest of its own sentence
        prev_end = b
        if after:
            spans.append((AFTER, a, b))
        elif (c := _CONTRAST_RE.search(text, a, b)) is not None:
            after = True
            if c.end() < b:
                spans.append((AFTER, c.end(), b))
        for neg in _NEGATION_RE.finditer(text, a, b):
            spans.append((NOT, *neg.span()))
            stop = _CONTRAST_RE.search(text, neg.end(), b)  # a contrast word also ends the scope
            end = min(neg.end() + neg_scope, stop.start() if stop else b)
            if end > neg.end():
                spans.append((NEG, neg.end(), end))
    return spans


@functools.lru_cache(maxsize=16384)
def _cached_scopes(text: str, neg_scope: int) -> tuple[tuple[str, int, int], ...]:
    """scopes(), remembered: the sentiment and aspect features of a clause need the same ones."""
    return tuple(scopes(text, neg_scope))


Flags = dict[str, list[bool]]


def char_flags(n: int, spans: Sequence[tuple[str, int, int]]) -> Flags:
    """Per character of a text of length n: is it inside a NEG_ / AFTER_ / CONC_ / NOT_ span."""
    flags = {p: [False] * n for p in (NEG, AFTER, CONC, NOT)}
    for p, a, b in spans:
        flags[p][a:b] = [True] * (b - a)
    return flags


def inside(flags: Flags, i: int, j: int) -> set[str]:
    """Scopes that characters i..j-1 are in: NEG_ if any of them is negated, others if all are."""
    return {p for p, f in flags.items() if (any if p == NEG else all)(f[i:j])}


def copies(inside: set[str]) -> list[str]:
    """Prefixes a feature is emitted with, given the scopes it is in (see inside())."""
    if CONC in inside:
        return [CONC]  # conceded text only as CONC_ copies, never as plain evidence
    # Negated text replaces the plain feature: 并不差 must not fire the strongly negative 差, and
    # 没有问题 not 有问题 (an n-gram touching the scope counts as negated). An n-gram made only of
    # negator characters (没, 有, 没有 in 没有问题) is a NOT_ feature, not the plain n-gram.
    base = NEG if NEG in inside else NOT if NOT in inside else ""
    return [base, AFTER + base] if AFTER in inside else [base]


class _Tokenizer:
    """A private jieba tokenizer, so user words added elsewhere cannot change our features."""

    def __init__(self) -> None:
        self._tok: Any = None
        self._lock = threading.Lock()

    def lcut(self, text: str) -> list[str]:
        if self._tok is None:
            with self._lock:
                if self._tok is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tok = jieba.Tokenizer()
                    tok.initialize()
                    self._tok = tok
        # HMM off: new-word discovery costs ~25% more time and the n-grams cover unknown words.
        words: list[str] = self._tok.lcut(text, HMM=False)
        return words


_TOKENIZER = _Tokenizer()


def words(text: str, flags: Flags) -> list[str]:
    """W_ word features (2+ characters, no punctuation) of normalised text, with scope copies."""
    out: list[str] = []
    pos = 0
    for w in _TOKENIZER.lcut(text):
        pos += len(w)
        if len(w) < 2 or not _CLAUSE_RE.fullmatch(w):
            continue  # single characters are already unigrams
        out += [p + WORD + w for p in copies(inside(flags, pos - len(w), pos))]
    return out


def lexicon_features(text: str, flags: Flags, aspect_terms: bool) -> list[str]:
    """LX_ opinion-word hits (NEG_ when an odd number of negators precede them, with the AFTER_ and
    CONC_ scopes of their position), K_ kinds of answer and A_ aspect-term hits (aspect_terms)."""
    out = opinion_features(text, flags)
    if aspect_terms:
        out += aspect_features(text)
    return out


def opinion_features(text: str, flags: Flags) -> list[str]:
    """The LX_ and K_ part of lexicon_features()."""
    out: list[str] = []
    for hit in lexicon.hits(text):
        scope = inside(flags, hit.start, hit.end) - {NEG}
        base = (NEG if hit.negated else "") + LEX + hit.polarity
        out += (
            [CONC + base] if CONC in scope else [base, AFTER + base] if AFTER in scope else [base]
        )
    if lexicon.is_nothing(text):
        out.append(KIND + "nothing")
    if lexicon.is_question(text):
        out.append(KIND + "question")
    if lexicon.is_suggestion(text):
        out.append(KIND + "suggestion")
    return out


def aspect_features(text: str) -> list[str]:
    """The A_ part of lexicon_features()."""
    return [ASPECT + key for key in aspects.term_hits(text)]


@functools.lru_cache(maxsize=16384)
def _opinion_hashes(text: str, neg_scope: int) -> tuple[int, ...]:
    """Hashes of opinion_features(), remembered: the sentiment and the aspect features of a
    clause both need them, and hashing them in Python is a third of analyze()'s time."""
    flags = char_flags(len(text), _cached_scopes(text, neg_scope))
    return tuple(fnv1a(f) for f in opinion_features(text, flags))


@functools.lru_cache(maxsize=16384)
def _aspect_hashes(text: str) -> tuple[int, ...]:
    return tuple(fnv1a(f) for f in aspect_features(text))


def is_negator(feature: str) -> bool:
    """A NOT_ feature: (part of) a negator word outside any negation scope."""
    return feature.startswith((NOT, AFTER + NOT))


def masked(text: str) -> str:
    """Service and staff names replaced by NUL, which no n-gram may contain (mask_targets)."""
    return aspects.SERVICE_NAMES_RE.sub(lambda m: "\0" * len(m.group()), text)


def extract(text: str, config: FeatureConfig) -> list[str]:
    """Every feature string of one text (readable reference for what FeatureHasher hashes)."""
    t = normalize(text)
    flags = char_flags(len(t), scopes(t, config.neg_scope))
    chars = masked(t) if config.mask_targets else t
    feats = []
    for k in range(1, config.ngram_max + 1):
        for i in range(len(t) - k + 1):
            if "\0" not in chars[i : i + k]:
                feats += [p + t[i : i + k] for p in copies(inside(flags, i, i + k))]
    if config.words and t:
        feats += words(t, flags)
    if config.lexicon:
        feats += lexicon_features(t, flags, config.aspect_terms)
    if not config.negator_weight:
        feats = [f for f in feats if not is_negator(f)]
    return feats


def _scope_parts(prefix: str) -> list[str]:
    """The scopes a prefix needs: "AFTER_NEG_" -> [AFTER_, NEG_], "" -> []."""
    return [p for p in (AFTER, NEG, CONC, NOT) if p in prefix]


class HashedBatch(NamedTuple):
    """CSR parts of a batch of hashed, L2-normalised feature rows."""

    indices: NDArray[np.int32]
    values: NDArray[np.float32]
    indptr: NDArray[np.int64]
    n_features: int


class FeatureHasher:
    """Maps texts to signed hashed features (the hashing trick with a random sign per feature)."""

    _MAX_CACHE = 500_000

    def __init__(self, config: FeatureConfig) -> None:
        self.config = config
        self._word_cache: dict[str, int] = {}
        prefixes: tuple[str, ...] = ("", NEG, AFTER, AFTER + NEG, CONC)
        if config.negator_weight:
            prefixes += (NOT, AFTER + NOT)
        self._prefix_h = {p: np.uint64(fnv1a(p)) for p in prefixes}

    def feature_hash(self, feature: str) -> int:
        """64-bit hash of one feature string."""
        return fnv1a(feature)

    def bucket(self, h: int) -> tuple[int, int]:
        """(bucket id, sign) of a 64-bit feature hash."""
        return (h ^ (h >> 32)) & ((1 << self.config.n_bits) - 1), -1 if h >> 63 else 1

    def _char_hashes(self, cps: NDArray[np.uint64], flags: dict[str, NDArray[np.bool_]]) -> Any:
        """Hashes of all (prefixed) character n-grams of the 0-separated code-point array."""
        prime = np.uint64(_FNV_PRIME)
        n = cps.size
        base = {"": cps != 0, **flags}  # "": position holds a character (0 separates texts)
        all_in = dict(base)
        any_neg = base[NEG]
        # Most comments have no negation, contrast or concession: a prefix whose scope is empty
        # in the whole batch emits nothing, so its hashes are not computed (small batches).
        present = {p for p in flags if flags[p].any()}
        hashes = {
            p: np.full(n, h0, dtype=np.uint64)
            for p, h0 in self._prefix_h.items()
            if all(part in present for part in _scope_parts(p))
        }
        out = []
        for k in range(self.config.ngram_max):
            if k:  # all_in[p][i]: the n-gram cps[i : i + k + 1] lies entirely inside scope p
                all_in = {p: f[: n - k] & base[p][k:] for p, f in all_in.items()}
                any_neg = any_neg[: n - k] | base[NEG][k:]
            # The same rules as inside() and copies(), as boolean masks.
            kept = all_in[""] & ~all_in[CONC]
            neg, rest = kept & any_neg, kept & ~any_neg
            plain, negator = rest & ~all_in[NOT], rest & all_in[NOT]
            emit = {"": plain, NEG: neg, NOT: negator, CONC: all_in[""] & all_in[CONC]}
            for p in (NEG, NOT, ""):
                emit[AFTER + p] = emit[p] & all_in[AFTER]
            for p in hashes:
                # hash of prefix + cps[i : i + k + 1]; uint64 arrays wrap silently.
                hashes[p] = (hashes[p][: n - k] ^ cps[k:]) * prime
                out.append((p, np.flatnonzero(emit[p]), hashes[p][emit[p]]))
        return out

    def transform(self, texts: Sequence[str]) -> HashedBatch:
        """Hash a batch; each row is binary presence with random sign, scaled to unit L2 norm.

        (NOT_ features, when emitted, are then multiplied by config.negator_weight.)
        """
        norm = [normalize(t) for t in texts]
        joined = "\0".join(masked(t) if self.config.mask_targets else t for t in norm) + "\0"
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        starts = np.cumsum([0] + [len(t) + 1 for t in norm])
        doc_of_pos = np.repeat(np.arange(len(norm)), np.diff(starts))
        flags = {p: np.zeros(cps.size, dtype=bool) for p in (NEG, AFTER, CONC, NOT)}
        word_docs: list[int] = []
        word_hashes: list[int] = []
        word_negator: list[bool] = []
        negator_weight = self.config.negator_weight
        cache = self._word_cache
        if len(cache) > self._MAX_CACHE:
            cache.clear()  # bounded memory in a long-running service
        for i, t in enumerate(norm):
            spans = _cached_scopes(t, self.config.neg_scope)
            for p, a, b in spans:
                flags[p][starts[i] + a : starts[i] + b] = True
            if self.config.lexicon and t:
                # Lexicon features are never negator (NOT_) features.
                lex = _opinion_hashes(t, self.config.neg_scope)
                if self.config.aspect_terms:
                    lex += _aspect_hashes(t)
                word_hashes += lex
                word_negator += [False] * len(lex)
                word_docs += [i] * len(lex)
            extra = words(t, char_flags(len(t), spans)) if self.config.words and t else []
            if extra:
                for w in extra:
                    negator = is_negator(w)
                    if negator and not negator_weight:
                        continue
                    h = cache.get(w)
                    if h is None:
                        h = cache[w] = fnv1a(w)
                    word_hashes.append(h)
                    word_negator.append(negator)
                word_docs += [i] * (len(word_hashes) - len(word_docs))
        parts = self._char_hashes(cps, flags)
        docs = np.concatenate([doc_of_pos[pos] for _, pos, _ in parts] + [np.array(word_docs, int)])
        hashes = np.concatenate([h for _, _, h in parts] + [np.array(word_hashes, np.uint64)])
        negators = np.concatenate(
            [np.full(h.size, is_negator(p)) for p, _, h in parts] + [np.array(word_negator, bool)]
        )
        # Binary presence: drop repeats of a feature within a text (sort by text, then hash).
        order = np.lexsort((hashes, docs))
        docs, hashes, negators = docs[order], hashes[order], negators[order]
        keep = np.ones(docs.size, dtype=bool)
        keep[1:] = (docs[1:] != docs[:-1]) | (hashes[1:] != hashes[:-1])
        docs, hashes, negators = docs[keep], hashes[keep], negators[keep]
        mask = np.uint64((1 << self.config.n_bits) - 1)
        indices = ((hashes ^ (hashes >> np.uint64(32))) & mask).astype(np.int32)
        counts = np.bincount(docs, minlength=len(norm))
        values = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts).astype(np.float32)
        values[negators] *= negator_weight
        values[(hashes >> np.uint64(63)) == 1] *= -1.0
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return HashedBatch(indices, values, indptr, 1 << self.config.n_bits)
