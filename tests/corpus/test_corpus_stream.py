"""stream_corpus writes what write_corpus(load_corpus(...)) writes, a batch at a time."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis.corpus.stream
from analysis.corpus import Columns, load_corpus, write_corpus
from analysis.corpus.stream import stream_corpus

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"documents": "documents.parquet", "audit": "cleaning_audit.csv", "report": "report.csv"}


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for key, name in TABLES.items():
        path = folder / name
        out[key] = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path, dtype=str,
                                                                                         keep_default_na=False)
    return out


def _assert_same(sources, tmp_path, *, batch_docs, **options):
    write_corpus(load_corpus(sources, **options), tmp_path / "whole")
    streamed = stream_corpus(sources, tmp_path / "streamed", batch_docs=batch_docs, **options)
    whole, parts = _read(tmp_path / "whole"), _read(tmp_path / "streamed")
    for key in TABLES:
        pd.testing.assert_frame_equal(parts[key], whole[key], check_dtype=key != "audit", obj=key)
    assert streamed.n_documents == len(whole["documents"])
    assert not list((tmp_path / "streamed").glob(".spool-*")), "the spool is removed"
    return whole


def _speech_rows(n: int, seed: int = 5) -> pd.DataFrame:
    """Real speeches' paragraphs (the bundled pages), cut and copied: exact copies, near copies
    with an edit, copies whose headline names another mayor, and unrelated rows."""
    pages = sorted((ROOT / "data" / "raw").glob("*.txt"))
    paragraphs = [p.strip() for page in pages for p in page.read_text(encoding="utf-8").splitlines() if len(p.strip()) > 40]
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        body = "\n".join(rng.choice(paragraphs, size=4, replace=False))
        rows.append({"id": f"a{i}", "title": f"기사 {i}", "body": body, "date": f"2021-0{1 + i % 9}-1{i % 10}",
                     "outlet": "가" if i % 2 else "나"})
    for i in range(0, n, 7):  # an exact copy, published later
        rows.append({**rows[i], "id": f"copy{i}", "date": "2022-01-01"})
    for i in range(3, n, 11):  # a near copy: one sentence more
        rows.append({**rows[i], "id": f"near{i}", "body": rows[i]["body"] + "\n추가 문장입니다.", "date": ""})
    for i in range(5, n, 13):  # the same body under another mayor's name is another document
        rows.append({**rows[i], "id": f"other{i}", "title": f"강기정 광주시장 기사 {i}"})
        rows[i] = {**rows[i], "title": f"이용섭 광주시장 기사 {i}"}
    rows.append({"id": "empty", "title": "빈 기사", "body": "", "date": "2021-01-01", "outlet": "가"})
    rows.append({"id": "a1", "title": "같은 id", "body": "중복된 아이디의 기사입니다.", "date": "", "outlet": "가"})
    return pd.DataFrame(rows)


def test_bundled_pages_with_manifest_stream_to_the_same_tables(tmp_path):
    whole = _assert_same([ROOT / "data" / "raw"], tmp_path, batch_docs=2, manifest=ROOT / "data" / "raw" / "manifest.csv")
    assert len(whole["audit"]) > 0  # the page cleaner's audit is carried


def test_cleaned_pages_with_copies_keep_an_audit_without_the_merged_ones(tmp_path):
    # Audits are joined a batch at a time; a merged copy's audit rows must still go.
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = sorted((ROOT / "data" / "raw").glob("*.txt"))
    for page in pages:
        shutil.copy(page, folder / page.name)
    for page in pages[:3]:
        shutil.copy(page, folder / f"zz_copy_{page.name}")
    whole = _assert_same([folder], tmp_path, batch_docs=2)
    merged = set(whole["report"].loc[whole["report"].status == "merged", "doc_id"])
    assert len(merged) == 3 and merged.isdisjoint(whole["audit"].doc_id)
    assert set(whole["audit"].doc_id) == set(whole["documents"].doc_id)  # every kept page lost some lines


@pytest.mark.parametrize("pair_block,group_rows", [(2000, 500), (3, 2)])
def test_a_parquet_table_with_copies_streams_to_the_same_tables(tmp_path, monkeypatch, pair_block, group_rows):
    # Blocks of 3 paired documents and spool row groups of 2: pairs are confirmed across
    # many pairs of blocks, from texts read a few row groups at a time.
    monkeypatch.setattr(analysis.corpus.stream, "PAIR_BLOCK_DOCS", pair_block)
    monkeypatch.setattr(analysis.corpus.stream, "SPOOL_GROUP_ROWS", group_rows)
    rows = _speech_rows(60)
    rows.to_parquet(tmp_path / "articles.parquet", index=True, row_group_size=17)  # a stored index is not a column
    whole = _assert_same([tmp_path / "articles.parquet"], tmp_path, batch_docs=9,
                         columns=Columns(text="body", id="id", date="date", title="title"), source_type="news")
    status = whole["report"].status.value_counts()
    assert status["merged"] >= 10 and status["excluded"] == 2
    assert {"index", "__index_level_0__"}.isdisjoint(whole["documents"].columns)


def test_tables_with_different_columns_and_a_broken_line_stream_to_the_same_tables(tmp_path):
    rows = _speech_rows(20, seed=9)
    rows.iloc[:12].to_parquet(tmp_path / "a.parquet", index=False)
    extra = rows.iloc[12:].assign(section="정치")  # a column only the second table has
    lines = extra.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    lines.insert(2, "{broken")
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = _assert_same([tmp_path / "a.parquet", tmp_path / "b.jsonl"], tmp_path, batch_docs=5,
                         columns=Columns(text="body", id="id", date="date", title="title"))
    assert "section" in whole["documents"].columns
    assert whole["report"].reason.str.contains("invalid JSON").sum() == 1


def test_no_dedup_and_nothing_included(tmp_path):
    rows = _speech_rows(10)
    rows.to_parquet(tmp_path / "t.parquet", index=False)
    _assert_same([tmp_path / "t.parquet"], tmp_path / "one", batch_docs=3, dedup=False,
                 columns=Columns(text="body", id="id"))
    rows.assign(body="English only").to_parquet(tmp_path / "e.parquet", index=False)
    whole = _assert_same([tmp_path / "e.parquet"], tmp_path / "two", batch_docs=3, columns=Columns(text="body", id="id"))
    assert whole["documents"].empty


def test_a_bad_threshold_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(Exception, match="threshold"):
        stream_corpus([ROOT / "data" / "raw"], tmp_path / "out", dedup_threshold=1.5)
    assert not (tmp_path / "out").exists()
