"""The one Kiwi pass: documents -> paragraphs -> sentence and morpheme tables, cached.

A document is its title (paragraph 0) and its body's non-blank lines (paragraphs 1, 2, ...:
:func:`split_paragraphs`). Byte-order marks and zero-width characters are removed before
Kiwi sees a paragraph (:func:`strip_invisible`) and offsets are mapped back to the input.
:func:`analyse_paragraphs` runs Kiwi once over all paragraphs (:func:`run_kiwi`, the only
call) and packs its results as they stream in; :func:`build_tables` makes the sentences and
morphemes tables of them; :func:`analyse_documents` adds voice, speaker and the quotes table
(:mod:`analysis.text.quotes`). The columns are described in :mod:`analysis.text`.

The sentences and morphemes tables are cached as parquet in ``cache_dir``, document by
document (:func:`hash_documents`) in a store per set of settings that change Kiwi's
output (:func:`hash_settings`), with each document's quotes: a rerun analyses only the
documents that are new or changed (or whose manifest speaker changed).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm.auto import tqdm

from analysis.io import write_all, write_json
from analysis.text.quotes import QUOTE_COLUMNS, attribute_quotes, mark_own_voice
from analysis.text.tokenizer import Tokenizer

__all__ = ["CACHE_VERSION", "MORPHEME_COLUMNS", "SENTENCE_COLUMNS", "TextTables", "analyse_documents",
           "analyse_paragraphs", "analyse_texts", "build_tables", "collect_speakers", "hash_documents", "hash_settings",
           "cache_documents", "load_or_build_tables", "locate_store", "read_chunk", "run_kiwi", "split_paragraphs", "strip_invisible"]

SENTENCE_COLUMNS = ["doc_id", "para_id", "sent_id", "start", "end", "text", "voice", "speaker"]
MORPHEME_COLUMNS = ["doc_id", "para_id", "sent_id", "form", "tag", "lemma", "start", "end"]
CACHE_VERSION = "4"  # bump when the layout of cached tables changes

_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SAME_WIDTH = str.maketrans({"\xa0": " ", "\u3000": " ", "\t": " "})
# Suffixes that turn the preceding noun or root into a verb or adjective.
_SUFFIX_TAG = {"XSV": "VV", "XSA": "VA"}
_SUFFIX_HOSTS = {"NNG", "NNP", "XR"}


@dataclass(frozen=True)
class TextTables:
    """The text layer's three tables; see :mod:`analysis.text` for their columns."""

    sentences: pd.DataFrame
    morphemes: pd.DataFrame
    quotes: pd.DataFrame


def analyse_documents(documents: pd.DataFrame, tokenizer: Tokenizer | None = None, cache_dir=None,
                      progress: bool = True) -> TextTables:
    """Split, tokenise and attribute quotes for every document (one Kiwi pass, cached).

    ``documents`` needs ``doc_id`` and ``text``; ``title``, ``speaker`` and ``office``
    are used when present (the manifest's speaker is the fallback for unattributed quotes),
    and ``source_type``: in a speech, press release or interview the text outside
    quotation marks has voice ``own`` (the speaker's words), elsewhere ``narration``.

    Example
    -------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "title": ['박민호 시장 "새 길 연다"'],
    ...                      "text": ['박 시장은 "우리가 개척한다"고 말했다.'], "speaker": ["박민호"]})
    >>> tables = analyse_documents(docs, progress=False)
    >>> tables.quotes.speaker.tolist()
    ['박민호', '박민호']
    """
    tokenizer = tokenizer or Tokenizer()
    paragraphs = split_paragraphs(documents)
    sentences, morphemes, quotes = load_or_build_tables(paragraphs, tokenizer, cache_dir, progress,
                                                        collect_speakers(documents))
    sentences = mark_own_voice(sentences, documents)
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


# --- paragraphs -----------------------------------------------------------------------


def _clean(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def collect_speakers(documents: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """The manifest's ``{doc_id: (speaker, office)}``, empty without a ``speaker`` column."""
    if "speaker" not in documents.columns:
        return {}
    offices = documents["office"] if "office" in documents.columns else pd.Series("", index=documents.index)
    return {str(d): (_clean(s), _clean(o)) for d, s, o in zip(documents.doc_id, documents.speaker, offices)}


def split_paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per non-blank paragraph: ``doc_id, para_id, offset, text`` (title = para 0).

    Example
    -------
    >>> split_paragraphs(pd.DataFrame({"doc_id": [7], "title": ["제목"], "text": ["첫째\\n\\n둘째"]})).values.tolist()
    [['7', 0, 0, '제목'], ['7', 1, 0, '첫째'], ['7', 2, 4, '둘째']]
    """
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


def strip_invisible(text: str) -> tuple[str, list[int] | None]:
    """Drop BOM and zero-width characters; also return each kept character's original index.

    The index list ends with ``len(text)`` and is None when nothing was dropped.

    Example
    -------
    >>> strip_invisible("\\ufeff인공\\u200b지능")
    ('인공지능', [1, 2, 4, 5, 6])
    """
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


def run_kiwi(kiwi, texts: list[str]):
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
    """Map an offset in a paragraph cleaned by :func:`strip_invisible` back to the input."""
    return kept[pos - 1] + 1 if end and pos > 0 else kept[pos]


def analyse_paragraphs(tokenizer: Tokenizer, texts: list[str], progress: bool) -> tuple[dict, dict]:
    """Run Kiwi once over ``texts``; return sentence and morpheme columns.

    Sentence columns: ``par`` (index into ``texts``), ``start``, ``end`` (offsets into that
    text). Morpheme columns: ``row`` (index of its sentence), form, tag, lemma, and
    ``start``/``end`` relative to the sentence. Integer columns are int64 numpy arrays,
    string columns pandas (Arrow) string arrays; Token objects are never kept.
    """
    cleaned = [strip_invisible(t) for t in texts]
    sents = _Columns(["par", "start", "end"])
    morphs = _Columns(["row", "start", "end"], ["form", "tag", "lemma"])
    # Local names for the hot loop (about 10M iterations on a large corpus).
    sent_par, sent_start, sent_end = (sents.ints[c].append for c in ("par", "start", "end"))
    rows, starts, ends = (morphs.ints[c] for c in ("row", "start", "end"))
    forms, tags, lemmas = (morphs.strings[c] for c in ("form", "tag", "lemma"))
    suffix_tag, suffix_hosts = _SUFFIX_TAG, _SUFFIX_HOSTS
    row = -1  # index of the current sentence
    results = run_kiwi(tokenizer.kiwi, [c for c, _ in cleaned])
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


# Kiwi's time grows faster than a paragraph's length (0.45 / 1.3 / 5.4 s for 45k / 91k /
# 183k characters), so a paragraph longer than this (a table cell, a page with no line
# breaks) goes to Kiwi in pieces cut at sentence ends; offsets still index the paragraph.
MAX_PIECE_CHARS = 10_000
_SENTENCE_CUT = re.compile(r"[.!?。…][\"'”’)\]]*\s+")


def cut_long_paragraphs(texts: list[str], limit: int = MAX_PIECE_CHARS) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``(pieces, paragraph index of each piece, offset of each piece in its paragraph)``.

    A paragraph up to ``limit`` characters is one piece; a longer one is cut after the
    last sentence end (else the last space, else anywhere) in the second half of each
    ``limit``-sized window, so every piece is at most ``limit`` long.

    Example
    -------
    >>> pieces, owner, shift = cut_long_paragraphs(["가. 나다. 라마.", "짧다."], limit=8)
    >>> pieces, owner.tolist(), shift.tolist()
    (['가. 나다. ', '라마.', '짧다.'], [0, 0, 1], [0, 7, 0])
    """
    pieces, owner, shift = [], [], []
    for index, text in enumerate(texts):
        start = 0
        while len(text) - start > limit:
            window = text[start + limit // 2: start + limit]
            ends = [m.end() for m in _SENTENCE_CUT.finditer(window)]
            cut = ends[-1] if ends else (window.rfind(" ") + 1 or len(window))
            cut += start + limit // 2
            pieces.append(text[start:cut])
            owner.append(index)
            shift.append(start)
            start = cut
        pieces.append(text[start:])
        owner.append(index)
        shift.append(start)
    return pieces, np.asarray(owner, dtype=np.int64), np.asarray(shift, dtype=np.int64)


def build_tables(paragraphs: pd.DataFrame, tokenizer: Tokenizer, progress: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sentences (without voice and speaker) and morphemes tables of :func:`split_paragraphs`' rows."""
    texts = paragraphs.text.tolist()
    pieces, owner, shift = cut_long_paragraphs(texts)
    sents, morphs = analyse_paragraphs(tokenizer, pieces, progress)
    piece = sents["par"]
    par = owner[piece]
    sents["start"] = sents["start"] + shift[piece]  # offsets into the paragraph, not the piece
    sents["end"] = sents["end"] + shift[piece]
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
#
# Content-addressed per document. Each document's key is the sha256 of its paragraphs
# (ids, offsets, text); a store folder per set of settings that change Kiwi's output
# (versions, model, user words, synonyms) holds chunks: the sentences and morphemes of up
# to CHUNK_DOCS documents analysed together, and last a ``.keys.json`` naming each
# document with its key. A document is analysed only when no chunk holds its key, so
# adding, removing or editing documents re-analyses only those; other settings use
# another store, so nothing stale is served; a chunk whose keys file was never written
# (an interrupted run) is never read. A document's rows do not depend on the others
# analysed with it, so the tables equal a cold run's, whatever the chunks.

# 500 rather than 2,000: the text layer's peak at 50,000 article-sized documents fell
# from 1,149 to 850 MB (and the batches that frames and token lists read follow the
# chunks), for the same time per document (benchmarks/results/growth_articles.csv).
CHUNK_DOCS = 500
# A chunk also stops at this many characters (analyse_corpus), so its tables, and the
# memory that builds them, stay bounded when documents are long.
CHUNK_CHARS = 625_000


def hash_settings(tokenizer: Tokenizer) -> str:
    """sha256 of the cache layout's version and of the settings that change Kiwi's output."""
    settings = tokenizer.describe()
    digest = hashlib.sha256(f"text-cache {CACHE_VERSION}\x1e".encode())
    for name in ("kiwipiepy", "model", "model_type", "user_words", "synonyms"):
        digest.update(f"{name}={settings[name]!r}\x1e".encode())
    return digest.hexdigest()


def hash_documents(paragraphs: pd.DataFrame, speakers: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """``{doc_id: key}`` in document order, the key hashing the document's paragraph rows
    and its manifest speaker (which quote attribution falls back on).

    Example
    -------
    >>> keys = hash_documents(split_paragraphs(pd.DataFrame({"doc_id": ["a", "b"], "text": ["가", "나"]})))
    >>> list(keys), len(keys["a"])
    (['a', 'b'], 32)
    """
    digests: dict[str, object] = {}
    for doc_id, para_id, offset, text in paragraphs.itertuples(index=False):
        digest = digests.get(doc_id)
        if digest is None:
            speaker = (speakers or {}).get(doc_id, ("", ""))
            digest = digests[doc_id] = hashlib.sha256(f"{doc_id}\x1e{speaker[0]}\x1f{speaker[1]}\x1e".encode())
        digest.update(f"{para_id}\x1f{offset}\x1f{text}\x1e".encode())
    return {doc_id: digest.hexdigest()[:32] for doc_id, digest in digests.items()}


def _read_index(store: Path) -> dict[str, str]:
    """``{document key: chunk name}`` over the store's finished chunks."""
    index: dict[str, str] = {}
    for keys_file in sorted(store.glob("*.keys.json")):
        chunk = keys_file.name[: -len(".keys.json")]
        for key in json.loads(keys_file.read_text(encoding="utf-8")).values():
            index.setdefault(key, chunk)
    return index


CHUNK_TABLES = ("sentences", "morphemes", "quotes")


def _write_chunk(store: Path, tables: tuple[pd.DataFrame, ...], keys: dict[str, str]) -> str:
    chunk = hashlib.sha256("\n".join(sorted(keys.values())).encode()).hexdigest()[:24]
    write_all({store / f"{chunk}.{name}.parquet": lambda tmp, table=table: table.to_parquet(tmp, index=False)
               for name, table in zip(CHUNK_TABLES, tables)})
    write_json(keys, store / f"{chunk}.keys.json")  # last: only now is the chunk trusted
    return chunk


def load_or_build_tables(paragraphs: pd.DataFrame, tokenizer: Tokenizer, cache_dir, progress: bool,
                         speakers: dict[str, tuple[str, str]] | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The sentences (with voice and speaker), morphemes and quotes of :func:`split_paragraphs`'
    rows: :func:`build_tables` and :func:`analysis.text.quotes.attribute_quotes`, with each
    document read from ``cache_dir`` when cached there (the others analysed in chunks and
    written there). ``speakers`` is the manifest's, as :func:`collect_speakers` gives it."""
    if cache_dir is None:
        return _build_layer(paragraphs, tokenizer, progress, speakers)
    store, wanted, fresh = cache_documents(paragraphs, tokenizer, cache_dir, progress, speakers)
    if len(fresh) == 1 and len({chunk for chunk, _ in wanted}) == 1:  # a cold run in one chunk: in order
        return next(iter(fresh.values()))
    chunk_tables = {chunk: fresh.get(chunk) or read_chunk(store, chunk) for chunk in dict.fromkeys(c for c, _ in wanted)}
    return tuple(_assemble(wanted, {chunk: tables[i] for chunk, tables in chunk_tables.items()})
                 for i in range(len(CHUNK_TABLES)))


def locate_store(cache_dir, tokenizer: Tokenizer) -> tuple[Path, dict[str, str]]:
    """The cache's store for ``tokenizer``'s settings and its index, ``{document key: chunk}``."""
    store = _store_folder(cache_dir, tokenizer)
    return store, _read_index(store) if store.exists() else {}


def _store_folder(cache_dir, tokenizer: Tokenizer) -> Path:
    return Path(cache_dir) / f"text-{hash_settings(tokenizer)[:24]}"


def cache_documents(paragraphs: pd.DataFrame, tokenizer: Tokenizer, cache_dir, progress: bool,
                    speakers: dict[str, tuple[str, str]] | None = None, index: dict[str, str] | None = None,
                    keys: dict[str, str] | None = None
                    ) -> tuple[Path, list[tuple[str, str]], dict[str, tuple[pd.DataFrame, ...]]]:
    """Analyse and write to the cache every document not already there, ``CHUNK_DOCS`` at a time.

    Returns the store folder, ``(chunk, doc_id)`` for every document in order, and the
    tables of the chunks written now. ``index``, from :func:`locate_store`, is read from
    the store when not given, and updated in place; ``keys`` are the documents'
    :func:`hash_documents`, when the caller has them already.
    """
    store = _store_folder(cache_dir, tokenizer)
    if index is None:
        index = _read_index(store) if store.exists() else {}
    keys = keys if keys is not None else hash_documents(paragraphs, speakers)
    missing = [doc for doc, key in keys.items() if key not in index]
    fresh: dict[str, tuple[pd.DataFrame, ...]] = {}
    if missing:
        rows = paragraphs.groupby("doc_id", sort=False).indices  # positions per document, once
    for start in range(0, len(missing), CHUNK_DOCS):
        group = missing[start:start + CHUNK_DOCS]
        part = paragraphs.iloc[np.concatenate([rows[doc] for doc in group if doc in rows] or [np.empty(0, int)])]
        tables = _build_layer(part, tokenizer, progress, speakers)
        chunk = _write_chunk(store, tables, {doc: keys[doc] for doc in group})
        fresh[chunk] = tables
        index.update({keys[doc]: chunk for doc in group})
    return store, [(index[key], doc) for doc, key in keys.items()], fresh


def read_chunk(store: Path, chunk: str, columns: dict[str, list[str] | None] | None = None
               ) -> tuple[pd.DataFrame | None, ...]:
    """One cached chunk's sentences, morphemes and quotes (``columns`` per table: a list, or
    None for all; a table left out of ``columns`` is not read and comes back as None)."""
    wanted = columns if columns is not None else dict.fromkeys(CHUNK_TABLES)
    return tuple(pd.read_parquet(store / f"{chunk}.{name}.parquet", columns=wanted[name]) if name in wanted else None
                 for name in CHUNK_TABLES)


def _build_layer(paragraphs: pd.DataFrame, tokenizer: Tokenizer, progress: bool, speakers):
    """Kiwi's tables and the quotes of some documents (no document depends on another)."""
    sentences, morphemes = build_tables(paragraphs, tokenizer, progress)
    sentences, quotes = attribute_quotes(paragraphs, sentences, morphemes, speakers or {})
    return sentences, morphemes, quotes


def _assemble(wanted: list[tuple[str, str]], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table of the ``(chunk, doc_id)`` documents in that order, each document's rows as
    stored. A chunk holds its documents' rows contiguously, so consecutive documents of one
    chunk are one slice: a corpus with a few new documents is a few dozen slices, not a
    sort of every row."""
    spans = {chunk: _row_spans(table) for chunk, table in tables.items()}
    slices: list[tuple[str, int, int]] = []
    for chunk, doc in wanted:
        span = spans[chunk].get(doc)
        if span is None:  # a document without paragraphs has no rows
            continue
        if slices and slices[-1][0] == chunk and slices[-1][2] == span[0]:
            slices[-1] = (chunk, slices[-1][1], span[1])
        else:
            slices.append((chunk, *span))
    if len(slices) == 1 and slices[0][1:] == (0, len(tables[slices[0][0]])):
        return tables[slices[0][0]].reset_index(drop=True)
    if not slices:
        return next(iter(tables.values())).iloc[:0].reset_index(drop=True)
    return pd.concat([tables[chunk].iloc[a:b] for chunk, a, b in slices], ignore_index=True)


def _row_spans(table: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """``{doc_id: (first row, end row)}`` of a table whose documents' rows are contiguous."""
    codes, uniques = pd.factorize(table["doc_id"])  # hashing in C: no Python call per row
    if not len(codes):
        return {}
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    return {uniques[codes[a]]: (int(a), int(b)) for a, b in zip(starts, ends)}


