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
_NEGATION = (
    r"并没有|不怎么|没有|并不|不太|毫无|不是|不够|不大|从不|决不|绝不|并非|不(?!过)|没|别|无|未"
)
_NEGATION_RE = re.compile(_NEGATION)
# The same, where a word that holds a negator but negates nothing (特别, 不仅, 没想到:
# lexicon.NOT_NEGATING) is matched first and opens no scope: only group 1 is a negator.
_NEGATION_IN_WORDS_RE = re.compile(f"{lexicon.longest_first(lexicon.NOT_NEGATING)}|({_NEGATION})")
# Every scope starts at a contrast word or a negator (a concession needs its contrast word): a
# text with none of their first characters, most clauses, has no scopes.
_SCOPE_WORD_RE = re.compile(
    "[" + "".join(sorted({word[0] for word in f"{_CONTRAST}|{_NEGATION}".split("|")})) + "]"
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
    # v2: words that hold a negator's character but negate nothing (特别好, 不过, 没想到) open no
    # NEG_ scope. Without it 特别好 and 不好 both made NEG_好 (v1 was trained so: off for it).
    negation_words: bool = False
    hash: str = HASH_NAME

    def __post_init__(self) -> None:
        if self.hash != HASH_NAME:
            raise ValueError(f"unsupported feature hash {self.hash!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for storage."""
        return asdict(self)


def scopes(text: str, neg_scope: int, negation_words: bool = False) -> list[tuple[str, int, int]]:
    """(prefix, start, end) spans of normalised text: a negator word (NOT_), the words it negates
    (NEG_), the rest of a sentence after a contrast word (AFTER_), or a conceded clause (CONC_).
    With negation_words, the words of lexicon.NOT_NEGATING negate nothing."""
    if not _SCOPE_WORD_RE.search(text):
        return []
    negation_re, group = (_NEGATION_IN_WORDS_RE, 1) if negation_words else (_NEGATION_RE, 0)
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
        for match in negation_re.finditer(text, a, b):
            start, stop_at = match.span(group)
            if start < 0:
                continue  # a word of NOT_NEGATING
            spans.append((NOT, start, stop_at))
            stop = _CONTRAST_RE.search(text, stop_at, b)  # a contrast word also ends the scope
            end = min(stop_at + neg_scope, stop.start() if stop else b)
            if end > stop_at:
                spans.append((NEG, stop_at, end))
    return spans


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
    """The LX_ and K_ part of lexicon_features(). Only the AFTER_ and CONC_ flags are read, and
    a scope missing from `flags` is empty ({}: none)."""
    out: list[str] = []
    for hit in lexicon.hits(text):
        scope = inside(flags, hit.start, hit.end) - {NEG} if flags else set()
        base = (NEG if hit.negated else "") + LEX + hit.polarity
        out += (
            [CONC + base] if CONC in scope else [base, AFTER + base] if AFTER in scope else [base]
        )
    if lexicon.is_nothing(text):
        out.append(KIND + "nothing")
    if lexicon.asks(text):  # one search where most texts neither ask nor suggest
        if lexicon.is_question(text):
            out.append(KIND + "question")
        if lexicon.is_suggestion(text):
            out.append(KIND + "suggestion")
    return out


def aspect_features(text: str) -> list[str]:
    """The A_ part of lexicon_features()."""
    return [ASPECT + key for key in aspects.term_hits(text)]


class _TextParts(NamedTuple):
    """What the features of a normalised text need besides its characters: its scopes, and the
    hashes of its opinion_features() (none without the lexicon)."""

    spans: tuple[tuple[str, int, int], ...]
    opinion: tuple[int, ...]


@functools.lru_cache(maxsize=16384)
def _text_parts(
    text: str, neg_scope: int, with_lexicon: bool, negation_words: bool = False
) -> _TextParts:
    """_TextParts of a text, remembered: the answers that come back every day (好评, 无) and the
    texts of a batch that is hashed again (analyze() hashes each text once for both configs)."""
    spans = tuple(scopes(text, neg_scope, negation_words))
    if not with_lexicon or not text:
        return _TextParts(spans, ())
    # A hit's copies depend on its AFTER_ and CONC_ scopes only, which most texts do not have.
    scoped = [s for s in spans if s[0] in (AFTER, CONC)]
    flags = char_flags(len(text), scoped) if scoped else {}
    return _TextParts(spans, tuple(map(_lexicon_hash, opinion_features(text, flags))))


@functools.lru_cache(maxsize=16384)
def _aspect_hashes(text: str) -> tuple[int, ...]:
    return tuple(map(_lexicon_hash, aspect_features(text)))


@functools.lru_cache(maxsize=1024)
def _lexicon_hash(feature: str) -> int:
    """fnv1a() of a lexicon feature: there are a few dozen (LX_pos, AFTER_LX_neg, A_price ...)."""
    return fnv1a(feature)


def is_negator(feature: str) -> bool:
    """A NOT_ feature: (part of) a negator word outside any negation scope."""
    return feature.startswith((NOT, AFTER + NOT))


def masked(text: str) -> str:
    """Service and staff names replaced by NUL, which no n-gram may contain (mask_targets)."""
    return aspects.SERVICE_NAMES_RE.sub(lambda m: "\0" * len(m.group()), text)


def extract(text: str, config: FeatureConfig) -> list[str]:
    """Every feature string of one text (readable reference for what FeatureHasher hashes)."""
    t = normalize(text)
    flags = char_flags(len(t), scopes(t, config.neg_scope, config.negation_words))
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


# Every prefix a character n-gram can have, in the order their features are collected.
_CHAR_PREFIXES = ("", NEG, AFTER, AFTER + NEG, CONC, NOT, AFTER + NOT)


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
        self.prefixes = frozenset(prefixes)

    def feature_hash(self, feature: str) -> int:
        """64-bit hash of one feature string."""
        return fnv1a(feature)

    def bucket(self, h: int) -> tuple[int, int]:
        """(bucket id, sign) of a 64-bit feature hash."""
        return (h ^ (h >> 32)) & ((1 << self.config.n_bits) - 1), -1 if h >> 63 else 1

    def transform(self, texts: Sequence[str]) -> HashedBatch:
        """Hash a batch; each row is binary presence with random sign, scaled to unit L2 norm.

        (NOT_ features, when emitted, are then multiplied by config.negator_weight.)
        """
        return transform_leading([self], [normalize(t) for t in texts], [len(texts)])[0]

    def _text_features(self, norm: Sequence[str], parts: Sequence[_TextParts]) -> _Features:
        """The features that are not character n-grams (lexicon hits, jieba words) of each text."""
        config = self.config
        docs: list[int] = []
        hashes: list[int] = []
        negator: list[bool] = []
        cache = self._word_cache
        if len(cache) > self._MAX_CACHE:
            cache.clear()  # bounded memory in a long-running service
        for i, (t, t_parts) in enumerate(zip(norm, parts[: len(norm)], strict=True)):
            if not t:
                continue
            if config.lexicon:
                # Lexicon features are never negator (NOT_) features.
                lex = t_parts.opinion
                if config.aspect_terms:
                    lex += _aspect_hashes(t)
                hashes += lex
                negator += [False] * len(lex)
            if config.words:
                for w in words(t, char_flags(len(t), t_parts.spans)):
                    is_neg = is_negator(w)
                    if is_neg and not config.negator_weight:
                        continue
                    h = cache.get(w)
                    if h is None:
                        h = cache[w] = fnv1a(w)
                    hashes.append(h)
                    negator.append(is_neg)
            docs += [i] * (len(hashes) - len(docs))
        return _Features(
            np.array(docs, dtype=np.int64),
            np.array(hashes, dtype=np.uint64),
            np.array(negator, dtype=bool),
        )

    def _rows(self, features: _Features, n_texts: int) -> HashedBatch:
        """The CSR rows of features sorted by text, then hash: repeats dropped (binary presence),
        bucket and sign from the hash, each row scaled to unit norm."""
        docs, hashes, negators = features
        keep = np.ones(docs.size, dtype=bool)
        keep[1:] = (docs[1:] != docs[:-1]) | (hashes[1:] != hashes[:-1])
        docs, hashes, negators = docs[keep], hashes[keep], negators[keep]
        mask = np.uint64((1 << self.config.n_bits) - 1)
        indices = ((hashes ^ (hashes >> np.uint64(32))) & mask).astype(np.int32)
        counts = np.bincount(docs, minlength=n_texts)
        values = np.repeat(1.0 / np.sqrt(np.maximum(counts, 1)), counts).astype(np.float32)
        values[negators] *= self.config.negator_weight
        values[(hashes >> np.uint64(63)) == 1] *= -1.0
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return HashedBatch(indices, values, indptr, 1 << self.config.n_bits)


class _Features(NamedTuple):
    """Features as parallel arrays: the text each is of, its 64-bit hash, is it a NOT_ feature."""

    docs: NDArray[np.int64]
    hashes: NDArray[np.uint64]
    negators: NDArray[np.bool_]

    def take(self, which: NDArray[np.intp] | NDArray[np.bool_]) -> _Features:
        """The features at `which` (indices or a mask)."""
        return _Features(self.docs[which], self.hashes[which], self.negators[which])


class _Joined(NamedTuple):
    """Normalised texts as one array of code points, 0 after each text, and the NEG_ / AFTER_ /
    CONC_ / NOT_ scope of every position."""

    cps: NDArray[np.uint64]
    doc_of_pos: NDArray[np.int64]
    flags: dict[str, NDArray[np.bool_]]
    # Positions of service names (FeatureConfig.mask_targets), which no n-gram may contain.
    service_names: NDArray[np.bool_]


def _joined(norm: Sequence[str], spans: Sequence[Sequence[tuple[str, int, int]]]) -> _Joined:
    """The _Joined form of normalised texts with their scopes (scopes())."""
    joined = "\0".join(norm) + "\0"
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = [len(t) + 1 for t in norm]
    doc_of_pos = np.repeat(np.arange(len(norm), dtype=np.int64), lengths)
    flags = {p: np.zeros(cps.size, dtype=bool) for p in (NEG, AFTER, CONC, NOT)}
    start = 0
    for length, text_spans in zip(lengths, spans, strict=True):
        for p, a, b in text_spans:
            flags[p][start + a : start + b] = True
        start += length
    # One pass over the whole batch finds the same names as one per text: no name holds a 0.
    service_names = np.zeros(cps.size, dtype=bool)
    for m in aspects.SERVICE_NAMES_RE.finditer(joined):
        service_names[m.start() : m.end()] = True
    return _Joined(cps, doc_of_pos, flags, service_names)


Masks = dict[str, NDArray[np.bool_]]


def _emitted(ok: NDArray[np.bool_], all_in: Masks, any_neg: NDArray[np.bool_]) -> Masks:
    """Per prefix, the n-grams emitted with it: the rules of inside() and copies() as boolean
    masks. ok: the n-gram holds characters only; all_in[p]: it lies entirely inside scope p;
    any_neg: some character of it is negated."""
    kept = ok & ~all_in[CONC]
    neg, rest = kept & any_neg, kept & ~any_neg
    plain, negator = rest & ~all_in[NOT], rest & all_in[NOT]
    emit = {"": plain, NEG: neg, NOT: negator, CONC: ok & all_in[CONC]}
    for p in (NEG, NOT, ""):
        emit[AFTER + p] = emit[p] & all_in[AFTER]
    return emit


def _char_ngrams(
    joined: _Joined, hashers: Sequence[FeatureHasher]
) -> tuple[_Features, list[NDArray[np.bool_]]]:
    """All (prefixed) character n-grams any of the hashers emits, and per hasher which of them
    it emits. An n-gram's hash is the same for every hasher; the hashers differ in the
    characters an n-gram may hold (mask_targets) and in the prefixes they use (negator_weight)."""
    cps, flags = joined.cps, joined.flags
    prime = np.uint64(_FNV_PRIME)
    n = cps.size
    text = cps != 0  # 0 separates texts
    valid = [text & ~joined.service_names if h.config.mask_targets else text for h in hashers]
    # Most comments have no negation, contrast or concession: a prefix whose scope is empty in
    # the whole batch emits nothing, so its hashes are not computed (small batches).
    present = {p for p in flags if flags[p].any()}
    used = set().union(*(h.prefixes for h in hashers))
    hashes = {
        p: np.full(n, fnv1a(p), dtype=np.uint64)
        for p in _CHAR_PREFIXES
        if p in used and all(part in present for part in _scope_parts(p))
    }
    all_in, any_neg, all_valid = dict(flags), flags[NEG], valid
    parts: list[_Features] = []
    members: list[list[NDArray[np.bool_]]] = [[] for _ in hashers]
    for k in range(hashers[0].config.ngram_max):
        if k:  # all_in[p][i]: the n-gram cps[i : i + k + 1] lies entirely inside scope p
            all_in = {p: f[: n - k] & flags[p][k:] for p, f in all_in.items()}
            any_neg = any_neg[: n - k] | flags[NEG][k:]
            all_valid = [f[: n - k] & v[k:] for f, v in zip(all_valid, valid, strict=True)]
        emits = [_emitted(ok, all_in, any_neg) for ok in all_valid]
        for p in hashes:
            # hash of prefix + cps[i : i + k + 1]; uint64 arrays wrap silently.
            hashes[p] = (hashes[p][: n - k] ^ cps[k:]) * prime
            emit = [e[p] if p in h.prefixes else None for e, h in zip(emits, hashers, strict=True)]
            union = functools.reduce(np.logical_or, [e for e in emit if e is not None])
            pos = np.flatnonzero(union)
            negator = np.full(pos.size, p in (NOT, AFTER + NOT))
            parts.append(_Features(joined.doc_of_pos[pos], hashes[p][pos], negator))
            for j, e in enumerate(emit):
                members[j].append(e[pos] if e is not None else np.zeros(pos.size, dtype=bool))
    return _concatenate(parts), [np.concatenate(m) for m in members]


def _concatenate(parts: Sequence[_Features]) -> _Features:
    return _Features(*(np.concatenate(arrays) for arrays in zip(*parts, strict=True)))


def _by_text_then_hash(features: _Features) -> NDArray[np.intp]:
    """The order that sorts features by text, then hash, as the stable np.lexsort((hashes, docs))
    does (a third of the time): one sort of one 64-bit key holding the text, the hash's top bits
    and the feature's index. When that does not order a text's hashes (two of them share the top
    bits: rare) or ties a NOT_ feature with another of the same hash (never seen), the two-key
    sort decides."""
    docs, hashes, negators = features
    doc_bits = int(docs.max()).bit_length() if docs.size else 0
    index_bits = max(docs.size - 1, 1).bit_length()
    hash_bits = 64 - doc_bits - index_bits
    if hash_bits < 24:  # (training batches) too few bits to expect a key to order the hashes
        return np.lexsort((hashes, docs))
    key = (hashes >> np.uint64(64 - hash_bits)) << np.uint64(index_bits)
    key |= np.arange(docs.size, dtype=np.uint64)
    if doc_bits:
        key |= docs.astype(np.uint64) << np.uint64(64 - doc_bits)
    key.sort()
    order = (key & np.uint64((1 << index_bits) - 1)).astype(np.intp)
    d, h, neg = docs[order], hashes[order], negators[order]
    same_doc = d[1:] == d[:-1]
    unordered = same_doc & (h[1:] < h[:-1])
    negator_tie = same_doc & (h[1:] == h[:-1]) & (neg[1:] != neg[:-1])
    if np.any(unordered | negator_tie):
        return np.lexsort((hashes, docs))
    return order


def transform_leading(
    hashers: Sequence[FeatureHasher], norm: Sequence[str], counts: Sequence[int]
) -> list[HashedBatch]:
    """[h.transform(texts[:n]) for h, n in zip(hashers, counts)] for the normalised texts `norm`
    (normalize()), sharing the work the hashers have in common: scopes, n-gram hashes and the sort
    (analyze() hashes a comment's clauses with its sentiment and its aspect config, and the
    comment itself only with the first)."""
    configs = [h.config for h in hashers]
    if len({(c.neg_scope, c.ngram_max, c.negation_words) for c in configs}) > 1:
        return [transform_leading([h], norm, [n])[0] for h, n in zip(hashers, counts, strict=True)]
    neg_scope, negation_words = configs[0].neg_scope, configs[0].negation_words
    norm = norm[: max(counts, default=0)]
    with_lexicon = any(c.lexicon for c in configs)
    parts = [_text_parts(t, neg_scope, with_lexicon, negation_words) for t in norm]
    chars, members = _char_ngrams(_joined(norm, [p.spans for p in parts]), hashers)
    others = [h._text_features(norm[:n], parts) for h, n in zip(hashers, counts, strict=True)]
    features = _concatenate([chars, *others])
    # A hasher's features are its n-grams, then its other features (as when it hashes alone).
    sizes = [o.docs.size for o in others]
    for j, n in enumerate(counts):
        own = [np.full(size, i == j) for i, size in enumerate(sizes)]
        members[j] = np.concatenate([members[j], *own]) & (features.docs < n)
    order = _by_text_then_hash(features)
    features = features.take(order)
    return [
        h._rows(features.take(member[order]), n)
        for h, member, n in zip(hashers, members, counts, strict=True)
    ]
