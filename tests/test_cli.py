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
    # Streamed from the cache a batch at a time, the tables are those of one in-memory pass.
    from analysis.io import read_table_set
    from analysis.text import analyse_documents

    written = read_table_set(out, ["documents.parquet", "sentences.parquet", "morphemes.parquet", "quotes.parquet"])
    whole = analyse_documents(written["documents"], progress=False)
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(written[name], getattr(whole, name), check_dtype=False)


def test_topics_command_takes_the_shared_defaults(table, tmp_path, capsys):
    # No --unit or --min-df: the defaults of analysis.settings, as in the notebooks. Five
    # documents are fewer than DEFAULTS.min_documents, so the unit is the paragraph.
    from analysis.settings import DEFAULTS

    assert main(["topics", str(table), "--k", "3", "--seed", "7", "--out", str(tmp_path / "t"),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    assert "paragraph units" in capsys.readouterr().out
    doc_topics = pd.read_csv(tmp_path / "t" / "doc_topics.csv", dtype={"doc_id": str})
    assert "para_id" in doc_topics.columns
    terms = pd.read_csv(tmp_path / "t" / "topic_terms.csv")
    assert terms.term.str.len().min() >= DEFAULTS.min_len


def test_input_errors_are_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "docs.csv"
    bad.write_text("id,body\na,본문\n", encoding="utf-8")
    assert main(["frames", str(bad), "--out", str(tmp_path / "h.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("analysis frames: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_a_bug_keeps_its_traceback(tmp_path, monkeypatch):
    import analysis.corpus.stream

    def broken(*args, **kwargs):
        raise KeyError("a bug, not bad input")

    monkeypatch.setattr(analysis.corpus.stream, "stream_corpus", broken)
    with pytest.raises(KeyError, match="a bug"):
        main(["corpus", str(tmp_path), "--out", str(tmp_path / "out")])


def test_topics_then_frames_analyse_the_text_once(table, tmp_path, monkeypatch):
    from analysis.text import analyse

    calls = []
    original = analyse.run_kiwi
    monkeypatch.setattr(analyse, "run_kiwi", lambda kiwi, texts: calls.append(len(texts)) or original(kiwi, texts))
    cache = str(tmp_path / "cache")
    assert main(["topics", str(table), "--k", "3", "--seed", "1", "--out", str(tmp_path / "t"), "--cache-dir", cache]) == 0
    assert main(["frames", str(table), "--out", str(tmp_path / "h.csv"), "--cache-dir", cache]) == 0
    assert len(calls) == 1  # frames read the analysis topics wrote to the cache


def test_corpus_then_topics_and_frames_on_its_folder_analyse_once(tmp_path, capsys, monkeypatch):
    from analysis.text import analyse

    calls = []
    original = analyse.run_kiwi
    monkeypatch.setattr(analyse, "run_kiwi", lambda kiwi, texts: calls.append(len(texts)) or original(kiwi, texts))
    RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
    folder, cache = tmp_path / "corpus", str(tmp_path / "cache")
    assert main(["corpus", str(RAW), "--manifest", str(RAW / "manifest.csv"), "--out", str(folder),
                 "--cache-dir", cache]) == 0
    # A K list: three seeds per K, the sweep written beside the model, the rule printed.
    assert main(["topics", str(folder), "--k", "3,4", "--seed", "1", "--min-len", "3", "--out", str(tmp_path / "t"),
                 "--cache-dir", cache]) == 0
    assert main(["frames", str(folder), "--out", str(tmp_path / "h.csv"), "--cache-dir", cache]) == 0
    assert len(calls) == 1  # corpus analysed the text; topics and frames read it from the cache
    out = capsys.readouterr().out
    assert "K = " in out and ("among the K with stability" in out or "no K reached stability" in out)
    sweep = pd.read_csv(tmp_path / "t" / "k_sweep.csv")
    assert sweep.k.tolist() == [3, 4] and (sweep.n_seeds == 3).all()
    # NMF (the default) sweeps on the counts: every score but the window-based two.
    runs = pd.read_csv(tmp_path / "t" / "k_sweep_runs.csv")
    assert runs[["npmi_doc", "exclusivity", "heldout_ll", "stability"]].notna().all().all()
    assert runs[["npmi", "c_v"]].isna().all().all()
    terms = pd.read_csv(tmp_path / "t" / "topic_terms.csv")
    assert terms.term.str.len().min() >= 3  # --min-len, as the notebooks' MIN_LEN
    hits = pd.read_csv(tmp_path / "h.csv", dtype={"doc_id": str})
    assert set(hits.doc_id) <= {"000", "001", "002", "003", "004"} and len(hits) > 0


def test_frames_and_topics_read_the_cache_in_batches_with_the_same_results(table, tmp_path, monkeypatch):
    # Batches of two documents (the five bundled ones make three): what a corpus of
    # 100,000 articles does with batches of a cache chunk, so memory holds one batch.
    from analysis.text import analyse

    outs = {}
    for name, chunk in (("one", 10_000), ("batched", 2)):
        monkeypatch.setattr(analyse, "CHUNK_DOCS", chunk)
        out, cache = tmp_path / name, str(tmp_path / f"cache-{name}")
        assert main(["frames", str(table), "--out", str(out / "hits.csv"), "--cache-dir", cache]) == 0
        assert main(["topics", str(table), "--k", "3", "--seed", "2", "--out", str(out / "t"), "--cache-dir", cache]) == 0
        outs[name] = out
    assert len(list((tmp_path / "cache-batched").rglob("*.keys.json"))) == 3
    for file in ("hits.csv", "t/doc_topics.csv", "t/topic_terms.csv"):
        assert (outs["one"] / file).read_bytes() == (outs["batched"] / file).read_bytes()


def test_a_large_input_is_streamed_to_the_same_outputs(table, tmp_path, monkeypatch):
    """Over STREAM_BYTES, the input goes through a documents file read in batches; the
    topic tables and the frame hits are the bytes the in-memory path writes."""
    import analysis.cli

    outputs = {}
    for name, limit in (("memory", 10**12), ("streamed", 0)):
        monkeypatch.setattr(analysis.cli, "STREAM_BYTES", limit)
        cache, out = tmp_path / f"cache-{name}", tmp_path / name
        assert main(["topics", str(table), "--k", "3", "--seed", "5", "--out", str(out / "t"),
                     "--cache-dir", str(cache)]) == 0
        assert main(["frames", str(table), "--out", str(out / "hits.csv"), "--cache-dir", str(cache)]) == 0
        outputs[name] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.csv"))}
        assert not list(cache.glob(".work-*"))  # the work folder beside the cache is gone
    assert outputs["memory"].keys() == outputs["streamed"].keys() and len(outputs["memory"]) >= 4
    assert outputs["memory"] == outputs["streamed"]
