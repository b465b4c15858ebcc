"""The Dask path gives the single-machine tables: same rows, order and dtypes.

A two-worker LocalCluster (separate processes, so partitions and the tokenizer really
are pickled and each worker loads its own Kiwi) runs on the bundled corpus.
"""

import pickle

import pandas as pd
import pytest

pytest.importorskip("dask", reason="dask is not installed; the Dask path (analysis.distributed) is optional")
pytest.importorskip("distributed", reason="dask.distributed is not installed; the Dask path is optional")

from analysis.distributed import (  # noqa: E402
    analyse_and_match_dask,
    analyse_corpus_dask,
    analyse_documents_dask,
    match_frames_dask,
    split_documents,
)
from analysis.frames import load_frames, match_frames  # noqa: E402
from analysis.text import Tokenizer, analyse_corpus, analyse_documents, tokens_by_unit  # noqa: E402


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def local(seed_corpus):
    tables = analyse_documents(seed_corpus.documents, progress=False)
    return tables, match_frames(tables.sentences, tables.morphemes, load_frames())


def assert_same_tables(got, expected):
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), check_exact=True, obj=name)


def test_dask_path_gives_identical_tokens_and_frame_hits(seed_corpus, local, client):
    # One partition per document: the most cutting the corpus allows.
    tables, hits = analyse_and_match_dask(seed_corpus.documents, client=client, npartitions=len(seed_corpus.documents))
    local_tables, local_hits = local
    assert_same_tables(tables, local_tables)
    pd.testing.assert_frame_equal(hits, local_hits, check_exact=True)
    assert len(local_hits) > 0
    pd.testing.assert_frame_equal(tokens_by_unit(tables.morphemes, unit="document"),
                                  tokens_by_unit(local_tables.morphemes, unit="document"))


def test_separate_steps_by_address_match_local(seed_corpus, local, client):
    address = client.scheduler.address
    tables = analyse_documents_dask(seed_corpus.documents, address=address, npartitions=2)
    assert_same_tables(tables, local[0])
    hits = match_frames_dask(tables.sentences, tables.morphemes, address=address, npartitions=3)
    pd.testing.assert_frame_equal(hits, local[1], check_exact=True)


def test_each_worker_loads_its_own_kiwi(client, seed_corpus):
    analyse_documents_dask(seed_corpus.documents, client=client, npartitions=4)

    def count_cached_kiwis():
        from analysis.text import tokenizer  # the module's per-process cache, looked into

        return tokenizer._cached_kiwi.cache_info().currsize

    # Kiwi never travels (it cannot be pickled); every worker that ran a task built one.
    assert sum(client.run(count_cached_kiwis).values()) >= 1
    tokenizer = Tokenizer()
    _ = tokenizer.kiwi  # loading the model must not make the tokenizer unpicklable
    assert len(pickle.dumps(tokenizer)) < 100_000


def test_split_documents_keeps_order_and_whole_documents(seed_corpus):
    docs = seed_corpus.documents
    for n in (1, 2, 3, 10):
        parts = split_documents(docs, n)
        assert len(parts) <= min(n, len(docs))
        assert pd.concat(parts).doc_id.tolist() == docs.doc_id.tolist()


def test_unsorted_document_order_gives_the_local_order(seed_corpus, client):
    # Partitions follow input order while match_frames sorts hits by doc_id: the
    # reassembly must give the local order also when input order is not doc_id order.
    docs = seed_corpus.documents.iloc[::-1].reset_index(drop=True)
    local_tables = analyse_documents(docs, progress=False)
    local_hits = match_frames(local_tables.sentences, local_tables.morphemes, load_frames())
    tables, hits = analyse_and_match_dask(docs, client=client, npartitions=3)
    assert_same_tables(tables, local_tables)
    pd.testing.assert_frame_equal(hits, local_hits, check_exact=True)


def test_the_dask_path_writes_a_dataset_and_sends_back_no_table(seed_corpus, local, client, tmp_path):
    # Each worker writes its partition to the shared cache; what comes back is the handle
    # (which chunk holds which document) and the hits, and the dataset reads as the local tables.
    docs = seed_corpus.documents
    data, hits = analyse_corpus_dask(docs, tmp_path / "cache", frames=load_frames(), client=client, npartitions=3)
    assert data.doc_ids == docs.doc_id.tolist()
    assert len({chunk for chunk, _ in data.parts}) == 3  # one chunk per partition
    assert_same_tables(data.read(), local[0])
    pd.testing.assert_frame_equal(hits, local[1], check_exact=True)
    assert_same_tables(analyse_corpus(docs, tmp_path / "cache", progress=False).read(), local[0])  # all cached


def test_a_documents_file_reaches_the_workers_without_the_client_reading_its_texts(seed_corpus, local, client,
                                                                                     tmp_path, monkeypatch):
    # Given the path of a documents parquet, the client reads only the texts' lengths and
    # each worker reads its own rows: the same partitions, dataset and hits as the table.
    import analysis.distributed as D

    docs = seed_corpus.documents
    path = tmp_path / "documents.parquet"
    docs.to_parquet(path, index=False, row_group_size=2)  # partitions cross row groups
    assert D._split_bounds(D._text_lengths(path), 3) == [(p.index[0], p.index[-1] + 1)
                                                          for p in split_documents(docs, 3)]
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: pytest.fail("the client read the documents"))
    data, hits = analyse_corpus_dask(path, tmp_path / "cache", frames=load_frames(), client=client, npartitions=3)
    monkeypatch.undo()
    assert data.doc_ids == docs.doc_id.tolist()
    assert_same_tables(data.read(), local[0])
    pd.testing.assert_frame_equal(hits, local[1], check_exact=True)


def test_the_handles_sent_back_carry_no_tables(seed_corpus, client, tmp_path):
    # A worker's dataset keeps its last chunk's tables for reading; sent back, 27
    # partitions' worth made the client hold 1.5 GB at 50,000 documents.
    import analysis.distributed as D

    part = D.split_documents(seed_corpus.documents, 2)[0]
    data, _ = client.submit(D._cache_part, part, D._task_tokenizer(None), str(tmp_path / "cache"), None).result()
    assert data.recent == {} and len(pickle.dumps(data)) < 20_000
