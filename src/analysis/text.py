"""Korean text layer: one Kiwi pass per paragraph gives sentences, morphemes and quotes.

Model
-----
A document is its title (paragraph 0, so headline quotes count) and its cleaned body, one
paragraph per line (para_id 1, 2, ... over the non-blank lines). Every paragraph is
analysed by Kiwi exactly once, with ``Kiwi.split_into_sents(paragraphs, return_tokens=True)``
over the whole corpus on Kiwi's own worker threads: sentence boundaries (Kiwi keeps quoted
speech together), morphemes, lemmas and offsets all come from that one analysis. Kiwi's
results are consumed as they arrive and packed, in batches, into compact columns (int64
arrays, Arrow strings), so memory stays close to the size of the final tables (about
1 GB for the 10M morphemes of 21M characters of speeches).

Three tables come out (:class:`TextTables`):

- ``sentences``: ``doc_id, para_id, sent_id, start, end, text, voice, speaker``; sent_id
  runs 1, 2, ... across the document; start/end index the document's ``text`` (for
  para_id 0, its ``title``); voice and speaker come from :mod:`analysis.quotes`.
- ``morphemes``: ``doc_id, para_id, sent_id, form, tag, lemma, start, end``; start/end
  index the sentence's ``text``. A noun or root followed by a verb- or adjective-forming
  suffix is one row (개척/NNG + 하/XSV -> form 개척하, tag VV, lemma 개척하다), because
  Kiwi's lemma for the suffix alone is just 하. Tags drop Kiwi's irregular-conjugation
  mark (VA-I -> VA). ``lemma`` is canonical: the synonym map is applied (AI -> 인공지능).
- ``quotes``: ``doc_id, para_id, sent_id, quote_id, text, speaker, verb``.

Byte-order marks and zero-width characters are removed before Kiwi sees a paragraph (it
would make tokens of them); offsets are mapped back, so they always index the input.

A :class:`Tokenizer` holds settings only (POS to keep, minimum length, stopwords, user
dictionary, synonyms) and gets its Kiwi from a per-process cache (:func:`load_kiwi`),
because a Kiwi with user words cannot be pickled: the tokenizer can go to scikit-learn,
gensim or another process. :func:`tokens_by_unit` applies the same filter to a morpheme
table, so topic models never re-run Kiwi.

The Kiwi results are cached as parquet in ``cache_dir``, keyed by a sha256 of the
paragraphs, the user dictionary and synonyms, and the kiwipiepy and model versions (not
the stopwords or POS filter, which apply later). Cache files are written to a temporary
name and renamed, so an interrupted run never leaves a file a later run trusts.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm.auto import tqdm

from analysis.lexicons import UserWord, read_stopwords, read_synonyms, read_userdict
from analysis.quotes import QUOTE_COLUMNS, attribute_quotes

DEFAULT_POS = ("NNG", "NNP", "VV", "VA")
SENTENCE_COLUMNS = ["doc_id", "para_id", "sent_id", "start", "end", "text", "voice", "speaker"]
MORPHEME_COLUMNS = ["doc_id", "para_id", "sent_id", "form", "tag", "lemma", "start", "end"]
UNIT_KEYS = {"document": ["doc_id"], "paragraph": ["doc_id", "para_id"], "sentence": ["doc_id", "para_id", "sent_id"]}
CACHE_VERSION = "1"  # bump when the layout of cached tables changes

_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SAME_WIDTH = str.maketrans({"\xa0": " ", "\u3000": " ", "\t": " "})
# Suffixes that turn the preceding noun or root into a verb or adjective.
_SUFFIX_TAG = {"XSV": "VV", "XSA": "VA"}
_SUFFIX_HOSTS = {"NNG", "NNP", "XR"}


@dataclass(frozen=True)
class TextTables:
    """The text layer's three tables; see the module docstring for their columns."""

    sentences: pd.DataFrame
    morphemes: pd.DataFrame
    quotes: pd.DataFrame


def count_workers() -> int:
    """Return the default number of Kiwi worker threads: every core (at least 1).

    Example
    -------
    >>> count_workers() >= 1
    True
    """
    return max(1, os.cpu_count() or 1)


def load_kiwi(userdict=None, *, num_workers: int | None = None, model_type: str | None = None):
    """Return a Kiwi with the user dictionary added, cached per process and per settings.

    ``userdict`` is a path, an iterable of ``(form, tag[, score])``, or None for the
    packaged dictionary. ``num_workers`` defaults to every core (0 would mean Kiwi's
    single-thread mode, where batch input fails).

    Example
    -------
    >>> kiwi = load_kiwi()
    >>> [t.form for t in kiwi.tokenize("4차산업혁명")]
    ['4차 산업혁명']
    """
    return _cached_kiwi(_collect_user_words(userdict), max(1, num_workers or count_workers()), model_type)


@functools.lru_cache(maxsize=4)
def _cached_kiwi(words: tuple[UserWord, ...], num_workers: int, model_type: str | None):
    from kiwipiepy import Kiwi

    kiwi = Kiwi(num_workers=num_workers, model_type=model_type)
    for word in words:
        kiwi.add_user_word(word.form, word.tag, word.score)  # False only means "already known"
    return kiwi


def _collect_user_words(userdict) -> tuple[UserWord, ...]:
    if userdict is None or isinstance(userdict, (str, Path)):
        return tuple(read_userdict(userdict))
    return tuple(UserWord(_nfc(w[0]), *w[1:]) for w in userdict)


def _nfc(word: str) -> str:
    return unicodedata.normalize("NFC", word)


class Tokenizer:
    """Text -> list of canonical lemmas; a plain, picklable callable.

    Holds settings only; Kiwi is fetched lazily from :func:`load_kiwi`'s per-process cache.
    ``stopwords``, ``userdict`` and ``synonyms`` take a path, inline entries, or None for
    the packaged lexicon (pass ``[]`` / ``{}`` for none). Stopwords may be lemmas or
    ``(lemma, tag)`` pairs.

    Example
    -------
    >>> tok = Tokenizer()
    >>> tok("일본을 뛰어넘어야 한다")
    ['일본', '뛰어넘다']
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> vectorizer = CountVectorizer(tokenizer=tok, lowercase=False, token_pattern=None)
    """

    def __init__(self, pos: Iterable[str] = DEFAULT_POS, min_len: int = 1, stopwords=None, userdict=None,
                 synonyms=None, *, num_workers: int | None = None, model_type: str | None = None):
        self.pos = tuple(pos)
        self.min_len = int(min_len)
        if stopwords is None or isinstance(stopwords, (str, Path)):
            self.stopwords = read_stopwords(stopwords)
        else:
            self.stopwords = frozenset(_nfc(s) if isinstance(s, str) else tuple(s) for s in stopwords)
        self.user_words = _collect_user_words(userdict)
        if synonyms is None or isinstance(synonyms, (str, Path)):
            self.synonyms = read_synonyms(synonyms)
        else:
            self.synonyms = {_nfc(k): (v if isinstance(v, tuple) else (v, None)) for k, v in dict(synonyms).items()}
        self.num_workers, self.model_type = num_workers, model_type

    def __repr__(self) -> str:
        return (f"Tokenizer(pos={self.pos}, min_len={self.min_len}, stopwords={len(self.stopwords)}, "
                f"user_words={len(self.user_words)}, synonyms={len(self.synonyms)})")

    def __call__(self, text: str) -> list[str]:
        return [token for token, _, _ in self.tokenize_with_offsets(text)]

    @property
    def kiwi(self):
        """This tokenizer's Kiwi, from the per-process cache (never pickled)."""
        return _cached_kiwi(self.user_words, max(1, self.num_workers or count_workers()), self.model_type)

    def tokenize_with_offsets(self, text: str) -> list[tuple[str, int, int]]:
        """Return ``(token, start, end)`` with offsets into ``text``, for highlighting.

        Example
        -------
        >>> Tokenizer().tokenize_with_offsets("광주형일자리를 개척한다")
        [('광주형 일자리', 0, 6), ('개척하다', 8, 11)]
        """
        sentences, morphemes = _analyse_paragraphs(self, [text], progress=False)
        starts = sentences["start"].tolist()
        columns = (morphemes[c].tolist() for c in ("row", "lemma", "tag", "start", "end"))
        return [(lemma, starts[row] + start, starts[row] + end)
                for row, lemma, tag, start, end in zip(*columns) if self.accepts(lemma, tag)]

    def accepts(self, lemma: str, tag: str) -> bool:
        """Whether a (canonical) lemma with this tag becomes a token.

        Example
        -------
        >>> tok = Tokenizer()
        >>> tok.accepts("개척하다", "VV"), tok.accepts("하다", "VV"), tok.accepts("우리", "NP")
        (True, False, False)
        """
        return (tag in self.pos and len(lemma) >= self.min_len
                and lemma not in self.stopwords and (lemma, tag) not in self.stopwords)

    def canonicalise(self, lemma: str, tag: str) -> tuple[str, str]:
        """Apply the synonym map to one lemma: ``("AI", "SL") -> ("인공지능", "NNG")``."""
        canonical, new_tag = self.synonyms.get(lemma, (lemma, None))
        return canonical, new_tag or tag

    def describe(self) -> dict:
        """Settings that change what Kiwi produces (the cache key), plus the filter settings.

        Example
        -------
        >>> sorted(Tokenizer().describe())
        ['kiwipiepy', 'min_len', 'model', 'model_type', 'pos', 'stopwords', 'synonyms', 'user_words']
        """
        import kiwipiepy
        import kiwipiepy_model

        return {
            "kiwipiepy": kiwipiepy.__version__, "model": kiwipiepy_model.__version__,
            "model_type": self.model_type or "default",
            "user_words": [list(w) for w in self.user_words],
            "synonyms": sorted([k, *v] for k, v in self.synonyms.items()),
            "pos": list(self.pos), "min_len": self.min_len,
            "stopwords": sorted(map(str, self.stopwords)),
        }


def analyse_documents(documents: pd.DataFrame, tokenizer: Tokenizer | None = None, cache_dir=None,
                      progress: bool = True) -> TextTables:
    """Split, tokenise and attribute quotes for every document (one Kiwi pass, cached).

    ``documents`` needs ``doc_id`` and ``text``; ``title``, ``speaker`` and ``office``
    are used when present (the manifest's speaker is the fallback for unattributed quotes).

    Example
    -------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "title": ['박민호 시장 "새 길 연다"'],
    ...                      "text": ['박 시장은 "우리가 개척한다"고 말했다.'], "speaker": ["박민호"]})
    >>> tables = analyse_documents(docs, progress=False)
    >>> tables.quotes.speaker.tolist()
    ['박민호', '박민호']
    """
    tokenizer = tokenizer or Tokenizer()
    paragraphs = _split_paragraphs(documents)
    sentences, morphemes = _load_or_analyse(paragraphs, tokenizer, cache_dir, progress)
    speakers = {}
    if "speaker" in documents.columns:
        offices = documents["office"] if "office" in documents.columns else pd.Series("", index=documents.index)
        speakers = {str(d): (_clean(s), _clean(o)) for d, s, o in zip(documents.doc_id, documents.speaker, offices)}
    sentences, quotes = attribute_quotes(paragraphs, sentences, morphemes, speakers)
    return TextTables(sentences[SENTENCE_COLUMNS], morphemes[MORPHEME_COLUMNS], quotes[QUOTE_COLUMNS])


def analyse_texts(texts: Iterable[str], tokenizer: Tokenizer | None = None, cache_dir=None,
                  progress: bool = False) -> TextTables:
    """Analyse plain strings as documents ``"0", "1", ...`` without titles or metadata.

    Example
    -------
    >>> tables = analyse_texts(["일본을 뛰어넘어야 한다."])
    >>> tables.morphemes.lemma.tolist()[:3]
    ['일본', '을', '뛰어넘다']
    """
    texts = list(texts)
    documents = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "title": "", "text": texts})
    return analyse_documents(documents, tokenizer, cache_dir, progress)


def tokens_by_unit(morphemes: pd.DataFrame, unit: str = "paragraph", tokenizer: Tokenizer | None = None,
                   include_title: bool = True) -> pd.DataFrame:
    """Token lists per document, paragraph or sentence, filtered by ``tokenizer``'s settings.

    Returns the unit's ids plus ``tokens`` (list of str) and ``n_tokens``; units whose
    tokens are all filtered out keep an empty list, so ids stay aligned with the text.

    Example
    -------
    >>> tables = analyse_texts(["위기를 기회로 삼아 일본을 뛰어넘어야 한다."])
    >>> tokens_by_unit(tables.morphemes, unit="document", tokenizer=Tokenizer(min_len=2)).tokens.tolist()
    [['위기', '기회', '삼다', '일본', '뛰어넘다']]
    """
    if unit not in UNIT_KEYS:
        raise ValueError(f"unit must be one of {sorted(UNIT_KEYS)}, not {unit!r}")
    keys, tokenizer = UNIT_KEYS[unit], tokenizer or Tokenizer()
    rows = morphemes if include_title else morphemes[morphemes.para_id != 0]
    # Column operations throughout: the table can have ~10M rows, and a Python object per
    # row (a lemma, a tuple, a flag) would cost more memory than the table itself.
    lemmas, tags = _canonical_columns(rows["lemma"], rows["tag"], tokenizer)
    keep = _accepted(lemmas, tags, tokenizer)
    # Units numbered in order of first appearance (what drop_duplicates keeps).
    codes = rows.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    units = rows[keys].iloc[first].reset_index(drop=True)
    # Kept lemmas sorted by unit, table order within a unit (stable sort), cut per unit.
    kept_codes = codes[keep]
    order = np.argsort(kept_codes, kind="stable")
    tokens = lemmas[keep].take(order).tolist()
    ends = np.cumsum(np.bincount(kept_codes, minlength=len(units))).tolist()
    units["tokens"] = pd.Series([tokens[a:b] for a, b in zip([0] + ends[:-1], ends)], index=units.index, dtype=object)
    units["n_tokens"] = units["tokens"].map(len).astype("int64")
    return units


def _canonical_columns(lemmas: pd.Series, tags: pd.Series, tokenizer: Tokenizer) -> tuple[pd.Series, pd.Series]:
    """Apply ``tokenizer``'s synonym map to lemma and tag columns (rows with a variant only)."""
    hits = np.flatnonzero(lemmas.isin(list(tokenizer.synonyms)).to_numpy())
    if len(hits) == 0:
        return lemmas, tags
    pairs = [tokenizer.canonicalise(lemma, tag) for lemma, tag in zip(lemmas.iloc[hits], tags.iloc[hits])]
    lemmas, tags = lemmas.copy(), tags.copy()
    lemmas.iloc[hits] = [lemma for lemma, _ in pairs]
    tags.iloc[hits] = [tag for _, tag in pairs]
    return lemmas, tags


def _accepted(lemmas: pd.Series, tags: pd.Series, tokenizer: Tokenizer) -> np.ndarray:
    """:meth:`Tokenizer.accepts` over columns: a boolean array."""
    plain = [s for s in tokenizer.stopwords if isinstance(s, str)]
    keep = (tags.isin(tokenizer.pos) & (lemmas.str.len() >= tokenizer.min_len) & ~lemmas.isin(plain)).to_numpy(bool, copy=True)
    # (lemma, tag) stopwords: check the few kept rows whose lemma has one, one by one.
    tagged = {s[0] for s in tokenizer.stopwords if not isinstance(s, str)}
    if tagged:
        for i in np.flatnonzero(keep & lemmas.isin(tagged).to_numpy(bool)):
            keep[i] = tokenizer.accepts(lemmas.iloc[i], tags.iloc[i])
    return keep


def find_collocations(token_lists: Iterable[list[str]], min_count: int = 5, threshold: float = 0.5,
                      scoring: str = "npmi", connector_words: Iterable[str] = ()) -> pd.DataFrame:
    """Score adjacent token pairs with gensim ``Phrases``: candidate multiword expressions.

    Returns ``term`` (the two tokens joined by a space), ``count`` and ``score``, best
    first. Terms worth keeping whole can go to :func:`analysis.lexicons.promote_to_userdict`
    (check that the term is a surface spelling: tokens are lemmas).

    Example
    -------
    >>> find_collocations([["스마트", "시티", "조성"]] * 6, min_count=3).term.tolist()[0]
    '스마트 시티'
    """
    from gensim.models.phrases import Phrases

    phrases = Phrases(token_lists, min_count=min_count, threshold=threshold, scoring=scoring,
                      delimiter=" ", connector_words=frozenset(connector_words))
    scored = phrases.export_phrases()
    table = pd.DataFrame({"term": list(scored), "count": [int(phrases.vocab[t]) for t in scored],
                          "score": [float(s) for s in scored.values()]})
    return table.sort_values(["score", "count", "term"], ascending=[False, False, True], ignore_index=True)


# --- paragraphs -----------------------------------------------------------------------


def _clean(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _split_paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per non-blank paragraph: ``doc_id, para_id, offset, text`` (title = para 0)."""
    rows = []
    titles = documents["title"] if "title" in documents.columns else [""] * len(documents)
    for doc_id, title, text in zip(documents["doc_id"], titles, documents["text"]):
        doc_id = str(doc_id)
        title = unicodedata.normalize("NFC", _clean(title))
        if title.strip():
            rows.append((doc_id, 0, 0, title))
        offset, para_id = 0, 0
        for line in unicodedata.normalize("NFC", _clean(text)).split("\n"):
            if line.strip():
                para_id += 1
                rows.append((doc_id, para_id, offset, line))
            offset += len(line) + 1
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "offset", "text"]).astype(
        {"doc_id": str, "para_id": "int64", "offset": "int64", "text": str})


def _strip_invisible(text: str) -> tuple[str, list[int] | None]:
    """Drop BOM and zero-width characters; also return each kept character's original index."""
    text = text.translate(_SAME_WIDTH)
    if not _INVISIBLE.search(text):
        return text, None
    kept = [i for i, char in enumerate(text) if not _INVISIBLE.match(char)]
    return "".join(text[i] for i in kept), kept + [len(text)]


# --- the one Kiwi pass ----------------------------------------------------------------

# Rows are collected as Python objects and packed into compact arrays every _BATCH_ROWS
# morphemes. A morpheme held as Python objects costs about 400 bytes (a str each for form,
# tag and lemma, list slots); packed, its strings cost their UTF-8 bytes plus an 8-byte
# offset and its numbers 8 bytes each. Packing in batches keeps the full corpus's ~10M
# morphemes at about 1 GB instead of several, and costs about the same time as packing
# once at the end. The batch size only bounds memory: output does not depend on it.
_BATCH_ROWS = 200_000


def _run_kiwi(kiwi, texts: list[str]):
    """The only place Kiwi analyses text (tests count calls to it).

    With a list, Kiwi analyses on its worker threads and yields each paragraph's
    sentences in input order as they are ready, so results stream: they are never all
    held at once.
    """
    return kiwi.split_into_sents(texts, return_tokens=True, return_sub_sents=False)


class _Columns:
    """Named columns filled row by row and packed, batch by batch, into compact arrays.

    Integer columns are ``array.array("q")``: appending stores a machine int64 and keeps
    no Python int alive. String columns are Python lists until :meth:`pack` moves their
    contents into an Arrow chunk and empties them in place (``clear``, so ``append`` methods
    bound in a hot loop stay valid). :meth:`finish` packs what is left and returns int64
    numpy arrays and pandas string arrays.
    """

    def __init__(self, ints: Iterable[str], strings: Iterable[str] = ()):
        self.ints = {name: array("q") for name in ints}
        self.strings: dict[str, list[str]] = {name: [] for name in strings}
        self._chunks: dict[str, list] = {name: [] for name in self.strings}

    def pack(self) -> None:
        """Move the buffered strings into Arrow chunks (large_string: what pandas uses)."""
        for name, values in self.strings.items():
            self._chunks[name].append(pa.array(values, type=pa.large_string()))
            values.clear()

    def finish(self) -> dict:
        self.pack()
        columns = {name: np.frombuffer(values, dtype=np.int64) for name, values in self.ints.items()}
        for name, chunks in self._chunks.items():
            columns[name] = pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))
        return columns


def _place(kept: list[int], pos: int, end: bool = False) -> int:
    """Map an offset in a paragraph cleaned by :func:`_strip_invisible` back to the input."""
    return kept[pos - 1] + 1 if end and pos > 0 else kept[pos]


def _analyse_paragraphs(tokenizer: Tokenizer, texts: list[str], progress: bool) -> tuple[dict, dict]:
    """Run Kiwi once over ``texts``; return sentence and morpheme columns.

    Sentence columns: ``par`` (index into ``texts``), ``start``, ``end`` (offsets into that
    text). Morpheme columns: ``row`` (index of its sentence), form, tag, lemma, and
    ``start``/``end`` relative to the sentence. Integer columns are int64 numpy arrays,
    string columns pandas (Arrow) string arrays; Token objects are never kept.
    """
    cleaned = [_strip_invisible(t) for t in texts]
    sents = _Columns(["par", "start", "end"])
    morphs = _Columns(["row", "start", "end"], ["form", "tag", "lemma"])
    # Local names for the hot loop (about 10M iterations on a large corpus).
    sent_par, sent_start, sent_end = (sents.ints[c].append for c in ("par", "start", "end"))
    rows, starts, ends = (morphs.ints[c] for c in ("row", "start", "end"))
    forms, tags, lemmas = (morphs.strings[c] for c in ("form", "tag", "lemma"))
    suffix_tag, suffix_hosts = _SUFFIX_TAG, _SUFFIX_HOSTS
    row = -1  # index of the current sentence
    results = _run_kiwi(tokenizer.kiwi, [c for c, _ in cleaned])
    bar = tqdm(results, total=len(texts), desc="Kiwi", unit="para", disable=not progress)
    for par, (paragraph_sents, (_, kept)) in enumerate(zip(bar, cleaned)):
        for sent in paragraph_sents:
            row += 1
            sent_par(par)
            if kept is None:  # nothing was removed: Kiwi's offsets index the input
                sent_start(sent.start)
                sent_end(sent.end)
            else:
                sent_start(_place(kept, sent.start))
                sent_end(_place(kept, sent.end, end=True))
            can_absorb = False  # whether the previous row is a noun or root a suffix may join
            for token in sent.tokens:
                # Offsets into the paragraph here; made relative to the sentence in one
                # vectorised step at the end (cheaper than once per token).
                if kept is None:
                    start, end = token.start, token.end
                else:
                    start, end = _place(kept, token.start), _place(kept, token.end, end=True)
                if end < start:
                    end = start
                tag = token.tag
                if "-" in tag:  # VA-I -> VA: the conjugation class is not a POS
                    tag = tag.split("-")[0]
                if can_absorb and tag in suffix_tag and ends[-1] == start:
                    # 개척/NNG + 하/XSV -> 개척하/VV, lemma 개척하다 (Kiwi's lemma would be 하)
                    forms[-1] += token.form
                    tags[-1] = suffix_tag[tag]
                    lemmas[-1] = forms[-1] + "다"
                    ends[-1] = end
                    can_absorb = False
                    continue
                rows.append(row)
                forms.append(token.form)
                tags.append(tag)
                lemmas.append(token.lemma)
                starts.append(start)
                ends.append(end)
                can_absorb = tag in suffix_hosts
        # Pack only between paragraphs: a suffix can still change the last row of a sentence.
        if len(forms) >= _BATCH_ROWS:
            _canonicalise_batch(tokenizer, lemmas, tags)
            morphs.pack()
    _canonicalise_batch(tokenizer, lemmas, tags)
    sents, morphs = sents.finish(), morphs.finish()
    base = sents["start"][morphs["row"]]
    morphs["start"] -= base  # in place: these arrays are the size of the corpus
    morphs["end"] -= base
    return sents, morphs


def _canonicalise_batch(tokenizer: Tokenizer, lemmas: list[str], tags: list[str]) -> None:
    """Apply the synonym map in place to finished rows (after suffix joining)."""
    synonyms = tokenizer.synonyms
    for i, lemma in enumerate(lemmas):
        if lemma in synonyms:
            lemmas[i], tags[i] = tokenizer.canonicalise(lemma, tags[i])


def _build_tables(paragraphs: pd.DataFrame, tokenizer: Tokenizer, progress: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    texts = paragraphs.text.tolist()
    sents, morphs = _analyse_paragraphs(tokenizer, texts, progress)
    par = sents["par"]
    offsets = paragraphs.offset.to_numpy()[par]
    sentences = pd.DataFrame({
        "doc_id": paragraphs.doc_id.to_numpy()[par], "para_id": paragraphs.para_id.to_numpy()[par],
        "start": offsets + sents["start"], "end": offsets + sents["end"],
        "text": [texts[p][s:e] for p, s, e in zip(par.tolist(), sents["start"].tolist(), sents["end"].tolist())],
    })
    sentences.insert(2, "sent_id", sentences.groupby("doc_id", sort=False).cumcount().astype("int64") + 1)
    sentences = sentences.astype({"doc_id": str, "text": str})
    # Sentence columns repeated per morpheme: take() copies inside pandas/Arrow, without one
    # Python object per row. copy=False: the columns are fresh arrays nobody else holds.
    row = morphs.pop("row")
    morphemes = pd.DataFrame({"doc_id": sentences.doc_id.array.take(row),
                              "para_id": sentences.para_id.to_numpy()[row],
                              "sent_id": sentences.sent_id.to_numpy()[row], **morphs}, copy=False)
    # Arrow-backed string columns become the ``str`` dtype astype(str) has always given.
    return sentences, morphemes.astype({"doc_id": str, "form": str, "tag": str, "lemma": str})


# --- cache ----------------------------------------------------------------------------


def hash_inputs(paragraphs: pd.DataFrame, tokenizer: Tokenizer) -> str:
    """The cache key: sha256 of the paragraphs, the analysis settings and the versions."""
    settings = tokenizer.describe()
    digest = hashlib.sha256(f"text-cache {CACHE_VERSION}\x1e".encode())
    for name in ("kiwipiepy", "model", "model_type", "user_words", "synonyms"):
        digest.update(f"{name}={settings[name]!r}\x1e".encode())
    for doc_id, para_id, offset, text in paragraphs.itertuples(index=False):
        digest.update(f"{doc_id}\x1f{para_id}\x1f{offset}\x1f{text}\x1e".encode())
    return digest.hexdigest()


def _load_or_analyse(paragraphs: pd.DataFrame, tokenizer: Tokenizer, cache_dir, progress: bool):
    if cache_dir is None:
        return _build_tables(paragraphs, tokenizer, progress)
    from analysis.io import write_atomic

    key = hash_inputs(paragraphs, tokenizer)[:32]
    paths = [Path(cache_dir) / f"text-{key}.{name}.parquet" for name in ("sentences", "morphemes")]
    if all(path.exists() for path in paths):
        return tuple(pd.read_parquet(path) for path in paths)
    tables = _build_tables(paragraphs, tokenizer, progress)
    for table, path in zip(tables, paths):
        write_atomic(path, lambda tmp, table=table: table.to_parquet(tmp, index=False))
    return tables


__all__ = [
    "DEFAULT_POS", "MORPHEME_COLUMNS", "QUOTE_COLUMNS", "SENTENCE_COLUMNS", "TextTables", "Tokenizer",
    "analyse_documents", "analyse_texts", "count_workers", "find_collocations", "hash_inputs", "load_kiwi",
    "tokens_by_unit",
]
