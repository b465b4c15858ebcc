"""Quoted speech in Korean news, and who said it.

Model
-----
Korean news reports speech as a double-quoted span followed by a quotative ending and a
reporting verb (``"…"고 말했다``, ``"…"며 "…"고 강조했다``, ``"…"라며``), and names the
speaker once in full (``박민호 부산시장은``) before referring back to them (``박 시장은``,
``그는``) or not at all (``이어 "…"``).

1. **Spans.** Each document's paragraphs (title first) are scanned for double quotes:
   ``“`` opens, ``”`` closes, a straight ``"`` toggles. Single quotes (‘…’) mark titles
   and terms, not speech, and are ignored. A quote still open at the end of a paragraph
   continues into the next one when that paragraph's first double quote closes it;
   otherwise it ends with its paragraph (an unclosed quote, trimmed before a trailing
   ``…다고 강조했다``).
2. **Speech or term.** A span is speech when a quotative ending follows it (고, 라고,
   며, 라며, 면서, ...), when it is unclosed, or when nothing word-like follows it and it
   is clause-sized or in the title (``이용섭 광주시장 "4차 산업혁명은 … 기회"``). A short
   span followed by a particle (``"광주형 일자리"를``) is a term.
3. **Speaker.** Within each sentence, quoted spans are masked and person mentions found
   in the remaining narration: a name (a common surname plus one or two syllables) before
   an office, perhaps with a body between (``문영훈 광주시행정부시장``, ``정태식
   세종시의회 의장``); a name already seen or given by the manifest (``권영진,``); a
   back-reference (``강 시장은``), resolved to the latest full mention or manifest speaker
   with that surname and office, and left as written when none matches; or a pronoun
   (``그는``), resolved to the current speaker. A quote belongs to
   the last subject mention (은/는/이/가) before it, with any co-subjects listed before
   that (``A 국장, B 실장은`` -> ``"A, B"``); else to a mention standing right before
   it (headlines); else to the first subject after it (``"…"라고 박 시장은 말했다``);
   else to the current speaker (the last one attributed or named as a subject); else to
   the document's own ``speaker`` (the manifest), or ``""`` when there is none.
4. **Verb.** The reporting verb is the first verb after the quote (outside quotes) that
   ends a clause (a final ending, or 고 as in 말했고), as a lemma: 말하다, 강조하다.

A sentence overlapping a speech span has voice ``quote`` and that span's speaker; all
other sentences are ``narration`` with speaker ``""``.

The quotes table (:data:`QUOTE_COLUMNS`) has one row per speech span: the sentence where
it opens (``para_id``, ``sent_id``), ``quote_id`` (1, 2, ... per document), ``start`` and
``end`` (the quoted text without its marks and outer spaces, as offsets into the document's
text, or its title for para_id 0: the coordinates of the sentences table), ``text``,
``speaker`` and ``verb``. A smaller span (a frame hit, a morpheme) takes the voice of the
quote holding most of it: :func:`find_quote_of_spans`, the one place that decides it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.settings import speaks_for_itself

__all__ = ["OFFICES", "QUOTE_COLUMNS", "SURNAMES", "QuoteSpan", "attribute_quotes", "find_own_voice_documents",
           "find_quote_of_spans", "find_quote_spans", "mark_own_voice"]

QUOTE_COLUMNS = ["doc_id", "para_id", "sent_id", "quote_id", "start", "end", "text", "speaker", "verb"]

# Longest first, so that 부시장 wins over 시장 and 구청장 over 청장.
OFFICES = sorted(
    "시장 부시장 도지사 지사 군수 구청장 청장 국장 실장 본부장 과장 위원장 의장 대변인 장관 차관 대통령 "
    "총리 의원 대표 교수 원장 회장 사장 총장 센터장 단장 소장 팀장 부장 정책관 기획관".split(),
    key=len, reverse=True,
)
_OFFICE = "|".join(OFFICES)
# Common Korean surnames: a name is a surname plus one or two syllables (or a two-syllable
# surname plus one or two), which keeps words like 대구시는 or 이끈 from passing as names.
SURNAMES = sorted(
    "남궁 황보 제갈 선우 사공 서문 독고 김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 "
    "양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 "
    "마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 가 복 태 목 형 피 두 감 음 "
    "빈 동 온 호 범 좌 팽 승 간 상 시 갈".split(), key=len, reverse=True)
_SURNAME = "|".join(SURNAMES)
_NAME = rf"(?P<name>(?:{_SURNAME})[가-힣]{{1,2}})"
_PARTICLE = r"(?P<particle>께서|은|는|이|가|과|와|의|도)?(?![가-힣])"
# 박민호 부산시장은; and, where that finds nothing, 정태식 세종시의회 의장은 (name, body, office).
_FULL = re.compile(rf"(?<![가-힣]){_NAME}\s+(?P<office>[가-힣]*?(?:{_OFFICE})){_PARTICLE}")
_FULL_WITH_BODY = re.compile(
    rf"(?<![가-힣]){_NAME}\s+[가-힣A-Za-z0-9]+\s+(?P<office>[가-힣]*?(?:{_OFFICE})){_PARTICLE}")
_BACKREF = re.compile(rf"(?<![가-힣])(?P<surname>{_SURNAME})\s+(?P<office>{_OFFICE}){_PARTICLE}")
_ANY_OFFICE = re.compile(_OFFICE)
_PRONOUN = re.compile(r"(?<![가-힣])(?:그녀|그)(?P<particle>는|가)(?![가-힣])")
# Words that look like a name before an office but are not (이날 시장은, 당시 국장은).
_NOT_NAMES = frozenset("이날 당시 현재 전임 신임 지난 역대 이어 또한 한편 이에 특히 아울러 이번 오는 당초 차기 "
                       "초대 민선 관계자 정부 정부는 이후 이미 주요 부산 대구 광주 서울 인천 대전 울산 세종".split())
# Last syllables of places and bodies that start with a surname syllable (부산시, 경기도).
_PLACE_ENDINGS = tuple("시 도 군 청 회 당 처".split())
# Surnames that are more often words before an office: 전 시장 (former), 현 시장 (current).
_NOT_SURNAMES = frozenset("전 현 동 시 도 구".split())
_SUBJECT = {"은", "는", "이", "가", "께서"}
_DOUBLE = re.compile('["“”]')
_QUOTATIVE = re.compile(r"\s*(?:이?라|하)?(?:고|며|면서)(?![가-힣])")
_WORDLIKE = re.compile(r"\s*[가-힣A-Za-z0-9]")
_UNCLOSED_TAIL = re.compile(r"(?<=[다라요까])\.?\s*(?:이?라고|고|이?라며|며|면서)\s+(?:\S+\s+){0,3}?\S+다\.*\s*$")
_CHAIN_GAP = re.compile(r"^[\s,·]*(?:\([^)]*\)\s*)?$")
_CLAUSE_ENDINGS = {"고"}  # 말했고, …; not 며 (마무리하며 말했다)
_MASK = "\ufffc"


@dataclass
class QuoteSpan:
    """One quoted span: ``segments`` are ``(paragraph index, start, end)`` without the marks."""

    segments: list[tuple[int, int, int]] = field(default_factory=list)
    closed: bool = True
    speech: bool = True


@dataclass
class _Mention:
    start: int
    end: int
    names: tuple[str, ...]
    particle: str
    gap: str = ""  # narration between the previous mention and this one


def find_quote_spans(paragraphs: list[str], headlines: Iterable[int] = ()) -> list[QuoteSpan]:
    """Find double-quoted spans in a document's paragraphs and classify them as speech or term.

    Paragraphs whose index is in ``headlines`` (the title) never continue into the next
    paragraph, and any quote in them that ends the headline or a clause is speech,
    however short (``박 시장 "혁신"``).

    Example
    -------
    >>> spans = find_quote_spans(['그는 "우리가 개척한다"고 말했다. "스마트시티"를 만든다.'])
    >>> [(s.segments, s.speech) for s in spans]
    [([(0, 4, 12)], True), ([(0, 21, 26)], False)]
    """
    headlines = set(headlines)
    spans: list[QuoteSpan] = []
    current: QuoteSpan | None = None
    for index, text in enumerate(paragraphs):
        opened_at = 0 if current is not None else None
        for mark in _DOUBLE.finditer(text):
            char = mark.group()
            if opened_at is None and char in '"“':
                current, opened_at = QuoteSpan(), mark.end()
            elif opened_at is not None and char in '"”':
                current.segments.append((index, opened_at, mark.start()))
                current.speech = _looks_like_speech(text[opened_at:mark.start()], text[mark.end():],
                                                    index in headlines)
                spans.append(current)
                current, opened_at = None, None
        if opened_at is None:
            continue
        current.segments.append((index, opened_at, len(text)))
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
        if index in headlines or not _closes_first(following):
            tail = _UNCLOSED_TAIL.search(text, opened_at)
            if tail:
                current.segments[-1] = (index, opened_at, tail.start())
            current.closed = False
            spans.append(current)
            current = None
    return spans


def attribute_quotes(paragraphs: pd.DataFrame, sentences: pd.DataFrame, morphemes: pd.DataFrame,
                     speakers: dict[str, tuple[str, str]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark each sentence's voice and speaker and list the quotes, per the module's model.

    ``paragraphs`` has ``doc_id, para_id, offset, text`` in document order (the title as
    para_id 0, with offsets into the title); ``sentences`` and ``morphemes`` are the text
    layer's tables; ``speakers`` maps ``doc_id`` to the manifest's ``(speaker, office)``.
    Returns the sentences with ``voice`` and ``speaker`` added, and the quotes table.

    A quote's ``start`` and ``end`` index the document text (the title for para_id 0), so
    ``text[start:end]`` is the quote's ``text`` when it lies within one paragraph. A quote
    continued over paragraphs has ``start`` in its first paragraph and ``end`` in its last;
    its ``text`` joins the paragraphs' parts with a space.

    Example
    -------
    >>> from analysis.text import analyse_texts
    >>> tables = analyse_texts(['박민호 부산시장은 "우리가 개척한다"고 말했다.'])
    >>> tables.quotes[["start", "end", "text", "speaker", "verb"]].values.tolist()
    [[11, 19, '우리가 개척한다', '박민호', '말하다']]
    """
    speakers = speakers or {}
    # Only documents with a speech span are walked: the others (most speeches, few news
    # articles) are all narration. A double quote mark is the cheap first test.
    # Plain lists, sliced per document: iterating pandas (arrow-backed) columns is slow.
    marked = paragraphs["doc_id"][paragraphs["text"].str.contains(_DOUBLE.pattern)].unique()
    para_rows = _group_rows_by_doc(paragraphs[paragraphs["doc_id"].isin(marked)], ["para_id", "offset", "text"])
    spans = {doc_id: _document_spans(paras) for doc_id, paras in para_rows.items()}
    speaking = [doc_id for doc_id, found in spans.items() if any(span.speech for span in found)]
    verbs = _index_verbs(morphemes, speaking)
    positions = sentences.assign(index=range(len(sentences)))  # row numbers in the full table
    sent_rows = _group_rows_by_doc(positions[positions["doc_id"].isin(speaking)],
                                   ["index", "para_id", "start", "end", "sent_id", "text"])
    quoted: dict[int, str] = {}
    quotes: list[dict] = []
    for doc_id, rows in sent_rows.items():
        doc = _Document(doc_id, para_rows[doc_id], rows, speakers.get(doc_id, ("", "")), verbs, spans[doc_id])
        quoted.update(doc.attribute())
        quotes.extend({"doc_id": doc_id, **quote} for quote in doc.quotes)
    table = pd.DataFrame(quotes, columns=QUOTE_COLUMNS)
    table = table.astype({"doc_id": str, "para_id": "int64", "sent_id": "int64", "quote_id": "int64",
                          "start": "int64", "end": "int64", "text": str, "speaker": str, "verb": str})
    voice = ["quote" if i in quoted else "narration" for i in range(len(sentences))]
    who = [quoted.get(i, "") for i in range(len(sentences))]
    return sentences.assign(voice=pd.Series(voice, index=sentences.index, dtype=str),
                            speaker=pd.Series(who, index=sentences.index, dtype=str)), table


def mark_own_voice(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """In a speech, press release or interview (a ``source_type`` of
    :data:`analysis.settings.OWN_VOICE_SOURCES`), text outside quotation marks is the
    speaker's own words: such sentences get voice ``own`` and the document's ``speaker``.
    Quotations inside them stay ``quote``, someone else's words. Other documents (news
    articles) keep ``narration``, the reporter's.

    Example
    -------
    >>> s = pd.DataFrame({"doc_id": ["a", "a", "b"], "voice": ["narration", "quote", "narration"],
    ...                   "speaker": ["", "김", ""]})
    >>> d = pd.DataFrame({"doc_id": ["a", "b"], "source_type": ["speech", "news"], "speaker": ["문재인", "박"]})
    >>> mark_own_voice(s, d)[["voice", "speaker"]].values.tolist()
    [['own', '문재인'], ['quote', '김'], ['narration', '']]
    """
    if "source_type" not in documents.columns:
        return sentences
    own = documents[documents["source_type"].map(speaks_for_itself)]
    if own.empty:
        return sentences
    speakers = own["speaker"] if "speaker" in own.columns else pd.Series("", index=own.index)
    speaker_of = dict(zip(own["doc_id"].astype(str), speakers.fillna("").astype(str)))
    narrated = (sentences["voice"] == "narration") & sentences["doc_id"].isin(speaker_of)
    out = sentences.copy()
    out.loc[narrated, "voice"] = "own"
    out.loc[narrated, "speaker"] = out.loc[narrated, "doc_id"].map(speaker_of)
    return out


def find_own_voice_documents(sentences: pd.DataFrame) -> dict[str, str]:
    """``{doc_id: speaker}`` of the documents in their speaker's own voice, read from the
    sentences table (:func:`mark_own_voice` marked them), for spans outside quotations."""
    own = sentences.loc[sentences["voice"] == "own", ["doc_id", "speaker"]].drop_duplicates("doc_id")
    return dict(zip(own["doc_id"], own["speaker"]))


def find_quote_of_spans(spans: pd.DataFrame, sentences: pd.DataFrame, quotes: pd.DataFrame) -> pd.Series:
    """The quote each span lies in: ``quote_id`` per row of ``spans``, 0 where none.

    ``spans`` has ``doc_id, sent_id, start, end`` with offsets into the sentence's text
    (frame hits, morphemes); ``sentences`` (``doc_id, sent_id, para_id, start``) moves
    them into document coordinates, the title's for para_id 0, where ``quotes`` (the
    table of :func:`attribute_quotes`) has its ``start`` and ``end``. A span belongs to a
    quote when more than half of its characters lie in the quote's ``[start, end)``; a
    span of length 0 when its position does. Quotes of a document must not overlap (those
    of :func:`attribute_quotes` never do). Returns int64, aligned with ``spans``; join on
    ``doc_id, quote_id`` for the speaker.

    Example
    -------
    >>> s = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "para_id": [1], "start": [20],
    ...                   "text": ['박 시장은 "길을 연다"며 정부 의존을 경계했다.']})
    >>> q = pd.DataFrame({"doc_id": ["0"], "para_id": [1], "quote_id": [1], "start": [27], "end": [32]})
    >>> h = pd.DataFrame({"doc_id": ["0", "0"], "sent_id": [1, 1], "start": [7, 15], "end": [9, 20]})
    >>> find_quote_of_spans(h, s, q).tolist()
    [1, 0]
    """
    # Vectorised throughout: ``spans`` can be the whole morpheme table (~10M rows).
    # Each span is tested against one candidate, the last quote of its document (and
    # title or body) starting at or before the span's midpoint: a quote holding more
    # than half of a span holds its midpoint, and quotes do not overlap.
    quote_ids = np.zeros(len(spans), np.int64)
    docs = pd.Index(pd.unique(sentences["doc_id"]))
    quote_doc = docs.get_indexer(quotes["doc_id"]).astype(np.int64)
    if len(spans) and (quote_doc >= 0).any():
        doc = docs.get_indexer(spans["doc_id"]).astype(np.int64)
        row, start, end = _place_spans(spans, doc, sentences, docs)
        body = sentences["para_id"].to_numpy(np.int64)[np.maximum(row, 0)] != 0
        group = doc * 2 + body  # a document's title and body are two coordinate spaces
        known = quote_doc >= 0
        q_group = quote_doc[known] * 2 + (quotes["para_id"].to_numpy(np.int64)[known] != 0)
        q_start, q_end, q_id = (quotes[c].to_numpy(np.int64)[known] for c in ("start", "end", "quote_id"))
        # One sortable key per (group, doubled position): doubling keeps midpoints whole.
        width = 2 * (max(int(start.max()), int(end.max()), int(q_end.max())) + 1)
        order = np.argsort(q_group * width + 2 * q_start, kind="stable")
        q_group, q_start, q_end, q_id = q_group[order], q_start[order], q_end[order], q_id[order]
        candidate = np.searchsorted(q_group * width + 2 * q_start, group * width + start + end, side="right") - 1
        valid = (row >= 0) & (candidate >= 0)
        candidate[~valid] = 0
        c_start, c_end = q_start[candidate], q_end[candidate]
        overlap = np.minimum(end, c_end) - np.maximum(start, c_start)
        inside = np.where(end > start, overlap * 2 > end - start, (c_start <= start) & (start < c_end))
        inside &= valid & (q_group[candidate] == group)
        quote_ids[inside] = q_id[candidate[inside]]
    return pd.Series(quote_ids, index=spans.index, name="quote_id")


def _place_spans(spans: pd.DataFrame, doc: np.ndarray, sentences: pd.DataFrame, docs: pd.Index):
    """Each span's sentence row (-1 when not in ``sentences``) and its start and end in the
    document's coordinates (its sentence's ``start`` added); ``doc`` is its index in ``docs``."""
    sent_ids = sentences["sent_id"].to_numpy(np.int64)
    n_ids = int(sent_ids.max()) + 1
    keys = pd.Index(docs.get_indexer(sentences["doc_id"]).astype(np.int64) * n_ids + sent_ids)
    ids = spans["sent_id"].to_numpy(np.int64)
    known = (doc >= 0) & (ids >= 0) & (ids < n_ids)
    row = keys.get_indexer(np.where(known, doc * n_ids + ids, -1))
    base = sentences["start"].to_numpy(np.int64)[np.maximum(row, 0)]
    return row, base + spans["start"].to_numpy(np.int64), base + spans["end"].to_numpy(np.int64)


class _Sentence(NamedTuple):
    index: int  # row position in the sentences table
    par: int  # position of its paragraph in the document
    start: int  # offsets into the paragraph
    end: int
    sent_id: int
    para_id: int
    text: str


def _document_spans(paras: list[tuple]) -> list[QuoteSpan]:
    """Quote spans of one document's ``(para_id, offset, text)`` rows; the title is a headline."""
    return find_quote_spans([text for _, _, text in paras], [i for i, (pid, _, _) in enumerate(paras) if pid == 0])


class _Document:
    """Attribution state for one document: its sentences, spans, known persons, current speaker."""

    def __init__(self, doc_id, paras: list[tuple], sents: list[tuple], manifest: tuple[str, str], verbs,
                 spans: list[QuoteSpan]):
        self.doc_id, self.manifest, self.verbs, self.spans = doc_id, manifest, verbs, spans
        para_ids = [p for p, _, _ in paras]
        self.texts = [text for _, _, text in paras]
        self.offsets = [off for _, off, _ in paras]  # where each paragraph starts in the document
        position = {pid: i for i, pid in enumerate(para_ids)}
        offset = {pid: off for pid, off, _ in paras}
        self.rows = [_Sentence(i, position[p], s - offset[p], e - offset[p], sid, p, t) for i, p, s, e, sid, t in sents]
        self.by_par: dict[int, list[_Sentence]] = {}
        for row in self.rows:
            self.by_par.setdefault(row.par, []).append(row)
        # Sentences of a paragraph in order, with their starts and ends for bisection: a
        # paragraph of thousands of sentences and quotes is then not scanned per quote.
        for rows in self.by_par.values():
            rows.sort(key=lambda row: row.start)
        self.bounds = {par: ([row.start for row in rows], [row.end for row in rows])
                       for par, rows in self.by_par.items()}
        self.registry: list[tuple[str, str]] = [manifest] if manifest[0] else []
        self.current = ""
        self.quotes: list[dict] = []
        self.masks: dict[int, list[tuple[int, int]]] = {}  # quoted regions (marks included) per sentence

    def attribute(self) -> dict[int, str]:
        """Walk the sentences in order; return ``{sentence row: speaker}`` for quoted sentences."""
        masks = self.masks
        starts: dict[int, list[tuple[int, QuoteSpan]]] = {}
        for span in self.spans:
            for par, start, end in span.segments:  # mask the marks too: start - 1 .. end + 1
                for row in self._find_overlapping(par, start - 1, end + 1):
                    masks.setdefault(row.index, []).append((max(start - 1, row.start) - row.start,
                                                            min(end + 1, row.end) - row.start))
            first = span.segments[0]
            row = self._locate(first[0], first[1])
            if span.speech and row is not None:
                starts.setdefault(row.index, []).append((first[1] - row.start, span))
        quoted: dict[int, str] = {}
        for row in self.rows:
            narration = _mask(row.text, masks.get(row.index, []))
            mentions = self._find_mentions(narration)
            subjects = [m for m in mentions if m.particle in _SUBJECT and m.names]
            for qpos, span in sorted(starts.get(row.index, []), key=lambda item: item[0]):
                speaker = _choose_speaker(qpos, mentions, subjects, narration) or self.current or self.manifest[0]
                self.current = speaker
                start, end = self._find_offsets(span)
                self.quotes.append({
                    "para_id": row.para_id, "sent_id": row.sent_id, "quote_id": len(self.quotes) + 1,
                    "start": start, "end": end,
                    "text": " ".join(self.texts[p][s:e].strip() for p, s, e in span.segments).strip(),
                    "speaker": speaker, "verb": self._find_verb(span),
                })
                for par, start, end in span.segments:
                    for other in self._find_overlapping(par, start, end):
                        quoted.setdefault(other.index, speaker)
            if row.index not in starts and subjects:
                self.current = ", ".join(_collect_chain(subjects[-1], mentions))
        return quoted

    def _find_offsets(self, span: QuoteSpan) -> tuple[int, int]:
        """Document offsets of the span's text, stripped as the quote's ``text`` is: from its
        first to past its last non-blank character (both at the opening when it is blank)."""
        filled = [(p, s, e) for p, s, e in span.segments if self.texts[p][s:e].strip()]
        if not filled:
            par, start, _ = span.segments[0]
            return self.offsets[par] + start, self.offsets[par] + start
        (first, start, _), (last, _, end) = filled[0], filled[-1]
        start += len(self.texts[first][start:]) - len(self.texts[first][start:].lstrip())
        end -= len(self.texts[last][:end]) - len(self.texts[last][:end].rstrip())
        return self.offsets[first] + start, self.offsets[last] + end

    def _find_overlapping(self, par: int, start: int, end: int) -> list[_Sentence]:
        rows = self.by_par.get(par, [])
        if not rows:
            return []
        starts, ends = self.bounds[par]
        found = []
        for i in range(bisect.bisect_right(ends, start), len(rows)):
            if starts[i] >= end:
                break
            if start < ends[i]:
                found.append(rows[i])
        return found

    def _locate(self, par: int, pos: int) -> _Sentence | None:
        """The sentence holding character ``pos`` of paragraph ``par`` (or the last one before it)."""
        rows = self.by_par.get(par, [])
        if not rows:
            return None
        starts, _ = self.bounds[par]
        i = bisect.bisect_right(starts, pos) - 1
        return rows[i] if i >= 0 else None

    def _find_mentions(self, narration: str) -> list[_Mention]:
        """Person mentions in masked narration, in order; full mentions join the registry."""
        found: list[_Mention] = []
        has_office = _ANY_OFFICE.search(narration) is not None  # a cheap test before the costly patterns
        for pattern in (_FULL, _FULL_WITH_BODY) if has_office else ():
            for m in pattern.finditer(narration):
                if _is_name(m.group("name")) and not _overlaps(m, found):
                    self.registry.append((m.group("name"), m.group("office")))
                    found.append(_Mention(m.start(), m.end(), (m.group("name"),), m.group("particle") or ""))
        for m in _BACKREF.finditer(narration) if has_office else ():
            if m.group("surname") not in _NOT_SURNAMES and not _overlaps(m, found):
                name = _resolve(m.group("surname"), m.group("office"), self.registry)
                found.append(_Mention(m.start(), m.end(), (name,), m.group("particle") or ""))
        known = frozenset(name for name, _ in self.registry)
        if known:
            found += [_Mention(m.start(), m.end(), (m.group("name"),), m.group("particle") or "")
                      for m in _compile_names(known).finditer(narration) if not _overlaps(m, found)]
        found += [_Mention(m.start(), m.end(), (self.current,) if self.current else (), m.group("particle"))
                  for m in _PRONOUN.finditer(narration)]
        found.sort(key=lambda m: m.start)
        for before, after in zip(found, found[1:]):
            after.gap = narration[before.end:after.start]
        return found

    def _find_verb(self, span: QuoteSpan) -> str:
        """The first clause-ending verb after the span, outside any later quote, in its last sentence."""
        par, _, end = span.segments[-1]
        row = self._locate(par, end)  # the sentence holding the closing mark (Kiwi may start one there)
        if row is None:
            return ""
        rel = end - row.start
        quoted = self.masks.get(row.index, [])
        morphs = [m for m in self.verbs.get((self.doc_id, row.sent_id), [])
                  if m[0] >= rel and not any(a <= m[0] < b for a, b in quoted)]
        fallback = ""
        for i, (_, tag, lemma) in enumerate(morphs):
            if tag != "VV":
                continue
            fallback = fallback or lemma
            following = [m for m in morphs[i + 1:] if m[1] != "EP"][:1]
            if following and (following[0][1] == "EF" or (following[0][1] == "EC" and following[0][2] in _CLAUSE_ENDINGS)):
                return lemma
        return fallback


def _choose_speaker(qpos: int, mentions: list[_Mention], subjects: list[_Mention], narration: str) -> str:
    """Subject before the quote, else a name standing right before it, else a subject after it."""
    before = [m for m in subjects if m.end <= qpos]
    if before:
        return ", ".join(_collect_chain(before[-1], mentions))
    for m in mentions:
        if m.names and m.end <= qpos and not narration[m.end:qpos].strip(" ,\t" + _MASK):
            return ", ".join(_collect_chain(m, mentions))
    after = [m for m in subjects if m.start >= qpos]
    return ", ".join(_collect_chain(after[0], mentions)) if after else ""


def _collect_chain(subject: _Mention, mentions: list[_Mention]) -> list[str]:
    """The subject's names, with co-subjects listed right before it (``A 국장, B 실장은``)."""
    names = list(subject.names)
    index = mentions.index(subject)
    while index > 0:
        prev, nxt = mentions[index - 1], mentions[index]
        if prev.particle not in ("", "과", "와") or not prev.names or not _CHAIN_GAP.match(nxt.gap):
            break
        names = list(prev.names) + names
        index -= 1
    return list(dict.fromkeys(names))


@functools.lru_cache(maxsize=256)
def _compile_names(names: frozenset[str]) -> re.Pattern:
    """A pattern for names already seen in a document (권영진, 권영진은)."""
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"(?<![가-힣])(?P<name>{alternatives}){_PARTICLE}")


def _is_name(word: str) -> bool:
    """Whether a surname-initial word can be a name (부산시, 이날 and 정부 cannot)."""
    return word not in _NOT_NAMES and not word.endswith(_PLACE_ENDINGS)


def _resolve(surname: str, office: str, registry: list[tuple[str, str]]) -> str:
    """Resolve ``강 시장`` to the latest full mention with that surname and office."""
    for name, full_office in reversed(registry):
        # 시장 must not pick up a 부시장 (deputy mayor).
        if name.startswith(surname) and full_office.endswith(office) and not (
                office == "시장" and full_office.endswith("부시장")):
            return name
    return f"{surname} {office}"


def _overlaps(match: re.Match, found: list[_Mention]) -> bool:
    return any(match.start() < m.end and m.start < match.end() for m in found)


def _mask(text: str, regions: list[tuple[int, int]]) -> str:
    if not regions:
        return text
    chars = list(text)
    for start, end in regions:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _looks_like_speech(inside: str, after: str, headline: bool = False) -> bool:
    if _QUOTATIVE.match(after):
        return True
    clause_sized = len(inside.strip()) >= 10 and " " in inside.strip()
    return not _WORDLIKE.match(after) and (clause_sized or headline)


def _closes_first(text: str) -> bool:
    """Whether ``text``'s first double quote closes a quote opened in an earlier paragraph."""
    first = _DOUBLE.search(text)
    if first is None:
        return False
    return first.group() == "”" or (first.group() == '"' and text.count('"') % 2 == 1)


def _index_verbs(morphemes: pd.DataFrame, doc_ids: Iterable[str] | None = None) -> dict:
    """Per ``(doc_id, sent_id)``: ``(start, tag, lemma)`` of verbs and endings, in order.

    With ``doc_ids``, only those documents. Columns are filtered one at a time: the
    morpheme table can have millions of rows, and a filtered copy of all of it would not
    be small.
    """
    wanted = morphemes["tag"].isin(["VV", "EP", "EF", "EC"])
    if doc_ids is not None:
        wanted &= morphemes["doc_id"].isin(doc_ids)
    out: dict = {}
    columns = [morphemes[c][wanted].tolist() for c in ("doc_id", "sent_id", "start", "tag", "lemma")]
    for doc_id, sent_id, *rest in zip(*columns):
        out.setdefault((doc_id, sent_id), []).append(tuple(rest))
    return out


def _group_rows_by_doc(table: pd.DataFrame, columns: list[str]) -> dict[str, list[tuple]]:
    """``{doc_id: [row tuple, ...]}`` in table order."""
    out: dict[str, list[tuple]] = {}
    for doc_id, *row in zip(table["doc_id"].tolist(), *(table[c].tolist() for c in columns)):
        out.setdefault(doc_id, []).append(tuple(row))
    return out
