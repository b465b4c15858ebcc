"""The text layer as a dataset on disk: analysed a chunk at a time, read in batches."""

import pandas as pd
import pytest

from analysis.text import Tokenizer, analyse, analyse_corpus, analyse_documents, tokens_by_unit


def _corpus(n):
    # Speeches and news articles mixed, so voice depends on each document's source type.
    return pd.DataFrame({
        "doc_id": [f"d{i:02d}" for i in range(n)],
        "title": [f"{i}번째 발표" for i in range(n)],
        "text": [f"시장은 {i}번째 인공지능 사업을 발표했다.\n\"우리의 운명은 우리가 개척한다\"고 말했다." for i in range(n)],
        "speaker": [f"시장{i % 3}" for i in range(n)],
        "source_type": ["speech" if i % 2 else "news" for i in range(n)],
    })


def test_the_dataset_holds_what_analyse_documents_returns(tmp_path, kiwi_calls, monkeypatch):
    monkeypatch.setattr(analyse, "CHUNK_DOCS", 3)
    tok = Tokenizer()
    docs = _corpus(8)
    data = analyse_corpus(docs, tmp_path, tokenizer=tok, progress=False)
    assert kiwi_calls == [9, 9, 6]  # three chunks of 3, 3 and 2 documents (title + 2 paragraphs each)
    assert data.doc_ids == docs.doc_id.tolist()
    whole = analyse_documents(docs, tokenizer=tok, progress=False)  # no cache: one more Kiwi pass
    assert (whole.sentences.voice == "own").any() and (whole.sentences.voice == "narration").any()
    read = data.read()
    batches = list(data.iter_batches(docs_per_batch=2))  # batches cut across chunks
    assert len(batches) == 4
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(read, name), getattr(whole, name))
        joined = pd.concat([getattr(b, name) for b in batches], ignore_index=True)
        pd.testing.assert_frame_equal(joined, getattr(whole, name))
    # The parquet export, a row group per batch, reads back as the same tables.
    paths = data.write(tmp_path / "out", docs_per_batch=3)
    for name, path in paths.items():
        pd.testing.assert_frame_equal(pd.read_parquet(path), getattr(whole, name), check_dtype=False)
    assert len(kiwi_calls) == 4  # reading and writing the dataset never ran Kiwi
    again = type(data).load(data.save(tmp_path / "dataset.json"))
    assert again.parts == data.parts
    pd.testing.assert_frame_equal(again.read().sentences, whole.sentences)
    for keys in data.store.glob("*.keys.json"):
        keys.unlink()
    with pytest.raises(FileNotFoundError, match="no longer in the cache"):
        type(data).load(tmp_path / "dataset.json")


def test_batches_read_only_the_tables_and_columns_asked_for(tmp_path):
    docs = _corpus(5)
    data = analyse_corpus(docs, tmp_path, progress=False)
    batches = list(data.iter_batches(docs_per_batch=2, tables=("morphemes",), columns={"morphemes": ["lemma", "tag"]}))
    assert [b.sentences for b in batches] == [None] * 3 and [b.quotes for b in batches] == [None] * 3
    assert list(batches[0].morphemes.columns) == ["doc_id", "lemma", "tag"]
    # Token lists built batch by batch equal those of the whole table.
    whole = tokens_by_unit(analyse_documents(docs, progress=False).morphemes, unit="document")
    pieces = pd.concat([tokens_by_unit(b.morphemes.assign(para_id=1, sent_id=1), unit="document") for b in batches],
                       ignore_index=True)
    assert pieces.tokens.tolist() == whole.tokens.tolist()


def test_documents_can_come_from_a_parquet_file_a_batch_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(analyse, "CHUNK_DOCS", 2)  # row groups of two documents
    docs = _corpus(5)
    docs.to_parquet(tmp_path / "documents.parquet", index=False, row_group_size=2)
    from_file = analyse_corpus(tmp_path / "documents.parquet", tmp_path / "a", progress=False).read()
    from_table = analyse_corpus(docs, tmp_path / "b", progress=False).read()
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(from_file, name), getattr(from_table, name))
    assert (from_file.sentences.voice == "own").any()  # source types read batch by batch


def test_a_grown_corpus_analyses_only_its_new_documents(tmp_path, kiwi_calls):
    docs = _corpus(6)
    analyse_corpus(docs.iloc[:4], tmp_path, progress=False)
    data = analyse_corpus(docs, tmp_path, progress=False)
    assert kiwi_calls == [12, 6]  # 4 documents, then only the 2 new ones
    pd.testing.assert_frame_equal(data.read().morphemes, analyse_documents(docs, progress=False).morphemes)
    empty = analyse_corpus(docs.iloc[:0], tmp_path, progress=False)
    assert empty.read().sentences.empty and list(empty.iter_batches()) == []


def test_chunks_stop_at_a_character_budget_and_batches_follow_the_chunks(tmp_path, kiwi_calls, monkeypatch):
    # Long documents make chunks of fewer documents, so a chunk's memory is bounded by
    # its text, not by its document count; default batches follow the chunks.
    monkeypatch.setattr(analyse, "CHUNK_CHARS", 100)  # each document has about 55 characters
    docs = _corpus(7)
    data = analyse_corpus(docs, tmp_path, progress=False)
    assert kiwi_calls == [6, 6, 6, 3]  # chunks of 2, 2, 2 and 1 documents (3 paragraphs each)
    sizes = [b.sentences.doc_id.nunique() for b in data.iter_batches()]
    assert sum(sizes) == 7 and max(sizes) <= 4  # at most two chunks a batch
    pd.testing.assert_frame_equal(pd.concat([b.morphemes for b in data.iter_batches()], ignore_index=True),
                                  analyse_documents(docs, progress=False).morphemes)
