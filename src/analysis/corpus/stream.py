"""Load a corpus too large to hold: :func:`analysis.corpus.load_corpus` written to disk a
batch of documents at a time.

``stream_corpus(sources, out_dir)`` writes the same three tables as
``write_corpus(load_corpus(sources), out_dir)`` (``documents.parquet``,
``cleaning_audit.csv``, ``report.csv``, as one set), without the corpus in memory:

1. records are read as they are reached (a parquet table a batch of rows at a time,
   :func:`analysis.corpus.importers.iter_source`) and judged one by one; included
   documents go to a spool folder inside ``out_dir`` in batches of ``batch_docs``, and
   each leaves behind only its report row, its MinHash signature (512 bytes) and the
   people and places its headline names;
2. duplicates are clustered from the signatures
   (:func:`analysis.corpus.dedup.cluster_duplicates`); the only texts read back are those
   of documents that LSH pairs, to confirm each pair with its exact similarity, two
   blocks of ``PAIR_BLOCK_DOCS`` paired documents at a time;
3. the spool is read back a batch at a time into ``documents.parquet``, without the
   merged copies, and removed.

Memory therefore grows with the number of inputs only by their report rows and
signatures (about 1 KB a document), not by their text. What is still held whole: one
CSV, TSV, JSON Lines or Excel file while it is read (its encoding is detected from all
of it) and the lines the page cleaner removed (the audit, joined into one table a batch
at a time; tables are only tidied, so theirs is empty).

Example
-------
>>> stream_corpus(["articles.parquet"], "out/corpus", columns=Columns(text="body")).n_documents  # doctest: +SKIP
48210
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus.dedup import (DEDUP_THRESHOLD, NUM_PERM, cluster_duplicates, compute_jaccard,
                                   find_title_entities, hash_shingles, sign_text)
from analysis.corpus.importers import Columns, CorpusError
from analysis.corpus.load import (AUDIT_COLUMNS, MAX_MB, REPORT_COLUMNS, judge_record, fill_source_type, iter_records,
                                  mark_duplicates)
from analysis.errors import OutputError
from analysis.io import _CANNOT_WRITE, _row_group_rows, write_table_set

__all__ = ["BATCH_DOCS", "StreamedCorpus", "stream_corpus"]

BATCH_DOCS = 2000  # documents per spool file: about 6 MB of Korean text at 1,500 characters each
# Documents whose shingles are held at once when duplicate pairs are confirmed (two blocks:
# about 50 MB for article-sized texts); the similarities do not depend on it.
PAIR_BLOCK_DOCS = 2000
SPOOL_GROUP_ROWS = 500  # parquet row groups of the spool, so a paired text is read without all of its file


@dataclass(frozen=True)
class StreamedCorpus:
    """What :func:`stream_corpus` wrote: the folder, the report (small: one row per
    input, no text) and the number of documents in ``documents.parquet``."""

    folder: Path
    report: pd.DataFrame
    n_documents: int

    @property
    def documents_path(self) -> Path:
        return self.folder / "documents.parquet"


_NONE: frozenset = frozenset()


class _Spool:
    """Documents written a batch at a time to numbered parquet files, read back in order.
    A disk that cannot take them is an :class:`OutputError` naming ``target``."""

    def __init__(self, folder: Path, batch_docs: int, target: Path):
        self.folder, self.batch_docs, self.target = folder, batch_docs, target
        self.pending: list[dict] = []
        self.files: list[tuple[Path, int]] = []  # (file, position of its first document)
        self.columns: dict[str, None] = {}  # every column, in order of first appearance
        self.count = 0

    def add(self, doc: dict) -> None:
        self.pending.append(doc)
        if len(self.pending) >= self.batch_docs:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        frame = pd.DataFrame(self.pending)
        self.columns.update(dict.fromkeys(frame.columns))
        path = self.folder / f"{len(self.files):06d}.parquet"
        with self._writing():
            frame.to_parquet(path, index=False, row_group_size=SPOOL_GROUP_ROWS)
        self.files.append((path, self.count))
        self.count += len(frame)
        self.pending = []

    def read_shingles(self, positions: np.ndarray) -> dict[int, np.ndarray]:
        """Shingles of the documents at ``positions`` (sorted), reading only their files."""
        import pyarrow.parquet as pq

        found, size = {}, SPOOL_GROUP_ROWS
        for (path, first), end in zip(self.files, [f for _, f in self.files[1:]] + [self.count]):
            mine = positions[(positions >= first) & (positions < end)] - first
            if len(mine):
                groups = np.unique(mine // size)
                texts = pq.ParquetFile(path).read_row_groups(groups.tolist(), columns=["text"]).column("text")
                # Row r of the file, among the groups read (all full but the file's last).
                where = np.searchsorted(groups, mine // size) * size + mine % size
                found.update((first + r, hash_shingles(texts[k].as_py())) for r, k in zip(mine.tolist(), where.tolist()))
        return found

    def measure_pairs(self, pairs: np.ndarray, block_docs: int | None = None) -> np.ndarray:
        """Exact Jaccard similarity of each pair of positions (rows of ``pairs``).

        The documents that pairs name are cut, in spool order, into blocks of
        ``block_docs`` (default ``PAIR_BLOCK_DOCS``); pairs are measured a pair of blocks
        at a time, so at most two blocks' shingles are held however many documents LSH
        pairs (in a corpus full of near copies, half of them).
        """
        block_docs = block_docs or PAIR_BLOCK_DOCS
        needed = np.unique(pairs)
        block = np.searchsorted(needed, pairs) // block_docs
        low, high = block.min(axis=1), block.max(axis=1)
        similarity = np.empty(len(pairs))
        for a in np.unique(low).tolist():
            rows_a = np.flatnonzero(low == a)
            held = self.read_shingles(needed[a * block_docs:(a + 1) * block_docs])
            for b in np.unique(high[rows_a]).tolist():
                rows = rows_a[high[rows_a] == b]
                other = held if b == a else self.read_shingles(
                    np.intersect1d(pairs[rows], needed[b * block_docs:(b + 1) * block_docs]))
                for row, (i, j) in zip(rows.tolist(), pairs[rows].tolist()):
                    similarity[row] = compute_jaccard(held.get(i, other.get(i)), held.get(j, other.get(j)))
        return similarity

    def write_documents(self, path: str, merged: set[str], source_type: str | None) -> int:
        """Every spooled document but the merged ones, as one parquet file; returns the count."""
        with self._writing():
            return self._write_documents(path, merged, source_type, list(self.columns))

    @contextlib.contextmanager
    def _writing(self):
        try:
            yield
        except OSError as error:
            if error.errno in _CANNOT_WRITE:
                raise OutputError(error.errno, f"cannot write {self.target}: {os.strerror(error.errno)}") from None
            raise

    def _write_documents(self, path, merged, source_type, columns) -> int:
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer, written = None, 0
        try:
            for file, _ in self.files:
                frame = pd.read_parquet(file)
                frame = frame[~frame.doc_id.isin(merged)].reindex(columns=columns, fill_value="").fillna("")
                frame = fill_source_type(frame.reset_index(drop=True), source_type)
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(path, schema)
                writer.write_table(table.cast(schema), row_group_size=_row_group_rows(frame))
                written += len(frame)
        finally:
            if writer is not None:
                writer.close()
        return written


def stream_corpus(sources: Iterable[str | Path], out_dir: str | Path, manifest: str | Path | None = None, *,
                  columns: Columns | None = None, clean: bool | None = None, dedup: bool = True,
                  dedup_threshold: float = DEDUP_THRESHOLD, max_mb: float = MAX_MB, source_type: str | None = None,
                  batch_docs: int = BATCH_DOCS, text: Callable[[Path], dict] | None = None) -> StreamedCorpus:
    """:func:`analysis.corpus.load_corpus` and :func:`analysis.corpus.write_corpus` in one
    pass, a batch of ``batch_docs`` documents in memory at a time (see the module
    docstring); the arguments mean what they mean there. Tables equal to the in-memory
    path's, read back.

    ``text``, given the finished ``documents.parquet`` (before it is moved into place),
    returns more tables for the same set, e.g. the text layer's
    (``{"sentences.parquet": writer, ...}``, as :func:`analysis.io.write_table_set` takes).
    """
    if dedup and not 0 < dedup_threshold <= 1:
        raise CorpusError(f"dedup threshold must be in (0, 1], got {dedup_threshold}")
    out = Path(out_dir)
    created = not out.exists()  # a run that fails leaves no folder it made
    out.mkdir(parents=True, exist_ok=True)
    spool_dir = Path(tempfile.mkdtemp(prefix=".spool-", dir=out))
    try:
        spool = _Spool(spool_dir, batch_docs, out / "documents.parquet")
        rows, audits, seen_ids = [], [], {}
        audit_parts = []  # the audits of earlier batches, one table each
        ids, dates, titles = [], [], []
        # One growing matrix, not an array per document: tens of thousands of small arrays
        # kept among the reading loop's short-lived ones fragment the heap.
        signatures = np.empty((1024, NUM_PERM), dtype=np.uint32)
        for record in iter_records(sources, manifest, columns=columns, max_bytes=int(max_mb * 1e6)):
            row, doc, audit = judge_record(record, seen_ids, clean)
            rows.append(tuple(row[c] for c in REPORT_COLUMNS))
            if doc is None:
                continue
            if dedup:
                ids.append(doc["doc_id"])
                dates.append(doc["published"] or "")
                titles.append(frozenset(find_title_entities(doc["title"])) or _NONE)  # one shared empty set
                if len(ids) > len(signatures):
                    signatures = np.concatenate([signatures, np.empty_like(signatures)])
                signatures[len(ids) - 1] = sign_text(doc["text"])
            spool.add(doc)
            if audit is not None:
                audits.append(audit)
                # A table per cleaned page costs KBs of pandas objects beside its rows: join
                # them a batch at a time (20,000 pages: peak 627 -> 443 MB, page_import.csv).
                if len(audits) >= batch_docs:
                    audit_parts.append(pd.concat(audits, ignore_index=True))
                    audits.clear()
        spool.flush()
        report = pd.DataFrame(rows, columns=REPORT_COLUMNS).astype({"similarity": float})
        del rows
        merged: set[str] = set()
        if dedup and len(ids) > 1:
            duplicates = cluster_duplicates(ids, dates, titles, signatures[:len(ids)], spool.measure_pairs,
                                            dedup_threshold)
            mark_duplicates(report, duplicates)
            merged = set(duplicates.doc_id)
        audit_parts += [pd.concat(audits, ignore_index=True)] if audits else []
        audit = pd.concat(audit_parts, ignore_index=True) if audit_parts else pd.DataFrame(columns=AUDIT_COLUMNS)
        audit = audit.loc[~audit["doc_id"].isin(merged), AUDIT_COLUMNS].reset_index(drop=True)
        documents = spool_dir / "documents.parquet"
        if spool.files:
            n_documents = spool.write_documents(str(documents), merged, source_type)
        else:  # nothing included: the empty table load_corpus gives
            n_documents = 0
            fill_source_type(pd.DataFrame(columns=["doc_id", "title", "text", "published", "source", "encoding",
                                                   "n_chars_raw"]), source_type).to_parquet(documents, index=False)
        # Moved, not copied, into the set (the spool is inside the output folder); ``text``
        # has read it by then.
        tables = {"documents.parquet": lambda tmp: os.replace(documents, tmp), "cleaning_audit.csv": audit,
                  "report.csv": report}
        if text is not None and n_documents:
            tables.update(text(documents))
        write_table_set(out, tables)
    except BaseException:
        shutil.rmtree(out if created else spool_dir, ignore_errors=True)
        raise
    shutil.rmtree(spool_dir, ignore_errors=True)
    return StreamedCorpus(folder=out, report=report, n_documents=n_documents)
