"""The `topics` and `frames` commands on a table of texts, and the text layer of `corpus`."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main


@pytest.fixture(scope="module")
def table(tmp_path_factory, seed_corpus):
    path = tmp_path_factory.mktemp("input") / "docs.jsonl"
    docs = seed_corpus.documents[["doc_id", "title", "text", "speaker"]].rename(columns={"doc_id": "id"})
    docs.to_json(path, orient="records", lines=True, force_ascii=False)
    return path


def test_topics_command_is_byte_stable(table, tmp_path, capsys):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert main(["topics", str(table), "--k", "3", "--seed", "7", "--unit", "paragraph", "--out", str(out),
                     "--cache-dir", str(tmp_path / "cache")]) == 0
    terms = [(out / "topic_terms.csv").read_bytes() for out in outs]
    assert terms[0] == terms[1]
    topic_terms = pd.read_csv(outs[0] / "topic_terms.csv")
    assert list(topic_terms.columns) == ["topic", "rank", "term", "weight"]
    assert sorted(topic_terms.topic.unique()) == [1, 2, 3]
    doc_topics = pd.read_csv(outs[0] / "doc_topics.csv", dtype={"doc_id": str})
    assert {"doc_id", "para_id", "topic_1", "topic_2", "topic_3"} <= set(doc_topics.columns)
    assert set(doc_topics.doc_id) == {"000", "001", "002", "003", "004"}
    assert (outs[0] / "model_info.json").exists() and (outs[0] / "topic_explorer.html").exists()
    assert "K=3" in capsys.readouterr().out


def test_frames_command_writes_one_row_per_match(table, tmp_path):
    out = tmp_path / "hits.csv"
    assert main(["frames", str(table), "--out", str(out)]) == 0
    hits = pd.read_csv(out, dtype={"doc_id": str})
    assert {"doc_id", "frame", "sentence", "match", "voice", "speaker"} <= set(hits.columns)
    japan = hits[(hits.doc_id == "000") & (hits.frame == "japan_rivalry")]
    assert len(japan) >= 3 and set(japan.voice) == {"quote"}
    assert all(m in s for m, s in zip(hits["match"], hits["sentence"]))


def test_frames_command_reports_a_broken_lexicon(table, tmp_path, capsys):
    lexicon = tmp_path / "bad.yaml"
    lexicon.write_text("version: 1\nframes:\n  - description: no id\n", encoding="utf-8")
    assert main(["frames", str(table), "--out", str(tmp_path / "h.csv"), "--lexicon", str(lexicon)]) == 2
    assert "bad.yaml:3" in capsys.readouterr().err


def test_corpus_command_writes_the_text_layer(tmp_path):
    RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

    out = tmp_path / "corpus"
    assert main(["corpus", str(RAW), "--manifest", str(RAW / "manifest.csv"), "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    sentences = pd.read_parquet(out / "sentences.parquet")
    quotes = pd.read_parquet(out / "quotes.parquet")
    assert list(sentences.columns) == ["doc_id", "para_id", "sent_id", "start", "end", "text", "voice", "speaker"]
    assert set(sentences.voice) == {"quote", "narration"}
    assert sentences.loc[sentences.voice == "narration", "speaker"].eq("").all()
    assert {"doc_id", "sent_id", "text", "speaker", "verb"} <= set(quotes.columns)
    assert (out / "morphemes.parquet").exists()
