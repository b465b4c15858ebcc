"""Frames: lexicon rules over lemmas, evaluated per sentence, with concordances.

The model
---------
A *frame* is a way of talking about a topic (overtaking Japan, forging our own
destiny, being the first and best, turning a crisis into an opportunity, the
technological future). It is operationalised as a set of *rules* kept in a versioned
YAML file (``analysis/lexicons/frames.yaml``, replaceable by the researcher's own).
Rules look at the morphemes of one sentence as produced by :mod:`analysis.text`: the
``lemma`` (dictionary form, so 뛰어넘을 / 뛰어넘어야 / 뛰어넘는 are all ``뛰어넘다``) and
the part-of-speech ``tag``, never the surface string. A *hit* is one place in one
sentence where a rule fires; it keeps the sentence's ids, voice (the mayor's quoted
words or the reporter's narration) and speaker, so every count can be traced back.

The rule language
-----------------
A *term* is ``lemma``, ``lemma/TAG`` or ``*/TAG``; ``TAG`` is a prefix of the Kiwi tag
(``VV`` matches VV and VV-R, ``N`` any noun); lemmas compare case-insensitively.
A *slot* is terms joined by ``|`` (alternatives); a *pattern* is slots joined by ``+``
and matches that many adjacent morphemes (``1/SN + 호/NNB`` is 1호;
``일본/NNP + */JKO|보다/JKB`` is 일본을 or 일본보다). A list of patterns is a set of
alternatives. A rule is a mapping::

    - id: overtake_japan               # optional, unique within the frame
      match: [추월하다|뛰어넘다, 이기다/VV]  # required: the anchor
      near:                             # optional; every condition must hold
        - {terms: [일본/NNP + */JKO], window: 6, direction: before}
      requires_before: {terms: [...], window: 2}   # = near with direction before
      requires_after:  {terms: [...], window: 2}   # = near with direction after
      exclude_if:                       # optional; any condition holding drops the hit
        - {terms: [적/XSN], window: 1, direction: after}

``window`` counts morphemes (roughly two to three per written word) between the
anchor's edge and the nearest edge of the other term, so ``window: 1`` means adjacent;
``window: sentence`` (the default) means anywhere in the same sentence. ``direction``
is ``before``, ``after`` or ``any`` (default). A hit's span runs from the first to the
last morpheme of the anchor and of the terms that satisfied ``near``, so the concordance
shows 일본을 뛰어넘 rather than 뛰어넘 alone.

A frame has ``id``, ``description``, optional ``label``, ``rules`` and ``examples``
(``positive`` and ``negative`` sentences, checked by :func:`check_frame_examples` and
the test suite). The file has ``version`` and ``frames``; anything else is an error
naming the file and line (:class:`analysis.lexicons.LexiconError`).

Prevalence, keyness, co-occurrence networks and the validation workflow live in
:mod:`analysis.rhetoric`.

Example
-------
>>> frames = load_frames()
>>> [f.id for f in frames.frames][:2]
['japan_rivalry', 'self_determination']
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.lexicons import LexiconError

HIT_COLUMNS = ["doc_id", "para_id", "sent_id", "frame", "rule", "match", "start", "end", "voice", "speaker"]
SENTENCE_COLUMNS = ["doc_id", "para_id", "sent_id", "start", "end", "text", "voice", "speaker"]
DEFAULT_LEXICON = "lexicons/frames.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"version", "description", "frames"}
_FRAME_KEYS = {"id", "label", "description", "rules", "examples"}
_RULE_KEYS = {"id", "match", "near", "requires_before", "requires_after", "exclude_if"}
_COND_KEYS = {"terms", "window", "direction"}
_EXAMPLE_KEYS = {"positive", "negative"}


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Term:
    """One morpheme test: ``lemma`` (None = any) and ``tag`` prefix (None = any)."""

    lemma: str | None
    tag: str | None


@dataclass(frozen=True)
class Pattern:
    """Adjacent slots; each slot is a tuple of alternative terms."""

    slots: tuple[tuple[Term, ...], ...]
    text: str


@dataclass(frozen=True)
class Condition:
    """Some pattern within ``window`` morphemes (None = the sentence) in ``direction``."""

    patterns: tuple[Pattern, ...]
    window: int | None
    direction: str


@dataclass(frozen=True)
class Rule:
    """An anchor (alternative patterns) with conditions that must hold or must not."""

    id: str
    match: tuple[Pattern, ...]
    near: tuple[Condition, ...]
    exclude: tuple[Condition, ...]


@dataclass(frozen=True)
class Frame:
    """A frame: id, description, rules and example sentences."""

    id: str
    description: str
    rules: tuple[Rule, ...]
    label: str = ""
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrameSet:
    """The frames of one or more lexicon files, with version and sha256 for provenance."""

    version: str
    frames: tuple[Frame, ...]
    sources: tuple[str, ...]
    sha256: tuple[str, ...]

    @property
    def ids(self) -> list[str]:
        """Frame ids in file order."""
        return [f.id for f in self.frames]

    def __getitem__(self, frame_id: str) -> Frame:
        for frame in self.frames:
            if frame.id == frame_id:
                return frame
        raise KeyError(frame_id)


# --------------------------------------------------------------------------- loading


def _line(node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Walks PyYAML's composed node tree so that each error can name its line."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, node, reason: str):
        raise LexiconError(self.path, _line(node) if node is not None else None, reason)

    def mapping(self, node, allowed: set[str], what: str) -> dict[str, tuple]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
        out: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
            if key in out:  # PyYAML would silently keep the last one
                self.fail(key_node, f"duplicate key {key!r} in {what}")
            out[key] = (key_node, value_node)
        return out

    def require(self, items: dict, key: str, node, what: str):
        if key not in items:
            self.fail(node, f"{what} is missing required key {key!r}")
        return items[key][1]

    def string(self, node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null") or not str(node.value).strip():
            self.fail(node, f"{what} must be a non-empty string")
        return str(node.value).strip()

    def strings(self, node, what: str) -> list[tuple[str, object]]:
        """A string or a list of strings, each with its node."""
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if isinstance(node, yaml.SequenceNode) and not nodes:
            self.fail(node, f"{what} must not be empty")
        return [(self.string(n, what), n) for n in nodes]

    def pattern(self, text: str, node) -> Pattern:
        slots = []
        for slot_text in text.split("+"):
            alts = []
            for alt in slot_text.split("|"):
                alt = alt.strip()
                lemma, _, tag = alt.partition("/") if "/" in alt else (alt, "", "")
                lemma, tag = lemma.strip(), tag.strip()
                if not alt or ("/" in alt and not tag) or (not lemma):
                    self.fail(node, f"bad term {alt!r} in pattern {text!r} (use lemma, lemma/TAG or */TAG)")
                if tag and not re.fullmatch(r"[A-Z][A-Z-]*", tag):
                    self.fail(node, f"bad tag {tag!r} in pattern {text!r}")
                alts.append(Term(None if lemma == "*" else lemma.casefold(), tag or None))
            slots.append(tuple(alts))
        return Pattern(tuple(slots), text)

    def patterns(self, node, what: str) -> tuple[Pattern, ...]:
        return tuple(self.pattern(text, n) for text, n in self.strings(node, what))

    def condition(self, node, what: str, direction: str | None = None) -> Condition:
        items = self.mapping(node, _COND_KEYS - ({"direction"} if direction else set()), what)
        terms = self.patterns(self.require(items, "terms", node, what), f"{what} terms")
        window: int | None = None
        if "window" in items:
            w = items["window"][1]
            if isinstance(w, yaml.ScalarNode) and w.value == "sentence":
                window = None
            elif isinstance(w, yaml.ScalarNode) and w.tag.endswith(":int") and int(w.value) >= 1:
                window = int(w.value)
            else:
                self.fail(w, f"bad window {getattr(w, 'value', '')!r} in {what}: a whole number >= 1 or 'sentence'")
        if direction is None:
            direction = self.string(items["direction"][1], "direction") if "direction" in items else "any"
            if direction not in ("before", "after", "any"):
                self.fail(items["direction"][1], f"bad direction {direction!r}: before, after or any")
        return Condition(terms, window, direction)

    def conditions(self, node, what: str, direction: str | None = None) -> list[Condition]:
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        return [self.condition(n, what, direction) for n in nodes]

    def rule(self, node, frame_id: str, index: int) -> Rule:
        items = self.mapping(node, _RULE_KEYS, f"rule {index} of frame {frame_id!r}")
        rule_id = self.string(items["id"][1], "rule id") if "id" in items else f"{frame_id}_{index}"
        match = self.patterns(self.require(items, "match", node, f"rule {rule_id!r}"), "match")
        near = []
        for key, direction in (("near", None), ("requires_before", "before"), ("requires_after", "after")):
            if key in items:
                near += self.conditions(items[key][1], f"{key} of rule {rule_id!r}", direction)
        exclude = self.conditions(items["exclude_if"][1], f"exclude_if of rule {rule_id!r}") if "exclude_if" in items else []
        return Rule(rule_id, match, tuple(near), tuple(exclude))

    def frame(self, node) -> Frame:
        items = self.mapping(node, _FRAME_KEYS, "frame")
        frame_id = self.string(self.require(items, "id", node, "frame"), "frame id")
        if not _ID.match(frame_id):
            self.fail(items["id"][1], f"frame id {frame_id!r} must be lower_snake_case")
        description = self.string(self.require(items, "description", node, f"frame {frame_id!r}"), "description")
        rules_node = self.require(items, "rules", node, f"frame {frame_id!r}")
        if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
            self.fail(rules_node, f"rules of frame {frame_id!r} must be a non-empty list")
        rules = [self.rule(n, frame_id, i + 1) for i, n in enumerate(rules_node.value)]
        seen: dict[str, object] = {}
        for rule, n in zip(rules, rules_node.value):
            if rule.id in seen:
                self.fail(n, f"duplicate rule id {rule.id!r} in frame {frame_id!r}")
            seen[rule.id] = n
        examples = {"positive": [], "negative": []}
        if "examples" in items:
            ex = self.mapping(items["examples"][1], _EXAMPLE_KEYS, f"examples of frame {frame_id!r}")
            for kind, (_, value) in ex.items():
                examples[kind] = [text for text, _ in self.strings(value, f"{kind} example")]
        label = self.string(items["label"][1], "label") if "label" in items else ""
        return Frame(frame_id, description, tuple(rules), label, tuple(examples["positive"]), tuple(examples["negative"]))

    def frameset(self, text: str) -> tuple[str, list[tuple[Frame, object]]]:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise LexiconError(self.path, mark.line + 1 if mark else None,
                               f"invalid YAML: {getattr(error, 'problem', None) or error}") from None
        if root is None:
            raise LexiconError(self.path, None, "empty frame file")
        items = self.mapping(root, _TOP_KEYS, "frame file")
        version = self.string(self.require(items, "version", root, "frame file"), "version")
        frames_node = self.require(items, "frames", root, "frame file")
        if not isinstance(frames_node, yaml.SequenceNode) or not frames_node.value:
            self.fail(frames_node, "frames must be a non-empty list")
        return version, [(self.frame(n), n) for n in frames_node.value]


def _read_lexicon(path: str | Path | None) -> tuple[str, bytes]:
    if path is None:
        resource = importlib.resources.files("analysis").joinpath(DEFAULT_LEXICON)
        return f"analysis/{DEFAULT_LEXICON}", resource.read_bytes()
    return str(path), Path(path).read_bytes()


def load_frames(path: str | Path | Sequence[str | Path | None] | None = None) -> FrameSet:
    """Read and validate frame files; ``None`` is the lexicon shipped with the package.

    Pass a list to combine files, e.g. ``[None, "my_frames.yaml"]`` adds the
    researcher's frames to the shipped ones; a frame id defined twice is an error.
    Any malformation raises :class:`analysis.lexicons.LexiconError` naming file and line.

    Example
    -------
    >>> frames = load_frames()
    >>> frames["japan_rivalry"].rules[0].id
    'overtake_japan'
    """
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    versions, frames, sources, hashes = [], [], [], []
    seen: dict[str, str] = {}
    for p in paths:
        name, data = _read_lexicon(p)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise LexiconError(name, None, f"not UTF-8: {error}") from None
        reader = _Reader(name)
        version, parsed = reader.frameset(text)
        for frame, node in parsed:
            if frame.id in seen:
                reader.fail(node, f"duplicate frame id {frame.id!r} (first defined in {seen[frame.id]})")
            seen[frame.id] = name
            frames.append(frame)
        versions.append(version)
        sources.append(name)
        hashes.append(hashlib.sha256(data).hexdigest())
    return FrameSet("+".join(versions), tuple(frames), tuple(sources), tuple(hashes))


def _as_frameset(frames: FrameSet | str | Path | Sequence | None) -> FrameSet:
    return frames if isinstance(frames, FrameSet) else load_frames(frames)


def list_frame_lemmas(frames: FrameSet | None = None) -> pd.DataFrame:
    """Every lemma named in the rules, tidy: frame, rule, lemma (sorted, unique).

    Useful as ``terms`` for :func:`analysis.rhetoric.build_cooccurrence_network`.

    Example
    -------
    >>> "일본" in set(list_frame_lemmas().lemma)
    True
    """
    frames = _as_frameset(frames)
    rows = set()
    for frame in frames.frames:
        for rule in frame.rules:
            patterns = list(rule.match) + [p for c in rule.near for p in c.patterns]
            for pattern in patterns:
                for slot in pattern.slots:
                    rows.update((frame.id, rule.id, t.lemma) for t in slot if t.lemma)
    return pd.DataFrame(sorted(rows), columns=["frame", "rule", "lemma"])


# --------------------------------------------------------------------------- matching


class _Index:
    """Morphemes of all sentences as flat numpy arrays, sorted by sentence and offset.

    Every term is looked up in inverted indexes (row positions per lemma and per tag),
    patterns and windows are then checked on those sparse positions with
    ``searchsorted``, so the cost grows with the number of matches, not with rules x
    rows, and no Python loop runs over sentences.
    """

    def __init__(self, morphemes: pd.DataFrame):
        doc_codes, doc_ids = pd.factorize(morphemes["doc_id"])  # codes in order of appearance
        sent_id = morphemes["sent_id"].to_numpy(np.int64)
        start = morphemes["start"].to_numpy(np.int64)
        key = doc_codes.astype(np.int64) * (int(sent_id.max()) + 1) + sent_id
        step = np.diff(key)
        # The text layer already emits rows in order; sorting is only for other inputs.
        if (step < 0).any() or (np.diff(start)[step == 0] < 0).any():
            order = np.lexsort((start, key))
            key, start = key[order], start[order]
        else:
            order = None
        take = (lambda a: a) if order is None else (lambda a: a[order])
        self.n = len(key)
        self.start = start
        self.end = take(morphemes["end"].to_numpy(np.int64))
        new = np.r_[True, key[1:] != key[:-1]] if self.n else np.zeros(0, bool)
        self.sent = np.cumsum(new) - 1
        self.sent_first = np.flatnonzero(new)
        self.sent_last = np.r_[self.sent_first[1:] - 1, self.n - 1]
        rows = self.sent_first if order is None else order[self.sent_first]
        self.keys = pd.DataFrame({"doc_id": np.asarray(doc_ids)[doc_codes[rows]], "sent_id": sent_id[rows]})
        lemma_codes, lemmas = pd.factorize(morphemes["lemma"].astype(str))
        folded_codes, folded = pd.factorize(pd.Index(lemmas).str.casefold())
        self.lemma_code = {lemma: code for code, lemma in enumerate(folded)}
        self.lemma_pos = self._invert(take(folded_codes[lemma_codes]) if len(lemma_codes) else lemma_codes, len(folded))
        tag_codes, tags = pd.factorize(morphemes["tag"].astype(str))
        self.tag_codes = take(tag_codes)
        self.tags = pd.Index(tags)
        self.tag_pos = self._invert(self.tag_codes, len(tags))
        self._cache: dict = {}

    @staticmethod
    def _invert(codes: np.ndarray, n_codes: int) -> list[np.ndarray]:
        """Sorted row positions of every code."""
        order = np.argsort(codes, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=n_codes))]
        return [order[bounds[c]:bounds[c + 1]] for c in range(n_codes)]

    def term(self, term: Term) -> np.ndarray:
        """Sorted rows matching one term."""
        key = ("t", term)
        if key not in self._cache:
            tag_ok = np.ones(len(self.tags), bool) if term.tag is None else np.asarray(self.tags.str.startswith(term.tag))
            if term.lemma is not None:
                code = self.lemma_code.get(term.lemma)
                rows = self.lemma_pos[code] if code is not None else np.zeros(0, np.int64)
                rows = rows[tag_ok[self.tag_codes[rows]]]
            else:
                rows = self._union([self.tag_pos[c] for c in np.flatnonzero(tag_ok)])
            self._cache[key] = rows
        return self._cache[key]

    def _union(self, arrays: list[np.ndarray]) -> np.ndarray:
        """Sorted union of sorted row arrays (a bit mask when they are large)."""
        if len(arrays) == 1:
            return arrays[0]
        if sum(len(a) for a in arrays) > self.n // 16:
            mask = np.zeros(self.n, bool)
            for a in arrays:
                mask[a] = True
            return np.flatnonzero(mask)
        rows = np.sort(np.concatenate(arrays or [np.zeros(0, np.int64)]))
        return rows[np.r_[True, rows[1:] != rows[:-1]]] if len(rows) else rows

    def slot(self, slot: tuple[Term, ...]) -> np.ndarray:
        return self._union([self.term(t) for t in slot])

    def pattern(self, pattern: Pattern) -> np.ndarray:
        """Sorted rows where ``pattern`` starts."""
        key = ("p", pattern.slots)
        if key not in self._cache:
            rows = self.slot(pattern.slots[0])
            for k, slot in enumerate(pattern.slots[1:], start=1):
                nxt = self.slot(slot)
                rows = rows[rows + k < self.n]
                at = np.searchsorted(nxt, rows + k)
                found = np.zeros(len(rows), bool)
                found[at < len(nxt)] = nxt[at[at < len(nxt)]] == rows[at < len(nxt)] + k
                rows = rows[found & (self.sent[np.minimum(rows + k, self.n - 1)] == self.sent[rows])]
            self._cache[key] = rows
        return self._cache[key]

    def matches(self, patterns: tuple[Pattern, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(first, last) rows of every match of any pattern."""
        firsts = [self.pattern(p) for p in patterns]
        lasts = [f + len(p.slots) - 1 for f, p in zip(firsts, patterns)]
        return np.concatenate(firsts), np.concatenate(lasts)

    def condition_index(self, cond: Condition):
        """Matches sorted by last row (with the longest match's first row) and by first
        row (with the longest match's last row), for nearest-neighbour lookups."""
        key = ("c", cond.patterns)
        if key not in self._cache:
            first, last = self.matches(cond.patterns)
            by_last = pd.DataFrame({"first": first, "last": last}).groupby("last")["first"].min()
            by_first = pd.DataFrame({"first": first, "last": last}).groupby("first")["last"].max()
            self._cache[key] = (by_last.index.to_numpy(np.int64), by_last.to_numpy(np.int64),
                                by_first.index.to_numpy(np.int64), by_first.to_numpy(np.int64))
        return self._cache[key]

    def locate(self, cond: Condition, a_first: np.ndarray, a_last: np.ndarray):
        """For anchors spanning rows [a_first, a_last]: whether ``cond`` holds, and the
        rows (first, last) of the nearest term that satisfies it (the anchor if none)."""
        ends, ends_first, starts, starts_last = self.condition_index(cond)
        big = np.iinfo(np.int64).max // 4
        sent = self.sent[a_first]
        ok = np.zeros(len(a_first), bool)
        p_first, p_last = a_first.copy(), a_last.copy()
        dist = np.full(len(a_first), big)
        if cond.direction in ("before", "any") and len(ends):
            j = np.searchsorted(ends, a_first, side="left") - 1
            e = ends[np.maximum(j, 0)]
            lo = self.sent_first[sent] if cond.window is None else np.maximum(self.sent_first[sent], a_first - cond.window)
            hit = (j >= 0) & (e >= lo)
            d = np.where(hit, a_first - e, big)
            p_first = np.where(hit, ends_first[np.maximum(j, 0)], p_first)
            p_last = np.where(hit, e, p_last)
            ok |= hit
            dist = d
        if cond.direction in ("after", "any") and len(starts):
            j = np.searchsorted(starts, a_last, side="right")
            s = starts[np.minimum(j, len(starts) - 1)]
            hi = self.sent_last[sent] if cond.window is None else np.minimum(self.sent_last[sent], a_last + cond.window)
            hit = (j < len(starts)) & (s <= hi)
            better = hit & (s - a_last < dist)
            p_first = np.where(better, s, p_first)
            p_last = np.where(better, starts_last[np.minimum(j, len(starts) - 1)], p_last)
            ok |= hit
        return ok, p_first, p_last

    def apply(self, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
        """Rows where the rule's hits start and end (the anchor plus ``near`` terms)."""
        first, last = self.matches(rule.match)
        keep = np.ones(len(first), bool)
        span_first, span_last = first.copy(), last.copy()
        for cond in rule.near:
            ok, pf, pl = self.locate(cond, first, last)
            keep &= ok
            span_first, span_last = np.minimum(span_first, pf), np.maximum(span_last, pl)
        for cond in rule.exclude:
            keep &= ~self.locate(cond, first, last)[0]
        return span_first[keep], span_last[keep]


def _empty_hits(extra: Iterable[str] = ()) -> pd.DataFrame:
    return pd.DataFrame(columns=HIT_COLUMNS + list(extra))


def match_frames(sentences: pd.DataFrame, morphemes: pd.DataFrame, frames: FrameSet | str | Path | None = None,
                 quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Apply every rule of every frame; one row per hit.

    Columns: doc_id, para_id, sent_id, frame, rule, match (surface text cut from the
    sentence by offsets), start, end (offsets into the sentence text), voice, speaker,
    then any further columns of ``sentences`` (e.g. city, year). Hits of one frame that
    overlap in a sentence count once (the earliest, then the first rule in the file).
    Sorted by doc_id, sent_id, start, then frame order in the lexicon.

    ``voice`` and ``speaker`` are the sentence's. Kiwi keeps a quote and its reporting
    clause in one sentence (``권 시장은 "…"며 정부에 의존을 경계했다``), so pass the
    ``quotes`` table of :mod:`analysis.text` to decide per hit instead: see
    :func:`attribute_hits_to_quotes`.

    Example
    -------
    >>> from analysis.text import analyse_texts  # doctest: +SKIP
    >>> t = analyse_texts(["일본을 뛰어넘어야 한다."])  # doctest: +SKIP
    >>> match_frames(t.sentences, t.morphemes)[["frame", "match"]].values.tolist()  # doctest: +SKIP
    [['japan_rivalry', '일본을 뛰어넘']]
    """
    frames = _as_frameset(frames)
    extra = [c for c in sentences.columns if c not in SENTENCE_COLUMNS]
    if morphemes.empty or sentences.empty:
        return _empty_hits(extra)
    index = _Index(morphemes)
    parts = []
    for order, frame in enumerate(frames.frames):
        for rule_order, rule in enumerate(frame.rules):
            first, last = index.apply(rule)
            if len(first):
                parts.append(pd.DataFrame({
                    "_sent": index.sent[first], "start": index.start[first], "end": index.end[last],
                    "frame": frame.id, "rule": rule.id, "_order": order, "_rule_order": rule_order,
                }))
    if not parts:
        return _empty_hits(extra)
    hits = pd.concat(parts, ignore_index=True)
    # One place, one hit: overlapping hits of one frame in a sentence (위기를 ... 기회로
    # found by two rules) count once, so prevalence does not depend on rule overlap.
    hits = hits.sort_values(["_sent", "_order", "start", "_rule_order", "end"], kind="stable")
    reach = hits.groupby(["_sent", "_order"], sort=False)["end"].cummax()
    previous_reach = reach.groupby([hits["_sent"], hits["_order"]], sort=False).shift(1)
    hits = hits[~(hits["start"] < previous_reach)]
    hits = pd.concat([index.keys.iloc[hits["_sent"].to_numpy()].reset_index(drop=True),
                      hits.reset_index(drop=True)], axis=1)
    sent_cols = ["doc_id", "sent_id", "para_id", "text", "voice", "speaker"] + extra
    sent = sentences[[c for c in sent_cols if c in sentences.columns]]
    hits = hits.merge(sent, on=["doc_id", "sent_id"], how="left", validate="many_to_one")
    hits["match"] = [t[s:e] if isinstance(t, str) else "" for t, s, e in zip(hits["text"], hits["start"], hits["end"])]
    for col in ("para_id", "voice", "speaker"):
        if col not in hits:
            hits[col] = pd.NA
    hits = hits.sort_values(["doc_id", "sent_id", "start", "_order", "_rule_order"], kind="stable")
    hits = hits[HIT_COLUMNS + extra].reset_index(drop=True)
    return hits if quotes is None else attribute_hits_to_quotes(hits, sentences, quotes)


def locate_quotes(sentences: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Character spans of quoted speech within each sentence's text.

    The quotes table names the quoted text, not its offsets; each quote is searched in
    its sentence after the previous one. Columns: doc_id, sent_id, quote_id, q_start,
    q_end, q_speaker. Quotes not found verbatim (e.g. continued across paragraphs) are
    left out.

    Example
    -------
    >>> s = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "text": ['박 시장은 "길을 연다"고 말했다.']})
    >>> q = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "quote_id": [1], "text": ["길을 연다"], "speaker": ["박민호"]})
    >>> locate_quotes(s, q)[["q_start", "q_end", "q_speaker"]].values.tolist()
    [[7, 12, '박민호']]
    """
    q = quotes[["doc_id", "sent_id", "quote_id", "text", "speaker"]].merge(
        sentences[["doc_id", "sent_id", "text"]].rename(columns={"text": "_sentence"}), on=["doc_id", "sent_id"])
    q = q.sort_values(["doc_id", "sent_id", "quote_id"], kind="stable")
    rows, last_key, pos = [], None, 0
    for doc, sent, qid, text, speaker, sentence in q.itertuples(index=False):
        if (doc, sent) != last_key:
            last_key, pos = (doc, sent), 0
        at = sentence.find(text, pos) if text else -1
        if at < 0:
            continue
        rows.append((doc, sent, qid, at, at + len(text), speaker))
        pos = at + len(text)
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "quote_id", "q_start", "q_end", "q_speaker"])


def attribute_hits_to_quotes(hits: pd.DataFrame, sentences: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Voice and speaker per hit: ``quote`` (with the quote's speaker) when most of the
    hit lies inside a quoted span of its sentence, else ``narration`` with speaker ``""``.

    The sentence's own voice is kept as ``sentence_voice``. Sentences whose quotes
    could not be located keep the sentence-level voice and speaker.

    Example
    -------
    >>> s = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "voice": ["quote"], "speaker": ["박민호"],
    ...                   "text": ['박 시장은 "길을 연다"며 정부 의존을 경계했다.']})
    >>> q = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "quote_id": [1], "text": ["길을 연다"], "speaker": ["박민호"]})
    >>> h = pd.DataFrame({"doc_id": ["0", "0"], "sent_id": [1, 1], "start": [7, 15], "end": [9, 20],
    ...                   "voice": ["quote", "quote"], "speaker": ["박민호", "박민호"]})
    >>> attribute_hits_to_quotes(h, s, q)[["voice", "speaker"]].values.tolist()
    [['quote', '박민호'], ['narration', '']]
    """
    spans = locate_quotes(sentences, quotes)
    out = hits.assign(sentence_voice=hits["voice"], _row=np.arange(len(hits)))
    pairs = out[["_row", "doc_id", "sent_id", "start", "end"]].merge(spans, on=["doc_id", "sent_id"])
    overlap = np.minimum(pairs["end"], pairs["q_end"]) - np.maximum(pairs["start"], pairs["q_start"])
    inside = pairs[overlap * 2 > (pairs["end"] - pairs["start"])].drop_duplicates("_row")
    located = out.set_index(["doc_id", "sent_id"]).index.isin(spans.set_index(["doc_id", "sent_id"]).index)
    speaker_of = dict(zip(inside["_row"], inside["q_speaker"]))
    in_quote = out["_row"].isin(speaker_of)
    out["voice"] = np.where(in_quote, "quote", np.where(located, "narration", out["voice"]))
    out["speaker"] = np.where(in_quote, out["_row"].map(speaker_of), np.where(located, "", out["speaker"]))
    return out.drop(columns="_row")


def check_frame_examples(frames: FrameSet | str | Path | None = None) -> pd.DataFrame:
    """Run each frame's example sentences through :mod:`analysis.text` and the rules.

    Returns frame, kind ('positive'|'negative'), example, matched (bool) and passed
    (positive examples must carry the frame, negative ones must not): a quick check
    for researchers editing a frame file.

    Example
    -------
    >>> check_frame_examples().passed.all()  # doctest: +SKIP
    True
    """
    from analysis.text import analyse_texts

    frames = _as_frameset(frames)
    rows = [(f.id, kind, text) for f in frames.frames
            for kind, texts in (("positive", f.positive), ("negative", f.negative)) for text in texts]
    table = pd.DataFrame(rows, columns=["frame", "kind", "example"])
    if table.empty:
        return table.assign(matched=pd.Series(dtype=bool), passed=pd.Series(dtype=bool))
    tables = analyse_texts(table["example"].tolist())
    hits = match_frames(tables.sentences, tables.morphemes, frames)
    found = set(zip(hits["doc_id"].astype(str), hits["frame"]))
    table["matched"] = [(str(i), f) in found for i, f in zip(range(len(table)), table["frame"])]
    table["passed"] = table["matched"] == (table["kind"] == "positive")
    return table


# --------------------------------------------------------------------------- output


def make_concordance(hits: pd.DataFrame, sentences: pd.DataFrame, width: int = 30) -> pd.DataFrame:
    """Key word in context: up to ``width`` characters of the sentence either side.

    Columns: doc_id, para_id, sent_id, frame, rule, speaker, voice, left, match, right.

    Example
    -------
    >>> s = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "text": ["이제 일본을 뛰어넘어야 한다."]})
    >>> h = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "frame": ["japan_rivalry"], "start": [3], "end": [10]})
    >>> make_concordance(h, s, width=3)[["left", "match", "right"]].values.tolist()
    [['이제 ', '일본을 뛰어넘', '어야 ']]
    """
    text = sentences[["doc_id", "sent_id", "text"]]
    df = hits.drop(columns=[c for c in ("text", "match") if c in hits]).merge(text, on=["doc_id", "sent_id"], how="left")
    starts, ends = df["start"].astype(int).to_numpy(), df["end"].astype(int).to_numpy()
    df["left"] = [t[max(0, s - width):s] for t, s in zip(df["text"], starts)]
    df["match"] = [t[s:e] for t, s, e in zip(df["text"], starts, ends)]
    df["right"] = [t[e:e + width] for t, e in zip(df["text"], ends)]
    cols = [c for c in ["doc_id", "para_id", "sent_id", "frame", "rule", "speaker", "voice"] if c in df]
    return df[cols + ["left", "match", "right"]].reset_index(drop=True)


def run_frames(table: pd.DataFrame, out_csv: str | Path, lexicon: FrameSet | str | Path | None = None,
               text_col: str = "text", id_col: str | None = None) -> pd.DataFrame:
    """Analyse a table of texts and write one row per frame match to ``out_csv``.

    ``table`` needs an id column (``doc_id``, else ``id``, or ``id_col``) and
    ``text_col``; its other columns are carried through (one named like a hit column,
    e.g. a document's ``speaker``, as ``doc_speaker``). Output columns: the id column,
    carried columns, para_id, sent_id, frame, rule, sentence, match, start, end, voice,
    speaker (voice and speaker per hit, from the quotes found in the text). The CSV is
    written atomically (UTF-8, ``\\n`` line ends).

    Example
    -------
    >>> df = pd.DataFrame({"id": ["a1"], "text": ["우리는 일본을 뛰어넘어야 한다."]})
    >>> run_frames(df, "output/frame_hits.csv")[["id", "frame"]].values.tolist()  # doctest: +SKIP
    [['a1', 'japan_rivalry']]
    """
    from analysis.io import write_table
    from analysis.text import analyse_documents

    if id_col is None:
        id_col = "doc_id" if "doc_id" in table else "id"
    for col in (id_col, text_col):
        if col not in table:
            raise ValueError(f"input table has no column {col!r} (columns: {', '.join(map(str, table.columns))})")
    if table[id_col].duplicated().any():
        raise ValueError(f"column {id_col!r} has duplicate ids, e.g. {table[id_col][table[id_col].duplicated()].iloc[0]!r}")
    frames = _as_frameset(lexicon)
    # Documents are numbered by position; a title, speaker or office column helps the
    # text layer attribute quotes (the speaker is the fallback for unattributed ones).
    documents = pd.DataFrame({"doc_id": np.arange(len(table)).astype(str),
                              "text": table[text_col].fillna("").astype(str).to_numpy()})
    for col in ("title", "speaker", "office"):
        if col in table and col != text_col:
            documents[col] = table[col].fillna("").astype(str).to_numpy()
    tables = analyse_documents(documents, progress=False)
    hits = match_frames(tables.sentences, tables.morphemes, frames, quotes=tables.quotes)
    sent_text = tables.sentences[["doc_id", "sent_id", "text"]].rename(columns={"text": "sentence"})
    hits = hits[HIT_COLUMNS].merge(sent_text, on=["doc_id", "sent_id"], how="left")
    # Map the positional doc_id back to the caller's id and columns.
    carried = table.drop(columns=[text_col]).reset_index(drop=True)
    own = set(HIT_COLUMNS) | {"sentence"}
    # A document-level column named like a hit column (speaker, voice) is kept as doc_<name>.
    carried = carried.rename(columns={c: f"doc_{c}" for c in carried.columns if c in own and c != id_col})
    carried["_pos"] = np.arange(len(carried)).astype(str)
    hits = hits.rename(columns={"doc_id": "_pos"}).merge(carried, on="_pos", how="left").drop(columns="_pos")
    other = [c for c in carried.columns if c not in ("_pos", id_col)]
    cols = [id_col] + other + ["para_id", "sent_id", "frame", "rule", "sentence", "match", "start", "end", "voice", "speaker"]
    out = hits[cols].reset_index(drop=True)
    write_table(out, out_csv)
    return out
