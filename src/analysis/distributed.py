"""Tokenisation and frame matching on a Dask cluster, with the single-machine results.

Model
-----
Everything the text layer and frame matching compute stays inside one document:
sentence ids restart in every document, quotes are attributed from the document's own
narration and manifest speaker, and a frame rule never looks past its sentence. So a
corpus can be cut into *partitions* of whole documents, each partition analysed on its
own by the very functions the single-machine path uses
(:func:`analysis.text.analyse_documents`, :func:`analysis.frames.match_frames`), and the
partitions' tables put back together. Partitions are contiguous slices in input order
and are concatenated in that order, and frame hits get :func:`match_frames`' own sort
(``doc_id``, ``sent_id``, ``start``, stable), so the tables are identical to one
``analyse_documents`` + ``match_frames`` run: same rows, same order, same dtypes.

Dask (``dask.distributed``) does the scheduling, data movement, retries and worker
management; this module only cuts, submits and reassembles. The same call runs on a
``LocalCluster`` (tests, one machine) and on any cluster reachable by address
(``tcp://scheduler:8786``), e.g. one started with ``dask scheduler`` / ``dask worker``,
dask-jobqueue on an HPC queue or dask-kubernetes.

Kiwi on workers
---------------
A Kiwi object cannot be pickled (it wraps a C++ model, and one with user words added
refuses to pickle), so it never travels. What travels is the :class:`~analysis.text.Tokenizer`,
which holds settings only. On a worker, the tokenizer's ``kiwi`` property calls the text
module's per-process cache (:func:`analysis.text.load_kiwi`): the first task in each
worker process loads the model (1-2 s, about 300 MB) and later tasks in that process
reuse it. Every worker therefore needs the project installed (same version, same
kiwipiepy and model) and about 300 MB per worker process for the model.

Each task runs Kiwi with one analysis thread unless the tokenizer names
``num_workers``: Dask already runs one task per worker thread, and Kiwi threads on top
of that would oversubscribe the cores. Start workers with ``--nthreads 1`` and one
process per core (``LocalCluster(threads_per_worker=1)``, the default here).

Example
-------
>>> from distributed import Client, LocalCluster  # doctest: +SKIP
>>> with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:  # doctest: +SKIP
...     tables, hits = analyse_and_match_dask(documents, client=client)
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.frames import HIT_COLUMNS, FrameSet, load_frames, match_frames
from analysis.text import TextDataset, TextTables, Tokenizer, analyse_corpus, analyse_documents

__all__ = [
    "analyse_and_match_dask",
    "analyse_corpus_dask",
    "analyse_documents_dask",
    "connect_client",
    "match_frames_dask",
    "split_documents",
]

HIT_ORDER = ["doc_id", "sent_id", "start"]  # match_frames' sort keys that are columns
PARTITIONS_PER_THREAD = 4  # several tasks per worker thread, so a slow partition does not idle the rest


# --------------------------------------------------------------------------- clients


@contextlib.contextmanager
def connect_client(client=None, address: str | None = None) -> Iterator:
    """Yield a ``distributed.Client``: the one given, one connected to ``address``,
    the current default client, or a temporary ``LocalCluster`` on this machine.

    Clients and clusters opened here are closed on exit; a client passed in is left open.

    Example
    -------
    >>> with connect_client(address="tcp://scheduler:8786") as client:  # doctest: +SKIP
    ...     client.ncores()
    """
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if address is not None:
        with Client(address) as opened:
            yield opened
        return
    try:
        from distributed import default_client

        yield default_client()
        return
    except ValueError:  # no client running in this process
        pass
    # One process per core, one thread each: Kiwi then gets a core per task.
    with LocalCluster(threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as local:
        yield local


def count_threads(client) -> int:
    """Total worker threads of the cluster behind ``client`` (at least 1)."""
    return max(1, sum(client.nthreads().values()))


# --------------------------------------------------------------------------- partitions


def split_documents(documents: pd.DataFrame, npartitions: int) -> list[pd.DataFrame]:
    """Cut ``documents`` into at most ``npartitions`` contiguous slices of similar text size.

    Slices keep input order and whole documents; sizes are balanced on characters, not
    rows, because Kiwi's cost follows the text length (speeches run from 100 to 57,000
    characters).

    Example
    -------
    >>> docs = pd.DataFrame({"doc_id": list("abcd"), "text": ["가" * 10, "나", "다", "라" * 9]})
    >>> [part.doc_id.tolist() for part in split_documents(docs, 2)]
    [['a', 'b'], ['c', 'd']]
    """
    if len(documents) == 0:
        return [documents]
    sizes = documents["text"].fillna("").astype(str).str.len().to_numpy()
    return [documents.iloc[start:stop] for start, stop in _split_bounds(sizes, npartitions)]


def _split_bounds(lengths: np.ndarray, npartitions: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each slice of :func:`split_documents`, from the texts' lengths."""
    n = len(lengths)
    npartitions = max(1, min(int(npartitions), n))
    sizes = np.asarray(lengths, dtype=np.int64) + 1
    # Partition k takes the documents whose cumulative size midpoint falls in its share.
    middle = np.cumsum(sizes) - sizes / 2
    labels = np.minimum((middle * npartitions / sizes.sum()).astype(np.int64), npartitions - 1)
    bounds = np.flatnonzero(np.diff(labels)) + 1
    return [(int(a), int(b)) for a, b in zip(np.r_[0, bounds], np.r_[bounds, n])]


def _text_lengths(path) -> np.ndarray:
    """Characters of each document's text in a documents parquet, a row group at a time."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    return np.concatenate([pc.utf8_length(file.read_row_group(i, columns=["text"]).column("text")).fill_null(0)
                           .to_numpy() for i in range(file.num_row_groups)] or [np.zeros(0, np.int64)])


def _read_rows(path, start: int, stop: int) -> pd.DataFrame:
    """Rows ``start:stop`` of a documents parquet, reading only the row groups they fall in."""
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    ends = np.cumsum([file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)])
    groups = [i for i in range(file.num_row_groups) if ends[i] > start and ends[i] - file.metadata.row_group(i).num_rows < stop]
    first = int(ends[groups[0]] - file.metadata.row_group(groups[0]).num_rows)
    return file.read_row_groups(groups).slice(start - first, stop - start).to_pandas()


def _split_by_document(table: pd.DataFrame, labels: pd.Series, npartitions: int) -> list[pd.DataFrame]:
    codes = table["doc_id"].map(labels).to_numpy()
    return [table[codes == k] for k in range(npartitions)]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate in order; empty parts are left out so that their (possibly object)
    dtypes cannot change the dtypes of the non-empty ones."""
    filled = [part for part in parts if len(part)]
    if not filled:
        return parts[0].iloc[0:0].reset_index(drop=True)
    return pd.concat(filled, ignore_index=True)


def _resolve_partitions(client, npartitions: int | None, n_items: int) -> int:
    if npartitions is None:
        npartitions = PARTITIONS_PER_THREAD * count_threads(client)
    if npartitions < 1:
        raise ValueError(f"npartitions must be at least 1, not {npartitions}")
    return max(1, min(int(npartitions), n_items))


def _task_tokenizer(tokenizer: Tokenizer | None) -> Tokenizer:
    tokenizer = copy.copy(tokenizer) if tokenizer is not None else Tokenizer()
    # Dask gives each task a thread; Kiwi's own threads would oversubscribe the cores.
    # (Kiwi's output does not depend on its worker count.)
    if tokenizer.num_workers is None:
        tokenizer.num_workers = 1
    return tokenizer


# --------------------------------------------------------------------------- tasks (run on workers)


def _analyse_part(documents: pd.DataFrame, tokenizer: Tokenizer, cache_dir) -> TextTables:
    return analyse_documents(documents, tokenizer=tokenizer, cache_dir=cache_dir, progress=False)


def _match_part(sentences: pd.DataFrame, morphemes: pd.DataFrame, frames: FrameSet) -> pd.DataFrame:
    return match_frames(sentences, morphemes, frames)


def _analyse_and_match_part(documents: pd.DataFrame, tokenizer: Tokenizer, cache_dir,
                            frames: FrameSet) -> tuple[TextTables, pd.DataFrame]:
    tables = _analyse_part(documents, tokenizer, cache_dir)
    return tables, _match_part(tables.sentences, tables.morphemes, frames)


def _cache_part(documents: pd.DataFrame | tuple, tokenizer: Tokenizer, cache_dir,
                frames: FrameSet | None) -> tuple[TextDataset, pd.DataFrame | None]:
    """Analyse a partition (a table, or ``(path, start, stop)`` rows of a documents file the
    worker reads itself) into the shared cache; only its handle (and hits) travel back."""
    if isinstance(documents, tuple):
        documents = _read_rows(*documents)
    data = analyse_corpus(documents, cache_dir, tokenizer=tokenizer, progress=False)
    hits = None if frames is None else [match_frames(batch.sentences, batch.morphemes, frames)
                                        for batch in data.iter_batches(tables=("sentences", "morphemes"))]
    # The handle goes back without the last chunk's tables it keeps for reading: those
    # would make the client hold a chunk per partition.
    return dataclasses.replace(data, recent={}), (_concat(hits) if hits else None)


# --------------------------------------------------------------------------- public API


def analyse_corpus_dask(documents: pd.DataFrame | str | Path, cache_dir, tokenizer: Tokenizer | None = None, *,
                        frames: FrameSet | None = None, client=None, address: str | None = None,
                        npartitions: int | None = None) -> TextDataset | tuple[TextDataset, pd.DataFrame]:
    """:func:`analysis.text.analyse_corpus` on a Dask cluster: the workers write their
    partitions' tables to the cache (one parquet dataset, chunk files of whole documents)
    and send back only which chunk holds each document, so the client never gathers a
    table. ``cache_dir`` must be a folder every worker and the client can reach (a shared
    file system). The dataset reads back exactly as the single-machine one.

    With ``frames`` (a :class:`~analysis.frames.FrameSet`), each worker also matches the
    frame rules on what it analysed, and ``(dataset, hits)`` is returned, hits as
    :func:`analysis.frames.match_frames` gives them over the whole corpus.

    ``documents`` may be the path of a documents parquet on the shared file system (the
    ``documents.parquet`` the corpus stage writes): the client then reads only the texts'
    lengths, a row group at a time, to cut the partitions, and each worker reads its own
    rows, so no text passes through the client. The partitions, and so the dataset, are
    those of the same table given in memory.

    Example
    -------
    >>> data = analyse_corpus_dask("/shared/corpus/documents.parquet", "/shared/cache",
    ...                            address="tcp://scheduler:8786")  # doctest: +SKIP
    >>> for batch in data.iter_batches(): ...  # doctest: +SKIP
    """
    with connect_client(client, address) as active:
        if isinstance(documents, (str, Path)):
            lengths = _text_lengths(documents)
            bounds = _split_bounds(lengths, _resolve_partitions(active, npartitions, max(1, len(lengths))))
            futures = ([(str(documents), start, stop) for start, stop in bounds] if len(lengths)
                       else active.scatter([pd.read_parquet(documents)]))  # no rows: one empty partition
        else:
            parts = split_documents(documents, _resolve_partitions(active, npartitions, max(1, len(documents))))
            futures = active.scatter(parts)
        results = active.gather(active.map(_cache_part, futures, tokenizer=_task_tokenizer(tokenizer),
                                           cache_dir=str(cache_dir), frames=frames, pure=False))
    handles = [data for data, _ in results]
    voices = [data.voices for data in handles if len(data.voices)]
    dataset = TextDataset(handles[0].store, tuple(p for data in handles for p in data.parts),
                          pd.concat(voices, ignore_index=True) if voices else handles[0].voices)
    if frames is None:
        return dataset
    found = [hits for _, hits in results if hits is not None]
    return dataset, _sort_hits(_concat(found)) if found else pd.DataFrame(columns=HIT_COLUMNS)



def _run_text(documents, tokenizer, client, address, npartitions, cache_dir, frames):
    with connect_client(client, address) as active:
        parts = split_documents(documents, _resolve_partitions(active, npartitions, len(documents)))
        # scatter: partitions go to workers as data, not inside the task graph.
        futures = active.scatter(parts)
        tokenizer = _task_tokenizer(tokenizer)
        if frames is None:
            results = active.gather(active.map(_analyse_part, futures, tokenizer=tokenizer, cache_dir=cache_dir))
            return [(tables, None) for tables in results]
        return active.gather(active.map(_analyse_and_match_part, futures, tokenizer=tokenizer,
                                        cache_dir=cache_dir, frames=frames))


def _join_tables(results) -> TextTables:
    return TextTables(*(_concat([getattr(tables, name) for tables, _ in results])
                        for name in ("sentences", "morphemes", "quotes")))


def _sort_hits(hits: pd.DataFrame) -> pd.DataFrame:
    # Each partition is already in match_frames' order; a stable sort on the column
    # keys interleaves partitions exactly as one run over all documents would.
    return hits.sort_values(HIT_ORDER, kind="stable", ignore_index=True)


def analyse_documents_dask(documents: pd.DataFrame, tokenizer: Tokenizer | None = None, *, client=None,
                           address: str | None = None, npartitions: int | None = None,
                           cache_dir=None) -> TextTables:
    """:func:`analysis.text.analyse_documents` on a Dask cluster; identical tables.

    ``client`` (a ``distributed.Client``) or ``address`` (``"tcp://host:8786"``) picks the
    cluster; with neither, the current client or else a temporary ``LocalCluster``.
    ``npartitions`` defaults to four per worker thread. ``cache_dir`` must be a folder
    every worker can read and write (the cache is per document, so a rerun hits it
    however the documents fall into partitions).

    Example
    -------
    >>> tables = analyse_documents_dask(corpus.documents, address="tcp://scheduler:8786")  # doctest: +SKIP
    >>> tables.morphemes.columns.tolist()[:3]  # doctest: +SKIP
    ['doc_id', 'para_id', 'sent_id']
    """
    results = _run_text(documents, tokenizer, client, address, npartitions, cache_dir, None)
    return _join_tables(results)


def match_frames_dask(sentences: pd.DataFrame, morphemes: pd.DataFrame, frames: FrameSet | None = None, *,
                      client=None, address: str | None = None, npartitions: int | None = None) -> pd.DataFrame:
    """:func:`analysis.frames.match_frames` on a Dask cluster; identical hits table.

    Sentences and morphemes are cut into partitions of whole documents (in order of
    first appearance) and each partition is matched on a worker.

    Example
    -------
    >>> hits = match_frames_dask(tables.sentences, tables.morphemes, client=client)  # doctest: +SKIP
    """
    frames = frames if isinstance(frames, FrameSet) else load_frames(frames)
    if not len(sentences) or not len(morphemes):
        return match_frames(sentences, morphemes, frames)  # nothing to distribute
    doc_ids = pd.unique(sentences["doc_id"])
    with connect_client(client, address) as active:
        n = _resolve_partitions(active, npartitions, len(doc_ids))
        labels = pd.Series(np.arange(len(doc_ids)) * n // max(1, len(doc_ids)), index=doc_ids)
        pairs = zip(_split_by_document(sentences, labels, n), _split_by_document(morphemes, labels, n))
        futures = [(active.scatter(s), active.scatter(m)) for s, m in pairs]
        parts = active.gather([active.submit(_match_part, s, m, frames) for s, m in futures])
    return _sort_hits(_concat(parts))


def analyse_and_match_dask(documents: pd.DataFrame, frames: FrameSet | None = None,
                           tokenizer: Tokenizer | None = None, *, client=None, address: str | None = None,
                           npartitions: int | None = None, cache_dir=None) -> tuple[TextTables, pd.DataFrame]:
    """Text layer and frame matching in one pass per partition; returns ``(tables, hits)``.

    Cheaper than :func:`analyse_documents_dask` followed by :func:`match_frames_dask`:
    morphemes are matched where they were made instead of travelling back and out again.
    Results equal ``analyse_documents`` then ``match_frames`` on one machine.

    Example
    -------
    >>> tables, hits = analyse_and_match_dask(corpus.documents, client=client)  # doctest: +SKIP
    >>> hits.frame.value_counts().head(3)  # doctest: +SKIP
    """
    frames = frames if isinstance(frames, FrameSet) else load_frames(frames)
    results = _run_text(documents, tokenizer, client, address, npartitions, cache_dir, frames)
    hits = _sort_hits(_concat([hits for _, hits in results]))
    return _join_tables(results), hits
