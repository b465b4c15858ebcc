"""The text layer of a corpus too large for memory: analysed into the cache, read in batches.

:func:`analyse_corpus` runs the analysis of :func:`analysis.text.analyse_documents` but
keeps no table in memory: each chunk of documents is analysed, written to the cache's
store (parquet) and dropped, so peak memory is one chunk's, whatever the corpus size.
It returns a :class:`TextDataset`, which names the chunk holding each document, in
corpus order. :meth:`TextDataset.iter_batches` yields the tables a batch of documents at
a time (only the tables and columns asked for), :meth:`TextDataset.read` all of them at
once, equal to ``analyse_documents``' (for a corpus that fits), and
:meth:`TextDataset.write` copies them into one parquet file per table, a row group per
batch. Every stage that works sentence by sentence or document by document (frames,
token lists for the topic models) can run over the batches with bounded memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from analysis.io import write_all, write_json
from analysis.text import analyse
from analysis.text.analyse import (CHUNK_TABLES, MORPHEME_COLUMNS, SENTENCE_COLUMNS, TextTables, _assemble,
                                   collect_speakers, hash_documents, read_chunk, split_paragraphs)
from analysis.text.quotes import QUOTE_COLUMNS, mark_own_voice
from analysis.text.tokenizer import Tokenizer

__all__ = ["TextDataset", "analyse_corpus"]

_COLUMNS = {"sentences": SENTENCE_COLUMNS, "morphemes": MORPHEME_COLUMNS, "quotes": QUOTE_COLUMNS}
_VOICE = ["doc_id", "source_type", "speaker"]


@dataclass(frozen=True)
class TextDataset:
    """The cached text layer of a corpus: ``store`` (a cache folder of chunks), ``parts``
    (``(chunk, doc_id)`` per document, in corpus order) and ``voices`` (doc_id,
    source_type, speaker: what :func:`analysis.text.quotes.mark_own_voice` needs)."""

    store: Path
    parts: tuple[tuple[str, str], ...]
    voices: pd.DataFrame
    # The chunk analysed last, still in memory: a corpus of one chunk is not read back.
    recent: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def doc_ids(self) -> list[str]:
        return [doc for _, doc in self.parts]

    def iter_batches(self, docs_per_batch: int | None = None, tables=CHUNK_TABLES,
                     columns: dict[str, list[str]] | None = None) -> Iterator[TextTables]:
        """The tables of ``docs_per_batch`` documents at a time (default: following the cache's
        chunks, see :func:`_cut_batches`), in corpus order.

        ``tables`` names the tables to read (the others are None); ``columns`` limits a
        table's columns (``doc_id`` is always read). Sentences carry voice and speaker as
        :func:`analysis.text.analyse_documents` gives them.
        """
        wanted = {name: _with_doc_id((columns or {}).get(name)) for name in tables}
        loaded: dict[str, tuple] = {}
        for batch in _cut_batches(self.parts, docs_per_batch):
            needed = list(dict.fromkeys(chunk for chunk, _ in batch))
            # Keep only this batch's chunks: in a cold run each batch is one chunk, read once.
            loaded = {chunk: loaded.get(chunk) or self.recent.get(chunk) or read_chunk(self.store, chunk, wanted)
                      for chunk in needed}
            out = {}
            for i, name in enumerate(CHUNK_TABLES):
                if name not in wanted:
                    out[name] = None
                    continue
                table = _assemble(batch, {chunk: parts[i] for chunk, parts in loaded.items()})
                if name == "sentences" and {"voice", "speaker"} <= set(table.columns):
                    docs = {doc for _, doc in batch}
                    table = mark_own_voice(table, self.voices[self.voices["doc_id"].isin(docs)])
                keep = wanted[name] or _COLUMNS[name]
                out[name] = table[[c for c in keep if c in table.columns]]
            yield TextTables(**out)

    def read(self) -> TextTables:
        """All three tables at once (what :func:`analysis.text.analyse_documents` returns)."""
        batches = list(self.iter_batches(docs_per_batch=max(len(self.parts), 1)))
        if batches:
            return batches[0]
        empty = {name: pd.DataFrame(columns=_COLUMNS[name]) for name in CHUNK_TABLES}
        return TextTables(**empty)

    def save(self, path) -> Path:
        """Write the handle (not the tables) as JSON, for a later process: :meth:`load`."""
        return write_json({"store": str(self.store), "parts": [list(p) for p in self.parts],
                           "voices": self.voices.fillna("").astype(str).to_dict(orient="list")}, Path(path), compact=True)

    @classmethod
    def load(cls, path) -> TextDataset:
        """The handle :meth:`save` wrote; its chunks must still be in the cache."""
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        store = Path(saved["store"])
        missing = {chunk for chunk, _ in saved["parts"]} - {p.name[: -len(".keys.json")] for p in store.glob("*.keys.json")}
        if missing:
            raise FileNotFoundError(f"{path}: {len(missing)} chunk(s) are no longer in the cache {store}; "
                                    "analyse the corpus again")
        return cls(store, tuple(map(tuple, saved["parts"])), pd.DataFrame(saved["voices"], columns=_VOICE))

    def write(self, folder, docs_per_batch: int | None = None) -> dict[str, Path]:
        """``<folder>/<table>.parquet`` for the three tables, one row group per batch; each
        file is written whole or not at all (:func:`analysis.io.write_all`)."""
        paths = {name: Path(folder) / f"{name}.parquet" for name in CHUNK_TABLES}
        write_all({path: lambda tmp, name=name: self.write_table(name, tmp, docs_per_batch)
                   for name, path in paths.items()})
        return paths

    def write_table(self, name: str, path, docs_per_batch: int | None = None) -> None:
        """Write one table (``sentences``, ``morphemes`` or ``quotes``) to ``path`` as parquet,
        a row group per batch; no more than a batch is in memory."""
        # One pass per table, reading only that table: each chunk file is still read once.
        writer = None
        try:
            for batch in self.iter_batches(docs_per_batch, tables=(name,)):
                table = pa.Table.from_pandas(getattr(batch, name), preserve_index=False)
                writer = writer or pq.ParquetWriter(path, table.schema)
                writer.write_table(table.cast(writer.schema))
            if writer is None:  # no document: an empty table with the columns
                pd.DataFrame(columns=_COLUMNS[name]).to_parquet(path, index=False)
        finally:
            if writer is not None:
                writer.close()


def _with_doc_id(columns: list[str] | None) -> list[str] | None:
    return None if columns is None else list(dict.fromkeys(["doc_id", *columns]))


def analyse_corpus(documents: pd.DataFrame | str | Path, cache_dir, tokenizer: Tokenizer | None = None,
                   progress: bool = True) -> TextDataset:
    """Analyse every document not yet in ``cache_dir`` and return the corpus's :class:`TextDataset`.

    ``documents`` is a table as for :func:`analysis.text.analyse_documents`, or the path
    of a parquet file of one (the ``documents.parquet`` the corpus stage writes), read a
    row group at a time. Documents are taken ``CHUNK_DOCS`` at a time and the new ones
    analysed a chunk at a time, so memory holds one batch of documents and one chunk's
    tables, whatever the corpus size.

    Example
    -------
    >>> import tempfile
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["우리가 개척한다.", "위기를 기회로."]})
    >>> data = analyse_corpus(docs, tempfile.mkdtemp(), progress=False)
    >>> [len(b.sentences) for b in data.iter_batches(docs_per_batch=1)]
    [1, 1]
    """
    tokenizer = tokenizer or Tokenizer()
    store, index = analyse.locate_store(cache_dir, tokenizer)
    keyed: list[tuple[str, str]] = []  # (doc_id, key): chunk names are known once written
    voices: list[pd.DataFrame] = []
    pending: list[pd.DataFrame] = []  # paragraphs of documents not yet cached
    speakers: dict[str, tuple[str, str]] = {}
    new_keys: dict[str, str] = {}  # of the pending documents, so they are not hashed twice
    recent: dict = {}

    def flush(final: bool = False) -> None:
        # Whole chunks of new documents (the rest waits for the next batch), so one
        # chunk's tables are in memory at a time; the last one is kept for reading.
        if not pending:
            return
        paragraphs = pd.concat(pending, ignore_index=True)
        pending.clear()
        sizes = paragraphs["text"].str.len().groupby(paragraphs["doc_id"], sort=False).sum()
        while len(sizes) and (final or len(sizes) >= analyse.CHUNK_DOCS or sizes.sum() >= analyse.CHUNK_CHARS):
            take = _count_chunk_documents(sizes.to_numpy())
            mask = paragraphs["doc_id"].isin(set(sizes.index[:take]))
            recent.clear()  # before the next chunk is built, not after: one chunk's tables at a time
            taken = {doc: new_keys.pop(doc) for doc in sizes.index[:take]}
            _, _, fresh = analyse.cache_documents(paragraphs[mask], tokenizer, cache_dir, False, speakers, index=index,
                                                  keys=taken)
            for doc in taken:  # cached now: its speaker is in the chunk's tables
                speakers.pop(doc, None)
            recent.update(fresh)
            paragraphs, sizes = paragraphs[~mask], sizes.iloc[take:]
        if len(paragraphs):
            pending.append(paragraphs)

    batches, total = _read_document_batches(documents)
    with tqdm(total=total, desc="text layer", unit="doc", disable=not progress) as bar:
        for batch in batches:
            paragraphs = split_paragraphs(batch)
            batch_speakers = collect_speakers(batch)
            keys = hash_documents(paragraphs, batch_speakers)
            keyed += keys.items()
            new = {doc for doc, key in keys.items() if key not in index}
            new_keys.update({doc: keys[doc] for doc in keys if doc in new})
            if new:
                pending.append(paragraphs[paragraphs["doc_id"].isin(new)])
                speakers.update({doc: who for doc, who in batch_speakers.items() if doc in new})
            flush()
            if "source_type" in batch.columns:
                voices.append(batch.reindex(columns=_VOICE).astype({"doc_id": str}).dropna(subset=["source_type"]))
            bar.update(len(batch))
        flush(final=True)
    parts = tuple((index[key], doc) for doc, key in keyed)
    voices_table = (pd.concat(voices, ignore_index=True) if voices else pd.DataFrame(columns=_VOICE))
    return TextDataset(store, parts, voices_table, recent)


def _count_chunk_documents(sizes) -> int:
    """How many of the documents (of these character counts) make the next chunk: up to
    ``CHUNK_DOCS``, stopping once ``CHUNK_CHARS`` is reached (at least one)."""
    over = np.flatnonzero(np.cumsum(sizes) >= analyse.CHUNK_CHARS)
    return int(min(len(sizes), analyse.CHUNK_DOCS, over[0] + 1 if len(over) else len(sizes)))


def _cut_batches(parts: tuple, size: int | None) -> list[list]:
    """``size`` documents at a time; by default, runs of documents that follow the cache's
    chunks (one or two chunks a batch, at most ``CHUNK_DOCS`` documents), so a batch's
    memory is bounded like a chunk's whatever the documents' lengths."""
    if size:
        return [list(parts[start:start + size]) for start in range(0, len(parts), size)]
    batches, batch, chunks = [], [], set()
    for chunk, doc in parts:
        full = len(batch) >= analyse.CHUNK_DOCS
        new_chunk = bool(batch) and chunk not in chunks and (len(chunks) == 2 or len(batch) >= analyse.CHUNK_DOCS // 2)
        if full or new_chunk:
            batches.append(batch)
            batch, chunks = [], set()
        batch.append((chunk, doc))
        chunks.add(chunk)
    return batches + ([batch] if batch else [])


def _read_document_batches(documents) -> tuple[Iterator[pd.DataFrame], int]:
    """Documents ``CHUNK_DOCS`` at a time from a table or a parquet file, and their count."""
    size = analyse.CHUNK_DOCS
    if isinstance(documents, (str, Path)):
        source = pq.ParquetFile(documents)
        return (batch.to_pandas() for batch in source.iter_batches(batch_size=size)), source.metadata.num_rows
    return (documents.iloc[start:start + size] for start in range(0, len(documents), size)), len(documents)
