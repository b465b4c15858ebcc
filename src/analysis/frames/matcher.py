"""Frame matching: every rule of a frame set applied to the morphemes of each sentence.

The morpheme table of :mod:`analysis.text` is indexed once (:class:`_Index`: row
positions per lemma and per tag), and each rule is then evaluated on the sparse
positions of its terms, so cost grows with the number of matches, not rules x rows.
A hit keeps its sentence's ids, voice and speaker; with the text layer's quotes table
each hit instead takes the voice of its own span (:func:`attribute_hits_to_quotes`).

Example
-------
>>> from analysis.text import analyse_texts
>>> t = analyse_texts(['권 시장은 "우리의 운명은 우리가 개척한다"고 말했다.'])
>>> match_frames(t.sentences, t.morphemes, quotes=t.quotes)[["frame", "match", "voice"]].values.tolist()
[['self_determination', '운명은 우리가 개척한', 'quote']]
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.frames.lexicon import Condition, FrameSet, Pattern, Rule, Term, ensure_frameset
from analysis.text import SENTENCE_COLUMNS, analyse_texts, find_own_voice_documents, find_quote_of_spans

__all__ = ["HIT_COLUMNS", "attribute_hits_to_quotes", "check_frame_examples", "find_cue_sentences", "index_morphemes",
           "match_frames", "resolve_frame_ids"]

HIT_COLUMNS = ["doc_id", "para_id", "sent_id", "frame", "rule", "match", "start", "end", "voice", "speaker"]


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

    def __len__(self) -> int:
        return self.n

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
            # Sorted by last then first, the first row of each last is its smallest first;
            # sorted by first then descending last, the first row of each first is its largest last.
            order = np.lexsort((first, last))
            ends, ends_first = last[order], first[order]
            keep = np.r_[True, ends[1:] != ends[:-1]] if len(ends) else np.zeros(0, bool)
            order = np.lexsort((-last, first))
            starts, starts_last = first[order], last[order]
            head = np.r_[True, starts[1:] != starts[:-1]] if len(starts) else np.zeros(0, bool)
            self._cache[key] = (ends[keep].astype(np.int64), ends_first[keep].astype(np.int64),
                                starts[head].astype(np.int64), starts_last[head].astype(np.int64))
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


def index_morphemes(morphemes) -> _Index:
    """The matcher's index of a morphemes table (an index passes through): build it once
    to run both :func:`match_frames` and :func:`find_cue_sentences` on one batch."""
    return morphemes if isinstance(morphemes, _Index) else _Index(morphemes)


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
    ``morphemes`` may also be :func:`index_morphemes` of the table, built once for several calls.

    ``voice`` and ``speaker`` are the sentence's. Kiwi keeps a quote and its reporting
    clause in one sentence (``권 시장은 "…"며 정부에 의존을 경계했다``), so pass the
    ``quotes`` table of :mod:`analysis.text` to decide per hit instead: see
    :func:`attribute_hits_to_quotes`.

    Example
    -------
    >>> from analysis.text import analyse_texts
    >>> t = analyse_texts(["일본을 뛰어넘어야 한다."])
    >>> match_frames(t.sentences, t.morphemes)[["frame", "match"]].values.tolist()
    [['japan_rivalry', '일본을 뛰어넘']]
    """
    frames = ensure_frameset(frames)
    extra = [c for c in sentences.columns if c not in SENTENCE_COLUMNS]
    if not len(morphemes) or sentences.empty:
        return _empty_hits(extra)
    index = index_morphemes(morphemes)
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


def attribute_hits_to_quotes(hits: pd.DataFrame, sentences: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Voice and speaker per hit: ``quote`` with the quotation's speaker when most of the
    hit lies inside a quotation, else ``narration`` with speaker ``""`` (a news article's
    reporter) or, in a document in its speaker's own voice (a speech), ``own`` with that
    speaker.

    The rule and the quotations' offsets come from the text layer
    (:func:`analysis.text.find_quote_of_spans`); the sentence's own voice is kept as
    ``sentence_voice``.

    Example
    -------
    >>> t = analyse_texts(['박민호 부산시장은 "일본을 뛰어넘어야 한다"며 정부에 의존하지 말자고 했다.'])
    >>> h = match_frames(t.sentences, t.morphemes)
    >>> attribute_hits_to_quotes(h, t.sentences, t.quotes)[["frame", "voice", "speaker"]].values.tolist()
    [['japan_rivalry', 'quote', '박민호'], ['self_determination', 'narration', '']]
    """
    quote_id = find_quote_of_spans(hits, sentences, quotes).to_numpy()
    speakers = pd.Series(quotes["speaker"].to_numpy(), index=pd.MultiIndex.from_arrays([quotes["doc_id"], quotes["quote_id"]]))
    speaker = speakers.reindex(pd.MultiIndex.from_arrays([hits["doc_id"], quote_id])).to_numpy()
    in_quote = quote_id > 0
    # Outside quotations: the reporter's narration, or in a speech the speaker's own words.
    own = find_own_voice_documents(sentences)
    in_own = hits["doc_id"].isin(own).to_numpy()
    own_speaker = np.array([own.get(d, "") for d in hits["doc_id"]], dtype=object)
    outside = np.where(in_own, "own", "narration")
    return hits.assign(voice=np.where(in_quote, "quote", outside),
                       speaker=np.where(in_quote, speaker, own_speaker),
                       sentence_voice=hits["voice"])


def find_cue_sentences(morphemes: pd.DataFrame, frames: FrameSet | str | Path | None = None) -> pd.DataFrame:
    """Sentences holding any of a frame's ``cues``: doc_id, sent_id, frame (one row each).

    Example
    -------
    >>> t = analyse_texts(["위기가 닥쳤다.", "날씨가 맑다."])
    >>> find_cue_sentences(t.morphemes).query("frame == 'crisis_as_opportunity'")[["doc_id", "sent_id"]].values.tolist()
    [['0', 1]]
    """
    frames = ensure_frameset(frames)
    parts = []
    if len(morphemes):
        index = index_morphemes(morphemes)
        for frame in frames.frames:
            if frame.cues:
                first, _ = index.matches(frame.cues)
                parts.append(index.keys.iloc[np.unique(index.sent[first])].assign(frame=frame.id))
    if not parts:
        return pd.DataFrame(columns=["doc_id", "sent_id", "frame"])
    return pd.concat(parts, ignore_index=True)


def check_frame_examples(frames: FrameSet | str | Path | None = None) -> pd.DataFrame:
    """Run each frame's example sentences through :mod:`analysis.text` and the rules.

    Returns frame, kind ('positive'|'negative'), example, matched (bool) and passed
    (positive examples must carry the frame, negative ones must not): a quick check
    for researchers editing a frame file.

    Example
    -------
    >>> bool(check_frame_examples().passed.all())
    True
    """
    frames = ensure_frameset(frames)
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


def resolve_frame_ids(hits: pd.DataFrame, frames) -> list[str]:
    """The frames to report: ``frames`` (ids or a FrameSet) in its order, else those hit, sorted."""
    if frames is None:
        return sorted(hits["frame"].unique())
    return list(getattr(frames, "ids", frames))
